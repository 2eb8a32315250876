"""The README and the template reference say what the code does, where they describe it."""

from __future__ import annotations

import re
import typing
from pathlib import Path

import pytest

from aftercare_report import context, model, terms

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text()
TEMPLATES = (ROOT / "docs" / "templates.md").read_text()


def _values(literal: object) -> set[str]:
    return {str(v) for v in typing.get_args(literal)}


def _comment_of(key: str) -> str:
    """The comment on the README profile example's line that lists a key's values."""
    (line,) = [line for line in README.splitlines() if re.match(rf"^\s*#?\s*{key}", line)]
    return line


@pytest.mark.parametrize(
    ("key", "literal"),
    [
        ("measures:", model.MeasureStatus),
        ("#     status: provided", model.StageStatus),
        ("verdict:", model.Verdict),
        ("support_ends_abruptly:", model.RiskStatus),
    ],
)
def test_the_profile_example_lists_every_value_the_model_accepts(key: str, literal: object) -> None:
    line = _comment_of(key)
    listed = set(re.findall(r"[a-z_]+", line.split("#", 1)[1] if "#" in line else line))
    assert _values(literal) <= listed, f"README's {key!r} line misses {_values(literal) - listed}"


def test_the_template_reference_names_only_terms_briefs_have() -> None:
    named = set(re.findall(r"brief\.terms\['([^']+)'\]", TEMPLATES))
    assert set(terms.TERM_KEYS) <= named  # every form is documented
    assert named <= set(context._terms())  # and nothing templates would not find


@pytest.mark.parametrize(
    "claim",
    [
        "Headings and labels are English",  # they go through gettext in the brief's language
        "keeps the ISO date otherwise",  # human_date writes the date in the brief's language
        "the ISO date otherwise",
    ],
)
def test_the_template_reference_drops_what_is_no_longer_true(claim: str) -> None:
    assert claim not in TEMPLATES


def test_the_readme_gives_a_team_its_install_before_the_developer_bootstrap() -> None:
    team = README.index("### For a team")
    assert team < README.index("scripts/bootstrap")
    section = README[team : README.index("### For development")]
    for needed in ("fontconfig", "fonts-dejavu-core", "python -m build", "pip install build"):
        assert needed in section, needed
    assert "--require-hashes" in section


def test_the_changelog_names_removed_blocks_that_are_really_gone() -> None:
    changelog = (ROOT / "CHANGELOG.md").read_text()
    table = changelog.split("| removed | use instead |", 1)[1].split("\n\n", 1)[0]
    removed = set(re.findall(r"^\| `([a-z_]+)`|, `([a-z_]+)`", table, re.M)) - {("", "")}
    names = {a or b for a, b in removed}
    assert {"toc_items", "cover", "content"} <= names
    defined = set()
    for template in (ROOT / "templates").glob("*.html"):
        defined |= set(re.findall(r"\{%-?\s*block\s+(\w+)", template.read_text()))
    assert not names & defined, f"the changelog says these were removed: {names & defined}"
    replacements = set(re.findall(r"`([a-z_]+)`", table)) - names
    assert replacements <= defined | {"annex"}, replacements - defined
