"""The translation functions templates call (``_``, ``ngettext``, ``pgettext``, ``long_date``).

Jinja's i18n extension (newstyle) wraps them: it formats the translated message with the named
values a template passes and escapes those values. The team's terms are put in here first,
escaped too, since a term is text, not markup.
"""

from __future__ import annotations

import re

from markupsafe import Markup, escape

from aftercare_report.i18n import N_, current

PAGE_NUMBERS = N_("Page %(page)s of %(pages)s")
"""The running footer of a PDF page; the placeholders become CSS page counters."""

_NAMED = re.compile(r"%\((\w+)\)s")


def gettext(message: str) -> str:
    """Translate a template message into the current language, with the terms in place."""
    return _with_terms(current().translations.gettext(message))


def ngettext(singular: str, plural: str, n: int) -> str:
    """Translate a template message with plural forms, with the terms in place."""
    return _with_terms(current().translations.ngettext(singular, plural, n))


def pgettext(context: str, message: str) -> str:
    """Translate a template message in a context, with the terms in place."""
    return _with_terms(current().translations.pgettext(context, message))


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


def _with_terms(text: str) -> str:
    """Fill term placeholders; leave the others for the values the template passes."""
    language = current()

    def term(match: re.Match[str]) -> str:
        try:
            value = language.term(match[1])
        except KeyError:
            return match[0]
        return str(escape(value)).replace("%", "%%")

    return _NAMED.sub(term, text)
