"""Make the HTML brief one file: the images and fonts a template uses become ``data:`` URIs.

A brief is published as a single HTML file, and its policy forbids loading anything that is not
inline, so an ``<img src="logo.png">`` or a ``url(fonts/x.woff2)`` left relative would show as a
broken image or a fallback font. Files are resolved as the PDF maker resolves them (``<img>``
against the first template folder, a stylesheet's ``url()`` against the stylesheet's folder),
confined to their template folder (see :mod:`aftercare_report.confine`) and read up to
``ASSET_BYTES`` each. A file that is missing or refused is an error naming it, before anything
is written.
"""

from __future__ import annotations

import base64
import html
import mimetypes
import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import unquote, urlsplit

from aftercare_report.confine import Refused, hidden, inside, read_regular
from aftercare_report.errors import TemplateError, display_path
from aftercare_report.html_tokens import Tag, tokens
from aftercare_report.limits import ASSET_BYTES, MB

_CSS_URL = re.compile(r"url\(", re.IGNORECASE)
_IMG_TAG = re.compile(r"<img", re.IGNORECASE)
"""Where an ``<img>`` could start: a page without one has no image to read (most briefs)."""
_CSS_URL_ARGUMENT = re.compile(
    r"""[\t\n\f\r ]*+("[^"\n]*+"|'[^'\n]*+'|[^\t\n\f\r "'()]*+)[\t\n\f\r ]*+\)"""
)
"""What ``url(`` is followed by: a quoted or plain URL, then ``)``. Every part stops at the
first character it cannot hold, so a stylesheet of a megabyte of ``url(`` is read in one pass."""


def relative(url: str) -> str | None:
    """Return the file path a relative URL names, or None for ``data:``, absolute or remote URLs.

    The query and fragment are dropped (``icons.svg#flag`` names ``icons.svg``).
    """
    parts = urlsplit(url.strip())
    if parts.scheme or parts.netloc or not parts.path or parts.path.startswith("/"):
        return None
    return unquote(parts.path)


def data_uri(name: str, folder: Path, root: Path, where: str) -> str:
    """Return the image or font ``name`` (relative to ``folder``, inside ``root``) as a data URI.

    The arguments are :func:`read_asset`'s.

    Raises:
        TemplateError: See :func:`read_asset`.
    """
    mime, data = read_asset(name, folder, root, where)
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"


def read_asset(name: str, folder: Path, root: Path, where: str) -> tuple[str, bytes]:
    """Return the media type and bytes of the image or font ``name``.

    Args:
        name: The relative path the template wrote.
        folder: What it is relative to.
        root: The template folder it must stay inside.
        where: The template or stylesheet that uses it, for messages.

    Raises:
        TemplateError: Not found, outside its folder or hidden, not an image or a font, or too
            large; the message names the file.
    """
    candidate = folder / name
    shown = display_path(candidate)
    if hidden(Path(*(part for part in Path(name).parts if part != ".."))):  # .. is inside()'s
        raise TemplateError(f"{where}: refused: {shown}: hidden files are never used")
    if not os.path.lexists(candidate):
        raise TemplateError(f"{where}: not found: {shown}")
    mime = mimetypes.guess_type(candidate.name)[0] or "application/octet-stream"
    if not mime.startswith(("image/", "font/")):
        raise TemplateError(f"{where}: refused: {shown}: only images and fonts, not {mime}")
    try:
        return mime, read_regular(inside(candidate, root), ASSET_BYTES)
    except Refused as exc:
        raise TemplateError(f"{where}: refused: {shown}: {exc}") from None


def inline_images(page: str, folder: Path, where: str, max_chars: int) -> str:
    """Replace the relative ``src`` of every ``<img>`` in ``page`` with a data URI.

    The page is read as a browser reads it (:mod:`aftercare_report.html_tokens`), so only the
    ``src`` of a real ``<img>`` changes, never text that looks like one inside a comment or a
    ``<style>``; and in one pass, whatever the page holds. Each image is read once, but its
    data URI is written at every use, so the size of the result is counted before it is made:
    400 uses of a 9 MB image would be 5 GB.

    Args:
        page: Rendered HTML.
        folder: The first template folder (the document's base, as in the PDF).
        where: The template, for messages.
        max_chars: Longest result accepted (``[limits] html_mb``).

    Raises:
        TemplateError: See :func:`read_asset`; or the result would pass ``max_chars``.
    """
    uris = _Cache(lambda name: data_uri(name, folder, folder, where))
    budget = _Budget(len(page), max_chars, where)
    spans = []
    for start, end, name in image_sources(page):
        budget.add(len(uris(name)) + 2 - (end - start))
        spans.append((start, end, name))
    out, done = [], 0
    for start, end, name in spans:
        out += [page[done:start], f'"{uris(name)}"']
        done = end
    return "".join([*out, page[done:]])


def images_used(page: str, folder: Path, where: str, max_bytes: int) -> dict[str, bytes]:
    """Return each image ``page`` uses by a relative ``src``, read once, by the name it uses.

    A maker that can hold one copy of an image used many times (a Word document) takes these
    instead of a page with data URIs (see :func:`inline_images`).

    Args:
        page: Rendered HTML.
        folder: The first template folder (the document's base, as in the PDF).
        where: The template, for messages.
        max_bytes: Most bytes of images accepted, all counted once (``[limits] html_mb``).

    Raises:
        TemplateError: See :func:`read_asset`; or the images pass ``max_bytes``.
    """
    images: dict[str, bytes] = {}
    budget = _Budget(0, max_bytes, where)
    for _, _, name in image_sources(page):
        if name not in images:
            images[name] = read_asset(name, folder, folder, where)[1]
            budget.add(len(images[name]))
    return images


def image_sources(page: str) -> Iterator[tuple[int, int, str]]:
    """Yield where the relative ``src`` of each ``<img>`` is (start, end) and the file it names.

    The span is the attribute's value as written, quotes included.
    """
    if not _IMG_TAG.search(page):
        # Every <img> token starts with these four characters (a tag's name is lowercased
        # ASCII letter by letter), so a page without them needs no reading: reading it took
        # about a quarter of the time of rendering a brief (17 of 60 ms for Thailand's).
        return
    for token in tokens(page):
        if not (isinstance(token, Tag) and token.name == "img" and token.namespace == "html"):
            continue
        src = token.get("src")
        name = relative(html.unescape(src.value or "")) if src else None
        if src and name is not None:
            yield src.start, src.end, name


def inline_css_urls(
    css: str, folder: Path, root: Path, where: str, max_chars: int, before: int = 0
) -> str:
    """Replace every relative ``url()`` in a stylesheet with a data URI.

    Args:
        css: The stylesheet's text.
        folder: The stylesheet's folder (what its URLs are relative to).
        root: The template folder it lives in.
        where: The stylesheet, for messages.
        max_chars: Longest result accepted (``[limits] html_mb``), counted before it is made.
        before: What the brief already holds (the stylesheets before this one).

    Raises:
        TemplateError: See :func:`read_asset`; or the result would pass ``max_chars``.
    """
    uris = _Cache(lambda name: data_uri(name, folder, root, where))
    budget = _Budget(before + len(css), max_chars, where)
    spans, done = [], 0
    for start in _CSS_URL.finditer(css):
        argument = _CSS_URL_ARGUMENT.match(css, start.end())
        name = relative(argument[1].strip("\"'")) if argument else None
        if argument and name is not None and start.start() >= done:
            budget.add(len(uris(name)) + 7 - (argument.end() - start.start()))
            spans.append((start.start(), argument.end(), name))
            done = argument.end()
    out, done = [], 0
    for begin, end, name in spans:
        out += [css[done:begin], f'url("{uris(name)}")']
        done = end
    return "".join([*out, css[done:]])


class _Budget:
    """The size of a result counted as it is planned, refused the moment it passes its limit."""

    def __init__(self, size: int, limit: int, where: str) -> None:
        self.size, self.limit, self.where, self.uses = size, limit, where, 0

    def add(self, more: int) -> None:
        self.size += more
        self.uses += 1
        if self.size > self.limit:
            problem = (
                f"the images and fonts it uses would make the brief more than "
                f"{self.limit // MB:,} MB ([limits] html_mb) after {self.uses:,} uses (an HTML "
                "brief holds a copy of a file at each use); use a large image fewer times, "
                "or make it smaller"
            )
            raise TemplateError(problem, template=self.where)


class _Cache:
    """Read each file once, however often a brief uses it."""

    def __init__(self, make: Callable[[str], str]) -> None:
        self.make = make
        self.done: dict[str, str] = {}

    def __call__(self, name: str) -> str:
        if name not in self.done:
            self.done[name] = self.make(name)
        return self.done[name]
