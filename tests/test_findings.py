"""The sentences the tool writes: true of the country, never contradicting themselves.

Property tests run over generated levels of Testland; the rest over the bundled countries.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aftercare_report import findings
from aftercare_report.assess import assess
from aftercare_report.model import Profile
from aftercare_report.report import CountryReport, analyse

from .test_assess import FW, LEVELS, named, with_levels

COMPONENTS = list(FW.components)


def with_meets(profile: Profile, cid: str, meets: str | None) -> Profile:
    """Return ``profile`` with one component's ``meets`` clause replaced."""
    entry = profile.components[cid].model_copy(update={"meets": meets})
    components = {**profile.components, cid: entry}
    return named(profile.model_copy(update={"components": components}), profile.slug)


@settings(max_examples=60, deadline=2000)
@given(st.fixed_dictionaries({cid: st.sampled_from(LEVELS) for cid in COMPONENTS}))
def test_no_key_finding_heading_contradicts_its_sentence(
    testland: Profile, levels: dict[str, int | str]
) -> None:
    profile = with_levels(testland, levels)
    a = assess(profile, FW)
    first = findings.lead(a)
    for c in a.components:
        if not first.startswith(findings.capital(c.name)):
            continue
        # A part named first is named as a gap, and never followed by the framework's words
        # for any level: those are the standard's, not a statement about the country.
        assert c.gap, (c.id, first)
        assert first.startswith(
            f"{findings.capital(c.name)}, below the standard"
        ) or first.startswith(f"{findings.capital(c.name)}: below the standard")
        for level_words in FW.components[c.id].levels.values():
            words = findings.fill_placeholders(level_words, {}).rstrip(".")
            assert words[1:].lower() not in first.lower(), (c.id, first)


def test_a_meets_clause_is_the_countrys_own_words_and_the_descriptor_never_is(
    testland: Profile,
) -> None:
    consent = FW.components["consent"]
    descriptor = findings.fill_placeholders(consent.levels[1], {}).rstrip(".")
    bare = assess(with_levels(testland, {"consent": 1}), FW)
    assert descriptor[1:] not in findings.lead(bare)
    said = with_meets(
        with_levels(testland, {"consent": 1}), "consent", "Closed shelters are common"
    )
    lead = findings.lead(assess(said, FW))
    assert lead.startswith(
        "Consent and freedom of movement, below the standard: in Testland, closed shelters are "
        "common."
    )


def test_a_count_next_to_a_year_reads_as_a_count() -> None:
    said = findings.counted(2018, None, "repeat referrals whose latest referral was in 2023", 2023)
    assert said == "2,018 repeat referrals whose latest referral was in 2023"
    assert "2,018 in" not in said
    assert findings.counted(2018, None, "repeat referrals", 2023) == "2,018 repeat referrals (2023)"


def test_names_holding_and_are_set_apart() -> None:
    assert findings.join_names(["privacy and data protection", "consent"]) == (
        "privacy and data protection; consent"
    )
    assert findings.join_names(["health", "consent"]) == "health and consent"


@pytest.fixture(scope="module")
def reports(bundled: dict[str, Profile]) -> dict[str, CountryReport]:
    return {r.profile.slug: r for r in analyse(list(bundled.values()), FW)}


def _skeleton(report: CountryReport, text: str) -> str:
    """A sentence with the country and the names of parts of aftercare taken out."""
    names = findings.country_names(report.profile)
    for name in sorted({names["country"], names["name"], report.profile.country}, key=len)[::-1]:
        text = text.replace(name, "X")
    for c in report.assessment.components:
        text = text.replace(c.name.lower(), "P")
    return re.sub(r"P(?:(?:, |; | and )P)+", "P", text)


def test_what_this_means_is_written_for_each_country(reports: dict[str, CountryReport]) -> None:
    closings = {slug: _skeleton(r, findings.closing(r.assessment)) for slug, r in reports.items()}
    assert len(set(closings.values())) == len(closings), closings
    # Where survivors are held against their will, the first failure is custody, not care.
    for slug, report in reports.items():
        consent = report.assessment.component("consent")
        text = findings.closing(report.assessment)
        custody = consent.level is not None and consent.level <= 1
        assert ("is custody, not care" in text) == custody, slug


def test_largest_gaps_are_named_one_by_one(reports: dict[str, CountryReport]) -> None:
    for report in reports.values():
        said = " ".join(report.key_messages)
        assert "The largest gaps are in" not in said
        assert " and privacy and " not in said and " and social reintegration and " not in said


def test_a_quoted_reason_stands_on_its_own() -> None:
    said = findings.evidence_clause(
        "A scheme exists. But state compensation can be refused for not co-operating."
    )
    assert said == "State compensation can be refused for not co-operating"
