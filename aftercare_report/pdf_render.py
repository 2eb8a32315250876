"""HTML to PDF with WeasyPrint, confined to the template folders: the one module importing it.

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
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn
from urllib.parse import quote, unquote, urlsplit

import pydyf  # type: ignore[import-untyped]
import weasyprint
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from aftercare_report.confine import Refused, hidden, inside, read_regular
from aftercare_report.errors import BuildError, display_path
from aftercare_report.fonts import FONT_SUFFIXES
from aftercare_report.limits import ASSET_BYTES, MB
from aftercare_report.pdf import PdfRequest, PdfResult


def _tag_languages() -> None:
    """Give each tagged PDF structure element the language of its HTML element.

    WeasyPrint 70 writes the document's language (``/Lang`` in the catalog) but not that of a
    passage tagged ``lang="en"`` in a French brief, so screen readers would read the quoted
    English evidence with French rules (PDF/UA 7.2). Its tag builder is wrapped here to copy
    ``lang`` onto the structure element it makes; WeasyPrint is pinned below 71, and a test
    reads the tags back, so a change of this private function fails loudly rather than quietly.
    """
    from weasyprint.pdf import tags

    build = getattr(tags, "_build_box_tree", None)
    if build is None or getattr(build, "tags_language", False):
        return

    def with_language(box: Any, parent: Any, pdf: Any, *args: Any) -> Iterator[Any]:
        element = getattr(box, "element", None)
        tag = getattr(element, "tag", "")
        lang = element.get("lang") if element is not None and tag != "html" else None
        for node in build(box, parent, pdf, *args):
            if lang and "Lang" not in node:
                node["Lang"] = pydyf.String(lang)
            yield node

    with_language.tags_language = True  # type: ignore[attr-defined]
    tags._build_box_tree = with_language


_tag_languages()

VIRTUAL_ROOT = "/__aftercare_templates__/"
"""Documents see template folders only under this made-up path, never where they really are."""

_NOTDEF = re.compile(r"^\.notdef glyph rendered .*\(U\+([0-9A-Fa-f]{4,6})\)$", re.DOTALL)
"""WeasyPrint's warning for a character no font has, one per character drawn (70.0's words)."""


def virtual_base(index: int) -> str:
    """Return the base URL under which template folder number ``index`` is served."""
    return f"file://{VIRTUAL_ROOT}{index}/"


class ConfinedFetcher(URLFetcher):
    """Fetch only ``data:`` URLs and files inside the template folders; record what is refused.

    Hidden files are never served, and only regular files up to ``ASSET_BYTES`` are read.

    Documents address the folders through virtual URLs (``file:///__aftercare_templates__/0/x``)
    that the fetcher maps back after resolving symlinks and ``..``. Real paths are never
    handed to WeasyPrint: it reads local image files again by path when it writes the PDF, and
    it names images after their URL, so real paths would both bypass this check and make the
    PDF depend on where the checkout lives.
    """

    def __init__(self, roots: Sequence[Path], max_bytes: int | None = None) -> None:
        super().__init__(allowed_protocols=("data", "file"))
        self.roots = tuple(r.resolve() for r in roots)
        self.refused: dict[str, str] = {}
        """What was not served: the URL asked for, and the message for the person who wrote it."""
        self.max_bytes = max_bytes
        self.served = 0
        """Bytes of files other than fonts served: a PDF embeds each once per address used
        (``big.jpg?1``, ``big.jpg?2``), so ``max_bytes`` bounds them all together."""

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        """Serve ``url`` if it is a ``data:`` URL or a file inside a template folder."""
        scheme = url.split(":", 1)[0].lower()
        if scheme == "data":
            return super().fetch(url, headers)
        found = self._template_file(url) if scheme == "file" else None
        if isinstance(found, str):
            self._refuse(url, found)
        if found is None:
            self._refuse(url, f"refused to fetch {url}: only data: URLs and template files")
        canonical, path = found
        try:
            data = read_regular(path, ASSET_BYTES)
        except Refused as exc:
            self._refuse(url, f"refused to fetch {display_path(path)}: {exc}")
        if self.max_bytes is not None and path.suffix.lower() not in FONT_SUFFIXES:
            self.served += len(data)  # fonts are subset: what is embedded is a part of them
            if self.served > self.max_bytes:
                self._refuse(url, f"refused to fetch {display_path(path)}: {self.over}")
        mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(canonical, data, {"Content-Type": mime})

    @property
    def over(self) -> str:
        """Why the images served are too many, or "" while they are within ``max_bytes``."""
        if self.max_bytes is None or self.served <= self.max_bytes:
            return ""
        return (
            f"the images passed the limit of {self.max_bytes // MB:,} MB ([limits] html_mb); "
            "a PDF embeds an image once for each address it is used under (big.jpg?1, "
            "big.jpg#2): use one address per image"
        )

    def _refuse(self, url: str, message: str) -> NoReturn:
        self.refused[url] = message
        raise ValueError(message)

    def url_of(self, folder: Path) -> str:
        """Return the virtual URL of a folder inside a template root (a stylesheet's base)."""
        folder = folder.resolve()
        for index, root in enumerate(self.roots):
            if folder.is_relative_to(root):
                relative = folder.relative_to(root).as_posix()
                return virtual_base(index) + (quote(relative) + "/" if relative != "." else "")
        raise BuildError(f"{folder}: a stylesheet must live in a template folder")

    def _template_file(self, url: str) -> tuple[str, Path] | str | None:
        """The canonical URL and file a virtual URL names; a message if it names no file."""
        parts = urlsplit(url)  # the query and #fragment are dropped, never part of the path
        path = unquote(parts.path)
        if parts.netloc or not path.startswith(VIRTUAL_ROOT):
            return None
        index, _, relative = path.removeprefix(VIRTUAL_ROOT).partition("/")
        if not index.isdigit() or int(index) >= len(self.roots):
            return None
        root = self.roots[int(index)]
        if hidden(relative):  # .git/config, .env: never served, whatever the folder holds
            return None
        try:
            target = inside(root / relative, root)  # symlinks and .. resolved before the check
        except Refused:
            return None
        if not os.path.lexists(root / relative):
            return f"not found: {display_path(root / relative)}"  # the path the team wrote
        if not target.is_file():
            return None
        return f"{virtual_base(int(index))}{quote(relative)}", target


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@contextmanager
def _source_date_epoch(seconds: int) -> Iterator[None]:
    """Set ``SOURCE_DATE_EPOCH`` for one rendering, then put back what was there.

    fontTools (used when harfbuzz-subset is missing) stamps fonts with the clock otherwise.
    """
    old = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = str(seconds)
    try:
        yield
    finally:
        if old is None:
            del os.environ["SOURCE_DATE_EPOCH"]
        else:
            os.environ["SOURCE_DATE_EPOCH"] = old


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


def _only_safe_links(document: Any) -> list[str]:
    """Keep only links to the web and within the brief, and no attachment but the profiles.

    ``<link rel="attachment">`` and ``<a rel="attachment">`` would embed any template-folder
    file (a team's other templates, say) into a PDF that is then published. A link annotation
    to ``javascript:``, ``file:`` (a relative link, resolved against the template folder) or
    any other scheme is a PDF reader's business, not a reader's: WeasyPrint 70 collects every
    ``<a href>`` into ``page.links`` as (kind, target, rectangle, box), ``external`` or
    ``internal``, and writes them all. The inert check refuses such links before the PDF is
    made; any that reach this point are dropped, and named.

    Returns:
        A warning for each link left out.
    """
    document.metadata.attachments = []
    dropped: dict[str, None] = {}
    for page in document.pages:
        kept = []
        for link in page.links:
            kind, target = link[0], str(link[1])
            web = kind == "external" and urlsplit(target).scheme.lower() in ("http", "https")
            if kind == "internal" or web:
                kept.append(link)
            elif kind != "attachment":
                dropped[target] = None
        page.links[:] = kept
    return [f"link to {t} left out: a PDF links only to the web and within itself" for t in dropped]


@dataclass(frozen=True)
class _Styles:
    """Parsed stylesheets with the fonts their ``@font-face`` rules loaded.

    Attributes:
        key: The stylesheets (text and folder) and template folders they were parsed from.
        fonts: The font configuration the stylesheets and every rendering with them share.
        sheets: The parsed stylesheets.
        warnings: What parsing them logged or refused, given again with every PDF made
            with them.
        refused: The URLs they asked for and were refused (WeasyPrint logs each again).
    """

    key: tuple[object, ...]
    fonts: FontConfiguration
    sheets: tuple[weasyprint.CSS, ...]
    warnings: tuple[str, ...]
    refused: frozenset[str]


_last_styles: list[_Styles] = []
"""The stylesheets of the last PDF made in this process (a worker makes a build's briefs, which
share one set). Parsing them again, and above all loading the fonts again into a new font
configuration, costs each brief about a twentieth of its rendering time."""


def _styles(request: PdfRequest) -> _Styles:
    """The request's stylesheets parsed, with their fonts: kept from the last PDF if the same."""
    key = (request.stylesheets, request.roots)
    if _last_styles and _last_styles[0].key == key:
        return _last_styles[0]
    fetcher = ConfinedFetcher(request.roots)
    with _captured_warnings() as log:
        # @font-face rules are read only through a FontConfiguration shared by every
        # stylesheet and the rendering; without one, team fonts are silently left out.
        fonts = FontConfiguration()
        sheets = tuple(
            weasyprint.CSS(
                string=text,
                base_url=fetcher.url_of(folder),
                url_fetcher=fetcher,
                font_config=fonts,
            )
            for text, folder in request.stylesheets
        )
    logged = (m for m in log.messages if not any(u in m for u in fetcher.refused))
    refused = frozenset(fetcher.refused)
    styles = _Styles(key, fonts, sheets, (*logged, *fetcher.refused.values()), refused)
    _last_styles[:] = [styles]
    return styles


def make_pdf(request: PdfRequest) -> PdfResult:
    """Render HTML to PDF bytes, reproducibly, with a confined fetcher.

    Args:
        request: The HTML, stylesheets, metadata and options.

    Raises:
        BuildError: WeasyPrint failed.
    """
    stamp = dt.datetime.combine(request.date, dt.time(12, 0), tzinfo=dt.UTC)
    fetcher = ConfinedFetcher(request.roots, request.max_bytes)
    with _captured_warnings() as log, _source_date_epoch(int(stamp.timestamp())):
        try:
            styles = _styles(request)
            html = weasyprint.HTML(
                string=request.html, base_url=virtual_base(0), url_fetcher=fetcher
            )
            document = html.render(
                stylesheets=list(styles.sheets),
                font_config=styles.fonts,
                pdf_variant=request.variant,
                pdf_tags=True,
            )
            dropped = _only_safe_links(document)
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
            reason = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
            raise BuildError(f"PDF rendering failed for '{request.title}': {reason}") from exc
    # The building process receives the PDF whole, and it is published: held to the limit the
    # other formats are held to.
    too_big = fetcher.over or (
        f"it passed the limit of {request.max_bytes // MB:,} MB ([limits] html_mb)"
        if len(data) > request.max_bytes
        else ""
    )
    if too_big:
        raise BuildError(f"the PDF of '{request.title}': {too_big}; nothing was written")
    # WeasyPrint logs each refused file again under its internal URL: the fetcher's message
    # names the file as the team wrote it, once.
    refused = {*fetcher.refused, *styles.refused}
    logged = [m for m in log.messages if not any(u in m for u in refused)]
    missing = [chr(int(m[1], 16)) for m in map(_NOTDEF.search, logged) if m]
    warnings = [
        *styles.warnings,
        *(m for m in logged if not _NOTDEF.search(m)),
        *fetcher.refused.values(),
        *dropped,
    ]
    pages = len(document.pages)
    return PdfResult(data, pages, tuple(dict.fromkeys(warnings)), tuple(dict.fromkeys(missing)))
