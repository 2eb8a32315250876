"""The group's options work after the command's name too: `build -q`, `validate --debug`."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from aftercare_report.cli import cli
from aftercare_report.errors import InputError


def test_quiet_after_the_command(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    loud = CliRunner().invoke(cli, ["build", "thailand", "--format", "json"])
    assert loud.exit_code == 0 and "Wrote 1 file" in loud.stdout
    quiet = CliRunner().invoke(cli, ["build", "thailand", "--format", "json", "--force", "-q"])
    assert quiet.exit_code == 0, quiet.output
    assert quiet.stdout == ""


def test_debug_after_the_command_shows_the_traceback(tmp_path: Path) -> None:
    missing = str(tmp_path / "nope.yaml")
    plain = CliRunner().invoke(cli, ["validate", missing])
    assert plain.exit_code == 1 and "Traceback" not in plain.output
    debug = CliRunner().invoke(cli, ["validate", missing, "--debug"])
    assert isinstance(debug.exception, InputError)


def test_help_lists_quiet_but_not_the_debug_flag_twice() -> None:
    text = CliRunner().invoke(cli, ["build", "--help"]).stdout
    assert "-q, --quiet" in text and text.count("--debug") == 0
