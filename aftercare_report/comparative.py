"""Every sentence of a comparative brief, counted from the countries' assessments.

Like :mod:`findings`, whole messages with named placeholders go through the current language's
catalog; a sentence names a country only where the data put it there, and a finding the data do
not show is left out rather than said weakly.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from aftercare_report.findings import (
    capital,
    counted,
    country_names,
    in_brief_language,
    in_prose,
    join_names,
    join_words,
    rests_on_waiting,
    semicolons,
)
from aftercare_report.i18n import N_, _, current, evidence, ngettext
from aftercare_report.terms import is_placeholder

if TYPE_CHECKING:  # types only
    from aftercare_report.assess import Assessment
    from aftercare_report.model import Profile
    from aftercare_report.report import CountryReport

CUSTODY = 1
"""Help not conditional on cooperation, or consent, at this level or below: help is tied to
police cooperation, or survivors are held in closed shelters."""


def _name(a: Assessment) -> str:
    return country_names(a.profile)["name"]


def _in_text(a: Assessment) -> str:
    return country_names(a.profile)["country"]


def _twelve(a: Assessment) -> str:
    return a.profile.timeline.twelve_months.status


def lead_finding(assessments: Sequence[Assessment]) -> str:
    """The cross-country finding that opens a comparative brief: where support stops.

    Where a country's support at 12 months rests on survivors still waiting for a decision
    (the profile says so), the sentence says so: a wait is not support that lasts.
    """
    n = len(assessments)
    lasting = [_in_text(a) for a in assessments if _twelve(a) == "provided"]
    partial = [_in_text(a) for a in assessments if _twelve(a) == "partial"]
    waiting = [_in_text(a) for a in assessments if rests_on_waiting(a.profile)]
    said = _lead_sentence(n, lasting, partial)
    if waiting:
        said = ngettext(
            "%(finding)s In %(countries)s, those who still have support then have it mostly "
            "because they are still waiting for a decision on their case.",
            "%(finding)s In %(countries)s, those who still have support then have it mostly "
            "because they are still waiting for a decision on their case.",
            len(waiting),
            finding=said,
            countries=join_words(waiting),
        )
    return said


def _lead_sentence(n: int, lasting: Sequence[str], partial: Sequence[str]) -> str:
    if not lasting:
        if partial:
            return ngettext(
                "In none of the %(num)s countries is support documented as lasting 12 months for "
                "every %(survivor)s; in %(partial)s only some %(survivors)s still have it then.",
                "In none of the %(num)s countries is support documented as lasting 12 months for "
                "every %(survivor)s; in %(partial)s only some %(survivors)s still have it then.",
                n,
                partial=join_words(partial),
            )
        return ngettext(
            "In none of the %(num)s countries is support documented as lasting 12 months for "
            "every %(survivor)s.",
            "In none of the %(num)s countries is support documented as lasting 12 months for "
            "every %(survivor)s.",
            n,
        )
    return _(
        "Support lasting 12 months is documented in %(lasting)s of %(total)s countries "
        "(%(countries)s).",
        lasting=len(lasting),
        total=n,
        countries=join_words(lasting),
    )


def findings_beyond_twelve_months(assessments: Sequence[Assessment]) -> list[str]:
    """The essay's other findings, where the data show them, each country by its own status.

    Help tied to police cooperation and survivors held in closed shelters, each with the
    countries where the level says so; child survivors below the standard, with what each
    country's guardianship measure shows. No sentence says more of a country than its status
    supports: "missing" only where every country's evidence says absent.
    """
    out = []
    tied = _tied_line(assessments)
    if tied:
        out.append(tied)
    children = _children_line(assessments)
    if children:
        out.append(children)
    return out


def _held(a: Assessment) -> bool:
    """Whether survivors are held in shelters against their will, in law or in practice.

    Consent at the custody level, or shelters that exist (accommodation above level 0) of
    which the evidence finds none adults may leave freely (``open_shelters`` absent): Thailand,
    whose law keeps most foreign survivors in shelters through proceedings, though consent is
    at level 2 for the Thai survivors served outside them.
    """
    if _at_most(a, "consent", CUSTODY):
        return True
    shelters = _level(a, "accommodation")
    return a.profile.measures.open_shelters.status == "absent" and bool(shelters)


def _tied_line(assessments: Sequence[Assessment]) -> str:
    n = len(assessments)
    tied = [_in_text(a) for a in assessments if _at_most(a, "unconditional", CUSTODY)]
    closed = [_in_text(a) for a in assessments if _held(a)]
    if not tied and not closed:
        return ""
    parts = []
    if tied:
        parts.append(
            ngettext(
                "help is tied to police cooperation in %(num)s of %(total)s countries "
                "(%(countries)s)",
                "help is tied to police cooperation in %(num)s of %(total)s countries "
                "(%(countries)s)",
                len(tied),
                total=n,
                countries=join_words(tied),
            )
        )
    if closed:
        parts.append(
            ngettext(
                "%(survivors)s are held in shelters against their will, in law or in practice, "
                "in %(num)s of %(total)s countries (%(countries)s)",
                "%(survivors)s are held in shelters against their will, in law or in practice, "
                "in %(num)s of %(total)s countries (%(countries)s)",
                len(closed),
                total=n,
                countries=join_words(closed),
            )
        )
    flagged = set(tied) | set(closed)
    some = [
        _in_text(a)
        for a in assessments
        if _in_text(a) not in flagged and _level(a, "unconditional") == 2
    ]
    if some:
        parts.append(
            _(
                "in %(countries)s help still depends on cooperation for some %(survivors)s",
                countries=join_words(some),
            )
        )
    help_unknown = [_in_text(a) for a in assessments if _applies_unknown(a, "unconditional")]
    if help_unknown:
        parts.append(
            _(
                "whether help depends on cooperation is not documented in %(countries)s",
                countries=join_words(help_unknown),
            )
        )
    free_unknown = [
        _in_text(a)
        for a in assessments
        if _in_text(a) not in closed and _applies_unknown(a, "consent")
    ]
    if free_unknown:
        parts.append(
            _(
                "whether %(survivors)s may leave shelters freely is not documented in "
                "%(countries)s",
                countries=join_words(free_unknown),
            )
        )
    return capital(semicolons(parts)) + "."


def _children_line(assessments: Sequence[Assessment]) -> str:
    children = [a for a in assessments if "children" in a.framework.components]
    below = [a for a in children if a.component("children").gap]
    if len(below) < 2 and len(below) != len(children):
        return ""
    if not below:
        return ""
    said = _(
        "In %(count)s of %(total)s countries (%(countries)s), aftercare for "
        "%(child_survivors)s is below the standard.",
        count=len(below),
        total=len(children),
        countries=join_words([_in_text(a) for a in below]),
    )
    by_status: dict[str, list[str]] = {}
    for a in below:
        by_status.setdefault(a.profile.measures.guardianship.status, []).append(_in_text(a))
    if set(by_status) == {"absent"}:
        return _(
            "%(finding)s Guardians or advocates for %(child_survivors)s are missing in all of "
            "them.",
            finding=said,
        )
    parts = [
        _(GUARDIAN_WORDS[status], countries=join_words(by_status[status]))
        for status in ("in_place", "partial", "absent", "unknown")
        if status in by_status
    ]
    return _(
        "%(finding)s Guardians or advocates for %(child_survivors)s: %(statuses)s.",
        finding=said,
        statuses=semicolons(parts),
    )


GUARDIAN_WORDS = {
    "in_place": N_("in place, yet children still fall short of the standard, in %(countries)s"),
    "partial": N_("in part only in %(countries)s"),
    "absent": N_("none in %(countries)s"),
    "unknown": N_("not documented in %(countries)s"),
}
"""What each status of the guardianship measure says, among countries below the standard."""


def _level(a: Assessment, cid: str) -> int | None:
    if cid not in a.framework.components:
        return None
    return a.component(cid).level


def _applies_unknown(a: Assessment, cid: str) -> bool:
    return cid in a.framework.components and a.component(cid).unknown


def _at_most(a: Assessment, cid: str, level: int) -> bool:
    if cid not in a.framework.components:
        return False
    result = a.component(cid)
    return result.level is not None and result.level <= level and bool(result.gap)


def shared_gap_lines(assessments: Sequence[Assessment]) -> list[str]:
    """Say, per component, which countries fall short of the target (where two or more do)."""
    fw = assessments[0].framework
    lines = []
    for cid, spec in fw.components.items():
        pairs = [(_name(a), a.component(cid)) for a in assessments]
        short = [country for country, c in pairs if c.gap]
        unknown = [country for country, c in pairs if c.unknown]
        if len(short) >= 2:
            values = {
                "component": spec.name,
                "short": len(short),
                "total": len(assessments),
                "countries": join_words(short),
            }
            if unknown:
                lines.append(
                    _(
                        "%(component)s: below the standard in %(short)s of %(total)s countries "
                        "(%(countries)s); not documented in %(unknown)s.",
                        unknown=join_words(unknown),
                        **values,
                    )
                )
            else:
                lines.append(
                    _(
                        "%(component)s: below the standard in %(short)s of %(total)s countries "
                        "(%(countries)s).",
                        **values,
                    )
                )
    return lines


def ordering(reports: Sequence[CountryReport]) -> str:
    """Say which countries the evidence can order, and that the others cannot be ordered.

    A is above B only when A's whole range lies above B's: an index that would change order
    with the unknowns proves nothing.
    """
    from aftercare_report.export import orderings  # export imports the report, as this does

    pairs = orderings(reports)
    ranked = [r for r in reports if r.assessment.index.ranked]
    if len(ranked) < 2:
        return ""
    if not pairs:
        return _(
            "The ranges overlap for every pair of countries: they cannot be ordered on the "
            "published evidence."
        )
    by_higher: dict[str, list[str]] = {}
    for higher, lower in pairs:
        by_higher.setdefault(_in_text(higher.assessment), []).append(_in_text(lower.assessment))
    clauses = [
        _("%(higher)s above %(lower)s", higher=h, lower=join_words(lows))
        for h, lows in by_higher.items()
    ]
    return _(
        "Only these orders hold however the undocumented parts are counted: %(orders)s. The "
        "other countries cannot be ordered on the published evidence.",
        orders="; ".join(clauses),
    )


def order_words(reports: Sequence[CountryReport]) -> dict[str, str]:
    """Say, for each ranked country, which countries the evidence puts it above or below.

    "above India", "below the United Kingdom", or "cannot be ordered" when its range overlaps
    every other's: a rank number would imply an order the evidence does not hold.

    Returns:
        The words by profile slug, for ranked countries only.
    """
    from aftercare_report.export import orderings  # export imports the report, as this does

    pairs = orderings(reports)
    out = {}
    for r in reports:
        if not r.assessment.index.ranked or r.assessment.index.value is None:
            continue
        above = [_in_text(low.assessment) for high, low in pairs if high is r]
        below = [_in_text(high.assessment) for high, low in pairs if low is r]
        parts = []
        if above:
            parts.append(_("above %(countries)s", countries=join_words(above)))
        if below:
            parts.append(_("below %(countries)s", countries=join_words(below)))
        out[r.profile.slug] = semicolons(parts) if parts else _("cannot be ordered")
    return out


def conclusion(reports: Sequence[CountryReport]) -> list[str]:
    """Write the comparative conclusion from the data, in the form of the essay's.

    What is missing everywhere, what no one measures, then (after the countries' own evidence
    that support which stops leaves survivors exposed: see :func:`findings_count`) what
    governments and donors must invest in and what it costs; every sentence is counted from
    the assessments. The lead finding opens the brief and is not repeated here.

    Args:
        reports: The countries, in brief order.
    """
    return [line for line in (*_conclusion_findings(reports), *_asks(reports)) if line]


def findings_count(reports: Sequence[CountryReport]) -> int:
    """How many of the conclusion's paragraphs come before its asks (the evidence goes there)."""
    return len([line for line in _conclusion_findings(reports) if line])


def _conclusion_findings(reports: Sequence[CountryReport]) -> list[str]:
    from aftercare_report.findings import documents_no_measure

    assessments = [r.assessment for r in reports]
    fw = assessments[0].framework
    n = len(assessments)
    out = []
    continuity = [cid for cid, spec in fw.components.items() if spec.continuity]
    short = {cid: [_in_text(a) for a in assessments if a.component(cid).gap] for cid in continuity}
    missing = [in_prose(assessments[0], cid) for cid in continuity if len(short[cid]) == n]
    if missing:
        # The list is a sentence of its own, joined with "and" (never spliced after a colon).
        out.append(
            ngettext(
                "What is missing everywhere is support that lasts. In all %(total)s countries, "
                "%(components)s falls short of the standard, which includes support for at "
                "least 12 months.",
                "What is missing everywhere is support that lasts. In all %(total)s countries, "
                "%(components)s fall short of the standard, which includes support for at "
                "least 12 months.",
                len(missing),
                components=join_words(missing),
                total=n,
            )
        )
    elif any(short.values()):
        counts = [
            _(
                "%(component)s in %(count)s",
                component=fw.components[c].name.lower(),
                count=len(short[c]),
            )
            for c in continuity
        ]
        out.append(
            _(
                "Support that lasts is the common gap: below the standard are %(counts)s of the "
                "%(total)s countries.",
                counts=join_names(counts),
                total=n,
            )
        )
    measured = [
        _in_text(a)
        for a in assessments
        if not any(g.kind == "no-re-trafficking-measure" for g in a.data_gaps)
    ]
    documented = [a for a in assessments if documents_no_measure(a.profile)]
    if not measured and len(documented) == n:
        out.append(
            _(
                "None of the %(total)s countries measures %(re_trafficking)s, so no government "
                "can show that its aftercare keeps %(survivors)s safe after support ends.",
                total=n,
            )
        )
    elif measured:
        out.append(
            ngettext(
                "Only %(countries)s has an official measure of %(re_trafficking)s.",
                "Only %(countries)s have an official measure of %(re_trafficking)s.",
                len(measured),
                countries=join_words(measured),
            )
        )
    return out


def _asks(reports: Sequence[CountryReport]) -> list[str]:
    assessments = [r.assessment for r in reports]
    fw = assessments[0].framework
    out = []
    continuity = [cid for cid, spec in fw.components.items() if spec.continuity]
    if any(a.component(cid).gap for a in assessments for cid in continuity):
        out.append(
            _(
                "Governments must therefore fund long-term aftercare: housing, health care and a "
                "named caseworker for at least 12 months and for as long as needed, and measure "
                "%(re_trafficking)s; donors must fund the NGO services that carry this work where "
                "public money does not reach, on multi-year terms."
            )
        )
    out.append(cost(reports))
    unranked = [_in_text(a) for a in assessments if not a.index.ranked]
    if unranked:
        out.append(
            ngettext(
                "The evidence for %(countries)s is too thin to rank it: publishing it is the "
                "first step.",
                "The evidence for %(countries)s is too thin to rank them: publishing it is the "
                "first step.",
                len(unranked),
                countries=join_words(unranked),
            )
        )
    return [line for line in out if line]


def cost(reports: Sequence[CountryReport]) -> str:
    """Say what 12 months of casework or housing costs per survivor, or that it is not costed.

    A figure the profile marks as a proxy (a ceiling, a grant limit) is never called what
    something costs: the sentence says it is the only published figure, what it counts, and
    that it is not a measured cost.
    """
    measured, proxies = [], []
    for r in reports:
        for name in ("cost_casework_12_months", "cost_housing_12_months"):
            figure = getattr(r.profile.key_figures, name)
            if not (figure.known and isinstance(figure.value, int | float)):
                continue
            in_country = country_names(r.profile)["in_country"]
            if figure.proxy:
                proxies.append(
                    _(
                        "%(in_country)s, %(figure)s",
                        figure=counted(
                            figure.value,
                            figure.unit,
                            _counts(r.profile, figure.counts),
                            figure.year,
                        ),
                        in_country=in_country,
                    )
                )
                continue
            value = current().number(figure.value)
            if figure.unit:
                value = _("%(value)s %(unit)s", value=value, unit=figure.unit)
            what = (
                _("12 months of casework")
                if name == "cost_casework_12_months"
                else _("12 months of safe housing")
            )
            measured.append(
                _(
                    "%(what)s cost %(value)s per %(survivor)s %(in_country)s (%(year)s)",
                    what=what,
                    value=value,
                    year=str(figure.year or ""),
                    in_country=in_country,
                )
            )
    if measured:
        return _("What it costs: %(costs)s.", costs=semicolons(measured))
    if proxies:
        return ngettext(
            "What 12 months of support costs per %(survivor)s is not established in these "
            "countries; the only published figure is a proxy: %(figures)s.",
            "What 12 months of support costs per %(survivor)s is not established in these "
            "countries; the only published figures are proxies: %(figures)s.",
            len(proxies),
            figures=semicolons(proxies),
        )
    return _(
        "No published figure found gives the cost of 12 months of casework or housing per "
        "%(survivor)s in these countries: the ask is not costed."
    )


EXPOSURE_RISKS = ("support_ends_abruptly", "economic_precarity", "weak_transition")
"""The risks whose evidence bears on support that stops, in the order one is chosen."""

KIND_WORDS = {
    "study": N_("a study"),
    "statistics": N_("official statistics"),
    "report": N_("a report"),
    "news": N_("a news report"),
    "law": N_("the law"),
    "treaty": N_("a treaty"),
}
"""What kind of source a line of evidence rests on, as its strength label names it."""


@dataclass(frozen=True)
class ExposureLine:
    """One line of a country's own evidence that support which stops leaves survivors exposed.

    Attributes:
        profile: The country (its sources are cited by the brief's notes).
        strength: How strong the line is, in words ("a proxy, not a measure of re-trafficking";
            "indirect evidence, from a study").
        text: The evidence as the profile words it, or the proxy figure with what it counts.
        sources: The source ids behind it.
    """

    profile: Profile
    strength: str
    text: str
    sources: tuple[str, ...]


def exposure_lead(lines: Sequence[ExposureLine]) -> str:
    """Introduce the evidence lines: none of them measures re-trafficking."""
    if not lines:
        return ""
    return _(
        "The evidence that support which stops leaves %(survivors)s exposed is indirect, since "
        "no country measures %(re_trafficking)s; it is these lines of the countries' own "
        "evidence:"
    )


def exposure_evidence(reports: Sequence[CountryReport]) -> list[ExposureLine]:
    """The countries' own evidence that support which stops leaves survivors exposed.

    For each country, the first documented risk among :data:`EXPOSURE_RISKS` and any proxy of
    re-trafficking that counts more than labour trafficking, each labelled by what it is. A
    line resting on the source of a labour-only figure is left out: a brief on sex trafficking
    never argues from labour trafficking.
    """
    out = []
    for r in reports:
        profile = r.profile
        proxy = profile.key_figures.re_trafficking_measure
        labour = set(proxy.sources) if proxy.known and proxy.form == "labour" else set()
        for rid in EXPOSURE_RISKS:
            entry = profile.risk_factors.get(rid)
            if entry is None or entry.status != "present" or is_placeholder(entry.evidence):
                continue
            if labour & set(entry.sources):
                continue
            out.append(
                ExposureLine(
                    profile,
                    _("indirect evidence, from %(kinds)s", kinds=_kinds(profile, entry.sources)),
                    evidence(profile.slug, profile.language, " ".join(entry.evidence.split())),
                    entry.sources,
                )
            )
            break
        if proxy.known and proxy.proxy and proxy.form != "labour":
            out.append(
                ExposureLine(
                    profile,
                    _("a proxy, not a measure of %(re_trafficking)s"),
                    counted(proxy.value, proxy.unit, _counts(profile, proxy.counts), proxy.year),
                    proxy.sources,
                )
            )
    return out


def _counts(profile: Profile, counts: str) -> str:
    """What a figure counts, in the brief's language or quoted in the profile's."""
    flat = " ".join(counts.split())
    return in_brief_language(profile, flat) or evidence(
        profile.slug, profile.language, flat, tag=True
    )


def _kinds(profile: Profile, sources: Sequence[str]) -> str:
    kinds = dict.fromkeys(profile.sources[s].kind for s in sources if s in profile.sources)
    words = [_(KIND_WORDS[k]) for k in kinds if k in KIND_WORDS]
    return join_words(words) if words else _("a source")
