"""Turn an assessment into recommendations true of the country, the most pressing first.

A recommendation comes from the profile (a source's own recommendation for the country, or a
step the team set by hand under ``priorities``) or from the framework's library, and is made to
fit:

* a library text is never made where its premise is false for the country (the measures it
  presupposes, the levels, the country's role), and it never asks for a measure already in
  place unless that measure's own evidence documents the shortfall, which the brief quotes;
* it goes to the institution the profile names for the *function* it needs (a court direction
  to whom the court directed); a function nobody holds is said, never guessed;
* its standard cites the instruments the country is bound by, or says plainly that it is
  international good practice; a source's own recommendation says what the source is and when;
* each carries one clause of the country's evidence saying why, and "evidence thin" when it
  rests on a measure nobody has documented.

Page 2 holds at most five steps, the only ones marked high: first a step on each of the
largest gaps named on page 1 (shortfall from the standard first, weight second, documented
risks only breaking ties), then the country's own recommendations, then the library's. The
annex holds at most twelve in all, one library text per part of aftercare and per measure, no
text twice. Texts are filled with plain ``{country}`` values; nothing is evaluated.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Literal

from aftercare_report import findings
from aftercare_report.assess import Assessment, ComponentResult, applies, level_of
from aftercare_report.evidence import has_evidence
from aftercare_report.model import (
    Framework,
    Horizon,
    Institution,
    Premise,
    PriorityStep,
    Profile,
    ProfileRecommendation,
    RecommendationText,
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
        standard: The instruments and articles it rests on, or the good practice it follows,
            and for a source's own recommendation what the source is and when.
        binding: Whether ``standard`` cites an instrument the country is bound by.
        indicator: What should be measurable within 12 months.
        gap: The component's gap (None for data recommendations or unknown levels).
        severity: Gap x weight of the component it addresses (0 when it closes no gap).
        why: Why, in plain words: the level against the standard, or what no source documents.
        clause: One clause of the country's own evidence saying why ("" when there is none).
        evidence: The profile's evidence for the component's level ("" for data ones).
        measure: The measure it creates or completes, if any.
        variant: ``text`` (create), ``partial`` (complete) or ``improve`` (fix what exists).
        uncertain: It rests on absent evidence ("evidence thin: check before use").
        headline: One of the (at most five) page-2 steps.
        origin: ``framework``, ``profile`` (a source's), ``team`` (set by hand) or ``data``.
        sources: The sources that make it (a source's or the team's recommendation).
        by: What made a source's recommendation (``tip``, ``court``...), or None.
        year: The year a source made it, or None.
        directed_to: Whom the source itself directed (a court's addressees), or None.
        fallback: It asks to fix a measure whose own evidence documents no shortfall: made only
            when nothing else addresses a largest gap, and marked "evidence thin".
        parts: The parts of aftercare it acts on: its component, and any other its text also
            addresses (asking for open shelters acts on consent too).
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
    candidates = _candidates(assessment)
    steps = page_two(assessment, candidates)
    chosen = {id(r) for r in steps}
    rest = _annex(assessment, [c for c in candidates if id(c) not in chosen], steps)
    out = [replace(r, headline=True, priority="high") for r in steps] + rest
    return tuple(out[:MOST])


def page_two(assessment: Assessment, candidates: Sequence[Recommendation]) -> list[Recommendation]:
    """Choose the (at most five) page-2 steps: the team's, or the diagnosis's.

    A team's ``priorities`` are taken as given. Otherwise each largest gap gets its best step
    first (the country's own recommendation on it, else the library's), then the country's own
    recommendations on other gaps, then the library's by shortfall and weight. A step resting
    on absent evidence, or beyond the standard, never leads.
    """
    if assessment.profile.priorities:
        return _team_steps(assessment, candidates)
    steps: list[Recommendation] = []
    for gap in assessment.largest_gaps:
        best = best_for(gap.id, candidates)
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


def grounded(rec: Recommendation) -> bool:
    """Whether the country's own evidence documents the shortfall a library text addresses.

    Only such texts join the largest gaps' steps and the country's own recommendations on page
    2: a text that fits every country would be filler there.
    """
    return rec.variant != "text" or findings.shortfall_score(rec.clause) >= 2


def best_for(component: str, candidates: Iterable[Recommendation]) -> Recommendation | None:
    """The step that best addresses a component: the country's own (newest), then the library's.

    Library texts resting on evidence nobody has (a measure of unknown status) come last.
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
    by_id = {c.id: c for c in candidates}
    steps = []
    ids = team_step_ids(assessment.profile.priorities)
    for item, step_id in zip(assessment.profile.priorities, ids, strict=True):
        if isinstance(item, str):
            if item in by_id:
                steps.append(by_id[item])
        else:
            steps.append(_team_rec(assessment, item, step_id))
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
    text, clause, uncertain, fallback = lib.text, "", False, False
    variant: Variant = "text"
    if lib.creates is not None:
        entry = getattr(profile.measures, lib.creates)
        shortfall = findings.evidence_clause(entry.evidence, shortfall=True)
        if entry.status in ("absent", "unknown"):
            uncertain = entry.status == "unknown"  # it may exist: never a page-2 step
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
    kind = findings.recommended_by_kind(rec.by, year, source.title)
    standard, binding = _component_standard(assessment, rec.component)
    return replace(
        made,
        standard=findings.semicolons([s for s in (standard if binding else "", kind) if s]),
        binding=binding,
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
    standard, binding = _component_standard(assessment, step.component)
    return replace(
        made,
        standard=standard,
        binding=binding,
        sources=step.sources,
        clause=findings.evidence_clause(result.evidence),
    )


def _component_standard(assessment: Assessment, component: str) -> tuple[str, bool]:
    """The standard of the component's main library text (what binds the country on it)."""
    library = assessment.framework.components[component].recommendations
    return cite(library[0], assessment.profile, assessment.framework)


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
    """A page-2 step a brief cannot print as it stands, located in the profile.

    Attributes:
        path: Key path in the profile to point at.
        message: What is wrong and what to write.
        unknown: The profile says no source names who holds the function (``name: unknown``):
            an honest unknown, which the brief states, not an error.
    """

    path: tuple[str | int, ...]
    message: str
    unknown: bool = False


def problems(assessment: Assessment, recs: Sequence[Recommendation]) -> list[Problem]:
    """The errors ``validate`` reports about what a brief would print on page 2.

    A page-2 step whose function no institution holds, and a hand-set priority that names no
    recommendation true of the country.

    Args:
        assessment: The country's assessment.
        recs: Its recommendations.
    """
    out = []
    institutions = assessment.profile.institutions
    for rec in recs:
        if rec.headline and not rec.institution_name:
            label = rec.institution.replace("_", " ")
            if getattr(institutions, rec.institution) is not None:
                out.append(
                    Problem(
                        ("institutions", rec.institution, "name"),
                        f"no source names who holds {label}: page 2 says so for the step "
                        f"'{rec.id}' until the institution is named",
                        unknown=True,
                    )
                )
                continue
            out.append(
                Problem(
                    ("institutions",),
                    f"the page-2 step '{rec.id}' needs the institution that holds "
                    f"'{rec.institution}' ({label}): name it under institutions.{rec.institution}, "
                    "or write `name: unknown` there if no source names it",
                )
            )
    made = {r.id for r in _candidates(assessment)}
    for i, item in enumerate(assessment.profile.priorities):
        if isinstance(item, str) and item not in made:
            out.append(
                Problem(
                    ("priorities", i),
                    f"'{item}' is not true of this country (its premise is false, or the part "
                    "of aftercare it addresses has no gap): choose another, or write the step",
                )
            )
    return out
