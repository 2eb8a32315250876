"""Turn an assessment into recommendations true of the country, the most pressing first.

A recommendation comes from the profile (a source's own recommendation for the country, or a
step the team set by hand under ``priorities``) or from the framework's library, and is made to
fit:

* a library text is never made where its premise is false for the country (the measures it
  presupposes, the levels, the country's role), and it never asks for a measure already in
  place unless that measure's own evidence documents the shortfall, which the brief quotes;
* it goes to the institution the profile names for the *function* it needs (a court direction
  to whom the court directed), and never to a body told to instruct another that holds the
  function it instructs; a step whose function no named institution holds is not made at all
  (``validate`` says which function to name);
* its standard cites the instruments the country is bound by, or says plainly that it is
  international good practice; a source's own recommendation says what the source is and when,
  apart from the standard, and is never called binding;
* each carries one clause of the country's evidence saying why, and is marked as resting on
  limited evidence when it rests on a measure nobody has documented.

Page 2 holds at most five steps, the only ones marked high: first a step on each of the
largest gaps named on page 1 (shortfall from the standard first, weight second, documented
risks only breaking ties), then the country's own recommendations, then the library's. A step
resting on limited evidence is never a page-2 step. The annex holds at most twelve in all, one
library text per part of aftercare and per measure, no text twice. Texts are filled with plain
``{country}`` values; nothing is evaluated.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Literal

from aftercare_report import findings
from aftercare_report.assess import Assessment, ComponentResult, applies, level_of
from aftercare_report.evidence import has_evidence, quoted
from aftercare_report.i18n import N_, _
from aftercare_report.model import (
    Framework,
    Horizon,
    Institution,
    Instrument,
    Premise,
    PriorityStep,
    Profile,
    ProfileRecommendation,
    RecommendationText,
    WeakDuty,
)
from aftercare_report.model import Recommendation as LibraryRecommendation
from aftercare_report.terms import is_placeholder

Priority = Literal["high", "medium", "low"]
Origin = Literal["framework", "profile", "team", "data"]
Variant = Literal["text", "partial", "improve"]
PRIORITIES: tuple[Priority, ...] = ("high", "medium", "low")
HEADLINES = 5
"""Most steps on page 2 (the only high-priority ones)."""
MOST = 12
"""Most recommendations for one country, page-2 steps included."""


@dataclass(frozen=True)
class Recommendation:
    """A recommendation selected for a country, with what justifies it.

    Attributes:
        id: The library, profile or team id.
        text: What to do, with the country filled in.
        institution: The function that must act (``immigration_detention``...).
        institution_name: Who holds it in the country (``the Home Office``), whom a court
            directed, or "" when the profile names nobody.
        horizon: ``immediate``, ``short_term`` or ``long_term``.
        priority: ``high`` (page 2 only), ``medium`` or ``low`` (beyond the standard).
        component: The component it addresses, or None for data recommendations.
        standard: The instruments and articles it rests on, or the good practice it follows
            ("" for a source's own recommendation on a part no binding instrument covers).
        binding: Whether ``standard`` cites instruments the country is bound by (never says
            anything of ``recommended_by``).
        indicator: What should be measurable within 12 months.
        gap: The component's gap (None for data recommendations or unknown levels).
        severity: Gap x weight of the component it addresses (0 when it closes no gap).
        why: Why, in plain words: the level against the standard, or what no source documents.
        clause: One clause of the country's own evidence saying why ("" when there is none).
        evidence: The profile's evidence for the component's level ("" for data ones).
        measure: The measure it creates or completes, if any.
        variant: ``text`` (create), ``partial`` (complete) or ``improve`` (fix what exists).
        uncertain: It rests on absent evidence: never on page 2; the annex says "limited
            evidence".
        headline: One of the (at most five) page-2 steps.
        origin: ``framework``, ``profile`` (a source's), ``team`` (set by hand) or ``data``.
        sources: The sources that make it (a source's or the team's recommendation).
        by: What made a source's recommendation (``tip``, ``court``...), or None.
        year: The year a source made it, or None.
        directed_to: Whom the source itself directed (a court's addressees), or the bodies a
            team's step addresses together; None otherwise.
        fallback: It asks to fix a measure whose own evidence documents no shortfall: made only
            when nothing else addresses a largest gap, and marked as resting on limited evidence.
        parts: The parts of aftercare it acts on: its component, and any other its text also
            addresses (asking for open shelters acts on consent too).
        recommended_by: What a source's own recommendation is, and when ("US TIP report
            recommendation (2025)"); "" for the library's.
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
    clause: str = ""
    evidence: str = ""
    measure: str | None = None
    variant: Variant = "text"
    uncertain: bool = False
    headline: bool = False
    origin: Origin = "framework"
    sources: tuple[str, ...] = ()
    by: str | None = None
    year: int | None = None
    directed_to: str | None = None
    fallback: bool = False
    parts: tuple[str, ...] = ()
    recommended_by: str = ""


def recommendations(assessment: Assessment) -> tuple[Recommendation, ...]:
    """Select, fit and order the recommendations for an assessed country.

    Args:
        assessment: The country's assessment.

    Returns:
        At most :data:`MOST` recommendations: the page-2 steps first (``headline``, high), then
        the rest, the most pressing first; no text twice, one library text per component and
        per measure.
    """
    if not has_evidence(assessment.profile):
        return ()  # a profile with no source asserts nothing, and asks for nothing
    # A step with nobody named to take it is not printed: validate says which function to name.
    candidates = [c for c in _candidates(assessment) if c.institution_name]
    steps = page_two(assessment, candidates)
    chosen = {id(r) for r in steps}
    rest = _annex(assessment, [c for c in candidates if id(c) not in chosen], steps)
    out = [replace(r, headline=True, priority="high") for r in steps] + rest
    return tuple(out[:MOST])


def page_two(assessment: Assessment, candidates: Sequence[Recommendation]) -> list[Recommendation]:
    """Choose the (at most five) page-2 steps: the team's, or the diagnosis's.

    A team's ``priorities`` are taken as given (those true of the country, with an institution
    named and evidence behind them). Otherwise each largest gap gets its best step first (the
    country's own recommendation on it, else the library's), then the country's own
    recommendations on other gaps, then the library's by shortfall and weight. A step resting
    on absent evidence, or beyond the standard, is never a page-2 step.
    """
    if assessment.profile.priorities:
        return _team_steps(assessment, candidates)
    steps: list[Recommendation] = []
    firm = [c for c in candidates if not c.uncertain]
    for gap in assessment.largest_gaps:
        # A step already chosen may act on this part too (open shelters under accommodation
        # also answer consent): the best step here is one that asks for something else.
        best = best_for(gap.id, [c for c in firm if _distinct(c, steps)])
        if best is not None:
            steps.append(best)
    ranked = sorted(
        (c for c in candidates if c.gap and not c.uncertain and c.origin != "data"),
        key=lambda c: (c.origin != "profile", not grounded(c), *_gap_order(assessment, c)),
    )
    for rec in ranked:
        if len(steps) >= HEADLINES:
            break
        # Beyond the largest gaps, page 2 holds only steps someone named can act on.
        fits = (rec.origin == "profile" or grounded(rec)) and bool(rec.institution_name)
        if fits and _distinct(rec, steps):
            steps.append(rec)
    return steps[:HEADLINES]


def unstepped(assessment: Assessment, recs: Sequence[Recommendation]) -> dict[str, str]:
    """The largest gaps page 2 has no step on, and why: ``unnamed`` or ``thin``.

    ``thin``: every step on it rests on limited evidence; ``unnamed``: no body the sources
    name can take a firm step on it (its function is held by nobody named, or the only body
    named would have to instruct another). A team's hand-set page 2 is its own
    choice and is not second-guessed here.
    """
    if assessment.profile.priorities or not recs:
        return {}
    stepped = {r.component for r in recs if r.headline}
    every = _candidates(assessment)
    out = {}
    for gap in assessment.largest_gaps:
        if gap.id in stepped:
            continue
        on = [c for c in every if c.component == gap.id and c.origin != "data"]
        firm = [c for c in on if not c.uncertain]
        # No step at all: none fits the bodies the sources name (one told to instruct another).
        out[gap.id] = "thin" if on and not firm else "unnamed"
    return out


def grounded(rec: Recommendation) -> bool:
    """Whether the country's own evidence documents the shortfall a library text addresses.

    Only such texts join the largest gaps' steps and the country's own recommendations on page
    2: a text that fits every country would be filler there.
    """
    return rec.variant != "text" or findings.shortfall_score(rec.clause) >= 2


def best_for(component: str, candidates: Iterable[Recommendation]) -> Recommendation | None:
    """The step that best addresses a component: the country's own (newest), then the library's.

    Library texts resting on evidence nobody has (a measure of unknown status) come last; page 2
    passes only the others.
    """
    candidates = list(candidates)
    on = [c for c in candidates if c.component == component and c.origin != "data"]
    own = sorted((c for c in on if c.origin in ("team", "profile")), key=lambda c: -(c.year or 0))
    # A library text that also acts on a part the country's own recommendation covers would
    # crowd that recommendation out of page 2: it comes last.
    owned = {c.component for c in candidates if c.origin in ("team", "profile")} - {component}
    library = sorted(
        (c for c in on if c.origin == "framework" and c.priority != "low"),
        key=lambda c: (bool(set(_parts(c)) & owned), c.uncertain),
    )
    ordered = [*own, *library]
    return ordered[0] if ordered else None


def _team_steps(
    assessment: Assessment, candidates: Sequence[Recommendation]
) -> list[Recommendation]:
    by_id = {c.id: c for c in candidates if not c.uncertain}
    steps = []
    ids = team_step_ids(assessment.profile.priorities)
    for item, step_id in zip(assessment.profile.priorities, ids, strict=True):
        if isinstance(item, str):
            if item in by_id:
                steps.append(by_id[item])
        else:
            made = _team_rec(assessment, item, step_id)
            if made.institution_name:
                steps.append(made)
    return steps


def team_step_ids(priorities: Sequence[str | PriorityStep]) -> list[str]:
    """The id of each hand-set priority: its own, or ``team-<component>`` (then ``-2``, ``-3``).

    Ids name a recommendation from one edition to the next (follow-up and ``diff`` match by
    id), so they never depend on the order of the list: moving a step keeps its id.
    """
    ids: list[str] = []
    for item in priorities:
        if isinstance(item, str):
            ids.append(item)
        elif item.id:
            ids.append(item.id)
        else:
            base, n = f"team-{item.component}", 2
            made = base
            while made in ids:
                made, n = f"{base}-{n}", n + 1
            ids.append(made)
    return ids


def _distinct(rec: Recommendation, chosen: Sequence[Recommendation]) -> bool:
    """Whether ``rec`` says something none of ``chosen`` says: its own part, measure and text.

    A source's recommendations may share a part of aftercare (two distinct asks of one source);
    a library text never shares one with anything already chosen.
    """
    for other in chosen:
        if rec.text == other.text or (rec.measure and rec.measure == other.measure):
            return False
        shared = set(_parts(rec)) & set(_parts(other))
        if shared and not (rec.origin in ("profile", "team") and other.origin != "framework"):
            return False
    return True


def _parts(rec: Recommendation) -> tuple[str, ...]:
    return rec.parts or ((rec.component,) if rec.component else ())


def _gap_order(assessment: Assessment, rec: Recommendation) -> tuple[float, ...]:
    """Shortfall first, weight second, documented risks only to break ties, then framework order."""
    if rec.component is None:
        return (0.0, 0.0, 0.0, float(len(assessment.components)))
    order = [c.id for c in assessment.components]
    result = assessment.component(rec.component)
    return (
        -float(result.gap or 0),
        -result.weight,
        -float(len(result.risks)),
        float(order.index(rec.component)),
    )


def _annex(
    assessment: Assessment, candidates: Sequence[Recommendation], steps: Sequence[Recommendation]
) -> list[Recommendation]:
    """The rest, most pressing first: the country's own, gaps, evidence, thin, beyond target."""

    def key(c: Recommendation) -> tuple[float, ...]:
        tier = (
            4
            if c.priority == "low"
            else 3
            if c.uncertain
            else 2
            if c.origin == "data"
            else 0
            if c.origin in ("profile", "team")
            else 1
        )
        return (float(tier), *_gap_order(assessment, c))

    chosen = list(steps)
    out = []
    for rec in sorted((c for c in candidates if not c.fallback), key=key):
        if len(chosen) >= MOST:
            break
        if _distinct(rec, chosen):
            chosen.append(rec)
            out.append(rec)
    return out


# --- candidates --------------------------------------------------------------------------------


def _candidates(assessment: Assessment) -> list[Recommendation]:
    """Every recommendation that is true of the country, before choosing among them."""
    out: list[Recommendation] = []
    for rec in assessment.profile.recommendations:
        if applies(assessment.profile, assessment.framework, rec.component):
            out.append(_profile_rec(assessment, rec))
    for result in assessment.components:
        spec = assessment.framework.components[result.id]
        for lib in spec.recommendations:
            made = library_rec(assessment, lib, result)
            if made is not None:
                out.append(made)
    out.extend(_data_recs(assessment))
    return out


def _base_name(name: str) -> str:
    """An institution's name without its article and bracketed detail, to compare bodies."""
    flat = " ".join(name.split()).casefold()
    flat = flat.split(" (", 1)[0]
    return flat.removeprefix("the ").strip()


def can_instruct(profile: Profile, spec: RecommendationText) -> bool:
    """Whether the body a text goes to may tell each body it instructs what to do.

    A text that tells police or support services what to do goes to a body that holds those
    functions too (or to the legislature, which binds them by law where it holds the power
    over them): never to one body told to act for another (immigration enforcement told to bar
    police). A function the profile names nobody for is no proof against it.

    Args:
        profile: The country (its ``institutions``).
        spec: The library text.
    """
    addressee = profile.institutions.holder(spec.institution)
    if addressee is None:
        return True
    for function in spec.instructs:
        holder = profile.institutions.holder(function)
        if holder is None or _base_name(holder.name) == _base_name(addressee.name):
            continue
        if spec.institution == "legislature" and holder.held_by == "national":
            continue
        return False
    return True


def premise_holds(premise: Premise, profile: Profile, framework: Framework) -> bool:
    """Whether everything a recommendation presupposes is true of the country.

    Args:
        premise: The library recommendation's premise.
        profile: The country.
        framework: For which components apply to the country.
    """
    for measure, statuses in premise.measures.items():
        if getattr(profile.measures, measure).status not in statuses:
            return False
    for cid, (low, high) in premise.levels.items():
        level = level_of(profile, cid) if applies(profile, framework, cid) else None
        if level is None or not low <= level <= high:
            return False
    for measure, kinds in premise.uncovered.items():
        if set(kinds) & set(getattr(profile.measures, measure).covers):
            return False  # it covers them already: asking to extend it there asks for what is
    for measure, only in premise.law_enforcement_only.items():
        if getattr(profile.measures, measure).law_enforcement_only is not only:
            return False
    if any(profile.institutions.holder(f) is None for f in premise.held):
        return False
    if set(premise.not_roles) & set(profile.roles):
        return False
    return not premise.roles or bool(set(premise.roles) & set(profile.roles))


def _closes_or_builds(lib: LibraryRecommendation, result: ComponentResult) -> bool:
    """A text applies below its level; while a gap is open, only texts that close it apply."""
    if result.level is None or result.level >= lib.when_level_below:
        return False
    return lib.when_level_below <= result.target or result.level >= result.target


def library_rec(
    assessment: Assessment, lib: LibraryRecommendation, result: ComponentResult
) -> Recommendation | None:
    """Fit one library text to the country, or None where it would not be true of it.

    Args:
        assessment: The country's assessment.
        lib: The library recommendation.
        result: The assessed component it belongs to.
    """
    profile = assessment.profile
    if not _closes_or_builds(lib, result):
        return None
    if not premise_holds(lib.premise, profile, assessment.framework):
        return None
    if not can_instruct(profile, lib):
        return None
    text, clause, uncertain, fallback = lib.text, "", False, False
    variant: Variant = "text"
    if lib.creates is not None:
        entry = getattr(profile.measures, lib.creates)
        shortfall = findings.evidence_clause(entry.evidence, shortfall=True)
        if entry.status in ("absent", "unknown"):
            # It may exist: limited evidence, unless the part's own evidence documents the
            # shortfall the text answers (no standing body found, support time-limited).
            own = findings.evidence_clause(result.evidence)
            uncertain = entry.status == "unknown" and findings.shortfall_score(own) < 2
        elif entry.status == "partial" and lib.partial is not None:
            text, variant = lib.partial, "partial"
            clause = shortfall or findings.evidence_clause(entry.evidence)
        elif lib.improve is not None and shortfall:
            text, variant, clause = lib.improve, "improve", shortfall
        elif lib.improve is not None and not lib.premise.measures:
            # It exists and its own evidence documents nothing wrong with it, yet the part of
            # aftercare is below the standard: only a last resort for a largest gap, flagged.
            text, variant, fallback = lib.improve, "improve", True
        else:
            return None  # it exists, and no source documents what is wrong with it
    clause = clause or findings.evidence_clause(result.evidence)
    made = _component_rec(assessment, result, lib, text, origin="framework")
    if variant != "text" and lib.improve_indicator is not None:
        names = findings.country_names(profile)
        made = replace(made, indicator=findings.fill_placeholders(lib.improve_indicator, names))
    return replace(
        made,
        measure=lib.creates,
        parts=(result.id, *lib.also_addresses),
        variant=variant,
        clause=clause,
        uncertain=uncertain or fallback or not clause,
        fallback=fallback,
    )


def _profile_rec(assessment: Assessment, rec: ProfileRecommendation) -> Recommendation:
    result = assessment.component(rec.component)
    made = _component_rec(assessment, result, rec, rec.text, origin="profile")
    source = assessment.profile.sources[rec.sources[0]]
    year = rec.year or source.year
    kind = findings.recommended_by_kind(rec.by, year, quoted(assessment.profile, source.title))
    standard, binding = _standard_of(assessment, rec)
    return replace(
        made,
        standard=standard if binding else "",
        binding=binding,
        recommended_by=kind,
        sources=rec.sources,
        by=rec.by,
        year=year,
        directed_to=rec.directed_to,
        institution_name=" ".join(rec.directed_to.split())
        if rec.directed_to
        else made.institution_name,
        clause=findings.evidence_clause(result.evidence),
    )


def _team_rec(assessment: Assessment, step: PriorityStep, step_id: str) -> Recommendation:
    result = assessment.component(step.component)
    made = _component_rec(assessment, result, step, step.text, origin="team", rec_id=step_id)
    standard, binding = _standard_of(assessment, step)
    return replace(
        made,
        standard=standard,
        binding=binding,
        sources=step.sources,
        directed_to=step.directed_to,
        institution_name=" ".join(step.directed_to.split())
        if step.directed_to
        else made.institution_name,
        clause=findings.evidence_clause(result.evidence),
    )


def _standard_of(
    assessment: Assessment, spec: ProfileRecommendation | PriorityStep
) -> tuple[str, bool]:
    """The standard of the library text a profile's step names, or of its component's first.

    A component's texts rest on different articles (cash support and employment are both
    "economic"), so a team names the text its step applies; validation has checked the id.
    """
    framework = assessment.framework
    texts = {r.id: r for c in framework.components.values() for r in c.recommendations}
    library = texts.get(spec.standard_of or "")
    if library is None:
        library = framework.components[spec.component].recommendations[0]
    return cite(library, assessment.profile, framework)


def _component_rec(
    assessment: Assessment,
    result: ComponentResult,
    spec: RecommendationText | ProfileRecommendation | PriorityStep,
    text: str,
    *,
    origin: Origin,
    rec_id: str = "",
) -> Recommendation:
    profile, framework = assessment.profile, assessment.framework
    name = result.name.lower()
    priority: Priority = "medium"
    if result.level is None:
        why = findings.why_source_recommends(name)
    elif result.gap:
        why = findings.why_close_gap(name, result.level, result.target)
    else:
        priority, why = "low", findings.why_beyond_target(name, result.level)
    if isinstance(spec, RecommendationText):
        standard, binding = cite(spec, profile, framework)
    else:
        standard, binding = "", False
    names = findings.country_names(profile)
    return Recommendation(
        id=rec_id or getattr(spec, "id", ""),
        text=findings.fill_placeholders(text, names).strip(),
        institution=spec.institution,
        institution_name=institution_name(profile, spec.institution),
        horizon=spec.horizon,
        priority=priority,
        component=result.id,
        standard=standard,
        binding=binding,
        indicator=findings.fill_placeholders(spec.indicator, names).strip(),
        gap=result.gap,
        severity=result.severity if result.gap else 0.0,
        why=why,
        evidence="" if is_placeholder(result.evidence) else result.evidence.strip(),
        origin=origin,
    )


def institution_name(profile: Profile, function: Institution) -> str:
    """Return the country's name for the institution that holds ``function``, or "".

    No institution is guessed: a brief says the function is not named in the sources, and
    ``validate`` makes that an error for a page-2 step.
    """
    entry = profile.institutions.holder(function)
    return " ".join(entry.name.split()) if entry is not None else ""


def cite(spec: RecommendationText, profile: Profile, framework: Framework) -> tuple[str, bool]:
    """Return the standard a recommendation cites for this country, and whether it binds it.

    Each article is labelled with what it obliges the country to do. Articles of instruments
    the country is bound by that oblige it to act come first, in the framework's order, and make
    the citation binding; articles that only oblige it to consider or endeavour (Palermo Art.
    6(3) and 7) follow, each group headed by that duty ("Binding: CoE Convention Art. 14. A
    duty to consider: Palermo Protocol Art. 7"), so no duty reads as binding under the label.
    Without a binding article the duties are named after each article, and instruments the
    country is not bound by follow, all good practice (briefs label the citation "Good
    practice" or "Binding").

    Args:
        spec: The library recommendation.
        profile: The country (its ``instruments``).
        framework: For the instruments' short names, whether they are treaties and which of
            their articles are only a duty to consider.
    """
    hard: list[str] = []
    weak: dict[WeakDuty, list[str]] = {}
    for i, instrument in framework.instruments.items():
        if i not in spec.standards or i not in profile.instruments or not instrument.binding:
            continue
        binds, duties = _split_duties(instrument, spec.standards[i])
        if binds:
            hard.append(f"{instrument.short} {findings.articles(' and '.join(binds))}".strip())
        for duty, refs in duties.items():
            cited = f"{instrument.short} {findings.articles(' and '.join(refs))}".strip()
            weak.setdefault(duty, []).append(cited)
    if hard:
        headed = [
            _(
                "%(duty)s: %(standards)s",
                duty=findings.capital(_(DUTY_LABELS[duty])),
                standards=findings.semicolons(cited),
            )
            for duty, cited in weak.items()
        ]
        return ". ".join([findings.semicolons(hard), *headed]), True
    named = [
        _("%(standard)s (%(duty)s)", standard=c, duty=_(DUTY_LABELS[duty]))
        for duty, cited in weak.items()
        for c in cited
    ]
    others = [
        f"{framework.instruments[i].short} {findings.articles(article)}".strip()
        for i, article in spec.standards.items()
        if i in framework.instruments
        and framework.instruments[i].good_practice_elsewhere
        and not (i in profile.instruments and framework.instruments[i].binding)
    ]
    if spec.good_practice:
        others.append(spec.good_practice)
    return findings.semicolons(named + others) or findings.good_practice([]), False


def _split_duties(
    instrument: Instrument, article: str
) -> tuple[list[str], dict[WeakDuty, list[str]]]:
    """The articles of a citation that bind, and those that only oblige to consider, by duty.

    "Art. 9(1)(b) and Art. 6(3)(a)" of the Palermo Protocol is one of each. A citation that
    is not a list of articles ("provisions on the protection of victims") binds as a whole.
    """
    parts = re.split(r"\s+and\s+", article.strip())
    if len(parts) < 2 or not all(ARTICLE.match(p) for p in parts):
        parts = [article]
    binds: list[str] = []
    duties: dict[WeakDuty, list[str]] = {}
    for part in parts:
        duty = weak_duty(instrument, part)
        if duty is None:
            binds.append(part)
        else:
            duties.setdefault(duty, []).append(part)
    return binds, duties


DUTY_LABELS: Mapping[WeakDuty, str] = {
    "consider": N_("a duty to consider"),
    "endeavour": N_("a duty to endeavour"),
    "take_into_account": N_("a duty to take into account"),
    "lawfully_resident": N_("binding only for victims lawfully resident"),
}
"""How a brief names what an article that does not bind a party to act obliges it to do."""

ARTICLE = re.compile(r"Art\.\s*(\d+)((?:\(\d+\))?)")
"""An article and its first paragraph in a citation: "Art. 6(3)(a)" is 6 and (3)."""


def weak_duty(instrument: Instrument, article: str) -> WeakDuty | None:
    """What the cited articles oblige a party to do when none of them obliges it to act.

    Returns None when one of them does, or when the citation names no article ("provisions on
    the protection of victims"): it is then cited as binding, as the instrument is.

    Args:
        instrument: The instrument, with its ``weak_articles``.
        article: The citation of its articles: "Art. 6(3)(a)", "Art. 9(1)(b) and Art. 6(5)".
    """
    refs = [f"{number}{paragraph}" for number, paragraph in ARTICLE.findall(article)]
    duties = []
    for ref in refs:
        duty = next(
            (d for key, d in instrument.weak_articles.items() if f"{ref}(".startswith(f"{key}(")),
            None,
        )
        if duty is None:
            return None
        duties.append(duty)
    return duties[0] if duties else None


def _data_recs(assessment: Assessment) -> list[Recommendation]:
    library = assessment.framework.data_recommendations
    country = findings.country_names(assessment.profile)
    out = []
    unknown = [c.name for c in assessment.components if c.unknown]
    if unknown:
        names = findings.join_names([n.lower() for n in unknown])
        text = findings.fill_placeholders(
            library.unknown_level.text, {**country, "component": names}
        )
        out.append(_data_rec(assessment, library.unknown_level, text, findings.why_unknown(names)))
    if findings.documents_no_measure(assessment.profile):
        spec = library.no_re_trafficking_measure
        text = findings.fill_placeholders(spec.text, {**country, "component": ""})
        why = findings.why_no_measure(assessment.profile)
        made = _data_rec(assessment, spec, text, why)
        out.append(replace(made, measure="re_trafficking_data"))
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


# --- what validate checks ----------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """Something a brief cannot print as it stands, located in the profile.

    Attributes:
        path: Key path in the profile to point at.
        message: What is wrong and what to write.
        unknown: The profile says no source names who holds the function (``name: unknown``),
            or the step is one of the annex's: an honest gap, not an error.
        warning: Printable, but worded so a reader will object: a warning.
        code: The code ``validate`` reports it under.
    """

    path: tuple[str | int, ...]
    message: str
    unknown: bool = False
    warning: bool = False
    code: str = "page-two"


def problems(assessment: Assessment, recs: Sequence[Recommendation]) -> list[Problem]:
    """What ``validate`` reports about the steps a brief leaves out or cannot print.

    A largest gap left without a page-2 step because no institution is named for the function
    its step needs (an error, or a data gap where the profile says no source names one); any
    other step left out for the same reason (a data gap naming the function to fill in); a
    hand-set priority that is not true of the country, rests on limited evidence or names a
    function nobody holds (an error).

    Args:
        assessment: The country's assessment.
        recs: Its recommendations.
    """
    out: list[Problem] = []
    every = _candidates(assessment) if has_evidence(assessment.profile) else []
    stepped = {r.component for r in recs if r.headline}
    largest = {g.id for g in assessment.largest_gaps}
    seen: set[str] = set()
    for rec in every:
        if rec.institution_name or rec.institution in seen:
            continue
        seen.add(rec.institution)
        blocks = (
            not assessment.profile.priorities
            and rec.component in largest
            and rec.component not in stepped
            and not rec.uncertain
        )
        out.append(_unnamed(assessment, rec, blocks))
    out += _priority_problems(assessment, every)
    out += _milestone_problems(assessment, recs)
    return out


_OUTCOME = re.compile(
    r"^\s*(?:the\s+)?(?:number|share|proportion|percentage|median|count|rate)\s+of\b",
    re.IGNORECASE,
)
"""An indicator worded as an outcome to count ("Number of survivors housed..."), not a step."""


def outcome_indicator(indicator: str) -> bool:
    """Whether a 12-month indicator counts outcomes rather than naming a first milestone.

    A longer-term step is measured in 12 months by a milestone ("a bill laid", "a pilot
    started"): a yearly count of outcomes beside "When: longer term" says the step is due in a
    year, and that it is not, at once. English wording only.
    """
    return bool(_OUTCOME.match(indicator))


def _milestone_problems(assessment: Assessment, recs: Sequence[Recommendation]) -> list[Problem]:
    """Longer-term page-2 steps of the profile whose indicator counts outcomes (English)."""
    profile = assessment.profile
    if profile.language.split("-")[0] != "en":
        return []
    own = {r.id: i for i, r in enumerate(profile.recommendations)}
    team = {step_id: i for i, step_id in enumerate(team_step_ids(profile.priorities))}
    out = []
    for rec in recs:
        if not (rec.headline and rec.horizon == "long_term" and outcome_indicator(rec.indicator)):
            continue
        if rec.origin == "team" and rec.id in team:
            path: tuple[str | int, ...] = ("priorities", team[rec.id])
        elif rec.origin == "profile" and rec.id in own:
            path = ("recommendations", own[rec.id])
        else:
            continue
        out.append(
            Problem(
                (*path, "indicator"),
                f"the page-2 step '{rec.id}' is longer-term: measure it in 12 months by a first "
                "milestone (a bill laid, a pilot started, a plan published), not a count of "
                "outcomes; reword the indicator, or set horizon: short_term",
                warning=True,
                code="long-term-indicator",
            )
        )
    return out


def _unnamed(assessment: Assessment, rec: Recommendation, blocks: bool) -> Problem:
    """The problem of a step no named institution can take."""
    function = rec.institution
    label = function.replace("_", " ")
    entry = getattr(assessment.profile.institutions, function, None)
    if entry is not None:  # named `unknown`: an honest unknown
        return Problem(
            ("institutions", function, "name"),
            f"no source names who holds {label}: the step '{rec.id}' is left out of the brief "
            "until the institution is named",
            unknown=True,
            code="unnamed-institution",
        )
    where = f"name it under institutions.{function}, or write `name: unknown` there"
    if blocks:
        return Problem(
            ("institutions",),
            f"the largest gap '{rec.component}' has no page-2 step: its step '{rec.id}' needs "
            f"an institution named for '{function}' ({label}): {where} if no source names it",
        )
    return Problem(
        ("institutions",),
        f"the step '{rec.id}' is left out of the brief: no institution is named for "
        f"'{function}': {where}",
        unknown=True,
        code="unnamed-institution",
    )


def _priority_problems(assessment: Assessment, every: Sequence[Recommendation]) -> list[Problem]:
    """Hand-set priorities the brief cannot print on page 2."""
    out = []
    made = {r.id: r for r in every}
    profile = assessment.profile
    for i, item in enumerate(profile.priorities):
        if isinstance(item, str):
            rec = made.get(item)
            if rec is None:
                out.append(
                    Problem(
                        ("priorities", i),
                        f"'{item}' is not true of this country (its premise is false, or the "
                        "part of aftercare it addresses has no gap): choose another, or write "
                        "the step",
                    )
                )
            elif rec.uncertain:
                out.append(
                    Problem(
                        ("priorities", i),
                        f"'{item}' rests on limited evidence (what it asks for may exist, or no "
                        "source documents the shortfall): it cannot be a page-2 step; document "
                        "the measure, or write the step",
                    )
                )
            elif not rec.institution_name:
                out.append(
                    Problem(
                        ("priorities", i),
                        f"'{item}' needs the institution that holds '{rec.institution}': name it "
                        f"under institutions.{rec.institution}",
                    )
                )
        elif profile.institutions.holder(item.institution) is None:
            out.append(
                Problem(
                    ("priorities", i, "institution"),
                    f"no institution is named for '{item.institution}': name it under "
                    f"institutions.{item.institution}",
                )
            )
    return out
