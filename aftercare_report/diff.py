"""Compare two editions of the briefs: what changed in the assessments, not in the bytes.

Both sides are editions as published (:mod:`aftercare_report.editions`): the JSON of a build,
or a git revision assessed the same way. Countries are matched by ISO3 code. For each, the
comparison names what a reviewer must see: the index with its range, coverage, band and rank;
each part of aftercare whose level, evidence or sources changed; measures, risks, stages of the
timeline, key figures and the TIP and GSI anchors; recommendations added, dropped or changed (by
id, which stays the same from edition to edition); data gaps new and resolved; the follow-up
and the reply; sources whose entry changed; and countries added or removed. Wording and order
that carry no substance (generated sentences, numbering) are left out.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any, Literal

from aftercare_report.editions import (
    PublishedAnchor,
    PublishedCountry,
    PublishedFigure,
    PublishedFollowUpItem,
    PublishedRecommendation,
    PublishedReply,
    PublishedSource,
    PublishedStatus,
)
from aftercare_report.export import ranks

Section = Literal["component", "measure", "risk", "stage", "figure", "anchor", "follow-up", "reply"]
"""Which part of a country's assessment a change is in."""
SECTIONS: tuple[Section, ...] = (
    "component",
    "measure",
    "risk",
    "stage",
    "figure",
    "anchor",
    "follow-up",
    "reply",
)


@dataclass(frozen=True)
class SourceRef:
    """A source as a reviewer recognises it.

    Attributes:
        id: Its id in the profile's registry.
        title: Its title ("" when the registry does not hold it).
        publisher: Who published it.
        year: When, or None.
    """

    id: str
    title: str = ""
    publisher: str = ""
    year: int | None = None


@dataclass(frozen=True)
class Change:
    """One part of a country's assessment that changed.

    Attributes:
        section: ``component``, ``measure``, ``risk``, ``stage``, ``figure``, ``anchor``,
            ``follow-up`` or ``reply``.
        id: Its id (component, measure, figure... or recommendation id for a follow-up).
        name: What it is, in words.
        old: Its value before ("2", "partial", "444 (2022)"), "" when it did not exist.
        new: Its value after, "" when it no longer exists.
        old_evidence: The evidence before, when the evidence changed ("" otherwise).
        new_evidence: The evidence after, when it changed.
        added_sources: Sources it cites now and did not.
        removed_sources: Sources it cited and no longer does.
    """

    section: Section
    id: str
    name: str
    old: str
    new: str
    old_evidence: str = ""
    new_evidence: str = ""
    added_sources: tuple[SourceRef, ...] = ()
    removed_sources: tuple[SourceRef, ...] = ()


@dataclass(frozen=True)
class Field:
    """One field of a recommendation or a source that changed."""

    name: str
    old: str
    new: str


@dataclass(frozen=True)
class RecChange:
    """A recommendation added, dropped or changed, by id.

    Attributes:
        id: Its id, the same from edition to edition.
        change: ``added``, ``dropped`` or ``changed``.
        text: Its text (the old one when dropped).
        headline: A page-2 step (in the new edition; the old one when dropped).
        fields: For ``changed``: text, institution, indicator, page 2 or priority, before and
            after.
    """

    id: str
    change: Literal["added", "dropped", "changed"]
    text: str
    headline: bool
    fields: tuple[Field, ...] = ()


@dataclass(frozen=True)
class SourceEdit:
    """A source whose registry entry changed (same id; title, publisher, year or URL)."""

    id: str
    fields: tuple[Field, ...]


@dataclass(frozen=True)
class Standing:
    """A country's index, as one side shows it.

    Attributes:
        value: The index, or None when nothing applies.
        low: Its range's low end (undocumented parts at 0).
        high: Its range's high end (undocumented parts at 4).
        coverage: The share of the framework's weight the evidence covers (0-1).
        ranked: Whether the evidence is enough to rank it.
        band: Its band, or None.
        rank: Its rank among the countries of that side, or None.
    """

    value: float | None
    low: float | None
    high: float | None
    coverage: float
    ranked: bool
    band: str | None
    rank: int | None


@dataclass(frozen=True)
class CountryDiff:
    """What changed for one country.

    Attributes:
        iso3: Its ISO3 code (how the sides are matched).
        slug: Its profile's name.
        country: Its name.
        change: ``added``, ``removed`` or ``changed``.
        old: Its index before, or None when added.
        new: Its index after, or None when removed.
        changes: Parts of its assessment that changed.
        recommendations: Recommendations added, dropped or changed.
        new_gaps: What the new edition says it does not know that the old did not.
        resolved_gaps: What the old edition did not know that the new one no longer lists.
        sources: Sources whose entry changed.
    """

    iso3: str
    slug: str
    country: str
    change: Literal["added", "removed", "changed"]
    old: Standing | None
    new: Standing | None
    changes: tuple[Change, ...] = ()
    recommendations: tuple[RecChange, ...] = ()
    new_gaps: tuple[str, ...] = ()
    resolved_gaps: tuple[str, ...] = ()
    sources: tuple[SourceEdit, ...] = ()

    @property
    def index_changed(self) -> bool:
        """Whether the index, its range, coverage, band or rank changed."""
        return self.old != self.new


@dataclass(frozen=True)
class EditionDiff:
    """The comparison of two editions.

    Attributes:
        old: What the old side is ("HEAD~1", "out-2026/").
        new: What the new side is.
        countries: Countries added, removed or changed, by name.
        unchanged: Names of the countries in both with no change in substance.
        files: Between two git revisions (or a revision and the working tree): the files of
            the project that differ, which may change a brief's wording (a template, a
            translation, a profile's summary) where the assessments show no change.
    """

    old: str
    new: str
    countries: tuple[CountryDiff, ...]
    unchanged: tuple[str, ...]
    files: tuple[str, ...] = ()

    @property
    def changed(self) -> bool:
        """Whether anything of substance changed."""
        return bool(self.countries)


def compare(
    old: Mapping[str, PublishedCountry],
    new: Mapping[str, PublishedCountry],
    old_label: str = "old",
    new_label: str = "new",
) -> EditionDiff:
    """Compare two editions, country by country.

    Args:
        old: The old edition's countries, by ISO3 code.
        new: The new edition's countries, by ISO3 code.
        old_label: How to name the old side.
        new_label: How to name the new side.
    """
    old_ranks, new_ranks = _ranks(old), _ranks(new)
    both = {**old, **new}  # the new side's name wins
    found, unchanged = [], []
    for iso3 in sorted(both, key=lambda k: both[k].country.casefold()):
        before, after = old.get(iso3), new.get(iso3)
        made = _country(
            before,
            after,
            _standing(before, old_ranks.get(iso3)),
            _standing(after, new_ranks.get(iso3)),
        )
        if made is None:
            unchanged.append(both[iso3].country)
        else:
            found.append(made)
    return EditionDiff(old_label, new_label, tuple(found), tuple(unchanged))


def _ranks(side: Mapping[str, PublishedCountry]) -> dict[str, int]:
    return ranks(
        {
            iso3: (c.index.range[0] or 0.0, c.index.range[1] or 0.0)
            for iso3, c in side.items()
            if c.index.ranked and c.index.value is not None
        }
    )


def _standing(country: PublishedCountry | None, rank: int | None) -> Standing | None:
    if country is None:
        return None
    index = country.index
    return Standing(
        index.value,
        index.range[0],
        index.range[1],
        round(index.coverage, 3),
        index.ranked,
        index.band,
        rank,
    )


def _country(
    old: PublishedCountry | None,
    new: PublishedCountry | None,
    old_standing: Standing | None,
    new_standing: Standing | None,
) -> CountryDiff | None:
    either = new or old
    assert either is not None
    head = (either.iso3.upper(), either.slug, either.country)
    if old is None or new is None:
        return CountryDiff(*head, "added" if old is None else "removed", old_standing, new_standing)
    changes = tuple(_changes(old, new))
    recs = tuple(_recommendations(old.recommendations, new.recommendations))
    gaps_old = {(g.kind, g.subject): g.message for g in old.data_gaps}
    gaps_new = {(g.kind, g.subject): g.message for g in new.data_gaps}
    diff = CountryDiff(
        *head,
        "changed",
        old_standing,
        new_standing,
        changes,
        recs,
        tuple(m for k, m in gaps_new.items() if k not in gaps_old),
        tuple(m for k, m in gaps_old.items() if k not in gaps_new),
        tuple(_source_edits(old.sources, new.sources)),
    )
    substance = (diff.index_changed, changes, recs, diff.new_gaps, diff.resolved_gaps)
    return diff if any(substance) or diff.sources else None


# --- the parts of a country ------------------------------------------------------------------


@dataclass(frozen=True)
class _Row:
    """One part of a country on both sides: its value, evidence and sources before and after."""

    section: Section
    id: str
    name: str
    old: str = ""
    new: str = ""
    old_evidence: str = ""
    new_evidence: str = ""
    old_sources: tuple[str, ...] = ()
    new_sources: tuple[str, ...] = ()


def _changes(old: PublishedCountry, new: PublishedCountry) -> Iterable[Change]:
    """Every part whose value, evidence or sources changed, in the order a brief shows them."""
    rows = [
        *_component_rows(old, new),
        *_status_rows("measure", old.measures, new.measures),
        *_status_rows("stage", old.timeline, new.timeline),
        *_status_rows("risk", {r.id: r for r in old.risks}, {r.id: r for r in new.risks}),
        *_figure_rows(old, new),
        *_anchor_rows(old, new),
        *_follow_up_rows(old, new),
        _reply_row(old, new),
    ]
    for row in rows:
        made = _change(row, old, new)
        if made is not None:
            yield made


def _keys(before: Mapping[str, object], after: Mapping[str, object]) -> list[str]:
    """The keys of both sides: the new side's order, then those only the old side has."""
    return [*after, *(k for k in before if k not in after)]


def _component_rows(old: PublishedCountry, new: PublishedCountry) -> Iterable[_Row]:
    before = {c.id: c for c in old.components}
    after = {c.id: c for c in new.components}
    for key in _keys(before, after):
        b, a = before.get(key), after.get(key)
        yield _Row(
            "component",
            key,
            (a or b).name if (a or b) else key,  # type: ignore[union-attr]
            _level(b.level, b.applicable) if b else "",
            _level(a.level, a.applicable) if a else "",
            b.evidence if b else "",
            a.evidence if a else "",
            b.sources if b else (),
            a.sources if a else (),
        )


def _status_rows(
    section: Section,
    before: Mapping[str, PublishedStatus],
    after: Mapping[str, PublishedStatus],
) -> Iterable[_Row]:
    for key in _keys(before, after):
        b, a = before.get(key), after.get(key)
        named = (a.name if a else "") or (b.name if b else "")
        yield _Row(
            section,
            key,
            named or _words(key),
            _status(b) if b else "",
            _status(a) if a else "",
            b.evidence if b else "",
            a.evidence if a else "",
            b.sources if b else (),
            a.sources if a else (),
        )


def _figure_rows(old: PublishedCountry, new: PublishedCountry) -> Iterable[_Row]:
    for key in _keys(old.key_figures, new.key_figures):
        b, a = old.key_figures.get(key), new.key_figures.get(key)
        yield _Row(
            "figure",
            key,
            _words(key),
            _figure(b) if b else "",
            _figure(a) if a else "",
            b.counts if b else "",
            a.counts if a else "",
            b.sources if b else (),
            a.sources if a else (),
        )


def _anchor_rows(old: PublishedCountry, new: PublishedCountry) -> Iterable[_Row]:
    for key in _keys(old.anchors, new.anchors):
        b, a = old.anchors.get(key), new.anchors.get(key)
        yield _Row(
            "anchor",
            key,
            ANCHOR_NAMES.get(key, _words(key)),
            _anchor(b) if b else "",
            _anchor(a) if a else "",
            old_sources=b.sources if b else (),
            new_sources=a.sources if a else (),
        )


ANCHOR_NAMES = {"tip_tier": "US TIP report tier", "gsi_government_response": "Global Slavery Index"}


def _follow_up_rows(old: PublishedCountry, new: PublishedCountry) -> Iterable[_Row]:
    # Recommendations a profile does not follow up are not a change of its follow-up.
    before = {i.recommendation: i for i in _recorded(old)}
    after = {i.recommendation: i for i in _recorded(new)}
    for key in _keys(before, after):
        b, a = before.get(key), after.get(key)
        yield _Row(
            "follow-up",
            key,
            (a.text if a else "") or (b.text if b else "") or key,
            _words(b.status) if b else "",
            _words(a.status) if a else "",
            b.evidence if b else "",
            a.evidence if a else "",
            b.sources if b else (),
            a.sources if a else (),
        )


def _recorded(country: PublishedCountry) -> list[PublishedFollowUpItem]:
    return [i for i in (country.follow_up.items if country.follow_up else ()) if i.recorded]


def _reply_row(old: PublishedCountry, new: PublishedCountry) -> _Row:
    b, a = old.reply, new.reply
    return _Row(
        "reply",
        "reply",
        (a.institution if a else "") or (b.institution if b else ""),
        _reply(b) if b else "",
        _reply(a) if a else "",
        b.text if b else "",
        a.text if a else "",
        b.sources if b else (),
        a.sources if a else (),
    )


def _change(row: _Row, old: PublishedCountry, new: PublishedCountry) -> Change | None:
    added = [s for s in row.new_sources if s not in row.old_sources]
    removed = [s for s in row.old_sources if s not in row.new_sources]
    old_text, new_text = _flat(row.old_evidence), _flat(row.new_evidence)
    text_changed = old_text != new_text
    if row.old == row.new and not text_changed and not added and not removed:
        return None
    return Change(
        row.section,
        row.id,
        _flat(row.name),
        row.old,
        row.new,
        old_text if text_changed else "",
        new_text if text_changed else "",
        tuple(_ref(s, new.sources) for s in added),
        tuple(_ref(s, old.sources) for s in removed),
    )


def _recommendations(
    old: Sequence[PublishedRecommendation], new: Sequence[PublishedRecommendation]
) -> Iterable[RecChange]:
    before = {r.id: r for r in old}
    after = {r.id: r for r in new}
    for rec in new:
        was = before.get(rec.id)
        if was is None:
            yield RecChange(rec.id, "added", _flat(rec.text), rec.headline)
            continue
        fields = tuple(
            Field(name, b, a)
            for name, b, a in (
                ("text", _flat(was.text), _flat(rec.text)),
                ("institution", _flat(was.institution_name), _flat(rec.institution_name)),
                ("indicator", _flat(was.indicator), _flat(rec.indicator)),
                ("page 2", _yes(was.headline), _yes(rec.headline)),
                ("priority", was.priority, rec.priority),
            )
            if b != a
        )
        if fields:
            yield RecChange(rec.id, "changed", _flat(rec.text), rec.headline, fields)
    for rec in old:
        if rec.id not in after:
            yield RecChange(rec.id, "dropped", _flat(rec.text), rec.headline)


def _source_edits(
    old: Mapping[str, PublishedSource], new: Mapping[str, PublishedSource]
) -> Iterable[SourceEdit]:
    for sid, after in new.items():
        before = old.get(sid)
        if before is None:
            continue
        fields = tuple(
            Field(name, str(getattr(before, name) or ""), str(getattr(after, name) or ""))
            for name in ("title", "publisher", "year", "url")
            if getattr(before, name) != getattr(after, name)
        )
        if fields:
            yield SourceEdit(sid, fields)


# --- values in words ---------------------------------------------------------------------------


def _ref(sid: str, registry: Mapping[str, PublishedSource]) -> SourceRef:
    source = registry.get(sid)
    if source is None:
        return SourceRef(sid)
    return SourceRef(sid, _flat(source.title), _flat(source.publisher), source.year)


def _level(level: int | None, applicable: bool) -> str:
    if not applicable:
        return "n/a"
    return "unknown" if level is None else str(level)


def _status(entry: PublishedStatus) -> str:
    words = _words(entry.status)
    return f"{words}, {_flat(entry.duration)}" if entry.duration else words


def _figure(figure: PublishedFigure) -> str:
    value = figure.value
    if isinstance(value, float):
        value = f"{value:,.2f}".rstrip("0").rstrip(".")
    elif isinstance(value, int):
        value = f"{value:,}"
    shown = f"{value} {figure.unit}" if figure.unit and value != "unknown" else str(value)
    details = [str(figure.year)] if figure.year else []
    if figure.form not in ("", "unspecified") and value != "unknown":
        details.append(_words(figure.form))
    return f"{shown} ({', '.join(details)})" if details else shown


def _anchor(anchor: PublishedAnchor) -> str:
    if anchor.score is not None:
        value = f"{anchor.score}/100" if isinstance(anchor.score, int) else _words(anchor.score)
    else:
        value = anchor.value or "unknown"
    return f"{value} ({anchor.year})" if anchor.year else value


def _reply(reply: PublishedReply) -> str:
    how = "received in writing" if reply.received_in_writing else "published"
    return f"dated {reply.date} ({how})"


def _words(key: str) -> str:
    return key.replace("_", " ")


def _yes(flag: bool) -> str:
    return "yes" if flag else "no"


def _flat(text: str | None) -> str:
    return " ".join((text or "").split())


def as_json(diff: EditionDiff) -> dict[str, Any]:
    """The comparison as plain data (``diff --format json``).

    Returns:
        ``old`` and ``new`` (what each side is), ``changed`` (anything of substance),
        ``countries`` (each with ``change``, ``old`` and ``new`` index, ``index_changed``,
        ``changes``, ``recommendations``, ``new_gaps``, ``resolved_gaps`` and ``sources``)
        ``unchanged`` (names) and ``files`` (the project's files that differ between two git
        revisions; empty for built folders).
    """
    return {
        "old": diff.old,
        "new": diff.new,
        "changed": diff.changed,
        "countries": [
            {**asdict(country), "index_changed": country.index_changed}
            for country in diff.countries
        ],
        "unchanged": list(diff.unchanged),
        "files": list(diff.files),
    }
