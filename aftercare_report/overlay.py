"""A framework in another language: an overlay that gives every text of the framework, by id.

The overlay holds only words (names, level descriptors, recommendation texts, risk names): the
ids, weights, targets and standards stay those of the framework, so an assessment in French is
the same assessment as in English. It is validated like the framework: the same ids, every text
present and not empty, and only the placeholders a framework text may use.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from aftercare_report.errors import Finding, InputError
from aftercare_report.i18n import braced
from aftercare_report.loading import Document, KeyPath, load_yaml
from aftercare_report.terms import TERM_KEYS

PLACEHOLDERS = frozenset(
    {"country", "in_country", "of_country", "component", *TERM_KEYS}
    | {k[:1].upper() + k[1:] for k in ("country", *TERM_KEYS)}
)
"""Placeholders a framework text may use: the country's forms, a component, the terms."""

_COMPONENT_TEXTS = ("name", "in_prose", "description")
_RECOMMENDATION_TEXTS = (
    "text",
    "partial",
    "improve",
    "indicator",
    "improve_indicator",
    "good_practice",
)
OPTIONAL = frozenset({"good_practice"})
"""Texts an overlay may leave out: the framework's stand (a citation whose generated words,
"pillar 1", "Milestone 3", an overlay of an earlier version may not translate)."""
_ARTICLE = re.compile(r"^(Art|Arts|Section|s|ss)\.?\s*\d")
"""An instrument's article as a standard cites it (``Art. 6(3)``), the same in every language."""
_RISK_TEXTS = ("name", "description", "evidence")


def overlay_path(framework: Path, language: str, folder: Path | None) -> Path | None:
    """Find the overlay of ``framework`` for ``language``.

    A team's ``translations/framework.<lang>.yaml`` comes first, then ``<framework>.<lang>.yaml``
    beside the framework (how the tool ships its French and Spanish).

    Args:
        framework: The framework file.
        language: The language code (``fr``, ``es-MX``: the base language is tried too).
        folder: The project's ``translations`` folder, if any.
    """
    codes = dict.fromkeys((language, language.split("-")[0]))
    for code in codes:
        candidates = [folder / f"framework.{code}.yaml"] if folder else []
        candidates.append(framework.with_name(f"{framework.stem}.{code}.yaml"))
        for path in candidates:
            if path.is_file():
                return path
    return None


def texts(data: Mapping[str, Any]) -> Iterator[tuple[KeyPath, KeyPath]]:
    """Every text of a framework: its path in the framework and its path in an overlay.

    Args:
        data: The framework as loaded (plain data).
    """
    for key in ("name", "description"):
        yield (key,), (key,)
    for level in data.get("levels", {}):
        yield ("levels", level), ("levels", level)
    index = data.get("index", {})
    for i, band in enumerate(index.get("bands", [])):
        yield ("index", "bands", i, "label"), ("index", "bands", band["id"])
    for i, cap in enumerate(index.get("caps", [])):
        yield ("index", "caps", i, "reason"), ("index", "caps", cap["id"])
    for iid in data.get("instruments", {}):
        for key in ("name", "short"):
            yield ("instruments", iid, key), ("instruments", iid, key)
    for cid, component in data.get("components", {}).items():
        for key in _COMPONENT_TEXTS:
            if key in component or key != "in_prose":
                yield ("components", cid, key), ("components", cid, key)
        for level in component.get("levels", {}):
            yield ("components", cid, "levels", level), ("components", cid, "levels", level)
        for i, rec in enumerate(component.get("recommendations", [])):
            for key in _RECOMMENDATION_TEXTS:
                if key in rec:
                    yield (
                        ("components", cid, "recommendations", i, key),
                        ("components", cid, "recommendations", rec["id"], key),
                    )
            for iid, article in (rec.get("standards") or {}).items():
                if isinstance(article, str) and article and not _ARTICLE.match(article):
                    yield (  # "provisions on care and rehabilitation": words, not an article
                        ("components", cid, "recommendations", i, "standards", iid),
                        ("components", cid, "recommendations", rec["id"], "standards", iid),
                    )
    for rid, risk in data.get("risk_factors", {}).items():
        for key in _RISK_TEXTS:
            if key in risk:
                yield ("risk_factors", rid, key), ("risk_factors", rid, key)
    for name, rec in data.get("data_recommendations", {}).items():
        for key in ("text", "indicator", "good_practice"):
            if key in rec:
                yield ("data_recommendations", name, key), ("data_recommendations", name, key)


def apply(framework: Document, overlay: Document) -> dict[str, Any]:
    """Put an overlay's texts in place of the framework's, after checking it whole.

    Args:
        framework: The framework as loaded (already validated).
        overlay: The overlay as loaded.

    Returns:
        The framework's data with the overlay's texts, to validate as a framework.

    Raises:
        InputError: Every problem in the overlay, each at its line.
    """
    data = copy.deepcopy(framework.data)
    findings: list[Finding] = []
    expected: set[KeyPath] = set()
    for target, source in texts(framework.data):
        expected.add(source)
        value = value_at(overlay.data, source)
        if value is None and (source[-1] in OPTIONAL or "standards" in source):
            continue
        if not isinstance(value, str) or not value.strip():
            english = " ".join(str(value_at(framework.data, target)).split())
            english = english if len(english) <= 60 else english[:59].rsplit(" ", 1)[0] + "…"
            what = "empty" if isinstance(value, str) else "missing"
            message = f"{what}: translate “{english}”"
            findings.append(overlay.finding(source, message, code="untranslated"))
            continue
        unknown = braced(value) - PLACEHOLDERS
        if unknown:
            names = ", ".join(f"{{{n}}}" for n in sorted(unknown))
            allowed = "{country}, {in_country}, {of_country}, {survivors} and the other terms"
            message = f"unknown placeholder {names}: a framework text may use {allowed}"
            findings.append(overlay.finding(source, message, code="placeholder"))
        set_at(data, target, value)
    findings += _unknown_keys(overlay, expected, framework.data.get("id"))
    if findings:
        raise InputError(findings)
    return data


def _unknown_keys(overlay: Document, expected: set[KeyPath], framework_id: Any) -> list[Finding]:
    """Texts the framework does not have (a misspelt id would otherwise be silently ignored)."""
    findings = []
    meta = {("language",), ("framework",), ("version",)}
    for path in sorted(_leaves(overlay.data), key=str):
        if path not in expected and path not in meta:
            message = f"{_dotted(path)}: not a text of the framework (a misspelt id?)"
            findings.append(overlay.finding(path, message, of_key=True, code="unknown-key"))
    named = overlay.data.get("framework")
    if named is not None and named != framework_id:
        message = f"this overlay is for framework '{named}', not '{framework_id}'"
        findings.append(overlay.finding(("framework",), message, code="wrong-framework"))
    return findings


def _leaves(data: Any, path: KeyPath = ()) -> Iterator[KeyPath]:
    if isinstance(data, dict):
        for key, value in data.items():
            yield from _leaves(value, (*path, key))
    else:
        yield path


def value_at(data: Any, path: KeyPath) -> Any:
    """The value at ``path`` in plain data, or None."""
    for part in path:
        in_list = isinstance(data, list) and isinstance(part, int) and part < len(data)
        if in_list or (isinstance(data, dict) and part in data):
            data = data[part]
        else:
            return None
    return data


def set_at(data: Any, path: KeyPath, value: str) -> None:
    """Put ``value`` at ``path`` in plain data (the path exists)."""
    for part in path[:-1]:
        data = data[part]
    data[path[-1]] = value


def _dotted(path: KeyPath) -> str:
    return ".".join(str(p) for p in path)


def load(path: Path) -> Document:
    """Load an overlay file (the same safe YAML loader as profiles and frameworks)."""
    return load_yaml(path)
