"""A comparison of two editions in words: Markdown for reviewers, or the terminal's markup.

Markdown goes into a pull request or a GitHub job summary; the terminal shows the same lines.
Everything that comes from a profile or a published JSON (names, evidence, source titles,
recommendation texts, even ids) goes through the markup's ``escape``: for Markdown,
:func:`aftercare_report.markdown.escape`, so a pull request cannot put a link, an image or
markup into the summary its reviewers read; for the terminal, rich's escaping with control
characters shown escaped.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from aftercare_report.diff import (
    Change,
    CountryDiff,
    EditionDiff,
    RecChange,
    Section,
    SourceRef,
    Standing,
)
from aftercare_report.markdown import escape as markdown_escape


@dataclass(frozen=True)
class Markup:
    """How text is marked up: escaped, strong, emphasised, and headings.

    Attributes:
        escape: Makes untrusted text print as written.
        strong: Marks text strong.
        em: Marks text emphasised.
        heading: A heading of a level (2 for the title, 3 for a country).
    """

    escape: Callable[[str], str]
    strong: Callable[[str], str]
    em: Callable[[str], str]
    heading: Callable[[int, str], str]


MARKDOWN = Markup(
    markdown_escape,
    lambda text: f"**{text}**",
    lambda text: f"*{text}*",
    lambda level, text: f"{'#' * level} {text}",
)
"""CommonMark, as GitHub renders a job summary or a comment."""

HEADINGS: dict[Section, str] = {
    "component": "Parts of aftercare",
    "measure": "Measures",
    "stage": "Where support stops",
    "risk": "Risks of re-trafficking",
    "figure": "Key figures",
    "anchor": "TIP and GSI",
    "follow-up": "Follow-up of the last edition",
    "reply": "Reply to the page-2 steps",
}
"""The heading of each section of a country's changes, in the order a brief shows them."""

VALUE_WORDS: dict[Section, str] = {
    "component": "level",
    "measure": "status",
    "stage": "support",
    "risk": "status",
    "figure": "value",
    "anchor": "rating",
    "follow-up": "status",
    "reply": "reply",
}
"""What the value of a change is, in each section ("level 1 → 2")."""


def markdown(diff: EditionDiff) -> str:
    """The whole comparison as Markdown: a summary line, then each country that changed."""
    return "\n".join(lines(diff, MARKDOWN)).rstrip("\n") + "\n"


def lines(diff: EditionDiff, mk: Markup) -> list[str]:
    """The whole comparison, line by line: a summary, then each country that changed."""
    out = [mk.heading(2, "What changed in the briefs"), "", summary(diff, mk), ""]
    for country in diff.countries:
        out += country_lines(country, mk)
    if diff.countries and diff.unchanged:
        out += [f"Unchanged: {mk.escape(', '.join(diff.unchanged))}.", ""]
    if diff.files:
        out += [files_sentence(mk), ""]
        out += [f"- {mk.escape(name)}" for name in diff.files] + [""]
    return out


def files_sentence(mk: Markup) -> str:
    """What the comparison of assessments cannot show: the files that changed, to be read."""
    return (
        f"{mk.strong('Files changed')}: read them too. A change of template, "
        "translation or profile wording (a summary, a quote) changes what the briefs say "
        "without changing any assessment, so it is not in the comparison above."
    )


def summary(diff: EditionDiff, mk: Markup) -> str:
    """One sentence: the two sides and how many countries changed, or that nothing did."""
    sides = f"{mk.escape(diff.old)} → {mk.escape(diff.new)}"
    if not diff.changed:
        n = len(diff.unchanged)
        countries = f"{n} {'country' if n == 1 else 'countries'}"
        return f"No change in substance from {sides}: the assessments of {countries} are the same."
    kinds = [
        (sum(c.change == kind for c in diff.countries), kind)
        for kind in ("changed", "added", "removed")
    ]
    said = [f"{n} {kind}" for n, kind in kinds if n]
    return f"From {sides}, countries: {', '.join(said)}, {len(diff.unchanged)} unchanged."


def country_lines(country: CountryDiff, mk: Markup) -> list[str]:
    """One country's changes: its index, then each section, recommendations, gaps, sources."""
    name = mk.escape(country.country)
    if country.change != "changed":
        standing = country.new if country.change == "added" else country.old
        return [mk.heading(3, f"{name} ({country.change})"), "", standing_line(standing, mk), ""]
    out = [mk.heading(3, name), ""]
    if country.index_changed:
        out += [index_line(country.old, country.new, mk), ""]
    for section, changes in _by_section(country.changes):
        out += [mk.strong(HEADINGS[section]), ""]
        for change in changes:
            out += change_lines(change, mk)
        out.append("")
    if country.recommendations:
        out += [mk.strong("Recommendations"), ""]
        out += [recommendation_line(r, mk) for r in country.recommendations]
        out.append("")
    if country.new_gaps or country.resolved_gaps:
        out += [mk.strong("What is not known"), ""]
        out += [f"- new: {mk.escape(m)}" for m in country.new_gaps]
        out += [f"- resolved: {mk.escape(m)}" for m in country.resolved_gaps]
        out.append("")
    if country.sources:
        out += [mk.strong("Sources whose entry changed"), ""]
        for edit in country.sources:
            said = "; ".join(
                f"{f.name} {mk.escape(f.old) or '—'} → {mk.escape(f.new) or '—'}"
                for f in edit.fields
            )
            out.append(f"- {mk.escape(edit.id)}: {said}")
        out.append("")
    return out


def _by_section(changes: Sequence[Change]) -> Iterable[tuple[Section, list[Change]]]:
    for section in HEADINGS:
        found = [c for c in changes if c.section == section]
        if found:
            yield section, found


def change_lines(change: Change, mk: Markup) -> list[str]:
    """A change as a list item: what, old → new, then the evidence and sources that changed."""
    word, name = VALUE_WORDS[change.section], mk.strong(mk.escape(change.name.rstrip(".")))
    old, new = mk.escape(change.old), mk.escape(change.new)
    if change.old == change.new:
        head = f"- {name}: {word} {new} (unchanged)"
    elif not change.old:
        head = f"- {name}: {word} {new} (new)"
    elif not change.new:
        head = f"- {name}: {word} {old} (gone)"
    else:
        head = f"- {name}: {word} {old} → {new}"
    if change.section == "follow-up":
        head += f" ({mk.escape(change.id)})"
    out = [head]
    if change.new_evidence:
        out.append(f"  - now: “{mk.escape(change.new_evidence)}”")
    if change.old_evidence:
        out.append(f"  - was: “{mk.escape(change.old_evidence)}”")
    if change.added_sources:
        out.append(f"  - sources added: {_sources(change.added_sources, mk)}")
    if change.removed_sources:
        out.append(f"  - sources removed: {_sources(change.removed_sources, mk)}")
    return out


def recommendation_line(rec: RecChange, mk: Markup) -> str:
    """A recommendation added, dropped or changed, by id."""
    where = " (page 2)" if rec.headline else ""
    if rec.change != "changed":
        return f"- {rec.change} {mk.escape(rec.id)}{where}: {mk.escape(rec.text)}"
    fields = "; ".join(
        f"{f.name} “{mk.escape(f.old)}” → “{mk.escape(f.new)}”"
        if f.name == "text"
        else f"{f.name} {mk.escape(f.old) or '—'} → {mk.escape(f.new) or '—'}"
        for f in rec.fields
    )
    return f"- changed {mk.escape(rec.id)}{where}: {fields}"


def _sources(refs: Sequence[SourceRef], mk: Markup) -> str:
    return "; ".join(source_words(ref, mk) for ref in refs)


def source_words(ref: SourceRef, mk: Markup) -> str:
    """A source as a reviewer recognises it: *title*, publisher, year (its id)."""
    if not ref.title:
        return f"{mk.escape(ref.id)} (not in the sources registry)"
    year = f", {ref.year}" if ref.year else ""
    return f"{mk.em(mk.escape(ref.title))}, {mk.escape(ref.publisher)}{year} ({mk.escape(ref.id)})"


def index_line(old: Standing | None, new: Standing | None, mk: Markup) -> str:
    """The index before and after, with its range, coverage, band and rank where they changed."""
    if old is None or new is None:
        return standing_line(new or old, mk)
    parts = [f"{mk.strong('Index')} {_number(old.value)} → {_number(new.value)}{_delta(old, new)}"]
    if _range(old) != _range(new):
        parts.append(f"range {_range(old)} → {_range(new)}")
    if old.coverage != new.coverage:
        parts.append(f"coverage {_percent(old.coverage)} → {_percent(new.coverage)}")
    if old.band != new.band:
        parts.append(f"band {mk.escape(old.band or 'n/a')} → {mk.escape(new.band or 'n/a')}")
    if old.rank != new.rank:
        parts.append(f"rank {_rank(old)} → {_rank(new)}")
    return " · ".join(parts)


def standing_line(standing: Standing | None, mk: Markup) -> str:
    """The index of a country added or removed, with its range, coverage, band and rank."""
    if standing is None:
        return ""
    return (
        f"{mk.strong('Index')} {_number(standing.value)} (range {_range(standing)}) · coverage "
        f"{_percent(standing.coverage)} · band {mk.escape(standing.band or 'n/a')} · rank "
        f"{_rank(standing)}"
    )


def _number(value: float | None) -> str:
    return "n/a" if value is None else f"{value:g}"


def _delta(old: Standing, new: Standing) -> str:
    if old.value is None or new.value is None or old.value == new.value:
        return ""
    return f" ({new.value - old.value:+.1f})"


def _range(s: Standing) -> str:
    return f"{_number(s.low)}-{_number(s.high)}"


def _percent(share: float) -> str:
    return f"{share:.0%}"


def _rank(s: Standing) -> str:
    return str(s.rank) if s.rank is not None else "not ranked"
