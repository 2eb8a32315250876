"""Terminology: the words a team may change in generated text (``survivors`` -> ``victims``).

Applied once, where text leaves the tool (the brief context, the JSON export and the terminal),
to text written with the default words: framework texts and generated sentences, never profile
evidence, which quotes its sources.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

DEFAULT_TERMS: Mapping[str, str] = {
    "survivor": "survivor",
    "survivors": "survivors",
    "re-trafficking": "re-trafficking",
}
"""Words teams may change (e.g. ``survivors`` -> ``victims`` in legal briefs)."""


def reword(text: str, terms: Mapping[str, str]) -> str:
    """Put a team's terms in place of the default ones in generated text.

    A capital at the start of a word is kept ("Survivors" -> "Victims").

    Args:
        text: Generated text using the default terms.
        terms: The team's terms, keyed by the default word.
    """
    changed = {k: v for k, v in terms.items() if DEFAULT_TERMS.get(k, v) != v}
    if not changed:
        return text
    words = sorted(changed, key=len, reverse=True)
    pattern = re.compile(r"\b(" + "|".join(re.escape(w) for w in words) + r")\b", re.IGNORECASE)

    def swap(match: re.Match[str]) -> str:
        new = changed[match[0].lower()]
        return new[:1].upper() + new[1:] if match[0][:1].isupper() else new

    return pattern.sub(swap, text)
