"""The template context is a documented, stable API: docs/templates.md lists every field."""

from __future__ import annotations

import dataclasses
import inspect
import re
from pathlib import Path

from aftercare_report import context

from .conftest import load_script

DOC = Path(__file__).resolve().parent.parent / "docs" / "templates.md"
CLASSES = [
    cls
    for _, cls in inspect.getmembers(context, inspect.isclass)
    if dataclasses.is_dataclass(cls) and cls.__module__ == context.__name__
]


def _section(text: str, name: str) -> str:
    match = re.search(rf"^### {name}\b(.*?)(?=^### |\Z)", text, re.M | re.S)
    assert match, f"docs/templates.md has no '### {name}' section"
    return match[1]


def test_every_context_field_is_documented_in_the_code() -> None:
    for cls in CLASSES:
        doc = inspect.getdoc(cls) or ""
        for f in dataclasses.fields(cls):
            assert re.search(rf"^\s*{f.name}:", doc, re.M), (
                f"{cls.__name__}.{f.name} lacks a docstring line"
            )


def test_every_context_field_is_documented_for_template_authors() -> None:
    text = DOC.read_text()
    for cls in CLASSES:
        section = _section(text, cls.__name__)
        for f in dataclasses.fields(cls):
            assert f"`{f.name}`" in section, (
                f"{cls.__name__}.{f.name} missing from docs/templates.md"
            )


def test_documented_fields_exist() -> None:
    text = DOC.read_text()
    for cls in CLASSES:
        names = {f.name for f in dataclasses.fields(cls)}
        listed = re.findall(r"^- `(\w+)`", _section(text, cls.__name__), re.M)
        assert set(listed) <= names, f"{cls.__name__}: {set(listed) - names} documented but absent"


def test_context_reference_is_generated_from_the_code() -> None:
    module = load_script("template_docs")
    text = DOC.read_text()
    assert module.updated(text) == text, "run: python scripts/template_docs.py"
