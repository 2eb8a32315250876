"""Shared fixtures: the bundled framework, the Testland profile, paths to fixture folders."""

from __future__ import annotations

from pathlib import Path

import pytest

from aftercare_report import catalog
from aftercare_report.model import Framework, Profile

TESTS = Path(__file__).resolve().parent
PROFILES = TESTS / "profiles"
VALID = PROFILES / "valid" / "testland.yaml"
INVALID = PROFILES / "invalid"


@pytest.fixture(scope="session")
def framework() -> Framework:
    return catalog.load_framework()


@pytest.fixture(scope="session")
def testland(framework: Framework) -> Profile:
    (profile,) = catalog.load_profiles([VALID], framework)
    return profile


@pytest.fixture(scope="session")
def bundled(framework: Framework) -> dict[str, Profile]:
    return {p.slug: p for p in catalog.load_profiles([], framework)}
