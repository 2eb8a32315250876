"""Property tests: whatever the input, only the project's own error, and quickly."""

from __future__ import annotations

import contextlib
import tempfile
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aftercare_report import catalog
from aftercare_report.errors import AftercareError

from .conftest import VALID

VALID_TEXT = VALID.read_text()
FW = catalog.load_framework()
FAST = settings(max_examples=60, deadline=1000, suppress_health_check=[HealthCheck.too_slow])


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


@FAST
@given(st.sampled_from(PATHS), documents)
def test_value_mutations_of_a_valid_profile(path: list[object], value: object) -> None:
    data = yaml.safe_load(VALID_TEXT)
    _replace_at(data, path, value)
    check_text(yaml.safe_dump(data, allow_unicode=True))
