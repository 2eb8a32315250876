"""Property tests: whatever the input, only the project's own error, and quickly."""

from __future__ import annotations

import contextlib
import json
import tempfile
import time
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aftercare_report import catalog
from aftercare_report.config import Brand, load_project
from aftercare_report.errors import AftercareError, BuildError, InputError, TemplateError
from aftercare_report.workers import Task, run_all

from .conftest import VALID

VALID_TEXT = VALID.read_text()
FW = catalog.load_framework()
FAST = settings(max_examples=25, deadline=1000, suppress_health_check=[HealthCheck.too_slow])


def check_text(text: str | bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "fuzz.yaml"
        path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8", "surrogatepass"))
        with contextlib.suppress(AftercareError):
            catalog.check_profiles([path], FW)


@FAST
@given(st.integers(0, len(VALID_TEXT) - 1), st.integers(0, 40), st.text(max_size=30))
def test_text_mutations_of_a_valid_profile(at: int, cut: int, insert: str) -> None:
    check_text(VALID_TEXT[:at] + insert + VALID_TEXT[at + cut :])


scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False),
    st.text(max_size=20),
    st.dates(),
)
documents = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4)
    ),
    max_leaves=30,
)


@FAST
@given(documents)
def test_random_yaml_documents(document: object) -> None:
    check_text(yaml.safe_dump(document, allow_unicode=True))


@FAST
@given(st.binary(max_size=200))
def test_random_bytes(data: bytes) -> None:
    check_text(data)


def _replace_at(data: object, path: list[object], value: object) -> None:
    node = data
    for part in path[:-1]:
        node = node[part]  # type: ignore[index]
    node[path[-1]] = value  # type: ignore[index]


def _paths(data: object, prefix: tuple[object, ...] = ()) -> list[list[object]]:
    out: list[list[object]] = []
    items = (
        data.items()
        if isinstance(data, dict)
        else enumerate(data)
        if isinstance(data, list)
        else []
    )
    for key, value in items:
        out.append([*prefix, key])
        out.extend(_paths(value, (*prefix, key)))
    return out


PATHS = _paths(yaml.safe_load(VALID_TEXT))


@pytest.mark.slow
@FAST
@given(st.sampled_from(PATHS), documents)
def test_value_mutations_of_a_valid_profile(path: list[object], value: object) -> None:
    data = yaml.safe_load(VALID_TEXT)
    _replace_at(data, path, value)
    check_text(yaml.safe_dump(data, allow_unicode=True))


# The project file: random TOML documents and random text give a located finding or a project.

toml_values = st.recursive(
    st.one_of(st.booleans(), st.integers(), st.text(max_size=20), st.floats(allow_nan=False)),
    lambda inner: st.lists(inner, max_size=3),
    max_leaves=10,
)
SECTIONS = ["project", "brand", "limits", "security", "terms", "other"]
KEYS = ["profiles", "templates", "out", "organisation", "font", "memory_mb", "allow_scripts", "x"]


def _toml(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    if isinstance(value, str):
        return json.dumps(value)
    return repr(value) if not isinstance(value, float) or value == value else "nan"


def check_project(text: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "aftercare-report.toml"
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        with contextlib.suppress(InputError):
            load_project(path)


@settings(max_examples=30, deadline=1000, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.dictionaries(
        st.sampled_from(SECTIONS),
        st.dictionaries(st.sampled_from(KEYS), toml_values, max_size=4),
        max_size=4,
    )
)
def test_random_project_files(document: dict[str, dict[str, object]]) -> None:
    lines = []
    for section, values in document.items():
        lines.append(f"[{section}]")
        lines += [f"{key} = {_toml(value)}" for key, value in values.items()]
    check_project("\n".join(lines) + "\n")


@FAST
@given(st.text(max_size=200))
def test_random_project_file_text(text: str) -> None:
    check_project(text)


# Templates: random template text through the sandbox fails only with a TemplateError, and each
# case ends within its time limit.

FRAGMENTS = [
    "{{ ",
    " }}",
    "{% ",
    " %}",
    "{# ",
    " #}",
    "for x in range(",
    "99999",
    ")",
    "endfor",
    "if ",
    "endif",
    "brief.title",
    "brief",
    ".__class__",
    "|center(",
    "|format(",
    "'%9999999d'",
    "'x'",
    " * ",
    " ** ",
    " % ",
    "10",
    "(",
    "include ",
    "extends ",
    '".git/config"',
    '"default:base.html"',
    "block content",
    "endblock",
    "super()",
    "lipsum(",
    "<script>",
    "<a href='javascript:x'>",
    "namespace(",
    "set ns = ",
    "ns.s ~ ns.s",
    "loop.index",
    "[1,2]",
    "|join",
    "|list",
    "\n",
]
_FOLDER = Path(tempfile.mkdtemp(prefix="fuzz-templates-"))
_CONTEXT = None


def _country_context() -> object:
    global _CONTEXT
    if _CONTEXT is None:
        from aftercare_report import context, report

        (profile,) = catalog.load_profiles([VALID], FW)
        (rep,) = report.analyse([profile], FW)
        _CONTEXT = context.country_context(rep, Brand())
    return _CONTEXT


def _render_fuzz(text: str, ctx: object) -> str:
    from aftercare_report.templating import render, templates

    (_FOLDER / "country.html").write_text(text, encoding="utf-8", errors="surrogatepass")
    return render(templates((_FOLDER,)), "country.html", ctx, medium="print", subject="fuzz")  # type: ignore[arg-type]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(FRAGMENTS) | st.text(max_size=5), max_size=25))
def test_random_templates_fail_only_with_template_errors(parts: list[str]) -> None:
    task = Task(_render_fuzz, ("".join(parts), _country_context()), "fuzz", 2, "[limits] x")
    start = time.monotonic()
    try:
        run_all([task], workers=1, memory_bytes=2**32)
    except TemplateError:
        pass
    except BuildError as exc:
        assert "stopped after" in str(exc), str(exc)  # only the time limit, never a crash
    assert time.monotonic() - start < 5
