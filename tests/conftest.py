"""Shared fixtures: the bundled framework, the Testland profile, paths to fixture folders."""

from __future__ import annotations

import subprocess
import sys
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


def cli_in_subprocess(
    args: list[str], check: str = "", env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the CLI in a fresh interpreter (clean ``sys.modules``), then the Python in ``check``.

    The run fails (non-zero return code, message on stderr) if the command exits non-zero or an
    assertion in ``check`` fails.
    """
    code = (
        "import sys\nfrom aftercare_report.cli import cli\n"
        f"try:\n    cli({args!r})\nexcept SystemExit as exc:\n    assert not exc.code, exc.code\n"
        f"{check}\n"
    )
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
