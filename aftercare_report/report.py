"""Assess countries once each and present the result as JSON-ready data.

A :class:`CountryReport` is the unit everything downstream consumes — the ``gaps`` and ``list``
commands, JSON output and the briefs — so a country that appears in several briefs is assessed once.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from aftercare_report import catalog
from aftercare_report.assess import METHOD, Assessment, assess
from aftercare_report.model import Framework, Profile
from aftercare_report.recommend import (
    DEFAULT_TERMS,
    Recommendation,
    key_messages,
    recommendations,
    reword,
)
from aftercare_report.validation import DEFAULT_STALE_YEARS

JSON_SCHEMA_VERSION = 1
"""Version of the assessment JSON shape (documented in the README); bumped on breaking change."""


@dataclass(frozen=True)
class CountryReport:
    """One country's assessment with its recommendations and key messages."""

    assessment: Assessment
    recommendations: tuple[Recommendation, ...]
    key_messages: tuple[str, ...]
    terms: Mapping[str, str] = field(default_factory=lambda: dict(DEFAULT_TERMS))

    @property
    def profile(self) -> Profile:
        """The assessed profile."""
        return self.assessment.profile


def analyse(
    profiles: Sequence[Profile],
    framework: Framework,
    peers: Sequence[Profile] | None = None,
    *,
    stale_years: int = DEFAULT_STALE_YEARS,
    terms: Mapping[str, str] = DEFAULT_TERMS,
) -> tuple[CountryReport, ...]:
    """Assess each profile once against the framework and its peers.

    Args:
        profiles: The countries to report on.
        framework: The framework.
        peers: Countries to compare with (default: ``profiles`` themselves).
        stale_years: Sources this many years older than ``as_of`` count as data gaps.
        terms: The team's terminology for generated sentences.

    Returns:
        One report per profile, in the order given.
    """
    peer_set = tuple(profiles if peers is None else peers)
    out = []
    for profile in profiles:
        assessment = assess(profile, framework, peer_set, stale_years=stale_years)
        recs = recommendations(assessment)
        messages = key_messages(assessment, recs, terms)
        out.append(CountryReport(assessment, recs, messages, dict(terms)))
    return tuple(out)


def analyse_inputs(
    countries: Sequence[str],
    profile_paths: Sequence[Path],
    framework_path: Path | None,
    peers: Sequence[str] | None = None,
    *,
    stale_years: int = DEFAULT_STALE_YEARS,
    terms: Mapping[str, str] = DEFAULT_TERMS,
) -> tuple[CountryReport, ...]:
    """Load the inputs, pick the countries and their peers, and assess each country once.

    Args:
        countries: Names, slugs, ISO3 codes or profile paths; empty means every loaded profile.
        profile_paths: Profile files or folders; empty means the bundled profiles.
        framework_path: A team's framework file, or None for the bundled one.
        peers: Countries to compare with; None means every loaded profile. The chosen
            countries are always among the peers of each other.
        stale_years: Sources this many years older than ``as_of`` count as data gaps.
        terms: The team's terminology for generated sentences.

    Raises:
        InputError: Invalid profiles or framework, or a country that matches no profile.
    """
    framework = catalog.load_framework(framework_path)
    loaded = catalog.load_profiles(profile_paths, framework, stale_years)
    chosen = catalog.select(countries, loaded, framework) if countries else loaded
    catalog.check_one_per_country(chosen)
    peer_set = catalog.select(peers, loaded, framework) if peers else loaded
    return analyse(
        chosen,
        framework,
        catalog.one_per_country([*chosen, *peer_set]),
        stale_years=stale_years,
        terms=terms,
    )


def report_json(report: CountryReport) -> dict[str, Any]:
    """Return the documented JSON shape of one country's assessment.

    Args:
        report: The country report.

    Returns:
        Plain data with ``schema_version``, ``country``, ``index``, ``band``, ``components``,
        ``risks``, ``recommendations``, ``data_gaps``, ``key_messages`` and the ``method``.
    """
    a, profile = report.assessment, report.profile
    return {
        "schema_version": JSON_SCHEMA_VERSION,
        "slug": profile.slug,
        "country": profile.country,
        "iso3": profile.iso3,
        "as_of": profile.as_of.isoformat(),
        "framework": {"id": a.framework.id, "version": a.framework.version},
        "index": a.index.value,
        "band": a.index.band,
        "band_label": a.index.band_label,
        "uncapped_band": a.index.uncapped_band,
        "caps": [asdict(c) for c in a.index.caps],
        "coverage": a.index.coverage,
        "method": METHOD,
        "peers": list(a.peers),
        "components": [
            {
                "id": c.id,
                "name": c.name,
                "level": c.level,
                "target": c.target,
                "gap": c.gap,
                "weight": c.weight,
                "severity": c.severity,
                "risks": list(c.risks),
                "best_peer": asdict(c.best_peer) if c.best_peer else None,
                "evidence": c.evidence,
                "sources": list(c.sources),
            }
            for c in a.components
        ],
        "risks": [
            {
                "id": r.id,
                "name": r.name,
                "status": r.status,
                "evidence": r.evidence,
                "sources": list(r.sources),
                "mitigated_by": list(r.mitigated_by),
                "weak_mitigators": list(r.weak_mitigators),
            }
            for r in a.risks
        ],
        "recommendations": [
            {**asdict(r), "text": reword(r.text, report.terms), "why": reword(r.why, report.terms)}
            for r in report.recommendations
        ],
        "data_gaps": [
            {**asdict(g), "message": reword(g.message, report.terms)} for g in a.data_gaps
        ],
        "key_messages": list(report.key_messages),
        "sources": {sid: s.model_dump() for sid, s in profile.sources.items()},
    }


def summary_rows(reports: Sequence[CountryReport], sort: str = "index") -> list[dict[str, Any]]:
    """Return the ``list`` rows, sorted.

    Args:
        reports: The countries.
        sort: ``index`` or ``data_gaps`` (highest first), ``as_of`` (newest first) or
            ``country`` (A-Z). Countries without a value come last; ties go by name.
    """
    rows = [summary_row(r) for r in reports]
    if sort == "country":
        return sorted(rows, key=lambda r: str(r["country"]).casefold())
    by_name = sorted(rows, key=lambda r: str(r["country"]).casefold())
    # Stable sorts: by name first, then by the key in descending order with missing values last.
    return sorted(by_name, key=lambda r: (r[sort] is None, _descending(r[sort])))


def _descending(value: Any) -> Any:
    if value is None:
        return 0
    if isinstance(value, str):  # ISO dates: newest first
        return tuple(-ord(c) for c in value)
    return -value


def summary_row(report: CountryReport) -> dict[str, Any]:
    """Return one row of the ``list`` command: the country at a glance.

    Args:
        report: The country report.
    """
    a = report.assessment
    top = a.top_gaps[0] if a.top_gaps else None
    return {
        "slug": report.profile.slug,
        "country": report.profile.country,
        "index": a.index.value,
        "band": a.index.band,
        "as_of": report.profile.as_of.isoformat(),
        "rated": sum(c.level is not None for c in a.components),
        "components": len(a.components),
        "data_gaps": len(a.data_gaps),
        "largest_gap": top.id if top else None,
        "largest_gap_name": top.name if top else None,
    }
