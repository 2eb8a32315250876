"""Make briefs: render every format, make PDFs in worker processes, then write atomically.

Templates render and PDFs are made in worker processes under time and memory limits (see
:mod:`aftercare_report.workers`); the HTML is checked to be inert before anything is written.
Nothing is written until every brief has rendered, and each file is written to a temporary file in
the target folder and renamed over the old one, so a failed build or Ctrl-C never leaves a
truncated file or loses the previous one. Writing holds the folder's lock, so concurrent builds
and shards lose no manifest entry; temp files of a killed build are removed by the next one.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import json
import math
import os
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import cast

from aftercare_report import inert, manifest, script_coverage
from aftercare_report.context import BriefContext
from aftercare_report.errors import BuildError, Finding, InputError, TemplateError, display_path
from aftercare_report.i18n import ENGLISH, Language, using
from aftercare_report.limits import Limits
from aftercare_report.outputs import FORMATS, BuildResult, OutputFormat, Written
from aftercare_report.pdf import PdfRequest, PdfResult, PdfVariant
from aftercare_report.templating import Templates, render, stylesheet_text, templates
from aftercare_report.workers import Pool, Task


@dataclass(frozen=True)
class Brief:
    """One brief to make.

    Attributes:
        stem: Output file name without extension (``thailand``, ``comparative``).
        template: Template name.
        context: What the template sees.
        data: The JSON output.
        attachments: Files embedded in the PDF (the source profiles).
        subject: What is rendered, for error messages.
        language: The language its words are written in (the worker renders in it).
    """

    stem: str
    template: str
    context: BriefContext
    data: object
    attachments: tuple[tuple[str, bytes], ...]
    subject: str
    language: Language = ENGLISH


@dataclass(frozen=True)
class BuildOptions:
    """How to build.

    Attributes:
        out: Output folder.
        formats: Any of ``html``, ``pdf``, ``json``.
        template_dirs: The team's template folders.
        variant: PDF variant (``pdf/ua-1`` or ``pdf/a-3b``).
        strict: Treat WeasyPrint warnings (refused URLs, ignored CSS) as errors; missing
            glyphs are errors in every build.
        workers: Processes for rendering and PDFs.
        reuse: Reuse PDFs whose inputs match the manifest (``--force`` turns it off).
        project_root: The project folder, which no template folder may hold.
        limits: Time, memory and output limits of the workers.
        allow_scripts: Let templates put scripts into briefs (``[security] allow_scripts``).
        clean: File stems of every brief planned (before sharding): outputs the manifest
            records for other stems are removed (``--clean``). None removes nothing.
        inputs: Digest of every input of this build (see :mod:`aftercare_report.inputs`),
            recorded so an unchanged build can stop early; empty records nothing.
    """

    out: Path
    formats: tuple[OutputFormat, ...] = FORMATS
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


def start_workers(options: BuildOptions, most: int | None = None) -> Pool:
    """Fork the build's workers now; when PDFs are wanted the first imports WeasyPrint at once.

    The pipeline calls this before it loads and assesses anything, so the WeasyPrint import
    (about a second of CPU) runs on the other core meanwhile, and never in the parent; the
    first worker then forks the others, which share its import (see :meth:`Pool.start`).

    Args:
        options: Worker count, memory limit and formats.
        most: Fewer workers than ``options.workers`` when there is less work.
    """
    size = min(options.workers, most) if most else options.workers
    warm = _import_renderer if "pdf" in options.formats else None
    pool = Pool(size, options.limits.memory_bytes, warm)
    pool.start()
    return pool


def build(
    briefs: Sequence[Brief],
    options: BuildOptions,
    progress: Callable[[str], None] = lambda _: None,
    pool: Pool | None = None,
) -> BuildResult:
    """Render every brief in every format, then write all files atomically.

    PDFs whose inputs match ``out/manifest.json`` and whose files are unchanged are reused, not
    rendered again; files whose content is unchanged are not rewritten. The manifest is updated
    last, keeping the entries of outputs other builds (or shards) made.

    Args:
        briefs: What to make (see :func:`plan`).
        options: Formats, folders, PDF variant, strictness, reuse.
        progress: Called with a short description after each finished step.
        pool: Workers already started (see :func:`start_workers`); None starts and stops its own.

    Raises:
        TemplateError: A template failed (nothing is written).
        InputError: Text no font has was drawn as empty boxes in a PDF (nothing is written).
        BuildError: A PDF failed, or warnings under ``strict`` (nothing is written).
    """
    if pool is None:
        with start_workers(options, len(briefs)) as own:
            return build(briefs, options, progress, own)
    tpl = templates(options.template_dirs, options.project_root)
    old = manifest.read(options.out)
    pages, pdfs = _make_all(tpl, briefs, options, old, pool, progress)
    outputs: list[_Output] = []
    for brief, html in zip(briefs, pages, strict=True):
        if html is not None:
            html = inert.with_csp(html, allow_scripts=options.allow_scripts)
            outputs.append(_Output(f"{brief.stem}.html", "html", html.encode()))
        if "json" in options.formats:
            text = json.dumps(brief.data, indent=2, ensure_ascii=False) + "\n"
            outputs.append(_Output(f"{brief.stem}.json", "json", text.encode()))
    outputs.extend(pdfs[i] for i in sorted(pdfs))
    _check_glyphs(outputs)
    warnings = [f"{o.name}: {w}" for o in outputs for w in o.warnings]
    if options.strict and warnings:
        raise BuildError("warnings are errors with --strict: " + "; ".join(warnings))
    written = _write_all(options.out, outputs, old, options)
    return BuildResult(tuple(written), tuple(warnings))


def _check_glyphs(outputs: Sequence[_Output]) -> None:
    """Fail on text drawn as empty boxes, with one line per brief naming the scripts.

    The check before rendering covers profile text; this catches the rest (template and
    framework text, a font fontconfig listed that Pango did not use), in every build, not
    only with ``--strict``.

    Raises:
        InputError: One finding per PDF with characters no font had (nothing is written).
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
        write_atomic(out / manifest.MANIFEST_NAME, manifest.render(entries, builds), "json")
    return written


def _clean(out: Path, entries: dict[str, manifest.Entry], stems: frozenset[str]) -> list[Written]:
    """Delete the files of briefs no longer planned that the manifest proves we wrote."""
    removed = []
    for name in manifest.removable(out, entries, stems):
        try:
            (out / name).unlink()
        except OSError as exc:
            raise BuildError(f"{display_path(out / name)}: cannot remove: {exc.strerror}") from None
        fmt = cast(OutputFormat, entries[name].format)
        removed.append(Written(out / name, fmt, entries[name].pages, 0, removed=True))
    return removed


def _weight(brief: Brief) -> tuple[int, int]:
    """How much a brief will cost to lay out, roughly: countries covered, then profile bytes."""
    return len(brief.context.countries), sum(len(data) for _, data in brief.attachments)


def _make_all(
    tpl: Templates,
    briefs: Sequence[Brief],
    options: BuildOptions,
    old: dict[str, manifest.Entry],
    pool: Pool,
    progress: Callable[[str], None],
) -> tuple[list[str | None], dict[int, _Output]]:
    """Render every brief's HTML in the workers, and hand each PDF over as soon as its HTML exists.

    HTML goes first (it takes a tenth of a second and unlocks a PDF), the biggest brief before
    the others; PDFs are queued longest HTML first, so the workers finish together. With more
    than one worker the biggest brief's PDF, the longest task of the build (the comparison's 17
    pages against 13-14), starts the moment its HTML exists, while the other workers render
    the rest: six PDFs on two workers cannot split evenly, and the sooner the longest starts,
    the less one worker waits for the other at the end.
    """
    limits = options.limits
    want = ("html" in options.formats, "pdf" in options.formats)
    order = sorted(range(len(briefs)), key=lambda i: _weight(briefs[i]), reverse=True)
    longest = order[0] if pool.size > 1 else None
    for i in order:
        b = briefs[i]
        args = (options.template_dirs, options.project_root, b, want, limits.html_chars)
        task = Task(
            render_brief,
            args,
            f"{b.template}: rendering {b.subject}",
            limits.render_seconds,
            "[limits] render_seconds",
            f"{b.stem}: HTML",
        )
        pool.submit(("html", i, ""), task, priority=_HTML)
    folders = manifest.folder_digest(tpl.folders) if want[1] else ""
    pages: dict[int, str | None] = {}
    pdfs: dict[int, _Output] = {}
    for (kind, i, key), result in pool.completed(progress):
        brief = briefs[i]
        name = f"{brief.stem}.pdf"
        if kind == "pdf":
            pdfs[i] = _Output(
                name,
                "pdf",
                result.data,
                key,
                result.pages,
                result.warnings,
                missing_glyphs=result.missing_glyphs,
            )
            continue
        html, printed = result
        if html is not None:
            _check_inert(html, brief, options.allow_scripts)
        pages[i] = html
        if printed is None:
            continue
        _check_inert(printed, brief, allow_scripts=False)  # a PDF is never given scripts
        request = pdf_request(tpl, brief, options.variant, printed)
        key = manifest.pdf_input_key(request, folders)
        entry = old.get(name)
        if entry and options.reuse and manifest.reusable(options.out, name, entry, key):
            progress(f"{name}: unchanged")
            pdfs[i] = _Output(name, "pdf", None, key, entry.pages, entry.warnings, entry)
        else:
            first = _LONGEST_PDF if i == longest else -len(printed)
            pool.submit(("pdf", i, key), _pdf_task(request, brief.subject, limits), first)
    return [pages[i] for i in range(len(briefs))], pdfs


# Pool priorities (lower runs first): the longest PDF, then every HTML, then the other PDFs,
# longest HTML first (their priority is minus its length).
_LONGEST_PDF = -math.inf
_HTML = -float(2**63)


def _pdf_task(request: PdfRequest, subject: str, limits: Limits) -> Task[PdfResult]:
    return Task(
        _pdf_in_worker,
        (request,),
        f"the PDF of {subject}",
        limits.pdf_seconds,
        "[limits] pdf_seconds",
        f"{request.title}: PDF",
    )


def _pdf_in_worker(request: PdfRequest) -> PdfResult:
    """Make a PDF (runs in a worker, where WeasyPrint is imported; the parent never is)."""
    from aftercare_report.pdf_render import make_pdf

    return make_pdf(request)


def _import_renderer() -> None:
    import aftercare_report.pdf_render  # noqa: F401 - the import is the warm-up


def render_brief(
    folders: tuple[Path, ...],
    project_root: Path | None,
    brief: Brief,
    want: tuple[bool, bool],
    max_chars: int,
) -> tuple[str | None, str | None]:
    """Render a brief's self-contained HTML and its print HTML, as asked (runs in a worker).

    Args:
        folders: The team's template folders.
        project_root: The project folder.
        brief: The brief.
        want: Whether to render (the HTML brief, the print HTML for the PDF).
        max_chars: Longest HTML accepted.

    Raises:
        TemplateError: Naming the template file and line, and the subject.
    """
    tpl = _templates(folders, project_root)

    def one(inline_css: bool) -> str:
        return render(
            tpl,
            brief.template,
            brief.context,
            inline_css=inline_css,
            subject=brief.subject,
            max_chars=max_chars,
        )

    with using(brief.language):
        return (one(True) if want[0] else None), (one(False) if want[1] else None)


@functools.lru_cache(maxsize=8)
def _templates(folders: tuple[Path, ...], project_root: Path | None) -> Templates:
    return templates(folders, project_root)  # once per worker, not once per brief


def _check_inert(html: str, brief: Brief, allow_scripts: bool) -> None:
    found = inert.problems(html, allow_scripts=allow_scripts)
    if found:
        raise TemplateError(
            f"{brief.template}: active content in the brief of {brief.subject}: "
            + "; ".join(found[:5])
            + ". Briefs are published: templates may not run scripts or load remote files "
            "(run with --allow allow_scripts to let scripts into HTML briefs)"
        )


@dataclass(frozen=True)
class _Output:
    """A rendered output; ``data`` is None when the file on disk is reused as it is."""

    name: str
    format: OutputFormat
    data: bytes | None
    input: str = ""
    pages: int | None = None
    warnings: tuple[str, ...] = ()
    reused_entry: manifest.Entry | None = None
    missing_glyphs: tuple[str, ...] = ()

    @property
    def entry(self) -> manifest.Entry:
        if self.data is None:
            assert self.reused_entry is not None
            return self.reused_entry
        digest = manifest.sha256(self.data)
        entry = manifest.Entry(
            self.format, self.input or digest, digest, len(self.data), self.pages, self.warnings
        )
        return dataclasses.replace(entry, seal=manifest.seal(self.name, entry))


def _write(out: Path, output: _Output, previous: manifest.Entry | None) -> Written:
    path = out / output.name
    if output.data is None:
        entry = output.entry
        return Written(path, output.format, entry.pages, entry.size, unchanged=True)
    unchanged = (
        previous is not None
        and previous.sha256 == manifest.sha256(output.data)
        and manifest.on_disk(out, output.name) == output.data
    )
    if unchanged:
        # Same bytes: leave the file (and its modification time) alone for make-like tools.
        return Written(path, output.format, output.pages, len(output.data), unchanged=True)
    return write_atomic(path, output.data, output.format, output.pages)


def pdf_request(tpl: Templates, brief: Brief, variant: PdfVariant, html: str) -> PdfRequest:
    """Gather what WeasyPrint needs to make a brief's PDF from its print HTML.

    Args:
        tpl: The template search path.
        brief: The brief.
        variant: PDF variant.
        html: The brief rendered for print (``inline_css=False``).
    """
    ctx = brief.context
    return PdfRequest(
        html=html,
        stylesheets=tuple(stylesheet_text(tpl, ctx)),
        roots=tpl.folders,
        title=ctx.title,
        subject=ctx.subtitle,
        keywords=("survivor aftercare", "trafficking", *(c.country for c in ctx.countries)),
        author=ctx.brand.organisation,
        date=dt.date.fromisoformat(ctx.date),
        variant=variant,
        attachments=brief.attachments,
        lang=ctx.lang,
    )


def write_atomic(
    path: Path, data: bytes, fmt: OutputFormat = "json", pages: int | None = None
) -> Written:
    """Write ``data`` to ``path`` so that readers see the old file or the new one, never half.

    Args:
        path: Target file; its folder is created if needed.
        data: The content.
        fmt: Format label for the result.
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
