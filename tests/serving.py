"""A team project in a temporary folder and `aftercare-report serve` running on it, for tests."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from .conftest import VALID

SUMMARY = "Testland funds shelters but closes cases when survivors leave them."


def make_project(folder: Path) -> Path:
    """Write a project with the Testland profile; return the profile's path."""
    (folder / "profiles").mkdir(parents=True)
    (folder / "aftercare-report.toml").write_text('[project]\nprofiles = ["profiles"]\n')
    return Path(shutil.copy(VALID, folder / "profiles" / "testland.yaml"))


@contextmanager
def serving(project: Path, *args: str) -> Iterator[str]:
    """Run `serve` on a free loopback port in ``project``; yield its URL; stop it with Ctrl-C.

    The server must stop cleanly (exit code 0) when interrupted.
    """
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    command = [sys.executable, "-m", "aftercare_report", "serve", "--port", "0", *args]
    process = subprocess.Popen(
        command,
        cwd=project,
        env=env,
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
        # A job started in the background by a non-interactive shell inherits SIGINT ignored,
        # and Python then installs no Ctrl-C handler: give the server the default back.
        preexec_fn=_default_sigint,
    )
    assert process.stderr is not None
    try:
        url = _wait_for_url(process)
        yield url
    finally:
        process.send_signal(signal.SIGINT)
        try:
            rest = process.communicate(timeout=20)[1]
        except subprocess.TimeoutExpired:
            process.kill()
            raise
    assert process.returncode == 0, rest
    assert "Stopped." in rest


def _default_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _wait_for_url(process: subprocess.Popen[str]) -> str:
    assert process.stderr is not None
    seen = []
    for line in process.stderr:
        seen.append(line)
        match = re.search(r"on (http://\S+/) ", line)
        if match:
            return match[1]
    raise AssertionError(f"serve did not start: {''.join(seen)}")


def fetch(url: str) -> tuple[int, str]:
    """GET ``url``; return the status and the text, also for error statuses."""
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


def eventually(check: Callable[[], bool], seconds: float = 30) -> None:
    """Wait until ``check()`` is true, or fail after ``seconds``."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if check():
            return
        time.sleep(0.2)
    raise AssertionError("the served page did not change in time")
