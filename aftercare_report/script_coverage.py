"""Find profile text that no font covers, before anything renders: one error per script.

Text no font covers prints as empty boxes, and WeasyPrint only warns, once per character, with
no hint. So a build looks first: every character of every profile in its briefs must be covered
by some installed font or a team font (see :mod:`aftercare_report.fonts`). What is not is one
error per script (Unicode's English name: Khmer, Bengali), at the first place in the first file
where it occurs, with the fix::

    profiles/cambodia.yaml:12:10: summary: Khmer text has no font: install fonts-noto-core or
    add a font under [brand] fonts

A character of no script of its own (a digit, a danda, a combining mark) counts with the script
of the letters before it; a symbol or a private-use character outside any script is named
itself. The common case costs a walk over the profiles' strings and a lookup per distinct
character (well under a millisecond a profile); only text that fails is parsed again for its
position and named with fontTools' Unicode script data (about 40 ms to import).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from aftercare_report.errors import Finding, InputError, Severity
from aftercare_report.fonts import Coverage
from aftercare_report.loading import Document, KeyPath, dotted, parse_yaml, texts
from aftercare_report.model import Profile

FIX = "install fonts-noto-core or add a font under [brand] fonts"
"""What to do about text no font covers, in every message that reports it."""

_NO_GLYPH = frozenset(("Cc", "Cf", "Cs", "Zs", "Zl", "Zp"))
"""Categories drawn without a glyph of their own: controls, joiners, spaces (Pango makes those)."""
_IGNORABLE = frozenset(
    [chr(0x034F), *map(chr, range(0x180B, 0x1810)), *map(chr, range(0xFE00, 0xFE10))]
)
"""Default-ignorable marks (grapheme joiner, variation selectors): they select, never show."""
_NO_SCRIPT = frozenset(("Zyyy", "Zinh", "Zzzz"))
"""Common, Inherited and Unknown: characters that borrow the script of the text around them."""


def needs_glyph(char: str) -> bool:
    """Whether a character is drawn with a glyph some font must have."""
    return unicodedata.category(char) not in _NO_GLYPH and char not in _IGNORABLE


def check(profiles: Sequence[Profile], fonts: Coverage) -> list[Finding]:
    """Return one error per script that no font covers, at its first place in ``profiles``.

    Args:
        profiles: Validated profiles, in the order their files are read.
        fonts: What the available fonts cover.

    Returns:
        The errors; a single note instead when the installed fonts could not be listed.
    """
    if not fonts.known:
        msg = "not found, so text was not checked against the installed fonts; install fontconfig"
        return [Finding("fc-list", 0, 0, "", msg, Severity.NOTE, "fonts-unchecked")]
    first: dict[str, Finding] = {}
    for profile in profiles:
        for script, finding in _uncovered(profile, fonts):
            first.setdefault(script, finding)
    return list(first.values())


def require(profiles: Sequence[Profile], fonts: Coverage) -> None:
    """Stop when some text in ``profiles`` has no font (see :func:`check`).

    Raises:
        InputError: One finding per script no font covers.
    """
    errors = [f for f in check(profiles, fonts) if f.severity is Severity.ERROR]
    if errors:
        raise InputError(errors)


def _uncovered(profile: Profile, fonts: Coverage) -> list[tuple[str, Finding]]:
    """The scripts of ``profile`` no font covers, each with a finding at its first place."""
    used = set().union(*_strings(profile.model_dump()))
    missing = {c for c in used if needs_glyph(c) and not fonts.covers(c)}
    if not missing:
        return []
    if profile.path is None:  # made in code, not read from a file: no positions to give
        doc = Document(Path(profile.slug), profile.model_dump())
    else:
        doc = parse_yaml(profile.source, profile.path)  # the validated bytes, for positions
    first: dict[str, tuple[tuple[int, int], KeyPath]] = {}
    chars: dict[str, set[str]] = {}  # of each script, at its first place
    for path, text in texts(doc.data):
        position = doc.position(path)
        for script, char in _scripts(text, missing):
            if script not in first or position < first[script][0]:
                first[script], chars[script] = (position, path), set()
            if first[script][1] == path:
                chars[script].add(char)
    ordered = sorted(first, key=lambda script: first[script][0])
    return [(s, _finding(doc, s, first[s][1], chars[s])) for s in ordered]


def _finding(doc: Document, script: str, path: KeyPath, chars: set[str]) -> Finding:
    line, column = _first_of(doc, path, chars)
    subject = f"{script} text has" if script else f"{_named(chars)} {_verb(chars)}"
    return Finding(
        doc.name, line, column, dotted(path), f"{subject} no font: {FIX}", code="no-font"
    )


def _first_of(doc: Document, path: KeyPath, chars: set[str]) -> tuple[int, int]:
    """Where the first of ``chars`` stands in the value at ``path``: its line and column.

    A summary in a block scalar spans lines; its start is where the value begins, not where the
    Khmer is. The source is searched from the value's start to where the next value starts;
    a character written as an escape (``"\\u1780"``) is not found, and the value's start stays.
    """
    start = doc.position(path)
    later = [p for p in doc.values.values() if p > start]
    end = min(later) if later else (start[0] + 10_000, 0)
    lines = doc.source.decode("utf-8-sig", errors="replace").splitlines()
    for number in range(start[0], min(end[0], len(lines)) + 1):
        text = lines[number - 1]
        first = start[1] - 1 if number == start[0] else 0
        last = end[1] - 1 if number == end[0] else len(text)
        for column in range(first, min(last, len(text))):
            if text[column] in chars:
                return number, column + 1
    return start


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        yield from (s for item in value.values() for s in _strings(item))
    elif isinstance(value, list | tuple):
        yield from (s for item in value for s in _strings(item))


def _scripts(text: str, missing: set[str]) -> Iterator[tuple[str, str]]:
    """Yield (script name, character) for each character of ``text`` in ``missing``.

    A character of no script of its own takes the script of the letters before it when it
    belongs there (a Devanagari danda after Devanagari, a combining mark after its base); a
    symbol of no script yields the name ``""``.
    """
    if not missing.intersection(text):
        return
    from fontTools import unicodedata as ucd  # only when text fails: the import takes ~40 ms

    current = ""
    for char in text:
        code = ucd.script(char)
        if code not in _NO_SCRIPT:
            current = code
        if char not in missing:
            continue
        if code not in _NO_SCRIPT:
            yield ucd.script_name(code), char
        elif current and (code == "Zinh" or current in ucd.script_extension(char)):
            yield ucd.script_name(current), char
        else:
            yield "", char


def describe(chars: Iterable[str]) -> str:
    """Name characters by script for a message: ``Khmer text (ក ខ) and '🜀' (U+1F700)``.

    Used for glyphs that went missing when a PDF was made, where no profile line is known.
    """
    from fontTools import unicodedata as ucd  # a failed PDF only

    scripts: dict[str, list[str]] = {}
    for char in sorted(set(chars)):
        code = ucd.script(char)
        scripts.setdefault("" if code in _NO_SCRIPT else ucd.script_name(code), []).append(char)
    named = [f"{s} text ({' '.join(c[:8])})" for s, c in sorted(scripts.items()) if s]
    if "" in scripts:
        named.append(_named(set(scripts[""])))
    return " and ".join(named)


def _named(chars: set[str]) -> str:
    shown = sorted(chars)
    listed = ", ".join(f"'{c}' (U+{ord(c):04X})" for c in shown[:3])
    return listed + (f" and {len(shown) - 3} more" if len(shown) > 3 else "")


def _verb(chars: set[str]) -> str:
    return "has" if len(chars) == 1 else "have"
