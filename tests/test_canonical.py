"""The canonical-source rule: copies of documents with an official home are warnings."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from aftercare_report import canonical, catalog
from aftercare_report.cli import cli
from aftercare_report.errors import InputError, Severity
from aftercare_report.loading import load_yaml

from .conftest import VALID

ECOI_TIP = """\
  tip-2020:
    title: "2020 Trafficking in Persons Report: Testland"
    publisher: U.S. Department of State
    year: 2020
    url: https://www.ecoi.net/en/document/2036286.html
"""


def _profile_with(tmp_path: Path, source: str) -> Path:
    """Testland with one more source in its registry, cited by its first claim."""
    text = VALID.read_text(encoding="utf-8")
    sid = source.split(":", 1)[0].strip()
    text = text.replace("sources:\n  report-2023:", f"sources:\n{source}  report-2023:", 1)
    text = text.replace("sources: [report-2023]", f"sources: [report-2023, {sid}]", 1)
    path = tmp_path / "testland.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _run(*args: str) -> object:
    return CliRunner().invoke(cli, ["validate", *args], catch_exceptions=False)


def test_a_tip_narrative_on_an_archive_is_a_warning_naming_state_gov(tmp_path: Path) -> None:
    path = _profile_with(tmp_path, ECOI_TIP)
    result = _run(str(path))
    line = next(n for n, t in enumerate(path.read_text().splitlines(), 1) if "ecoi.net" in t)
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    out = result.stdout  # type: ignore[attr-defined]
    assert f"testland.yaml:{line}:10: sources.tip-2020.url: warning: ecoi.net" in out
    assert "https://www.state.gov/reports/<year>-trafficking-in-persons-report/" in out
    assert _run("--strict", str(path)).exit_code == 1  # type: ignore[attr-defined]
    quiet = _run("--strict", "--ignore", "copy-source", str(path))
    assert quiet.exit_code == 0, quiet.output  # type: ignore[attr-defined]


def test_a_title_naming_a_tip_report_off_state_gov_is_a_warning(tmp_path: Path) -> None:
    blog = """\
  blog-tip:
    title: "US State Department releases 2025 Trafficking in Persons Report"
    publisher: A law firm
    year: 2025
    url: https://lawfirm.example/2025/10/06/tip-report/
"""
    result = _run(str(_profile_with(tmp_path, blog)))
    out = result.stdout  # type: ignore[attr-defined]
    assert "sources.blog-tip.url: warning: the title names US Trafficking in Persons" in out
    assert "not on their official home (state.gov)" in out


def test_the_original_on_its_official_home_is_not_a_warning(tmp_path: Path) -> None:
    original = ECOI_TIP.replace(
        "https://www.ecoi.net/en/document/2036286.html",
        "https://www.state.gov/reports/2020-trafficking-in-persons-report/india/",
    )
    result = _run("--strict", str(_profile_with(tmp_path, original)))
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    assert "copy-source" not in result.stdout and "0 warnings" in result.stdout  # type: ignore[attr-defined]
    assert "0 read through a copy, 0 marked copies" in result.stdout  # type: ignore[attr-defined]


READ_VIA = """  tip-2020:
    title: "2020 Trafficking in Persons Report: Testland"
    publisher: U.S. Department of State
    year: 2020
    url: https://www.state.gov/reports/2020-trafficking-in-persons-report/testland/
    read_via: https://www.ecoi.net/en/document/2036286.html
"""


def test_an_original_read_in_a_copy_is_counted_as_such_not_as_a_copy(tmp_path: Path) -> None:
    # The honest way to cite a state.gov narrative whose text was read on ecoi.net: the
    # original's address, and the copy a reader can check. No warning, and the statistics
    # keep it apart from the copies cited for want of an original.
    path = _profile_with(tmp_path, READ_VIA)
    doc = load_yaml(path)
    rules = canonical.bundled_rules()
    assert canonical.copy_warnings(doc, rules) == []
    counts = canonical.count_sources(doc, rules)
    assert (counts.read_via, counts.marked, counts.unmarked) == (1, 0, 0)
    assert counts.originals == counts.total - 1
    result = _run("--strict", str(path))
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    assert "1 read through a copy, 0 marked copies." in result.stdout  # type: ignore[attr-defined]


def test_a_copy_cited_as_the_url_still_warns_when_it_names_where_it_was_read(
    tmp_path: Path,
) -> None:
    wrong = ECOI_TIP + "    read_via: https://www.gvnet.com/humantrafficking/Testland.htm\n"
    doc = load_yaml(_profile_with(tmp_path, wrong))
    rules = canonical.bundled_rules()
    (finding,) = canonical.copy_warnings(doc, rules)
    assert "ecoi.net is one of the archives" in finding.message
    counts = canonical.count_sources(doc, rules)
    assert (counts.read_via, counts.unmarked) == (0, 1)


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (
            "    copy_of:\n      original: the state.gov page\n      reason: unreachable\n",
            "a source marked copy_of is the copy itself: keep one",
        ),
        ("", "read_via names the cited URL itself"),
    ],
)
def test_read_via_with_copy_of_or_naming_the_url_itself_is_an_error(
    tmp_path: Path, extra: str, message: str
) -> None:
    source = READ_VIA + extra
    if not extra:
        source = source.replace(
            "https://www.ecoi.net/en/document/2036286.html",
            "https://www.state.gov/reports/2020-trafficking-in-persons-report/testland/",
        )
    result = _run(str(_profile_with(tmp_path, source)))
    out = result.stdout  # type: ignore[attr-defined]
    assert result.exit_code == 1, out  # type: ignore[attr-defined]
    assert "sources.tip-2020.read_via: " in out and message in out


def test_a_source_marked_copy_of_is_not_a_warning(tmp_path: Path) -> None:
    marked = ECOI_TIP + (
        "    copy_of:\n"
        "      original: 2020 TIP narrative on state.gov\n"
        "      reason: the state.gov page could not be reached\n"
    )
    doc = load_yaml(_profile_with(tmp_path, marked))
    assert canonical.copy_warnings(doc, canonical.bundled_rules()) == []
    unmarked = load_yaml(_profile_with(tmp_path, ECOI_TIP))
    (finding,) = canonical.copy_warnings(unmarked, canonical.bundled_rules())
    assert finding.severity is Severity.WARNING and finding.code == "copy-source"


def test_a_team_adds_copy_hosts_in_the_project_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    mirror = """\
  gazette:
    title: Testland Aftercare Act 2019
    publisher: Parliament of Testland
    year: 2019
    url: https://lawmirror.example/acts/aftercare-2019
"""
    path = _profile_with(tmp_path, mirror)
    assert "lawmirror" not in _run(str(path)).stdout  # type: ignore[attr-defined]
    (tmp_path / "aftercare-report.toml").write_text(
        "[validate.copy_hosts]\n"
        '"lawmirror.example" = "the official gazette, gazette.testland.gov"\n'
    )
    monkeypatch.chdir(tmp_path)
    out = _run(str(path)).stdout  # type: ignore[attr-defined]
    assert "lawmirror.example is one of the hosts your project file names" in out
    assert "sources.gazette.url: warning: lawmirror.example" in out
    assert "cite the original, the official gazette, gazette.testland.gov" in out


def test_a_copy_host_that_is_not_a_host_name_is_a_located_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "aftercare-report.toml").write_text(
        '[validate]\nignore = []\n\n[validate.copy_hosts]\n"https://x y" = "nothing"\n'
    )
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["validate", str(VALID)])
    assert result.exit_code == 1
    assert "aftercare-report.toml" in result.output and "copy_hosts" in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    ("url", "host", "expected"),
    [
        ("https://www.refworld.org/docid/1.html", "refworld.org", True),
        ("https://refworld.org/docid/1.html", "refworld.org", True),
        ("https://notrefworld.org/docid/1.html", "refworld.org", False),
        ("https://www.dailymail.co.uk/wires/aap/article-1.html", "dailymail.co.uk/wires", True),
        ("https://www.dailymail.co.uk/news/article-1.html", "dailymail.co.uk/wires", False),
        ("https://WWW.ECOI.NET./en/document/1.html", "ecoi.net", True),
    ],
)
def test_hosts_match_themselves_their_subdomains_and_path_prefixes(
    url: str, host: str, expected: bool
) -> None:
    assert canonical.on_host(url, host) is expected


def test_a_rules_file_naming_an_unknown_document_type_is_a_located_error(tmp_path: Path) -> None:
    bad = tmp_path / "rules.yaml"
    bad.write_text(
        "schema_version: 1\n"
        "documents:\n  tip:\n    name: TIP\n    original: state.gov\n"
        "copies:\n  - what: archives\n    hosts: [ecoi.net]\n    holds: [tpi]\n"
    )
    with pytest.raises(InputError) as err:
        canonical.load_rules(bad)
    (finding,) = err.value.findings
    assert finding.line == 9 and "'tpi' is not a document type" in finding.message


def test_the_bundled_rules_load_and_name_an_original_for_every_copy_host() -> None:
    rules = canonical.bundled_rules()
    assert rules.copies and all(c.what for c in rules.copies)
    for copy in rules.copies:
        message = canonical.problem(f"https://{copy.host}/x", "", rules)
        assert message is not None and "cite the original" in message


def test_the_bundled_profiles_cite_no_unmarked_copy_and_at_most_five_percent_marked() -> None:
    # The project's own promise (issue 20): a press office finds no copy passed off as an original,
    # and copies kept because no original could be reached stay rare.
    rules = canonical.bundled_rules()
    counts = canonical.SourceCounts()
    for path in catalog.profile_files([Path(__file__).resolve().parent.parent / "profiles"]):
        doc = load_yaml(path)
        assert canonical.copy_warnings(doc, rules) == [], path.name
        counts += canonical.count_sources(doc, rules)
    assert counts.total > 100 and counts.unmarked == 0
    assert counts.marked <= 0.05 * counts.total, f"{counts.marked} of {counts.total} are copies"


def test_briefs_say_where_an_original_was_read_and_the_json_carries_it(tmp_path: Path) -> None:
    # A reader who checks a claim must find the text that was read: the source list names
    # the copy's host and address beside the original's, in every format.
    path = _profile_with(tmp_path, READ_VIA)
    out = tmp_path / "out"
    args = ["build", str(path), "--format", "html,md,json", "--out", str(out)]
    result = CliRunner().invoke(cli, args, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    html = (out / "testland.html").read_text(encoding="utf-8")
    copy = "https://www.ecoi.net/en/document/2036286.html"
    assert f'Read in a copy at ecoi.net: <a class="endnotes__url" href="{copy}">' in html
    md = (out / "testland.md").read_text(encoding="utf-8")
    assert f"Read in a copy at ecoi.net: [{copy}](<{copy}>)." in md.replace("\\", "")
    data = json.loads((out / "testland.json").read_text(encoding="utf-8"))
    assert data["sources"]["tip-2020"]["read_via"] == copy
