"""Fonts per script: a team font for a script sets that script only; bold stays bold."""

from __future__ import annotations

import shutil
import string
from pathlib import Path

import pytest

from aftercare_report import fonts
from aftercare_report.config import load_project
from aftercare_report.errors import InputError, Severity

from .conftest import SCRIPTS, make_font

KHMER = "".join(chr(c) for c in range(0x1780, 0x17DE))
NOTO_KHMER = Path("/usr/share/fonts/truetype/noto/NotoSansKhmer-Regular.ttf")
NOTO_KHMER_BOLD = NOTO_KHMER.with_name("NotoSansKhmer-Bold.ttf")


def _project(root: Path, fonts_line: str) -> Path:
    (root / "templates" / "fonts").mkdir(parents=True, exist_ok=True)
    path = root / "aftercare-report.toml"
    path.write_text(f'[project]\ntemplates = ["templates"]\n\n[brand]\n{fonts_line}\n')
    return path


def _khmer_with_latin(root: Path) -> Path:
    """A Khmer font that has Latin letters too, as Khmer OS has: every glyph a box."""
    latin = string.ascii_letters + string.digits + ".,:;()"
    return make_font(root / "templates" / "fonts" / "khmer.ttf", "Khmer Boxes", latin + KHMER)


def test_a_font_is_for_the_scripts_it_covers_beyond_latin_greek_and_cyrillic(
    tmp_path: Path,
) -> None:
    both = fonts.query(_khmer_with_latin(tmp_path))
    assert fonts.script_spans(both.coverage) == {"Khmer": ((0x1780, 0x17DD),)}
    latin = make_font(tmp_path / "latin.ttf", "Brand Sans", string.ascii_letters + "αβγδ")
    assert fonts.script_spans(fonts.query(latin).coverage) == {}
    # A few characters of another script (an ornament, a sign) do not make it a script font.
    stray = make_font(tmp_path / "stray.ttf", "Brand Sans", string.ascii_letters + KHMER[:3])
    assert fonts.script_spans(fonts.query(stray).coverage) == {}
    assert fonts.unicode_range([(0x19E0, 0x19FF), (0x1780, 0x1780)]) == "U+1780, U+19E0-19FF"


def test_a_script_font_is_declared_for_its_script_only(tmp_path: Path) -> None:
    _khmer_with_latin(tmp_path)
    project = load_project(_project(tmp_path, 'fonts = ["fonts/khmer.ttf"]'))
    (font,) = project.brand.fonts
    assert (font.scripts, font.ranges) == (("Khmer",), "U+1780-17DD")
    rule = fonts.font_face(font, "fonts/khmer.ttf")
    assert rule.endswith("font-style: normal; unicode-range: U+1780-17DD; }\n")
    notes = [f for f in project.review if f.code == "font-script"]
    assert notes and notes[0].severity is Severity.NOTE
    assert "'fonts/khmer.ttf' sets Khmer text only (U+1780-17DD)" in notes[0].message


def test_script_all_makes_a_script_font_set_every_text(tmp_path: Path) -> None:
    _khmer_with_latin(tmp_path)
    path = _project(tmp_path, 'fonts = [{ file = "fonts/khmer.ttf", script = "all" }]')
    (font,) = load_project(path).brand.fonts
    assert (font.scripts, font.ranges) == ((), "")
    assert "unicode-range" not in fonts.font_face(font, "fonts/khmer.ttf")


def test_a_script_the_font_lacks_is_an_error_at_its_line(tmp_path: Path) -> None:
    _khmer_with_latin(tmp_path)
    path = _project(tmp_path, 'fonts = [{ file = "fonts/khmer.ttf", script = "Thai" }]')
    with pytest.raises(InputError) as caught:
        load_project(path)
    (finding,) = caught.value.findings
    assert finding.line == 5
    assert finding.message == "'fonts/khmer.ttf' has no Thai text (it covers Khmer); check script ="


def test_a_family_without_its_bold_face_is_a_warning(tmp_path: Path) -> None:
    _khmer_with_latin(tmp_path)
    project = load_project(_project(tmp_path, 'fonts = ["fonts/khmer.ttf"]'))
    (warning,) = [f for f in project.review if f.severity is Severity.WARNING]
    assert (warning.line, warning.code) == (5, "font-weight")
    assert warning.message.startswith(
        "'Khmer Boxes' has no bold face (700): Khmer text the brief sets in bold (headings, "
        "labels) is drawn at weight 400"
    )


@pytest.mark.skipif(not NOTO_KHMER_BOLD.is_file(), reason="needs Debian's fonts-noto-core")
def test_a_family_with_regular_and_bold_is_not_warned_about(tmp_path: Path) -> None:
    folder = tmp_path / "templates" / "fonts"
    folder.mkdir(parents=True)
    shutil.copy(NOTO_KHMER, folder / "TeamKhmer-Regular.ttf")
    shutil.copy(NOTO_KHMER_BOLD, folder / "TeamKhmer-Bold.ttf")
    line = (
        'fonts = [{ file = "fonts/TeamKhmer-Regular.ttf", family = "Team Khmer" }, '
        '{ file = "fonts/TeamKhmer-Bold.ttf", family = "Team Khmer" }]'
    )
    project = load_project(_project(tmp_path, line))
    assert [f.family for f in project.brand.fonts] == ["Team Khmer", "Team Khmer"]
    assert [f.weight for f in project.brand.fonts] == ["400", "700"]
    assert not [f for f in project.review if f.severity is Severity.WARNING]


@pytest.mark.slow
def test_latin_text_stays_in_the_body_font_with_bold_beside_a_khmer_team_font(
    tmp_path: Path,
) -> None:
    # The team font has Latin letters (boxes): were it used for Latin, the PDF would say so.
    from pypdf import PdfReader

    from aftercare_report import pipeline

    _khmer_with_latin(tmp_path)
    (tmp_path / "profiles").mkdir()
    shutil.copy(SCRIPTS, tmp_path / "profiles" / "testland.yaml")
    path = _project(tmp_path, 'fonts = ["fonts/khmer.ttf"]')
    path.write_text(path.read_text().replace("[project]\n", '[project]\nprofiles = ["profiles"]\n'))
    project = load_project(path)
    request = pipeline.BuildRequest(formats=("pdf",), jobs=1)
    result = pipeline.build(project, request, pipeline.no_progress)
    assert any("no bold face" in w for w in result.warnings)
    runs: dict[str, set[str]] = {}

    def visit(text: str, cm: object, tm: object, font: object, size: object) -> None:
        name = str(font.get("/BaseFont", "")) if isinstance(font, dict) else ""
        for char in text:
            runs.setdefault(name.partition("+")[2], set()).add(char)

    for page in PdfReader(project.out / "testland.pdf").pages:
        page.extract_text(visitor_text=visit)
    assert set(runs["Khmer-Boxes"]) <= set(KHMER), "the team font sets Khmer only"
    assert set("ព្រ") & runs["Khmer-Boxes"]
    assert {"A", "T", "e"} <= runs["DejaVu-Sans"] and {"A", "K"} <= runs["DejaVu-Sans-Bold"]
