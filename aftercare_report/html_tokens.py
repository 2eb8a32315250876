"""Read HTML as a browser reads it, in one pass, or say where a browser could read it otherwise.

The inert check (:mod:`aftercare_report.inert`) must see the tags and attributes a browser will
create, not those a lenient parser guesses: ``<svg><style><img onerror=...>``, ``<!-->``,
``--!>`` or ``<![CDATA[`` read differently in the standard library's parser and in Chromium.
This tokenizer follows the WHATWG HTML tokenizer for the subset of HTML a brief is made of:
tags and their attributes, comments, the doctype, the text of ``<style>``, ``<script>`` and
``<title>`` (where a browser reads no tags), and the one piece of tree construction that
changes how the rest is read, SVG (foreign content). Wherever a browser's reading would depend
on what this module does not model (a malformed comment, a ``<![CDATA[`` section, an HTML tag
inside ``<svg>`` that breaks out of it, MathML, an unclosed ``<style>``), it yields a
:class:`Flaw` and stops: the check refuses what it cannot read with certainty.

Every step moves forward, and every search starts where the last one ended, so the time is
linear in the length of the text: a megabyte of ``<!--`` or of ``<head`` inside ``<style>``
costs what a megabyte of ordinary HTML does. (``tinyhtml5`` and ``html5lib``, complete
tree builders, take minutes on such input; the tests use ``tinyhtml5`` and Chromium to check
that this module reads every accepted document as they do.)
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

Namespace = Literal["html", "svg"]

_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
_SPACE = re.compile(r"[\t\n\f\r ]*+")
_TAG_NAME = re.compile(r"[A-Za-z][^\t\n\f\r />]*+")
_ATTR_NAME = re.compile(r"[^\t\n\f\r />][^\t\n\f\r />=]*+")
_UNQUOTED = re.compile(r"[^\t\n\f\r >]*+")
_END_TAG = re.compile(r"</([A-Za-z][^\t\n\f\r />]*+)[\t\n\f\r ]*+>")
_DOCTYPE = re.compile(r"<!DOCTYPE[\t\n\f\r ]++html[\t\n\f\r ]*+>", re.IGNORECASE)
_UNREADABLE = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f\ud800-\udfff]")
"""NUL and other controls (read differently in each tokenizer state) and lone surrogates."""


def names(text: str) -> frozenset[str]:
    """The set of names written in ``text``, separated by white space (tables of elements)."""
    return frozenset(text.split())


RAW_TEXT = frozenset({"style", "script", "xmp", "iframe", "noembed", "noframes", "noscript"})
"""HTML elements whose content a browser reads as text up to their end tag (``noscript``
with scripting on, as in every browser that could run a script)."""
ESCAPABLE_RAW_TEXT = frozenset({"title", "textarea"})
"""HTML elements whose content is text with character references, up to their end tag."""
BREAKOUT = names(
    """
    b big blockquote body br center code dd div dl dt em embed h1 h2 h3 h4 h5 h6 head hr i
    img li listing menu meta nobr ol p pre ruby s small span strong strike sub sup table tt
    u ul var
    """
)
"""Start tags that end SVG content and are read as HTML (with ``font`` given a colour, face or
size): ``<svg><style><img onerror=...>`` makes an HTML ``<img>`` in a browser."""
INTEGRATION_POINTS = frozenset({"title", "desc", "foreignobject"})
"""SVG elements whose content a browser reads as HTML."""


@dataclass(frozen=True, slots=True)
class Attr:
    """One attribute as written.

    Attributes:
        name: Its name, lowercased as a browser does (ASCII letters only).
        value: The text of its value, character references not decoded; None when it has no
            value (``<details open>``).
        quoted: The value was in quotes.
        start: Offset of the value (its opening quote), or of the name when it has no value.
        end: Offset just past the value.
    """

    name: str
    value: str | None
    quoted: bool
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Tag:
    """A start or end tag.

    Attributes:
        name: Lowercased as a browser lowercases it.
        namespace: ``html``, or ``svg`` inside an ``<svg>`` element.
        attrs: Its attributes, each name once (a browser keeps the first of a repeated one).
        closing: An end tag (``</p>``).
        self_closing: Written ``<x/>``.
        start: Offset of its ``<``.
        end: Offset just past its ``>``.
        repeated: Attribute names written more than once.
        unquoted: Attribute names whose value was written without quotes.
    """

    name: str
    namespace: Namespace
    attrs: tuple[Attr, ...]
    closing: bool
    self_closing: bool
    start: int
    end: int
    repeated: tuple[str, ...] = ()
    unquoted: tuple[str, ...] = ()

    def get(self, name: str) -> Attr | None:
        """The attribute called ``name`` (lowercase), if the tag has it."""
        return next((a for a in self.attrs if a.name == name), None)


@dataclass(frozen=True, slots=True)
class Text:
    """Text between tags.

    Attributes:
        kind: ``text`` (character data), ``raw`` (the content of ``<style>``, ``<script>``...
            where no tag is read), ``rcdata`` (of ``<title>``), ``comment`` or ``doctype``.
        content: The text as written (character references not decoded).
        start: Its offset.
        parent: The element it is the content of, for ``raw`` and ``rcdata``.
    """

    kind: Literal["text", "raw", "rcdata", "comment", "doctype"]
    content: str
    start: int
    parent: str = ""


@dataclass(frozen=True, slots=True)
class Flaw:
    """Where a browser's reading of the rest cannot be known here: the tokens stop.

    Attributes:
        start: Offset of the construct.
        message: What it is, for the person who wrote the template.
    """

    start: int
    message: str


Token = Tag | Text | Flaw


def lower(name: str) -> str:
    """Lowercase ASCII letters only, as HTML does with tag and attribute names."""
    return name.translate(_ASCII_LOWER)


def tokens(text: str) -> Iterator[Token]:
    """Yield the tokens of ``text`` in order; a :class:`Flaw`, if any, comes last.

    Args:
        text: An HTML document or fragment.
    """
    bad = _UNREADABLE.search(text)
    if bad is None:
        yield from _Reader(text).read()
        return
    control = Flaw(bad.start(), f"control character U+{ord(bad[0]):04X} in the HTML")
    for token in _Reader(text).read():
        if _end(token) > control.start:  # what a control character is part of is unreadable
            yield control
            return
        yield token
    yield control


def _end(token: Token) -> int:
    if isinstance(token, Tag):
        return token.end
    if isinstance(token, Text):
        return token.start + len(token.content)
    return token.start


class _Reader:
    """One pass over a text: a position that only moves forward, and the open SVG elements."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.svg: list[str] = []

    def read(self) -> Iterator[Token]:
        text, size = self.text, len(self.text)
        while self.pos < size:
            at = text.find("<", self.pos)
            if at < 0:
                yield Text("text", text[self.pos :], self.pos)
                return
            if at > self.pos:
                yield Text("text", text[self.pos : at], self.pos)
            self.pos = at
            for token in self._markup(at):
                yield token
                if isinstance(token, Flaw):
                    return

    def _markup(self, at: int) -> Iterator[Token]:
        text = self.text
        after = text[at + 1 : at + 2]
        if text.startswith("<!--", at):
            yield self._comment(at)
        elif after == "!":
            doctype = _DOCTYPE.match(text, at)
            if doctype is None:
                yield Flaw(at, f"'{text[at : at + 9]}' (a CDATA section or bogus comment)")
            else:
                self.pos = doctype.end()
                yield Text("doctype", doctype[0], at)
        elif after == "?":
            yield Flaw(at, "'<?' (read as a bogus comment)")
        elif after == "/":
            yield self._end_tag(at)
        elif after.isascii() and after.isalpha():
            yield from self._start_tag(at)
        else:
            self.pos = at + 1  # a '<' that starts no tag is text in every browser
            yield Text("text", "<", at)

    def _comment(self, at: int) -> Token:
        text = self.text
        if text.startswith((">", "->"), at + 4):
            return Flaw(at, "'<!-->' or '<!--->' (a comment a browser ends at once)")
        end = text.find("-->", at + 4)
        if end < 0:
            return Flaw(at, "a comment that is never closed")
        body = text[at + 4 : end]
        if "--" in body:
            return Flaw(at, "'--' inside a comment (a browser may end it at '--!>')")
        self.pos = end + 3
        return Text("comment", body, at)

    def _end_tag(self, at: int) -> Token:
        match = _END_TAG.match(self.text, at)
        if match is None:
            return Flaw(at, f"'{self.text[at : at + 12]}' (an end tag that cannot be read)")
        name = lower(match[1])
        self.pos = match.end()
        namespace: Namespace = "html"
        if self.svg:
            if name != self.svg[-1]:
                return Flaw(at, f"</{name}> inside <svg> where </{self.svg[-1]}> must come")
            self.svg.pop()
            namespace = "svg"
        return Tag(name, namespace, (), True, False, at, match.end())

    def _start_tag(self, at: int) -> Iterator[Token]:
        tag = self._tag(at)
        if isinstance(tag, Flaw):
            yield tag
            return
        if self.svg:
            flaw = self._in_svg(tag)
            if flaw:
                yield flaw
                return
        elif tag.name == "math":
            yield Flaw(at, "<math> (MathML is not read here)")
            return
        if tag.namespace == "svg" and not tag.self_closing:
            self.svg.append(tag.name)
        yield tag
        if tag.namespace == "html" and (tag.name in RAW_TEXT or tag.name in ESCAPABLE_RAW_TEXT):
            yield from self._raw(tag)
        elif tag.name == "plaintext" and tag.namespace == "html":
            yield Flaw(at, "<plaintext> (everything after it is text)")

    def _in_svg(self, tag: Tag) -> Flaw | None:
        parent = self.svg[-1]
        if parent in INTEGRATION_POINTS:
            return Flaw(tag.start, f"<{tag.name}> inside SVG <{parent}>, which reads tags as HTML")
        font = tag.name == "font" and any(a.name in ("color", "face", "size") for a in tag.attrs)
        if tag.name in BREAKOUT or font:
            return Flaw(tag.start, f"<{tag.name}> inside <svg> (a browser reads it as HTML)")
        if tag.name in ("math", "foreignobject"):
            return Flaw(tag.start, f"<{tag.name}> inside <svg> (its content is not read here)")
        return None

    def _raw(self, tag: Tag) -> Iterator[Token]:
        text, start = self.text, self.pos
        closing = re.compile(rf"</{tag.name}[\t\n\f\r />]", re.IGNORECASE)
        found = closing.search(text, start)
        if found is None:
            yield Flaw(tag.start, f"<{tag.name}> that is never closed")
            return
        content = text[start : found.start()]
        if tag.name == "script" and re.search(r"<!--|<script", content, re.IGNORECASE):
            # Either starts an escaped state in which '</script>' may not end the script.
            yield Flaw(tag.start, "'<!--' or '<script' inside a <script>")
            return
        rcdata = tag.name in ESCAPABLE_RAW_TEXT
        yield Text("rcdata" if rcdata else "raw", content, start, tag.name)
        self.pos = found.start()
        yield self._end_tag(found.start())

    def _tag(self, at: int) -> Tag | Flaw:
        """Read a start tag and its attributes, as the tokenizer's tag states do."""
        text, size = self.text, len(self.text)
        name_match = _TAG_NAME.match(text, at + 1)
        assert name_match is not None  # _markup saw a letter after '<'
        name, pos = lower(name_match[0]), name_match.end()
        attrs: list[Attr] = []
        seen: set[str] = set()
        repeated: list[str] = []
        unquoted: list[str] = []
        while True:
            pos = _skip_space(text, pos)
            if pos >= size:
                return Flaw(at, f"<{name}> that is never closed")
            if text[pos] == ">":
                pos, self_closing = pos + 1, False
                break
            if text.startswith("/>", pos):
                pos, self_closing = pos + 2, True
                break
            if text[pos] == "/":
                pos += 1  # read as white space between attributes
                continue
            attr = self._attribute(pos)
            if attr is None:
                return Flaw(at, f"<{name}> whose attribute value is never closed")
            pos = attr.end
            if attr.value is not None and not attr.quoted:
                unquoted.append(attr.name)
            if attr.name in seen:
                repeated.append(attr.name)
            else:
                seen.add(attr.name)
                attrs.append(attr)
        namespace: Namespace = "svg" if self.svg or name == "svg" else "html"
        self.pos = pos
        return Tag(
            name, namespace, tuple(attrs), False, self_closing, at, pos, (*repeated,), (*unquoted,)
        )

    def _attribute(self, pos: int) -> Attr | None:
        text = self.text
        name_match = _ATTR_NAME.match(text, pos)
        assert name_match is not None  # the caller saw a character that starts a name
        name, end = lower(name_match[0]), name_match.end()
        after = _skip_space(text, end)
        if not text.startswith("=", after):
            return Attr(name, None, False, pos, end)
        start = _skip_space(text, after + 1)
        quote = text[start : start + 1]
        if quote in ('"', "'"):
            close = text.find(quote, start + 1)
            if close < 0:
                return None
            return Attr(name, text[start + 1 : close], True, start, close + 1)
        value = _UNQUOTED.match(text, start)
        assert value is not None  # the pattern matches the empty string
        return Attr(name, value[0], False, start, value.end())


def _skip_space(text: str, pos: int) -> int:
    """The offset of the first character at or after ``pos`` that is not HTML white space."""
    match = _SPACE.match(text, pos)
    assert match is not None  # the pattern matches the empty string
    return match.end()
