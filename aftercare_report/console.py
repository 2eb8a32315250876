"""Terminal presentation: findings, errors and tables, for people, programs and GitHub Actions.

Rich drops colour by itself when output is not a terminal (and honours ``NO_COLOR``), so the
same code serves an analyst's terminal and a CI log.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING

from rich import box
from rich.console import Console, RenderableType
from rich.markup import escape as _markup_escape

from aftercare_report.errors import (
    AftercareError,
    Finding,
    InputError,
    Severity,
    display_path,
    printable,
)
from aftercare_report.i18n import current
from aftercare_report.protection import PROTECTED_CODES

if TYPE_CHECKING:  # types only: `gaps` and `validate` must not import the renderer
    from rich.table import Table  # imported where used: a no-op build prints no table

    from aftercare_report.assess import Assessment  # and a no-op build not the model
    from aftercare_report.catalog import Checked
    from aftercare_report.diff import EditionDiff
    from aftercare_report.export import SummaryRow
    from aftercare_report.model import Horizon
    from aftercare_report.outputs import BuildResult
    from aftercare_report.report import CountryReport

stdout = Console(highlight=False)
stderr = Console(stderr=True, highlight=False, soft_wrap=True)
# Findings are never wrapped: `path:line:col:` must stay on one line for editors to jump to it.
findings_out = Console(highlight=False, soft_wrap=True)

_STYLE = {
    Severity.ERROR: "bold red",
    Severity.WARNING: "yellow",
    Severity.DATA_GAP: "dim",
    Severity.NOTE: "cyan",
}


def escape(text: str) -> str:
    """Make untrusted text safe to print: one rule for every line the tool prints.

    Control characters and newlines are shown escaped (``\\n``), as in findings, so a country
    name cannot start a new line; every ``::`` (and ``##[``) is split with a zero-width space,
    even in ``:::``, so a line that wraps
    in a narrow CI log cannot start with a GitHub Actions command (``::error::``); and rich
    markup is escaped, so ``[red]`` prints as written.
    """
    escaped = _markup_escape(_COMMAND.sub("\\g<0>\u200b", printable(text)))
    return _BACKSLASH_BRACKET.sub(r"\\\\[", escaped)


_BACKSLASH_BRACKET = re.compile(r"\\\[(?![a-z#/@])")
"""A backslash before a ``[`` that opens no tag, which rich drops as it prints (``'\\['``
printed as ``'['``): doubled, it prints as written. Before a tag, rich's escape has done it."""


_COMMAND = re.compile(r":(?=:)|#(?=#\[)")
"""Where a workflow command could start: between two colons (``:::`` too, each pair) and in
``##[``, the runner's older form; a zero-width space goes after each such character."""


def print_error(exc: AftercareError) -> None:
    """Print an error the tool stopped on, to standard error, without a traceback."""
    if isinstance(exc, InputError):
        for finding in exc.findings:
            stderr.print(_styled(finding))
        n = len(exc.findings)
        stderr.print(f"[bold red]error:[/] {n} problem{'s' * (n != 1)} in the input.")
    else:
        stderr.print(f"[bold red]error:[/] {escape(str(exc))}")


def _styled(finding: Finding) -> str:
    text = escape(finding.format())
    if finding.severity is not Severity.ERROR:
        head, sep, tail = text.partition(f" {escape(finding.message)}")
        text = f"{head} {finding.severity}:{sep}{tail}" if sep else text
    return f"[{_STYLE[finding.severity]}]{text}[/]"


def print_finding(finding: Finding) -> None:
    """Print one finding as ``path:line:col: key: severity: message``."""
    findings_out.print(_styled(finding))


def print_findings(
    checked: Checked, fmt: str, *, strict: bool, summarised: Checked | None = None
) -> None:
    """Print validation findings and a summary in the chosen format.

    Args:
        checked: The findings to list (see :meth:`Checked.team_first`).
        fmt: ``text``, ``json`` or ``github``.
        strict: Whether warnings fail the run (changes the summary's wording).
        summarised: Findings of bundled profiles to summarise in one line, if any.
    """
    bundled = _bundled_summary(summarised) if summarised and summarised.files else ""
    if fmt == "json":
        stdout.out(json.dumps([_as_dict(f) for f in checked.findings], indent=2), highlight=False)
    elif fmt == "github":
        # GitHub shows only the first ten annotations of each kind a step prints: the warnings
        # that text reads as something it is not go first, so others cannot push them out.
        first = sorted(checked.findings, key=lambda f: f.code not in PROTECTED_CODES)
        for finding in first:
            stdout.out(github_annotation(finding), highlight=False)
        for line in (bundled, _sources_summary(checked), _summary(checked, strict)):
            if line:
                stdout.out(line, highlight=False)
    else:
        for finding in checked.findings:
            findings_out.print(_styled(finding))
        if bundled:
            stdout.print(f"[dim]{escape(bundled)}[/]")
        if cited := _sources_summary(checked):
            stdout.print(f"[dim]{escape(cited)}[/]")
        ok = not checked.errors and not (strict and checked.warnings)
        colour = "green" if ok else "bold red"
        stdout.print(f"[{colour}]{escape(_summary(checked, strict))}[/]")


def _bundled_summary(summarised: Checked) -> str:
    notes = [f for f in summarised.findings if f.severity is Severity.NOTE]
    counts = [
        plural(n, word)
        for n, word in (
            (len(summarised.warnings), "warning"),
            (len(summarised.data_gaps), "data gap"),
            (len(notes), "note"),
        )
        if n
    ]
    head = f"Also checked {plural(summarised.files, 'bundled profile')}"
    return f"{head}: {', '.join(counts)} (--include-bundled lists them)." if counts else f"{head}."


def _sources_summary(checked: Checked) -> str:
    """One line on how the profiles cite their sources: originals, copies read, copies cited."""
    counts = checked.sources
    if not counts.total:
        return ""
    share = f" ({counts.marked / counts.total:.0%})" if counts.marked else ""
    parts = [
        plural(counts.originals, "original"),
        f"{counts.read_via} read through a copy",
        f"{counts.marked} marked {'copy' if counts.marked == 1 else 'copies'}{share}",
    ]
    if counts.unmarked:
        parts.append(f"{counts.unmarked} unmarked {'copy' if counts.unmarked == 1 else 'copies'}")
    return f"{plural(counts.total, 'source')} cited: {', '.join(parts)}."


def _summary(checked: Checked, strict: bool) -> str:
    if not checked.files and not checked.findings:
        return "No profile of your own yet: aftercare-report new COUNTRY starts one."
    errors, warnings = len(checked.errors), len(checked.warnings)
    head = f"{plural(checked.files, 'file')} checked: {plural(errors, 'error')}, "
    head += f"{plural(warnings, 'warning')}, {plural(len(checked.data_gaps), 'data gap')}"
    if errors:
        return f"{head}. Fix the errors above."
    if warnings and strict:
        return f"{head}. Warnings fail with --strict."
    return f"{head}. All valid."


def _as_dict(finding: Finding) -> dict[str, object]:
    return {
        "path": finding.path,
        "line": finding.line,
        "column": finding.column,
        "key": finding.key,
        "severity": str(finding.severity),
        "code": finding.code,
        "message": finding.message,
    }


def github_annotation(finding: Finding) -> str:
    """Return a GitHub Actions workflow command that annotates the finding's line in a diff."""
    level = {Severity.ERROR: "error", Severity.WARNING: "warning"}.get(finding.severity, "notice")
    props = [f"file={_escape_property(finding.path)}"]
    if finding.line:
        props += [f"line={finding.line}", f"col={finding.column}"]
    if finding.key:
        props.append(f"title={_escape_property(finding.key)}")
    return f"::{level} {','.join(props)}::{_escape_data(finding.message)}"


def _escape_data(text: str) -> str:
    # Per the workflow-command spec: %, CR and LF must be percent-encoded in the message.
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def plural(n: int, word: str) -> str:
    """Return ``"1 file"`` / ``"2 files"``."""
    return f"{n} {word}{'s' * (n != 1)}"


def print_gaps(report: CountryReport, *, top: int = 5) -> None:
    """Print one country's assessment so that it fits one screen at 80 columns.

    Labels are English (the terminal's language); findings and recommendations are in the
    current language, with the team's terms.

    Args:
        report: The country report.
        top: How many recommendations to show.
    """
    fill = current().fill
    a, profile = report.assessment, report.profile
    print_table(f"[bold]{escape(profile.country)}[/] · as of {profile.as_of}")
    print_table(escape(index_line(a)))
    tip = profile.anchors.tip_tier
    gsi = profile.anchors.gsi_government_response
    print_table(
        f"[dim]TIP report: {escape(tip.value)}{f' ({tip.year})' if tip.year else ''} · "
        f"Global Slavery Index: {escape(gsi.rating)}{f' ({gsi.year})' if gsi.year else ''}[/]"
    )
    names = {c.id: fill(c.name) for c in a.components}
    risks = {r.id: fill(r.name) for r in a.risks}
    for cap in a.index.caps:
        on = names[cap.component] if cap.component else risks[cap.risk or ""]
        print_table(
            f"[red]Band lowered to {cap.band}[/] ({escape(on.lower())}): {escape(fill(cap.reason))}"
        )
    print_table(_component_table(a))
    present = [r for r in a.risks if r.status == "present"]
    if present:
        print_table("[bold]Re-trafficking risks documented[/]")
        rows = []
        for risk in present:
            weak = ", ".join(names[c].lower() for c in risk.weak_mitigators)
            rows.append(
                f"{escape(fill(risk.name))}" + (f"[dim] — weak: {escape(weak)}[/]" if weak else "")
            )
        print_table(_hanging(rows, "•"))
    headline = [r for r in report.recommendations if r.headline][:top]
    print_table(f"[bold]What to do first[/] ({len(report.recommendations)} in all)")
    rows = [
        f"[{_PRIORITY_STYLE[rec.priority]}]{rec.priority}[/] · {escape(rec.institution_name)} · "
        f"{_horizon(rec.horizon)}\n{escape(fill(rec.text))}"
        f"\n[dim]In 12 months: {escape(rec.indicator)}[/]"
        for rec in headline
    ]
    print_table(_hanging(rows, None))
    print_table(f"[bold]What we do not know[/] ({len(a.data_gaps)})")
    print_table(_hanging([escape(fill(g.message)) for g in a.data_gaps], "•"))


def index_line(a: Assessment) -> str:
    """The index with its range, evidence coverage and whether it is ranked, in one line."""
    index = a.index
    if index.value is None:
        return "Aftercare index: not rated (no component applies)"
    spread = f"range {index.low:g}-{index.high:g}"
    head = f"Aftercare index {index.value:g} ({spread}), band {index.band}"
    cover = f"evidence covers {index.coverage:.0%} of the framework"
    return f"{head} · {cover}" + ("" if index.ranked else " · not ranked")


def print_table(table: RenderableType) -> None:
    """Print a table or text; piped into a file or program, without the padding at line ends."""
    if stdout.is_terminal:
        stdout.print(table)
        return
    with stdout.capture() as captured:
        stdout.print(table)
    stdout.out("\n".join(line.rstrip() for line in captured.get().splitlines()), highlight=False)


def _hanging(rows: list[str], bullet: str | None) -> Table:
    """Lay out items with a hanging indent, so wrapped lines stay under their item."""
    from rich.table import Table

    grid = Table.grid(padding=(0, 1))
    grid.add_column(justify="right", no_wrap=True)
    grid.add_column()
    for i, row in enumerate(rows, 1):
        grid.add_row(f"  {bullet or f'{i}.'}", row)
    return grid


_PRIORITY_STYLE = {"high": "bold red", "medium": "yellow", "low": "green"}


def _component_table(a: Assessment) -> Table:
    from rich.table import Table

    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False)
    table.add_column("Component", overflow="fold", ratio=3)
    table.add_column("Lvl", justify="right")
    table.add_column("Tgt", justify="right")
    table.add_column("Gap", justify="right")
    table.add_column("Sev", justify="right")
    table.add_column("Meets the target", overflow="fold", ratio=2)
    for c in a.components:
        peer = f"{c.peer.country} ({c.peer.level})" if c.peer else "—"
        if not c.applicable:
            level = gap = "n/a"
        else:
            level = "?" if c.level is None else str(c.level)
            gap = "?" if c.gap is None else str(c.gap)
        style = "bold red" if c.severity >= 2 else ("yellow" if c.gap else "")
        table.add_row(
            escape(current().fill(c.name)),
            level,
            str(c.target),
            gap,
            f"{c.severity:g}",
            escape(peer),
            style=style,
        )
    return table


def _tier(tier: str) -> str:
    """A TIP tier in three characters: T1, T2, T2W, T3, or ? when unknown."""
    return "?" if tier == "unknown" else tier.replace("Tier ", "T").replace(" Watch List", "W")


def print_list(rows: Sequence[SummaryRow]) -> None:
    """Print the ``list`` table: one row per profile, ranked ones first."""
    from rich.table import Table

    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False)
    columns = {
        "#": "right",
        "Country": "left",
        "Index": "right",
        "Range": "right",
        "Cover": "right",
        "TIP": "left",
        "As of": "left",
        "Largest gap": "left",
    }
    for name, justify in columns.items():
        # Only the last column wraps, so short values never break mid-word at 80 columns.
        table.add_column(
            name,
            justify=justify,  # type: ignore[arg-type]
            overflow="fold",
            no_wrap=name != "Largest gap",
        )
    for row in rows:
        low, high = row["range"]
        table.add_row(
            "—" if row["rank"] is None else str(row["rank"]),
            escape(row["country"]),
            "n/a" if row["index"] is None else f"{row['index']:g}",
            "" if low is None or high is None else f"{low:g}-{high:g}",
            f"{row['coverage']:.0%}",
            escape(_tier(row["tip_tier"])),
            row["as_of"],
            escape(row["largest_gap_name"] or "—"),
        )
    print_table(table)
    names = {r["slug"]: r["country"] for r in rows}
    orders = [
        f"{row['country']} above {', '.join(names[s] for s in row['above'])}"
        for row in rows
        if row["above"]
    ]
    if any(r["ranked"] for r in rows):
        # "#" counts the countries whose whole range lies above: it is not an order of them.
        held = "; ".join(orders) if orders else "none; no country can be ordered"
        stdout.print(f"[dim]Orders that hold: {escape(held)}.[/]", soft_wrap=True)
    unranked = [r["country"] for r in rows if not r["ranked"]]
    if unranked:
        stdout.print(
            f"[dim]Not ranked (evidence covers less than 75% of the framework): "
            f"{escape(', '.join(unranked))}[/]"
        )


@contextmanager
def progress(label: str, total: int) -> Iterator[Callable[[str], None]]:
    """Show a progress bar on standard error; yield a function that advances it one step."""
    # Imported here: only a build that shows progress needs it.
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=stderr, transient=True) as bar:
        task = bar.add_task(label, total=total)

        def advance(step: str) -> None:
            bar.update(task, advance=1, description=f"{label}: {escape(step)}")

        yield advance


def print_written(result: BuildResult, last: str = "comparative") -> None:
    """Print the table of files a build wrote, and its warnings.

    Args:
        result: What the build wrote.
        last: The comparative brief's file name, listed after the country briefs.
    """
    from rich.table import Table

    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False)
    table.add_column("File", overflow="fold")
    table.add_column("Pages", justify="right")
    table.add_column("Size", justify="right")
    table.add_column("")
    for item in sorted(result.written, key=lambda w: (w.path.stem == last, w.path.name)):
        pages = "" if item.pages is None else str(item.pages)
        note = "removed" if item.removed else "unchanged" if item.unchanged else "written"
        size = "" if item.removed else _size(item.size)
        table.add_row(escape(display_path(item.path)), pages, size, note)
    print_table(table)
    for warning in result.warnings:
        stderr.print(f"[yellow]warning:[/] {escape(warning)}")
    removed = sum(w.removed for w in result.written)
    changed = sum(not (w.unchanged or w.removed) for w in result.written)
    same = len(result.written) - changed - removed
    tail = f", {same} unchanged" if same else ""
    tail += f", removed {plural(removed, 'file')} of briefs no longer built" if removed else ""
    stdout.print(f"[green]Wrote {plural(changed, 'file')}{tail}.[/]")


def _horizon(horizon: Horizon) -> str:
    from aftercare_report.labels import HORIZON_LABELS  # it imports the model; few commands need it

    return HORIZON_LABELS[horizon]


def _size(n: int) -> str:
    return f"{n / 1024:,.1f} kB" if n < 1024 * 1024 else f"{n / 1024 / 1024:,.1f} MB"


SUMMARY_BYTES = 1_000_000
"""Most of a job summary one step writes: GitHub shows at most 1 MiB per step."""


def print_diff(diff: EditionDiff, fmt: str) -> None:
    """Print a comparison of two editions.

    Args:
        diff: The comparison.
        fmt: ``text`` (this terminal), ``md`` (Markdown on standard output), ``json``, or
            ``github``: the Markdown appended to the job summary (``$GITHUB_STEP_SUMMARY``)
            and one notice line in the log.

    Raises:
        UsageError: ``github`` outside GitHub Actions (no job summary file).
    """
    from aftercare_report import diff_text
    from aftercare_report.diff import as_json

    if fmt == "json":
        stdout.out(json.dumps(as_json(diff), indent=2, ensure_ascii=False), highlight=False)
    elif fmt == "md":
        stdout.out(diff_text.markdown(diff), highlight=False, end="")
    elif fmt == "github":
        _job_summary(diff_text.markdown(diff))
        plain = diff_text.Markup(printable, str, str, lambda level, text: text)
        title = "Briefs changed" if diff.changed else "Briefs unchanged"
        if not diff.changed and diff.files:  # the assessments are the same; the wording may not be
            title = "Assessments unchanged, files changed"
        said = diff_text.summary(diff, plain)
        if diff.files:
            said += f" Files changed (read them too): {', '.join(diff.files)}."
        line = _escape_data(said)
        stdout.out(f"::notice title={title}::{line}", highlight=False)
    else:
        terminal = diff_text.Markup(
            escape,
            lambda text: f"[bold]{text}[/]",
            lambda text: f"[italic]{text}[/]",
            lambda level, text: f"[bold]{text}[/]",
        )
        print_table(_hanging_lines(diff_text.lines(diff, terminal)))


def _hanging_lines(lines: Sequence[str]) -> RenderableType:
    """Lines of text and list items (``- x``, ``  - y``), items with a hanging indent."""
    from rich.console import Group
    from rich.table import Table

    def grid() -> Table:
        table = Table.grid(padding=(0, 1))
        table.add_column(no_wrap=True)
        table.add_column()
        return table

    parts: list[RenderableType] = []
    items: Table | None = None
    sub: Table | None = None
    for line in lines:
        if line.startswith("  - ") and items is not None:
            if sub is None:
                sub = grid()
                items.add_row("", sub)
            sub.add_row("-", line[4:])
        elif line.startswith("- "):
            if items is None:
                items = grid()
                parts.append(items)
            sub = None
            items.add_row("•", line[2:])
        else:
            items = sub = None
            parts.append(line)
    return Group(*parts)


def _job_summary(text: str) -> None:
    """Append Markdown to the job summary, cut at a line if it is longer than GitHub shows."""
    import os

    from aftercare_report.errors import UsageError

    path = os.environ.get("GITHUB_STEP_SUMMARY")
    if not path:
        raise UsageError(
            "--format github writes the job summary, but GITHUB_STEP_SUMMARY is not set (run "
            "it in a GitHub Actions step, or use --format md)"
        )
    data = text.encode()
    if len(data) > SUMMARY_BYTES:
        cut = data[:SUMMARY_BYTES].rsplit(b"\n", 1)[0].decode(errors="ignore")
        data = (
            f"{cut}\n\n*The comparison is longer than a job summary holds; run "
            "`aftercare-report diff` with `--format md` to read all of it.*\n"
        ).encode()
    with open(path, "ab") as summary:  # noqa: PTH123  # GitHub's file: appended, as it expects
        summary.write(data + b"\n")
