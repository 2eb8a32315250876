"""A team's first hour, from the built wheel in a fresh environment, as the trial team did it.

Install, init, build, new Cambodia, validate, migrate a format-1 profile, and the pinned install
that the workflow and the pre-commit hook run (pip --require-hashes from tools/).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

from tests.conftest import PROFILES

ROOT = Path(__file__).resolve().parent.parent


def _wheel(folder: Path) -> Path:
    pip = [sys.executable, "-m", "pip", "-q"]
    subprocess.run(
        [*pip, "wheel", "--no-deps", "--no-build-isolation", "-w", str(folder), str(ROOT)],
        check=True,
        capture_output=True,
    )
    (wheel,) = folder.glob("*.whl")
    return wheel


@pytest.mark.slow
def test_the_first_hour_from_the_wheel(tmp_path: Path) -> None:
    wheel = _wheel(tmp_path / "dist")
    site = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "-q", "install", "--no-deps", "--target", str(site), wheel],
        check=True,
    )
    env = {**os.environ, "PYTHONPATH": str(site)}
    home = tmp_path / "work"
    home.mkdir()

    def run(*args: str, cwd: Path, code: int = 0) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "aftercare_report", *args]
        done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True)
        assert done.returncode == code, done.stdout + done.stderr
        return done

    printed = run("init", "team", "--organisation", "Mekong Aftercare Alliance", cwd=home)
    assert printed.stdout.splitlines()[-1] == "Ready: cd team && aftercare-report build"
    team = home / "team"
    # The wheel init pins is the installed tool's, file for file.
    pinned = team / "tools" / wheel.name
    with zipfile.ZipFile(wheel) as original, zipfile.ZipFile(pinned) as rebuilt:
        files = {n for n in original.namelist() if not n.endswith("RECORD")}
        assert files == {n for n in rebuilt.namelist() if not n.endswith("RECORD")}
        assert all(original.read(n) == rebuilt.read(n) for n in files)

    run("build", "--format", "html,json", cwd=team)
    assert (team / "briefs" / "thailand.html").stat().st_size > 10_000
    assert (team / "briefs" / "comparative.json").is_file()

    run("new", "Cambodia", cwd=team)
    assert "iso3: KHM" in (team / "profiles" / "cambodia.yaml").read_text()
    shutil.copy(PROFILES / "format1" / "thailand.yaml", team / "profiles" / "thailand.yaml")
    run("migrate", "profiles/thailand.yaml", "--in-place", cwd=team)
    # The old profile cites a translation on a law-summary site; validate warns until the team
    # marks it as a copy, as the warning asks.
    migrated = team / "profiles" / "thailand.yaml"
    cited = "    url: https://library.siam-legal.com/?p=811\n"
    assert cited in migrated.read_text()
    assert "mark it `copy_of:`" in run("validate", "--strict", cwd=team, code=1).stdout
    marked = "    copy_of: {original: the Act in the Gazette, reason: no official translation}\n"
    migrated.write_text(migrated.read_text().replace(cited, cited + marked))
    checked = run("validate", "--strict", "--format", "github", cwd=team)
    annotations = [line for line in checked.stdout.splitlines() if line.startswith("::")]
    assert annotations and all("file=profiles/" in line for line in annotations)
    assert "Also checked 5 bundled profiles" in checked.stdout
    assert "site-packages" not in checked.stdout and str(site) not in checked.stdout

    # What the pre-commit hook (and, with the same two pip commands, the workflow) does: install
    # the pinned wheel, checked against its sha256, into an environment of its own, and run it.
    # A pull request's own aftercare_report/ and pip/ at the top of the project never run in
    # their place (security review 10a, H1).
    for shadow in ("aftercare_report", "pip"):
        (team / shadow).mkdir()
        (team / shadow / "__init__.py").write_text("")
        (team / shadow / "__main__.py").write_text('print("RAN FROM THE CHECKOUT")\n')
    fresh = tmp_path / "hook-env"
    venv.create(fresh, with_pip=True)
    python = fresh / "bin" / "python"
    hook = [str(python), "tools/pre-commit-hook.py", "validate", "--strict"]
    clean = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    done = subprocess.run(hook, cwd=team, env=clean, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "2 files checked: 0 errors, 0 warnings" in done.stdout
    assert "RAN FROM THE CHECKOUT" not in done.stdout
    # A wheel that does not match its pinned hash is refused.
    (team / "tools" / wheel.name).write_bytes(wheel.read_bytes() + b"\0")
    (team / "tools" / "requirements.txt").write_text(
        (team / "tools" / "requirements.txt").read_text() + "\n"
    )  # changed, so the hook installs again
    done = subprocess.run(hook, cwd=team, env=clean, capture_output=True, text=True)
    assert done.returncode == 1 and "THESE PACKAGES DO NOT MATCH THE HASHES" in done.stderr
