"""The wheel carries its templates, profiles and schema: a plain install works from anywhere."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_installed_wheel_runs_from_another_directory(tmp_path: Path) -> None:
    pip = [sys.executable, "-m", "pip", "-q"]
    subprocess.run(
        [*pip, "wheel", "--no-deps", "--no-build-isolation", "-w", str(tmp_path), str(ROOT)],
        check=True,
        capture_output=True,
    )
    (wheel,) = tmp_path.glob("*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    for expected in (
        "_bundled/templates/country.html",
        "_bundled/profiles/thailand.yaml",
        "_bundled/schema/profile.schema.json",
        "data/framework.yaml",
    ):
        assert f"aftercare_report/{expected}" in names
    site = tmp_path / "site"
    subprocess.run([*pip, "install", "--no-deps", "--target", str(site), str(wheel)], check=True)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {**os.environ, "PYTHONPATH": str(site)}

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, *args], cwd=elsewhere, env=env, capture_output=True, text=True
        )

    where = run("-c", "import aftercare_report.resources as r; print(r.bundled('profiles'))")
    assert where.stdout.startswith(str(site)), where.stdout + where.stderr
    validate = run("-m", "aftercare_report", "validate")
    assert validate.returncode == 0, validate.stdout + validate.stderr
    assert "5 files checked: 0 errors" in validate.stdout
    built = run("-m", "aftercare_report", "build", "thailand", "--format", "html,json")
    assert built.returncode == 0, built.stdout + built.stderr
    assert (elsewhere / "out" / "thailand.html").stat().st_size > 10_000
