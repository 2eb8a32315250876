"""validate in a team's project: the team's own findings first, the bundled profiles summarised."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from aftercare_report.catalog import Checked
from aftercare_report.cli import cli
from aftercare_report.errors import Finding, Severity
from tests.conftest import VALID


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "aftercare-report.toml").write_text(
        '[project]\nprofiles = ["profiles", "bundled"]\n'
    )
    (tmp_path / "profiles").mkdir()
    shutil.copy(VALID, tmp_path / "profiles" / "testland.yaml")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_github_annotations_show_the_teams_findings_and_one_line_for_the_bundled(
    project: Path,
) -> None:
    result = run("validate", "--format", "github")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    annotations = [line for line in lines if line.startswith("::")]
    assert annotations, "Testland has data gaps to annotate"
    assert all("file=profiles/testland.yaml" in line for line in annotations)
    assert "Also checked 5 bundled profiles:" in result.stdout
    assert "--include-bundled lists them" in result.stdout
    assert lines[-1].startswith("1 file checked:")


def test_include_bundled_lists_them_after_the_teams_with_short_paths(project: Path) -> None:
    result = run("validate", "--include-bundled")
    assert result.exit_code == 0, result.output
    paths = [line.split(":", 1)[0] for line in result.stdout.splitlines() if ".yaml:" in line]
    team = [i for i, p in enumerate(paths) if p == "profiles/testland.yaml"]
    shipped = [i for i, p in enumerate(paths) if p != "profiles/testland.yaml"]
    assert team and shipped and max(team) < min(shipped)
    # Outside the working directory, a bundled file is named as the tool knows it.
    assert {paths[i].split(":")[0] for i in shipped} == {"bundled"}
    assert "bundled:thailand.yaml:" in result.stdout
    assert "site-packages" not in result.stdout and "/profiles/thailand.yaml" not in result.stdout


def test_bundled_findings_other_than_errors_are_summarised_and_never_fail_strict() -> None:
    team = Finding("profiles/x.yaml", 3, 1, "k", "w", Severity.WARNING, "w")
    gap = Finding("bundled:a.yaml", 2, 1, "k", "g", Severity.DATA_GAP, "g")
    warning = Finding("bundled:a.yaml", 1, 1, "k", "w", Severity.WARNING, "w")
    error = Finding("bundled:a.yaml", 5, 1, "k", "e")
    checked = Checked((), (warning, gap, error, team), 2, frozenset({"bundled:a.yaml"}))
    listed, summarised = checked.team_first(summarise_bundled=True)
    # The team's first, then the bundled errors: they stop every build, so they are listed.
    assert listed.findings == (team, error) and listed.files == 1
    assert summarised.findings == (warning, gap) and summarised.files == 1
    assert not any(f.path.startswith("bundled:") for f in listed.warnings)
    everything, nothing = checked.team_first(summarise_bundled=False)
    assert everything.findings == (team, warning, gap, error) and not nothing.files


def test_a_new_project_without_profiles_validates_and_says_how_to_start_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert run("init", str(tmp_path / "team")).exit_code == 0
    monkeypatch.chdir(tmp_path / "team")
    result = run("validate", "--strict")
    assert result.exit_code == 0, result.output
    first, second = result.stdout.splitlines()
    # The bundled profiles' data gaps change as they are researched; only their count is shown.
    assert re.fullmatch(
        r"Also checked 5 bundled profiles: \d+ data gaps \(--include-bundled lists them\)\.", first
    )
    assert second == "No profile of your own yet: aftercare-report new COUNTRY starts one."


def test_validate_without_a_project_lists_the_bundled_profiles(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = run("validate")
    assert result.exit_code == 0, result.output
    assert "bundled:india.yaml:" in result.stdout and "Also checked" not in result.stdout
    assert result.stdout.splitlines()[-1].startswith("5 files checked:")
