"""Every sentence of a comparative brief, counted from the countries' assessments.

Like :mod:`findings`, whole messages with named placeholders go through the current language's
catalog; a sentence names a country only where the data put it there, and a finding the data do
not show is left out rather than said weakly.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from aftercare_report.findings import country_names, join_words
from aftercare_report.i18n import _, current, ngettext

if TYPE_CHECKING:  # types only
    from aftercare_report.assess import Assessment
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
    """The cross-country finding that opens a comparative brief: where support stops."""
    n = len(assessments)
    lasting = [_in_text(a) for a in assessments if _twelve(a) == "provided"]
    partial = [_in_text(a) for a in assessments if _twelve(a) == "partial"]
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
    """The essay's other findings, where the data show them.

    Help tied to police cooperation or to closed shelters, and child survivors below the
    standard.
    """
    n = len(assessments)
    out = []
    tied = [_in_text(a) for a in assessments if _at_most(a, "unconditional", CUSTODY)]
    closed = [_in_text(a) for a in assessments if _at_most(a, "consent", CUSTODY)]
    if tied or closed:
        either = [_in_text(a) for a in assessments if _in_text(a) in tied or _in_text(a) in closed]
        out.append(
            ngettext(
                "Help is tied to police cooperation or to closed shelters in %(num)s of %(total)s "
                "countries (%(countries)s): %(survivors)s who will not testify, or who leave a "
                "shelter, lose the support that keeps them safe.",
                "Help is tied to police cooperation or to closed shelters in %(num)s of %(total)s "
                "countries (%(countries)s): %(survivors)s who will not testify, or who leave a "
                "shelter, lose the support that keeps them safe.",
                len(either),
                total=n,
                countries=join_words(either),
            )
        )
    children = [a for a in assessments if "children" in a.framework.components]
    below = [_in_text(a) for a in children if a.component("children").gap]
    if children and len(below) == len(children):
        out.append(
            _(
                "No country meets the standard for child %(survivors)s: a guardian without "
                "delay and care that follows them into adulthood are missing in all %(total)s.",
                total=len(children),
            )
        )
    elif len(below) >= 2:
        out.append(
            _(
                "Child %(survivors)s are below the standard in %(count)s of %(total)s countries "
                "(%(countries)s).",
                count=len(below),
                total=len(children),
                countries=join_words(below),
            )
        )
    return out


def _at_most(a: Assessment, cid: str, level: int) -> bool:
    if cid not in a.framework.components:
        return False
    result = a.component(cid)
    return result.level is not None and result.level <= level


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


def conclusion(reports: Sequence[CountryReport]) -> list[str]:
    """Write the comparative conclusion from the data, in the form of the essay's.

    What is missing everywhere, what it costs, and what governments and donors must invest in;
    every sentence is counted from the assessments. The lead finding opens the brief and is not
    repeated here.

    Args:
        reports: The countries, in brief order.
    """
    from aftercare_report.findings import documents_no_measure

    assessments = [r.assessment for r in reports]
    fw = assessments[0].framework
    n = len(assessments)
    out = []
    continuity = [cid for cid, spec in fw.components.items() if spec.continuity]
    short = {cid: [_in_text(a) for a in assessments if a.component(cid).gap] for cid in continuity}
    missing = [fw.components[cid].name.lower() for cid in continuity if len(short[cid]) == n]
    if missing:
        out.append(
            _(
                "What is missing everywhere is support that lasts: %(components)s fall short of "
                "the standard in all %(total)s countries, including support for at least 12 "
                "months.",
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
                counts=join_words(counts),
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
    if any(short.values()):
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
    """Say what 12 months of casework or housing costs per survivor, or that it is not costed."""
    known = []
    for r in reports:
        for name in ("cost_casework_12_months", "cost_housing_12_months"):
            figure = getattr(r.profile.key_figures, name)
            if figure.known and isinstance(figure.value, int | float):
                value = current().number(figure.value)
                if figure.unit:
                    value = _("%(value)s %(unit)s", value=value, unit=figure.unit)
                what = (
                    _("12 months of casework")
                    if name == "cost_casework_12_months"
                    else _("12 months of safe housing")
                )
                known.append(
                    _(
                        "%(what)s cost %(value)s per %(survivor)s %(in_country)s (%(year)s)",
                        what=what,
                        value=value,
                        year=str(figure.year or ""),
                        in_country=country_names(r.profile)["in_country"],
                    )
                )
    if not known:
        return _(
            "No published figure found gives the cost of 12 months of casework or housing per "
            "%(survivor)s in these countries: the ask is not costed."
        )
    return _("What it costs: %(costs)s.", costs="; ".join(known))
