"""migrate: format-1 profiles (the bundled ones as they were) rewritten into format 2."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner, Result
from hypothesis import given, settings
from hypothesis import strategies as st

from aftercare_report import catalog
from aftercare_report.cli import cli
from aftercare_report.errors import Severity
from aftercare_report.loading import load_yaml
from aftercare_report.migrate import dump, migrate
from aftercare_report.model import Framework
from tests.conftest import PROFILES

FORMAT_1 = sorted((PROFILES / "format1").glob("*.yaml"))  # from the git history, unchanged


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


def comments(text: str) -> str:
    """The comments of a file as one line of text (they are wrapped at 100 columns)."""
    lines = [line.strip() for line in text.splitlines() if line.strip().startswith("#")]
    return " ".join(" ".join(line.lstrip("#").split()) for line in lines)


def migrated(path: Path, framework: Framework) -> tuple[dict, str]:
    result = migrate(load_yaml(path), framework)
    assert result is not None and result.from_version == 1
    return yaml.safe_load(result.text), result.text


@pytest.mark.parametrize("path", FORMAT_1, ids=lambda p: p.stem)
def test_a_format_1_profile_becomes_a_valid_format_2_one(path: Path, framework: Framework) -> None:
    _, text = migrated(path, framework)
    profile, findings = catalog.check_text(text.encode(), path, framework)
    assert profile is not None, [f.format() for f in findings]
    # Sources are kept as they were: a copy the old profile cited is still flagged as one.
    warned = {f.code for f in findings if f.severity is Severity.WARNING}
    assert warned <= {"copy-source"}, [f.format() for f in findings]


@pytest.mark.parametrize("path", FORMAT_1, ids=lambda p: p.stem)
def test_every_fact_and_source_is_kept(path: Path, framework: Framework) -> None:
    old = yaml.safe_load(path.read_text())
    new, _ = migrated(path, framework)
    assert new["sources"] == old["sources"]
    for key in ("country", "iso3", "region", "as_of", "summary"):
        assert new[key] == old[key]
    for cid, entry in old["components"].items():
        assert new["components"][cid]["evidence"] == entry["evidence"]
        assert new["components"][cid].get("sources") == entry.get("sources")
    for rid, entry in old["risk_factors"].items():
        assert new["risk_factors"][rid]["evidence"] == entry["evidence"]
    for name, figure in old["key_figures"].items():
        assert new["key_figures"][name]["value"] == figure["value"]
        assert new["key_figures"][name]["counts"] == figure.get("note", "unknown")
    for before, after in zip(old.get("claims", []), new.get("claims", []), strict=True):
        assert after["claim"] == before["claim"] and after["evidence"] == before["evidence"]


def test_what_needs_judgement_is_left_unknown_with_what_to_decide(framework: Framework) -> None:
    new, text = migrated(PROFILES / "format1" / "united-kingdom.yaml", framework)
    old = yaml.safe_load((PROFILES / "format1" / "united-kingdom.yaml").read_text())
    # Level 3 of accommodation and health now needs 12 months: not carried over.
    assert old["components"]["accommodation"]["level"] == 3
    assert new["components"]["accommodation"]["level"] == "unknown"
    assert "decide: it was 3 in format 1, but level 3 now needs housing support" in comments(text)
    # Levels whose meaning did not change are kept.
    kept = old["components"]["identification"]["level"]
    assert new["components"]["identification"]["level"] == kept
    # Parts new in format 2 assert nothing.
    assert new["instruments"] == {} and new["anchors"]["tip_tier"] == {"value": "unknown"}
    assert all(m["status"] == "unknown" for m in new["measures"].values())


def test_a_split_in_format_2_is_left_to_a_person_with_the_old_evidence(
    framework: Framework,
) -> None:
    new, text = migrated(PROFILES / "format1" / "nigeria.yaml", framework)
    # Format 1's trafficker_contact (present) mixed family traffickers and corrupt officials.
    for rid in ("trafficker_contact", "official_complicity"):
        assert new["risk_factors"][rid]["status"] == "unknown"
        assert "corruption, including among NAPTIP" in new["risk_factors"][rid]["evidence"]
    assert "splits them: is official complicity present, absent or unknown" in comments(text)
    assert new["components"]["national_return"]["level"] == "unknown"
    assert new["components"]["residence_return"]["level"] == 2  # kept where format 1 put it
    above = comments(text.split("national_return:", 1)[0]).rsplit("decide:", 1)[1]
    assert "Format 1's residence_return covered the return of nationals too" in above
    assert "safely returning and rehabilitating Nigerians trafficked abroad" in above


def test_unsupported_claims_become_not_established(framework: Framework) -> None:
    new, text = migrated(PROFILES / "format1" / "thailand.yaml", framework)
    assert [c["verdict"] for c in new["claims"]] == ["not_established"] * 3
    assert comments(text).count("decide: format 1's unsupported; not_established") == 3


def test_migrate_shows_a_diff_and_writes_nothing_without_in_place(tmp_path: Path) -> None:
    path = tmp_path / "thailand.yaml"
    original = (PROFILES / "format1" / "thailand.yaml").read_text()
    path.write_text(original)
    result = run("migrate", str(path))
    assert result.exit_code == 0, result.output
    assert path.read_text() == original
    assert "-schema_version: 1\n+schema_version: 2\n" in result.stdout
    assert "+# decide: keep only the roles the sources show" in result.stdout
    assert "not written (--in-place writes it)" in result.stderr


def test_migrate_in_place_rewrites_then_has_nothing_to_do(tmp_path: Path) -> None:
    path = tmp_path / "nigeria.yaml"
    path.write_text((PROFILES / "format1" / "nigeria.yaml").read_text())
    result = run("migrate", str(tmp_path), "--in-place")
    assert result.exit_code == 0, result.output
    assert "format 1 -> 2, rewritten; 29 decisions marked '# decide:'" in result.stderr
    assert path.read_text().startswith("# yaml-language-server: $schema=")  # header kept
    assert run("validate", "--strict", str(path)).exit_code == 0
    again = run("migrate", str(path), "--in-place")
    assert again.exit_code == 0 and "already in the current format" in again.stderr


def test_a_file_that_is_not_format_1_is_refused_where_it_is_wrong(tmp_path: Path) -> None:
    path = tmp_path / "thailand.yaml"
    text = (PROFILES / "format1" / "thailand.yaml").read_text()
    path.write_text(text.replace("summary:", "sumary:", 1).replace("level: 2", "level: 7", 1))
    result = run("migrate", str(path), "--in-place")
    assert result.exit_code == 1
    assert f"{path}:7:1: sumary: unknown key 'sumary'; did you mean 'summary'?" in result.stderr
    assert path.read_text() == text.replace("summary:", "sumary:", 1).replace(
        "level: 2", "level: 7", 1
    )
    path.write_text(text.replace("summary:", "summary:", 1).replace("level: 2", "level: 7", 1))
    result = run("migrate", str(path), "--in-place")
    assert result.exit_code == 1
    assert ":16:12: components.identification.level: after migrating to format 2:" in result.stderr
    path.write_text(text.replace("schema_version: 1", "schema_version: 9"))
    result = run("migrate", str(path))
    assert result.exit_code == 1 and "format 9 is not one this tool can migrate" in result.stderr


_chars = st.characters(codec="utf-8", exclude_categories=["Cs", "Cc"], include_characters="\n\t")
_scalar = st.one_of(
    st.text(_chars, max_size=150),
    st.integers(),
    st.floats(allow_nan=False),
    st.booleans(),
    st.none(),
    st.dates(min_value=dt.date(1900, 1, 1)),
)
_key = st.from_regex(r"[a-z][a-z0-9_-]{0,12}", fullmatch=True)
_value = st.recursive(
    _scalar,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_key, inner, max_size=4),
    max_leaves=12,
)


@pytest.mark.slow
@settings(max_examples=120)
@given(st.dictionaries(_key, _value, min_size=1, max_size=6))
def test_what_dump_writes_loads_back_unchanged(data: dict) -> None:
    assert yaml.safe_load(dump(data)) == data
