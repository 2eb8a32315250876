"""Turn an assessment into prioritised recommendations and a few key messages.

Recommendation texts come from the framework's library; the only thing filled in is a plain
``{country}`` / ``{component}`` placeholder — no template code is ever evaluated from data.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from aftercare_report.assess import Assessment, ComponentResult
from aftercare_report.model import Recommendation as RecommendationSpec
from aftercare_report.validation import fill_placeholders

PRIORITIES = ("high", "medium", "low")
HORIZONS = ("immediate", "short_term", "long_term")
HIGH_SEVERITY = 2.0
"""Severity from which closing a gap is high priority (e.g. two levels short, or one with risks)."""

DEFAULT_TERMS: Mapping[str, str] = {
    "survivor": "survivor",
    "survivors": "survivors",
    "re-trafficking": "re-trafficking",
}
"""Words teams may change (e.g. ``survivors`` -> ``victims`` in legal briefs)."""


def reword(text: str, terms: Mapping[str, str]) -> str:
    """Put a team's terms in place of the default ones in generated text.

    Apply it once, to text written with the default words (framework texts, generated
    sentences), never to profile evidence: that quotes its sources. A capital at the start of a
    word is kept ("Survivors" -> "Victims").

    Args:
        text: Generated text using the default terms.
        terms: The team's terms, keyed by the default word.
    """
    changed = {k: v for k, v in terms.items() if DEFAULT_TERMS.get(k, v) != v}
    if not changed:
        return text
    words = sorted(changed, key=len, reverse=True)
    pattern = re.compile(r"\b(" + "|".join(re.escape(w) for w in words) + r")\b", re.IGNORECASE)

    def swap(match: re.Match[str]) -> str:
        new = changed[match[0].lower()]
        return new[:1].upper() + new[1:] if match[0][:1].isupper() else new

    return pattern.sub(swap, text)


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
    actor: str
    horizon: str
    priority: str
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
    if closes_gap:
        priority = "high" if result.severity >= HIGH_SEVERITY else "medium"
        why = f"{result.name} is at level {result.level} of a target of {result.target}"
        if risks:
            why += f", and {len(risks)} linked re-trafficking risk{'s' * (len(risks) > 1)} "
            why += f"{'are' if len(risks) > 1 else 'is'} present ({join_words(risks)})"
    else:
        priority = "low"
        why = f"{result.name} is at level {result.level}; " + (
            "this builds towards level 4" if (result.level or 0) < 4 else "this keeps it at level 4"
        )
    return Recommendation(
        id=rec.id,
        text=fill_placeholders(rec.text, {"country": country}),
        actor=rec.actor,
        horizon=rec.horizon,
        priority=priority,
        component=result.id,
        standard=rec.standard,
        gap=result.gap,
        severity=result.severity if closes_gap else 0.0,
        why=f"{why}.",
        evidence=result.evidence.strip(),
    )


def _data_recs(assessment: Assessment) -> list[Recommendation]:
    library = assessment.framework.data_recommendations
    country = assessment.profile.name_in_text
    out = []
    unknown = [c.name for c in assessment.components if c.level is None]
    if unknown:
        names = join_words([n.lower() for n in unknown])
        spec = library.unknown_level
        text = fill_placeholders(spec.text, {"country": country, "component": names})
        why = f"No source documents the level of {names}."
        out.append(_data_rec(spec.id, text, spec.actor, spec.horizon, spec.standard, why))
    if any(g.kind == "no-re-trafficking-measure" for g in assessment.data_gaps):
        spec = library.no_re_trafficking_measure
        text = fill_placeholders(spec.text, {"country": country, "component": ""})
        why = f"{_capital(country)} has no official measure of re-trafficking."
        out.append(_data_rec(spec.id, text, spec.actor, spec.horizon, spec.standard, why))
    return out


def _data_rec(
    rec_id: str, text: str, actor: str, horizon: str, standard: str, why: str
) -> Recommendation:
    return Recommendation(rec_id, text, actor, horizon, "medium", None, standard, None, 0.0, why)


def key_messages(
    assessment: Assessment,
    recs: tuple[Recommendation, ...],
    terms: Mapping[str, str] = DEFAULT_TERMS,
) -> tuple[str, ...]:
    """Write three to five key messages for the top of a brief, from the assessment alone.

    Args:
        assessment: The country's assessment.
        recs: Its recommendations, most urgent first.
        terms: The team's terminology (``survivors``, ``re-trafficking``).

    Returns:
        The messages, most important first.
    """
    profile, index = assessment.profile, assessment.index
    country, total = _capital(profile.name_in_text), len(assessment.components)
    short = [c for c in assessment.components if c.gap]
    unknown = [c for c in assessment.components if c.level is None]
    if index.value is None:
        first = (
            f"{country} cannot be scored on the aftercare index: no component level is documented"
        )
    else:
        first = (
            f"{country} scores {index.value:g}/100 on the aftercare index (band {index.band}, "
            f"{index.band_label}); {len(short)} of {total} components fall short of the target "
            "level"
        )
    if unknown:
        first += f", and {len(unknown)} could not be rated for lack of evidence"
    messages = [first + "."]
    top = assessment.top_gaps[:2]
    if top:
        gaps = join_words([f"{c.name.lower()} (level {c.level} of {c.target})" for c in top])
        line = f"The most severe gaps are in {gaps}"
        risky = sorted({r for c in top for r in c.risks})
        if risky:
            names = join_words(
                [assessment.framework.risk_factors[r].name.lower() for r in risky[:2]]
            )
            line += f", where {names} raise the risk of re-trafficking"
        messages.append(line + ".")
    lowering = [c for c in index.caps if c.band == index.band and index.band != index.uncapped_band]
    if lowering:
        cap = lowering[0]
        messages.append(f"The band is capped at {cap.band}: {cap.reason.strip()}")
    peer_line = _peer_message(top)
    if peer_line:
        messages.append(peer_line)
    if any(g.kind == "no-re-trafficking-measure" for g in assessment.data_gaps):
        messages.append(
            f"{country} has no official measure of re-trafficking, so nobody knows "
            "how many survivors are exploited again after support ends."
        )
    if recs:
        messages.append(f"First step: {recs[0].text.strip()}")
    return tuple(reword(m, terms) for m in messages[:5])


def _peer_message(top: tuple[ComponentResult, ...]) -> str:
    for result in top:
        peer = result.best_peer
        if peer and result.level is not None and peer.level > result.level:
            return (
                f"{_capital(peer.country)} reaches level {peer.level} in {result.name.lower()}, "
                "showing the gap can be closed."
            )
    return ""


def join_words(items: list[str]) -> str:
    """Join words as prose: ``a``, ``a and b``, ``a, b and c``."""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _capital(name: str) -> str:
    """Capitalise a name that opens a sentence ("the United Kingdom" -> "The United Kingdom")."""
    return name[:1].upper() + name[1:]
