"""Recommendations and key messages derived from an assessment."""

from __future__ import annotations

from typing import get_args

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aftercare_report import catalog
from aftercare_report.assess import Assessment, assess
from aftercare_report.findings import key_messages as _key_messages
from aftercare_report.model import UNKNOWN, Actor, Framework, Horizon, Profile
from aftercare_report.recommend import (
    HIGH_SEVERITY,
    HORIZONS,
    PRIORITIES,
    Recommendation,
    recommendations,
)
from aftercare_report.terms import reword

from .test_assess import COMPONENT_IDS, LEVELS, with_levels, with_risks

FW = catalog.load_framework()


def key_messages(
    a: Assessment, recs: tuple[Recommendation, ...], terms: dict[str, str] | None = None
) -> tuple[str, ...]:
    messages = _key_messages(a, recs[0].text if recs else None)
    return tuple(reword(m, terms) for m in messages) if terms else messages


FAST = settings(max_examples=50, deadline=1000, suppress_health_check=[HealthCheck.too_slow])
ACTORS = set(get_args(Actor))

level_maps = st.fixed_dictionaries({cid: st.sampled_from(LEVELS) for cid in COMPONENT_IDS})
risk_maps = st.fixed_dictionaries(
    {rid: st.sampled_from(["present", "absent", UNKNOWN]) for rid in FW.risk_factors}
)


@FAST
@given(level_maps, risk_maps)
def test_every_recommendation_says_who_when_and_on_what_standard(
    testland: Profile, levels: dict[str, int | str], risks: dict[str, str]
) -> None:
    profile = with_risks(with_levels(testland, levels), risks)
    a = assess(profile, FW)
    recs = recommendations(a)
    for rec in recs:
        assert rec.actor in ACTORS, rec.id
        assert rec.horizon in HORIZONS and rec.horizon in get_args(Horizon), rec.id
        assert rec.standard.strip(), rec.id
        assert rec.text.strip() and "{" not in rec.text, rec.id
        assert rec.priority in PRIORITIES, rec.id
        if rec.component is not None:
            # Selected only for a known level below the library entry's threshold.
            spec = next(r for r in FW.components[rec.component].recommendations if r.id == rec.id)
            level = a.component(rec.component).level
            assert level is not None and level < spec.when_level_below
    # Most urgent first.
    ranks = [PRIORITIES.index(r.priority) for r in recs]
    assert ranks == sorted(ranks)
    assert len({r.id for r in recs}) == len(recs)
    messages = key_messages(a, recs)
    assert 1 <= len(messages) <= 5 and all(m.strip() for m in messages)


def test_testland_recommendations_most_severe_first(
    testland: Profile, framework: Framework
) -> None:
    a = assess(testland, framework)
    recs = recommendations(a)
    # Social (level 0, severity 7.875) is the worst gap; its 12-month caseworker step comes first.
    first = recs[0]
    assert (first.id, first.priority, first.component, first.severity) == (
        "social-twelve-months-support",
        "high",
        "social",
        7.875,
    )
    assert first.actor == "government" and first.horizon == "short_term"
    assert "Testland" in first.text
    assert "level 0 of a target of 3" in first.why and "3 linked" in first.why
    for rec in recs:
        if rec.component is None:
            assert rec.priority == "medium" and rec.severity == 0
        elif rec.priority != "low":
            assert (rec.priority == "high") == (rec.severity >= HIGH_SEVERITY), rec.id
    # Within a priority, severity never rises.
    for priority in PRIORITIES:
        severities = [r.severity for r in recs if r.priority == priority]
        assert severities == sorted(severities, reverse=True)


def test_steps_beyond_the_target_are_low_priority(testland: Profile, framework: Framework) -> None:
    # Health is at its target (3): only the level-4 step is offered, as low priority.
    recs = [r for r in recommendations(assess(testland, framework)) if r.component == "health"]
    assert [(r.id, r.priority, r.severity) for r in recs] == [
        ("health-long-term-mental-health", "low", 0.0)
    ]


def test_unknown_levels_get_a_data_recommendation_not_a_service_one(
    testland: Profile, framework: Framework
) -> None:
    recs = recommendations(assess(testland, framework))
    assert not [r for r in recs if r.component == "unconditional"]
    (data,) = [r for r in recs if r.id == "data-unknown-level"]
    assert "help not conditional on cooperation" in data.text
    assert data.why == "No source documents the level of help not conditional on cooperation."


def test_re_trafficking_measure_recommendation(testland: Profile, framework: Framework) -> None:
    recs = recommendations(assess(testland, framework))
    (rec,) = [r for r in recs if r.id == "data-re-trafficking-measure"]
    assert rec.standard == "GSI Milestone 1" and rec.actor == "government"
    assert rec.why == "Testland has no official measure of re-trafficking."


def test_key_messages_of_testland(testland: Profile, framework: Framework) -> None:
    a = assess(testland, framework)
    messages = key_messages(a, recommendations(a))
    assert 3 <= len(messages) <= 5
    assert messages[0].startswith("Testland scores 38.3/100 on the aftercare index (band D")
    assert "9 of 12 components fall short" in messages[0]
    assert "1 could not be rated" in messages[0]
    assert "social reintegration and case management (level 0 of 3)" in messages[1]
    assert any("no official measure of re-trafficking" in m for m in messages)


def test_key_messages_use_the_teams_terms(testland: Profile, framework: Framework) -> None:
    a = assess(testland, framework)
    terms = {"survivor": "victim", "survivors": "victims", "re-trafficking": "re-exploitation"}
    text = " ".join(key_messages(a, recommendations(a), terms))
    assert "re-exploitation" in text and "how many victims" in text
    assert "re-trafficking" not in text


def test_no_cap_message_when_the_band_is_already_below_the_cap(
    testland: Profile, framework: Framework
) -> None:
    a = assess(testland, framework)
    assert (a.index.band, a.index.caps[0].band) == ("D", "C")
    messages = key_messages(a, recommendations(a))
    assert not any(m.startswith("The band is capped at C") for m in messages)


def test_key_message_for_a_country_that_cannot_be_scored(
    testland: Profile, framework: Framework
) -> None:
    a = assess(with_levels(testland, dict.fromkeys(COMPONENT_IDS, UNKNOWN)), framework)
    first = key_messages(a, recommendations(a))[0]
    assert "no score" not in first and "cannot be scored" in first
    assert "12 could not be rated" in first


def test_why_of_a_step_beyond_level_4_is_not_circular(
    testland: Profile, framework: Framework
) -> None:
    top = with_levels(testland, dict.fromkeys(COMPONENT_IDS, 4))
    recs = recommendations(assess(top, framework))
    (rec,) = [r for r in recs if r.id == "social-survivor-feedback"]
    assert rec.priority == "low"
    assert "at level 4" in rec.why and "builds towards level 4" not in rec.why


def test_below_target_a_brief_asks_first_for_what_is_missing(
    testland: Profile, framework: Framework
) -> None:
    a = assess(testland, framework)
    for rec in recommendations(a):
        if rec.component is None:
            continue
        result = a.component(rec.component)
        spec = next(
            r for r in framework.components[rec.component].recommendations if r.id == rec.id
        )
        if result.gap:
            assert spec.when_level_below <= result.target, (rec.id, result.level)
