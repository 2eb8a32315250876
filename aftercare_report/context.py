"""The documented contract between the assessment and the templates.

Templates see only what is defined here: frozen dataclasses whose every field is documented (a
test checks that ``docs/templates.md`` lists each one). Numbers are already rounded, labels are
already worded and sources are already numbered, so templates only lay things out.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from aftercare_report import __version__, findings
from aftercare_report.assess import FIGURE_NAMES, METHOD, ComponentResult
from aftercare_report.config import Brand
from aftercare_report.labels import HORIZON_LABELS
from aftercare_report.model import Framework, KeyFigure, Profile
from aftercare_report.recommend import HORIZONS
from aftercare_report.report import CountryReport, conclusion
from aftercare_report.terms import DEFAULT_TERMS, reword

FIGURE_LABELS = {name: text[:1].upper() + text[1:] for name, text in FIGURE_NAMES.items()}


@dataclass(frozen=True)
class Note:
    """A numbered source note.

    Attributes:
        number: Its number in this brief (1, 2, ...), in order of first citation.
        id: The source id in the profile or framework.
        title: Title of the source.
        publisher: Who published it.
        year: Year of publication.
        url: Where to find it.
    """

    number: int
    id: str
    title: str
    publisher: str
    year: int
    url: str


@dataclass(frozen=True)
class ComponentView:
    """One component row of a country brief.

    Attributes:
        id: Component id.
        name: Component name.
        level: 0-4, or None when unknown.
        level_label: ``"2"`` or ``"unknown"``.
        level_text: What the level means for this component.
        target: Target level.
        gap: Levels short of target, or None when unknown.
        severity: Weighted severity (see the methodology).
        risks: Names of present risk factors this component mitigates.
        best_peer: ``"United Kingdom (3)"`` or "" when no peer is better.
        evidence: The evidence sentence.
        notes: Numbers of the source notes behind it.
        standards: Articles and standards the component derives from.
    """

    id: str
    name: str
    level: int | None
    level_label: str
    level_text: str
    target: int
    gap: int | None
    severity: float
    risks: tuple[str, ...]
    best_peer: str
    evidence: str
    notes: tuple[int, ...]
    standards: tuple[str, ...]


@dataclass(frozen=True)
class RiskView:
    """A re-trafficking risk factor in the country.

    Attributes:
        name: Risk factor name.
        status: present, absent or unknown.
        evidence: What the profile says.
        notes: Source note numbers.
        weak_mitigators: Names of components below target that should curb it.
    """

    name: str
    status: str
    evidence: str
    notes: tuple[int, ...]
    weak_mitigators: tuple[str, ...]


@dataclass(frozen=True)
class RecommendationView:
    """A recommendation as the brief shows it.

    Attributes:
        number: Its rank (1 = first).
        text: What to do.
        actor: Who (label).
        horizon: When (label).
        priority: high, medium or low.
        component: Component name, or "Evidence" for data recommendations.
        component_id: Component id (the gap table row is ``#component-<id>``), or "".
        standard: The standard it comes from.
        why: The gap and linked risks that justify it.
        evidence: The evidence behind the component's level ("" for data recommendations).
        notes: Source note numbers of that evidence.
    """

    number: int
    text: str
    actor: str
    horizon: str
    priority: str
    component: str
    component_id: str
    standard: str
    why: str
    evidence: str
    notes: tuple[int, ...]


@dataclass(frozen=True)
class RecommendationGroup:
    """Recommendations for one actor, split by horizon.

    Attributes:
        actor: Actor label.
        by_horizon: (horizon label, recommendations) pairs, soonest first, empty ones left out.
    """

    actor: str
    by_horizon: tuple[tuple[str, tuple[RecommendationView, ...]], ...]


@dataclass(frozen=True)
class FigureView:
    """A key figure.

    Attributes:
        label: What is counted.
        value: Formatted value, or "unknown".
        year: Year covered, or "".
        note: Caveats.
        notes: Source note numbers.
    """

    label: str
    value: str
    year: str
    note: str
    notes: tuple[int, ...]


@dataclass(frozen=True)
class ClaimView:
    """A claim checked against the evidence.

    Attributes:
        claim: The claim.
        verdict: supported, unsupported or contradicted.
        evidence: Why.
        notes: Source note numbers.
    """

    claim: str
    verdict: str
    evidence: str
    notes: tuple[int, ...]


@dataclass(frozen=True)
class CountryView:
    """Everything a brief shows about one country.

    Attributes:
        slug: Short name (file name).
        country: Country name.
        iso3: ISO3 code.
        region: World region.
        as_of: Date of the newest evidence (ISO).
        summary: Profile summary.
        index: Index value 0-100 as text, or "n/a".
        index_value: Index value as a number (0 when none), for charts.
        band: Band id after caps.
        band_label: Band label.
        caps: Reasons a cap lowered the band (empty when no cap changed it).
        rated: Components with a known level.
        key_messages: Three to five sentences for page 1.
        components: One view per framework component.
        top_gaps: Names of the most severe gaps, most severe first.
        risks: All risk factors (present first).
        recommendations: All recommendations, most urgent first.
        recommendation_groups: The same, grouped by actor and horizon.
        data_gaps: Sentences: what we do not know.
        figures: Key figures.
        claims: Claims checked against evidence.
        notes: Numbers of every source note this country's text cites, ascending.
    """

    slug: str
    country: str
    iso3: str
    region: str
    as_of: str
    summary: str
    index: str
    index_value: float
    band: str
    band_label: str
    caps: tuple[str, ...]
    rated: int
    key_messages: tuple[str, ...]
    components: tuple[ComponentView, ...]
    top_gaps: tuple[str, ...]
    risks: tuple[RiskView, ...]
    recommendations: tuple[RecommendationView, ...]
    recommendation_groups: tuple[RecommendationGroup, ...]
    data_gaps: tuple[str, ...]
    figures: tuple[FigureView, ...]
    claims: tuple[ClaimView, ...]
    notes: tuple[int, ...]


@dataclass(frozen=True)
class MatrixRow:
    """One component across countries in a comparative brief.

    Attributes:
        id: Component id.
        name: Component name.
        target: The component's target level.
        cells: Level labels per country, in the order of ``BriefContext.countries``.
        levels: Levels per country (None for unknown), for colouring.
        shared_gap: Whether every country with a known level falls short of target.
    """

    id: str
    name: str
    target: int
    cells: tuple[str, ...]
    levels: tuple[int | None, ...]
    shared_gap: bool


@dataclass(frozen=True)
class Comparison:
    """The comparative part of a brief.

    Attributes:
        ranking: The countries by index, highest first (ties: by name); unrated ones last.
        matrix: Components by countries.
        shared_gaps: Sentences on gaps most countries share, with their numbers.
        conclusion: Paragraphs drawn from the data.
    """

    ranking: tuple[CountryView, ...]
    matrix: tuple[MatrixRow, ...]
    shared_gaps: tuple[str, ...]
    conclusion: tuple[str, ...]


@dataclass(frozen=True)
class MethodView:
    """The methodology appendix.

    Attributes:
        framework: Framework name and version.
        description: What the framework is.
        method: The index method in one line.
        bands: (id, minimum, label) triples, best first.
        caps: Cap reasons.
        levels: What levels 0-4 mean in general, as (level, meaning) pairs.
    """

    framework: str
    description: str
    method: str
    bands: tuple[tuple[str, str, str], ...]
    caps: tuple[str, ...]
    levels: tuple[tuple[int, str], ...]


@dataclass(frozen=True)
class BriefContext:
    """What every template receives, as ``brief``.

    Attributes:
        kind: ``country`` or ``comparative``.
        title: Document title.
        subtitle: Line under the title.
        date: Publication date (the newest ``as_of`` among the countries), ISO.
        lang: Language code of the text (``en``).
        brand: The team's brand.
        terms: Terminology (``survivor``, ``survivors``, ``re-trafficking``).
        countries: The countries in the brief (one for a country brief).
        comparison: The comparison, for comparative briefs (None otherwise).
        notes: Source notes, numbered in order of first citation.
        method: The methodology appendix.
        generator: Tool name and version, for the colophon.
        stylesheets: CSS file names the templates link (resolved in the template folders).
    """

    kind: str
    title: str
    subtitle: str
    date: str
    lang: str
    brand: Brand
    terms: Mapping[str, str]
    countries: tuple[CountryView, ...]
    comparison: Comparison | None
    notes: tuple[Note, ...]
    method: MethodView
    generator: str = f"aftercare-report {__version__}"
    stylesheets: tuple[str, ...] = field(default=("brief.css",))


class _Notes:
    """Number sources in order of first citation, per brief."""

    def __init__(self) -> None:
        self.numbers: dict[tuple[str, str], int] = {}
        self.notes: list[Note] = []

    def cite(self, profile: Profile, ids: Sequence[str]) -> tuple[int, ...]:
        out = []
        for sid in ids:
            key = (profile.slug, sid)
            if key not in self.numbers:
                source = profile.sources[sid]
                self.numbers[key] = len(self.notes) + 1
                number = self.numbers[key]
                self.notes.append(
                    Note(number, sid, source.title, source.publisher, source.year, source.url)
                )
            out.append(self.numbers[key])
        return tuple(sorted(out))

    def of(self, profile: Profile) -> tuple[int, ...]:
        return tuple(sorted(n for (slug, _), n in self.numbers.items() if slug == profile.slug))


def country_context(
    report: CountryReport, brand: Brand, terms: Mapping[str, str] = DEFAULT_TERMS, lang: str = "en"
) -> BriefContext:
    """Build the context of a one-country brief.

    Args:
        report: The country's assessment, recommendations and key messages.
        brand: The team's brand.
        terms: Terminology.
        lang: Language code.
    """
    notes = _Notes()
    view = _country_view(report, notes, terms)
    framework = report.assessment.framework
    return BriefContext(
        kind="country",
        title=reword(f"Survivor aftercare in {report.profile.name_in_text}", terms),
        subtitle=reword("Policy brief: gaps, re-trafficking risks and recommendations", terms),
        date=view.as_of,
        lang=lang,
        brand=brand,
        terms=dict(terms),
        countries=(view,),
        comparison=None,
        notes=tuple(notes.notes),
        method=_method(framework, terms),
    )


def comparative_context(
    reports: Sequence[CountryReport],
    brand: Brand,
    terms: Mapping[str, str] = DEFAULT_TERMS,
    lang: str = "en",
) -> BriefContext:
    """Build the context of a comparative brief of two or more countries.

    Args:
        reports: The countries' reports (order is kept in the matrix; ranking sorts by index).
        brand: The team's brand.
        terms: Terminology.
        lang: Language code.
    """
    notes = _Notes()
    views = tuple(_country_view(r, notes, terms) for r in reports)
    framework = reports[0].assessment.framework
    names = ", ".join(v.country for v in views[:-1]) + " and " + views[-1].country
    return BriefContext(
        kind="comparative",
        title=reword("Survivor aftercare compared", terms),
        subtitle=f"{names}: where aftercare stops, and what governments must fund",
        date=max(v.as_of for v in views),
        lang=lang,
        brand=brand,
        terms=dict(terms),
        countries=views,
        comparison=_comparison(reports, views, terms),
        notes=tuple(notes.notes),
        method=_method(framework, terms),
    )


def _country_view(report: CountryReport, notes: _Notes, terms: Mapping[str, str]) -> CountryView:
    a, profile = report.assessment, report.profile
    fw = a.framework

    def w(text: str) -> str:  # generated and framework text take the team's terms
        return reword(text.strip(), terms)

    components = tuple(_component_view(c, profile, fw, notes, w) for c in a.components)
    by_id = {c.id: c for c in components}
    recs = tuple(
        RecommendationView(
            number=i,
            text=w(r.text),
            actor=r.institution_name,
            horizon=HORIZON_LABELS[r.horizon],
            priority=r.priority,
            component=by_id[r.component].name if r.component else "Evidence",
            component_id=r.component or "",
            standard=r.standard,
            why=w(r.why),
            evidence=r.evidence,
            notes=by_id[r.component].notes if r.component else (),
        )
        for i, r in enumerate(report.recommendations, 1)
    )
    risks = sorted(a.risks, key=lambda r: ("present", "absent", "unknown").index(r.status))
    risk_views = tuple(
        RiskView(
            w(r.name),
            r.status,
            r.evidence.strip(),
            notes.cite(profile, r.sources),
            tuple(by_id[c].name for c in r.weak_mitigators),
        )
        for r in risks
    )
    figures = tuple(_figure(name, f, profile, notes) for name, f in profile.key_figures)
    claims = tuple(
        ClaimView(c.claim.strip(), c.verdict, c.evidence.strip(), notes.cite(profile, c.sources))
        for c in profile.claims
    )
    return CountryView(
        slug=profile.slug,
        country=profile.country,
        iso3=profile.iso3,
        region=profile.region,
        as_of=profile.as_of.isoformat(),
        summary=profile.summary.strip(),
        index="n/a" if a.index.value is None else f"{a.index.value:g}",
        index_value=a.index.value or 0.0,
        band=a.index.band or "n/a",
        band_label=a.index.band_label,
        caps=tuple(w(c.reason) for c in a.index.caps if a.index.band != a.index.uncapped_band),
        rated=sum(c.level is not None for c in a.components),
        key_messages=tuple(w(m) for m in report.key_messages),
        components=components,
        top_gaps=tuple(by_id[c.id].name for c in a.top_gaps),
        risks=risk_views,
        recommendations=recs,
        recommendation_groups=_groups(recs),
        data_gaps=tuple(w(g.message) for g in a.data_gaps),
        figures=figures,
        claims=claims,
        notes=notes.of(profile),
    )


def _component_view(
    c: ComponentResult, profile: Profile, fw: Framework, notes: _Notes, w: Callable[[str], str]
) -> ComponentView:
    peer = c.peer
    better = peer is not None
    return ComponentView(
        id=c.id,
        name=w(c.name),
        level=c.level,
        level_label="unknown" if c.level is None else str(c.level),
        level_text=w(c.level_text),
        target=c.target,
        gap=c.gap,
        severity=c.severity,
        risks=tuple(w(fw.risk_factors[r].name) for r in c.risks),
        best_peer=f"{peer.country} ({peer.level})" if peer and better else "",
        evidence=c.evidence.strip(),
        notes=notes.cite(profile, c.sources),
        standards=fw.components[c.id].standards,
    )


def _groups(recs: tuple[RecommendationView, ...]) -> tuple[RecommendationGroup, ...]:
    groups = []
    for actor in dict.fromkeys(r.actor for r in recs):
        mine = [r for r in recs if r.actor == actor]
        by_horizon = tuple(
            (label, tuple(r for r in mine if r.horizon == label))
            for label in (HORIZON_LABELS[h] for h in HORIZONS)
            if any(r.horizon == label for r in mine)
        )
        groups.append(RecommendationGroup(actor, by_horizon))
    return tuple(groups)


def _figure(name: str, figure: KeyFigure, profile: Profile, notes: _Notes) -> FigureView:
    if figure.known:
        value = f"{figure.value:,}" if isinstance(figure.value, int) else f"{figure.value:,.2f}"
        value = f"{value} {figure.unit}" if figure.unit else value
        if figure.proxy:
            value += " (proxy)"
    else:
        value = "unknown"
    return FigureView(
        FIGURE_LABELS[name],
        value,
        str(figure.year or ""),
        (figure.note or "").strip(),
        notes.cite(profile, figure.sources),
    )


def _method(fw: Framework, terms: Mapping[str, str]) -> MethodView:
    return MethodView(
        framework=f"{fw.name} {fw.version}",
        description=reword(fw.description.strip(), terms),
        method=METHOD,
        bands=tuple((b.id, f"{b.min:g}", b.label) for b in fw.index.bands),
        caps=tuple(reword(c.reason.strip(), terms) for c in fw.index.caps),
        levels=tuple((level, reword(text, terms)) for level, text in sorted(fw.levels.items())),
    )


def _comparison(
    reports: Sequence[CountryReport], views: tuple[CountryView, ...], terms: Mapping[str, str]
) -> Comparison:
    fw = reports[0].assessment.framework
    ranked = sorted(views, key=lambda v: (v.index == "n/a", -v.index_value, v.country))
    names = {c.id: c.name for c in views[0].components}
    matrix = []
    for cid, spec in fw.components.items():
        levels = tuple(r.assessment.component(cid).level for r in reports)
        known = [lvl for lvl in levels if lvl is not None]
        shared = len(known) >= 2 and all(lvl < spec.target for lvl in known)
        cells = tuple("?" if lvl is None else str(lvl) for lvl in levels)
        matrix.append(MatrixRow(cid, names[cid], spec.target, cells, levels, shared))
    return Comparison(
        ranking=tuple(ranked),
        matrix=tuple(matrix),
        shared_gaps=tuple(
            reword(line, terms)
            for line in findings.shared_gap_lines([r.assessment for r in reports])
        ),
        conclusion=tuple(reword(line, terms) for line in conclusion(reports)),
    )
