"""Every sentence the tool writes from the data: key messages, reasons, data gaps, conclusions.

One module for all generated prose, so wording (and, later, translation) has one place to go.
Sentences use the default terms; the team's terminology is applied where text leaves the tool.
Nothing here is evaluated as a template: placeholders are plain ``{name}`` replacements.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # types only: the assessment imports this module for its sentences
    from aftercare_report.assess import Assessment, ComponentResult

PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
"""A ``{name}`` placeholder in a framework text."""


def fill_placeholders(text: str, values: Mapping[str, str]) -> str:
    """Replace ``{name}`` placeholders with plain values; nothing is evaluated.

    Args:
        text: A recommendation text from the framework.
        values: The allowed placeholders and their values.
    """
    return PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), text)


def join_words(items: Sequence[str]) -> str:
    """Join words as prose: ``a``, ``a and b``, ``a, b and c``."""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def capital(name: str) -> str:
    """Capitalise a name that opens a sentence ("the United Kingdom" -> "The United Kingdom")."""
    return name[:1].upper() + name[1:]


# --- data gaps: what the evidence does not tell us -------------------------------------------


def unknown_level(component: str) -> str:
    """Say that a component's level is unknown."""
    return f"The level of {component} is unknown: the sources checked do not document it."


def unsourced_level(component: str) -> str:
    """Say that a component's level has no source."""
    return f"The level given for {component} has no source."


def unsourced_risk(risk: str, status: str) -> str:
    """Say that a risk factor's status has no source."""
    return f"The risk of {risk} is marked {status} without a source."


def unsourced_figure(figure: str) -> str:
    """Say that a key figure has no source."""
    return f"The figure for {figure} has no source."


def unsourced_claim(claim: str) -> str:
    """Say that a verdict on a claim has no source."""
    return f"The verdict on the claim “{claim}” has no source."


def stale_source(title: str, year: int, age: int, limit: int) -> str:
    """Say that a source is older than the staleness limit allows."""
    return (
        f"The source “{title}” ({year}) is {age} years older than the profile's as-of date "
        f"(limit {limit})."
    )


def unknown_risks(risks: Sequence[str]) -> str:
    """Say which risk factors no source speaks to."""
    return f"No source says whether these risks affect survivors: {'; '.join(risks)}."


def missing_figure(figure: str) -> str:
    """Say that no source gives a key figure."""
    if figure == "government budget for survivor services":
        return "No source gives the government budget for survivor services."
    return f"No source gives the number of {figure}."


def no_re_trafficking_measure(proxy: bool) -> str:
    """Say that no official measure of re-trafficking exists (or only a proxy)."""
    return "No official measure of re-trafficking exists" + (
        ": only a proxy is available." if proxy else "."
    )


# --- why a recommendation is made ------------------------------------------------------------


def why_close_gap(component: str, level: int, target: int, risks: Sequence[str]) -> str:
    """Say why a recommendation that closes a gap is made: the gap and the linked risks."""
    why = f"{component} is at level {level} of a target of {target}"
    if risks:
        why += f", and {len(risks)} linked re-trafficking risk{'s' * (len(risks) > 1)} "
        why += f"{'are' if len(risks) > 1 else 'is'} present ({join_words(risks)})"
    return why + "."


def why_beyond_target(component: str, level: int) -> str:
    """Say why a step beyond the target is recommended."""
    step = "this builds towards level 4" if level < 4 else "this keeps it at level 4"
    return f"{component} is at level {level}; {step}."


def why_unknown_levels(components: str) -> str:
    """Say why publishing evidence is recommended."""
    return f"No source documents the level of {components}."


def why_no_measure(country: str) -> str:
    """Say why measuring re-trafficking is recommended."""
    return f"{capital(country)} has no official measure of re-trafficking."


# --- key messages of a country brief ---------------------------------------------------------


def key_messages(assessment: Assessment, first_step: str | None) -> tuple[str, ...]:
    """Write three to five key messages for the top of a brief, from the assessment alone.

    Args:
        assessment: The country's assessment.
        first_step: The text of the most urgent recommendation, if any.

    Returns:
        The messages, most important first.
    """
    profile, index = assessment.profile, assessment.index
    country, total = capital(profile.name_in_text), len(assessment.components)
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
    if first_step:
        messages.append(f"First step: {first_step.strip()}")
    return tuple(messages[:5])


def _peer_message(top: Sequence[ComponentResult]) -> str:
    for result in top:
        peer = result.best_peer
        if peer and result.level is not None and peer.level > result.level:
            return (
                f"{capital(peer.country)} reaches level {peer.level} in {result.name.lower()}, "
                "showing the gap can be closed."
            )
    return ""


# --- the comparative brief -------------------------------------------------------------------


def shared_gap_lines(assessments: Sequence[Assessment]) -> list[str]:
    """Say, per component, which countries fall short of the target (where two or more do)."""
    fw = assessments[0].framework
    lines = []
    for cid, spec in fw.components.items():
        pairs = [(a.profile.country, a.component(cid)) for a in assessments]
        short = [country for country, c in pairs if c.gap]
        unknown = [country for country, c in pairs if c.level is None]
        if len(short) >= 2:
            line = f"{spec.name}: below target in {len(short)} of {len(assessments)} countries "
            line += f"({join_words(short)})"
            if unknown:
                line += f"; unknown in {join_words(unknown)}"
            lines.append(line + ".")
    return lines


def conclusion(
    assessments: Sequence[Assessment], government_asks: Sequence[frozenset[str]]
) -> list[str]:
    """Write the comparative conclusion from the data, each statement with its numbers.

    Args:
        assessments: The countries, in brief order.
        government_asks: Per country, the components on which a government or legislature is
            asked to act (recommendations that close a gap).
    """
    fw = assessments[0].framework
    n = len(assessments)
    # The gaps that leave survivors most exposed: total severity across the countries.
    totals = {cid: sum(a.component(cid).severity for a in assessments) for cid in fw.components}
    worst = sorted((cid for cid in totals if totals[cid] > 0), key=lambda c: (-totals[c], c))[:3]
    out = []
    if worst:
        parts = []
        for cid in worst:
            short = sum(1 for a in assessments if a.component(cid).gap)
            name = fw.components[cid].name.lower()
            parts.append(f"{name} (short in {short} of {n}, total severity {totals[cid]:g})")
        out.append(
            f"Across the {n} countries, the gaps that leave survivors most exposed to "
            f"re-trafficking are {join_words(parts)}."
        )
    asked: dict[str, int] = {}
    for components in government_asks:
        for cid in components:
            asked[cid] = asked.get(cid, 0) + 1
    common = sorted(asked, key=lambda c: (-asked[c], -totals[c], c))[:3]
    if common:
        listed = join_words(
            [f"{fw.components[c].name.lower()} ({asked[c]} of {n})" for c in common]
        )
        out.append(
            f"Governments must fund and legislate first for {listed}: the components where "
            "government action is recommended in the most countries."
        )
    no_measure = [
        a.profile.country
        for a in assessments
        if any(g.kind == "no-re-trafficking-measure" for g in a.data_gaps)
    ]
    if no_measure:
        out.append(
            f"{len(no_measure)} of {n} countries have no official measure of re-trafficking, so "
            "no government can show that its aftercare keeps survivors safe after support ends."
        )
    unknown = sum(1 for a in assessments for c in a.components if c.level is None)
    if unknown:
        out.append(
            f"{unknown} of {n * len(fw.components)} component ratings are unknown for lack of "
            "published evidence; the first step everywhere is to collect and publish it."
        )
    return out
