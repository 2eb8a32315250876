"""Make briefs in every format asked for, then write them all atomically.

This module schedules formats it does not know: each is a declaration in
:mod:`aftercare_report.outputs` saying what it is made from (the assessment, its template, or the
print HTML), the function that prepares it here and the one that makes it in a worker, whether
its template output must be inert and whether a costly output may be reused from the manifest.
Templates render and costly outputs are made in worker processes under time and memory limits
(see :mod:`aftercare_report.workers`). Nothing is written until every output is made, and each
file is written to a temporary file in the target folder and renamed over the old one, so a
failed build or Ctrl-C never leaves a truncated file or loses the previous one. Writing holds the
folder's lock, so concurrent builds and shards lose no manifest entry; temp files of a killed
build are removed by the next one.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import functools
import importlib
import math
import os
import stat
import tempfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from aftercare_report import manifest, script_coverage
from aftercare_report.context import BriefContext
from aftercare_report.errors import BuildError, Finding, InputError, TemplateError, display_path
from aftercare_report.i18n import ENGLISH, Language, using
from aftercare_report.inert import csp_meta
from aftercare_report.limits import Limits
from aftercare_report.outputs import DEFAULT_FORMATS, FORMATS, BuildResult, Format, Made, Written
from aftercare_report.pdf import PdfVariant
from aftercare_report.templating import Templates, render, templates
from aftercare_report.workers import Pool, Task

if TYPE_CHECKING:
    from aftercare_report.report import CountryReport


@dataclass(frozen=True)
class Brief:
    """One brief to make, in every format asked for.

    Attributes:
        stem: Output file name without suffix (``thailand``, ``comparative``).
        kind: ``country`` or ``comparative``: a format's template is the kind plus its
            template suffix (``country.html``, ``comparative.md``).
        context: What the templates see.
        reports: The countries it covers, each assessed once (what the JSON is made from).
        attachments: Files embedded in the PDF (the source profiles).
        subject: What is rendered, for error messages.
        language: The language its words are written in (the worker renders in it).
    """

    stem: str
    kind: str
    context: BriefContext
    reports: tuple[CountryReport, ...]
    attachments: tuple[tuple[str, bytes], ...]
    subject: str
    language: Language = ENGLISH

    @property
    def date(self) -> dt.date:
        """The date a PDF or DOCX records: the newest evidence, never the clock.

        A brief whose profiles cite no source yet (``new`` then ``build``) has no evidence
        date; it takes the newest ``as_of`` the profiles set, so its files stay reproducible.
        """
        if self.context.date:
            return dt.date.fromisoformat(self.context.date)
        return max(report.assessment.profile.as_of for report in self.reports)


@dataclass(frozen=True)
class BuildOptions:
    """How to build.

    Attributes:
        out: Output folder.
        formats: Names of the formats to make (see :data:`outputs.FORMATS`).
        template_dirs: The team's template folders.
        variant: PDF variant (``pdf/ua-1`` or ``pdf/a-3b``).
        strict: Treat the makers' warnings (refused URLs, ignored CSS) as errors; missing
            glyphs are errors in every build.
        workers: Processes for rendering and making outputs.
        reuse: Reuse costly outputs whose inputs match the manifest (``--force`` turns it off).
        project_root: The project folder, which no template folder may hold.
        limits: Time, memory and output limits of the workers.
        allow_scripts: Let templates put scripts into the formats that may run them
            (``[security] allow_scripts``).
        clean: File stems of every brief planned (before sharding): outputs the manifest
            records for other stems are removed (``--clean``). None removes nothing.
        inputs: Digest of every input of this build (see :mod:`aftercare_report.inputs`),
            recorded so an unchanged build can stop early; empty records nothing.
    """

    out: Path
    formats: tuple[str, ...] = DEFAULT_FORMATS
    template_dirs: tuple[Path, ...] = ()
    variant: PdfVariant = "pdf/ua-1"
    strict: bool = False
    workers: int = 2
    reuse: bool = True
    project_root: Path | None = None
    limits: Limits = dataclasses.field(default_factory=Limits)
    allow_scripts: bool = False
    clean: frozenset[str] | None = None
    inputs: str = ""


@dataclass(frozen=True)
class Setting:
    """What a format's ``prepare`` may use besides the brief and its rendered template.

    Attributes:
        tpl: The template search path (stylesheets, fonts, a reference document).
        options: The build's options (PDF variant, ``allow_scripts``...).
    """

    tpl: Templates
    options: BuildOptions


class Request(Protocol):
    """What ``prepare`` hands to a worker's ``make``; a reusable format's request is keyed."""

    def fingerprint(self) -> Sequence[bytes]:
        """Everything the output depends on, absolute paths left out (CI runners agree)."""


def shard(briefs: Sequence[Brief], index: int, count: int) -> list[Brief]:
    """Return shard ``index`` (1-based) of ``count``: a deterministic split for CI matrices.

    Briefs are dealt out in order of their file names, so every runner agrees on who builds
    what without talking to the others.

    Raises:
        BuildError: ``index`` is not between 1 and ``count``.
    """
    if not 1 <= index <= count:
        raise BuildError(f"shard {index}/{count}: K must be between 1 and N")
    ordered = sorted(briefs, key=lambda b: b.stem)
    return [b for i, b in enumerate(ordered) if i % count == index - 1]


def steps(formats: Sequence[str]) -> int:
    """How many progress steps one brief takes: its templates' rendering, then each made file."""
    chosen = [FORMATS[name] for name in formats]
    rendered = any(f.made_from != "assessment" for f in chosen)
    return int(rendered) + sum(bool(f.make) for f in chosen)


def start_workers(options: BuildOptions, most: int | None = None) -> Pool:
    """Fork the build's workers now; the first imports what the formats' makers need at once.

    The pipeline calls this before it loads and assesses anything, so a costly import
    (WeasyPrint: about a second of CPU) runs on the other core meanwhile, and never in the
    parent; the first worker then forks the others, which share its import (see
    :meth:`Pool.start`).

    Args:
        options: Worker count, memory limit and formats.
        most: Fewer workers than ``options.workers`` when there is less work.
    """
    size = min(options.workers, most) if most else options.workers
    modules = tuple(FORMATS[n].warm for n in options.formats if FORMATS[n].warm)
    warm = functools.partial(_import_all, modules) if modules else None
    pool = Pool(size, options.limits.memory_bytes, warm)
    pool.start()
    return pool


def _import_all(modules: Sequence[str]) -> None:
    for module in modules:
        importlib.import_module(module)  # the import is the warm-up


def build(
    briefs: Sequence[Brief],
    options: BuildOptions,
    progress: Callable[[str], None] = lambda _: None,
    pool: Pool | None = None,
) -> BuildResult:
    """Make every brief in every format asked for, then write all files atomically.

    Outputs of reusable formats whose inputs match ``out/manifest.json`` and whose files are
    unchanged are kept, not made again; files whose content is unchanged are not rewritten. The
    manifest is updated last, keeping the entries of outputs other builds (or shards) made.

    Args:
        briefs: What to make (see :func:`pipeline.plan`).
        options: Formats, folders, PDF variant, strictness, reuse.
        progress: Called with a short description after each finished step.
        pool: Workers already started (see :func:`start_workers`); None starts and stops its own.

    Raises:
        TemplateError: A template failed, or put active content in a brief (nothing is written).
        InputError: Text no font has was drawn as empty boxes in a PDF (nothing is written).
        BuildError: A maker failed, or warnings under ``strict`` (nothing is written).
    """
    if pool is None:
        with start_workers(options, len(briefs)) as own:
            return build(briefs, options, progress, own)
    old = manifest.read(options.out)
    setting = Setting(templates(options.template_dirs, options.project_root), options)
    with _spool(options.out) as folder:
        made = _Making(briefs, setting, old, pool, folder).run(progress)
        outputs = [made[i, name] for i in range(len(briefs)) for name in options.formats]
        _check_glyphs(outputs)
        warnings = [f"{o.name}: {w}" for o in outputs for w in o.warnings]
        if options.strict and warnings:
            raise BuildError("warnings are errors with --strict: " + "; ".join(warnings))
        written = _write_all(options.out, outputs, old, options)
    return BuildResult(tuple(written), tuple(warnings))


@contextlib.contextmanager
def _spool(out: Path) -> Iterator[Path]:
    """:func:`manifest.spool`, with a located message when the folder cannot be written."""
    try:
        with manifest.spool(out) as folder:
            yield folder
    except OSError as exc:
        raise BuildError(f"{display_path(out)}: cannot write: {exc.strerror}") from None


def _check_glyphs(outputs: Sequence[_Output]) -> None:
    """Fail on text drawn as empty boxes, with one line per brief naming the scripts.

    The check before rendering covers profile text; this catches the rest (template and
    framework text, a font fontconfig listed that Pango did not use), in every build, not
    only with ``--strict``.

    Raises:
        InputError: One finding per output with characters no font had (nothing is written).
    """
    found = [
        Finding(o.name, 0, 0, "", _empty_boxes(o.missing_glyphs), code="missing-glyphs")
        for o in outputs
        if o.missing_glyphs
    ]
    if found:
        raise InputError(found)


def _empty_boxes(chars: Sequence[str]) -> str:
    described = script_coverage.describe(chars)
    return f"no font has {described}, drawn as empty boxes: {script_coverage.FIX}"


def _write_all(
    out: Path, outputs: Sequence[_Output], old: dict[str, manifest.Entry], options: BuildOptions
) -> list[Written]:
    """Write the outputs and the manifest while holding the folder's lock."""
    with manifest.locked(out):
        manifest.remove_stale_temps(out)
        _check_targets(out, outputs)
        written = [_write(out, o, old.get(o.name)) for o in outputs]
        # Read again under the lock: a build that finished meanwhile added its entries.
        current = manifest.read(out)
        if options.clean is not None:
            written.extend(_clean(out, current, options.clean))
        entries = manifest.kept(out, current)
        entries.update({o.name: o.entry for o in outputs})
        builds = manifest.read_builds(out)
        if options.inputs:
            builds[options.inputs] = {o.name: o.entry.sha256 for o in outputs}
        write_atomic(out / manifest.MANIFEST_NAME, manifest.render(entries, builds))
    return written


def _check_targets(out: Path, outputs: Sequence[_Output]) -> None:
    """Refuse before anything is renamed what would stop a rename half way through the edition.

    A folder (or a device, a socket) where an output goes cannot be replaced by a file; found
    after some outputs were renamed, the folder would hold a mix of old and new briefs. A file
    this build reuses must still be the one it decided to reuse.

    Raises:
        BuildError: Every such target, named.
    """
    blocked, changed = [], []
    for output in outputs:
        if output.file is None:
            # Reuse was decided before the lock: a build into this folder that finished since
            # may have replaced the file, which this build would then record as its own.
            if not manifest.reusable(out, output.name, output.reused_entry, output.input):
                changed.append(display_path(out / output.name))
            continue
        try:
            mode = (out / output.name).lstat().st_mode
        except FileNotFoundError:
            continue
        if not (stat.S_ISREG(mode) or stat.S_ISLNK(mode)):  # a link is replaced, not followed
            blocked.append(display_path(out / output.name))
    if blocked:
        raise BuildError(
            f"{', '.join(blocked)}: cannot write: not a file (a folder?); nothing was written, "
            "the old briefs are as they were: remove it and build again"
        )
    if changed:
        raise BuildError(
            f"{', '.join(changed)}: changed on disk while this build ran (another build into "
            "the same folder?); nothing was written: build again"
        )


def _clean(out: Path, entries: dict[str, manifest.Entry], stems: frozenset[str]) -> list[Written]:
    """Delete the files of briefs no longer planned that the manifest proves we wrote."""
    removed = []
    for name in manifest.removable(out, entries, stems):
        try:
            (out / name).unlink()
        except OSError as exc:
            raise BuildError(f"{display_path(out / name)}: cannot remove: {exc.strerror}") from None
        entry = entries[name]
        removed.append(Written(out / name, entry.format, entry.pages, 0, removed=True))
    return removed


def _weight(brief: Brief) -> tuple[int, int]:
    """How much a brief will cost to lay out, roughly: countries covered, then profile bytes."""
    return len(brief.context.countries), sum(len(data) for _, data in brief.attachments)


# Most briefs whose templates are rendered and whose outputs are not all made yet, per worker
# beyond the workers themselves: the building process holds their texts (a PDF's HTML waits in
# the queue), so this, not the number of profiles, bounds its memory, and it keeps every worker
# fed (a brief renders in a tenth of a second, its PDF takes about one).
_OPEN_BRIEFS = 2

# Pool priorities (lower runs first): the longest task of the build, then every rendering of
# templates, then the other tasks, costliest first (their priority is minus their cost).
_FIRST = -math.inf
_RENDER = -float(2**63)


class _Making:
    """One build's outputs on their way: rendered, checked, prepared, then made or reused.

    Every brief's templates render first, in the workers (a tenth of a second each, and they
    unlock the costly work), the biggest brief first. As each brief's templates come back, each
    format is prepared from them; a format with a maker is reused from the manifest or handed to
    the workers, costliest first. With more than one worker the biggest brief's costliest
    output (the comparison's 17-page PDF against the countries' 13-14) starts the moment its
    HTML exists, while the other workers render the rest: six PDFs on two workers cannot split
    evenly, and the sooner the longest starts, the less one worker waits for the other at the end.
    """

    def __init__(
        self,
        briefs: Sequence[Brief],
        setting: Setting,
        old: dict[str, manifest.Entry],
        pool: Pool,
        spool: Path,
    ) -> None:
        self.briefs = briefs
        self.setting = setting
        self.old = old
        self.pool = pool
        self.spool = spool
        self.formats = [FORMATS[name] for name in setting.options.formats]
        self.made: dict[tuple[int, str], _Output] = {}
        order = sorted(range(len(briefs)), key=lambda i: _weight(briefs[i]), reverse=True)
        self.order = order
        self.waiting = list(reversed(order))  # briefs whose rendering is not submitted yet
        self.open: set[int] = set()  # briefs submitted and not finished
        costly = max((f.cost for f in self.formats if f.make), default=0.0)
        self.first = (order[0], costly) if pool.size > 1 and order else None

    def run(self, progress: Callable[[str], None]) -> dict[tuple[int, str], _Output]:
        """Make everything; return each output by (brief index, format name)."""
        wanted = tuple(
            dict.fromkeys(
                (f.template, f.medium) for f in self.formats if f.made_from != "assessment"
            )
        )
        self._start_more(wanted, progress)
        for (kind, i, name), result in self.pool.completed(progress):
            if kind == "render":
                self._rendered(i, result, progress)
            else:
                self.made[i, name] = self._output(i, FORMATS[name], result, key=kind)
            self._start_more(wanted, progress)
        return self.made

    def _start_more(
        self, wanted: tuple[tuple[str, str], ...], progress: Callable[[str], None]
    ) -> None:
        """Start the next briefs, biggest first, while few enough are open (see _OPEN_BRIEFS)."""
        while self.waiting:
            # A brief made only in this process (JSON) is finished as soon as it starts.
            self.open = {
                i for i in self.open if any((i, f.name) not in self.made for f in self.formats)
            }
            if len(self.open) >= self.pool.size + _OPEN_BRIEFS:
                return
            i = self.waiting.pop()
            self.open.add(i)
            for fmt in self.formats:
                if fmt.made_from == "assessment":
                    self._prepared(i, fmt, "", progress)
            if wanted:
                self.pool.submit(("render", i, ""), self._render_task(i, wanted), _RENDER)

    def _render_task(self, i: int, wanted: tuple[tuple[str, str], ...]) -> Task[Any]:
        b, options = self.briefs[i], self.setting.options
        names = ", ".join(dict.fromkeys(b.kind + suffix for suffix, _ in wanted))
        checks = tuple(
            (f.name, f.scripts and options.allow_scripts)
            for f in self.formats
            if f.made_from != "assessment"
        )
        args = (options.template_dirs, options.project_root, b, checks, options.limits.html_chars)
        return Task(
            render_brief,
            args,
            f"{names}: rendering {b.subject}",
            options.limits.render_seconds,
            "[limits] render_seconds",
            f"{b.stem}: templates",
        )

    def _rendered(
        self, i: int, texts: dict[tuple[str, str], str], progress: Callable[[str], None]
    ) -> None:
        for fmt in self.formats:
            if fmt.made_from != "assessment":  # the worker checked the text (render_brief)
                self._prepared(i, fmt, texts[fmt.template, fmt.medium], progress)

    def _prepared(self, i: int, fmt: Format, text: str, progress: Callable[[str], None]) -> None:
        """Prepare a format from its source: keep finished bytes, reuse, or hand to a worker."""
        brief = self.briefs[i]
        with using(brief.language):  # words a format adds (PDF keywords) are in the brief's
            prepared = _function(fmt.prepare)(brief, text, self.setting) if fmt.prepare else text
        if isinstance(prepared, str):
            prepared = prepared.encode()
        if isinstance(prepared, bytes):
            self.made[i, fmt.name] = self._output(i, fmt, Made(prepared))
            return
        name = brief.stem + fmt.suffix
        key = ""
        if fmt.reusable:
            key = manifest.input_key(fmt.name, prepared.fingerprint(), self._folders)
            entry = self.old.get(name)
            reuse = self.setting.options.reuse
            if entry and reuse and manifest.reusable(self.setting.options.out, name, entry, key):
                progress(f"{name}: unchanged")
                self.made[i, fmt.name] = _Output(
                    name, fmt.name, None, key, entry.pages, entry.warnings, entry
                )
                return
        first = self.first is not None and self.first == (i, fmt.cost)
        priority = _FIRST if first else -fmt.cost * (1 + len(text))
        self.pool.submit((key, i, fmt.name), self._make_task(brief, fmt, prepared), priority)

    def _make_task(self, brief: Brief, fmt: Format, request: Request) -> Task[Made]:
        limits = self.setting.options.limits
        return Task(
            _make_in_worker,
            (fmt.make, request),
            f"the {fmt.label} brief of {brief.subject}",
            getattr(limits, fmt.seconds),
            f"[limits] {fmt.seconds}",
            f"{brief.stem}{fmt.suffix}",
        )

    @functools.cached_property
    def _folders(self) -> str:
        return manifest.folder_digest(self.setting.tpl.folders)

    def _output(self, i: int, fmt: Format, made: Made, key: str = "") -> _Output:
        """Put a made output into its spool file at once; keep only its name and hash."""
        name = self.briefs[i].stem + fmt.suffix
        file = self.spool / name
        try:
            with file.open("xb") as handle:
                handle.write(made.data)
                handle.flush()
                os.fsync(handle.fileno())
        except OSError as exc:
            raise BuildError(f"{display_path(file)}: cannot write: {exc.strerror}") from None
        return _Output(
            name,
            fmt.name,
            file,
            key,
            made.pages,
            made.warnings,
            missing_glyphs=made.missing_glyphs,
            sha256=manifest.sha256(made.data),
            size=len(made.data),
        )


def _function(reference: str) -> Callable[..., Any]:
    """The function a format names as ``module:function``."""
    module, _, name = reference.partition(":")
    found: Callable[..., Any] = getattr(importlib.import_module(module), name)
    return found


def _make_in_worker(maker: str, request: Request) -> Made:
    """Make one output (runs in a worker, where the maker's libraries are imported)."""
    made: Made = _function(maker)(request)
    return made


def render_brief(
    folders: tuple[Path, ...],
    project_root: Path | None,
    brief: Brief,
    formats: tuple[tuple[str, bool], ...],
    max_chars: int,
) -> dict[tuple[str, str], str]:
    """Render a brief's templates for the formats asked for, and check them (runs in a worker).

    Each template is rendered once per medium (the PDF and Word share the print HTML), then
    each format's ``check`` reads what it will publish. Both run here, under the worker's time
    and memory limits: the parent never reads a template's output before it has passed.

    Args:
        folders: The team's template folders.
        project_root: The project folder.
        brief: The brief.
        formats: (format name, scripts allowed) for each format made from a template.
        max_chars: Longest text accepted.

    Returns:
        The text of each (template suffix, medium): ``(".html", "screen")`` is the web page,
        ``(".html", "print")`` what the PDF is made from, ``(".md", "screen")`` Markdown.

    Raises:
        TemplateError: Naming the template file and line, and the subject; or the active
            content a check found.
    """
    tpl = _templates(folders, project_root)
    texts: dict[tuple[str, str], str] = {}
    with using(brief.language):
        for name, allow_scripts in formats:
            fmt = FORMATS[name]
            key = (fmt.template, fmt.medium)
            if key not in texts:
                texts[key] = render(
                    tpl,
                    brief.kind + fmt.template,
                    brief.context,
                    medium=fmt.medium,
                    subject=brief.subject,
                    max_chars=max_chars,
                    allow_scripts=allow_scripts,
                )
            if fmt.check:
                _check_inert(texts[key], brief, fmt, allow_scripts)
    return texts


@functools.lru_cache(maxsize=8)
def _templates(folders: tuple[Path, ...], project_root: Path | None) -> Templates:
    return templates(folders, project_root)  # once per worker, not once per brief


def _check_inert(text: str, brief: Brief, fmt: Format, allow_scripts: bool) -> None:
    check = _function(fmt.check)
    found: list[str] = check(text, allow_scripts=allow_scripts)
    if found:
        # Point to the switch only when it would let this brief through: a front matter or a
        # remote load is refused with scripts allowed too. (With the switch, the head carries
        # the policy that lets inline scripts run: the text is checked as it would be made.)
        switched = text.replace(csp_meta(allow_scripts=False), csp_meta(allow_scripts=True), 1)
        helps = fmt.scripts and not allow_scripts and not check(switched, allow_scripts=True)
        may = f" (run with --allow allow_scripts to let scripts into {fmt.label} briefs)"
        raise TemplateError(
            f"active content in the {fmt.label} brief: "
            + "; ".join(found[:5])
            + ". Briefs are published: templates may not run scripts or load remote files"
            + (may if helps else ""),
            template=brief.kind + fmt.template,
            subject=brief.subject,
            problems=tuple(found),
        )


@dataclass(frozen=True)
class _Output:
    """A made output, in its spool ``file``; None when the file on disk is reused as it is."""

    name: str
    format: str
    file: Path | None
    input: str = ""
    pages: int | None = None
    warnings: tuple[str, ...] = ()
    reused_entry: manifest.Entry | None = None
    missing_glyphs: tuple[str, ...] = ()
    sha256: str = ""
    size: int = 0

    @property
    def entry(self) -> manifest.Entry:
        if self.file is None:
            assert self.reused_entry is not None
            return self.reused_entry
        digest = self.sha256
        entry = manifest.Entry(
            self.format, self.input or digest, digest, self.size, self.pages, self.warnings
        )
        return dataclasses.replace(entry, seal=manifest.seal(self.name, entry))


def _write(out: Path, output: _Output, previous: manifest.Entry | None) -> Written:
    path = out / output.name
    if output.file is None:
        entry = output.entry
        return Written(path, output.format, entry.pages, entry.size, unchanged=True)
    unchanged = previous is not None and previous.sha256 == output.sha256
    if unchanged:
        on_disk = manifest.on_disk(out, output.name)
        unchanged = on_disk is not None and manifest.sha256(on_disk) == output.sha256
    if unchanged:
        # Same bytes: leave the file (and its modification time) alone for make-like tools.
        return Written(path, output.format, output.pages, output.size, unchanged=True)
    try:
        output.file.chmod(0o644)
        output.file.replace(path)
    except OSError as exc:
        raise BuildError(f"{display_path(path)}: cannot write: {exc.strerror}") from None
    return Written(path, output.format, output.pages, output.size)


def write_atomic(path: Path, data: bytes, fmt: str = "", pages: int | None = None) -> Written:
    """Write ``data`` to ``path`` so that readers see the old file or the new one, never half.

    Args:
        path: Target file; its folder is created if needed.
        data: The content.
        fmt: Format name for the result (``""`` for the build's own files).
        pages: Page count for the result.

    Raises:
        BuildError: The folder or file cannot be written.
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            Path(tmp).chmod(0o644)
            Path(tmp).replace(path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise BuildError(f"{display_path(path)}: cannot write: {exc.strerror}") from None
    return Written(path, fmt, pages, len(data))
