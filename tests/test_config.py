"""The project file: found upward, validated with locations, and applied to every command."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from aftercare_report.cli import cli
from aftercare_report.config import find_config, load_project
from aftercare_report.errors import InputError

from .conftest import VALID


def test_found_upward_like_git(tmp_path: Path) -> None:
    (tmp_path / "aftercare-report.toml").write_text("[project]\nout = 'briefs'\n")
    deep = tmp_path / "a" / "b"
    deep.mkdir(parents=True)
    assert find_config(deep) == tmp_path / "aftercare-report.toml"
    assert load_project(find_config(deep)).out == tmp_path / "briefs"


def test_defaults_without_a_project_file() -> None:
    project = load_project(None)
    assert project.profiles == () and project.terms == {} and project.language == "en"


def test_unknown_key_is_located_with_a_hint(tmp_path: Path) -> None:
    path = tmp_path / "aftercare-report.toml"
    path.write_text("[project]\nout = 'x'\n\n[brand]\norganisaton = 'Us'\n")
    with pytest.raises(InputError) as caught:
        load_project(path)
    (finding,) = caught.value.findings
    assert (finding.line, finding.key) == (5, "brand.organisaton")
    assert "did you mean 'organisation'?" in finding.message


def test_toml_syntax_error_is_located(tmp_path: Path) -> None:
    path = tmp_path / "aftercare-report.toml"
    path.write_text("[project]\nout = \n")
    with pytest.raises(InputError) as caught:
        load_project(path)
    assert caught.value.findings[0].line == 2


def test_colour_that_could_inject_css_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "aftercare-report.toml"
    path.write_text("[brand]\nprimary = 'red; } body { display: none'\n")
    with pytest.raises(InputError, match=r"brand\.primary"):
        load_project(path)


def test_project_profiles_and_terms_reach_the_commands(tmp_path: Path) -> None:
    (tmp_path / "profiles").mkdir()
    (tmp_path / "profiles" / "testland.yaml").write_text(VALID.read_text())
    (tmp_path / "aftercare-report.toml").write_text(
        "[project]\nprofiles = ['profiles']\n\n[terms]\nre-trafficking = 're-exploitation'\n"
    )
    cwd = Path.cwd()
    os.chdir(tmp_path)
    try:
        result = CliRunner().invoke(cli, ["gaps", "testland", "--json"])
        listed = CliRunner().invoke(cli, ["list", "--json"])
    finally:
        os.chdir(cwd)
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert any("re-exploitation" in m for m in data["key_messages"])
    assert [row["slug"] for row in json.loads(listed.stdout)] == ["testland"]


def test_paths_must_stay_inside_the_project(tmp_path: Path) -> None:
    project = tmp_path / "project"
    project.mkdir()
    (project / "linked").symlink_to("/")
    path = project / "aftercare-report.toml"
    path.write_text(
        "[project]\ntemplates = ['/', 'linked']\nprofiles = ['../elsewhere']\n\n"
        "[terms]\nsurvivorz = 'x'\nvictim = 'y'\n"
    )
    with pytest.raises(InputError) as caught:
        load_project(path)
    found = sorted((f.key, f.message.split(" is ")[-1][:14]) for f in caught.value.findings)
    assert [k for k, _ in found] == [
        "project.profiles",
        "project.templates",
        "project.templates",
        "terms.survivorz",
        "terms.victim",
    ]


def _project_file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "aftercare-report.toml"
    path.write_text(text)
    return path


@pytest.mark.parametrize(
    ("text", "holds"),
    [
        ("[project]\nout = '.'\n", "the project folder"),
        ("[project]\nprofiles = ['briefs/p']\nout = 'briefs'\n", "profiles"),
        ("[project]\ntemplates = ['t/x']\nout = 't'\n", "templates"),
        ("[project]\ntemplates = ['t']\nout = 't/out'\n", "be inside templates"),
        # Security review 15a, L3: a local build overwrote the previous edition's record.
        (
            "[project]\nout = 'editions/2025'\n[edition]\nprevious = '2025'\n"
            "previous_json = 'editions/2025'\n",
            "the previous edition's JSON",
        ),
        ("[project]\nout = 'translations'\n", "translations"),
    ],
)
def test_out_may_not_hold_inputs(tmp_path: Path, text: str, holds: str) -> None:
    (tmp_path / "editions" / "2025").mkdir(parents=True)
    (tmp_path / "translations").mkdir()
    with pytest.raises(InputError, match=f"would (hold )?{holds}"):
        load_project(_project_file(tmp_path, text))


def test_out_from_the_command_line_is_checked_too(tmp_path: Path) -> None:
    path = _project_file(tmp_path, "[project]\nout = 'briefs'\n")
    with pytest.raises(InputError, match="would hold the project folder"):
        load_project(path, out=tmp_path)


def test_deeply_nested_toml_is_a_located_finding(tmp_path: Path) -> None:
    path = _project_file(tmp_path, "x = " + "[" * 5000 + "]" * 5000 + "\n")
    with pytest.raises(InputError) as caught:
        load_project(path)
    assert "nested too deeply" in caught.value.findings[0].message


def test_project_file_has_a_size_limit(tmp_path: Path) -> None:
    path = _project_file(tmp_path, "# " + "x" * 300_000 + "\n")
    with pytest.raises(InputError, match="larger than the limit"):
        load_project(path)


def test_many_unknown_terms_are_reported_quickly(tmp_path: Path) -> None:
    import time

    terms = "".join(f"t{i} = 'x'\n" for i in range(20_000))
    path = _project_file(tmp_path, "[terms]\n" + terms)
    start = time.perf_counter()
    with pytest.raises(InputError) as caught:
        load_project(path)
    assert time.perf_counter() - start < 2
    (finding,) = caught.value.findings
    assert finding.key == "terms" and "at most 100" in finding.message


@pytest.mark.parametrize(
    "line",
    [
        'organisation = "Us\\n::error::x"',
        "organisation = '" + "x" * 300 + "'",
        "font = '" + "a" * 300 + "'",
    ],
)
def test_brand_text_has_limits(tmp_path: Path, line: str) -> None:
    path = _project_file(tmp_path, f"[brand]\n{line}\n")
    with pytest.raises(InputError) as caught:
        load_project(path)
    assert caught.value.findings[0].line == 2


def test_limits_and_security_sections(tmp_path: Path) -> None:
    path = _project_file(
        tmp_path,
        "[limits]\nrender_seconds = 5\nmemory_mb = 1024\n\n[security]\nallow_scripts = true\n",
    )
    project = load_project(path, ["allow_scripts"])
    assert project.limits.render_seconds == 5 and project.limits.memory_mb == 1024
    assert project.allow_scripts


@pytest.mark.parametrize(
    ("brand", "message"),
    [
        ("primary = 'gren'", "'gren' is not a CSS colour"),
        ("primary = '#7fb3d5'", "contrast of 2.3:1 with white, below 4.5:1"),
        ("accent = '#ffee00'", "contrast of 1.2:1 with white, below 3:1"),
        ("primary = 'rgba(0, 0, 0, 0.2)'", "is transparent"),
    ],
)
def test_brand_colours_are_real_and_readable(tmp_path: Path, brand: str, message: str) -> None:
    path = tmp_path / "aftercare-report.toml"
    path.write_text(f"[brand]\n{brand}\n")
    with pytest.raises(InputError) as caught:
        load_project(path)
    (finding,) = caught.value.findings
    assert finding.line == 2 and finding.key.startswith("brand.") and message in finding.message


def test_a_failing_colour_comes_with_one_that_passes(tmp_path: Path) -> None:
    from aftercare_report import colours

    ((_, message),) = colours.problems("#7fb3d5", "#c0504d")
    suggested = message.rsplit("try ", 1)[1]
    parsed = colours.parse(suggested)
    assert parsed is not None and colours.contrast(parsed, colours.WHITE) >= 4.5
    assert colours.problems("navy", "#c0504d") == []


def test_look_alike_text_in_the_project_file_is_a_warning_at_its_line(tmp_path: Path) -> None:
    # Security review 16b, L1: the organisation, review statement and institutions reach every
    # brief, but only profile text was read for invisible and look-alike characters.
    text = (
        "[project]\nreview_statement = 'Reviewed by the \u0430dvisory group.'\n"
        "[brand]\norganisation = 'Coalit\u200bion'\n"
    )
    project = load_project(_project_file(tmp_path, text))
    found = {(f.line, f.key, f.code) for f in project.review}
    assert found == {
        (4, "organisation", "invisible-character"),
        (2, "review_statement", "look-alike"),
    }
    result = CliRunner().invoke(
        cli, ["--config", str(tmp_path / "aftercare-report.toml"), "validate", "--strict"]
    )
    assert result.exit_code == 1
    assert "aftercare-report.toml:4" in result.output and "invisible" in result.output


@pytest.mark.parametrize("value", ["true", "false"])
def test_a_limit_in_seconds_is_a_number_not_a_switch(tmp_path: Path, value: str) -> None:
    # Security review 16b, Info: `render_seconds = true` was read as 1 second.
    path = _project_file(tmp_path, f"[limits]\nrender_seconds = {value}\n")
    with pytest.raises(InputError, match="a number of seconds, not true or false"):
        load_project(path)
