"""HTML to PDF with WeasyPrint, confined to the template folders.

Imported only when a PDF is made (WeasyPrint takes about half a second to import). WeasyPrint's
default fetcher reads any ``file://`` path and any URL, and ``rel="attachment"`` links embed what
they fetch into the PDF; a hostile template could attach ``/etc/passwd``. The
:class:`ConfinedFetcher` serves only ``data:`` URLs and files under the template folders.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import logging
import mimetypes
import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import weasyprint
from weasyprint.urls import URLFetcher, URLFetcherResponse

from aftercare_report.build import PdfRequest, PdfResult
from aftercare_report.errors import BuildError


class ConfinedFetcher(URLFetcher):
    """Fetch only ``data:`` URLs and files under the given roots; record everything refused."""

    def __init__(self, roots: Sequence[Path]) -> None:
        super().__init__(allowed_protocols=("data", "file"))
        self.roots = tuple(r.resolve() for r in roots)
        self.refused: list[str] = []

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        """Serve ``url`` if it is a ``data:`` URL or a file under a root, else refuse it."""
        scheme = url.split(":", 1)[0].lower()
        if scheme == "data":
            return super().fetch(url, headers)
        if scheme == "file":
            path = Path(unquote(urlsplit(url).path)).resolve()  # resolves symlinks and ..
            if path.is_file() and any(path.is_relative_to(root) for root in self.roots):
                mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
                return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": mime})
        self.refused.append(url)
        raise ValueError(f"refused to fetch {url}: only data: URLs and template files are allowed")


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@contextmanager
def _captured_warnings() -> Iterator[_Collect]:
    logger = logging.getLogger("weasyprint")
    handler = _Collect()
    logger.addHandler(handler)
    propagate, logger.propagate = logger.propagate, False
    try:
        yield handler
    finally:
        logger.removeHandler(handler)
        logger.propagate = propagate


def make_pdf(request: PdfRequest) -> PdfResult:
    """Render HTML to PDF bytes, reproducibly, with a confined fetcher.

    Args:
        request: The HTML, stylesheets, metadata and options.

    Raises:
        BuildError: WeasyPrint failed.
    """
    stamp = dt.datetime.combine(request.date, dt.time(12, 0), tzinfo=dt.UTC)
    # fontTools (used when harfbuzz-subset is missing) stamps fonts with the clock otherwise.
    os.environ["SOURCE_DATE_EPOCH"] = str(int(stamp.timestamp()))
    fetcher = ConfinedFetcher(request.roots)
    with _captured_warnings() as log:
        try:
            base = request.roots[0].as_uri() + "/"
            html = weasyprint.HTML(string=request.html, base_url=base, url_fetcher=fetcher)
            css = [
                weasyprint.CSS(string=text, base_url=folder.as_uri() + "/", url_fetcher=fetcher)
                for text, folder in request.stylesheets
            ]
            document = html.render(stylesheets=css, pdf_variant=request.variant, pdf_tags=True)
            meta = document.metadata
            meta.title, meta.description = request.title, request.subject
            meta.keywords, meta.authors = list(request.keywords), [request.author]
            meta.created = meta.modified = stamp.isoformat()
            meta.generator = "aftercare-report (WeasyPrint)"
            meta.lang = request.lang
            attachments = [
                weasyprint.Attachment(
                    file_obj=io.BytesIO(data),
                    name=name,
                    url_fetcher=fetcher,
                    created=stamp,
                    modified=stamp,
                    relationship="Source",
                    description="The country profile this brief was made from",
                )
                for name, data in request.attachments
            ]
            identifier = hashlib.sha256(request.html.encode()).hexdigest()[:32].encode()
            data = document.write_pdf(
                pdf_variant=request.variant,
                pdf_identifier=identifier,
                pdf_tags=True,
                attachments=attachments,
                uncompressed_pdf=False,
            )
        except Exception as exc:  # WeasyPrint raises many types; the message is what helps
            raise BuildError(f"PDF rendering failed for '{request.title}': {exc}") from exc
    warnings = [*log.messages, *(f"refused to fetch {u}" for u in fetcher.refused)]
    return PdfResult(data, len(document.pages), tuple(dict.fromkeys(warnings)))
