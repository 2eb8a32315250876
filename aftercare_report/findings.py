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
    from aftercare_report.assess import Assessment
    from aftercare_report.recommend import Recommendation

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
    """Say, plainly, that a source may be out of date."""
    return (
        f"“{title}” dates from {year}, {age} years before the newest evidence in this profile; "
        "newer evidence may exist."
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
    why = f"{component} is at level {level} of the {target} every country should reach"
    if risks:
        why += f", and {join_words(risks)} {'is' if len(risks) == 1 else 'are'} documented here"
    return why + "."


def why_beyond_target(component: str, level: int) -> str:
    """Say why a step beyond the target is recommended."""
    step = "this builds towards level 4" if level < 4 else "this keeps it at level 4"
    return f"{component} is at level {level}; {step}."


def why_source_recommends() -> str:
    """Say why a source's own recommendation is listed although the level is unknown."""
    return "A source on this country recommends it; the level it concerns is not documented."


def why_unknown(components: str) -> str:
    """Say why publishing evidence is recommended."""
    return f"No source documents {components}."


def why_no_measure(country: str) -> str:
    """Say why measuring re-trafficking is recommended."""
    return f"{capital(country)} has no official measure of re-trafficking."


def good_practice(standards: Sequence[str]) -> str:
    """Name the standards a recommendation follows when none binds the country."""
    if not standards:
        return "International good practice"
    return f"International good practice ({'; '.join(standards)})"


def recommended_by(country: str, title: str, year: int) -> str:
    """The standard of a recommendation that a source makes for the country itself."""
    return f"Recommended for {country} in “{' '.join(title.split())}” ({year})"


def the_government_of(country: str) -> str:
    """Name a government when the profile names no institution."""
    return f"the government of {country}"


# --- key messages of a country brief ---------------------------------------------------------

MEASURE_NAMES = {
    "nrm": "a national referral mechanism",
    "reflection_period": "a recovery and reflection period",
    "non_punishment_provision": "a non-punishment provision",
    "temporary_residence": "temporary residence for foreign survivors",
    "permanent_residence_route": "a route to permanent residence",
    "compensation_scheme": "a compensation scheme",
    "services_budget_line": "a budget for survivor services",
    "care_standards": "care standards",
    "subsistence_support": "subsistence payments",
    "move_on_support": "move-on support",
    "guardianship": "guardians for child survivors",
    "survivor_advisory_body": "a survivor advisory body",
    "re_trafficking_data": "data on repeat referrals",
    "open_shelters": "open shelters",
    "returnee_reception": "reception for returning nationals",
}
"""How a key message names a measure in place."""

STAGE_NAMES = {
    "identification": "identification",
    "reflection": "the recovery period",
    "decision": "the identification decision",
    "move_on": "move-on",
    "six_months": "six months",
    "twelve_months": "twelve months",
    "beyond": "three years and beyond",
}


def key_messages(assessment: Assessment) -> tuple[str, ...]:
    """Write three to five key messages for the top of a brief, as plain findings.

    What exists, where support stops, the gaps that leave survivors at risk, and whether anyone
    measures re-trafficking; each sentence is drawn from the profile and its assessment.

    Args:
        assessment: The country's assessment.

    Returns:
        The messages, most important first.
    """
    profile = assessment.profile
    country = capital(profile.name_in_text)
    messages = [_what_exists(assessment), where_support_stops(assessment)]
    top = [c for c in assessment.top_gaps if c.gap][:2]
    if top:
        line = f"The largest gaps are in {join_words([c.name.lower() for c in top])}"
        risky = sorted({r for c in top for r in c.risks})
        if risky:
            names = [assessment.framework.risk_factors[r].name.lower() for r in risky[:2]]
            line += f", where these risks of re-trafficking are documented: {'; '.join(names)}"
        messages.append(line + ".")
    proxy = profile.key_figures.re_trafficking_measure
    if any(g.kind == "no-re-trafficking-measure" for g in assessment.data_gaps):
        if proxy.known:
            unit = proxy.unit or ""
            value = f"{proxy.value:,}{unit}" if isinstance(proxy.value, int | float) else ""
            messages.append(
                f"{country} does not measure re-trafficking; the only figure is a proxy "
                f"({' '.join(proxy.counts.split())}: {value})."
            )
        else:
            messages.append(
                f"{country} does not measure re-trafficking, so no one knows how many survivors "
                "are exploited again after support ends."
            )
    unknown = [c.name.lower() for c in assessment.components if c.unknown]
    if unknown:
        messages.append(
            f"No source documents {join_words(unknown)}: this brief counts "
            f"{'it' if len(unknown) == 1 else 'them'} as not provided until evidence shows "
            "otherwise."
        )
    return tuple(m for m in messages if m)[:5]


def _what_exists(assessment: Assessment) -> str:
    profile = assessment.profile
    country = capital(profile.name_in_text)
    in_place = [
        MEASURE_NAMES[name] for name, entry in profile.measures if entry.status == "in_place"
    ]
    if not in_place:
        return (
            f"No source shows {profile.name_in_text} has any of the measures this brief looks for."
        )
    return f"{country} has {join_words(in_place)} in place."


def where_support_stops(assessment: Assessment) -> str:
    """Say whether support reaches 12 months after identification, from the country's timeline."""
    year = assessment.profile.timeline.twelve_months
    if year.status == "provided":
        return "Support is documented as lasting 12 months or more after identification."
    if year.status == "partial":
        head = "At 12 months after identification only some survivors still have support: "
    elif year.status == "not_provided":
        head = "Support has stopped by 12 months after identification: "
    else:
        head = "No source shows support for survivors 12 months after identification: "
    return head + _sentence(year.support)


def _sentence(text: str) -> str:
    text = " ".join(text.split())
    text = text[:1].lower() + text[1:] if text[:2].isalpha() and not text[:2].isupper() else text
    return text if text.endswith(".") else text + "."


def closing(assessment: Assessment, headline: Sequence[Recommendation]) -> str:
    """Write the closing paragraph of a country brief's main part, from the assessment.

    Args:
        assessment: The country's assessment.
        headline: The headline recommendations, in order.
    """
    profile = assessment.profile
    country = capital(profile.name_in_text)
    short = [c for c in assessment.components if c.continuity and c.gap]
    if short:
        names = join_words([c.name.lower() for c in short])
        parts = [
            f"{country} has built parts of aftercare, but support does not last: {names} "
            f"{'falls' if len(short) == 1 else 'fall'} short of what every country owes "
            "survivors, including support for at least 12 months."
        ]
    else:
        parts = [f"No gap in support that lasts is documented in {profile.name_in_text}."]
    risks = sorted({r for c in short for r in c.risks})
    if risks:
        named = [assessment.framework.risk_factors[r].name.lower() for r in risks[:3]]
        parts.append(
            "Where support stops, survivors are left to face the risks of re-trafficking "
            f"documented here: {'; '.join(named)}."
        )
    if headline:
        steps = "step above is" if len(headline) == 1 else f"{len(headline)} steps above are"
        parts.append(
            f"The {steps} where to begin, and each can be checked within 12 months against its "
            "indicator."
        )
    if any(g.kind == "no-re-trafficking-measure" for g in assessment.data_gaps):
        parts.append(
            f"Until {profile.name_in_text} measures re-trafficking, no one can show whether "
            "its aftercare keeps survivors safe."
        )
    return " ".join(parts)


def gap_in_words(gap: int | None, risks: int) -> str:
    """Say how pressing a gap is without the arithmetic: levels short and linked risks."""
    if not gap:
        return ""
    words = f"{gap} level{'s' * (gap > 1)} short"
    if risks:
        words += f"; {risks} linked risk{'s' * (risks > 1)} documented"
    return words


# --- the comparative brief -------------------------------------------------------------------


def shared_gap_lines(assessments: Sequence[Assessment]) -> list[str]:
    """Say, per component, which countries fall short of the target (where two or more do)."""
    fw = assessments[0].framework
    lines = []
    for cid, spec in fw.components.items():
        pairs = [(a.profile.country, a.component(cid)) for a in assessments]
        short = [country for country, c in pairs if c.gap]
        unknown = [country for country, c in pairs if c.unknown]
        if len(short) >= 2:
            line = f"{spec.name}: below the standard in {len(short)} of {len(assessments)} "
            line += f"countries ({join_words(short)})"
            if unknown:
                line += f"; not documented in {join_words(unknown)}"
            lines.append(line + ".")
    return lines


def lead_finding(assessments: Sequence[Assessment]) -> str:
    """The cross-country finding that opens a comparative brief: where support stops."""
    n = len(assessments)
    lasting = [_in_text(a) for a in assessments if _twelve(a) == "provided"]
    partial = [_in_text(a) for a in assessments if _twelve(a) == "partial"]
    if not lasting:
        line = (
            f"In none of the {n} countries is support documented as lasting 12 months for every "
            "survivor"
        )
        if partial:
            line += f"; in {join_words(partial)} only some survivors still have it then"
        return line + "."
    return (
        f"Support lasting 12 months is documented in {len(lasting)} of {n} countries "
        f"({join_words(lasting)})."
    )


def _in_text(a: Assessment) -> str:
    return a.profile.name_in_text


def _twelve(a: Assessment) -> str:
    return a.profile.timeline.twelve_months.status


def conclusion(assessments: Sequence[Assessment]) -> list[str]:
    """Write the comparative conclusion from the data, in the form of the essay's.

    What differs between the countries, what is missing everywhere, and what governments and
    donors must invest in; every sentence is counted from the assessments.

    Args:
        assessments: The countries, in brief order.
    """
    fw = assessments[0].framework
    n = len(assessments)
    out = [lead_finding(assessments)]
    identified = [_in_text(a) for a in assessments if a.profile.measures.nrm.status == "in_place"]
    if identified:
        out.append(
            f"What differs is mostly at the front door: {len(identified)} of {n} countries "
            f"({join_words(identified)}) have a national referral mechanism in law or policy."
        )
    continuity = [cid for cid, spec in fw.components.items() if spec.continuity]
    short = {cid: [_in_text(a) for a in assessments if a.component(cid).gap] for cid in continuity}
    missing = [fw.components[cid].name.lower() for cid in continuity if len(short[cid]) == n]
    if missing:
        out.append(
            f"What is missing everywhere is support that lasts: {join_words(missing)} fall short "
            f"of the standard in all {n} countries, including support for at least 12 months."
        )
    else:
        counts = [f"{fw.components[c].name.lower()} in {len(short[c])}" for c in continuity]
        out.append(
            "Support that lasts is the common gap: below the standard are "
            f"{join_words(counts)} of the {n} countries."
        )
    measured = [
        _in_text(a)
        for a in assessments
        if not any(g.kind == "no-re-trafficking-measure" for g in a.data_gaps)
    ]
    if not measured:
        out.append(
            f"None of the {n} countries measures re-trafficking, so no government can show that "
            "its aftercare keeps survivors safe after support ends."
        )
    else:
        out.append(
            f"Only {join_words(measured)} {'has' if len(measured) == 1 else 'have'} an official "
            "measure of re-trafficking."
        )
    if any(short.values()):
        out.append(
            "Governments must therefore fund long-term aftercare: housing, health care and a named "
            "caseworker for at least 12 months and for as long as needed, and measure "
            "re-trafficking; donors must fund the NGO services that carry this work where public "
            "money does not reach, on multi-year terms."
        )
    unranked = [_in_text(a) for a in assessments if not a.index.ranked]
    if unranked:
        out.append(
            f"The evidence for {join_words(unranked)} is too thin to rank "
            f"{'it' if len(unranked) == 1 else 'them'}: publishing it is the first step."
        )
    return out
