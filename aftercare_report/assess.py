"""Assess a profile against the framework: levels, gaps, severity, index, peers and data gaps.

Pure and deterministic: the same profile, framework and peers always give the same
:class:`Assessment`. The method is simple on purpose, so a reader can recompute every number:

* a component is *applicable* unless the profile marks it ``not_applicable`` or the framework
  limits it to roles (origin, transit, destination) the country does not play;
* gap = max(target - level, 0), for applicable components whose level is known;
* severity = gap x weight: the largest gaps are the largest shortfalls from the standard, then
  the heaviest; documented risk factors only break ties, so documenting a risk never makes a
  country look worse than one that did not look;
* index = sum(weight x level) / sum(weight) x 25 over the applicable components, with an unknown
  level counted as 0: evidence not found is not met (as the Global Slavery Index scores it), so
  hiding evidence can never raise a score. Its range puts the unknowns at 0 and at 4;
* a country is ranked only when its evidence covers the framework's ``rank_coverage`` (75%) of the
  applicable weight; otherwise it is shown but not ranked;
* band = the best band whose minimum the index reaches, then lowered by any cap that applies (an
  unknown level counts as 0 for caps too).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from aftercare_report import findings
from aftercare_report.evidence import evidence_gaps
from aftercare_report.i18n import N_
from aftercare_report.limits import DEFAULT_STALE_YEARS
from aftercare_report.model import NOT_APPLICABLE, UNKNOWN, Framework, Profile

METHOD_WORDS = N_(
    "index = sum(weight x level) / sum(weight) x 25 over applicable components, an unknown level "
    "counting as 0; range = the index with unknown levels at 0 and at 4; coverage = weight with a "
    "known level / applicable weight, ranked only at %(coverage)s or more; "
    "gap = max(target - level, 0); "
    "severity = gap x weight (largest gaps: largest gap, then weight, then present risk factors "
    "it mitigates, to break ties); "
    "band = best band whose minimum the index reaches, lowered to a cap's band when a cap applies "
    "(an unknown level counts as 0 for caps)"
)
"""The method in one line, as a brief gives it in its language (the coverage to rank filled in)."""
METHOD = METHOD_WORDS % {"coverage": "75%"}
"""The method in one line, carried into JSON so a reader can recompute the figures."""

LARGEST_GAPS = 2
"""How many largest gaps page 1 names (each gets a page-2 step)."""

OPTIONAL_FIGURES = ("cost_casework_12_months", "cost_housing_12_months")
"""Figures few sources give: their absence is said once, in the comparative ("not costed")."""

TIP_BANDS = {"Tier 1": ("D", "E"), "Tier 3": ("A", "B")}
"""Bands that disagree strongly with a TIP tier (a Tier 1 country in D or E, Tier 3 in A or B)."""


@dataclass(frozen=True)
class Peer:
    """Another country in the comparison that meets the target for a component.

    Attributes:
        slug: Its profile slug.
        country: Its name.
        level: Its level (at or above the target).
        same_region: Whether it is in the same world region.
        evidence: Its evidence for that level.
    """

    slug: str
    country: str
    level: int
    same_region: bool
    evidence: str


@dataclass(frozen=True)
class ComponentResult:
    """How a country does on one component.

    Attributes:
        id: Component id.
        name: Component name.
        applicable: False when the component does not apply to this country.
        level: 0-4, or None when unknown or not applicable.
        target: The framework's target level.
        gap: Levels missing to the target (None when unknown or not applicable).
        weight: The component's weight in the index.
        severity: Gap x weight (0 when no known gap).
        risks: Ids of present risk factors this component mitigates.
        continuity: Support over time (level 3 requires 12 months or more).
        peer: A country in the comparison that meets the target (same region first), if any.
        evidence: The profile's evidence sentence (the reason, when not applicable).
        sources: Source ids behind it.
        level_text: What the country's level means for this component (framework descriptor).
    """

    id: str
    name: str
    applicable: bool
    level: int | None
    target: int
    gap: int | None
    weight: float
    severity: float
    risks: tuple[str, ...]
    continuity: bool
    peer: Peer | None
    evidence: str
    sources: tuple[str, ...]
    level_text: str

    @property
    def unknown(self) -> bool:
        """Whether the component applies but no source documents its level."""
        return self.applicable and self.level is None


RiskStatus = Literal["present", "absent", "unknown"]


@dataclass(frozen=True)
class RiskResult:
    """A re-trafficking risk factor in this country, and the weak components that should curb it."""

    id: str
    name: str
    status: RiskStatus
    evidence: str
    sources: tuple[str, ...]
    mitigated_by: tuple[str, ...]
    weak_mitigators: tuple[str, ...]


@dataclass(frozen=True)
class AppliedCap:
    """A cap that lowered the band.

    Attributes:
        id: Cap id.
        component: The component it rests on, or None for a risk cap.
        risk: The risk factor it rests on, or None for a component cap.
        band: The band it holds the country to.
        reason: Why, in plain words.
    """

    id: str
    component: str | None
    risk: str | None
    band: str
    reason: str


@dataclass(frozen=True)
class IndexResult:
    """The aftercare index with everything needed to recompute it.

    Attributes:
        value: 0-100, rounded to one decimal, unknown levels counted as 0; None when no component
            applies.
        low: The index with unknown levels at 0 (equal to ``value``).
        high: The index with unknown levels at 4.
        coverage: Share of the applicable weight held by components with a known level (0-1).
        ranked: Whether coverage reaches the framework's threshold for ranking.
        band: Band id after caps; None when no component applies.
        band_label: Its label, or "Not rated".
        uncapped_band: The band before caps.
        caps: Caps that lowered the band (a cap that applies without changing it is not listed).
    """

    value: float | None
    low: float | None
    high: float | None
    coverage: float
    ranked: bool
    band: str | None
    band_label: str
    uncapped_band: str | None
    caps: tuple[AppliedCap, ...]


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
        """Components with a gap, largest first: shortfall, then weight, then linked risks.

        Documented risks only break ties: multiplying by them made the best-documented countries
        look worst.
        """
        order = {c.id: i for i, c in enumerate(self.components)}
        gaps = [c for c in self.components if c.gap]
        return tuple(
            sorted(gaps, key=lambda c: (-(c.gap or 0), -c.weight, -len(c.risks), order[c.id]))
        )

    @property
    def largest_gaps(self) -> tuple[ComponentResult, ...]:
        """The gaps page 1 names (the first :data:`LARGEST_GAPS`): each gets a page-2 step."""
        return self.top_gaps[:LARGEST_GAPS]

    @property
    def rated(self) -> int:
        """How many applicable components have a known level."""
        return sum(c.level is not None for c in self.components)

    @property
    def applicable(self) -> int:
        """How many components apply to the country."""
        return sum(c.applicable for c in self.components)

    @property
    def anchor_disagrees(self) -> bool:
        """Whether the band disagrees strongly with the TIP tier (a sign of missing evidence)."""
        tier = self.profile.anchors.tip_tier.value
        return self.index.band is not None and self.index.band in TIP_BANDS.get(tier, ())


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
        index=_index(framework, components, present),
        components=components,
        risks=_risks(profile, framework, components),
        data_gaps=_data_gaps(profile, framework, stale_years),
        peers=tuple(sorted(p.slug for p in others)),
    )


def applies(profile: Profile, framework: Framework, cid: str) -> bool:
    """Whether component ``cid`` applies to the country (its role, and the profile's word)."""
    roles = framework.components[cid].roles
    if roles and not set(roles) & set(profile.roles):
        return False
    return profile.components[cid].level != NOT_APPLICABLE


def level_of(profile: Profile, cid: str) -> int | None:
    """Return a profile's level for component ``cid``; None when unknown or not applicable."""
    level = profile.components[cid].level
    return None if level in (UNKNOWN, NOT_APPLICABLE) else int(level)


def _component(
    profile: Profile, framework: Framework, cid: str, present: set[str], others: list[Profile]
) -> ComponentResult:
    spec, entry = framework.components[cid], profile.components[cid]
    applicable = applies(profile, framework, cid)
    level = level_of(profile, cid) if applicable else None
    risks = tuple(
        r for r, f in framework.risk_factors.items() if r in present and cid in f.mitigated_by
    )
    gap = None if level is None else max(spec.target - level, 0)
    severity = (gap or 0) * spec.weight
    return ComponentResult(
        id=cid,
        name=spec.name,
        applicable=applicable,
        level=level,
        target=spec.target,
        gap=gap,
        weight=spec.weight,
        severity=round(severity, 3),
        risks=risks if applicable else (),
        continuity=spec.continuity,
        peer=_peer(profile, framework, cid, others) if gap else None,
        evidence=entry.evidence,
        sources=entry.sources,
        level_text=spec.levels[level] if level is not None else "",
    )


def _peer(profile: Profile, framework: Framework, cid: str, others: list[Profile]) -> Peer | None:
    """A country that meets the target: the same region first, then the highest level, then A-Z.

    A peer below the target cannot show that the gap can be closed, so none is given then.
    """
    target = framework.components[cid].target
    met = [
        (lvl, p)
        for p in others
        if applies(p, framework, cid) and (lvl := level_of(p, cid)) is not None and lvl >= target
    ]
    if not met:
        return None
    level, best = min(met, key=lambda lp: (lp[1].region != profile.region, -lp[0], lp[1].country))
    same = best.region == profile.region
    return Peer(
        best.slug, findings.country_names(best)["name"], level, same, best.components[cid].evidence
    )


def _index(
    framework: Framework, components: tuple[ComponentResult, ...], present: set[str]
) -> IndexResult:
    applicable = [c for c in components if c.applicable]
    total = sum(c.weight for c in applicable)
    if not applicable:
        return IndexResult(None, None, None, 0.0, False, None, "Not rated", None, ())
    known = sum(c.weight for c in applicable if c.level is not None)
    low = sum(c.weight * (c.level or 0) for c in applicable) / total * 25
    high = sum(c.weight * (4 if c.level is None else c.level) for c in applicable) / total * 25
    value = round(low, 1)
    coverage = round(known / total, 3)
    bands = framework.index.bands
    uncapped = next(b for b in bands if value >= b.min)
    rank = {b.id: i for i, b in enumerate(bands)}
    caps = _caps_that_apply(framework, components, present)
    final = max([uncapped.id, *(c.band for c in caps)], key=lambda b: rank[b])
    lowering = tuple(c for c in caps if rank[c.band] > rank[uncapped.id])
    label = next(b.label for b in bands if b.id == final)
    ranked = coverage >= framework.index.rank_coverage
    return IndexResult(
        value, value, round(high, 1), coverage, ranked, final, label, uncapped.id, lowering
    )


def _caps_that_apply(
    framework: Framework, components: tuple[ComponentResult, ...], present: set[str]
) -> list[AppliedCap]:
    by_id = {c.id: c for c in components}
    out = []
    for cap in framework.index.caps:
        if cap.component is not None:
            result = by_id[cap.component]
            # An unknown level counts as 0, so hiding the evidence cannot lift a cap.
            hit = result.applicable and (result.level or 0) <= (cap.level_at_most or 0)
        else:
            hit = cap.risk in present
        if hit:
            out.append(AppliedCap(cap.id, cap.component, cap.risk, cap.band, cap.reason.strip()))
    return out


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


def _data_gaps(profile: Profile, framework: Framework, stale_years: int) -> tuple[DataGap, ...]:
    gaps = [
        DataGap(g.code, g.subject, g.message)
        for g in evidence_gaps(profile, framework, stale_years)
        if g.code != "unknown-level" or applies(profile, framework, str(g.path[1]))
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
        elif not figure.known and name not in OPTIONAL_FIGURES:
            msg = findings.missing_figure(name)
            gaps.append(DataGap("missing-figure", subject, msg))
    return tuple(gaps)
