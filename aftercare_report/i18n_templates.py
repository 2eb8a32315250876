"""The translation functions templates call (``_``, ``ngettext``, ``pgettext``, ``long_date``).

Jinja's i18n extension (newstyle) wraps them: it formats the translated message with the named
values a template passes and escapes those values. The team's terms are put in here first,
escaped too, since a term is text, not markup.
"""

from __future__ import annotations

import re

from markupsafe import Markup, escape

from aftercare_report import markdown as md
from aftercare_report.i18n import N_, current

PAGE_NUMBERS = N_("Page %(page)s of %(pages)s")
"""The running footer of a PDF page; the placeholders become CSS page counters."""

_NAMED = re.compile(r"%\((\w+)\)s")


def gettext(message: str, *, markdown: bool = False) -> str:
    """Translate a template message into the current language, with the terms in place.

    With ``markdown`` the message is Markdown (see :func:`markdown.message`), else HTML.
    """
    return _with_terms(current().agree(current().translations.gettext(message)), markdown)


def ngettext(singular: str, plural: str, n: int, *, markdown: bool = False) -> str:
    """Translate a template message with plural forms, with the terms in place."""
    return _with_terms(
        current().agree(current().translations.ngettext(singular, plural, n)), markdown
    )


def pgettext(context: str, message: str, *, markdown: bool = False) -> str:
    """Translate a template message in a context, with the terms in place."""
    return _with_terms(current().agree(current().translations.pgettext(context, message)), markdown)


def long_date(iso: str) -> str:
    """An ISO date written out in the current language (``27 novembre 2026``)."""
    return current().date(iso) if iso else ""


def page_numbers() -> Markup:
    """The CSS ``content`` of the page-number footer, in the current language.

    ``"Page " counter(page) " of " counter(pages)``: the words are CSS strings (escaped, so a
    translation cannot end the rule or the style element), the placeholders counters.
    """
    text = current().translations.gettext(PAGE_NUMBERS)
    parts = []
    for piece in re.split(r"(%\((?:page|pages)\)s)", text):
        if piece in ("%(page)s", "%(pages)s"):
            parts.append(f"counter({piece[2:-2]})")
        elif piece:
            escaped = "".join(c if c.isalnum() or c in " .,:-" else f"\\{ord(c):x} " for c in piece)
            parts.append(f'"{escaped}"')
    return Markup(" ".join(parts) or '""')


def _with_terms(text: str, markdown: bool = False) -> str:
    """Fill term placeholders; leave the others for the values the template passes.

    Terms are text: escaped for HTML, or for Markdown in a Markdown message.
    """
    language = current()
    if markdown:
        text = md.message(text)

    def term(match: re.Match[str]) -> str:
        try:
            value = language.term(match[1])
        except KeyError:
            return match[0]
        escaped = md.escape(value) if markdown else str(escape(value))
        return escaped.replace("%", "%%")

    return _NAMED.sub(term, text)
