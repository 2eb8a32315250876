"""Links a team's templates write, read as the reviewer of a template change reads them.

A template's links pass the build's inert check when they go to the web; where they go is the
reviewer's to judge, from the template's text. Two things read as one site and go to another in
a way a reviewer can miss: a host written in look-alike letters (Cyrillic letters reading
"apple.com", or their ``xn--80ak6aa92e.com`` form), and a link whose text is an address on
another host (``<a href="https://evil.example/">https://www.state.gov/reports</a>``). A build
warns of each with the template's file and line (``--strict`` fails). Links a template builds
from values (``{{ source.url }}``) are the profiles' URLs, which ``validate`` checks.
"""

from __future__ import annotations

import bisect
import html
import re
from collections.abc import Iterator, Sequence
from pathlib import Path

from aftercare_report import lookalikes, weburl
from aftercare_report.errors import Finding, Severity, display_path

_ADDRESS = r"""(?:"([^"\n<>]{1,2048})"|'([^'\n<>]{1,2048})'|([^\s"'<>`=]{1,2048}))"""
"""An attribute's value, quoted or not. Each form stops at its own quote, a tag's end or the next
attribute's ``=``, so a scan never passes the next attribute: unclosed quotes are read once."""
_ATTRIBUTE = re.compile(
    r"\b(?:href|src|xlink:href|action|formaction|poster|cite|background|content)\s*=\s*" + _ADDRESS,
    re.IGNORECASE,
)
_HREF = re.compile(r"\bhref\s*=\s*" + _ADDRESS, re.IGNORECASE)
_ANCHOR = re.compile(
    r"<a\b([^<>]{0,4096})>([^<]{0,2048}(?:<(?!/a\s*>)[^<>]{0,200}>[^<]{0,2048}){0,20})</a\s*>",
    re.IGNORECASE,
)
"""A link and its text, elements inside it (``<span>``) included: each scan passes at most 20
tags, so the template is read a bounded number of times."""
_PRINTED_LITERAL = re.compile(r"\{\{-?\s*(?:\"([^\"\n]{0,2048})\"|'([^'\n]{0,2048})')\s*-?\}\}")
"""A string literal a template prints as it is (``{{ "https://www.state.gov" }}``)."""
_TEMPLATE_PART = re.compile(
    r"\{\{.{0,2048}?\}\}|\{%.{0,2048}?%\}|\{#.{0,2048}?#\}|<[^<>]{0,2048}>", re.DOTALL
)
"""A template expression, statement or comment, or a tag: what a reader does not see as text."""
_MARKDOWN = re.compile(r"\[([^\[\]\n]{0,2048})\]\(\s*<?(https?://[^\s)>]{1,2048})")
"""A Markdown link or image: its text and its web address."""
_NEWLINE = re.compile("\n")
SHOWN = 20
"""Links a build names one by one; one more warning counts the rest."""
_LINKING = re.compile(r"https?:|www\.", re.IGNORECASE)
"""What a template that writes a link to the web holds."""


def findings(folders: Sequence[Path]) -> list[Finding]:
    """Warn about the links the team's templates write that read as one host and go to another.

    Args:
        folders: The team's template folders (read as templates are: inside each folder,
            never hidden, each real file once, bounded).

    Raises:
        TemplateError: A template cannot be read, or they hold too much text.
    """
    if not folders:
        return []
    from aftercare_report.templating import team_sources  # Jinja: only with a team's templates

    out: list[Finding] = []
    more = 0
    for path, source in team_sources(folders, _LINKING, "write links"):
        where, ends = display_path(path), [m.start() for m in _NEWLINE.finditer(source)]
        for at, message, code in _problems(source):
            if len(out) == SHOWN:
                more += 1
                continue
            line = bisect.bisect_left(ends, at) + 1
            out.append(Finding(where, line, 0, "", message, Severity.WARNING, code))
    if more:
        where = out[-1].path
        message = f"and {more:,} more such links in the team's templates; fix these first"
        out.append(Finding(where, 0, 0, "", message, Severity.WARNING, "too-many"))
    return out


def _problems(source: str) -> Iterator[tuple[int, str, str]]:
    """Each (offset, message, code) of what in one template's text reads as another host.

    Links are read as a reader sees them: a string literal the template prints counts as its
    text, and expressions, comments and tags in the text are left out (``{{ '' }}`` after an
    address changes nothing). And any line with a bidi control, an invisible character or a
    word mixing scripts is said, as in profiles (a reversed address reads as another).
    """
    at = 0
    for line in source.splitlines(keepends=True):
        if not line.isascii():
            found = lookalikes.problem(line)
            if found:
                yield at, found[1], found[0]
        at += len(line)
    for match in _ATTRIBUTE.finditer(source):
        url = _seen(next(v for v in match.groups() if v is not None))
        if _written_out(url) and weburl.host(url):
            found = lookalikes.problem(url, url=True)
            if found:
                yield match.start(), found[1], found[0]
    for match in _ANCHOR.finditer(source):
        href = _HREF.search(match[1])
        if href:
            url = _seen(next(v for v in href.groups() if v is not None))
            mismatch = _mismatch(_seen(match[2]), url)
            if mismatch:
                yield match.start(), mismatch, "link-text"
    for match in _MARKDOWN.finditer(source):
        text, url = match[1], match[2]
        found = lookalikes.problem(url, url=True) if _written_out(url) else None
        if found:
            yield match.start(), found[1], found[0]
        mismatch = _mismatch(text, url)
        if mismatch:
            yield match.start(), mismatch, "link-text"


def _seen(text: str) -> str:
    """Template text as a reader sees it: printed literals as text, other template parts gone."""
    printed = _PRINTED_LITERAL.sub(lambda m: m[1] if m[1] is not None else m[2], text)
    return html.unescape(_TEMPLATE_PART.sub("", printed)).strip()


def _written_out(url: str) -> bool:
    """Whether a template writes this address as it is, not from a value (``{{ s.url }}``)."""
    return "{" not in url and "%" not in url.partition("//")[2].partition("/")[0]


def _mismatch(text: str, url: str) -> str:
    """Say how a link's text names another host than the one it goes to, or ""."""
    if not (_written_out(url) and _written_out(text)):
        return ""
    return weburl.other_host_named(text, url)
