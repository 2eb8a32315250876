"""The JSON shapes for machines: one country's assessment, and the rows of ``list``.

The shapes are documented in the README and versioned by :data:`JSON_SCHEMA_VERSION`; typed
dictionaries keep the code and the documentation honest about every key.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import asdict
from typing import TYPE_CHECKING, Any, Literal, TypedDict

from aftercare_report.assess import METHOD
from aftercare_report.errors import BuildError
from aftercare_report.followup import STATUSES
from aftercare_report.i18n import current, using
from aftercare_report.limits import MB
from aftercare_report.report import CountryReport

if TYPE_CHECKING:
    from aftercare_report.build import Brief, Setting

JSON_SCHEMA_VERSION = 4
"""Version of the assessment JSON shape (documented in the README); bumped on breaking change."""

SortKey = Literal["index", "country", "as_of", "data_gaps"]
SORT_KEYS: tuple[SortKey, ...] = ("index", "country", "as_of", "data_gaps")


class SummaryRow(TypedDict):
    """One row of ``list``: a country at a glance."""

    slug: str
    country: str
    rank: int | None
    above: list[str]
    below: list[str]
    index: float | None
    range: tuple[float | None, float | None]
    coverage: float
    ranked: bool
    band: str | None
    tip_tier: str
    tip_year: int | None
    gsi: str
    gsi_score: int | None
    gsi_year: int | None
    as_of: str
    rated: int
    components: int
    data_gaps: int
    largest_gap: str | None
    largest_gap_name: str | None


def report_json(report: CountryReport) -> dict[str, Any]:
    """Return the documented JSON shape of one country's assessment.

    Generated sentences and framework names are in the current language (``language``), with
    the team's terms; profile evidence is as the profile words it (``evidence_language``).

    Args:
        report: The country report.

    Returns:
        Plain data with ``schema_version``, ``country``, ``index`` (value, range, coverage,
        ranked, band, caps), ``anchors``, ``components``, ``risks``, ``timeline``,
        ``recommendations``, ``data_gaps``, ``key_messages``, ``claims`` and the ``method``.
    """
    a, profile = report.assessment, report.profile
    index = a.index
    fill = current().fill
    return {
        "schema_version": JSON_SCHEMA_VERSION,
        "language": current().code,
        "evidence_language": profile.language,
        "slug": profile.slug,
        "country": profile.country,
        "iso3": profile.iso3,
        "region": profile.region,
        "roles": list(profile.roles),
        "as_of": profile.as_of.isoformat(),
        "framework": {"id": a.framework.id, "version": a.framework.version},
        "index": {
            "value": index.value,
            "range": [index.low, index.high],
            "coverage": index.coverage,
            "ranked": index.ranked,
            "band": index.band,
            "band_label": index.band_label,
            "uncapped_band": index.uncapped_band,
            "caps": [asdict(c) for c in index.caps],
        },
        "anchors": {name: anchor.model_dump() for name, anchor in profile.anchors},
        "anchor_disagrees": a.anchor_disagrees,
        "method": METHOD,
        "peers": list(a.peers),
        "components": [
            {
                "id": c.id,
                "name": fill(c.name),
                "applicable": c.applicable,
                "level": c.level,
                "target": c.target,
                "gap": c.gap,
                "weight": c.weight,
                "severity": c.severity,
                "continuity": c.continuity,
                "risks": list(c.risks),
                "peer": asdict(c.peer) if c.peer else None,
                "evidence": c.evidence.strip(),
                "sources": list(c.sources),
            }
            for c in a.components
        ],
        "risks": [
            {
                "id": r.id,
                "name": fill(r.name),
                "status": r.status,
                "evidence": r.evidence.strip(),
                "sources": list(r.sources),
                "mitigated_by": list(r.mitigated_by),
                "weak_mitigators": list(r.weak_mitigators),
            }
            for r in a.risks
        ],
        "measures": {name: m.model_dump() for name, m in profile.measures},
        "timeline": {name: stage.model_dump() for name, stage in profile.timeline},
        "recommendations": [
            {**asdict(r), "text": fill(r.text), "why": fill(r.why)} for r in report.recommendations
        ],
        "data_gaps": [{**asdict(g), "message": fill(g.message)} for g in a.data_gaps],
        "key_messages": [fill(m) for m in report.key_messages],
        "key_figures": {name: f.model_dump() for name, f in profile.key_figures},
        "claims": [c.model_dump() for c in profile.claims],
        "institutions": {name: i.model_dump() for name, i in profile.institutions if i is not None},
        "subnational": [s.model_dump() for s in profile.subnational],
        "survivor_quotes": [q.model_dump() for q in profile.survivor_quotes],
        "instruments": {name: i.model_dump() for name, i in profile.instruments.items()},
        "sources": {sid: s.model_dump() for sid, s in profile.sources.items()},
        **edition_json(report),
    }


def edition_json(report: CountryReport) -> dict[str, Any]:
    """The edition, the follow-up of the previous one, and the reply to the page-2 steps.

    Returns:
        ``edition`` ({name, previous, previous_date}, or None when the project names none),
        ``follow_up`` ({edition, edition_date, known, counts, items}, or None), ``reply``
        (as the profile gives it, or None) and ``reply_requested`` ({institution, sent}, or
        None when the project file records no request).
    """
    edition, followed, request = report.edition, report.follow_up, report.request
    reply = report.profile.reply
    return {
        "edition": {
            "name": edition.name or None,
            "previous": edition.previous or None,
            "previous_date": edition.previous_date.isoformat() if edition.previous_date else None,
        }
        if edition.name or edition.previous
        else None,
        "follow_up": {
            "edition": followed.edition,
            "edition_date": followed.edition_date.isoformat() if followed.edition_date else None,
            "known": followed.known,
            "counts": {status: followed.count(status) for status in STATUSES},
            "items": [
                {"recommendation": item.id, **asdict(item, dict_factory=_without_id)}
                for item in followed.items
            ],
        }
        if followed
        else None,
        "reply": {**reply.model_dump(), "date": reply.date.isoformat()} if reply else None,
        "reply_requested": {"institution": request.institution, "sent": request.sent.isoformat()}
        if request
        else None,
    }


def _without_id(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    return {k: v for k, v in pairs if k != "id"}


def comparative_json(reports: Sequence[CountryReport]) -> dict[str, Any]:
    """Return the JSON of a comparative brief: each country's assessment."""
    return {"countries": [report_json(r) for r in reports]}


def brief_json(brief: Brief, text: str, setting: Setting) -> bytes:
    """The JSON of a brief, as written: one country's assessment, or the comparison's.

    Raises:
        BuildError: The JSON passes ``[limits] html_mb``, like the other formats (counted as
            it is encoded, so a comparison of many large profiles stops there).
    """
    with using(brief.language):
        if brief.kind == "country":
            data = report_json(brief.reports[0])
        else:
            data = comparative_json(brief.reports)
    limit = setting.options.limits.html_chars
    out, size = [], 0
    for chunk in json.JSONEncoder(indent=2, ensure_ascii=False).iterencode(data):
        encoded = chunk.encode()
        size += len(encoded)
        if size >= limit:  # the final newline must fit too
            raise BuildError(
                f"{brief.stem}.json ({brief.subject}): the JSON passed the limit of "
                f"{limit // MB:,} MB ([limits] html_mb); nothing was written"
            )
        out.append(encoded)
    out.append(b"\n")
    return b"".join(out)


def summary_rows(reports: Sequence[CountryReport], sort: SortKey = "index") -> list[SummaryRow]:
    """Return the ``list`` rows, sorted.

    Args:
        reports: The countries.
        sort: ``index`` or ``data_gaps`` (highest first), ``as_of`` (newest first) or
            ``country`` (A-Z). Countries without a value come last; ties go by name.
    """
    ranks = ranking(reports)
    pairs = orderings(reports)
    rows = sorted(
        (summary_row(r, ranks.get(r.profile.slug), pairs) for r in reports),
        key=lambda r: r["country"].casefold(),
    )
    if sort == "country":
        return rows
    if sort == "index":  # ranked countries by rank, then the unranked by index
        return sorted(
            rows, key=lambda r: (r["rank"] is None, r["rank"] or 0, _descending(r["index"]))
        )
    # Stable sorts: by name first, then by the key in descending order with missing values last.
    return sorted(rows, key=lambda r: (r[sort] is None, _descending(r[sort])))


def ranking(reports: Sequence[CountryReport]) -> dict[str, int]:
    """Rank the countries whose evidence covers enough of the framework, only where ranges separate.

    Country A is above B only when A's whole range (unknown parts at 0 to unknown parts at 4)
    lies above B's: otherwise the published evidence cannot order them. A country's rank is one
    more than the number of countries above it in that sense, so countries that cannot be
    ordered share a rank. Countries below the coverage threshold are left out: a rank built on
    missing evidence would mislead.

    Returns:
        Rank (1 = highest) by profile slug, for ranked countries only.
    """
    return ranks(
        {
            r.profile.slug: (r.assessment.index.low or 0.0, r.assessment.index.high or 0.0)
            for r in _rankable(reports)
        }
    )


def ranks(ranges: Mapping[str, tuple[float, float]]) -> dict[str, int]:
    """Rank by index ranges: one more than the number of others whose whole range lies above.

    Args:
        ranges: The (low, high) index range of each country that may be ranked, by any key.
    """
    return {
        key: 1 + sum(low > high for other, (low, _) in ranges.items() if other != key)
        for key, (_, high) in ranges.items()
    }


def orderings(reports: Sequence[CountryReport]) -> list[tuple[CountryReport, CountryReport]]:
    """Every pair the evidence can order: (higher, lower), highest first, then by name."""
    ranked = sorted(
        _rankable(reports),
        key=lambda r: (-(r.assessment.index.low or 0.0), r.profile.country.casefold()),
    )
    return [(a, b) for a in ranked for b in ranked if _above(a, b)]


def _rankable(reports: Sequence[CountryReport]) -> list[CountryReport]:
    return [
        r for r in reports if r.assessment.index.ranked and r.assessment.index.value is not None
    ]


def _above(a: CountryReport, b: CountryReport) -> bool:
    """Whether A's whole range lies above B's: A is ahead however the unknowns are counted."""
    return (a.assessment.index.low or 0.0) > (b.assessment.index.high or 0.0)


def _int_or_none(score: int | str) -> int | None:
    return score if isinstance(score, int) else None


def _descending(value: str | float | None) -> tuple[float, ...]:
    if value is None:
        return (0.0,)
    if isinstance(value, str):  # ISO dates: newest first
        return tuple(-float(ord(c)) for c in value)
    return (-float(value),)


def summary_row(
    report: CountryReport,
    rank: int | None = None,
    pairs: Sequence[tuple[CountryReport, CountryReport]] = (),
) -> SummaryRow:
    """Return one row of the ``list`` command: the country at a glance.

    Args:
        report: The country report.
        rank: Its rank among the countries listed (one more than the number of countries whose
            whole range lies above its own), or None when it is not ranked.
        pairs: The orders the evidence supports (see :func:`orderings`): the row lists the
            countries it is above and below, the only orders that hold.
    """
    a, anchors = report.assessment, report.profile.anchors
    top = a.top_gaps[0] if a.top_gaps else None
    return SummaryRow(
        slug=report.profile.slug,
        country=report.profile.country,
        rank=rank,
        above=[low.profile.slug for high, low in pairs if high is report],
        below=[high.profile.slug for high, low in pairs if low is report],
        index=a.index.value,
        range=(a.index.low, a.index.high),
        coverage=a.index.coverage,
        ranked=a.index.ranked,
        band=a.index.band,
        tip_tier=anchors.tip_tier.value,
        tip_year=anchors.tip_tier.year,
        gsi=anchors.gsi_government_response.rating,
        gsi_score=_int_or_none(anchors.gsi_government_response.score),
        gsi_year=anchors.gsi_government_response.year,
        as_of=report.profile.as_of.isoformat(),
        rated=a.rated,
        components=a.applicable,
        data_gaps=len(a.data_gaps),
        largest_gap=top.id if top else None,
        largest_gap_name=top.name if top else None,
    )
