"""The fonts a brief can use: fontconfig's character sets, team font files, the font stack."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from aftercare_report import fonts
from aftercare_report.cli import cli
from aftercare_report.config import load_project
from aftercare_report.errors import InputError
from aftercare_report.fonts import Coverage, FontError, charset_coverage, font_stack
from aftercare_report.settings import DEFAULT_FONT, TeamFont

from .conftest import VALID, fontless_script, make_font


def test_character_sets_merge_into_ranges() -> None:
    coverage = charset_coverage(["20-7e a0-17f", "41-5a 1780-17dd", "17de-17e9 2026"])
    assert coverage.starts == (0x20, 0xA0, 0x1780, 0x2026)
    assert coverage.ends == (0x7E, 0x17F, 0x17E9, 0x2026)
    assert coverage.covers("A") and coverage.covers("ក") and coverage.covers("…")
    assert not coverage.covers("\x1f") and not coverage.covers("ก")


def test_coverages_combine_and_stay_unknown_once_unknown() -> None:
    both = charset_coverage(["41-5a"]) | charset_coverage(["5b-60 e01"])
    assert both.starts == (0x41, 0xE01) and both.ends == (0x60, 0xE01)
    assert not (both | Coverage(known=False)).known


def test_the_installed_fonts_cover_latin_and_are_listed_once_per_process() -> None:
    installed = fonts.installed()
    assert installed.known and installed.covers("a") and installed.covers("é")
    assert fonts.installed() is installed


def test_a_team_font_is_read_by_fontconfig(tmp_path: Path) -> None:
    path = make_font(tmp_path / "toto.ttf", "Team Toto", "\U0001e290\U0001e291")
    found = fonts.query(path)
    assert (found.family, found.weight, found.style) == ("Team Toto", "400", "normal")
    assert found.coverage.covers("\U0001e291") and found.coverage.covers(" ")
    assert not found.coverage.covers("a")


def test_a_file_that_is_no_font_is_refused(tmp_path: Path) -> None:
    (tmp_path / "fake.ttf").write_bytes(b"not a font")
    with pytest.raises(FontError, match="fontconfig cannot read it as a font"):
        fonts.query(tmp_path / "fake.ttf")


def test_a_font_whose_character_set_is_in_too_many_pieces_is_refused(tmp_path: Path) -> None:
    # Security review 13a, L1: 20 fonts each mapping every other code point took every
    # command 60 s and 1.1 GB in the building process, reading their character sets.
    pieces = fonts.CHARSET_RANGES
    path = make_font(
        tmp_path / "comb.ttf",
        "Comb",
        "".join(chr(0x20000 + 2 * i) for i in range(pieces)),
        one_glyph=True,
    )
    with pytest.raises(FontError, match=f"its character set is in more than {pieces:,} pieces"):
        fonts.query(path)
    whole = make_font(
        tmp_path / "whole.ttf",
        "Whole",
        "".join(chr(0x20000 + i) for i in range(2 * pieces)),
        one_glyph=True,
    )
    assert fonts.query(whole).coverage.covers(chr(0x20000 + 2 * pieces - 1))


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("fonts/missing.ttf", r"not found in the template folders \(.*templates\)"),
        ("fonts/logo.png", "not a font file: use .ttf, .otf, .woff, .woff2"),
        ("../outside.ttf", "give a path inside a template folder"),
        (".hidden/x.ttf", "give a path inside a template folder"),
        ("fonts/link.ttf", "refused: .*: .link.ttf. is a symlink"),
        ("fonts/fifo.ttf", "refused: .*: it is not a regular file"),
    ],
)
def test_team_fonts_stay_inside_their_template_folder(
    tmp_path: Path, name: str, message: str
) -> None:
    folder = tmp_path / "templates"
    (folder / "fonts").mkdir(parents=True)
    (tmp_path / "outside.ttf").write_bytes(b"x")
    (folder / "fonts" / "link.ttf").symlink_to(tmp_path / "outside.ttf")
    os.mkfifo(folder / "fonts" / "fifo.ttf")
    with pytest.raises(FontError, match=message):
        fonts.locate(name, [folder])


def test_the_first_template_folder_with_the_font_wins(tmp_path: Path) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    for folder in (first, second):
        make_font(folder / "fonts" / "team.ttf", "Team", "x")
    assert fonts.locate("fonts/team.ttf", [first, second]) == (first / "fonts/team.ttf").resolve()


def test_team_families_come_first_once_and_commas_carry_no_spaces() -> None:
    team = (TeamFont("a.ttf", "Team Sans"), TeamFont("b.ttf", "Team Sans", "700"))
    assert font_stack("'DejaVu Sans', serif", team) == "'Team Sans','DejaVu Sans',serif"
    assert font_stack("'Team Sans', serif", team) == "'Team Sans',serif"
    assert font_stack(DEFAULT_FONT) == DEFAULT_FONT  # already in the form SVG text needs


def test_font_face_rules_say_only_what_was_checked() -> None:
    bold = TeamFont("fonts/Team Bold.ttf", "Team Sans", "700", "italic")
    assert fonts.font_face(bold, "fonts/Team Bold.ttf") == (
        "@font-face { font-family: 'Team Sans'; src: url(\"fonts/Team%20Bold.ttf\"); "
        "font-weight: 700; font-style: italic; }\n"
    )
    variable = TeamFont("v.ttf", "Team Sans", "")
    assert "font-weight" not in fonts.font_face(variable, "v.ttf")


@pytest.mark.parametrize(
    ("fontconfig", "css"), [("80", "400"), ("75", "400"), ("200", "700"), ("[0 210]", "")]
)
def test_fontconfig_weights_become_css_weights(fontconfig: str, css: str) -> None:
    assert fonts._css_weight(fontconfig) == css


def _project(tmp_path: Path, brand: str, templates: str = '["templates"]') -> Path:
    path = tmp_path / "aftercare-report.toml"
    path.write_text(f"[project]\ntemplates = {templates}\n\n[brand]\n{brand}\n")
    (tmp_path / "templates").mkdir(exist_ok=True)
    return path


def test_team_fonts_are_read_from_the_template_folder_and_lead_the_stack(tmp_path: Path) -> None:
    make_font(tmp_path / "templates" / "fonts" / "toto.ttf", "Team Toto", "\U0001e290")
    make_font(tmp_path / "templates" / "fonts" / "other.ttf", "Other", "\U0001e291")
    path = _project(
        tmp_path,
        'fonts = ["fonts/toto.ttf", { file = "fonts/other.ttf", family = "Brand Sans" }]\n'
        "font = \"'DejaVu Sans', sans-serif\"",
    )
    brand = load_project(path).brand
    assert brand.fonts == (
        TeamFont("fonts/toto.ttf", "Team Toto", "400", "normal"),
        TeamFont("fonts/other.ttf", "Brand Sans", "400", "normal"),
    )
    assert brand.font == "'Team Toto','Brand Sans','DejaVu Sans',sans-serif"


@pytest.mark.parametrize(
    ("brand", "templates", "message"),
    [
        (
            'fonts = ["fonts/missing.ttf"]',
            '["templates"]',
            "'fonts/missing.ttf': not found in the template folders (templates)",
        ),
        (
            'fonts = ["fonts/missing.ttf"]',
            "[]",
            "'fonts/missing.ttf': not found in the template folders (none: set [project] "
            "templates)",
        ),
        (
            'fonts = ["fonts/odd.ttf"]',
            '["templates"]',
            "'fonts/odd.ttf': its family name 'Odd; }' is not safe to write into CSS; give one: "
            '{ file = "fonts/odd.ttf", family = "Team Sans" }',
        ),
        (
            'fonts = [{ file = "fonts/odd.ttf", family = "x; }" }]',
            '["templates"]',
            "does not have the expected form",
        ),
    ],
)
def test_team_font_problems_name_the_project_file_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, brand: str, templates: str, message: str
) -> None:
    monkeypatch.chdir(tmp_path)
    make_font(tmp_path / "templates" / "fonts" / "odd.ttf", "Odd; }", "x")
    path = _project(tmp_path, f"organisation = 'Us'\n{brand}", templates)
    with pytest.raises(InputError) as caught:
        load_project(path)
    (finding,) = caught.value.findings
    assert (finding.line, finding.key.split(".")[:2]) == (6, ["brand", "fonts"])
    assert message in finding.message


def test_validate_counts_team_fonts_and_names_a_script_with_none(tmp_path: Path) -> None:
    script, text = fontless_script()
    profile = tmp_path / "profiles" / "testland.yaml"
    profile.parent.mkdir()
    profile.write_text(
        VALID.read_text(encoding="utf-8").replace("Testland funds shelters", f"{text} funds"),
        encoding="utf-8",
    )
    runner = CliRunner()
    found = runner.invoke(cli, ["--config", str(_project(tmp_path, "")), "validate", str(profile)])
    assert found.exit_code == 1
    assert (
        f"summary: {script} text has no font: install fonts-noto-core or add a font under "
        "[brand] fonts" in found.stdout
    )
    make_font(tmp_path / "templates" / "fonts" / "team.ttf", "Team", text)
    config = _project(tmp_path, 'fonts = ["fonts/team.ttf"]')
    covered = runner.invoke(cli, ["--config", str(config), "validate", str(profile)])
    assert covered.exit_code == 0, covered.output
