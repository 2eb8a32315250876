"""Assess a profile against the framework: levels, gaps, severity, index, peers and data gaps.

Pure and deterministic: the same profile, framework and peers always give the same
:class:`Assessment`. The method is simple on purpose, so a reader can recompute every number:

* gap = max(target - level, 0), for components whose level is known;
* severity = gap x weight x (1 + 0.25 x number of *present* risk factors the component mitigates);
* index = weighted mean of the known levels x 25 (0-100), over the components with known levels;
* band = the best band whose minimum the index reaches, then lowered by any cap that applies.

Unknown levels are neither zero nor fine: they are left out of the index, reported as data gaps,
and the share of weight they hold is given as the index's ``coverage``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from aftercare_report import findings
from aftercare_report.evidence import DEFAULT_STALE_YEARS, evidence_gaps
from aftercare_report.model import UNKNOWN, Framework, Profile

RISK_UPLIFT = 0.25
"""How much each present, linked risk factor raises a component's severity."""

METHOD = (
    "index = sum(weight x level) / sum(weight) x 25 over components with a known level; "
    "gap = max(target - level, 0); "
    f"severity = gap x weight x (1 + {RISK_UPLIFT} x present risk factors it mitigates); "
    "band = best band whose minimum the index reaches, lowered to a cap's band when the cap applies"
)
"""The method in one line, carried into JSON so a reader can recompute the figures."""


@dataclass(frozen=True)
class Peer:
    """The best level another country in the comparison reaches for a component."""

    slug: str
    country: str
    level: int
    evidence: str


@dataclass(frozen=True)
class ComponentResult:
    """How a country does on one component.

    Attributes:
        id: Component id.
        name: Component name.
        level: 0-4, or None when unknown.
        target: The framework's target level.
        gap: Levels missing to the target (None when the level is unknown).
        weight: The component's weight in the index.
        severity: Gap weighted and raised by linked risks (0 when unknown or no gap).
        risks: Ids of present risk factors this component mitigates.
        best_peer: The best other country in the comparison, if any has a known level.
        evidence: The profile's evidence sentence.
        sources: Source ids behind it.
        level_text: What the country's level means for this component (framework descriptor).
    """

    id: str
    name: str
    level: int | None
    target: int
    gap: int | None
    weight: float
    severity: float
    risks: tuple[str, ...]
    best_peer: Peer | None
    evidence: str
    sources: tuple[str, ...]
    level_text: str


@dataclass(frozen=True)
class RiskResult:
    """A re-trafficking risk factor in this country, and the weak components that should curb it."""

    id: str
    name: str
    status: str
    evidence: str
    sources: tuple[str, ...]
    mitigated_by: tuple[str, ...]
    weak_mitigators: tuple[str, ...]


@dataclass(frozen=True)
class AppliedCap:
    """A cap that lowered (or would lower) the band."""

    id: str
    component: str
    band: str
    reason: str


@dataclass(frozen=True)
class IndexResult:
    """The aftercare index with everything needed to recompute it.

    Attributes:
        value: 0-100, rounded to one decimal; None when no level is known.
        band: Band id after caps; None when no level is known (not rated, never "Absent").
        band_label: Its label, or "Not rated".
        uncapped_band: The band before caps (None when not rated).
        caps: Caps that apply.
        coverage: Share of the total weight held by components with a known level (0-1).
    """

    value: float | None
    band: str | None
    band_label: str
    uncapped_band: str | None
    caps: tuple[AppliedCap, ...]
    coverage: float


DataGapKind = Literal[
    "unknown-level",
    "unknown-risk",
    "unsourced",
    "stale-source",
    "missing-figure",
    "no-re-trafficking-measure",
]


@dataclass(frozen=True)
class DataGap:
    """Something the evidence does not tell us: itself a finding for advocates.

    Attributes:
        kind: ``unknown-level``, ``unknown-risk``, ``unsourced``, ``stale-source``,
            ``missing-figure`` or ``no-re-trafficking-measure``.
        subject: The key path the gap concerns (``components.health``).
        message: One sentence for the brief.
    """

    kind: DataGapKind
    subject: str
    message: str


@dataclass(frozen=True)
class Assessment:
    """The assessed profile: the input of recommendations, key messages and briefs."""

    profile: Profile
    framework: Framework
    index: IndexResult
    components: tuple[ComponentResult, ...]
    risks: tuple[RiskResult, ...]
    data_gaps: tuple[DataGap, ...]
    peers: tuple[str, ...]

    def component(self, cid: str) -> ComponentResult:
        """Return the result for component ``cid``."""
        return next(c for c in self.components if c.id == cid)

    @property
    def top_gaps(self) -> tuple[ComponentResult, ...]:
        """Components with a gap, most severe first (ties: larger gap, then framework order)."""
        order = {c.id: i for i, c in enumerate(self.components)}
        gaps = [c for c in self.components if c.gap]
        return tuple(sorted(gaps, key=lambda c: (-c.severity, -(c.gap or 0), order[c.id])))


def assess(
    profile: Profile,
    framework: Framework,
    peers: Sequence[Profile] = (),
    *,
    stale_years: int = DEFAULT_STALE_YEARS,
) -> Assessment:
    """Assess one profile against the framework and a set of peer countries.

    Args:
        profile: The country to assess.
        framework: The framework of components and risks.
        peers: Profiles to compare with (the profile itself is skipped if included).
        stale_years: Sources this many years older than ``as_of`` count as data gaps.

    Returns:
        The assessment; recommendations and key messages are derived from it in ``recommend``.
    """
    others = [p for p in peers if p.slug != profile.slug]
    present = {rid for rid, r in profile.risk_factors.items() if r.status == "present"}
    components = tuple(
        _component(profile, framework, cid, present, others) for cid in framework.components
    )
    return Assessment(
        profile=profile,
        framework=framework,
        index=_index(framework, components),
        components=components,
        risks=_risks(profile, framework, components),
        data_gaps=_data_gaps(profile, framework, stale_years),
        peers=tuple(sorted(p.slug for p in others)),
    )


def level_of(profile: Profile, cid: str) -> int | None:
    """Return a profile's level for component ``cid``, or None when unknown."""
    level = profile.components[cid].level
    return None if level == UNKNOWN else int(level)


def _component(
    profile: Profile, framework: Framework, cid: str, present: set[str], others: list[Profile]
) -> ComponentResult:
    spec, entry = framework.components[cid], profile.components[cid]
    level = level_of(profile, cid)
    risks = tuple(
        r for r, f in framework.risk_factors.items() if r in present and cid in f.mitigated_by
    )
    gap = None if level is None else max(spec.target - level, 0)
    severity = (gap or 0) * spec.weight * (1 + RISK_UPLIFT * len(risks))
    return ComponentResult(
        id=cid,
        name=spec.name,
        level=level,
        target=spec.target,
        gap=gap,
        weight=spec.weight,
        severity=round(severity, 3),
        risks=risks,
        best_peer=_best_peer(cid, others),
        evidence=entry.evidence,
        sources=entry.sources,
        level_text=spec.levels[level] if level is not None else "",
    )


def _best_peer(cid: str, others: list[Profile]) -> Peer | None:
    known = [(lvl, p) for p in others if (lvl := level_of(p, cid)) is not None]
    if not known:
        return None
    # Highest level wins; among equals, the alphabetically first country, so output is stable.
    level, best = min(known, key=lambda lp: (-lp[0], lp[1].country))
    return Peer(best.slug, best.country, level, best.components[cid].evidence)


def _index(framework: Framework, components: tuple[ComponentResult, ...]) -> IndexResult:
    known = [c for c in components if c.level is not None]
    total = sum(c.weight for c in components)
    weight = sum(c.weight for c in known)
    if not known:
        return IndexResult(None, None, "Not rated", None, (), 0.0)
    value = round(sum(c.weight * (c.level or 0) for c in known) / weight * 25, 1)
    bands = framework.index.bands
    uncapped = next(b for b in bands if value >= b.min)
    rank = {b.id: i for i, b in enumerate(bands)}
    levels = {c.id: c.level for c in components}
    caps = tuple(
        AppliedCap(cap.id, cap.component, cap.band, cap.reason)
        for cap in framework.index.caps
        if (lvl := levels[cap.component]) is not None and lvl <= cap.level_at_most
    )
    final = max([uncapped.id, *(c.band for c in caps)], key=lambda b: rank[b])
    label = next(b.label for b in bands if b.id == final)
    return IndexResult(value, final, label, uncapped.id, caps, round(weight / total, 3))


def _risks(
    profile: Profile, framework: Framework, components: tuple[ComponentResult, ...]
) -> tuple[RiskResult, ...]:
    weak = {c.id for c in components if c.gap}
    return tuple(
        RiskResult(
            id=rid,
            name=spec.name,
            status=profile.risk_factors[rid].status,
            evidence=profile.risk_factors[rid].evidence,
            sources=profile.risk_factors[rid].sources,
            mitigated_by=spec.mitigated_by,
            weak_mitigators=tuple(c for c in spec.mitigated_by if c in weak),
        )
        for rid, spec in framework.risk_factors.items()
    )


FIGURE_NAMES = {
    "victims_identified": "victims identified",
    "victims_assisted": "victims assisted",
    "shelters": "shelters",
    "services_budget": "government budget for survivor services",
    "re_trafficking_measure": "re-trafficking measure",
}


def _data_gaps(profile: Profile, framework: Framework, stale_years: int) -> tuple[DataGap, ...]:
    gaps = [
        DataGap(g.code, g.subject, g.message)
        for g in evidence_gaps(profile, framework, stale_years)
    ]
    unknown = [
        framework.risk_factors[r].name
        for r, f in profile.risk_factors.items()
        if f.status == UNKNOWN
    ]
    if unknown:
        gaps.append(DataGap("unknown-risk", "risk_factors", findings.unknown_risks(unknown)))
    for name, figure in profile.key_figures:
        subject = f"key_figures.{name}"
        if name == "re_trafficking_measure" and (not figure.known or figure.proxy):
            msg = findings.no_re_trafficking_measure(proxy=figure.known)
            gaps.append(DataGap("no-re-trafficking-measure", subject, msg))
        elif not figure.known:
            msg = findings.missing_figure(FIGURE_NAMES[name])
            gaps.append(DataGap("missing-figure", subject, msg))
    return tuple(gaps)
