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
from collections.abc import Callable
from pathlib import Path
from urllib.parse import unquote, urlsplit

from aftercare_report.confine import Refused, hidden, inside, read_regular
from aftercare_report.errors import TemplateError, display_path
from aftercare_report.html_tokens import Tag, tokens
from aftercare_report.limits import ASSET_BYTES

_CSS_URL = re.compile(r"url\(", re.IGNORECASE)
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
        data = read_regular(inside(candidate, root), ASSET_BYTES)
    except Refused as exc:
        raise TemplateError(f"{where}: refused: {shown}: {exc}") from None
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"


def inline_images(page: str, folder: Path, where: str) -> str:
    """Replace the relative ``src`` of every ``<img>`` in ``page`` with a data URI.

    The page is read as a browser reads it (:mod:`aftercare_report.html_tokens`), so only the
    ``src`` of a real ``<img>`` changes, never text that looks like one inside a comment or a
    ``<style>``; and in one pass, whatever the page holds.

    Args:
        page: Rendered HTML.
        folder: The first template folder (the document's base, as in the PDF).
        where: The template, for messages.

    Raises:
        TemplateError: See :func:`data_uri`.
    """
    uris = _Cache(lambda name: data_uri(name, folder, folder, where))
    out, done = [], 0
    for token in tokens(page):
        if not (isinstance(token, Tag) and token.name == "img" and token.namespace == "html"):
            continue
        src = token.get("src")
        name = relative(html.unescape(src.value or "")) if src else None
        if src and name is not None:
            out += [page[done : src.start], f'"{uris(name)}"']
            done = src.end
    return "".join([*out, page[done:]])


def inline_css_urls(css: str, folder: Path, root: Path, where: str) -> str:
    """Replace every relative ``url()`` in a stylesheet with a data URI.

    Args:
        css: The stylesheet's text.
        folder: The stylesheet's folder (what its URLs are relative to).
        root: The template folder it lives in.
        where: The stylesheet, for messages.

    Raises:
        TemplateError: See :func:`data_uri`.
    """
    uris = _Cache(lambda name: data_uri(name, folder, root, where))
    out, done = [], 0
    for start in _CSS_URL.finditer(css):
        argument = _CSS_URL_ARGUMENT.match(css, start.end())
        name = relative(argument[1].strip("\"'")) if argument else None
        if argument and name is not None and start.start() >= done:
            out += [css[done : start.start()], f'url("{uris(name)}")']
            done = argument.end()
    return "".join([*out, css[done:]])


class _Cache:
    """Read each file once, however often a brief uses it."""

    def __init__(self, make: Callable[[str], str]) -> None:
        self.make = make
        self.done: dict[str, str] = {}

    def __call__(self, name: str) -> str:
        if name not in self.done:
            self.done[name] = self.make(name)
        return self.done[name]
