"""A profile's text in another language: ``profiles/<slug>.<lang>.yaml`` beside the profile.

A translation gives, by the profile's own keys, only its text: the summary, evidence, notes,
institution names, what figures count, claims. Levels, figures, years, sources and ids stay the
profile's, so a brief in French says what the English brief says, in French. It is validated
against the profile: the same keys (a misspelt one is an error, not a silently English field),
only text fields, every ``{placeholder}`` kept and every number of the original kept (a
translation that changed "15 days" to "45 jours" would change a fact).

A field the translation leaves out is quoted in the profile's language, tagged with it, as
every field is without a translation; ``translations check`` lists what is left.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aftercare_report import lookalikes
from aftercare_report.errors import Finding, InputError, Severity, sorted_findings
from aftercare_report.i18n import braced, known_locale
from aftercare_report.loading import Document, KeyPath, leaves, load_yaml, parse_yaml
from aftercare_report.model import MAX_TEXT, Profile
from aftercare_report.overlay import value_at
from aftercare_report.validation import did_you_mean

TEXT_FIELDS: tuple[KeyPath, ...] = (
    ("summary",),
    ("region",),
    ("lead_finding", "text"),
    ("institutions", "*", "name"),
    ("institutions", "*", "note"),
    ("subnational", "*", "name"),
    ("subnational", "*", "differs"),
    ("measures", "*", "evidence"),
    ("timeline", "*", "duration"),
    ("timeline", "*", "support"),
    ("components", "*", "evidence"),
    ("risk_factors", "*", "evidence"),
    ("key_figures", "*", "counts"),
    ("key_figures", "*", "note"),
    ("recommendations", "*", "text"),
    ("recommendations", "*", "directed_to"),
    ("recommendations", "*", "indicator"),
    ("priorities", "*", "text"),
    ("priorities", "*", "indicator"),
    ("survivor_quotes", "*", "context"),
    ("claims", "*", "claim"),
    ("claims", "*", "evidence"),
    ("follow_up", "items", "*", "evidence"),
)
"""The text a translation may give, by key path (``*``: any key or list position). Survivor
quotes and a government's reply stay in the words published, source titles as published, laws
under their own names."""

META = ("language", "translated_as_of")
"""Keys of a translation that are not the profile's: its language (also in its file name), and
the ``as_of`` of the profile it was translated from (a later profile may say something new)."""

NOT_TEXT = frozenset({"unknown", "none", "n/a", ""})
"""Values that are not text to translate (a brief words them itself)."""

_NUMBER = re.compile(r"\d+")
_LANGUAGE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{1,8})?$")


@dataclass(frozen=True)
class Translation:
    """A profile's text in one language, checked against the profile.

    Attributes:
        language: Its language code (``fr``).
        path: Its file.
        texts: Each translated field's text, by the field's key path.
        originals: The profile's text of those fields, by key path.
    """

    language: str
    path: Path
    texts: Mapping[KeyPath, str] = field(default_factory=dict)
    originals: Mapping[KeyPath, str] = field(default_factory=dict)

    def by_text(self) -> dict[str, str]:
        """Each original text (spaces normalised) and its translation, as briefs look it up."""
        out: dict[str, str] = {}
        for key, text in self.texts.items():
            out.setdefault(_normal(self.originals[key]), " ".join(text.split()))
        return out


def language_of(path: Path) -> str | None:
    """The language of a translation's file name (``thailand.fr.yaml``: ``fr``), or None.

    A file is a translation when its name is a profile's name, a language code and the
    suffix, and that profile is in the same folder: ``congo.dr.yaml`` with no ``congo.yaml``
    beside it is a profile.
    """
    stem, dot, code = path.stem.rpartition(".")
    if not dot or not stem or not _LANGUAGE.match(code) or not known_locale(code):
        return None
    siblings = (path.with_name(f"{stem}{suffix}") for suffix in (".yaml", ".yml"))
    return code if any(s.is_file() for s in siblings) else None


def paths_for(profile: Path) -> dict[str, Path]:
    """The translations beside a profile file, by language code."""
    found: dict[str, Path] = {}
    for suffix in (".yaml", ".yml"):
        for candidate in sorted(profile.parent.glob(f"{profile.stem}.*{suffix}")):
            code = language_of(candidate)
            if code and candidate.stem.rpartition(".")[0] == profile.stem:
                found.setdefault(code, candidate)
    return found


def fields(data: Mapping[str, Any]) -> Iterator[tuple[KeyPath, str]]:
    """Every text field of a profile (its loaded data) that holds text to translate."""
    for pattern in TEXT_FIELDS:
        for path, value in _matches(data, pattern, ()):
            if isinstance(value, str) and " ".join(value.split()).casefold() not in NOT_TEXT:
                yield path, value


def _matches(node: Any, pattern: KeyPath, path: KeyPath) -> Iterator[tuple[KeyPath, Any]]:
    if not pattern:
        yield path, node
        return
    head, rest = pattern[0], pattern[1:]
    if head == "*":
        items = node.items() if isinstance(node, dict) else enumerate(node or ())
        if isinstance(node, dict | list):
            for key, child in items:
                yield from _matches(child, rest, (*path, key))
    elif isinstance(node, dict) and head in node:
        yield from _matches(node[head], rest, (*path, head))


def load(path: Path, profile: Profile) -> Translation:
    """Read the translation at ``path`` of ``profile`` and check it against the profile.

    Raises:
        InputError: Every problem, each at its line: not a mapping, a key the profile does not
            have or that is not text, an empty text, a placeholder or a number of the original
            missing or added, a language that is not the file name's.
    """
    language = language_of(path) or path.stem.rpartition(".")[2]
    doc = load_yaml(path)
    original = _profile_document(profile)
    wanted = dict(fields(original.data))
    findings: list[Finding] = []
    texts: dict[KeyPath, str] = {}
    for key, value in leaves(doc.data):
        if key == ("language",):
            if value != language:
                msg = f"this translation is in '{language}' (its file name), not {value!r}"
                findings.append(doc.finding(key, msg, code="wrong-language"))
            continue
        if key == ("translated_as_of",):
            continue  # compared with the profile's as_of by `stale`
        if value is None:
            continue  # a key left empty (a skeleton's, all its texts commented): untranslated

        problem, at = _problem(key, value, wanted, original)
        if problem:
            at_key = key not in wanted  # the key is what is wrong, not its text
            findings.append(doc.finding(at, problem, of_key=at_key, code=_code(problem)))
            continue
        texts[key] = str(value)
    if findings:
        raise InputError(findings)
    return Translation(language, path, texts, {k: wanted[k] for k in texts})


def warnings(path: Path, profile: Profile) -> list[Finding]:
    """What a valid translation is warned about, as its profile would be.

    Made from an earlier state of its profile (:func:`stale`); text that reads differently
    from what it is (a bidi override shows "15" as "51"; see :mod:`aftercare_report.lookalikes`).
    """
    return [*stale(path, profile), *lookalikes.findings(load_yaml(path))]


def stale(path: Path, profile: Profile) -> list[Finding]:
    """A warning when a translation was made from an earlier state of its profile.

    ``translated_as_of`` records the profile's ``as_of`` when it was translated; a profile with
    newer evidence may say what the translation does not.
    """
    doc = load_yaml(path)
    given = doc.data.get("translated_as_of")
    if given is None or str(given) == profile.as_of.isoformat():
        return []
    msg = (
        f"translated from the profile as of {given}; it is now as of {profile.as_of}: check the "
        "texts that changed since, then set translated_as_of to the profile's as_of"
    )
    return [doc.finding(("translated_as_of",), msg, severity=Severity.WARNING, code="stale")]


def _problem(
    key: KeyPath, value: Any, wanted: Mapping[KeyPath, str], original: Document
) -> tuple[str, KeyPath]:
    """What is wrong with one field of a translation ("" if nothing), and where it is."""
    if key not in wanted:
        there = value_at(original.data, key) is not None
        if there and _is_text_field(key):
            return "nothing to translate here: the profile has no text in it", key
        if there:
            msg = "not a text field: levels, figures, years, sources and ids come from the profile"
            return msg, key
        # The first part the profile lacks is the misspelt one: suggest among its neighbours.
        depth = next(i for i in range(len(key)) if value_at(original.data, key[: i + 1]) is None)
        parent = value_at(original.data, key[:depth])
        keys = [str(k) for k in parent] if isinstance(parent, dict) else []
        hint = did_you_mean(str(key[depth]), keys)
        return f"'{key[depth]}' is not in the profile{hint}", key[: depth + 1]
    if not isinstance(value, str) or not value.strip():
        return "empty: translate it, or leave the key out to quote the original", key
    if len(value) > MAX_TEXT:
        return f"longer than {MAX_TEXT:,} characters", key
    english = wanted[key]
    if braced(value) != braced(english):
        want = ", ".join(f"{{{n}}}" for n in sorted(braced(english))) or "none"
        return f"placeholders differ from the original's ({want})", key
    if sorted(_NUMBER.findall(value)) != sorted(_NUMBER.findall(english)):
        want = ", ".join(_NUMBER.findall(english)) or "none"
        msg = (
            f"numbers differ from the original's ({want}): a translation keeps every figure, "
            "date and article number, written in digits"
        )
        return msg, key
    return "", key


def _code(problem: str) -> str:
    if problem.startswith("numbers"):
        return "changed-fact"
    if problem.startswith("placeholders"):
        return "placeholder"
    known = problem.startswith(("not a text field", "nothing to")) or "not in the" in problem
    return "unknown-key" if known else "invalid"


def _is_text_field(key: KeyPath) -> bool:
    return any(
        len(pattern) == len(key) and all(p in ("*", k) for p, k in zip(pattern, key, strict=True))
        for pattern in TEXT_FIELDS
    )


def _profile_document(profile: Profile) -> Document:
    if profile.path is None:
        return Document(Path(profile.slug), profile.model_dump())
    return parse_yaml(profile.source, profile.path)


def _normal(text: str) -> str:
    return " ".join(text.split())


def load_all(
    profiles: Sequence[Profile], languages: Sequence[str]
) -> dict[str, dict[str, Translation]]:
    """The translations of ``profiles`` into ``languages``: language -> slug -> translation.

    A variant (``fr-CA``) uses its own translation, else its base language's.

    Raises:
        InputError: Every problem of every translation used.
    """
    out: dict[str, dict[str, Translation]] = {code: {} for code in languages}
    findings: list[Finding] = []
    for profile in profiles:
        if profile.path is None:
            continue
        available = paths_for(profile.path)
        for code in languages:
            path = available.get(code) or available.get(code.split("-")[0])
            if path is None:
                continue
            try:
                out[code][profile.slug] = load(path, profile)
            except InputError as exc:
                findings.extend(exc.findings)
    if findings:
        raise InputError(findings)
    return out


def untranslated(profile: Profile, translation: Translation | None, language: str) -> list[Finding]:
    """The profile's text a translation leaves in the original language, at the profile's lines.

    Args:
        profile: The profile.
        translation: Its translation into ``language``, or None when there is none.
        language: The language checked.
    """
    doc = _profile_document(profile)
    done = translation.texts if translation else {}
    name = translation.path.name if translation else f"{profile.slug}.{language}.yaml"
    out = []
    for key, _text in fields(doc.data):
        if key not in done:
            msg = f"not translated in {name}: quoted in '{profile.language}'"
            out.append(doc.finding(key, msg, severity=Severity.NOTE, code="untranslated"))
    return sorted_findings(out)


def skeleton(profile: Profile, language: str) -> str:
    """A translation of ``profile`` to fill in: each text commented, the original above it.

    The translator uncomments a key and writes its text; a key left commented stays in the
    original language. Keys come in the profile's order.
    """
    doc = _profile_document(profile)
    wanted = sorted(fields(doc.data), key=lambda item: doc.position(item[0]))
    lines = [
        f"# {profile.country} in '{language}': uncomment a key and translate its text, keeping",
        "# every number and {placeholder}; a key left commented is quoted in the original.",
        f"language: {language}",
        f"translated_as_of: {profile.as_of.isoformat()}",
    ]
    written: list[KeyPath] = []
    for key, text in wanted:
        shared = 0
        last = written[-1] if written else ()
        while shared < min(len(last), len(key) - 1) and last[shared] == key[shared]:
            shared += 1
        for depth in range(shared, len(key) - 1):
            part = key[depth]
            pad = "  " * depth
            lines.append(f"{pad}-" if isinstance(part, int) else f"{pad}{part}:")
        pad = "  " * (len(key) - 1)
        for line in _wrapped(" ".join(text.split()), 96 - len(pad)):
            lines.append(f"{pad}# {line}")
        lines.append(f'{pad}# {key[-1]}: ""')
        written.append(key)
    return "\n".join(lines) + "\n"


def _wrapped(text: str, width: int) -> list[str]:
    import textwrap

    return textwrap.wrap(text, width) or [""]
