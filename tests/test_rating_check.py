"""Ratings against their level descriptors: the check, its data, and the bundled profiles."""

from __future__ import annotations

from pathlib import Path

import pytest

from aftercare_report import catalog, rating_check
from aftercare_report.errors import InputError
from aftercare_report.model import Framework

from .conftest import VALID, load_script


def _testland(tmp_path: Path, component: str, level: int, evidence: str) -> Path:
    text = VALID.read_text(encoding="utf-8")
    head, sep, rest = text.partition(f"  {component}:\n")
    _, _, tail = rest.partition("    sources:")
    rewritten = f"    level: {level}\n    evidence: {evidence}\n"
    path = tmp_path / "testland.yaml"
    path.write_text(head + sep + rewritten + "    sources:" + tail, encoding="utf-8")
    return path


def _flags(path: Path, framework: Framework, component: str) -> list[rating_check.Flag]:
    (profile,) = catalog.load_profiles([path], framework)
    return [f for f in rating_check.flags(profile) if f.component == component]


def test_level_3_with_help_tied_to_cooperation_is_flagged(
    tmp_path: Path, framework: Framework
) -> None:
    path = _testland(tmp_path, "unconditional", 3, "Help is tied to cooperating with police.")
    (flag,) = _flags(path, framework, "unconditional")
    assert (flag.component, flag.level, flag.check, flag.found) == (
        "unconditional",
        3,
        "conditional",
        "tied to",
    )
    assert "unconditional" in flag.why


def test_the_same_evidence_at_level_2_is_not_flagged(tmp_path: Path, framework: Framework) -> None:
    path = _testland(tmp_path, "unconditional", 2, "Help is tied to cooperating with police.")
    assert _flags(path, framework, "unconditional") == []


def test_a_level_that_needs_a_clause_the_evidence_never_mentions_is_flagged(
    tmp_path: Path, framework: Framework
) -> None:
    path = _testland(
        tmp_path, "participation", 3, "A paid survivor council advises ministers every year."
    )
    (flag,) = _flags(path, framework, "participation")
    assert flag.check == "standards-with-survivors" and flag.found == ""
    fine = _testland(
        tmp_path,
        "participation",
        3,
        "A paid survivor council advises ministers; care standards written with survivors.",
    )
    assert _flags(fine, framework, "participation") == []


def test_a_checks_file_with_a_bad_entry_is_a_located_error(tmp_path: Path) -> None:
    bad = tmp_path / "checks.yaml"
    bad.write_text(
        "schema_version: 1\ncontradicts:\n  - id: x\n    from_level: 7\n"
        "    phrases: [a]\n    why: b\n"
    )
    with pytest.raises(InputError) as err:
        rating_check.load_checks(bad)
    assert any(f.line == 4 for f in err.value.findings)


def test_every_flag_in_the_bundled_profiles_is_settled_and_none_is_stale(
    capsys: pytest.CaptureFixture[str],
) -> None:
    script = load_script("check_ratings")
    assert script.main([]) == 0, capsys.readouterr().out


def test_the_script_fails_on_an_unsettled_flag_and_on_a_stale_settlement(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    script = load_script("check_ratings")
    flagged = _testland(tmp_path, "unconditional", 3, "Help is tied to cooperating with police.")
    empty = tmp_path / "review.yaml"
    empty.write_text("settled: []\n")
    assert script.main([str(flagged), "--review", str(empty), "--no-meets"]) == 1
    out = capsys.readouterr().out
    assert "UNSETTLED testland unconditional at level 3 [conditional, 'tied to']" in out
    assert "UNSETTLED testland health at level 3 [twelve-months, no required phrase]" in out
    review = tmp_path / "settled.yaml"
    review.write_text(
        "settled:\n"
        "  - {profile: testland, component: unconditional, level: 3, check: conditional,\n"
        "     reason: quoted from a law that was repealed}\n"
        "  - {profile: testland, component: health, level: 3, check: twelve-months,\n"
        "     reason: a fictional country}\n"
    )
    assert script.main([str(flagged), "--review", str(review), "--no-meets"]) == 0
    assert "settled   testland unconditional" in capsys.readouterr().out
    clean = _testland(tmp_path, "unconditional", 3, "Help does not depend on a statement.")
    assert script.main([str(clean), "--review", str(review), "--no-meets"]) == 1
    assert "STALE     testland unconditional 3 conditional" in capsys.readouterr().out


def _with_meets(tmp_path: Path, meets: str) -> Path:
    path = _testland(
        tmp_path,
        "participation",
        2,
        "Survivors are asked for views on policy, but there is no body.",
    )
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace(
            "    level: 2\n    evidence: Survivors are asked",
            f"    level: 2\n    meets: {meets}\n    evidence: Survivors are asked",
            1,
        ),
        encoding="utf-8",
    )
    return path


def test_a_rating_without_meets_is_flagged_with_its_descriptor(
    tmp_path: Path, framework: Framework
) -> None:
    path = _testland(
        tmp_path,
        "participation",
        2,
        "Survivors are asked for views on policy, but there is no body.",
    )
    (profile,) = catalog.load_profiles([path], framework)
    flags = rating_check.flags(profile, checks=(), framework=framework)
    (flag,) = [f for f in flags if f.component == "participation"]
    assert flag.check == rating_check.MEETS_MISSING
    assert "Survivors are consulted on policy, but without a standing body or pay" in flag.why


def test_meets_must_be_the_descriptors_own_words_with_terms_filled(
    tmp_path: Path, framework: Framework
) -> None:
    good = _with_meets(tmp_path, "Survivors are consulted on policy")
    (profile,) = catalog.load_profiles([good], framework)
    flags = rating_check.flags(profile, checks=(), framework=framework)
    assert [f for f in flags if f.component == "participation"] == []
    bad = _with_meets(tmp_path, "A standing, paid survivor advisory body shapes policy")
    (profile,) = catalog.load_profiles([bad], framework)
    flags = rating_check.flags(profile, checks=(), framework=framework)
    (flag,) = [f for f in flags if f.component == "participation"]
    assert flag.check == rating_check.MEETS_NOT_IN_DESCRIPTOR
    assert flag.found == "A standing, paid survivor advisory body shapes policy"
