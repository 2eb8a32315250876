"""Keep published briefs inert: no scripts, no loads from elsewhere, no links that run code.

Briefs are published as web pages, and templates arrive in pull requests. A template could add
a tracking pixel, a remote stylesheet, a ``<script>``, an ``onload=`` handler, a
``javascript:`` link (which also works inside a PDF), or markup that one parser reads as
harmless and a browser as a script. So the check is an allowlist, applied to what a browser
reads (:mod:`aftercare_report.html_tokens`): the elements and attributes of documents (text,
headings, lists, tables, images, SVG charts), links to the web, mail and the brief itself, and
images, fonts and styles only from ``data:`` URIs. Anything else, and anything whose reading
is uncertain, stops the build with its line.

The policy is there by construction: the bundled head writes it (``{{ security_policy }}``,
see :func:`csp_meta`), and an HTML brief must begin with that head, its Content-Security-Policy
the first thing after ``<meta charset="utf-8">``, so no template text can come before it. The
check runs where the template was rendered, in the worker, within its time and memory limits,
and in time linear in the length of the output.
"""

from __future__ import annotations

import bisect
import html
import html.entities
import re
import urllib.parse
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from aftercare_report import weburl
from aftercare_report.html_tokens import Attr, Flaw, Tag, Text, Token, lower, names, tokens

if TYPE_CHECKING:
    from aftercare_report.build import Brief, Setting

CSP = (
    "default-src 'none'; img-src data:; style-src 'unsafe-inline'; font-src data:; "
    "base-uri 'none'; form-action 'none'"
)
"""The policy of a published brief: everything is inline, nothing runs, nothing is fetched, and
no ``<base>`` or form can send a reader elsewhere."""
CSP_WITH_SCRIPTS = CSP + "; script-src 'unsafe-inline'"
"""The policy when ``[security] allow_scripts`` is allowed: inline scripts only, still no loads."""

Medium = Literal["screen", "print", "site"]
"""Where the HTML ends up. ``screen``: the HTML brief, one file (loads only from ``data:``).
``print``: what the PDF and Word makers read (images from the template folders, fetched by the
confined fetcher; links only to the web and within the brief, the only ones a PDF keeps).
``site``: a Markdown brief in a static site (images and links relative to the site too)."""

_Kind = Literal["link", "image", "fragment", "style"]
"""What a URL is for: a link followed by a reader, an image loaded, a part of this document
(an SVG pattern), or a load from CSS."""

MAX_PROBLEMS = 50
"""Most problems listed for one output: past that, the template has one mistake repeated."""

_GLOBAL = names(
    """
    id class lang dir title hidden role tabindex translate style xml:lang
    """
)
_HTML: dict[str, frozenset[str]] = {
    name: names(extra)
    for tags, extra in (
        ("html head body main header footer nav section article aside hgroup address", ""),
        ("h1 h2 h3 h4 h5 h6 p div span em strong b i u s small sub sup mark cite q", ""),
        ("blockquote code pre kbd samp var dfn br wbr hr ul dl dt dd figure figcaption", ""),
        ("caption thead tbody tfoot tr summary bdi bdo ruby rt rp abbr", ""),
        ("a", "href hreflang rel target type referrerpolicy"),
        ("img", "src alt width height loading decoding"),
        ("td th", "colspan rowspan headers scope abbr"),
        ("ol", "start reversed type"),
        ("li", "value"),
        ("time", "datetime"),
        ("data", "value"),
        ("ins del", "datetime"),
        ("meter", "value min max low high optimum"),
        ("progress", "value max"),
        ("details", "open"),
        ("col colgroup", "span"),
        ("table", ""),
        ("title", ""),
        ("style", "media"),
        ("meta", "name content property itemprop"),
        ("link", "rel hreflang href type"),
        ("script", "type"),
    )
    for name in tags.split()
}
"""HTML elements a brief may use, with their own attributes (``_GLOBAL`` ones and ``aria-*``,
``data-*`` are allowed on each). ``<script>`` only with ``allow_scripts``; ``<link>`` only as
``rel="alternate"`` (the brief in another language: a link a reader follows, nothing loaded)."""
_SVG_ATTRIBUTES = names(
    """
    id class style role tabindex lang xml:lang focusable transform opacity display
    visibility fill fill-opacity fill-rule stroke stroke-width stroke-dasharray
    stroke-dashoffset stroke-linecap stroke-linejoin stroke-miterlimit stroke-opacity
    vector-effect shape-rendering x y x1 x2 y1 y2 cx cy r rx ry fx fy width height d points
    pathlength viewbox preserveaspectratio xmlns xmlns:xlink font-family font-size
    font-weight font-style text-anchor dominant-baseline alignment-baseline baseline-shift
    dx dy rotate textlength lengthadjust letter-spacing word-spacing text-decoration
    writing-mode patternunits patterncontentunits patterntransform gradientunits
    gradienttransform spreadmethod offset stop-color stop-opacity clip-path clip-rule
    clippathunits mask maskunits maskcontentunits marker-start marker-mid marker-end
    markerwidth markerheight markerunits refx refy orient href xlink:href hreflang target
    """
)
_SVG = names(
    """
    svg g defs title desc rect circle ellipse line polyline polygon path text tspan
    lineargradient radialgradient stop pattern clippath mask marker symbol use a image
    """
)
"""SVG elements a chart may use: shapes, text, paint servers, ``<use>`` of its own parts."""
_NAMESPACES = {"xmlns": "http://www.w3.org/2000/svg", "xmlns:xlink": "http://www.w3.org/1999/xlink"}
_FRAGMENT_ONLY = frozenset({"use", "pattern", "lineargradient", "radialgradient"})
"""SVG elements whose ``href`` may only name a part of this document (``#hatch``)."""

_STRICT_REFERRER = ("no-referrer", "same-origin", "strict-origin")
"""Referrer policies a brief may set: a linked site learns at most which site linked to it,
never the brief's own address (``unsafe-url``, ``no-referrer-when-downgrade`` would say it)."""
_OTHER_HOST = ("//", "\\\\", "/\\", "\\/")
"""How a link without a scheme names another host: opened from a file, it is a ``file://``
share (on Windows, an SMB server the click sends credentials to)."""

_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*):")
_URL_TRIM = re.compile(r"^[\x00-\x20]+|[\x00-\x20]+$")
_URL_TABS = re.compile(r"[\t\n\r]")
_DATA_IMAGE = re.compile(r"^data:image/[a-z0-9.+-]+[;,]", re.IGNORECASE)
"""An image inline: whatever its type, an image runs nothing (an SVG shown as an image neither
runs scripts nor loads anything)."""
_DATA_FONT = re.compile(r"^data:font/[a-z0-9.+-]+[;,]", re.IGNORECASE)
_REFERENCE = re.compile(r"&(?:#[0-9]{1,7};|#[xX][0-9a-fA-F]{1,6};|([A-Za-z][A-Za-z0-9]{0,31};))")

_CSS_ESCAPE = re.compile(r"\\(?:([0-9a-fA-F]{1,6})[\t\n\f\r ]?|(\n)|(.))", re.DOTALL)
_CSS_RISK = re.compile(
    r"url\(|@import|image-set\(|image\(|cross-fade\(|element\(|src\(|expression\(|paint\(",
    re.IGNORECASE,
)
"""What in CSS loads something (``url()``, ``@import``, ``image-set("x.png" 1x)``...) or runs
code (``expression()``), as written once CSS escapes are decoded."""
_CSS_URL = re.compile(
    r"""[\t\n\f\r ]*+(?:"([^"\n]*+)"|'([^'\n]*+)'|([^\t\n\f\r "'()]*+))[\t\n\f\r ]*+\)"""
)


def problems(html: str, *, allow_scripts: bool = False) -> list[str]:
    """Return every piece of active content in an HTML brief, each with its line.

    The brief must begin with the bundled head and its policy (see :func:`csp_meta`).

    Args:
        html: A rendered HTML brief (for the screen).
        allow_scripts: Let ``<script>``, ``on*`` handlers and ``javascript:`` links pass (the
            ``[security] allow_scripts`` switch, when the run allows it). Loads from elsewhere
            never pass.
    """
    return _Check("screen", allow_scripts).document(html)


def print_problems(html: str, *, allow_scripts: bool = False) -> list[str]:
    """Return every piece of active content in the HTML the PDF and Word makers read.

    As :func:`problems`, but images may come from the template folders (the makers fetch them
    through the confined fetcher) and links may only lead to the web or within the brief.
    Scripts never pass, whatever ``allow_scripts`` says: a PDF or a Word document runs none.
    """
    return _Check("print", False).document(html)


def fragment_problems(html: str, *, allow_scripts: bool = False) -> list[str]:
    """Return every piece of active content in HTML that goes into someone else's page.

    For a Markdown brief rendered to HTML: no head is required, and the document's own
    elements (``<html>``, ``<head>``, ``<meta>``, ``<title>``) are refused. Images and links
    may be relative to the site.
    """
    ends = _newlines(html)
    found = fragment_findings(html, lambda at: _line(ends, at), allow_scripts=allow_scripts)
    return [f"line {line}: {message}" for line, message in found]


def fragment_findings(
    html: str, line_of: Callable[[int], int], *, allow_scripts: bool = False
) -> list[tuple[int, str]]:
    """As :func:`fragment_problems`, each problem with the line ``line_of`` gives its offset.

    The Markdown check renders a page to HTML and reports lines of the Markdown.
    """
    check = _Check("site", allow_scripts)
    check.fragment(html)
    return [(line_of(start), message) for start, message in check.found]


def csp_meta(*, allow_scripts: bool = False) -> str:
    """Return the ``<meta>`` element that carries a brief's Content-Security-Policy."""
    policy = CSP_WITH_SCRIPTS if allow_scripts else CSP
    return f'<meta http-equiv="Content-Security-Policy" content="{policy}">'


def published(brief: Brief, text: str, setting: Setting) -> bytes:
    """The HTML brief as written: its policy is in its head, where the check found it."""
    return text.encode()


def unsafe_url(url: str) -> str:
    """Return the scheme of a link that could run code or leave the web (``javascript``), or "".

    Web, mail and ``data:`` links pass; so do relative ones. Browsers drop tabs and newlines
    anywhere in a URL and controls and spaces around it, so ``java\\tscript:`` is
    ``javascript:``.
    """
    scheme = _scheme(url)
    return scheme if scheme not in ("", "http", "https", "mailto", "data") else ""


def _scheme(url: str) -> str:
    """The scheme a browser's URL parser finds in ``url`` (lowercase), or "" if relative."""
    match = _SCHEME.match(_URL_TABS.sub("", _URL_TRIM.sub("", url)))
    return lower(match[1]) if match else ""


def _clean_url(url: str) -> str:
    return _URL_TABS.sub("", _URL_TRIM.sub("", url))


@dataclass
class _Check:
    """One output's check: what its medium allows, and the problems found so far."""

    medium: Medium
    allow_scripts: bool

    def __post_init__(self) -> None:
        self.found: list[tuple[int, str]] = []
        self._open_svg: list[tuple[str, str]] = []  # (name, id) of the SVG elements open
        self._holding_use: set[str] = set()  # ids of SVG elements that are or hold a <use>
        self._uses: list[tuple[int, str]] = []  # (offset, id) each <use> draws

    def document(self, text: str) -> list[str]:
        """Check a whole document, which must begin with the bundled head and its policy."""
        stream = iter(tokens(text))
        head = list(_first_tokens(stream, 5))
        if self._head(head, text):
            head = head[:3]  # the two <meta> elements were checked as the bundled head's
        self._all((*head, *stream))
        return self._report(text)

    def fragment(self, text: str) -> None:
        """Check HTML that is put into another page's body."""
        self._all(tokens(text), fragment=True)

    def _all(self, stream: Iterable[Token], fragment: bool = False) -> None:
        for token in stream:
            if len(self.found) >= MAX_PROBLEMS:
                return
            if isinstance(token, Flaw):
                self.add(token.start, f"{token.message} is refused: browsers may read it otherwise")
            elif isinstance(token, Tag):
                if token.namespace == "svg":
                    self._svg_tree(token)
                if not token.closing:
                    self._tag(token, fragment)
            elif token.kind == "raw" and token.parent == "style":
                self._css(token.content, token.start, "<style>")
        said: set[str] = set()
        for start, target in self._uses:
            if target in self._holding_use and target not in said:
                said.add(target)
                self.add(
                    start,
                    f"<use> of '#{target}', which holds a <use> itself, is refused: uses of "
                    "uses multiply (a 2 kB chart can draw a million shapes and hang a browser)",
                )

    def _svg_tree(self, tag: Tag) -> None:
        """Follow which SVG elements hold a ``<use>``, and what each ``<use>`` draws."""
        if tag.closing:
            names = [name for name, _ in self._open_svg]
            if tag.name in names:
                del self._open_svg[len(names) - 1 - names[::-1].index(tag.name) :]
            return
        own = tag.get("id")
        ident = html.unescape(own.value or "") if own else ""
        if tag.name == "use":
            self._holding_use.update(i for _, i in (*self._open_svg, ("use", ident)) if i)
            href = tag.get("href") or tag.get("xlink:href")
            target = html.unescape(href.value or "") if href else ""
            if target.startswith("#"):
                self._uses.append((tag.start, target[1:]))
        if not tag.self_closing:
            self._open_svg.append((tag.name, ident))

    def _head(self, head: Sequence[Token], text: str) -> bool:
        """The first tokens must be the doctype, <html>, <head>, the charset and the policy."""
        policy = CSP_WITH_SCRIPTS if self.allow_scripts else CSP
        checks: tuple[Callable[[Token], bool], ...] = (
            lambda t: isinstance(t, Text) and t.kind == "doctype",
            lambda t: isinstance(t, Tag) and t.name == "html" and not t.closing,
            lambda t: isinstance(t, Tag) and t.name == "head" and not t.closing and not t.attrs,
            lambda t: _is_meta(t, {"charset": "utf-8"}),
            lambda t: _is_meta(t, {"http-equiv": "content-security-policy", "content": policy}),
        )
        for token, ok in zip(head, checks, strict=False):
            if not ok(token):
                shown = text[token.start : token.start + 40].split("\n")[0]
                self.add(
                    token.start,
                    "the HTML brief must begin with the bundled head (<!DOCTYPE html>, <html>, "
                    '<head>, <meta charset="utf-8">, then {{ security_policy }}, its '
                    f"Content-Security-Policy); found '{shown}' first (text before "
                    "{% extends %} is printed too)",
                )
                return False
        if len(head) < len(checks):
            self.add(len(text), "the HTML brief ends before its head and policy")
            return False
        return True

    def _tag(self, tag: Tag, fragment: bool) -> None:
        where = f"<{tag.name}>"
        if tag.repeated:
            self.add(tag.start, f"{where} names {tag.repeated[0]}= twice (a browser keeps one)")
        if tag.unquoted:
            self.add(tag.start, f"{where}: put the value of {tag.unquoted[0]}= in quotes")
        if tag.namespace == "svg":
            self._svg(tag)
            return
        if tag.name == "script" and not self.allow_scripts:
            self.add(tag.start, "<script> is refused")
            return
        allowed = _HTML.get(tag.name)
        structural = tag.name in ("html", "head", "body", "meta", "title")
        if allowed is None or (fragment and structural):
            self.add(tag.start, f"{where} is refused: {_ALLOWED}")
            return
        if tag.name == "link":
            rel = next((a.value for a in tag.attrs if a.name == "rel"), None)
            if lower(html.unescape(rel or "").strip()) != "alternate":
                found = f'rel="{rel}"' if rel else "no rel"
                msg = f'<link> is refused ({found}): only rel="alternate" may be written'
                self.add(tag.start, msg)
        for attr in tag.attrs:
            self._html_attribute(tag, attr, allowed)

    def _html_attribute(self, tag: Tag, attr: Attr, allowed: frozenset[str]) -> None:
        name = attr.name
        if name.startswith("on"):
            self._handler(tag, attr)
        elif tag.name == "meta" and name in ("http-equiv", "charset"):
            value = lower(html.unescape(attr.value or ""))
            self.add(tag.start, f"<meta {name}={value}> is refused")
        elif tag.name == "script" and name == "type":
            if lower(html.unescape(attr.value or "").strip()) not in ("", "text/javascript"):
                self.add(tag.start, f"<script type={attr.value}> is refused: inline scripts only")
        elif tag.name == "meta" and name == "name" and _plain(attr) == "referrer":
            content = tag.get("content")
            self._referrer(
                tag, "<meta name=referrer content>", content.value or "" if content else ""
            )
        elif name == "referrerpolicy":
            self._referrer(tag, f"<{tag.name} referrerpolicy>", attr.value or "")
        elif name == "rel" and "opener" in lower(html.unescape(attr.value or "")).split():
            self.add(tag.start, f"rel=opener on <{tag.name}> is refused (write noopener)")
        elif name == "target" and (name in allowed or name in _GLOBAL):
            self._target(tag, attr)
        elif name == "href" and tag.name in ("a", "link"):
            self._url(tag, attr, "link")
        elif tag.name == "meta" and name == "content":
            self._meta_url(tag, attr)
        elif name == "src" and tag.name == "img":
            self._url(tag, attr, "image")
        elif name == "style":
            self._style_attribute(tag, attr)
        elif not (name in allowed or name in _GLOBAL or _open_prefix(name)):
            self.add(tag.start, f"attribute {name}= on <{tag.name}> is refused: {_ALLOWED}")

    def _svg(self, tag: Tag) -> None:
        if tag.name not in _SVG:
            self.add(tag.start, f"SVG <{tag.name}> is refused: {_ALLOWED}")
            return
        for attr in tag.attrs:
            name = attr.name
            if name.startswith("on"):
                self._handler(tag, attr)
            elif not (name in _SVG_ATTRIBUTES or _open_prefix(name)):
                self.add(tag.start, f"attribute {name}= on SVG <{tag.name}> is refused")
            elif name == "target":
                self._target(tag, attr)
            elif name in _NAMESPACES:
                if html.unescape(attr.value or "") != _NAMESPACES[name]:
                    self.add(tag.start, f"{name}= on SVG <{tag.name}> names another namespace")
            elif name in ("href", "xlink:href"):
                kind: _Kind = "link" if tag.name == "a" else "fragment"
                kind = "image" if tag.name == "image" else kind
                if tag.name not in _FRAGMENT_ONLY and kind == "fragment":
                    self.add(tag.start, f"{name}= on SVG <{tag.name}> is refused")
                else:
                    self._url(tag, attr, kind)
            else:
                self._style_attribute(tag, attr)  # presentation attributes are CSS values

    def _target(self, tag: Tag, attr: Attr) -> None:
        # a named window gives the page it opens `window.opener`: it could replace the brief
        if lower(html.unescape(attr.value or "").strip()) not in _TARGETS:
            self.add(tag.start, f'target="{_short(attr.value or "")}" is refused: _blank or _self')

    def _handler(self, tag: Tag, attr: Attr) -> None:
        if not self.allow_scripts:
            self.add(tag.start, f"event handler {attr.name}= on <{tag.name}> is refused")

    def _url(self, tag: Tag, attr: Attr, kind: _Kind) -> None:
        value = _decoded(attr.value or "")
        where = f"<{tag.name} {attr.name}>"
        if value is None:
            self.add(tag.start, f"{where}: write '&' as '&amp;' (a bare '&' may be read otherwise)")
            return
        url = _clean_url(value)
        problem = _url_problem(url, kind, self.medium, self.allow_scripts and kind == "link")
        if problem == "scheme":
            self.add(tag.start, f"{_scheme(url)}: link in {where} is refused")
        elif problem:
            self.add(tag.start, f"{problem} in {where}={_short(url)} is refused")

    def _meta_url(self, tag: Tag, attr: Attr) -> None:
        """An address in ``<meta content>`` (``og:image``): link previews fetch it."""
        value = html.unescape(attr.value or "").strip()
        if not _WEB_ADDRESS.match(value):
            return  # text, not an address (a description, a viewport)
        url = value if not value.startswith("//") else "https:" + value
        found = weburl.problem(url)
        if found:
            self.add(tag.start, f"<meta content>={_short(value)} is refused: {found}")

    def _referrer(self, tag: Tag, where: str, value: str) -> None:
        """Refuse a referrer policy that tells linked sites more than which site linked them."""
        policy = lower(html.unescape(value).strip())
        if policy not in _STRICT_REFERRER:
            shown = _short(policy) or "(none)"
            self.add(tag.start, f"{where}={shown} is refused: only {', '.join(_STRICT_REFERRER)}")

    def _style_attribute(self, tag: Tag, attr: Attr) -> None:
        value = attr.value or ""
        if "&" not in value and "(" not in value and "\\" not in value and "@" not in value:
            return  # nothing in it can load or run anything
        decoded = _decoded(value)
        if decoded is None:
            self.add(tag.start, f"<{tag.name} {attr.name}>: write '&' as '&amp;'")
            return
        self._css(decoded, tag.start, f"<{tag.name} {attr.name}>")

    def _css(self, css: str, start: int, where: str) -> None:
        """Refuse what in a style sheet, a style attribute or an SVG paint loads or runs."""
        plain = _CSS_ESCAPE.sub(_css_character, css)
        for match in _CSS_RISK.finditer(plain):
            found = lower(match[0])
            if found != "url(":
                self.add(start, f"{found.rstrip('(')} in {where} is refused")
                continue
            argument = _CSS_URL.match(plain, match.end())
            if argument is None:
                self.add(start, f"url() that cannot be read in {where} is refused")
                continue
            url = _clean_url(next(g for g in argument.groups() if g is not None))
            problem = _url_problem(url, "style", self.medium, False)
            if problem:
                self.add(start, f"{problem} in {where}: url({_short(url)}) is refused")

    def add(self, start: int, message: str) -> None:
        """Note a problem found at offset ``start``."""
        if len(self.found) < MAX_PROBLEMS:
            self.found.append((start, message))

    def _report(self, text: str) -> list[str]:
        ends = _newlines(text) if self.found else []
        return [f"line {_line(ends, start)}: {message}" for start, message in self.found]


_ALLOWED = "a brief holds text, headings, lists, tables, images and SVG charts (docs/templates.md)"


def _first_tokens(stream: Iterator[Token], count: int) -> Iterator[Token]:
    """The first ``count`` tokens of ``stream`` that are not white space between tags."""
    for token in stream:
        if isinstance(token, Text) and token.kind == "text" and not token.content.strip():
            continue
        yield token
        count -= 1
        if count == 0 or isinstance(token, Flaw):
            return


def _is_meta(token: Token, wanted: dict[str, str]) -> bool:
    if not (isinstance(token, Tag) and token.name == "meta" and not token.closing):
        return False
    got = {a.name: html.unescape(a.value or "") for a in token.attrs}
    if set(got) != set(wanted) or token.repeated or token.unquoted:
        return False
    return all(got[k] == v or (k != "content" and lower(got[k]) == v) for k, v in wanted.items())


def _plain(attr: Attr) -> str:
    """An attribute's value as a browser compares it: references decoded, lower case, trimmed.

    Browsers decode ``&#114;eferrer`` in a value (never in a name), so every comparison of a
    value with a word the check refuses is made with this, not the text as written.
    """
    return lower(html.unescape(attr.value or "").strip())


def _open_prefix(name: str) -> bool:
    """``aria-*`` and ``data-*`` attributes: descriptions and data, never loaded or run."""
    return name.startswith(("aria-", "data-")) and len(name) > 5


def _decoded(value: str) -> str | None:
    """An attribute's value as a browser reads it, or None if a ``&`` could be read two ways.

    Character references that end in ``;`` read the same everywhere; a bare ``&`` (``&amp``,
    ``&not``) is read differently inside attributes and out, so it is refused where it matters.
    """
    if "&" not in value:
        return value
    ampersands = value.count("&")
    references = _REFERENCE.findall(value)
    known = [r for r in references if not r or r in html.entities.html5]
    if len(references) != ampersands or len(known) != ampersands:
        return None
    return html.unescape(value)


def link_problem(url: str) -> str:
    """Why a link a reader follows may not go to ``url`` (as ``<a href>`` in a brief), or "".

    For links written outside HTML (a Word package's hyperlink relationships).
    """
    problem = _url_problem(url, "link", "screen", False)
    return f"{_scheme(url)}: links are refused" if problem == "scheme" else problem


_TARGETS = ("", "_blank", "_self")
"""Where a link may open: a new tab (browsers open it without ``window.opener``) or here."""
_WEB_ADDRESS = re.compile(r"(?:https?:)?//", re.IGNORECASE)
_ATTACH = re.compile(r"[?&](?:attach|attachment)[^=&]*=", re.IGNORECASE)
"""A ``mailto:`` parameter some mail clients read as a local file to attach."""


def _url_problem(url: str, kind: _Kind, medium: Medium, javascript: bool) -> str:
    """Why ``url`` may not stand where it does, or "" if it may.

    Returns:
        ``"scheme"`` for a link to a scheme other than the web's and mail (``javascript:``,
        ``data:``, ``file:``), else a short description of the load refused.
    """
    if url.startswith("#"):
        return ""
    scheme = _scheme(url)
    if kind == "fragment":
        return "a reference to another document"
    if kind == "link":
        web = ("http", "https") if medium == "print" else ("http", "https", "mailto")
        if scheme in ("http", "https"):
            found = weburl.problem(url)  # the host a browser goes to is the one it reads as
            return f"a link that reads as one host and goes to another ({found})" if found else ""
        if scheme == "mailto" and _ATTACH.search(urllib.parse.unquote(url)):
            return "a mail link that attaches a file of the reader's (attach=)"
        if scheme in web or (javascript and scheme == "javascript"):
            return ""
        if not scheme and url.startswith(_OTHER_HOST):
            return "a link to another host without https: (from a file, a file:// share)"
        if not scheme and "\\" in url:
            return "a backslash (a browser reads it as '/')"
        if not scheme:
            return "a relative link (a PDF would point into the build)" if medium == "print" else ""
        return "scheme"
    if _DATA_IMAGE.match(url) or (kind == "style" and _DATA_FONT.match(url)):
        return ""
    if not scheme and medium != "screen" and not url.startswith(("//", "\\", "/\\")):
        return ""  # from the template folders (print) or the site (Markdown)
    if scheme in ("http", "https") or url.startswith(("//", "\\", "/\\")):
        return "a remote load"
    return "a load from elsewhere than a data: URI" if not scheme else f"a {scheme}: load"


def _css_character(match: re.Match[str]) -> str:
    digits, newline, other = match.groups()
    if newline is not None:
        return ""
    if other is not None:
        return other
    code = int(digits, 16)
    return chr(code) if 0 < code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF else "\ufffd"


def _short(url: str) -> str:
    return url if len(url) <= 60 else url[:57] + "..."


def _newlines(text: str) -> list[int]:
    return [m.start() for m in re.finditer("\n", text)]


def _line(ends: list[int], start: int) -> int:
    return bisect.bisect_right(ends, start - 1) + 1
