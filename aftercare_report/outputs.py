"""The output formats, each declared once, and what a build reports having written.

Every format the tool makes is one :class:`Format` in :data:`FORMATS`. The build schedules it,
``--format`` and ``--help`` offer it, the manifest reuses it, and ``serve`` lists and serves it,
all from this declaration: no other module names a format. To add one, write the module that
makes it and add one line here (``docs/architecture.md`` walks through it).

The module imports nothing but the standard library, so ``--help`` and an unchanged build pay
nothing for it. The functions a format names are imported only where they run: ``prepare`` in
the building process, ``make`` in a worker (WeasyPrint and python-docx never load in the parent).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

Source = Literal["assessment", "template", "print"]
"""What a format is made from.

``assessment``: the briefs' country reports, in the building process (no template runs).
``template``: the brief's template for this format (``country.md``), rendered in a worker.
``print``: the ``.html`` template rendered for paper (stylesheets linked, not inlined), in a
worker; formats made from it share one rendering per brief.
"""


@dataclass(frozen=True)
class Format:
    """One output format: everything the build, the CLI, the manifest and ``serve`` know of it.

    Attributes:
        name: What ``--format`` calls it.
        suffix: File name suffix of its outputs.
        media_type: Its media type, for ``serve``.
        summary: What it is for, in a few words (``--help``, ``serve``'s index).
        label: Its name for people (``Word``).
        made_from: See :data:`Source`.
        template: Suffix of the template it is rendered from (``.html``, ``.md``): the
            template is the brief's kind plus this (``country.md``). Empty when made from the
            assessment.
        prepare: ``module:function`` run in the building process. Called with the brief, the
            rendered template text (``""`` for the assessment) and the build's settings, it
            returns the finished bytes, or a picklable request for ``make``.
        make: ``module:function`` run in a worker on the request ``prepare`` returned; it
            returns an :class:`Made`. Empty when ``prepare`` makes the bytes itself.
        check: ``module:function`` that lists the active content in the rendered template
            (scripts, event handlers, remote loads, ``javascript:`` links), each with its line:
            outputs are published, so any found stops the build before anything is written.
            It runs in the worker that rendered the template, under its limits.
        scripts: ``[security] allow_scripts`` lets scripts into this format (a web page may
            run them; a PDF or a Word document never does).
        reusable: Costly to make: an output whose request matches the manifest is kept, not
            made again (``--force`` makes it anyway). The request must have a ``fingerprint()``.
        cost: Rough seconds ``make`` takes per brief, to start the longest work first.
        seconds: The ``[limits]`` setting bounding ``make`` in a worker.
        warm: A module the workers import before their first task (a costly import).
        default: Made by ``build`` when ``--format`` is not given.
    """

    name: str
    suffix: str
    media_type: str
    summary: str
    made_from: Source
    label: str = ""
    template: str = ""
    prepare: str = ""
    make: str = ""
    check: str = ""
    scripts: bool = False
    reusable: bool = False
    cost: float = 0.0
    seconds: Literal["render_seconds", "pdf_seconds"] = "render_seconds"
    warm: str = ""
    default: bool = False

    @property
    def medium(self) -> str:
        """The ``medium`` its template sees: ``print`` for paper, else ``screen``."""
        return "print" if self.made_from == "print" else "screen"


FORMATS: dict[str, Format] = {
    f.name: f
    for f in (
        Format(
            "html",
            ".html",
            "text/html",
            "a web page in one file",
            "template",
            label="HTML",
            template=".html",
            prepare="aftercare_report.inert:published",
            check="aftercare_report.inert:problems",
            scripts=True,
            default=True,
        ),
        Format(
            "pdf",
            ".pdf",
            "application/pdf",
            "for print: tagged PDF/UA or archival PDF/A",
            "print",
            label="PDF",
            template=".html",
            prepare="aftercare_report.pdf:request",
            make="aftercare_report.pdf_render:make_pdf",
            check="aftercare_report.inert:print_problems",
            reusable=True,
            cost=4.0,
            seconds="pdf_seconds",
            warm="aftercare_report.pdf_render",
            default=True,
        ),
        Format(
            "json",
            ".json",
            "application/json",
            "the assessment, for programs",
            "assessment",
            label="JSON",
            prepare="aftercare_report.export:brief_json",
            default=True,
        ),
        Format(
            "md",
            ".md",
            "text/markdown",
            "Markdown for static-site generators",
            "template",
            label="Markdown",
            template=".md",
            prepare="aftercare_report.markdown:published",
            check="aftercare_report.markdown:problems",
            scripts=True,
        ),
        Format(
            "docx",
            ".docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "a Word document, for partners to comment on",
            "print",
            label="Word",
            template=".html",
            prepare="aftercare_report.docx_render:request",
            make="aftercare_report.docx_render:make_docx",
            check="aftercare_report.inert:print_problems",
            reusable=True,
            cost=1.0,
        ),
    )
}
"""Every output format, in the order ``--help`` lists them and a build reports them."""

DEFAULT_FORMATS: tuple[str, ...] = tuple(f.name for f in FORMATS.values() if f.default)
"""What ``build`` makes without ``--format``."""

PREVIEW = FORMATS["html"]
"""The format ``serve`` makes with every change and shows in the browser (updated in place)."""


def choose(value: str | Iterable[str]) -> tuple[str, ...]:
    """Resolve a ``--format`` value: names separated by commas, or ``all``.

    Args:
        value: ``"html,md"``, ``"all"``, or names already split.

    Returns:
        The chosen names, in declaration order, each once.

    Raises:
        ValueError: A name that is not a format (the message lists the formats), or none.
    """
    names = [v.strip() for v in value.split(",")] if isinstance(value, str) else list(value)
    names = [n for n in names if n]
    if "all" in names:
        return tuple(FORMATS)
    bad = [n for n in names if n not in FORMATS]
    if bad or not names:
        known = ", ".join([*FORMATS, "all"])
        raise ValueError(f"{', '.join(bad) or 'nothing'}: choose from {known}")
    return tuple(name for name in FORMATS if name in names)


def of(path: Path | str) -> Format | None:
    """The format of an output file, by its suffix (None for other files)."""
    suffix = Path(path).suffix
    return next((f for f in FORMATS.values() if f.suffix == suffix), None)


@dataclass(frozen=True)
class Made:
    """What a format's ``make`` returns from a worker.

    Attributes:
        data: The file's bytes.
        pages: Page count, for paged formats.
        warnings: The maker's warnings (refused URLs, CSS left out).
        missing_glyphs: Characters drawn as empty boxes because no font had them, in order
            (a build fails on any).
    """

    data: bytes
    pages: int | None = None
    warnings: tuple[str, ...] = ()
    missing_glyphs: tuple[str, ...] = ()


@dataclass(frozen=True)
class Written:
    """A file the build wrote.

    Attributes:
        path: Where.
        format: The name of its format (see :data:`FORMATS`).
        pages: Page count for paged formats.
        size: Bytes.
        unchanged: The file already had this content (it was not rewritten).
        removed: ``--clean`` deleted the file: its brief is no longer built.
    """

    path: Path
    format: str
    pages: int | None
    size: int
    unchanged: bool = False
    removed: bool = False


@dataclass(frozen=True)
class BuildResult:
    """What a build wrote, and the warnings of the makers (WeasyPrint's)."""

    written: tuple[Written, ...]
    warnings: tuple[str, ...]
