"""Keep published briefs inert: no scripts, no remote loads, no links that run code.

Briefs are published as web pages, and templates arrive in pull requests. A template could add
a tracking pixel, a remote stylesheet, a ``<script>``, an ``onload=`` handler or a
``javascript:`` link (which also works inside a PDF). The rendered HTML is scanned with the
standard library's parser; profile text is autoescaped before it gets there, so only templates
can create the tags found. The HTML brief also carries a Content-Security-Policy that forbids
scripts and remote loads, in case something gets past the scan.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from aftercare_report.build import Brief, Setting

CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; font-src data:"
"""The policy of a published brief: everything is inline, nothing runs, nothing is fetched."""
CSP_WITH_SCRIPTS = CSP + "; script-src 'unsafe-inline'"
"""The policy when ``[security] allow_scripts`` is set: inline scripts only, still no loads."""

_SAFE_SCHEMES = ("http", "https", "mailto", "data")
_LINK_ATTRIBUTES = frozenset({"href", "src", "action", "formaction", "xlink:href", "poster"})
_REMOTE_TAGS = frozenset({"img", "link", "iframe", "object", "embed", "script", "source", "video"})
_REMOTE_TAGS |= {"audio", "track", "input", "image", "use", "frame", "base", "form", "button"}
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*):")
_INVISIBLE = re.compile(r"[\x00-\x20\x7f]+")


def problems(html: str, *, allow_scripts: bool = False) -> list[str]:
    """Return every piece of active content in ``html``, each with its line.

    Args:
        html: A rendered brief.
        allow_scripts: Let ``<script>``, ``on*`` handlers and ``javascript:`` links pass (the
            ``[security] allow_scripts`` switch). Remote loads and meta refresh never pass.
    """
    scanner = _Scanner(allow_scripts)
    scanner.feed(html)
    scanner.close()
    return scanner.found


def unsafe_url(url: str) -> str:
    """Return the scheme of a link that could run code or leave the web (``javascript``), or "".

    Web, mail and ``data:`` links pass; so do relative ones. Browsers drop tabs, newlines and
    leading spaces in URLs, so ``java\tscript:`` is read as ``javascript:``.
    """
    match = _SCHEME.match(_INVISIBLE.sub("", url))
    scheme = match[1].lower() if match else ""
    return scheme if scheme and scheme not in _SAFE_SCHEMES else ""


def published(brief: Brief, text: str, setting: Setting) -> bytes:
    """The HTML brief as written: its Content-Security-Policy first in the ``<head>``."""
    return with_csp(text, allow_scripts=setting.options.allow_scripts).encode()


def csp_meta(*, allow_scripts: bool = False) -> str:
    """Return the ``<meta>`` element that carries a brief's Content-Security-Policy."""
    policy = CSP_WITH_SCRIPTS if allow_scripts else CSP
    return f'<meta http-equiv="Content-Security-Policy" content="{policy}">'


def with_csp(html: str, *, allow_scripts: bool = False) -> str:
    """Put the Content-Security-Policy first in the ``<head>`` (or first in the document)."""
    meta = csp_meta(allow_scripts=allow_scripts)
    head = re.search(r"<head\b[^>]*>", html, re.IGNORECASE)
    at = head.end() if head else 0
    return f"{html[:at]}\n{meta}{html[at:]}" if head else f"{meta}\n{html}"


class _Scanner(HTMLParser):
    def __init__(self, allow_scripts: bool) -> None:
        super().__init__(convert_charrefs=True)
        self.allow_scripts = allow_scripts
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        line = self.getpos()[0]
        if tag == "script" and not self.allow_scripts:
            self.found.append(f"line {line}: <script> is refused")
        for name, value in attrs:
            self._attribute(tag, name, value or "", line)

    handle_startendtag = handle_starttag

    def _attribute(self, tag: str, name: str, value: str, line: int) -> None:
        if name.startswith("on") and not self.allow_scripts:
            self.found.append(f"line {line}: event handler {name}= on <{tag}> is refused")
        elif tag == "meta" and name == "http-equiv" and value.strip().lower() == "refresh":
            self.found.append(f"line {line}: <meta http-equiv=refresh> is refused")
        elif name in _LINK_ATTRIBUTES or name == "srcset":
            for url in value.split(",") if name == "srcset" else [value]:
                self._link(tag, name, url.strip().split(" ")[0], line)

    def _link(self, tag: str, name: str, url: str, line: int) -> None:
        plain = _INVISIBLE.sub("", url)
        match = _SCHEME.match(plain)
        scheme = match[1].lower() if match else ""
        if scheme == "javascript" and self.allow_scripts and tag == "a":
            return
        if unsafe_url(url):
            self.found.append(f"line {line}: {scheme}: link in <{tag} {name}> is refused")
        elif (scheme in ("http", "https") or plain.startswith("//")) and tag in _REMOTE_TAGS:
            self.found.append(f"line {line}: remote resource <{tag} {name}={url}> is refused")
