"""Shared fixtures: the bundled framework, the Testland profile, paths to fixture folders."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
import types
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


def load_script(name: str) -> types.ModuleType:
    """Import a script from scripts/ (they import each other as top-level modules)."""
    folder = TESTS.parent / "scripts"
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))
    spec = importlib.util.spec_from_file_location(name, folder / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
