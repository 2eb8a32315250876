"""Every sentence the tool writes from the data: key messages, reasons, data gaps, conclusions.

One module for all generated prose, written as whole messages with named placeholders and plural
forms that go through the current language's catalog (:mod:`aftercare_report.i18n`). Terms
(``%(survivors)s``) and the country's name in the form a sentence needs (``%(country)s``,
``%(in_country)s``, ``%(of_country)s``) are placeholders too, so a translation or a team's
terminology never breaks the grammar. Nothing here is evaluated as a template.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from aftercare_report.i18n import N_, _, current, ngettext, pgettext

if TYPE_CHECKING:  # types only: the assessment imports this module for its sentences
    from aftercare_report.assess import Assessment
    from aftercare_report.model import Profile
    from aftercare_report.recommend import Recommendation

PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
"""A ``{name}`` placeholder in a framework text."""


def fill_placeholders(text: str, values: Mapping[str, str]) -> str:
    """Fill the ``{name}`` placeholders of a framework text: ``values``, then terms.

    Args:
        text: A recommendation text from the framework.
        values: The allowed placeholders and their values.
    """
    return current().fill(text, **values)


def join_words(items: Sequence[str]) -> str:
    """Join words as prose in the current language: ``a, b and c``."""
    return current().join(items)


def semicolons(items: Sequence[str]) -> str:
    """Join items that may hold commas, with the language's semicolon (`` ; `` in French)."""
    return pgettext("list separator", "; ").join(items)


def capital(name: str) -> str:
    """Capitalise a name that opens a sentence ("the United Kingdom" -> "The United Kingdom")."""
    return name[:1].upper() + name[1:]


def country_names(profile: Profile) -> dict[str, str]:
    """The country's name in the current language, in every form a sentence needs.

    ``name`` for headings, ``country`` mid-sentence (with any article), ``in_country`` and
    ``of_country``: the profile's own forms for the language first, then Babel's name for the
    country and the catalog's pattern (``en %(country)s``).
    """
    language = current()
    base = language.code.split("-")[0]
    given = profile.names.get(language.code) or profile.names.get(base)
    if given:
        return {
            "name": given.name,
            "country": given.in_text,
            "in_country": given.in_country,
            "of_country": given.of_country,
        }
    if base == "en":
        name, in_text = profile.country, profile.name_in_text
    else:  # Babel's name, and the catalog's most common pattern (see validate's note)
        name = in_text = language.territory(profile.iso3) or profile.country
    return {
        "name": name,
        "country": in_text,
        "in_country": pgettext("country", "in %(country)s", country=in_text),
        "of_country": pgettext("country", "of %(country)s", country=in_text),
    }


def _names(profile: Profile) -> dict[str, str]:
    """The placeholders of a sentence about one country."""
    names = country_names(profile)
    return {k: names[k] for k in ("country", "in_country", "of_country")}


# --- data gaps: what the evidence does not tell us -------------------------------------------


def unknown_level(component: str) -> str:
    """Say that a component's level is unknown."""
    return _(
        "The level of %(component)s is unknown: the sources checked do not document it.",
        component=component,
    )


def unsourced_level(component: str) -> str:
    """Say that a component's level has no source."""
    return _("The level given for %(component)s has no source.", component=component)


def unsourced_risk(risk: str, status: str) -> str:
    """Say that a risk factor's status has no source."""
    status_words = {
        "present": _("The risk of %(risk)s is marked as documented without a source.", risk=risk),
        "absent": _("The risk of %(risk)s is marked as not found without a source.", risk=risk),
    }
    return status_words.get(
        status,
        _("The risk of %(risk)s is marked %(status)s without a source.", risk=risk, status=status),
    )


def unsourced_figure(figure: str) -> str:
    """Say that a key figure has no source."""
    return _("The figure for %(figure)s has no source.", figure=figure)


def unsourced_claim(claim: str) -> str:
    """Say that a verdict on a claim has no source."""
    return _("The verdict on the claim “%(claim)s” has no source.", claim=claim)


def stale_source(title: str, year: int, age: int, limit: int) -> str:
    """Say, plainly, that a source may be out of date."""
    return ngettext(
        "“%(title)s” dates from %(year)s, %(num)s year before the newest evidence in this "
        "profile; newer evidence may exist.",
        "“%(title)s” dates from %(year)s, %(num)s years before the newest evidence in this "
        "profile; newer evidence may exist.",
        age,
        title=title,
        year=str(year),
    )


def unknown_risks(risks: Sequence[str]) -> str:
    """Say which risk factors no source speaks to."""
    return _(
        "No source says whether these risks affect %(survivors)s: %(risks)s.",
        risks=semicolons(risks),
    )


FIGURE_NAMES: Mapping[str, str] = {
    "victims_identified": N_("%(victims)s identified or referred"),
    "victims_assisted": N_("%(victims)s assisted"),
    "shelters": N_("shelters"),
    "services_budget": N_("government budget for %(survivor_attr)s services"),
    "re_trafficking_measure": N_("%(re_trafficking)s measure"),
    "cost_casework_12_months": N_("cost of 12 months of casework per %(survivor)s"),
    "cost_housing_12_months": N_("cost of 12 months of safe housing per %(survivor)s"),
}
"""The key figures, named in lower case as a sentence uses them; translate with :func:`_`."""


def figure_name(name: str) -> str:
    """A key figure's name in the current language, in lower case."""
    return _(FIGURE_NAMES[name])


def missing_figure(name: str) -> str:
    """Say that no source gives a key figure (``name`` is its key)."""
    messages = {
        "victims_identified": _(
            "No source gives the number of %(victims)s identified or referred."
        ),
        "victims_assisted": _("No source gives the number of %(victims)s assisted."),
        "shelters": _("No source gives the number of shelters."),
        "services_budget": _(
            "No source gives the government budget for %(survivor_attr)s services."
        ),
    }
    return messages.get(name) or _(
        "No source gives the figure for %(figure)s.", figure=figure_name(name)
    )


def no_re_trafficking_measure(proxy: bool) -> str:
    """Say that no official measure of re-trafficking exists (or only a proxy)."""
    if proxy:
        return _("No official measure of %(re_trafficking)s exists: only a proxy is available.")
    return _("No official measure of %(re_trafficking)s exists.")


# --- why a recommendation is made ------------------------------------------------------------


def why_close_gap(component: str, level: int, target: int, risks: Sequence[str]) -> str:
    """Say why a recommendation that closes a gap is made: the gap and the linked risks."""
    values = {"component": capital(component), "level": level, "target": target}
    if not risks:
        return _(
            "%(component)s is at level %(level)s of the %(target)s every country should reach.",
            **values,
        )
    return ngettext(
        "%(component)s is at level %(level)s of the %(target)s every country should reach, and "
        "%(risks)s is documented here.",
        "%(component)s is at level %(level)s of the %(target)s every country should reach, and "
        "%(risks)s are documented here.",
        len(risks),
        risks=join_words(risks),
        **values,
    )


def why_beyond_target(component: str, level: int) -> str:
    """Say why a step beyond the target is recommended."""
    if level < 4:
        return _(
            "%(component)s is at level %(level)s; this builds towards level 4.",
            component=capital(component),
            level=level,
        )
    return _(
        "%(component)s is at level %(level)s; this keeps it at level 4.",
        component=capital(component),
        level=level,
    )


def why_source_recommends() -> str:
    """Say why a source's own recommendation is listed although the level is unknown."""
    return _("A source on this country recommends it; the level it concerns is not documented.")


def why_unknown(components: str) -> str:
    """Say why publishing evidence is recommended."""
    return _("No source documents %(components)s.", components=components)


def why_no_measure(profile: Profile) -> str:
    """Say why measuring re-trafficking is recommended."""
    return _("%(Country)s has no official measure of %(re_trafficking)s.", **_names(profile))


def good_practice(standards: Sequence[str]) -> str:
    """Name the standards a recommendation follows when none binds the country."""
    if not standards:
        return _("International good practice")
    return _("International good practice (%(standards)s)", standards=semicolons(standards))


def recommended_by(profile: Profile, title: str, year: int) -> str:
    """The standard of a recommendation that a source makes for the country itself."""
    return _(
        "Recommended for %(country)s in “%(title)s” (%(year)s)",
        title=" ".join(title.split()),
        year=str(year),
        **_names(profile),
    )


def the_government_of(profile: Profile) -> str:
    """Name a government when the profile names no institution."""
    return _("the government %(of_country)s", **_names(profile))


# --- key messages of a country brief ---------------------------------------------------------

MEASURE_NAMES: Mapping[str, str] = {
    "nrm": N_("a national referral mechanism"),
    "reflection_period": N_("a recovery and reflection period"),
    "non_punishment_provision": N_("a non-punishment provision"),
    "temporary_residence": N_("temporary residence for foreign %(survivors)s"),
    "permanent_residence_route": N_("a route to permanent residence"),
    "compensation_scheme": N_("a compensation scheme"),
    "services_budget_line": N_("a budget for %(survivor_attr)s services"),
    "care_standards": N_("care standards"),
    "subsistence_support": N_("subsistence payments"),
    "move_on_support": N_("move-on support"),
    "guardianship": N_("guardians for child %(survivors)s"),
    "survivor_advisory_body": N_("a %(survivor_attr)s advisory body"),
    "re_trafficking_data": N_("data on repeat referrals"),
    "open_shelters": N_("open shelters"),
    "returnee_reception": N_("reception for returning nationals"),
}
"""How a key message names a measure in place; translate with :func:`measure_name`."""


def measure_name(name: str) -> str:
    """A measure's name in the current language, as a sentence uses it."""
    return _(MEASURE_NAMES[name])


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
    names = _names(profile)
    messages = [_what_exists(assessment), where_support_stops(assessment)]
    top = [c for c in assessment.top_gaps if c.gap][:2]
    if top:
        gaps = join_words([c.name.lower() for c in top])
        risky = sorted({r for c in top for r in c.risks})
        if risky:
            named = [assessment.framework.risk_factors[r].name.lower() for r in risky[:2]]
            messages.append(
                _(
                    "The largest gaps are in %(gaps)s, where these risks of %(re_trafficking)s "
                    "are documented: %(risks)s.",
                    gaps=gaps,
                    risks=semicolons(named),
                )
            )
        else:
            messages.append(_("The largest gaps are in %(gaps)s.", gaps=gaps))
    proxy = profile.key_figures.re_trafficking_measure
    if any(g.kind == "no-re-trafficking-measure" for g in assessment.data_gaps):
        if proxy.known and same_language(profile):
            messages.append(
                _(
                    "%(Country)s does not measure %(re_trafficking)s; the only figure is a proxy "
                    "(%(counts)s: %(value)s).",
                    counts=" ".join(proxy.counts.split()),
                    value=_figure_value(proxy.value, proxy.unit),
                    **names,
                )
            )
        elif proxy.known:
            messages.append(
                _(
                    "%(Country)s does not measure %(re_trafficking)s; the only figure is a proxy "
                    "(%(value)s).",
                    value=_figure_value(proxy.value, proxy.unit),
                    **names,
                )
            )
        else:
            messages.append(
                _(
                    "%(Country)s does not measure %(re_trafficking)s, so no one knows how many "
                    "%(survivors)s are exploited again after support ends.",
                    **names,
                )
            )
    unknown = [c.name.lower() for c in assessment.components if c.unknown]
    if unknown:
        messages.append(
            ngettext(
                "No source documents %(components)s: this brief counts it as not provided until "
                "evidence shows otherwise.",
                "No source documents %(components)s: this brief counts them as not provided until "
                "evidence shows otherwise.",
                len(unknown),
                components=join_words(unknown),
            )
        )
    return tuple(m for m in messages if m)[:5]


def _figure_value(value: object, unit: str | None) -> str:
    if not isinstance(value, int | float):
        return ""
    if unit == "%":
        return current().percent(value / 100)
    return current().number(value)


def _what_exists(assessment: Assessment) -> str:
    profile = assessment.profile
    in_place = [
        measure_name(name) for name, entry in profile.measures if entry.status == "in_place"
    ]
    if not in_place:
        return _(
            "No source shows that %(country)s has any of the measures this brief looks for.",
            **_names(profile),
        )
    return _(
        "%(Country)s has %(measures)s in place.", measures=join_words(in_place), **_names(profile)
    )


def where_support_stops(assessment: Assessment) -> str:
    """Say whether support reaches 12 months after identification, from the country's timeline.

    The sentence ends with what the sources say survivors have then, unless the profile is
    written in another language than the brief: the timeline shows that evidence, tagged.
    """
    profile = assessment.profile
    year = profile.timeline.twelve_months
    if year.status == "provided":
        return _("Support is documented as lasting 12 months or more after identification.")
    if not same_language(profile):
        if year.status == "partial":
            return _(
                "At 12 months after identification only some %(survivors)s still have support."
            )
        if year.status == "not_provided":
            return _("Support has stopped by 12 months after identification.")
        return _("No source shows support for %(survivors)s 12 months after identification.")
    support = _sentence(year.support)
    if year.status == "partial":
        return _(
            "At 12 months after identification only some %(survivors)s still have support: "
            "%(support)s",
            support=support,
        )
    if year.status == "not_provided":
        return _(
            "Support has stopped by 12 months after identification: %(support)s", support=support
        )
    return _(
        "No source shows support for %(survivors)s 12 months after identification: %(support)s",
        support=support,
    )


def same_language(profile: Profile) -> bool:
    """Whether the profile's evidence is in the language being written (so it can be quoted)."""
    return profile.language.split("-")[0] == current().code.split("-")[0]


def _sentence(text: str) -> str:
    """Profile evidence as the end of a sentence, as its sources word it."""
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
    names = _names(profile)
    short = [c for c in assessment.components if c.continuity and c.gap]
    if short:
        parts = [
            ngettext(
                "%(Country)s has built parts of aftercare, but support does not last: "
                "%(components)s falls short of what every country owes %(survivors)s, including "
                "support for at least 12 months.",
                "%(Country)s has built parts of aftercare, but support does not last: "
                "%(components)s fall short of what every country owes %(survivors)s, including "
                "support for at least 12 months.",
                len(short),
                components=join_words([c.name.lower() for c in short]),
                **names,
            )
        ]
    else:
        parts = [_("No gap in support that lasts is documented %(in_country)s.", **names)]
    risks = sorted({r for c in short for r in c.risks})
    if risks:
        named = [assessment.framework.risk_factors[r].name.lower() for r in risks[:3]]
        parts.append(
            _(
                "Where support stops, %(survivors)s are left to face the risks of "
                "%(re_trafficking)s documented here: %(risks)s.",
                risks=semicolons(named),
            )
        )
    if headline:
        parts.append(
            ngettext(
                "The step above is where to begin, and it can be checked within 12 months against "
                "its indicator.",
                "The %(num)s steps above are where to begin, and each can be checked within 12 "
                "months against its indicator.",
                len(headline),
            )
        )
    if any(g.kind == "no-re-trafficking-measure" for g in assessment.data_gaps):
        parts.append(
            _(
                "Until %(country)s measures %(re_trafficking)s, no one can show whether its "
                "aftercare keeps %(survivors)s safe.",
                **names,
            )
        )
    return " ".join(parts)


def gap_in_words(gap: int | None, risks: int) -> str:
    """Say how pressing a gap is without the arithmetic: levels short and linked risks."""
    if not gap:
        return ""
    short = ngettext("%(num)s level short", "%(num)s levels short", gap)
    if not risks:
        return short
    return _(
        "%(short)s; %(risks)s",
        short=short,
        risks=ngettext("%(num)s linked risk documented", "%(num)s linked risks documented", risks),
    )


# --- the comparative brief -------------------------------------------------------------------


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


def _name(a: Assessment) -> str:
    return country_names(a.profile)["name"]


def _in_text(a: Assessment) -> str:
    return country_names(a.profile)["country"]


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
            _(
                "What differs is mostly at the front door: %(identified)s of %(total)s countries "
                "(%(countries)s) have a national referral mechanism in law or policy.",
                identified=len(identified),
                total=n,
                countries=join_words(identified),
            )
        )
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
    else:
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
    if not measured:
        out.append(
            _(
                "None of the %(total)s countries measures %(re_trafficking)s, so no government "
                "can show that its aftercare keeps %(survivors)s safe after support ends.",
                total=n,
            )
        )
    else:
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
    return out
