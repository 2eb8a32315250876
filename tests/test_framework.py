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
    "timeliness",
    "reflection_period",
    "accommodation",
    "health",
    "legal",
    "unconditional",
    "non_punishment",
    "residence_return",
    "national_return",
    "economic",
    "social",
    "safety",
    "funding",
    "children",
    "privacy",
    "consent",
    "participation",
]


def test_bundled_framework_has_eighteen_components_and_eleven_risks(framework: Framework) -> None:
    assert list(framework.components) == COMPONENTS
    assert len(framework.risk_factors) == 11
    for component in framework.components.values():
        assert sorted(component.levels) == [0, 1, 2, 3, 4]
        assert component.standards


def test_long_term_support_is_inside_the_target(framework: Framework) -> None:
    # Level 3 of accommodation, health and social care requires support for 12 months or more,
    # so its absence is a gap at the target, not an aspiration beyond it.
    for cid in ("accommodation", "health", "social"):
        component = framework.components[cid]
        assert component.continuity and component.target == 3
        assert "12 months" in component.levels[3], cid
    assert "Palermo Protocol Art. 9(1)(b)" in framework.components["safety"].standards


def test_framework_texts_do_not_state_the_essays_claims_as_facts(framework: Framework) -> None:
    text = " ".join(
        [c.description for c in framework.components.values()]
        + [r.description + r.evidence for r in framework.risk_factors.values()]
    )
    assert "for a roof, food and transport" not in text
    assert "keep track of survivors" not in text
    assert "2015/11/9" not in framework.sources["chab-dai-butterfly"].url


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


def test_library_texts_speak_of_any_legislature_not_westminster() -> None:
    # "Laid before" is Westminster's idiom: a bill is submitted to or introduced in others.
    text = DEFAULT_FRAMEWORK.read_text(encoding="utf-8")
    assert "laid before" not in text
