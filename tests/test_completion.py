"""Shell completion: subcommands, and the countries and languages of the project in play."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.shell_completion import ShellComplete

from aftercare_report.cli import cli


def complete(args: list[str], incomplete: str) -> list[str]:
    completer = ShellComplete(cli, {}, "aftercare-report", "_AFTERCARE_REPORT_COMPLETE")
    return [item.value for item in completer.get_completions(args, incomplete)]


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "aftercare-report.toml").write_text(
        "[project]\nprofiles = ['profiles', 'bundled']\n"
    )
    (tmp_path / "profiles").mkdir()
    (tmp_path / "profiles" / "cambodia.yaml").write_text("schema_version: 2\n")
    (tmp_path / "translations").mkdir()
    (tmp_path / "translations" / "pt-BR.po").write_text("")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_countries_complete_from_the_projects_profiles_and_the_bundled_ones(project: Path) -> None:
    assert complete(["gaps"], "") == [
        "cambodia",
        "india",
        "nigeria",
        "thailand",
        "united-kingdom",
        "united-states",
    ]
    assert complete(["build"], "uni") == ["united-kingdom", "united-states"]
    assert complete(["compare", "cambodia"], "th") == ["thailand"]


def test_languages_complete_with_the_projects_own_translations(project: Path) -> None:
    assert complete(["build", "--language"], "") == ["en", "es", "fr", "pt-BR"]
    assert complete(["translations", "check"], "p") == ["pt-BR"]


def test_completion_in_a_broken_project_offers_nothing_rather_than_failing(
    project: Path,
) -> None:
    (project / "aftercare-report.toml").write_text("[project\n")
    assert complete(["gaps"], "th") == ["thailand"]  # no project: the bundled profiles
