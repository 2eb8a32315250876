"""Make briefs: render every format, make PDFs in worker processes, then write atomically.

Nothing is written until every brief has rendered, and each file is written to a temporary file in
the target folder and renamed over the old one, so a failed build or Ctrl-C never leaves a
truncated file or loses the previous one. PDFs, the slow part, render in a process pool.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import tempfile
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from aftercare_report import manifest
from aftercare_report.context import BriefContext
from aftercare_report.errors import BuildError, display_path
from aftercare_report.pdf import PdfRequest, PdfResult, PdfVariant
from aftercare_report.templating import Templates, render, stylesheet_text, templates

OutputFormat = Literal["html", "pdf", "json"]
FORMATS: tuple[OutputFormat, ...] = ("html", "pdf", "json")


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
    """

    stem: str
    template: str
    context: BriefContext
    data: object
    attachments: tuple[tuple[str, bytes], ...]
    subject: str


@dataclass(frozen=True)
class BuildOptions:
    """How to build.

    Attributes:
        out: Output folder.
        formats: Any of ``html``, ``pdf``, ``json``.
        template_dirs: The team's template folders.
        variant: PDF variant (``pdf/ua-1`` or ``pdf/a-3b``).
        strict: Treat WeasyPrint warnings (missing glyphs, refused URLs) as errors.
        workers: Processes for PDF rendering.
        reuse: Reuse PDFs whose inputs match the manifest (``--force`` turns it off).
    """

    out: Path
    formats: tuple[OutputFormat, ...] = FORMATS
    template_dirs: tuple[Path, ...] = ()
    variant: PdfVariant = "pdf/ua-1"
    strict: bool = False
    workers: int = 2
    reuse: bool = True


@dataclass(frozen=True)
class Written:
    """A file the build wrote.

    Attributes:
        path: Where.
        format: ``html``, ``pdf`` or ``json``.
        pages: Page count for PDFs.
        size: Bytes.
        unchanged: The file already had this content (it was not rewritten).
    """

    path: Path
    format: OutputFormat
    pages: int | None
    size: int
    unchanged: bool = False


@dataclass(frozen=True)
class BuildResult:
    """What a build wrote, and what WeasyPrint warned about."""

    written: tuple[Written, ...]
    warnings: tuple[str, ...]


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


def build(
    briefs: Sequence[Brief],
    options: BuildOptions,
    progress: Callable[[str], None] = lambda _: None,
) -> BuildResult:
    """Render every brief in every format, then write all files atomically.

    PDFs whose inputs match ``out/manifest.json`` and whose files are unchanged are reused, not
    rendered again; files whose content is unchanged are not rewritten. The manifest is updated
    last, keeping the entries of outputs other builds (or shards) made.

    Args:
        briefs: What to make (see :func:`plan`).
        options: Formats, folders, PDF variant, strictness, reuse.
        progress: Called with a short description after each finished step.

    Raises:
        TemplateError: A template failed (nothing is written).
        BuildError: A PDF failed, or warnings under ``strict`` (nothing is written).
    """
    tpl = templates(options.template_dirs)
    old = manifest.read(options.out)
    outputs: list[_Output] = []
    for brief in briefs:
        if "html" in options.formats:
            html = render(
                tpl, brief.template, brief.context, inline_css=True, subject=brief.subject
            )
            outputs.append(_Output(f"{brief.stem}.html", "html", html.encode()))
        if "json" in options.formats:
            text = json.dumps(brief.data, indent=2, ensure_ascii=False) + "\n"
            outputs.append(_Output(f"{brief.stem}.json", "json", text.encode()))
        progress(f"{brief.stem}: HTML")
    if "pdf" in options.formats:
        outputs.extend(_pdfs(tpl, briefs, options, old, progress))
    warnings = [f"{o.name}: {w}" for o in outputs for w in o.warnings]
    if options.strict and warnings:
        raise BuildError("warnings are errors with --strict:\n  " + "\n  ".join(warnings))
    written = [_write(options.out, o, old.get(o.name)) for o in outputs]
    entries = {n: e for n, e in old.items() if (options.out / n).is_file()}
    entries.update({o.name: o.entry for o in outputs})
    write_atomic(options.out / manifest.MANIFEST_NAME, manifest.render(entries), "json")
    return BuildResult(tuple(written), tuple(warnings))


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

    @property
    def entry(self) -> manifest.Entry:
        if self.data is None:
            assert self.reused_entry is not None
            return self.reused_entry
        digest = manifest.sha256(self.data)
        return manifest.Entry(
            self.format, self.input or digest, digest, len(self.data), self.pages, self.warnings
        )


def _pdfs(
    tpl: Templates,
    briefs: Sequence[Brief],
    options: BuildOptions,
    old: dict[str, manifest.Entry],
    progress: Callable[[str], None],
) -> list[_Output]:
    requests = [pdf_request(tpl, b, options.variant) for b in briefs]
    folders = manifest.folder_digest(tpl.folders)
    keys = [manifest.pdf_input_key(r, folders) for r in requests]
    names = [f"{b.stem}.pdf" for b in briefs]
    todo = [
        i
        for i, (name, key) in enumerate(zip(names, keys, strict=True))
        if not (options.reuse and manifest.reusable(options.out, name, old.get(name), key))
    ]
    made = dict(
        zip(todo, _make_pdfs([requests[i] for i in todo], options.workers, progress), strict=True)
    )
    outputs = []
    for i, (name, key) in enumerate(zip(names, keys, strict=True)):
        if i in made:
            result = made[i]
            outputs.append(_Output(name, "pdf", result.data, key, result.pages, result.warnings))
        else:
            entry = old[name]
            progress(f"{name}: unchanged")
            outputs.append(_Output(name, "pdf", None, key, entry.pages, entry.warnings, entry))
    return outputs


def _write(out: Path, output: _Output, previous: manifest.Entry | None) -> Written:
    path = out / output.name
    if output.data is None:
        entry = output.entry
        return Written(path, output.format, entry.pages, entry.size, unchanged=True)
    unchanged = (
        previous is not None
        and previous.sha256 == manifest.sha256(output.data)
        and path.is_file()
        and path.read_bytes() == output.data
    )
    if unchanged:
        # Same bytes: leave the file (and its modification time) alone for make-like tools.
        return Written(path, output.format, output.pages, len(output.data), unchanged=True)
    return write_atomic(path, output.data, output.format, output.pages)


def pdf_request(tpl: Templates, brief: Brief, variant: PdfVariant) -> PdfRequest:
    """Render a brief's HTML for print and gather what WeasyPrint needs to make its PDF.

    Args:
        tpl: The template search path.
        brief: The brief.
        variant: PDF variant.
    """
    ctx = brief.context
    html = render(tpl, brief.template, ctx, inline_css=False, subject=brief.subject)
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


def _make_pdfs(
    requests: list[PdfRequest], workers: int, progress: Callable[[str], None]
) -> list[PdfResult]:
    if not requests:
        return []  # everything reused: do not pay for importing WeasyPrint
    from aftercare_report.pdf_render import make_pdf

    if workers <= 1 or len(requests) <= 1:
        results = []
        for request in requests:
            results.append(make_pdf(request))
            progress(f"{request.title}: PDF")
        return results
    # WeasyPrint is CPU-bound and not thread-parallel; each worker imports it once.
    pool = ProcessPoolExecutor(max_workers=workers)
    try:
        futures = [pool.submit(make_pdf, r) for r in requests]
        results = []
        for request, future in zip(requests, futures, strict=True):
            results.append(future.result())
            progress(f"{request.title}: PDF")
    except BaseException:
        # Ctrl-C or a failed PDF: drop the queued briefs instead of rendering them for nothing.
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    pool.shutdown()
    return results


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
