"""Starting a team project, a profile or a template: files that validate and build at once."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner, Result

from aftercare_report.cli import cli


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


def test_init_then_build_compares_the_teams_country_with_a_bundled_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = tmp_path / "team"
    result = run("init", str(project), "--organisation", "Test Coalition", "--country", "Cambodia")
    assert result.exit_code == 0, result.output
    for name in (
        "aftercare-report.toml",
        "templates/country.html",
        "schema/profile.schema.json",
        ".github/workflows/briefs.yml",
        ".pre-commit-config.yaml",
        "profiles/cambodia.yaml",
    ):
        assert (project / name).is_file(), name
    monkeypatch.chdir(project)
    checked = run("validate", "--strict")
    assert checked.exit_code == 0, checked.output
    assert "0 errors, 0 warnings" in checked.stdout
    built = run("compare", "cambodia", "thailand", "--format", "json")
    assert built.exit_code == 0, built.output
    data = json.loads((project / "briefs" / "comparative.json").read_text())
    assert [c["country"] for c in data["countries"]] == ["Cambodia", "Thailand"]
    cambodia = data["countries"][0]
    # An empty profile is honest: nothing documented, nothing ranked, nothing invented.
    assert cambodia["index"]["value"] == 0 and not cambodia["index"]["ranked"]
    assert (project / "briefs" / "comparative.json").read_text().count("Test Coalition") == 0


@pytest.mark.parametrize(
    "fmt", ["docx", pytest.param("pdf", marks=pytest.mark.slow)], ids=["docx", "pdf"]
)
def test_a_new_profile_with_no_source_yet_builds_a_dated_document(
    fmt: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # `new` then `build` (the team's first hour): no source means no evidence date, and the
    # document takes the profile's own as_of instead of failing or reading the clock.
    project = tmp_path / "team"
    assert run("init", str(project), "--country", "Cambodia").exit_code == 0
    monkeypatch.chdir(project)
    built = run("build", "cambodia", "--format", fmt)
    assert built.exit_code == 0 and "warning" not in built.output, built.output
    as_of = yaml.safe_load((project / "profiles" / "cambodia.yaml").read_text())["as_of"]
    data = (project / "briefs" / f"cambodia.{fmt}").read_bytes()
    if fmt == "pdf":
        assert f"D:{as_of:%Y%m%d}".encode() in data
    else:
        with zipfile.ZipFile(io.BytesIO(data)) as docx:
            assert f"{as_of:%Y-%m-%d}" in docx.read("docProps/core.xml").decode()


def test_init_refuses_to_overwrite_without_force(tmp_path: Path) -> None:
    assert run("init", str(tmp_path)).exit_code == 0
    again = run("init", str(tmp_path))
    assert again.exit_code == 2 and "more files init writes already exist" in again.stderr
    assert "use --force to overwrite them" in again.stderr
    assert run("init", str(tmp_path), "--force").exit_code == 0


def test_new_profile_validates_with_data_gaps_only(tmp_path: Path) -> None:
    result = run("new", "Côte d'Ivoire", "--iso3", "civ", "--to", str(tmp_path))
    assert result.exit_code == 0, result.output
    path = tmp_path / "cote-d-ivoire.yaml"
    text = path.read_text()
    assert 'country: "Côte d\'Ivoire"' in text and "iso3: CIV" in text
    assert "# Child survivors; level 3:" in text  # the framework's words, as comments
    checked = run("validate", "--strict", "--format", "json", str(path))
    assert checked.exit_code == 0, checked.output
    severities = {f["severity"] for f in json.loads(checked.stdout)}
    assert severities == {"data-gap"}


def test_a_team_profile_replaces_the_bundled_one_and_validate_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "aftercare-report.toml").write_text("[project]\nprofiles = ['mine', 'bundled']\n")
    (tmp_path / "mine").mkdir()
    assert run("new", "Thailand", "--iso3", "THA", "--to", str(tmp_path / "mine")).exit_code == 0
    monkeypatch.chdir(tmp_path)
    result = run("validate")
    assert result.exit_code == 0, result.output
    assert "mine/thailand.yaml:1:1: note: replaces the bundled profile of Thailand (THA)" in (
        result.stdout
    )
    listed = json.loads(run("list", "--json").stdout)
    thailand = [row for row in listed if row["slug"] == "thailand"]
    assert len(thailand) == 1 and thailand[0]["coverage"] == 0  # the team's empty profile


def test_templates_copy_and_paths(tmp_path: Path) -> None:
    result = run("templates", "copy", "brief.css", "--to", str(tmp_path))
    assert result.exit_code == 0, result.output
    copied = (tmp_path / "brief.css").read_text()
    paths = dict(line.split(maxsplit=1) for line in run("paths").stdout.splitlines())
    assert copied == (Path(paths["templates"]) / "brief.css").read_text()
    assert Path(paths["framework"]).is_file() and Path(paths["profiles"]).is_dir()
    assert "{% block" in Path(paths["reference"]).read_text()  # the template reference
    assert run("templates", "copy", "nope.html").exit_code == 2


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_completion_scripts(shell: str) -> None:
    result = run("completion", shell)
    assert result.exit_code == 0 and "_AFTERCARE_REPORT_COMPLETE" in result.stdout


@pytest.mark.slow
def test_init_without_a_country_builds_at_once_as_printed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = run("init", "team")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-1] == "Ready: cd team && aftercare-report build"
    assert (tmp_path / "team" / "profiles" / "README.md").is_file()  # git keeps the folder
    monkeypatch.chdir(tmp_path / "team")
    built = run("build", "--format", "html,json")
    assert built.exit_code == 0, built.output
    written = {p.name for p in (tmp_path / "team" / "briefs").iterdir()}
    assert {"thailand.html", "thailand.json", "comparative.html"} <= written


def test_new_finds_the_iso_code_and_the_region_of_a_peer(tmp_path: Path) -> None:
    (tmp_path / "aftercare-report.toml").write_text("[project]\nprofiles = ['mine', 'bundled']\n")
    (tmp_path / "mine").mkdir()
    result = run("--config", str(tmp_path / "aftercare-report.toml"), "new", "Cambodia")
    assert result.exit_code == 0, result.output
    text = (tmp_path / "mine" / "cambodia.yaml").read_text()
    assert "iso3: KHM" in text
    # Thailand, bundled, is in the same UN sub-region: the new profile takes its region's name,
    # so that briefs find it as a peer in the same region.
    assert 'region: "South-East Asia"' in text
    assert "(Cambodia, KHM, South-East Asia)" in result.stdout


def test_new_reads_the_name_in_the_briefs_language(tmp_path: Path) -> None:
    config = tmp_path / "aftercare-report.toml"
    config.write_text("[project]\nprofiles = ['profiles']\nlanguage = 'fr'\n")
    (tmp_path / "profiles").mkdir()
    result = run("--config", str(config), "new", "Côte d\u2019Ivoire")
    assert result.exit_code == 0, result.output
    result = run("--config", str(config), "new", "Royaume-Uni")
    assert result.exit_code == 0, result.output
    text = (tmp_path / "profiles" / "united-kingdom.yaml").read_text()
    assert "iso3: GBR" in text and 'region: "Europe du Nord"' in text


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("Congo", "'Congo' could be Congo - Brazzaville (COG); Congo - Kinshasa (COD)"),
        ("Cambodja", "is not a country name or ISO code we know; did you mean 'Cambodia'?"),
        ("Europe", "'Europe' is not a country name or ISO code we know"),
    ],
)
def test_new_refuses_an_ambiguous_name_or_one_that_is_not_a_country(
    tmp_path: Path, name: str, message: str
) -> None:
    result = run("new", name, "--to", str(tmp_path))
    assert result.exit_code == 2 and message in result.stderr
    assert not list(tmp_path.iterdir())


def test_new_asks_which_country_at_a_terminal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("aftercare_report.cli._interactive", lambda: True)
    result = CliRunner().invoke(cli, ["new", "Korea", "--to", str(tmp_path)], input="2\n")
    assert result.exit_code == 0, result.output
    assert "1. North Korea (PRK)" in result.stderr and "2. South Korea (KOR)" in result.stderr
    assert "iso3: KOR" in (tmp_path / "south-korea.yaml").read_text()


def test_the_skeleton_asserts_no_instrument(tmp_path: Path) -> None:
    assert run("new", "Nepal", "--to", str(tmp_path)).exit_code == 0
    text = (tmp_path / "nepal.yaml").read_text()
    assert "instruments: {}" in text and "# palermo, coe_cets197" in text
    assert "Not yet researched" not in text
