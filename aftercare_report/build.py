"""Build briefs: plan what to make, render it all, then write it all atomically.

Nothing is written until every brief has rendered, and each file is written to a temporary file in
the target folder and renamed over the old one, so a failed build or Ctrl-C never leaves a
truncated file or loses the previous one. PDFs, the slow part, render in a process pool.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import tempfile
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from aftercare_report.context import Brand, BriefContext, comparative_context, country_context
from aftercare_report.errors import BuildError, display_path
from aftercare_report.recommend import DEFAULT_TERMS
from aftercare_report.report import CountryReport, report_json
from aftercare_report.templating import Templates, render, stylesheet_text, templates

if TYPE_CHECKING:
    from aftercare_report.pdf import PdfRequest, PdfResult

FORMATS = ("html", "pdf", "json")


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
    """

    out: Path
    formats: tuple[str, ...] = FORMATS
    template_dirs: tuple[Path, ...] = ()
    variant: str = "pdf/ua-1"
    strict: bool = False
    workers: int = 2


@dataclass(frozen=True)
class Written:
    """A file the build wrote.

    Attributes:
        path: Where.
        format: ``html``, ``pdf`` or ``json``.
        pages: Page count for PDFs.
        size: Bytes.
    """

    path: Path
    format: str
    pages: int | None
    size: int


@dataclass(frozen=True)
class BuildResult:
    """What a build wrote, and what WeasyPrint warned about."""

    written: tuple[Written, ...]
    warnings: tuple[str, ...]


def plan(
    reports: Sequence[CountryReport],
    *,
    countries: bool = True,
    comparative: bool = True,
    brand: Brand | None = None,
    terms: Mapping[str, str] = DEFAULT_TERMS,
    lang: str = "en",
) -> list[Brief]:
    """List the briefs to make from assessed countries.

    Args:
        reports: The countries, each assessed once.
        countries: Make one brief per country.
        comparative: Make a comparative brief (needs two or more countries).
        brand: The team's brand.
        terms: Terminology.
        lang: Language code.
    """
    brand = brand or Brand()
    briefs = []
    if countries:
        for r in reports:
            ctx = country_context(r, brand, terms, lang)
            briefs.append(
                Brief(r.profile.slug, "country.html", ctx, report_json(r), _yaml(r), _subject(r))
            )
    if comparative and len(reports) >= 2:
        ctx = comparative_context(reports, brand, terms, lang)
        data = {"countries": [report_json(r) for r in reports]}
        attachments = tuple(a for r in reports for a in _yaml(r))
        briefs.append(
            Brief("comparative", "comparative.html", ctx, data, attachments, "comparison")
        )
    return briefs


def _yaml(report: CountryReport) -> tuple[tuple[str, bytes], ...]:
    path = report.profile.path
    return ((path.name, path.read_bytes()),) if path else ()


def _subject(report: CountryReport) -> str:
    path = report.profile.path
    return display_path(path) if path else report.profile.slug


def build(
    briefs: Sequence[Brief],
    options: BuildOptions,
    progress: Callable[[str], None] = lambda _: None,
) -> BuildResult:
    """Render every brief in every format, then write all files atomically.

    Args:
        briefs: What to make (see :func:`plan`).
        options: Formats, folders, PDF variant, strictness.
        progress: Called with a short description after each finished step.

    Raises:
        TemplateError: A template failed (nothing is written).
        BuildError: A PDF failed, or warnings under ``strict`` (nothing is written).
    """
    tpl = templates(options.template_dirs)
    files: dict[Path, tuple[str, bytes, int | None]] = {}
    for brief in briefs:
        if "html" in options.formats:
            html = render(
                tpl, brief.template, brief.context, inline_css=True, subject=brief.subject
            )
            files[options.out / f"{brief.stem}.html"] = ("html", html.encode(), None)
        if "json" in options.formats:
            text = json.dumps(brief.data, indent=2, ensure_ascii=False) + "\n"
            files[options.out / f"{brief.stem}.json"] = ("json", text.encode(), None)
        progress(f"{brief.stem}: HTML")
    warnings: list[str] = []
    if "pdf" in options.formats:
        requests = [pdf_request(tpl, b, options.variant) for b in briefs]
        for brief, result in zip(
            briefs, _make_pdfs(requests, options.workers, progress), strict=True
        ):
            files[options.out / f"{brief.stem}.pdf"] = ("pdf", result.data, result.pages)
            warnings.extend(f"{brief.stem}.pdf: {w}" for w in result.warnings)
    if options.strict and warnings:
        raise BuildError("warnings are errors with --strict:\n  " + "\n  ".join(warnings))
    written = [write_atomic(path, data, fmt, pages) for path, (fmt, data, pages) in files.items()]
    return BuildResult(tuple(written), tuple(warnings))


def pdf_request(tpl: Templates, brief: Brief, variant: str) -> PdfRequest:
    """Render a brief's HTML for print and gather what WeasyPrint needs to make its PDF.

    Args:
        tpl: The template search path.
        brief: The brief.
        variant: PDF variant.
    """
    from aftercare_report.pdf import PdfRequest

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
    from aftercare_report.pdf import make_pdf

    if workers <= 1 or len(requests) <= 1:
        results = []
        for request in requests:
            results.append(make_pdf(request))
            progress(f"{request.title}: PDF")
        return results
    # WeasyPrint is CPU-bound and not thread-parallel; each worker imports it once.
    with ProcessPoolExecutor(max_workers=workers) as pool:
        futures = [pool.submit(make_pdf, r) for r in requests]
        results = []
        for request, future in zip(requests, futures, strict=True):
            results.append(future.result())
            progress(f"{request.title}: PDF")
    return results


def write_atomic(path: Path, data: bytes, fmt: str = "", pages: int | None = None) -> Written:
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
