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
from aftercare_report.limits import ASSET_BYTES

_IMG = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
_SRC = re.compile(r"""(\ssrc\s*=\s*)("[^"]*"|'[^']*'|[^\s"'>]+)""", re.IGNORECASE)
_CSS_URL = re.compile(r"""url\(\s*("[^"]*"|'[^']*'|[^)\s]*)\s*\)""", re.IGNORECASE)


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

    Args:
        page: Rendered HTML.
        folder: The first template folder (the document's base, as in the PDF).
        where: The template, for messages.

    Raises:
        TemplateError: See :func:`data_uri`.
    """
    uris = _Cache(lambda name: data_uri(name, folder, folder, where))

    def one_src(match: re.Match[str]) -> str:
        value = html.unescape(match[2].strip("\"'"))
        name = relative(value)
        return match[0] if name is None else f'{match[1]}"{uris(name)}"'

    return _IMG.sub(lambda tag: _SRC.sub(one_src, tag[0], count=1), page)


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

    def one_url(match: re.Match[str]) -> str:
        name = relative(match[1].strip("\"'"))
        return match[0] if name is None else f'url("{uris(name)}")'

    return _CSS_URL.sub(one_url, css)


class _Cache:
    """Read each file once, however often a brief uses it."""

    def __init__(self, make: Callable[[str], str]) -> None:
        self.make = make
        self.done: dict[str, str] = {}

    def __call__(self, name: str) -> str:
        if name not in self.done:
            self.done[name] = self.make(name)
        return self.done[name]
