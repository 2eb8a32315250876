"""What it takes to make one PDF, and what comes back: plain, picklable values.

These types cross process boundaries (a worker pool renders PDFs) and feed the manifest, so they
live apart from :mod:`aftercare_report.pdf_render`, the only module that imports WeasyPrint.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

PdfVariant = Literal["pdf/ua-1", "pdf/a-3b"]
PDF_VARIANTS: tuple[PdfVariant, ...] = ("pdf/ua-1", "pdf/a-3b")


@dataclass(frozen=True)
class PdfRequest:
    """Everything needed to make one PDF, picklable for a worker process.

    Attributes:
        html: The rendered HTML.
        stylesheets: (css text, folder it came from) pairs.
        roots: Folders the fetcher may read.
        title: Document title for metadata.
        subject: Document subject (description) for metadata.
        keywords: Keywords for metadata.
        author: Organisation named as author.
        date: The date written as created/modified (the data's ``as_of``, never the clock).
        variant: ``pdf/ua-1`` or ``pdf/a-3b``.
        attachments: (file name, bytes) pairs embedded in the PDF, e.g. the source profile.
        lang: Document language.
    """

    html: str
    stylesheets: tuple[tuple[str, Path], ...]
    roots: tuple[Path, ...]
    title: str
    subject: str
    keywords: tuple[str, ...]
    author: str
    date: dt.date
    variant: PdfVariant = "pdf/ua-1"
    attachments: tuple[tuple[str, bytes], ...] = field(default=())
    lang: str = "en"


@dataclass(frozen=True)
class PdfResult:
    """A made PDF.

    Attributes:
        data: The PDF bytes.
        pages: Page count.
        warnings: WeasyPrint's warnings (refused URLs, CSS it ignored).
        missing_glyphs: Characters drawn as empty boxes because no font had them, in order
            (WeasyPrint warns once per character; a build fails on any).
    """

    data: bytes
    pages: int
    warnings: tuple[str, ...]
    missing_glyphs: tuple[str, ...] = ()
