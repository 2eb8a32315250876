"""The comparative brief never says more of a country than that country's own status supports.

Comparisons are built from copies of Testland with mixed statuses (a measure in place, partial,
absent or undocumented; a level known or not), so every sentence is checked against the data
that should make it, not against the five bundled countries only.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from aftercare_report import comparative
from aftercare_report.model import Profile
from aftercare_report.report import CountryReport, analyse

from .test_assess import FW, other_country, with_figure
from .test_recommend import STATUSES, with_measures

COUNTRIES = (("aland", "Aland"), ("borduria", "Borduria"), ("carpania", "Carpania"))


def compared(testland: Profile, *changes: dict[str, object]) -> list[CountryReport]:
    """Three countries built from Testland, each with its own levels and measure statuses."""
    profiles = []
    for (slug, name), change in zip(COUNTRIES, changes, strict=True):
        levels = {k: v for k, v in change.items() if k in FW.components}
        measures = {k: v for k, v in change.items() if k not in FW.components}
        peer = other_country(testland, slug, name, **levels)  # type: ignore[arg-type]
        profiles.append(with_measures(peer, measures))  # type: ignore[arg-type]
    return list(analyse(profiles, FW))


def test_guardians_are_missing_only_where_every_country_says_absent(testland: Profile) -> None:
    mixed = compared(
        testland,
        {"children": 2, "guardianship": "partial"},
        {"children": 1, "guardianship": "absent"},
        {"children": 2, "guardianship": "unknown"},
    )
    (line,) = [
        s
        for s in comparative.findings_beyond_twelve_months([r.assessment for r in mixed])
        if "child" in s
    ]
    assert "In 3 of 3 countries" in line and "below the standard" in line
    assert "missing" not in line
    assert "in part only in Aland" in line and "none in Borduria" in line
    assert "not documented in Carpania" in line
    absent = compared(testland, *({"children": 1, "guardianship": "absent"} for _ in COUNTRIES))
    (said,) = [
        s
        for s in comparative.findings_beyond_twelve_months([r.assessment for r in absent])
        if "child" in s
    ]
    assert "missing in all of them" in said


@settings(max_examples=40, deadline=2000)
@given(
    st.lists(st.sampled_from(STATUSES), min_size=3, max_size=3),
    st.lists(st.sampled_from([0, 1, 2, 3, "unknown"]), min_size=3, max_size=3),
)
def test_no_comparative_sentence_generalises_beyond_each_countrys_status(
    testland: Profile, guardians: list[str], unconditional: list[object]
) -> None:
    reports = compared(
        testland,
        *(
            {"guardianship": g, "unconditional": u, "children": 2}
            for g, u in zip(guardians, unconditional, strict=True)
        ),
    )
    lines = " ".join(comparative.findings_beyond_twelve_months([r.assessment for r in reports]))
    # "Missing" only when every country's evidence says absent.
    assert ("missing" in lines) == all(g == "absent" for g in guardians)
    # Help tied to cooperation is said only of countries at level 0 or 1, each by name.
    tied = [name for (_, name), u in zip(COUNTRIES, unconditional, strict=True) if u in (0, 1)]
    if tied:
        clause = lines.lower().split("help is tied to police cooperation in ", 1)[1]
        clause = lines[len(lines) - len(clause) :].split(")", 1)[0]
        assert all(name in clause for name in tied)
        assert not [n for _, n in COUNTRIES if n in clause and n not in tied]
    else:
        assert "tied to police cooperation" not in lines
    unknown = [
        name for (_, name), u in zip(COUNTRIES, unconditional, strict=True) if u == "unknown"
    ]
    if unknown:
        assert "whether help depends on cooperation is not documented in" in lines


def test_a_proxy_cost_is_never_printed_as_what_something_costs(testland: Profile) -> None:
    reports = compared(testland, {}, {}, {})
    ceiling = with_figure(
        reports[0].profile,
        "cost_casework_12_months",
        value=6000,
        unit="USD",
        year=2018,
        proxy=True,
        counts="yearly ceiling per participant of a case management grant",
    )
    mixed = [analyse([ceiling], FW)[0], *reports[1:]]
    said = comparative.cost(mixed)
    assert "cost 6,000" not in said and "What it costs:" not in said
    assert "is not established" in said and "proxy: in Aland, 6,000 USD yearly ceiling" in said
    measured = with_figure(ceiling, "cost_casework_12_months", proxy=False)
    assert comparative.cost([analyse([measured], FW)[0], *reports[1:]]).startswith(
        "What it costs: 12 months of casework cost 6,000 USD"
    )
    assert "not costed" in comparative.cost(reports)


def test_orders_are_said_only_where_whole_ranges_separate(testland: Profile) -> None:
    high = dict.fromkeys(FW.components, 3)
    low = dict.fromkeys(FW.components, 0)
    reports = compared(testland, high, low, {})
    words = comparative.order_words(reports)
    assert words["aland"].startswith("above") and "Borduria" in words["aland"]
    assert words["borduria"].startswith("below") and "Aland" in words["borduria"]
    assert "cannot be ordered" not in words.values() or len(set(words.values())) > 1
    # Two countries whose ranges overlap cannot be ordered: no rank-like words for either.
    same = compared(testland, {}, {}, {})
    assert set(comparative.order_words(same).values()) == {"cannot be ordered"}


def test_the_cause_carries_the_countries_own_evidence_labelled_by_strength(
    testland: Profile,
) -> None:
    reports = compared(testland, {}, {}, {})
    lines = comparative.exposure_evidence(reports)
    assert lines and all(line.strength and line.text for line in lines)
    assert all(line.strength == "indirect evidence, from a report" for line in lines)
    # Testland documents support ending abruptly: that line is the one quoted.
    assert lines[0].text == "Evidence about support ends abruptly."
    assert comparative.exposure_lead(lines).startswith("The evidence that support which stops")
    # A line resting on the source of a labour-only figure is never the evidence.
    labour = with_figure(
        reports[0].profile,
        "re_trafficking_measure",
        value=60,
        unit="%",
        form="labour",
        proxy=True,
        sources=("report-2023",),
    )
    assert not comparative.exposure_evidence([analyse([labour], FW)[0]])


def test_support_at_twelve_months_that_rests_on_waiting_is_said(testland: Profile) -> None:
    stage = testland.timeline.twelve_months.model_copy(
        update={
            "status": "partial",
            "support": "Survivors still waiting for a decision keep support; others lose it.",
        }
    )
    timeline = testland.timeline.model_copy(update={"twelve_months": stage})
    waiting = other_country(testland.model_copy(update={"timeline": timeline}), "aland", "Aland")
    others = [other_country(testland, s, n) for s, n in COUNTRIES[1:]]
    lead = comparative.lead_finding([r.assessment for r in analyse([waiting, *others], FW)])
    assert (
        "In Aland, those who still have support then have it mostly because they are still "
        "waiting for a decision" in lead
    )
    # The profile may say so itself, in any language.
    said = stage.model_copy(update={"support": "Rien.", "while_waiting": False})
    timeline = testland.timeline.model_copy(update={"twelve_months": said})
    plain = other_country(testland.model_copy(update={"timeline": timeline}), "aland", "Aland")
    assert "waiting" not in comparative.lead_finding(
        [r.assessment for r in analyse([plain, *others], FW)]
    )


def test_survivors_held_in_shelters_by_law_count_though_consent_is_level_two(
    testland: Profile,
) -> None:
    # Thailand: consent at 2 (Thai survivors served outside shelters), yet no shelter adults
    # may leave freely (foreign survivors kept in them by law): held, as its own brief says.
    reports = compared(
        testland,
        {"consent": 1, "accommodation": 2, "open_shelters": "partial"},
        {"consent": 2, "accommodation": 2, "open_shelters": "absent"},
        {"consent": 3, "accommodation": 3, "open_shelters": "in_place"},
    )
    (line,) = [
        s
        for s in comparative.findings_beyond_twelve_months([r.assessment for r in reports])
        if "against their will" in s
    ]
    assert "in law or in practice, in 2 of 3 countries (Aland and Borduria)" in line


def test_the_comparative_agrees_with_the_thailand_brief_on_custody(
    bundled: dict[str, Profile],
) -> None:
    reports = analyse(list(bundled.values()), FW)
    (line,) = [
        s
        for s in comparative.findings_beyond_twelve_months([r.assessment for r in reports])
        if "against their will" in s
    ]
    assert "in 3 of 5 countries (India, Nigeria and Thailand)" in line
