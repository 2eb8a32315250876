"""The bundled framework is complete, and a broken framework is reported like a profile."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from aftercare_report import catalog
from aftercare_report.errors import InputError
from aftercare_report.model import Framework
from aftercare_report.resources import DEFAULT_FRAMEWORK

COMPONENTS = [
    "identification",
    "reflection_period",
    "accommodation",
    "health",
    "legal",
    "unconditional",
    "non_punishment",
    "residence_return",
    "economic",
    "social",
    "safety",
    "funding",
]


def test_bundled_framework_has_the_twelve_components_and_ten_risks(framework: Framework) -> None:
    assert list(framework.components) == COMPONENTS
    assert len(framework.risk_factors) == 10
    for component in framework.components.values():
        assert sorted(component.levels) == [0, 1, 2, 3, 4]
        assert component.standards


def test_every_low_level_has_a_recommendation(framework: Framework) -> None:
    for cid, component in framework.components.items():
        for level in (0, 1, 2):
            assert any(level < r.when_level_below for r in component.recommendations), (cid, level)


def _broken(tmp_path: Path, change: dict[str, object]) -> Path:
    data = yaml.safe_load(DEFAULT_FRAMEWORK.read_text())
    for dotted, value in change.items():
        *parents, last = dotted.split(".")
        node = data
        for part in parents:
            node = node[int(part)] if isinstance(node, list) else node[part]
        node[last] = value
    path = tmp_path / "framework.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            {"risk_factors.trauma.mitigated_by": ["helth"]},
            "'helth' is not defined; did you mean 'health'?",
        ),
        ({"index.caps.0.band": "Z"}, "'Z' is not defined"),
        ({"components.legal.target": 5}, "less than or equal to 4"),
        (
            {"data_recommendations.unknown_level.text": "Fix {region}"},
            "placeholder {region} is not allowed",
        ),
    ],
)
def test_broken_framework_is_located(
    tmp_path: Path, change: dict[str, object], message: str
) -> None:
    with pytest.raises(InputError) as caught:
        catalog.load_framework(_broken(tmp_path, change))
    assert any(message in f.message and f.line > 0 for f in caught.value.findings), [
        f.format() for f in caught.value.findings
    ]
