"""Markdown briefs: escaping for the templates, and the check that a published page is inert.

Markdown (CommonMark with GitHub's tables) is rendered from ``country.md`` and ``comparative.md``
like the HTML brief from its templates. Profile text is untrusted, and in Markdown more than
``<`` is active: ``[x](javascript:...)`` is a link, ``*`` and ``_`` emphasis, ``|`` a table
cell, a leading ``#`` a heading, and a static-site generator runs ``{{ ... }}`` (Liquid, Hugo
shortcodes). :func:`escape` backslash-escapes all of them, which CommonMark renders as the plain
characters; the template environment applies it to every value a ``.md`` template prints, as
HTML templates escape for HTML (see :mod:`aftercare_report.templating`). :func:`problems` then
parses what was rendered and refuses raw HTML with active content and links that are not web
or mail links, whatever put them there.
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING
from urllib.parse import quote

from aftercare_report import inert

if TYPE_CHECKING:
    from aftercare_report.build import Brief, Setting

_ACTIVE = re.compile(r"([\\`*_\[\]<>|{}~&#])")
"""Characters escaped wherever they stand: code, emphasis, links, raw HTML and autolinks,
tables, template syntax of static-site generators, strikethrough, entities, headings."""
_LINE_START = re.compile(r"^(\s*)(?:([+\-])(?=\s|$)|(\d{1,9})([.)])(?=\s|$)|(=)(?==*$))")
"""What starts a list, a setext heading or an ordered list when a value begins a line."""
_SPACE = re.compile(r"\s+")
_TAGS = re.compile(r"(</?strong>|</?em>|%\(\w+\)s|%%)")
"""What a message keeps: its emphasis (as Markdown), its named placeholders and ``%%``."""
_MARKS = {"<strong>": "**", "</strong>": "**", "<em>": "*", "</em>": "*"}
_URL_SAFE = "/:?#[]@!$&'()*+,;=%-._~"
"""Characters left as they are in a link destination (the rest is percent-encoded)."""


def escape(text: str) -> str:
    """Return ``text`` as Markdown that shows exactly these characters and does nothing else.

    Every run of white space becomes one space, so a value never starts a block of its own.
    """
    flat = _SPACE.sub(" ", text)
    escaped = _ACTIVE.sub(r"\\\1", flat).replace("{%", "{\\%")  # Liquid's tags start with {%
    return _LINE_START.sub(_line_start, escaped, count=1)


def _line_start(match: re.Match[str]) -> str:
    space, sign, digits, mark, equals = match.groups()
    if digits:
        return f"{space}{digits}\\{mark}"
    return f"{space}\\{sign or equals}"


def yaml_string(text: str) -> str:
    """Return ``text`` as a double-quoted YAML string, for the front matter.

    JSON's quoting is YAML's (1.2, and 1.1 for these escapes); the line and paragraph
    separators and NEL, which YAML 1.1 reads as line breaks, are escaped as well.
    """
    quoted = json.dumps(text, ensure_ascii=False)
    return quoted.translate({0x85: "\\x85", 0x2028: "\\u2028", 0x2029: "\\u2029"})


def message(text: str) -> str:
    """Return a translated message of the templates as Markdown.

    The messages' own ``<strong>`` and ``<em>`` become ``**`` and ``*``; everything else is
    escaped as text. Named placeholders (``%(country)s``) are kept for the values.
    """
    parts = _TAGS.split(text)
    return "".join(
        _MARKS.get(part) or (part if i % 2 else _escape_kept(part)) for i, part in enumerate(parts)
    )


def _escape_kept(text: str) -> str:
    # A message keeps its spaces (a placeholder may stand right after one).
    return _ACTIVE.sub(r"\\\1", text)


def link(text: str, url: str) -> str:
    """Return a Markdown link to a web or mail address, or the escaped text alone for others."""
    if not url or inert.unsafe_url(url) or not _WEB.match(url):
        return escape(text)
    return f"[{escape(text)}](<{quote(url, safe=_URL_SAFE)}>)"


_WEB = re.compile(r"^(https?|mailto):", re.IGNORECASE)


def problems(text: str, *, allow_scripts: bool = False) -> list[str]:
    """Return the active content of a Markdown page, each with its line.

    Raw HTML (which a team template may add) is checked as the HTML brief is; every link and
    image must be relative or a web or mail address.

    Args:
        text: The rendered Markdown.
        allow_scripts: Let scripts, handlers and ``javascript:`` links pass
            (``[security] allow_scripts``).
    """
    from markdown_it import MarkdownIt

    parser = MarkdownIt("commonmark").enable(["table", "strikethrough"])
    parser.validateLink = lambda url: True  # type: ignore[method-assign]  # judged below
    found = []
    for token in _all(parser.parse(text)):
        line = token.map[0] + 1 if token.map else 0
        if token.type in ("html_block", "html_inline"):
            for problem in inert.problems(token.content, allow_scripts=allow_scripts):
                found.append(f"line {line}: raw HTML: {problem.split(': ', 1)[-1]}")
        for attribute in ("href", "src"):
            url = str(token.attrs.get(attribute, ""))
            scheme = inert.unsafe_url(url)
            if scheme and not (allow_scripts and scheme == "javascript"):
                found.append(f"line {line}: {scheme}: link is refused")
    return found


def _all(tokens: list[Token]) -> list[Token]:
    """Every token, with the inline tokens inside blocks (they carry no map of their own)."""
    out = []
    for token in tokens:
        out.append(token)
        for child in token.children or ():
            child.map = child.map or token.map
            out.append(child)
    return out


def published(brief: Brief, text: str, setting: Setting) -> bytes:
    """The Markdown brief as written: UTF-8, ending with one newline."""
    return (text.rstrip("\n") + "\n").encode()


if TYPE_CHECKING:
    from markdown_it.token import Token
