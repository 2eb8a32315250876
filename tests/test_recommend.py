"""Recommendations that fit the country, and the key messages derived from an assessment."""

from __future__ import annotations

from typing import get_args

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aftercare_report import catalog
from aftercare_report.assess import assess
from aftercare_report.findings import key_messages
from aftercare_report.model import UNKNOWN, Framework, Function, Horizon, Profile
from aftercare_report.recommend import HEADLINES, PRIORITIES, recommendations
from aftercare_report.report import CountryReport, analyse

from .test_assess import COMPONENT_IDS, LEVELS, named, with_levels, with_risks

FW = catalog.load_framework()
FAST = settings(max_examples=50, deadline=1000, suppress_health_check=[HealthCheck.too_slow])
INSTITUTIONS = set(get_args(Function))

level_maps = st.fixed_dictionaries({cid: st.sampled_from(LEVELS) for cid in COMPONENT_IDS})
risk_maps = st.fixed_dictionaries(
    {rid: st.sampled_from(["present", "absent", UNKNOWN]) for rid in FW.risk_factors}
)


@FAST
@given(level_maps, risk_maps)
def test_every_recommendation_names_who_when_what_to_measure_and_on_what_standard(
    testland: Profile, levels: dict[str, int | str], risks: dict[str, str]
) -> None:
    profile = with_risks(with_levels(testland, levels), risks)
    recs = recommendations(assess(profile, FW))
    for rec in recs:
        assert rec.institution in INSTITUTIONS and rec.institution_name.strip(), rec.id
        assert rec.horizon in get_args(Horizon), rec.id
        assert rec.standard.strip() and rec.indicator.strip(), rec.id
        assert rec.text.strip() and "{" not in rec.text, rec.id
    ranks = [PRIORITIES.index(r.priority) for r in recs]
    assert ranks == sorted(ranks)  # most urgent first
    assert len({r.text for r in recs}) == len(recs)
    headline = [r for r in recs if r.headline]
    assert len(headline) <= HEADLINES
    assert len({r.component or r.id for r in headline}) == len(headline)
    assert all(r.priority != "low" for r in headline)


def test_a_measure_in_place_is_never_asked_for_again(
    testland: Profile, framework: Framework
) -> None:
    # Testland has an NRM in place (measures.nrm) and identification below the target.
    a = assess(with_levels(testland, {"identification": 2}), framework)
    texts = {r.id: r.text for r in recommendations(a)}
    assert "Adopt a national referral mechanism" not in texts["identification-national-nrm"]
    assert texts["identification-national-nrm"].startswith("Make Testland's national referral")
    # Without it, the same library entry asks to create one.
    absent = testland.measures.nrm.model_copy(update={"status": "absent"})
    measures = testland.measures.model_copy(update={"nrm": absent})
    bare = named(testland.model_copy(update={"measures": measures}), testland.slug)
    texts = {
        r.id: r.text
        for r in recommendations(assess(with_levels(bare, {"identification": 2}), framework))
    }
    assert texts["identification-national-nrm"].startswith("Adopt a national referral mechanism")


def test_standard_cites_what_binds_the_country_or_says_good_practice(
    testland: Profile, framework: Framework
) -> None:
    recs = {r.id: r for r in recommendations(assess(testland, framework))}
    # Testland is party to the Palermo Protocol only.
    housing = recs["accommodation-twelve-months"]
    assert housing.binding and housing.standard.startswith("Palermo Protocol Art. 6(3)(a)")
    assert "CoE" not in housing.standard
    punish = recs["non-punishment-legal-provision"]  # rests on the CoE Convention alone
    assert not punish.binding
    assert punish.standard.startswith("International good practice (CoE Convention Art. 26")


def test_continuity_gap_with_a_documented_risk_leads_the_brief(
    testland: Profile, framework: Framework
) -> None:
    # Social reintegration (0 of 3) with support ending abruptly documented: the first headline.
    recs = recommendations(assess(testland, framework))
    first = recs[0]
    assert first.headline and first.priority == "high" and first.urgent_continuity
    assert first.component == "social"
    # The same gap with no linked risk documented is no longer urgent.
    calm = with_risks(
        testland,
        dict.fromkeys(["economic_precarity", "support_ends_abruptly", "weak_transition"], "absent"),
    )
    social = [r for r in recommendations(assess(calm, framework)) if r.component == "social"]
    assert social and not any(r.urgent_continuity for r in social)


def test_a_profiles_own_recommendation_takes_part_with_its_source(
    testland: Profile, framework: Framework
) -> None:
    recs = recommendations(assess(testland, framework))
    (own,) = [r for r in recs if r.origin == "profile"]
    assert own.id == "testland-caseworker" and own.sources == ("report-2023",)
    assert own.institution_name == "the Ministry of Care" and own.component == "social"
    assert own.headline  # it addresses the most urgent gap, and the profile's own comes first


def test_unknown_institution_falls_back_to_the_government(
    testland: Profile, framework: Framework
) -> None:
    a = assess(with_levels(testland, {"children": 1}), framework)
    (guardians,) = [r for r in recommendations(a) if r.id == "children-guardians"]
    assert guardians.institution == "child_protection"  # named `unknown` in Testland
    assert guardians.institution_name == "the Government of Testland"


def test_steps_beyond_the_target_wait_until_it_is_met(
    testland: Profile, framework: Framework
) -> None:
    recs = {r.id: r for r in recommendations(assess(testland, framework))}
    assert "identification-advocates-and-data" in recs  # identification is at the target (3)
    assert recs["identification-advocates-and-data"].priority == "low"
    assert "social-peer-networks" not in recs  # social is at 0: close the gap first


# --- the bundled countries ------------------------------------------------------------------


@pytest.fixture(scope="module")
def reports(bundled: dict[str, Profile], framework: Framework) -> dict[str, CountryReport]:
    return {r.profile.slug: r for r in analyse(list(bundled.values()), framework)}


def test_thailand_is_not_asked_to_create_what_it_has(reports: dict[str, CountryReport]) -> None:
    texts = " ".join(r.text for r in reports["thailand"].recommendations).lower()
    assert "adopt a national referral mechanism" not in texts  # adopted in March 2022
    assert "enact a non-punishment provision" not in texts  # s.41 of the 2008 Act
    assert "widen thailand's non-punishment provision" in texts


def test_no_country_outside_the_coe_convention_is_told_it_binds_them(
    reports: dict[str, CountryReport],
) -> None:
    for slug, report in reports.items():
        party = "coe_cets197" in report.profile.instruments
        for rec in report.recommendations:
            if rec.binding and "CoE Convention" in rec.standard:
                assert party, (slug, rec.id)
        assert party == (slug == "united-kingdom")


def test_five_first_steps_are_five_different_texts(reports: dict[str, CountryReport]) -> None:
    firsts = [r.recommendations[0].text for r in reports.values()]
    assert len(set(firsts)) == len(firsts) == 5


def test_every_country_has_three_to_five_headlines_led_by_long_term_support(
    reports: dict[str, CountryReport],
) -> None:
    for slug, report in reports.items():
        headline = report.headline
        assert 3 <= len(headline) <= 5, slug
        assert headline[0].priority == "high", slug
        assert headline[0].component in ("social", "accommodation", "health"), slug


def test_us_recommendations_address_congress_not_parliament(
    reports: dict[str, CountryReport],
) -> None:
    names = {r.institution_name for r in reports["united-states"].recommendations}
    assert "Congress" in names and not any("Parliament" in n for n in names)


def test_no_residence_permit_is_asked_of_a_country_where_it_does_not_apply(
    reports: dict[str, CountryReport],
) -> None:
    for report in reports.values():
        a = report.assessment
        if not a.component("residence_return").applicable:
            assert not [r for r in report.recommendations if r.component == "residence_return"]


# --- key messages ---------------------------------------------------------------------------


def test_key_messages_of_testland_say_what_exists_and_where_support_stops(
    testland: Profile, framework: Framework
) -> None:
    messages = key_messages(assess(testland, framework))
    assert 3 <= len(messages) <= 5
    assert messages[0].startswith("Testland has a national referral mechanism")
    assert messages[1] == (
        "Support has stopped by 12 months after identification: no support after shelter exit."
    )
    assert any("does not measure re-trafficking" in m for m in messages)
    text = " ".join(messages)
    for jargon in ("band", "cap", "severity", "index", "best peer"):
        assert jargon not in text.lower(), jargon
