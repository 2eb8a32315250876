"""Command-line conveniences a team relies on: names, --config anywhere, quiet, open, pipes."""

from __future__ import annotations

from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from aftercare_report.cli import cli


@pytest.mark.slow  # seconds of work: the fast set stays under a minute
def test_compare_names_the_comparative_brief(tmp_path: Path) -> None:
    args = ["compare", "thailand", "india", "--format", "json", "--name", "asia-2026"]
    result = CliRunner().invoke(cli, [*args, "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "asia-2026.json").is_file() and not (tmp_path / "comparative.json").exists()
    bad = CliRunner().invoke(cli, ["compare", "thailand", "india", "--name", "Bad Name"])
    assert bad.exit_code == 2 and "lower-case letters" in bad.stderr
    clash = CliRunner().invoke(
        cli, ["build", "thailand", "india", "--name", "india", "--out", str(tmp_path)]
    )
    assert clash.exit_code == 2 and "a country brief has that name" in clash.stderr


@pytest.mark.slow  # seconds of work: the fast set stays under a minute
def test_config_is_accepted_after_the_command(tmp_path: Path) -> None:
    config = tmp_path / "team.toml"
    config.write_text("[project]\nstale_years = 1\n")
    before = CliRunner().invoke(cli, ["--config", str(config), "validate", "--format", "json"])
    after = CliRunner().invoke(cli, ["validate", "--format", "json", "--config", str(config)])
    assert after.exit_code == before.exit_code == 0
    assert after.stdout == before.stdout
    default = CliRunner().invoke(cli, ["validate", "--format", "json"])
    assert after.stdout != default.stdout  # stale_years = 1 flags more sources


def test_quiet_build_prints_nothing_but_problems(tmp_path: Path) -> None:
    args = ["--quiet", "build", "thailand", "--format", "json", "--out", str(tmp_path)]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0 and result.stdout == ""
    assert (tmp_path / "thailand.json").is_file()


def test_open_launches_the_brief(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    opened: list[str] = []
    monkeypatch.setattr(click, "launch", lambda url, **_: opened.append(url) or 0)
    args = ["compare", "thailand", "india", "--format", "html,json", "--open"]
    result = CliRunner().invoke(cli, [*args, "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert opened == [str(tmp_path / "comparative.html")]


def test_piped_tables_have_no_trailing_spaces() -> None:
    for args in (["list"], ["gaps", "thailand"]):
        result = CliRunner().invoke(cli, args, env={"COLUMNS": "80"})
        assert result.exit_code == 0, result.output
        assert all(line == line.rstrip() for line in result.stdout.splitlines()), args
