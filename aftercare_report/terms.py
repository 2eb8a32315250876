"""The team's terminology: which words briefs use for the people they are about.

A term is a set of forms, not a word to replace: ``survivor``, ``survivors`` and
``survivor_attr`` (the form before a noun, "survivor services"), ``victim`` and ``victims`` (the
legal category), ``re_trafficking``. Messages and framework texts use the form they need as a
placeholder, so "people with lived experience" reads correctly everywhere. A team that changes a
term gives all of its forms, per language (``[terms]`` for the project's language, ``[terms.fr]``
for French).

Here too: the words of a placeholder (``not yet researched``, ``TODO``), which are never evidence,
so every layer from the checks to the sentences can tell one from a source's words.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

TERM_FORMS: Mapping[str, tuple[str, ...]] = {
    "survivor": ("survivor", "survivors", "survivor_attr"),
    "victim": ("victim", "victims"),
    "re_trafficking": ("re_trafficking",),
}
"""Each term and its forms: a team that changes a term gives every form of it."""

DERIVED_FORMS: Mapping[str, tuple[str, ...]] = {"survivor": ("child_survivor", "child_survivors")}
"""Forms a team may give besides those; when it changes the term without them, they are made
from its other forms ("children among people with lived experience"), never by putting a word
before a phrase that cannot take it ("child people with lived experience")."""

TERM_KEYS: tuple[str, ...] = (
    *(k for forms in TERM_FORMS.values() for k in forms),
    *(k for forms in DERIVED_FORMS.values() for k in forms),
)
"""Placeholders that are terms (``%(survivors)s`` in messages, ``{survivors}`` in frameworks)."""

GENDER_KEYS: Mapping[str, str] = {"survivor": "survivor_gender", "victim": "victim_gender"}
"""The grammatical gender of each term, ``f`` or ``m``, in a language that has one (French,
Spanish): a translated message agrees with it through ``{survivor:feminine|masculine}``."""

GENDERS = ("f", "m")

FORM_HELP: Mapping[str, str] = {
    "survivor": "the singular noun (a survivor)",
    "survivors": "the plural noun (survivors)",
    "survivor_attr": "the form before a noun (survivor services)",
    "victim": "the legal category, singular (a victim of trafficking)",
    "victims": "the legal category, plural (victims of trafficking)",
    "re_trafficking": "the noun (re-trafficking)",
    "child_survivor": "a child among them, singular (every child survivor)",
    "child_survivors": "children among them, plural (guardians for child survivors)",
    "survivor_gender": "f or m: the grammatical gender of the survivor term, in French or Spanish",
    "victim_gender": "f or m: the grammatical gender of the victim term, in French or Spanish",
}
"""What each form of a term is, for messages and the project file documentation."""

ENGLISH_TERMS: Mapping[str, str] = {
    "survivor": "survivor",
    "survivors": "survivors",
    "survivor_attr": "survivor",
    "victim": "victim",
    "victims": "victims",
    "re_trafficking": "re-trafficking",
    "child_survivor": "child survivor",
    "child_survivors": "child survivors",
    "survivor_gender": "",
    "victim_gender": "",
}
"""The default terms in English; other languages' defaults are in their catalogs."""

ALIASES: Mapping[str, str] = {"re-trafficking": "re_trafficking"}
"""Keys earlier versions accepted, and the form each now names."""


def problems(forms: Mapping[str, str]) -> list[tuple[str, str]]:
    """Check one language's terms: known forms, and every form of a term that is changed.

    Args:
        forms: Form key -> text, as the project file gives them (aliases allowed).

    Returns:
        (key, message) for each problem, in the order of the file's keys.
    """
    out = []
    given = {ALIASES.get(k, k) for k in forms}
    genders = set(GENDER_KEYS.values())
    for key, value in forms.items():
        if ALIASES.get(key, key) not in (*TERM_KEYS, *genders):
            out.append((key, f"unknown term '{key}'"))
        elif key in genders and value not in GENDERS:
            out.append((key, f"{key}: write f or m (the grammatical gender), not {value!r}"))
    for term, keys in TERM_FORMS.items():
        missing = [k for k in keys if k not in given]
        if missing and len(missing) < len(keys):
            first = next(k for k in forms if ALIASES.get(k, k) in keys)
            needed = "; ".join(f"{k} ({FORM_HELP[k]})" for k in missing)
            out.append((first, f"the term '{term}' needs all its forms: add {needed}"))
    return out


def normalise(forms: Mapping[str, str]) -> dict[str, str]:
    """The forms under their current keys (``re-trafficking`` -> ``re_trafficking``)."""
    return {ALIASES.get(k, k): " ".join(v.split()) for k, v in forms.items()}


PLACEHOLDER_TEXT = re.compile(
    r"\bnot yet (?:researched|documented|checked|known)\b"
    r"|\blorem ipsum\b|\bplaceholder\b"
    r"|\bto be (?:completed|confirmed|researched|added|filled)\b|\bfill (?:this )?in\b"
    r"|(?<![\w-])(?:TODO|TBD|FIXME|XXX)(?![\w-])",
    re.IGNORECASE,
)
"""Text a profile skeleton or an unfinished draft holds instead of evidence. A brief never prints
it (an unknown stays "not documented"), and ``validate --strict`` rejects it."""


def is_placeholder(text: str | None) -> bool:
    """Whether a profile's text is a placeholder rather than something a source says."""
    return bool(text) and PLACEHOLDER_TEXT.search(text or "") is not None
