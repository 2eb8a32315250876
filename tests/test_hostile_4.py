"""The fourth security review: one test per finding, each with its hostile input.

F1 (the building process holding every output) is in ``test_workers.py``; F3: published JSON
that takes many times its size in memory once parsed; F2: character references in attribute
values of the inert check; F5: ``new --to`` through a symlinked folder.
"""

from __future__ import annotations

import resource
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from aftercare_report import editions, inert
from aftercare_report.cli import cli
from aftercare_report.errors import InputError
from aftercare_report.limits import PUBLISHED_TOTAL_VALUES, PUBLISHED_VALUES

from .test_inert import document


def _dicts(count: int) -> str:
    """``{"a":[{},{},...]}`` counted as ``count`` values (a comma and a brace per ``{}``).

    Three bytes of text take about 70 bytes of memory each once parsed.
    """
    return '{"a":[' + ",".join(["{}"] * (count // 2)) + "]}"


# --- F3: published JSON bounded before it is parsed --------------------------------------------


def test_a_published_json_of_many_values_is_refused_before_it_is_parsed(tmp_path: Path) -> None:
    folder = tmp_path / "briefs"
    folder.mkdir()
    (folder / "cambodia.json").write_text(_dicts(PUBLISHED_VALUES + 2))  # 1.5 MB, ~40 MB parsed
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with pytest.raises(InputError) as caught:
        editions.read(folder)
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    finding = caught.value.findings[0]
    assert finding.path.endswith("cambodia.json")
    assert f"more than {PUBLISHED_VALUES:,} JSON values" in finding.message
    assert grown_mb < 50  # the text and a copy, never the parsed objects


def test_the_files_of_an_edition_are_bounded_together(tmp_path: Path) -> None:
    folder = tmp_path / "briefs"
    folder.mkdir()
    each = PUBLISHED_VALUES - 10  # each file alone is allowed
    for name in ("a", "b", "c"):
        (folder / f"{name}.json").write_text(_dicts(each))
    assert 3 * each > PUBLISHED_TOTAL_VALUES
    with pytest.raises(InputError) as caught:
        editions.read(folder)
    finding = caught.value.findings[0]
    assert finding.path.endswith("c.json")  # located at the file that went over
    assert f"more than {PUBLISHED_TOTAL_VALUES:,} values" in finding.message


def test_escaped_quotes_and_commas_in_strings_are_not_counted_as_values() -> None:
    text = r'{"a": "x,y\\", "b": [1, 2, {"c": "\"q,\\\"", "d": "[{,,"}]}'
    assert editions._values(text) == 7


def test_diff_of_a_folder_with_an_amplifying_json_is_a_located_error(tmp_path: Path) -> None:
    old, new = tmp_path / "old", tmp_path / "new"
    runner = CliRunner()
    built = runner.invoke(cli, ["build", "thailand", "--format", "json", "--out", str(old)])
    assert built.exit_code == 0, built.output
    shutil.copytree(old, new)
    (new / "thailand.json").write_text(_dicts(PUBLISHED_VALUES + 2))
    result = runner.invoke(cli, ["diff", str(old), str(new)])
    assert result.exit_code == 1
    assert "thailand.json" in result.output
    assert "JSON values" in result.output
    assert "Traceback" not in result.output


# --- F2: attribute values compared as browsers decode them -------------------------------------


@pytest.mark.parametrize(
    ("html", "refused"),
    [
        ('<meta name="&#114;eferrer" content="unsafe-url">', "meta name=referrer"),
        ('<meta name="&#x52;EFERRER" content="unsafe-url">', "meta name=referrer"),
        ('<meta name="referrer" content="&#117;nsafe-url">', "meta name=referrer"),
        ('<script type="&#109;odule">import("x")</script>', "inline scripts only"),
        ('<script type="&#109;odule ">import("x")</script>', "inline scripts only"),
        ('<svg xmlns="http&#58;//evil.example/"></svg>', "names another namespace"),
    ],
)
def test_character_references_in_attribute_values_are_decoded_before_comparing(
    html: str, refused: str
) -> None:
    found = inert.problems(document(html, allow_scripts=True), allow_scripts=True)
    assert any(refused in problem for problem in found), found


def test_an_encoded_value_that_is_allowed_is_still_accepted() -> None:
    html = '<meta name="&#114;eferrer" content="no-&#114;eferrer"><p title="Tom &amp; Jerry">x</p>'
    assert inert.problems(document(html)) == []


# --- F5: new --to never writes through a symlinked folder of the project -----------------------


@pytest.mark.parametrize("to", ["profiles/sub", "profiles/sub/deeper", "profiles/sub/new.yaml"])
@pytest.mark.parametrize("force", [False, True])
def test_new_never_writes_through_a_symlinked_folder_inside_the_project(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, to: str, force: bool
) -> None:
    project, elsewhere = tmp_path / "sc", tmp_path / "elsewhere"
    (project / "profiles").mkdir(parents=True)
    elsewhere.mkdir()
    (elsewhere / "nepal.yaml").write_text("precious\n")
    (project / "aftercare-report.toml").write_text(
        '[project]\nprofiles = ["profiles"]\nout = "briefs"\n'
    )
    (project / "profiles" / "sub").symlink_to(elsewhere)
    monkeypatch.chdir(project)
    result = CliRunner().invoke(cli, ["new", "Nepal", "--to", to, *(["--force"] * force)])
    assert result.exit_code != 0, result.output
    assert "symlink" in result.output
    assert sorted(p.name for p in elsewhere.iterdir()) == ["nepal.yaml"]
    assert (elsewhere / "nepal.yaml").read_text() == "precious\n"


def test_new_still_writes_into_a_real_folder_and_one_outside_the_project(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = tmp_path / "sc"
    (project / "profiles").mkdir(parents=True)
    (project / "aftercare-report.toml").write_text(
        '[project]\nprofiles = ["profiles"]\nout = "briefs"\n'
    )
    monkeypatch.chdir(project)
    inside = CliRunner().invoke(cli, ["new", "Nepal", "--to", "profiles/drafts"])
    assert inside.exit_code == 0, inside.output
    assert (project / "profiles" / "drafts" / "nepal.yaml").is_file()
    outside = CliRunner().invoke(cli, ["new", "Peru", "--to", str(tmp_path / "other")])
    assert outside.exit_code == 0, outside.output
    assert (tmp_path / "other" / "peru.yaml").is_file()


def test_a_published_json_with_a_number_of_5000_digits_is_a_located_error(tmp_path: Path) -> None:
    # Security review 11b, L1: an internal error, and `diff --exit-code` said "changed" (1).
    path = tmp_path / "thailand.json"
    path.write_text('{"schema_version": 2, "x": ' + "9" * 5000 + "}")
    result = CliRunner().invoke(cli, ["diff", str(path), str(path), "--exit-code"])
    assert result.exit_code == 2, result.output
    assert "holds a number too long" in result.output and "internal error" not in result.output
