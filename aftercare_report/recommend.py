"""Turn an assessment into recommendations that fit the country, most urgent first.

A recommendation is drawn from the framework's library, or from the profile's own (a source's
recommendation for that country), and is made to fit:

* it never asks to create a measure the profile records as in place: it asks to fix or extend it
  (the library's ``improve`` text), or is dropped;
* it names the country's own institution that must act;
* its standard cites the instruments the country is bound by, or says plainly that it is
  international good practice;
* a gap in support that lasts (accommodation, health care, case management) where a linked
  re-trafficking risk is documented ranks first.

At most five distinct components lead as *headline* recommendations; the rest go to the annex.
Texts are filled with plain ``{country}`` / ``{component}`` values; nothing is evaluated.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal

from aftercare_report import findings
from aftercare_report.assess import Assessment, ComponentResult
from aftercare_report.model import (
    Framework,
    Horizon,
    Institution,
    Profile,
    ProfileRecommendation,
    RecommendationText,
)
from aftercare_report.model import Recommendation as LibraryRecommendation

Priority = Literal["high", "medium", "low"]
Origin = Literal["framework", "profile", "data"]
PRIORITIES: tuple[Priority, ...] = ("high", "medium", "low")
HORIZONS: tuple[Horizon, ...] = ("immediate", "short_term", "long_term")
HIGH_SEVERITY = 2.0
"""Severity from which closing a gap is high priority (e.g. two levels short, or one with risks)."""
HEADLINES = 5
"""Most headline recommendations in a brief."""


@dataclass(frozen=True)
class Recommendation:
    """A recommendation selected for a country, with what justifies it.

    Attributes:
        id: The library or profile id.
        text: What to do, with the country filled in.
        institution: The role that must act (``lead_agency``...).
        institution_name: The country's own name for it (``Home Office``).
        horizon: ``immediate``, ``short_term`` or ``long_term``.
        priority: ``high``, ``medium`` or ``low``.
        component: The component it addresses, or None for data recommendations.
        standard: The instruments and articles it rests on, or the good practice it follows.
        binding: Whether ``standard`` cites an instrument the country is bound by.
        indicator: What should be measurable within 12 months.
        gap: The component's gap (None for data recommendations).
        severity: The component's severity (0 unless it closes a gap).
        why: The gap and the linked risks that justify it, in one sentence.
        evidence: The profile's evidence for the component's level ("" for data ones).
        urgent_continuity: A gap in support over time with a documented linked risk.
        measure: The measure it creates or improves, if any.
        uncertain: It asks to create a measure no source says is absent; kept out of the headline.
        headline: One of the (at most five) recommendations that lead the brief.
        origin: ``framework``, ``profile`` (a source's recommendation) or ``data``.
        sources: For a profile's own recommendation, the sources that make it.
    """

    id: str
    text: str
    institution: Institution
    institution_name: str
    horizon: Horizon
    priority: Priority
    component: str | None
    standard: str
    binding: bool
    indicator: str
    gap: int | None
    severity: float
    why: str
    evidence: str = ""
    urgent_continuity: bool = False
    measure: str | None = None
    uncertain: bool = False
    headline: bool = False
    origin: Origin = "framework"
    sources: tuple[str, ...] = ()


def recommendations(assessment: Assessment) -> tuple[Recommendation, ...]:
    """Select, fit, order and mark the headline recommendations for an assessed country.

    A library recommendation applies when the country's level is below its ``when_level_below``
    and, while the component is short of its target, only if it helps reach the target: steps
    beyond the target wait until it is met. Priority: high for a severe gap, a gap in support
    over time with a documented linked risk, or a source's own recommendation on a gap; medium
    for other gaps and missing evidence; low for steps beyond the target. Order: priority,
    urgent continuity gaps first, the profile's own, then those resting on a binding instrument,
    severity, then framework and library order.

    Args:
        assessment: The country's assessment.

    Returns:
        Recommendations, each text at most once, most urgent first; the first of up to five
        distinct components are marked ``headline``.
    """
    picked: list[tuple[int, Recommendation]] = []
    order = {c.id: i * 100 for i, c in enumerate(assessment.components)}
    for rec in assessment.profile.recommendations:
        picked.append((order.get(rec.component, 0), _profile_rec(assessment, rec)))
    for result in assessment.components:
        spec = assessment.framework.components[result.id]
        for i, lib in enumerate(spec.recommendations):
            made = _library_rec(assessment, lib, result)
            if made is not None:
                picked.append((order[result.id] + i, made))
    picked.extend((len(order) * 100, rec) for rec in _data_recs(assessment))

    def key(item: tuple[int, Recommendation]) -> tuple[int, bool, bool, bool, float, int]:
        position, rec = item
        # A source's own recommendation for the country comes before the library's generic
        # ones, and what the country's own treaties require before good practice; within a
        # component, the library's order holds (what closes the gap comes first).
        return (
            PRIORITIES.index(rec.priority),
            not rec.urgent_continuity,
            rec.origin != "profile",
            not rec.binding and rec.origin != "profile",
            -rec.severity,
            position,
        )

    ordered = [rec for _, rec in sorted(picked, key=key)]
    unique = list({rec.text: rec for rec in reversed(ordered)}.values())[::-1]
    return _mark_headlines(unique)


def _mark_headlines(recs: list[Recommendation]) -> tuple[Recommendation, ...]:
    """Mark the first recommendation of each of the first five components as headline.

    Low priority and uncertain ones never lead, and two headlines never address one measure
    (move-on support is one step, not two).
    """
    seen: set[str] = set()
    measures: set[str] = set()
    out = []
    for rec in recs:
        subject = rec.component or rec.id
        lead = (
            rec.priority != "low"
            and not rec.uncertain
            and subject not in seen
            and (rec.measure is None or rec.measure not in measures)
            and len(seen) < HEADLINES
        )
        if lead:
            seen.add(subject)
            measures.update([rec.measure] if rec.measure else [])
        out.append(replace(rec, headline=lead))
    return tuple(out)


def _applies(rec: LibraryRecommendation, result: ComponentResult) -> bool:
    if result.level is None or result.level >= rec.when_level_below:
        return False
    return rec.when_level_below <= result.target or result.level >= result.target


def _library_rec(
    assessment: Assessment, lib: LibraryRecommendation, result: ComponentResult
) -> Recommendation | None:
    if not _applies(lib, result):
        return None
    profile = assessment.profile
    text, uncertain = lib.text, False
    if lib.creates is not None:
        status = getattr(profile.measures, lib.creates).status
        if status in ("in_place", "partial"):
            if lib.improve is None:
                return None  # it asks for what exists, and there is nothing to fix: say nothing
            text = lib.improve
        # Asking a country to create what may exist would discredit the brief: annex only.
        uncertain = status == "unknown"
    closes_gap = bool(result.gap) and lib.when_level_below <= result.target
    made = _component_rec(assessment, result, lib, text, closes_gap, origin="framework", sources=())
    return replace(made, measure=lib.creates, uncertain=uncertain)


def _profile_rec(assessment: Assessment, rec: ProfileRecommendation) -> Recommendation:
    result = assessment.component(rec.component)
    return _component_rec(
        assessment, result, rec, rec.text, bool(result.gap), origin="profile", sources=rec.sources
    )


def _component_rec(
    assessment: Assessment,
    result: ComponentResult,
    spec: RecommendationText | ProfileRecommendation,
    text: str,
    closes_gap: bool,
    *,
    origin: Origin,
    sources: tuple[str, ...],
) -> Recommendation:
    profile, framework = assessment.profile, assessment.framework
    risks = [framework.risk_factors[r].name.lower() for r in result.risks]
    urgent = closes_gap and result.continuity and bool(result.risks)
    level = result.level or 0
    if closes_gap:
        # A source's own recommendation for the country on a documented gap leads, like a
        # severe gap: it is what those who know the country ask for.
        high = result.severity >= HIGH_SEVERITY or urgent or origin == "profile"
        priority: Priority = "high" if high else "medium"
        why = findings.why_close_gap(result.name, level, result.target, risks)
    elif result.gap is None and origin == "profile":
        priority, why = "medium", findings.why_source_recommends()
    else:
        priority = "low"
        why = findings.why_beyond_target(result.name, level)
    if isinstance(spec, RecommendationText):
        standard, binding = cite(spec, profile, framework)
    else:
        source = profile.sources[spec.sources[0]]
        standard = findings.recommended_by(profile, source.title, source.year)
        binding = False
    return Recommendation(
        id=spec.id,
        text=findings.fill_placeholders(text, findings.country_names(profile)).strip(),
        institution=spec.institution,
        institution_name=institution_name(profile, spec.institution),
        horizon=spec.horizon,
        priority=priority,
        component=result.id,
        standard=standard,
        binding=binding,
        indicator=findings.fill_placeholders(
            spec.indicator, findings.country_names(profile)
        ).strip(),
        gap=result.gap,
        severity=result.severity if closes_gap else 0.0,
        why=why,
        evidence=result.evidence.strip(),
        urgent_continuity=urgent,
        origin=origin,
        sources=sources,
    )


def institution_name(profile: Profile, function: Institution) -> str:
    """Return the country's name for the institution that holds ``function``.

    A function no institution holds falls back to the government as a whole: ``validate``
    reports that as an error for a headline step, so a brief never prints it on page 2.
    """
    for candidate in (function, "government"):
        entry = profile.institutions.holder(candidate)
        if entry is not None:
            return " ".join(entry.name.split())
    return findings.the_government_of(profile)


def cite(spec: RecommendationText, profile: Profile, framework: Framework) -> tuple[str, bool]:
    """Return the standard a recommendation cites for this country, and whether it binds it.

    Instruments the country is bound by come first, in the framework's order; when none of the
    recommendation's instruments binds the country, the standard is called good practice.

    Args:
        spec: The library recommendation.
        profile: The country (its ``instruments``).
        framework: For the instruments' short names and whether they are treaties.
    """
    bound = [
        f"{framework.instruments[i].short} {spec.standards[i]}".strip()
        for i in framework.instruments
        if i in spec.standards and i in profile.instruments and framework.instruments[i].binding
    ]
    if bound:
        return "; ".join(bound), True
    others = [
        f"{framework.instruments[i].short} {article}".strip()
        for i, article in spec.standards.items()
        if i in framework.instruments
    ]
    if spec.good_practice:
        others.append(spec.good_practice)
    return findings.good_practice(others), False


def _data_recs(assessment: Assessment) -> list[Recommendation]:
    library = assessment.framework.data_recommendations
    country = findings.country_names(assessment.profile)
    out = []
    unknown = [c.name for c in assessment.components if c.unknown]
    if unknown:
        names = findings.join_words([n.lower() for n in unknown])
        text = findings.fill_placeholders(
            library.unknown_level.text, {**country, "component": names}
        )
        out.append(_data_rec(assessment, library.unknown_level, text, findings.why_unknown(names)))
    if any(g.kind == "no-re-trafficking-measure" for g in assessment.data_gaps):
        spec = library.no_re_trafficking_measure
        text = findings.fill_placeholders(spec.text, {**country, "component": ""})
        why = findings.why_no_measure(assessment.profile)
        out.append(_data_rec(assessment, spec, text, why))
    return out


def _data_rec(
    assessment: Assessment, spec: RecommendationText, text: str, why: str
) -> Recommendation:
    profile = assessment.profile
    standard, binding = cite(spec, profile, assessment.framework)
    return Recommendation(
        id=spec.id,
        text=text.strip(),
        institution=spec.institution,
        institution_name=institution_name(profile, spec.institution),
        horizon=spec.horizon,
        priority="medium",
        component=None,
        standard=standard,
        binding=binding,
        indicator=findings.fill_placeholders(
            spec.indicator, findings.country_names(profile)
        ).strip(),
        gap=None,
        severity=0.0,
        why=why,
        origin="data",
    )
