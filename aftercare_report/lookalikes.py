"""Text that reads differently from what it is: invisible, bidi-control and look-alike characters.

A brief quotes a profile's source titles and links them: a title with an invisible character, a
URL whose ``a`` is Cyrillic, or evidence with a right-to-left mark that reorders a number, reads
as one thing and is another (a reader searching for the title finds nothing; a link goes to
another site). ``validate`` warns about each, where it is. Characters that real text needs are
left alone: joiners between letters of scripts that use them (Devanagari, Bengali, Khmer,
Arabic, Sinhala, Myanmar; emoji sequences), zero-width spaces between words of Thai, Lao, Khmer or
Myanmar text, no-break spaces in text, and every script on its own.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from aftercare_report import weburl
from aftercare_report.errors import Finding, Severity
from aftercare_report.loading import Document, texts

_INVISIBLE = (
    "\u00ad\u034f\u115f\u1160\u17b4\u17b5\u180e\u200b\u2060-\u2064\u3164\ufeff\uffa0"
    "\ufff9-\ufffb\U0001d173-\U0001d17a\U000e0000-\U000e007f"
)
"""Characters that show nothing: zero-width space, word joiner, invisible operators, fillers,
tags, the byte-order mark inside text, soft hyphens (in URLs only: text may carry them)."""
_BIDI = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
"""Marks, embeddings, overrides and isolates that reorder the text around them."""
_JOINERS = "\u200c\u200d"
_SPACES = "\u00a0\u2007\u202f"
"""No-break spaces: right in text (French puts one before ``:``), wrong in a URL."""
_SUSPECT = re.compile(f"[{_INVISIBLE}{_BIDI}{_JOINERS}{_SPACES}]")
_CONFUSABLE_SCRIPTS = frozenset(
    {"LATIN", "CYRILLIC", "GREEK", "ARMENIAN", "CHEROKEE", "COPTIC", "LISU", "CANADIAN"}
)
"""Scripts whose letters look alike: one word mixing them is a look-alike, not a word."""
_LATIN_LOOKALIKES = frozenset(
    "\u0430\u0435\u043e\u0440\u0441\u0443\u0445\u0456\u0458\u0455\u0501\u04bb\u051b\u051d\u04cf"
    "\u03bf\u03b1\u03b9\u03bd\u03c1"
)
"""Cyrillic and Greek small letters drawn like Latin ones (Cyrillic ``a e o p c y x i j s d h q
w l``, Greek ``o a i v p``): a host name written in them reads as a Latin one."""
_UNSPACED_SCRIPTS = frozenset(
    {"THAI", "LAO", "KHMER", "MYANMAR", "TIBETAN", "JAVANESE", "BALINESE"}
)
"""Scripts written without spaces between words, which mark word breaks with a zero-width space."""
_WORD = re.compile(r"[^\W\d_]+")
_ORDINALS = frozenset("ªº")  # Spanish and Portuguese ordinals, which NFKC maps to a and o


def findings(doc: Document) -> list[Finding]:
    """Warn about invisible, bidi-control and look-alike characters in a document's text.

    Args:
        doc: A loaded profile; every text value is checked, URLs (keys named ``url``) more
            strictly.
    """
    out = []
    for path, text in texts(doc.data):
        is_url = bool(path) and path[-1] == "url"
        found = problem(text, url=is_url)
        if found:
            code, message = found
            out.append(doc.finding(path, message, severity=Severity.WARNING, code=code))
    return out


def line_findings(where: str, texts: Iterable[tuple[int, str]]) -> list[Finding]:
    """Warn about the same characters in text that is not YAML (a catalog's translations).

    Args:
        where: The file, as shown in messages.
        texts: Each text with its line.
    """
    out: list[Finding] = []
    more = 0
    for line, text in texts:
        found = problem(text)
        if found and len(out) == SHOWN:
            more += 1
        elif found:
            code, message = found
            out.append(Finding(where, line, 1 if line else 0, "", message, Severity.WARNING, code))
    if more:  # a 2 MB catalog gave 49,000 warnings, 18 s to sort and print in every command
        message = f"and {more:,} more such texts in this file; fix these first"
        out.append(Finding(where, 0, 0, "", message, Severity.WARNING, "too-many"))
    return out


SHOWN = 100
"""Warnings of one catalog named one by one; one more counts the rest."""


def problem(text: str, *, url: bool = False) -> tuple[str, str] | None:
    """Say what in ``text`` reads differently from what it is: (code, message), or None.

    Args:
        text: A text value.
        url: Whether it is a URL: no-break spaces, soft hyphens and joiners are never right
            there, and a host name written wholly in Latin look-alikes is flagged too.
    """
    if text.isascii():
        return _lookalike_host(text) if url and "xn--" in text.lower() else None
    for match in _SUSPECT.finditer(text):
        char, at = match[0], match.start()
        if not url and (char in _SPACES or char == "\u00ad"):
            continue
        if not url and char in _JOINERS and _joins_letters(text, at):
            continue
        if not url and char == "\u200b" and _between_words(text, at):
            continue
        kind = "bidi-control" if re.fullmatch(f"[{_BIDI}]", char) else "invisible-character"
        what = "reorders the text around it" if kind == "bidi-control" else "is invisible"
        return kind, f"{_describe(char)} at character {at + 1} {what}: delete it{_where(text, at)}"
    for word in _WORD.findall(text):
        mixed = _mixed(word)
        if mixed:
            return "look-alike", mixed
    return _lookalike_host(text) if url else None


def _joins_letters(text: str, at: int) -> bool:
    """Whether a joiner sits after a letter or mark of a script that uses joiners, or an emoji."""
    if at == 0:
        return False
    before = text[at - 1]
    if unicodedata.category(before) in ("So", "Sk") or before == "\ufe0f":
        return True  # emoji sequences: 👩‍⚕️
    return unicodedata.category(before)[0] in "LM" and _script(before) not in _CONFUSABLE_SCRIPTS


def _between_words(text: str, at: int) -> bool:
    """Whether a zero-width space separates words of a script written without spaces (Khmer)."""
    around = text[at - 1 : at] + text[at + 1 : at + 2]
    return len(around) == 2 and all(_script(c) in _UNSPACED_SCRIPTS for c in around)


def _mixed(word: str) -> str | None:
    """Say why a word is a look-alike: scripts mixed, or letters that only imitate Latin."""
    for char in word:
        plain = unicodedata.normalize("NFKC", char)
        if plain != char and plain.isascii() and plain.isalnum() and char not in _ORDINALS:
            return (
                f"'{_short(word)}' has {_describe(char)}, which only looks like '{plain}': "
                f"write '{plain}'"
            )
    if any(c.isascii() and c.isalpha() for c in word):
        for char in word:
            if _phonetic(char):  # U+0251 alpha, U+0261 script g: letters of phoneticians
                return (
                    f"'{_short(word)}' has {_describe(char)}, a phonetic letter that looks like "
                    "a plain one: a look-alike of another word"
                )
    scripts: dict[str, str] = {}
    for char in word:
        script = _script(char)
        if script in _CONFUSABLE_SCRIPTS:
            scripts.setdefault(script, char)
    if len(scripts) < 2:
        return None
    names = " and ".join(s.title() for s in scripts)
    odd = ", ".join(_describe(c) for s, c in scripts.items() if s != "LATIN")
    return f"'{_short(word)}' mixes {names} letters ({odd}): a look-alike of another word"


def _lookalike_host(url: str) -> tuple[str, str] | None:
    """Flag a host name label written wholly in Cyrillic or Greek letters that imitate Latin."""
    host = weburl.host(url)
    for label in map(_unicode_label, host.lower().split(".")):
        mixed = _mixed(label)
        if mixed:
            return "look-alike", mixed
        letters = [c for c in label if c.isalpha()]
        if letters and all(c in _LATIN_LOOKALIKES for c in letters):
            return (
                "look-alike",
                f"the host name part '{_short(label)}' is written in Cyrillic or Greek letters "
                "that look like Latin ones: check the link goes where its text says",
            )
    # Any other name outside ASCII: a list of look-alikes is never complete (a dotless i, a
    # letter with a dot below, a Cyrillic word with one letter off the list all passed one),
    # so every internationalised host is said, for a reviewer to check it is the site meant.
    for label in map(_unicode_label, host.lower().split(".")):
        if not label.isascii():
            return (
                "look-alike",
                f"the host name part '{_short(label)}' is not in plain ASCII letters, so it may "
                "look like another site's name: check the link goes where its text says",
            )
    return None


def _unicode_label(label: str) -> str:
    """A host name label as it is read: ``xn--80ak6aa92e`` is Cyrillic letters reading "apple"."""
    if label.startswith("xn--"):
        try:
            return label.encode("ascii").decode("idna")
        except UnicodeError:
            return label
    return label


def _phonetic(char: str) -> bool:
    """Whether a letter is of the IPA or phonetic extensions (U+0250-02AF, U+1D00-1DBF)."""
    return "\u0250" <= char <= "\u02af" or "\u1d00" <= char <= "\u1dbf"


def _script(char: str) -> str:
    return unicodedata.name(char, "").partition(" ")[0]


def _describe(char: str) -> str:
    return f"U+{ord(char):04X} {unicodedata.name(char, 'unnamed character')}"


def _where(text: str, at: int) -> str:
    before = "".join(c for c in text[max(0, at - 20) : at] if not _SUSPECT.match(c))
    return f" (after “{before}”)" if before.strip() else ""


def _short(text: str) -> str:
    return text if len(text) <= 40 else text[:37] + "..."
