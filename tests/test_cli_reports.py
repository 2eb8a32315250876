"""The ``gaps`` and ``list`` commands, and the JSON they print, through click's CliRunner."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rich.console import Console

from aftercare_report import catalog, console
from aftercare_report.cli import cli
from aftercare_report.export import report_json
from aftercare_report.model import Profile
from aftercare_report.report import analyse

from .conftest import TESTS, VALID
from .test_assess import COMPONENT_IDS, LEVELS, with_levels

FW = catalog.load_framework()
FAST = settings(max_examples=20, deadline=1000, suppress_health_check=[HealthCheck.too_slow])
ANSI = re.compile(r"\x1b\[[0-9;]*m")
BUNDLED = ["india", "nigeria", "thailand", "united-kingdom", "united-states"]


def run(*args: str, columns: int = 80) -> Result:
    return CliRunner().invoke(
        cli, list(args), env={"COLUMNS": str(columns)}, catch_exceptions=False
    )


def run_json(*args: str) -> Any:
    result = run(*args, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def plain(result: Result) -> str:
    """Standard output without colour codes (present if FORCE_COLOR is set)."""
    return ANSI.sub("", result.stdout)


def widest(text: str) -> int:
    return max(len(ANSI.sub("", line)) for line in text.splitlines())


@pytest.fixture(autouse=True)
def no_project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Run from an empty folder, so no aftercare-report.toml up the tree changes the inputs."""
    monkeypatch.chdir(tmp_path)


@pytest.fixture
def terminal(monkeypatch: pytest.MonkeyPatch) -> Any:
    """Give the command a terminal of a set width.

    Rich reads COLUMNS live only if it was unset when ``console.stdout`` was created; once a
    Console is built under COLUMNS, its width is fixed. Which test imports ``console`` first is
    up to test order, so the width is set on a fresh Console built like the module's.
    """

    def width(columns: int) -> None:
        monkeypatch.setattr(console, "stdout", Console(highlight=False, width=columns))

    return width


# --- gaps -----------------------------------------------------------------------------------


def test_gaps_prints_index_components_actions_and_unknowns() -> None:
    result = run("gaps", "thailand")
    assert result.exit_code == 0, result.output
    out = plain(result)
    assert "Aftercare index 41.4 (range 41.4-53.7), band C · evidence covers 88%" in out
    assert "TIP report: Tier 2 (2025)" in out
    assert "held at" not in out and "lowered" not in out  # no cap changed Thailand's band
    assert re.search(r"Component\s+Lvl\s+Tgt\s+Gap\s+Sev\s+Meets the target", out)
    assert "Non-punishment of survivors" in out
    assert "What to do first" in out and "What we do not know" in out
    assert out.index("What to do first") < out.index("What we do not know")
    assert result.stderr == ""


def test_gaps_fits_80_columns(terminal: Any) -> None:
    terminal(80)
    result = run("gaps", "thailand", columns=80)
    assert result.exit_code == 0
    assert widest(result.stdout) <= 80
    # Not vacuous: on a wider terminal the same output has longer lines.
    terminal(120)
    assert widest(run("gaps", "thailand", columns=120).stdout) > 80


def test_gaps_json_has_the_documented_shape() -> None:
    data = run_json("gaps", "thailand")
    assert {
        "schema_version",
        "country",
        "index",
        "anchors",
        "components",
        "risks",
        "timeline",
        "recommendations",
        "data_gaps",
        "key_messages",
    } <= set(data)
    assert (data["schema_version"], data["country"]) == (4, "Thailand")
    assert data["index"] == {
        "value": 41.4,
        "range": [41.4, 53.7],
        "coverage": 0.877,
        "ranked": True,
        "band": "C",
        "band_label": "Partial",
        "uncapped_band": "C",
        "caps": [],
    }
    assert data["anchors"]["tip_tier"]["value"] == "Tier 2"
    assert data["anchors"]["gsi_government_response"]["score"] == 55
    assert {f["form"] for f in data["key_figures"].values()} <= {
        "sex",
        "labour",
        "all",
        "unspecified",
    }
    assert [c["id"] for c in data["components"]] == COMPONENT_IDS
    for component in data["components"]:
        assert {"id", "level", "target", "gap", "severity", "peer", "applicable"} <= set(component)
    recs = data["recommendations"]
    assert recs and 1 <= sum(r["headline"] for r in recs) <= 5
    for rec in recs:
        assert {"text", "institution", "institution_name", "horizon", "priority"} <= set(rec)
        assert {"component", "standard", "binding", "indicator", "headline"} <= set(rec)
        assert {"clause", "uncertain", "variant", "by", "year", "directed_to"} <= set(rec)
        assert rec["priority"] == "high" if rec["headline"] else rec["priority"] != "high"
    assert data["risks"] and data["data_gaps"] and data["key_messages"]
    assert data["peers"] == [slug for slug in BUNDLED if slug != "thailand"]


@pytest.mark.parametrize("name", ["thailand", "tha", "THA", "Thailand"])
def test_gaps_resolves_slug_iso3_and_name(name: str) -> None:
    data = run_json("gaps", name)
    assert (data["slug"], data["country"]) == ("thailand", "Thailand")


def test_gaps_typo_suggests_the_country_on_stderr() -> None:
    result = run("gaps", "thailnd")
    assert result.exit_code == 1
    assert "did you mean 'thailand'" in result.stderr
    assert result.stdout == ""
    assert "Traceback" not in result.output


def test_peers_narrow_the_comparison() -> None:
    data = run_json("gaps", "thailand", "--peers", "united-kingdom")
    assert data["peers"] == ["united-kingdom"]
    peers = {c["peer"]["slug"] for c in data["components"] if c["peer"]}
    assert peers == {"united-kingdom"}


def test_peers_allow_a_space_after_the_comma() -> None:
    result = run("gaps", "thailand", "--peers", "united-kingdom, india", "--json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["peers"] == ["india", "united-kingdom"]


def test_gaps_accepts_a_profile_path(monkeypatch: pytest.MonkeyPatch) -> None:
    data = run_json("gaps", str(VALID))
    assert (data["slug"], data["index"]["value"], data["index"]["band"]) == ("testland", 33.6, "D")
    assert data["peers"] == BUNDLED
    monkeypatch.chdir(TESTS.parent)
    result = run("gaps", "tests/profiles/valid/testland.yaml")
    assert result.exit_code == 0, result.output
    assert plain(result).startswith("Testland · as of 2024-06-30\nAftercare index 33.6")


def test_a_file_named_like_a_country_does_not_stand_in_for_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Security review 12a, L5: `gaps thailand` read a planted ./thailand (another country's
    # numbers under Thailand's name) in place of the project's Thailand profile.
    (tmp_path / "thailand").write_text(VALID.read_text(encoding="utf-8"), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = run("gaps", "thailand")
    assert result.exit_code == 1
    assert "thailand: names both a country and a file here; write ./thailand" in result.stderr
    assert result.stdout == ""
    data = run_json("gaps", "./thailand")
    assert (data["country"], data["index"]["value"]) == ("Testland", 33.6)


# --- list -----------------------------------------------------------------------------------


def test_list_prints_one_row_per_profile(terminal: Any) -> None:
    terminal(80)
    result = run("list")
    assert result.exit_code == 0, result.output
    lines = plain(result).splitlines()
    rule = next(i for i, line in enumerate(lines) if set(line.strip()) == {"─"})
    # Long cells wrap onto indented continuation lines; a row starts at column 0.
    rows = [line for line in lines[rule + 1 :] if line and line[0] in "0123456789—"]
    assert len(rows) == 5
    # The rank is not an order: the only orders the evidence supports are said below the table.
    assert "Orders that hold: United Kingdom above Nigeria, India." in plain(result)
    # Only the UK is above Nigeria and India whatever the unknowns are.
    assert [row.split()[0] for row in rows] == ["1", "1", "1", "2", "2"]
    assert [re.split(r"\s{2,}", row)[1:3] for row in rows] == [
        ["United Kingdom", "48.1"],
        ["United States", "43.8"],
        ["Thailand", "41.4"],
        ["Nigeria", "36.4"],
        ["India", "30.9"],
    ]
    assert widest(result.stdout) <= 80


def test_list_json_is_sorted_by_index_descending() -> None:
    rows = run_json("list")
    assert isinstance(rows, list) and len(rows) == 5
    for row in rows:
        assert {"slug", "country", "rank", "index", "range", "coverage", "ranked"} <= set(row)
        assert {"tip_tier", "tip_year", "gsi", "gsi_score", "gsi_year"} <= set(row)
        assert row["gsi"] in ("unknown", "not_rated") or row["gsi"].endswith("/100")
    assert sorted(row["slug"] for row in rows) == BUNDLED
    indexes = [row["index"] for row in rows]
    assert indexes == sorted(indexes, reverse=True)
    assert rows[0]["slug"] == "united-kingdom"


def test_list_sort_country_is_alphabetical() -> None:
    rows = run_json("list", "--sort", "country")
    countries = [row["country"] for row in rows]
    assert countries == sorted(countries)
    assert countries[0] == "India" and countries[-1] == "United States"


# --- JSON is reproducible -------------------------------------------------------------------


@pytest.mark.slow
@FAST
@given(st.fixed_dictionaries({cid: st.sampled_from(LEVELS) for cid in COMPONENT_IDS}))
def test_same_input_gives_byte_identical_json(
    testland: Profile, bundled: dict[str, Profile], levels: dict[str, int | str]
) -> None:
    profiles = [with_levels(testland, levels), *bundled.values()]

    def dumps() -> list[str]:
        return [json.dumps(report_json(r), sort_keys=False) for r in analyse(profiles, FW)]

    first = dumps()
    (report, *_) = analyse(profiles, FW)
    assert json.dumps(report_json(report)) == json.dumps(report_json(report)) == first[0]
    assert dumps() == first


def test_printed_lines_escape_controls_but_keep_every_script() -> None:
    from aftercare_report.errors import printable

    assert printable("T\n::error::x\x1b[2J\u202e") == "T\\n::error::x\\x1b[2J\\u202e"
    assert (
        printable("क्\u200dष Côte\u00a0d'Ivoire ประเทศไทย")
        == "क्\u200dष Côte\u00a0d'Ivoire ประเทศไทย"
    )
