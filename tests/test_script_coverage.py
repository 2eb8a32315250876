"""Text no font covers: one error per script, at its first place, before anything renders."""

from __future__ import annotations

from pathlib import Path

import pytest

from aftercare_report import catalog, script_coverage
from aftercare_report.errors import InputError, Severity
from aftercare_report.fonts import Coverage, charset_coverage
from aftercare_report.model import Framework, Profile

from .conftest import SCRIPTS, VALID

LATIN = charset_coverage(["20-7e a0-24f 2010-2027"])
"""A machine with a Latin font only (a fake font set: the tests do not depend on the fonts)."""
FIX = "no font: install fonts-noto-core or add a font under [brand] fonts"


def profiles(framework: Framework, *texts: tuple[str, str], tmp_path: Path) -> list[Profile]:
    """Testland profiles whose summary (or ``key: value`` line) is replaced by the text given."""
    out = []
    source = VALID.read_text(encoding="utf-8")
    for i, (old, new) in enumerate(texts):
        path = tmp_path / f"land{i}.yaml"
        path.write_text(source.replace(old, new).replace("TST", f"TS{'ABCDEFGH'[i]}"), "utf-8")
        out.extend(catalog.load_profiles([path], framework))
    return out


def test_each_script_is_named_once_at_the_line_and_column_where_it_starts(
    framework: Framework,
) -> None:
    found = script_coverage.check(catalog.load_profiles([SCRIPTS], framework), LATIN)
    where = [(f.line, f.column, f.key, f.message) for f in found]
    assert where == [
        (11, 37, "summary", f"Khmer text has {FIX}"),
        (11, 60, "summary", f"Thai text has {FIX}"),
        (11, 74, "summary", f"Bengali text has {FIX}"),
        (15, 34, "components.identification.evidence", f"Devanagari text has {FIX}"),
    ]
    assert all(f.severity is Severity.ERROR and f.code == "no-font" for f in found)
    assert (
        found[0]
        .format()
        .endswith(
            "testland.yaml:11:37: summary: Khmer text has no font: install fonts-noto-core or add "
            "a font under [brand] fonts"
        )
    )


def test_a_script_in_several_files_is_one_error_at_its_first_place(
    framework: Framework, tmp_path: Path
) -> None:
    summary = "Testland funds shelters but closes cases when survivors leave them."
    two = profiles(
        framework,
        (summary, "Testland borders ប្រទេសកម្ពុជា."),
        (summary, "Testland borders ព្រះរាជាណាចក្រកម្ពុជា too."),
        tmp_path=tmp_path,
    )
    (finding,) = script_coverage.check(two, LATIN)
    assert finding.path.endswith("land0.yaml") and finding.message == f"Khmer text has {FIX}"
    with pytest.raises(InputError) as caught:
        script_coverage.require(two, LATIN)
    assert caught.value.findings == [finding]


def test_marks_digits_and_dandas_count_with_the_letters_before_them(
    framework: Framework, tmp_path: Path
) -> None:
    summary = "Testland funds shelters but closes cases when survivors leave them."
    # A Devanagari danda (U+0964) is Common; after Devanagari it is Devanagari text.
    (profile,) = profiles(framework, (summary, "भारत। Testland."), tmp_path=tmp_path)
    (finding,) = script_coverage.check([profile], charset_coverage(["20-7e 900-963 966-97f"]))
    assert finding.message == f"Devanagari text has {FIX}" and finding.column == 7


def test_symbols_of_no_script_are_named_themselves(framework: Framework, tmp_path: Path) -> None:
    summary = "Testland funds shelters but closes cases when survivors leave them."
    (profile,) = profiles(
        framework, (summary, "Testland \U0001f700 and \ue000."), tmp_path=tmp_path
    )
    (finding,) = script_coverage.check([profile], LATIN)
    assert finding.message == f"'\ue000' (U+E000), '\U0001f700' (U+1F700) have {FIX}"


def test_text_written_as_an_escape_is_found_at_its_value(
    framework: Framework, tmp_path: Path
) -> None:
    old = "  Testland funds shelters but closes cases when survivors leave them."
    (profile,) = profiles(
        framework, (f"summary: >-\n{old}", 'summary: "\\u1780"'), tmp_path=tmp_path
    )
    (finding,) = script_coverage.check([profile], LATIN)
    assert (finding.line, finding.column, finding.message) == (7, 10, f"Khmer text has {FIX}")


def test_covered_text_costs_no_parse(framework: Framework, bundled: dict[str, Profile]) -> None:
    # The common case: every character covered; the file is not parsed again for positions.
    assert script_coverage.check(list(bundled.values()), LATIN) == []


def test_controls_joiners_and_spaces_need_no_glyph() -> None:
    assert not any(map(script_coverage.needs_glyph, "\u200d\u200c\u00ad\u2009\u3000\ufe0f"))
    assert all(map(script_coverage.needs_glyph, "aក\u17d2\u0301"))


def test_unlisted_fonts_are_a_note_not_an_error(testland: Profile) -> None:
    (note,) = script_coverage.check([testland], Coverage(known=False))
    assert note.severity is Severity.NOTE and "install fontconfig" in note.message


def test_missing_glyphs_are_described_by_script() -> None:
    assert script_coverage.describe("ខក\U0001f700ก") == (
        "Khmer text (ក ខ) and Thai text (ก) and '\U0001f700' (U+1F700)"
    )
