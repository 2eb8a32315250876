"""What it takes to make one PDF: a plain, picklable request, prepared in the building process.

The request crosses a process boundary (a worker makes the PDF) and keys the manifest, so it
lives apart from :mod:`aftercare_report.pdf_render`, the only module that imports WeasyPrint.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from aftercare_report.i18n import _, current
from aftercare_report.limits import Limits
from aftercare_report.outputs import Made

if TYPE_CHECKING:
    from aftercare_report.build import Brief, Setting

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
        max_bytes: Largest PDF, and most image bytes it may embed (``[limits] html_mb``).
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
    max_bytes: int = Limits().html_chars

    def fingerprint(self) -> Sequence[bytes]:
        """Everything the PDF depends on; absolute paths are left out so CI runners agree."""
        meta = (self.title, self.subject, self.author, self.date.isoformat(), self.lang)
        return (
            self.variant.encode(),
            self.html.encode(),
            *(b"css\0" + text.encode() for text, _ in self.stylesheets),
            *(b"att\0" + name.encode() + b"\0" + data for name, data in self.attachments),
            json.dumps([*meta, *self.keywords, self.max_bytes]).encode(),
        )


PdfResult = Made
"""A made PDF: its bytes, page count, WeasyPrint's warnings and the glyphs no font had."""


def keywords() -> tuple[str, ...]:
    """The keywords of a brief, in the current language, as its web page's ``<meta>`` has them."""
    return (_("aftercare for %(survivors)s"), current().term("re_trafficking"))


def request(brief: Brief, html: str, setting: Setting) -> PdfRequest:
    """Gather what WeasyPrint needs to make a brief's PDF from its print HTML.

    Args:
        brief: The brief.
        html: The brief rendered for print (stylesheets linked, not inlined).
        setting: The template folders (stylesheets, fonts) and the PDF variant.
    """
    from aftercare_report.templating import stylesheet_text

    ctx, tpl = brief.context, setting.tpl
    return PdfRequest(
        html=html,
        stylesheets=tuple(stylesheet_text(tpl, ctx)),
        roots=tpl.folders,
        title=ctx.title,
        subject=ctx.subtitle,
        keywords=(*keywords(), *(c.country for c in ctx.countries)),
        author=ctx.brand.organisation,
        date=brief.date,
        variant=setting.options.variant,
        attachments=brief.attachments,
        lang=ctx.lang,
        max_bytes=setting.options.limits.html_chars,
    )
