"""The JSON shapes for machines: one country's assessment, and the rows of ``list``.

The shapes are documented in the README and versioned by :data:`JSON_SCHEMA_VERSION`; typed
dictionaries keep the code and the documentation honest about every key.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict
from typing import Any, Literal, TypedDict

from aftercare_report.assess import METHOD
from aftercare_report.report import CountryReport
from aftercare_report.terms import DEFAULT_TERMS, reword

JSON_SCHEMA_VERSION = 1
"""Version of the assessment JSON shape (documented in the README); bumped on breaking change."""

SortKey = Literal["index", "country", "as_of", "data_gaps"]
SORT_KEYS: tuple[SortKey, ...] = ("index", "country", "as_of", "data_gaps")


class SummaryRow(TypedDict):
    """One row of ``list``: a country at a glance."""

    slug: str
    country: str
    index: float | None
    band: str | None
    as_of: str
    rated: int
    components: int
    data_gaps: int
    largest_gap: str | None
    largest_gap_name: str | None


def report_json(report: CountryReport, terms: Mapping[str, str] = DEFAULT_TERMS) -> dict[str, Any]:
    """Return the documented JSON shape of one country's assessment.

    Args:
        report: The country report.
        terms: The team's terminology, applied to generated sentences.

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
            {**asdict(r), "text": reword(r.text, terms), "why": reword(r.why, terms)}
            for r in report.recommendations
        ],
        "data_gaps": [{**asdict(g), "message": reword(g.message, terms)} for g in a.data_gaps],
        "key_messages": [reword(m, terms) for m in report.key_messages],
        "sources": {sid: s.model_dump() for sid, s in profile.sources.items()},
    }


def comparative_json(
    reports: Sequence[CountryReport], terms: Mapping[str, str] = DEFAULT_TERMS
) -> dict[str, Any]:
    """Return the JSON of a comparative brief: each country's assessment."""
    return {"countries": [report_json(r, terms) for r in reports]}


def summary_rows(reports: Sequence[CountryReport], sort: SortKey = "index") -> list[SummaryRow]:
    """Return the ``list`` rows, sorted.

    Args:
        reports: The countries.
        sort: ``index`` or ``data_gaps`` (highest first), ``as_of`` (newest first) or
            ``country`` (A-Z). Countries without a value come last; ties go by name.
    """
    rows = sorted((summary_row(r) for r in reports), key=lambda r: r["country"].casefold())
    if sort == "country":
        return rows
    # Stable sorts: by name first, then by the key in descending order with missing values last.
    return sorted(rows, key=lambda r: (r[sort] is None, _descending(r[sort])))


def _descending(value: str | float | None) -> tuple[float, ...]:
    if value is None:
        return (0.0,)
    if isinstance(value, str):  # ISO dates: newest first
        return tuple(-float(ord(c)) for c in value)
    return (-float(value),)


def summary_row(report: CountryReport) -> SummaryRow:
    """Return one row of the ``list`` command: the country at a glance.

    Args:
        report: The country report.
    """
    a = report.assessment
    top = a.top_gaps[0] if a.top_gaps else None
    return SummaryRow(
        slug=report.profile.slug,
        country=report.profile.country,
        index=a.index.value,
        band=a.index.band,
        as_of=report.profile.as_of.isoformat(),
        rated=sum(c.level is not None for c in a.components),
        components=len(a.components),
        data_gaps=len(a.data_gaps),
        largest_gap=top.id if top else None,
        largest_gap_name=top.name if top else None,
    )
