"""Fuzzers for what a pull request controls (issue 23): whatever it writes, only our own errors.

Catalogs, manifests, profile text, names given to scaffolding, YAML scalars and allowances are
generated at random; each must end in a result or in the tool's own error, within bounds. In the
slow set (``.ci/run`` runs it), since each runs a few hundred examples.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import tempfile
import time
import warnings
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aftercare_report import catalog, i18n, lookalikes, manifest, protection, scaffold
from aftercare_report.config import load_project
from aftercare_report.errors import InputError, UsageError
from aftercare_report.limits import MAX_WIDTH
from aftercare_report.loading import load_yaml

pytestmark = pytest.mark.slow
FUZZ = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])

HEADERS = ["Language", "Plural-Forms", "Content-Type", "POT-Creation-Date", "PO-Revision-Date"]
header_values = st.one_of(
    st.text(max_size=40),
    st.from_regex(r"nplurals=-?[0-9]{1,12}; plural=[n%<>=!?:()0-9 |&]{0,40};", fullmatch=True),
    st.from_regex(r"text/plain; charset=[a-zA-Z0-9_-]{0,12}", fullmatch=True),
)
conversions = st.from_regex(
    r"%(\([a-z_]{0,12}\))?[#0 +-]{0,3}(\*|[0-9]{0,12})(\.(\*|[0-9]{0,12}))?[a-z%]", fullmatch=True
)


def _po(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


@FUZZ
@given(
    headers=st.lists(st.tuples(st.sampled_from(HEADERS), header_values), max_size=5),
    fields=st.lists(conversions, min_size=1, max_size=3),
    plural=st.booleans(),
)
def test_catalogs_end_in_a_catalog_or_a_located_error(
    headers: list[tuple[str, str]], fields: list[str], plural: bool
) -> None:
    head = "".join(f'"{name}: {_po(value)}\\n"\n' for name, value in headers)
    message = f'msgid "x %(country)s"\nmsgstr "{_po(" ".join(fields))}"\n'
    if plural:
        message = 'msgid "a"\nmsgid_plural "b"\nmsgstr[0] "c"\nmsgstr[1] "d"\n'
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "fr.po"
        path.write_text(f'msgid ""\nmsgstr ""\n{head}\n{message}')
        start = time.monotonic()
        try:
            catalog = i18n.read_catalog(path, "fr")
        except InputError as exc:
            assert all(f.path.endswith("fr.po") for f in exc.findings)
            return
        finally:
            assert time.monotonic() - start < 5
    assert 1 <= catalog.num_plurals <= i18n.MAX_PLURALS
    for item in (m for m in catalog if m.id):
        for text in item.string if isinstance(item.string, tuple) else (item.string,):
            for width in re.findall(r"%(?:\(\w*\))?[#0 +-]*(\d+)(?:\.\d*)?[a-zA-Z]", text or ""):
                assert int(width) <= MAX_WIDTH


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=30,
)


@FUZZ
@given(
    body=st.one_of(
        json_values.map(json.dumps),
        st.fixed_dictionaries(
            {"schema_version": st.just(2), "outputs": json_values, "builds": json_values}
        ).map(json.dumps),
        st.binary(max_size=200).map(lambda b: b.decode("latin-1")),
        st.integers(1, 5000).map(lambda n: "[" * n + "]" * n),
    )
)
def test_any_manifest_is_read_or_ignored_never_an_error(body: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder)
        (out / manifest.MANIFEST_NAME).write_text(body)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", manifest.CacheWarning)
            assert isinstance(manifest.read(out), dict)
            assert isinstance(manifest.read_builds(out), dict)
            assert manifest.up_to_date(out, "0" * 64) is None


@FUZZ
@given(text=st.text(max_size=80), url=st.booleans())
def test_any_text_is_checked_without_error(text: str, url: bool) -> None:
    found = lookalikes.problem(text, url=url)
    assert found is None or found[0] in {"look-alike", "invisible-character", "bidi-control"}


latin = st.text(st.characters(min_codepoint=ord("a"), max_codepoint=ord("z")), min_size=2)
cyrillic = st.text(st.characters(min_codepoint=0x0430, max_codepoint=0x044F), min_size=1)
devanagari = st.text(st.characters(min_codepoint=0x0915, max_codepoint=0x0939), min_size=1)


@FUZZ
@given(words=st.lists(st.one_of(latin, cyrillic, devanagari), min_size=1, max_size=6))
def test_words_of_one_script_each_are_never_look_alikes(words: list[str]) -> None:
    joined = " ".join(w[:1] + "\u094d\u200d" + w[1:] if w[0] >= "\u0900" else w for w in words)
    assert lookalikes.problem(joined) is None


@FUZZ
@given(word=latin, at=st.integers(0, 100), letter=cyrillic)
def test_one_cyrillic_letter_in_a_latin_word_is_a_look_alike(
    word: str, at: int, letter: str
) -> None:
    spliced = word[: at % len(word)] + letter[0] + word[at % len(word) :]
    found = lookalikes.problem(f"The {spliced} report")
    assert found is not None and found[0] == "look-alike"


FRAMEWORK = catalog.load_framework()


@FUZZ
@given(name=st.text(min_size=1, max_size=60))
def test_any_organisation_is_written_so_it_reads_back_or_refused(name: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        try:
            scaffold.init_project(
                Path(folder), FRAMEWORK, organisation=name, country=None, today=dt.date(2026, 1, 1)
            )
        except UsageError:
            return
        project = load_project(Path(folder) / "aftercare-report.toml")
        assert project.brand.organisation == " ".join(name.split())


scalars = st.one_of(
    st.from_regex(r"[-+]?[0-9_]{1,6}(:[0-5]?[0-9]){0,2}(\.[0-9_]{0,3})?", fullmatch=True),
    st.from_regex(r"0[bxo]?[0-9a-fA-F_]{1,6}", fullmatch=True),
    st.sampled_from(
        ["yes", "No", "ON", "off", "y", "n", "true", "False", "~", "null", ".inf", ".NaN"]
    ),
    st.text(st.characters(min_codepoint=0x21, max_codepoint=0x7E), min_size=1, max_size=8),
)


@FUZZ
@given(value=scalars)
def test_a_scalar_loads_as_yaml_1_2_reads_it_or_is_refused(value: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "x.yaml"
        path.write_text(f"key: {value}\n")
        try:
            loaded = load_yaml(path).data["key"]
        except InputError:
            return
    # Nothing is read differently from how PyYAML reads it: forms are refused, never reinterpreted.
    expected = yaml.safe_load(f"k: {value}")["k"]
    assert loaded == expected or (loaded != loaded and expected != expected)  # NaN
    # And what loads as a boolean or number is written as YAML 1.2 writes one.
    if isinstance(loaded, bool):
        assert value.lower() in ("true", "false")
    elif isinstance(loaded, int):
        assert re.fullmatch(r"[-+]?(0|[1-9][0-9]*)|0x[0-9a-fA-F]+", value)
    elif isinstance(loaded, float):
        assert "_" not in value and ":" not in value


@FUZZ
@given(items=st.lists(st.text(max_size=30), max_size=4), asked=st.floats(0.001, 10_000))
def test_allowances_are_understood_or_refused_and_never_exceed_the_ceilings(
    items: list[str], asked: float
) -> None:
    try:
        allowed = protection.allowance(items, environ={})
    except UsageError:
        return
    limits = protection.effective_limits({}, allowed)
    assert limits.render_seconds <= protection.CEILINGS["render_seconds"]
    refused = protection.refused({"render_seconds": asked}, False, allowed)
    ceiling = max(30.0, allowed.limits.get("render_seconds", 30.0))
    assert bool(refused) == (asked > ceiling)
