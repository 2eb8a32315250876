"""Turn an assessment into prioritised recommendations.

Recommendation texts come from the framework's library; the only thing filled in is a plain
``{country}`` / ``{component}`` placeholder — no template code is ever evaluated from data.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from aftercare_report import findings
from aftercare_report.assess import Assessment, ComponentResult
from aftercare_report.model import Actor, Horizon
from aftercare_report.model import Recommendation as RecommendationSpec

Priority = Literal["high", "medium", "low"]
PRIORITIES: tuple[Priority, ...] = ("high", "medium", "low")
HORIZONS: tuple[Horizon, ...] = ("immediate", "short_term", "long_term")
HIGH_SEVERITY = 2.0
"""Severity from which closing a gap is high priority (e.g. two levels short, or one with risks)."""


@dataclass(frozen=True)
class Recommendation:
    """A recommendation selected for a country, with what justifies it.

    Attributes:
        id: The library id.
        text: What to do, with the country filled in.
        actor: Who should act.
        horizon: ``immediate``, ``short_term`` or ``long_term``.
        priority: ``high``, ``medium`` or ``low``.
        component: The component it addresses, or None for data recommendations.
        standard: The standard it comes from.
        gap: The component's gap (None for data recommendations).
        severity: The component's severity (0 for data recommendations).
        why: The gap and the linked risks that justify it, in one sentence.
        evidence: The profile's evidence for the component's level ("" for data
            recommendations).
    """

    id: str
    text: str
    actor: Actor
    horizon: Horizon
    priority: Priority
    component: str | None
    standard: str
    gap: int | None
    severity: float
    why: str
    evidence: str = ""


def recommendations(assessment: Assessment) -> tuple[Recommendation, ...]:
    """Select, justify and order the recommendations for an assessed country.

    A component's recommendation applies when the country's level is below its
    ``when_level_below`` and, while the component is still short of its target, when it helps
    reach the target: steps beyond the target wait until the target is met, so a brief asks first
    for what is missing. Priority is high for severe gaps, medium for other gaps and for missing
    evidence, low for steps beyond the target. Order: priority, severity, horizon, framework order.

    Args:
        assessment: The country's assessment.

    Returns:
        Recommendations, one per library entry at most, most urgent first.
    """
    country = assessment.profile.name_in_text
    picked: list[tuple[int, Recommendation]] = []
    for order, result in enumerate(assessment.components):
        spec = assessment.framework.components[result.id]
        for rec in spec.recommendations:
            if _applies(rec, result):
                closes_gap = bool(result.gap) and rec.when_level_below <= result.target
                risks = [assessment.framework.risk_factors[r].name.lower() for r in result.risks]
                picked.append((order, _component_rec(rec, result, country, closes_gap, risks)))
    picked.extend((len(picked) + 100, rec) for rec in _data_recs(assessment))

    def key(item: tuple[int, Recommendation]) -> tuple[int, float, int, int]:
        order, rec = item
        return (PRIORITIES.index(rec.priority), -rec.severity, HORIZONS.index(rec.horizon), order)

    return tuple(rec for _, rec in sorted(picked, key=key))


def _applies(rec: RecommendationSpec, result: ComponentResult) -> bool:
    if result.level is None or result.level >= rec.when_level_below:
        return False
    return rec.when_level_below <= result.target or result.level >= result.target


def _component_rec(
    rec: RecommendationSpec,
    result: ComponentResult,
    country: str,
    closes_gap: bool,
    risks: list[str],
) -> Recommendation:
    level = result.level or 0
    if closes_gap:
        priority: Priority = "high" if result.severity >= HIGH_SEVERITY else "medium"
        why = findings.why_close_gap(result.name, level, result.target, risks)
    else:
        priority = "low"
        why = findings.why_beyond_target(result.name, level)
    return Recommendation(
        id=rec.id,
        text=findings.fill_placeholders(rec.text, {"country": country}),
        actor=rec.actor,
        horizon=rec.horizon,
        priority=priority,
        component=result.id,
        standard=rec.standard,
        gap=result.gap,
        severity=result.severity if closes_gap else 0.0,
        why=why,
        evidence=result.evidence.strip(),
    )


def _data_recs(assessment: Assessment) -> list[Recommendation]:
    library = assessment.framework.data_recommendations
    country = assessment.profile.name_in_text
    out = []
    unknown = [c.name for c in assessment.components if c.level is None]
    if unknown:
        names = findings.join_words([n.lower() for n in unknown])
        spec = library.unknown_level
        text = findings.fill_placeholders(spec.text, {"country": country, "component": names})
        why = findings.why_unknown_levels(names)
        out.append(_data_rec(spec.id, text, spec.actor, spec.horizon, spec.standard, why))
    if any(g.kind == "no-re-trafficking-measure" for g in assessment.data_gaps):
        spec = library.no_re_trafficking_measure
        text = findings.fill_placeholders(spec.text, {"country": country, "component": ""})
        why = findings.why_no_measure(country)
        out.append(_data_rec(spec.id, text, spec.actor, spec.horizon, spec.standard, why))
    return out


def _data_rec(
    rec_id: str, text: str, actor: Actor, horizon: Horizon, standard: str, why: str
) -> Recommendation:
    return Recommendation(rec_id, text, actor, horizon, "medium", None, standard, None, 0.0, why)
