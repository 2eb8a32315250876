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

from aftercare_report.i18n import (
    N_,
    _,
    concat,
    current,
    keep_lang,
    ngettext,
    pgettext,
    translation_of,
    verbatim,
)
from aftercare_report.terms import is_placeholder

if TYPE_CHECKING:  # types only: the assessment imports this module for its sentences
    from aftercare_report.assess import Assessment, ComponentResult
    from aftercare_report.followup import FollowUp
    from aftercare_report.model import FollowUpStatus, Profile
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


def join_names(items: Sequence[str]) -> str:
    """Join names as prose, or with semicolons when one holds the word that joins them.

    "privacy and data protection" and "consent" joined with "and" would leave the reader to
    guess where one name ends: such names are set apart with semicolons.
    """
    conjunction = join_words(["", ""]).strip()
    if conjunction and any(f" {conjunction} " in f" {item} " for item in items):
        return semicolons(items)
    return join_words(items)


def semicolons(items: Sequence[str]) -> str:
    """Join items that may hold commas, with the language's semicolon (`` ; `` in French)."""
    return concat(items, pgettext("list separator", "; "))


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
        "brief; newer evidence may exist.",
        "“%(title)s” dates from %(year)s, %(num)s years before the newest evidence in this "
        "brief; newer evidence may exist.",
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


def why_close_gap(component: str, level: int, target: int) -> str:
    """Say, without tool-speak, how far a part of aftercare is below the standard."""
    return _(
        "Below the standard on %(component)s: level %(level)s of %(target)s.",
        component=component,
        level=level,
        target=target,
    )


def why_beyond_target(component: str, level: int) -> str:
    """Say why a step beyond the standard is recommended."""
    if level < 4:
        return _(
            "The standard is met on %(component)s (level %(level)s); this goes further.",
            component=component,
            level=level,
        )
    return _(
        "The highest level is reached on %(component)s; this keeps it there.",
        component=component,
    )


def why_source_recommends(component: str) -> str:
    """Say why a source's own recommendation is listed although the level is unknown."""
    return _(
        "A source on this country recommends it; no source documents the level of %(component)s.",
        component=component,
    )


def why_unknown(components: str) -> str:
    """Say why publishing evidence is recommended."""
    return _("No source documents %(components)s.", components=components)


def why_no_measure(profile: Profile) -> str:
    """Say why measuring re-trafficking is recommended."""
    return _("%(Country)s has no official measure of %(re_trafficking)s.", **_names(profile))


_ARTICLE = re.compile(r"^(Art|Arts|Section|s|ss)\.?\s*\d")


def articles(cited: str) -> str:
    """A framework's article citation joined in the current language: ``Art. 6(5) et Art. 9``.

    Only a list of articles is joined again; words such as "provisions on care and
    rehabilitation" are the framework overlay's to translate.
    """
    parts = re.split(r"\s+and\s+", cited.strip())
    if len(parts) > 1 and all(_ARTICLE.match(p) for p in parts):
        return join_words(parts)
    return cited


def good_practice(standards: Sequence[str]) -> str:
    """Name the standards a recommendation follows when none binds the country."""
    if not standards:
        return _("International good practice")
    return _("International good practice (%(standards)s)", standards=semicolons(standards))


KIND_LABELS: Mapping[str, str] = {
    "tip": N_("US TIP report recommendation (%(year)s)"),
    "court": N_("Court direction (%(year)s)"),
    "treaty_body": N_("UN treaty body recommendation (%(year)s)"),
    "un_special_rapporteur": N_("UN Special Rapporteur recommendation (%(year)s)"),
    "greta": N_("GRETA recommendation (%(year)s)"),
    "ngo": N_("NGO recommendation (%(year)s)"),
    "parliament": N_("Parliamentary recommendation (%(year)s)"),
    "government": N_("Government commitment (%(year)s)"),
}
"""What a source's own recommendation is, as its standard line names it."""


def recommended_by_kind(by: str | None, year: int, title: str) -> str:
    """Name what made a source's recommendation for the country, and when.

    Args:
        by: ``tip``, ``court``... or None / ``other`` (then the source's title is named).
        year: When the source made it.
        title: The source's title, on one line (tagged with its language, see ``i18n.evidence``).
    """
    if by is not None and by in KIND_LABELS:
        return _(KIND_LABELS[by], year=str(year))
    return _("Recommended in “%(title)s” (%(year)s)", title=title, year=str(year))


# --- one clause of the country's evidence -----------------------------------------------------

_CLAUSES = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9“\"(])|;\s+")
_ABBREVIATION = re.compile(
    r"(?:\b[A-Z](?:\.[A-Z])*\.|\b(?:No|Art|art|s|ss|e\.g|i\.e|vs|St|Dr|Mr|Ms|Mrs|Jan|Feb|Mar|Apr"
    r"|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|para|paras|p|pp|ch|Vol|vol|approx|cf|Reg|reg)\.)$"
)
"""A chunk ending like this ("8 U.S.C.", "s.", "Art.") does not end a sentence."""
_STRONG = re.compile(
    r"\b(?:no|not|none|never|neither|nor|fell|falls|fallen|inadequate|insufficient|cut|stops?"
    r"|stopped|ended|ends|cannot|unable|held (?:in|against|by|there|back)|closed|tied"
    r"|depends?|depending"
    r"|wait(?:s|ed|ing)?|backlog|delays?|delayed|lacks?|exclud\w*|refus\w*|denied|arrested"
    r"|time-limited"
    r"|detained|penali[sz]ed|prosecuted|deported|rarely|patchy|uneven|disqualif\w*)\b",
    re.IGNORECASE,
)
_WEAK = re.compile(
    r"\b(?:only|but|until|must|few|fewer|without|limited|short|shorter|conditional|varies|loses?"
    r"|requires?|required)\b",
    re.IGNORECASE,
)
"""Words of a documented shortfall: one strong word, or two weak ones ("only ... but")."""
_UNDOCUMENTED = re.compile(
    r"\bno source|\bsources? (?:checked|found|seen|read)\b|\b(?:was|were|is|are|could) not "
    r"(?:be )?(?:checked|found|seen|verified|read|reached|reviewed)\b|\bnot found\b",
    re.IGNORECASE,
)
MAX_CLAUSE = 180
"""Longest clause quoted as a reason (longer ones are cut at a word, with an ellipsis)."""
LEAD_CLAUSE = 320
"""Longest clause the first key finding quotes (it may say more than a reason does)."""


def evidence_clause(text: str, *, shortfall: bool = False, limit: int = MAX_CLAUSE) -> str:
    """One clause of a profile's evidence that says why: the one that documents a shortfall.

    A clause that only says what no source documents is not a shortfall. Placeholder text
    gives nothing.

    Args:
        text: A profile's evidence.
        shortfall: Give "" unless a clause documents a shortfall (for a step that asks to fix
            what exists).
        limit: The longest clause given; a longer one is its best sub-clause, or is cut.

    Returns:
        The clause as the profile words it, without its final full stop, or "".
    """
    if not text.strip() or is_placeholder(text):
        return ""
    scored = [(shortfall_score(c), -i, c) for i, c in enumerate(_clauses(text))]
    best = max(scored)
    if shortfall and best[0] == 0:
        return ""
    if best[0] == 0:
        documented = [c for _s, _i, c in scored if not _UNDOCUMENTED.search(c)]
        best = (0, 0, (documented or [scored[0][2]])[0])
    clause = best[2].rstrip(".")
    if _JOINING.match(clause) or clause[:1].islower():
        # "But state compensation...", or a clause after a semicolon ("...; but traffickers
        # paid..."): a reason quoted alone stands as a sentence of its own.
        clause = _upper_first(clause)
    if len(clause) > limit:
        # Clauses joined by a word first; a colon's two sides only when none of those fits
        # ("Protection is tied to cases: federal law protects..." says more whole).
        for divide in (_SUBCLAUSES, _COLON):
            parts = [p.strip() for p in divide.split(clause) if p.strip()]
            fitting = [(shortfall_score(p), -i, p) for i, p in enumerate(parts) if len(p) <= limit]
            if fitting and (max(fitting)[0] > 0 or not shortfall):
                return _upper_first(max(fitting)[2])
        clause = _cut(clause, limit)
    return clause


_JOINING = re.compile(r"^(?:But|And|Yet|However,|Still,)\s+", re.IGNORECASE)
"""A word that ties a sentence to the one before it, left out when the sentence is quoted alone."""
_SUBCLAUSES = re.compile(r",\s+(?=(?:but|and|although|while|yet|whereas)\b)")
"""Where a long clause divides into clauses that can stand alone: before a joining word."""
_COLON = re.compile(r"(?:,\s+(?=(?:but|and|although|while|yet|whereas)\b)|:\s+(?=[a-z]))")
"""The same, and after a colon that opens a clause ("there is no firewall on data: in 2021...")."""
_DANGLING = re.compile(
    r"(?:\s+(?:a|an|the|of|to|in|on|for|and|or|with|by|from|at|as|that|which|who|than))+$",
    re.IGNORECASE,
)
"""Words a cut quotation may not end on: "...to every victim of a" says less than it seems."""


def _cut(clause: str, limit: int) -> str:
    """A clause too long to quote, shortened to ``limit`` with an ellipsis where it stops.

    It stops after the last comma when that keeps at least half (a whole phrase: "...fell to
    58% in 2023, which the Home Office linked to the new test…"), else after the last word that
    is not an article, a preposition or a conjunction.
    """
    head = clause[: limit + 1]
    comma = head.rfind(", ")
    if comma >= limit // 2:
        return head[:comma].rstrip(",;:") + "…"
    words = head.rsplit(" ", 1)[0] if len(clause) > limit else head
    return _DANGLING.sub("", words).rstrip(",;:") + "…"


def _upper_first(text: str) -> str:
    """A sub-clause as a clause of its own: without its joining word, capitalised."""
    text = _JOINED.sub("", text, count=1)
    return text[:1].upper() + text[1:]


_JOINED = re.compile(r"^(?:but|and|although|while|yet|whereas|however,|still,)\s+", re.IGNORECASE)


def _clauses(text: str) -> list[str]:
    """Sentences and semicolon clauses of a text.

    Not broken after an abbreviation ("8 U.S.C.") or inside brackets ("(TIP 2023; 2025)").
    """
    out: list[str] = []
    for chunk in _CLAUSES.split(" ".join(text.split())):
        joined = bool(out) and (
            _ABBREVIATION.search(out[-1]) is not None or out[-1].count("(") > out[-1].count(")")
        )
        if joined:
            out[-1] = f"{out[-1]}{'; ' if out[-1][-1:].isalnum() else ' '}{chunk}"
        elif chunk.strip():
            out.append(chunk.strip())
    return out


def shortfall_score(clause: str) -> int:
    """How strongly a clause documents a shortfall (0: not at all, or only a lack of sources).

    Each strong word ("inadequate", "closed", "tied") counts 2 and each weak one ("only",
    "but") 1; weak words alone count only when there are two.
    """
    if _UNDOCUMENTED.search(clause):
        return 0
    strong, weak = len(_STRONG.findall(clause)), len(_WEAK.findall(clause))
    return 2 * strong + weak if strong or weak >= 2 else 0


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
    "guardianship": N_("guardians for %(child_survivors)s"),
    "survivor_advisory_body": N_("an advisory body of %(survivors)s"),
    "re_trafficking_data": N_("data on repeat referrals"),
    "open_shelters": N_("open shelters"),
    "returnee_reception": N_("reception for returning nationals"),
}
"""How a key message names a measure in place; translate with :func:`measure_name`."""


def measure_name(name: str) -> str:
    """A measure's name in the current language, as a sentence uses it."""
    return _(MEASURE_NAMES[name])


def key_messages(assessment: Assessment, bare: Mapping[str, str] | None = None) -> tuple[str, ...]:
    """Write the key findings that open a brief, the most important first.

    The country's own lead finding (or, without one, the gravest shortfall the data show, in
    the country's own evidence), whether support reaches 12 months, the largest gaps (and any
    that no first step can address yet), where the country's own parts differ, whether anyone
    measures re-trafficking, and what no source documents. A profile with no source asserts
    nothing but that.

    Args:
        assessment: The country's assessment.
        bare: The largest gaps page 2 has no step on, each with why: ``thin`` (the evidence
            is too thin) or ``unnamed`` (no institution is named to act); see
            :func:`recommend.unstepped`.

    Returns:
        The messages, most important first.
    """
    profile = assessment.profile
    names = _names(profile)
    if not profile.sources:
        return (
            _(
                "No evidence has been recorded for %(country)s yet: every part of this brief is "
                "not documented until sources are added.",
                **names,
            ),
        )
    opening = lead(assessment)
    messages = [opening]
    stops = where_support_stops(assessment)
    # A team's own lead often says where support stops already: page 1 never says it twice
    # (the timeline below gives the stage whole).
    if not shares_clause(opening, stops):
        messages.append(stops)
    messages.append(largest_gaps_message(assessment, bare or {}))
    messages.append(differences(profile))
    messages.append(measure_message(profile))
    unknown = [c.name.lower() for c in assessment.components if c.unknown]
    if len(unknown) == 1:
        messages.append(
            _(
                "No source documents %(component)s: this brief counts it as not provided until "
                "evidence shows otherwise.",
                component=unknown[0],
            )
        )
    elif unknown:
        # Names such as "privacy and data protection" hold an "and": a list of them is set
        # apart with semicolons, never joined with another "and".
        messages.append(
            _(
                "No source documents these parts of aftercare, which this brief counts as not "
                "provided until evidence shows otherwise: %(components)s.",
                components=semicolons(unknown),
            )
        )
    return tuple(dict.fromkeys(m for m in messages if m))[:5]


NO_STEP: Mapping[str, str] = {
    "thin": N_(
        "%(gaps)s No step on %(component)s is recommended yet: the evidence on it is too thin."
    ),
    "unnamed": N_(
        "%(gaps)s No step on %(component)s is recommended yet: the sources name no single body "
        "with the power to act on it."
    ),
}
"""Why a largest gap has no page-2 step, as page 1 says it (see ``recommend.unstepped``)."""


def largest_gaps_message(assessment: Assessment, bare: Mapping[str, str]) -> str:
    """Name the largest gaps, one by one, with the risks documented on them.

    A largest gap that has no page-2 step (``bare``: its evidence too thin, or nobody named to
    act) is said to have none yet, and why, so page 1 never names a gap page 2 then ignores.
    """
    top = assessment.largest_gaps
    if not top:
        return ""
    names = [in_prose(assessment, c.id) for c in top]
    if len(names) == 1:
        said = _("The largest gap is in %(first)s.", first=names[0])
    else:
        said = _(
            "The largest gap is in %(first)s, and the next largest in %(second)s.",
            first=names[0],
            second=names[1],
        )
    risky = sorted({r for c in top for r in c.risks})
    if risky:
        # Risk names hold commas and "and" ("discrimination, conflict and displacement"):
        # each is quoted, so the list joined with "and" reads as two names.
        named = [
            _("“%(name)s”", name=assessment.framework.risk_factors[r].name.lower())
            for r in risky[:2]
        ]
        said = ngettext(
            "%(gaps)s There, one risk of %(re_trafficking)s is documented: %(risks)s.",
            "%(gaps)s There, these risks of %(re_trafficking)s are documented: %(risks)s.",
            len(named),
            gaps=said,
            risks=join_words(named),
        )
    for c in top:
        if c.id in bare:
            said = _(NO_STEP[bare[c.id]], gaps=said, component=c.name.lower())
    return said


GRAVEST = ("consent",)
"""Parts of aftercare whose shortfall leads a brief wherever it is at level 0 or 1: survivors
held against their will is the gravest finding a brief can make."""


def lead(assessment: Assessment) -> str:
    """The finding that opens a brief: the most important fact about that country.

    The profile's own lead finding when it has one (in the brief's language); otherwise the
    gravest shortfall: survivors held against their will where that is documented, else the
    largest gap. It names the part of aftercare as below the standard, then says what is true
    of the country in the profile's own words: the clause of the standard its evidence meets
    (``meets``) and the first clause of its evidence. The framework's descriptor of a level is
    never put in the country's mouth (the annex prints it as the standard's wording), so the
    heading and the sentence cannot contradict each other.
    """
    profile = assessment.profile
    own = _own_lead(profile)
    if own:
        return own
    result = _lead_subject(assessment)
    if result is None:
        return _what_exists(assessment)
    entry = profile.components[result.id]
    meets = ""
    if entry.meets and not is_placeholder(entry.meets):
        meets = in_brief_language(profile, entry.meets) or ""
    clause = evidence_clause(entry.evidence, limit=LEAD_CLAUSE)
    if not same_language(profile):
        clause = translated_clause(profile, entry.evidence, clause, LEAD_CLAUSE) or ""
    values = {"component": capital(result.name), **_names(profile)}
    end = "" if clause.endswith("…") else "."
    if meets and clause:
        return _(
            "%(component)s, below the standard: %(in_country)s, %(finding)s. %(evidence)s",
            finding=_lower_first(meets.rstrip(".")),
            evidence=concat([keep_lang(clause, _upper_first), end]),
            **values,
        )
    if meets:
        return _(
            "%(component)s, below the standard: %(in_country)s, %(finding)s.",
            finding=_lower_first(meets.rstrip(".")),
            **values,
        )
    if clause:
        return _(
            "%(component)s, below the standard %(in_country)s: %(evidence)s",
            evidence=concat([keep_lang(clause, _lower_first), end]),
            **values,
        )
    return _("%(component)s: below the standard %(in_country)s.", **values)


def lead_sources(assessment: Assessment) -> tuple[str, ...]:
    """The source ids behind the lead finding (see :func:`lead`)."""
    profile = assessment.profile
    own = profile.lead_finding
    if own is not None and _own_lead(profile):
        return own.sources
    subject = _lead_subject(assessment)
    return profile.components[subject.id].sources if subject is not None else ()


def _own_lead(profile: Profile) -> str:
    """The profile's own lead finding in the brief's language, or "" (none, or not in it)."""
    own = profile.lead_finding
    if own is None or is_placeholder(own.text):
        return ""
    return in_brief_language(profile, own.text) or ""


def _lead_subject(assessment: Assessment) -> ComponentResult | None:
    """The part of aftercare the lead finding is about: custody first, then the largest gap."""
    grave = [
        assessment.component(cid)
        for cid in GRAVEST
        if cid in assessment.framework.components
        and assessment.component(cid).level is not None
        and (assessment.component(cid).level or 0) <= 1
        and assessment.component(cid).gap
    ]
    chosen = grave or list(assessment.top_gaps)
    return chosen[0] if chosen else None


def _lower_first(text: str) -> str:
    """Lower-case a sentence's first letter to continue a sentence, unless it starts a name."""
    if text[:2].isalpha() and not text[:2].isupper() and not text[1:2].isupper():
        return text[:1].lower() + text[1:]
    return text


def differences(profile: Profile) -> str:
    """Say where the country's own governments differ in a way that changes a finding.

    Page 1 gives the first clause of each difference; the annex lists them whole.
    """
    listed = [s for s in profile.subnational if s.differs and not is_placeholder(s.differs)]
    worded = [
        (in_brief_language(profile, s.name), in_brief_language(profile, s.differs or ""))
        for s in listed
    ]
    if not worded or not all(name and text for name, text in worded):
        return ""  # each difference in the brief's language, or none (the annex lists them)
    differs = [
        _("%(name)s: %(differs)s", name=name, differs=_first_clause(text or ""))
        for name, text in worded
    ]
    return _(
        "Rules differ from place to place %(in_country)s. %(differences)s.",
        differences=semicolons(differs),
        **_names(profile),
    )


def _first_clause(text: str) -> str:
    """The first clause of a text, for page 1 (the annex gives it whole)."""
    flat = " ".join(text.split())
    return re.split(r";\s+|\s+\((?=[^)]*\d)", flat, maxsplit=1)[0].rstrip(".")


def documents_no_measure(profile: Profile) -> bool:
    """Whether the profile's sources document that no official re-trafficking measure exists.

    Without a source saying so, a brief says nothing about it: an empty profile must not
    state that a country measures nothing.
    """
    figure = profile.key_figures.re_trafficking_measure
    data = profile.measures.re_trafficking_data
    official = figure.known and not figure.proxy
    said = bool(figure.sources) or (bool(data.sources) and not is_placeholder(data.evidence))
    return not official and said


def measure_message(profile: Profile) -> str:
    """Say whether the country measures re-trafficking, as far as its sources show.

    A labour-only proxy is never given as the re-trafficking figure of a brief about sex
    trafficking; any figure printed carries its year.
    """
    if not documents_no_measure(profile):
        return ""
    names = _names(profile)
    proxy = profile.key_figures.re_trafficking_measure
    absent = profile.measures.re_trafficking_data.status == "absent" or proxy.known
    if proxy.known and proxy.form == "labour":
        return _(
            "%(Country)s does not measure %(re_trafficking)s; the only figure found counts "
            "labour trafficking alone, so it says nothing of %(survivors)s of sex trafficking.",
            **names,
        )
    counts = in_brief_language(profile, proxy.counts)
    if proxy.known and counts:
        return _(
            "%(Country)s does not measure %(re_trafficking)s; the only figure is a proxy: "
            "%(count)s.",
            count=counted(proxy.value, proxy.unit, counts, proxy.year),
            **names,
        )
    if proxy.known:
        return _(
            "%(Country)s does not measure %(re_trafficking)s; the only figure is a proxy "
            "(%(value)s).",
            value=_figure_value(proxy.value, proxy.unit),
            **names,
        )
    if absent:
        return _(
            "%(Country)s does not measure %(re_trafficking)s, so no one knows how many "
            "%(survivors)s are exploited again after support ends.",
            **names,
        )
    return _(
        "No source checked shows an official measure of %(re_trafficking)s %(in_country)s, so "
        "no one can say how many %(survivors)s are exploited again after support ends.",
        **names,
    )


def counted(value: object, unit: str | None, counts: str, year: int | None) -> str:
    """A figure with what it counts, read as a count, never as a year.

    The number comes first and what it counts follows it ("2,018 repeat referrals whose latest
    referral was in 2023"), so a count that looks like a year sits next to its noun, never next
    to a year; the year is added in brackets when the words do not give it. What it counts
    keeps its language when it is quoted in another (see ``i18n.evidence``).
    """
    what = keep_lang(counts, lambda text: " ".join(text.split()))
    value_text = _figure_value(value, unit)
    if unit and unit != "%":
        value_text = _("%(value)s %(unit)s", value=value_text, unit=unit)
    said = _("%(value)s %(counts)s", value=value_text, counts=what) if what else value_text
    if year and str(year) not in what:
        said = _("%(figure)s (%(year)s)", figure=said, year=str(year))
    return said


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
    written in another language than the brief (the timeline shows that evidence, tagged) or
    holds only placeholder text there.
    """
    profile = assessment.profile
    year = profile.timeline.twelve_months
    if year.status == "provided":
        return _("Support is documented as lasting 12 months or more after identification.")
    worded = in_brief_language(profile, year.support)
    if not worded or is_placeholder(year.support) or not year.sources:
        if year.status == "partial":
            return _(
                "At 12 months after identification only some %(survivors)s still have support."
            )
        if year.status == "not_provided":
            return _("Support has stopped by 12 months after identification.")
        return _("No source shows support for %(survivors)s 12 months after identification.")
    support = _sentence(first_sentence(worded))  # the timeline below gives it whole
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


_WORD = re.compile(r"\w+")

CLAUSE_WORDS = 4
"""Words in a row two findings may not share ("12 months after identification")."""


def shares_clause(one: str, other: str) -> bool:
    """Whether two sentences share a run of ``CLAUSE_WORDS`` words: they repeat a fact."""

    def runs(text: str) -> set[tuple[str, ...]]:
        words = _WORD.findall(text.lower())
        return {tuple(words[i : i + CLAUSE_WORDS]) for i in range(len(words) - CLAUSE_WORDS + 1)}

    return bool(runs(one) & runs(other))


def same_language(profile: Profile) -> bool:
    """Whether the profile's evidence is in the language being written (so it can be quoted)."""
    return profile.language.split("-")[0] == current().code.split("-")[0]


def in_brief_language(profile: Profile, text: str) -> str | None:
    """A profile's text in the language being written, or None.

    The text itself when the profile is written in that language, its translation when the
    profile's translation gives one (see :mod:`aftercare_report.profile_overlay`), else None:
    a sentence the tool writes never embeds text of another language.
    """
    if same_language(profile):
        return " ".join(text.split())
    return translation_of(profile.slug, text)


def translated_clause(
    profile: Profile, text: str, clause: str, limit: int = MAX_CLAUSE
) -> str | None:
    """The clause of ``text``'s translation that stands where ``clause`` stands in ``text``.

    A translation keeps the sentences and semicolon clauses of its original, so the clause the
    English evidence gives for a reason has its counterpart at the same place. None when there
    is no translation, or when it does not split alike.
    """
    worded = translation_of(profile.slug, text) if clause else None
    if worded is None:
        return None
    mine, theirs = _clauses(" ".join(text.split())), _clauses(worded)
    core = clause.rstrip("…").strip().rstrip(".").casefold()
    if len(mine) != len(theirs):
        return None
    for original, translation in zip(mine, theirs, strict=True):
        if core and core in original.casefold():
            found = _upper_first(translation.rstrip("."))
            if len(found) > limit:  # as long as the original may be, so the page holds it
                found = found[:limit].rsplit(" ", 1)[0].rstrip(",;:") + "…"
            return verbatim(found, " ".join(text.split()), profile.language)
    return None


_SENTENCE_END = re.compile(r"(?<=[a-z0-9)\]\u201d\u2019'\"])\.\s+(?=[A-Z\u201c\u2018\"'])")
"""A full stop that ends a sentence: after a word in lower case (not "U.S." or "s.9"), before
a capital."""


def first_sentence(text: str) -> str:
    """The first sentence of a profile's text, for page 1 when the page also shows it whole."""
    return _SENTENCE_END.split(" ".join(text.split()), maxsplit=1)[0]


def _sentence(text: str) -> str:
    """Profile evidence as the end of a sentence, as its sources word it."""
    text = _lower_first(" ".join(text.split()))
    return text if text.endswith(".") else text + "."


_WAITING = re.compile(
    r"\b(?:still |while they are |while )?(?:waiting|wait) for (?:a|the|their) "
    r"(?:final |conclusive[- ]grounds |identification )?decision\b",
    re.IGNORECASE,
)
"""English words of a 12-month stage whose support lasts because survivors still wait."""


def rests_on_waiting(profile: Profile) -> bool:
    """Whether support at 12 months rests on survivors still waiting for a decision.

    The stage's ``while_waiting`` when the profile sets it; otherwise what its support text
    says, read in English profiles only ("survivors still waiting for a decision keep contract
    support").
    """
    stage = profile.timeline.twelve_months
    if stage.status not in ("provided", "partial"):
        return False
    if stage.while_waiting is not None:
        return stage.while_waiting
    english = profile.language.split("-")[0] == "en"
    return english and not is_placeholder(stage.support) and bool(_WAITING.search(stage.support))


def first_failure(assessment: Assessment) -> str:
    """Name what fails survivors first in the country, from its own diagnosis.

    Custody where survivors are held against their will (the length of any support matters
    little while they are not free), help tied to the criminal case where it is, otherwise the
    part of aftercare furthest below the standard.
    """
    names = _names(assessment.profile)
    subject = _lead_subject(assessment)
    if subject is None:
        return ""
    if subject.id in GRAVEST and subject.level_text:
        # What the country's own level of custody is, in the framework's words: held in closed
        # shelters or detention (level 0) is not the same failure as consent never sought (1).
        return _(
            "The first failure %(in_country)s is custody, not care: %(custody)s",
            custody=_continuing(fill_placeholders(subject.level_text, {})),
            **names,
        )
    tied = _at_most(assessment, "unconditional", 1)
    if tied:
        return _(
            "The first failure %(in_country)s is help tied to the criminal case: %(survivors)s "
            "too afraid to report to police or to testify are left with little or nothing.",
            **names,
        )
    return _(
        "The gap to close first %(in_country)s is in %(component)s.",
        component=in_prose(assessment, subject.id),
        **names,
    )


def _continuing(text: str) -> str:
    """A framework sentence continuing one: its first letter in lower case ("L'hébergement")."""
    return text if text[1:2].isupper() else text[:1].lower() + text[1:]


def in_prose(assessment: Assessment, cid: str) -> str:
    """A component as a sentence names it ("the recovery period", "case management").

    A noun phrase with its article and no "and" of its own, so a list of them joined with
    "and" reads as one list.
    """
    spec = assessment.framework.components[cid]
    return fill_placeholders(spec.in_prose or spec.name.lower(), {})


def _at_most(assessment: Assessment, cid: str, level: int) -> bool:
    if cid not in assessment.framework.components:
        return False
    result = assessment.component(cid)
    return result.level is not None and result.level <= level and bool(result.gap)


def closing(assessment: Assessment, headline: Sequence[Recommendation] = ()) -> str:
    """Write the closing paragraph of a country brief's main part, from the assessment.

    It names what fails the country's survivors first (custody, help tied to the case, or its
    largest gap), then what the data show about support over time (lasting, stopping, resting
    on a wait for a decision, or not documented), then what measuring re-trafficking would show,
    so the paragraph reads differently wherever the evidence differs. The risks are on page 1
    already, and not repeated.

    Args:
        assessment: The country's assessment.
        headline: The page-2 steps (kept for templates that call it; not used in the words).
    """
    profile = assessment.profile
    names = _names(profile)
    if not profile.sources:
        return _(
            "Nothing can be concluded about %(country)s until its profile records what the "
            "sources say.",
            **names,
        )
    subject = _lead_subject(assessment)
    custody = subject is not None and subject.id in GRAVEST
    # Where survivors are held against their will, the shelter is custody, not the support
    # that lasts: it is named in the first sentence and not again as support falling short.
    short = [
        in_prose(assessment, c.id)
        for c in assessment.components
        if c.continuity and c.gap and not (custody and c.id == "accommodation")
    ]
    parts = [first_failure(assessment), _over_time(assessment, short)]
    if documents_no_measure(profile):
        proxy = profile.key_figures.re_trafficking_measure
        if profile.measures.re_trafficking_data.status == "absent" or proxy.known:
            parts.append(
                _(
                    "Until %(country)s measures %(re_trafficking)s, no one can show whether its "
                    "aftercare keeps %(survivors)s safe.",
                    **names,
                )
            )
        else:
            parts.append(
                _(
                    "Without a published measure of %(re_trafficking)s, no one can show whether "
                    "aftercare %(in_country)s keeps %(survivors)s safe.",
                    **names,
                )
            )
    return " ".join(p for p in parts if p)


def _over_time(assessment: Assessment, short: Sequence[str]) -> str:
    """What the data show about support over time, for the closing paragraph.

    What happens at 12 months is one sentence; the parts of support that lasts falling short
    are another, a list joined with "and", never spliced after the first with a semicolon.
    """
    profile = assessment.profile
    names = _names(profile)
    twelve = profile.timeline.twelve_months.status
    if not short:
        return _("No gap in support that lasts is documented %(in_country)s.", **names)
    values = {"components": join_words(short), **names}
    waiting = twelve == "partial" and rests_on_waiting(profile)
    if twelve == "not_provided":
        stage = _("Support %(in_country)s ends before a year is out.", **names)
    elif waiting:
        stage = _(
            "Those %(in_country)s still supported a year on are mostly still waiting for a "
            "decision on their case.",
            **names,
        )
    elif twelve == "partial":
        stage = _(
            "Some %(survivors)s %(in_country)s are still supported a year on, but not all.",
            **names,
        )
    else:
        stage = _("No one can show that support %(in_country)s lasts a year.", **names)
    if waiting:
        parts = ngettext(
            "%(components)s falls short of what every country owes %(survivors)s, including "
            "12 months of support after that decision.",
            "%(components)s fall short of what every country owes %(survivors)s, including "
            "12 months of support after that decision.",
            len(short),
            **values,
        )
    else:
        parts = ngettext(
            "%(components)s falls short of what every country owes %(survivors)s, including "
            "support for at least 12 months.",
            "%(components)s fall short of what every country owes %(survivors)s, including "
            "support for at least 12 months.",
            len(short),
            **values,
        )
    return f"{stage} {capital(parts)}"


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


FOLLOW_UP_STATUSES: tuple[FollowUpStatus, ...] = ("met", "partly_met", "not_met", "no_information")
"""What became of a recommendation of the previous edition, in the order briefs count them."""


def follow_up_summary(followed: FollowUp) -> str:
    """One sentence that counts what became of the previous edition's recommendations.

    Only the statuses that occur are named; recommendations the profile does not follow up
    count as ones no source reports on.
    """
    parts = []
    for status, n in ((s, followed.count(s)) for s in FOLLOW_UP_STATUSES):
        if n and status == "met":
            parts.append(ngettext("%(num)s was met", "%(num)s were met", n))
        elif n and status == "partly_met":
            parts.append(ngettext("%(num)s was partly met", "%(num)s were partly met", n))
        elif n and status == "not_met":
            parts.append(ngettext("%(num)s was not met", "%(num)s were not met", n))
        elif n:
            parts.append(
                ngettext("on %(num)s no source reports", "on %(num)s no source reports", n)
            )
    total, counts = len(followed.items), join_words(parts)
    if followed.known:
        return ngettext(
            "Of the %(num)s recommendation of edition %(edition)s, %(counts)s.",
            "Of the %(num)s recommendations of edition %(edition)s, %(counts)s.",
            total,
            edition=followed.edition,
            counts=counts,
        )
    return ngettext(
        "Of the %(num)s recommendation of edition %(edition)s followed up here, %(counts)s.",
        "Of the %(num)s recommendations of edition %(edition)s followed up here, %(counts)s.",
        total,
        edition=followed.edition,
        counts=counts,
    )


def follow_up_counts(followed: FollowUp) -> str:
    """The counts of :func:`follow_up_summary` in one short line, for page 2.

    Falls back to the full sentence when the previous edition's record is not kept.
    """
    if not followed.known:
        return follow_up_summary(followed)
    parts = []
    for status, n in ((s, followed.count(s)) for s in FOLLOW_UP_STATUSES):
        if n and status == "met":
            parts.append(ngettext("%(num)s met", "%(num)s met", n))
        elif n and status == "partly_met":
            parts.append(ngettext("%(num)s partly met", "%(num)s partly met", n))
        elif n and status == "not_met":
            parts.append(ngettext("%(num)s not met", "%(num)s not met", n))
        elif n:
            parts.append(ngettext("%(num)s unknown", "%(num)s unknown", n))
    return ngettext(
        "Of %(num)s recommendation in edition %(edition)s: %(counts)s.",
        "Of %(num)s recommendations in edition %(edition)s: %(counts)s.",
        len(followed.items),
        edition=followed.edition,
        counts=join_words(parts),
    )
