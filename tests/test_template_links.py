"""Links a team's templates write that read as one host and go to another: build warnings."""

from __future__ import annotations

from pathlib import Path

import pytest

from aftercare_report import template_links

from .conftest import run_in, team_project

APPLE = "\u0430\u0440\u0440\u04cf\u0435"  # Cyrillic letters that read "apple"
CLOSING = """\
{% extends "default:country.html" %}
{% block closing %}{{ super() }}
<p><a href="https://xn--80ak6aa92e.com/">Our partner</a></p>
<p>See <a href="https://evil.example/state">https://www.state.gov/reports/2024</a>.</p>
{% endblock %}
"""


run = run_in


@pytest.fixture
def team(tmp_path: Path) -> Path:
    return team_project(tmp_path, {"country.html": CLOSING})


def test_a_template_link_that_reads_as_another_host_is_a_warning_at_its_line(
    team: Path,
) -> None:
    # Security review 13b, F4: both built without a word; the same host in a profile is a
    # validate warning.
    built = run(team, "build", "--format", "html")
    assert built.exit_code == 0, built.output
    output = " ".join(built.output.split())
    assert f"warning: templates/country.html:3: the host name part '{APPLE}'" in output
    assert (
        "warning: templates/country.html:4: the text names state.gov but the link goes to "
        "evil.example"
    ) in output
    strict = run(team, "build", "--format", "html", "--strict", "--out", "strict")
    assert strict.exit_code == 1 and "warnings are errors with --strict" in strict.output
    assert not (team / "strict").exists()


@pytest.mark.parametrize(
    "text",
    [
        '<a href="https://www.state.gov/reports/">state.gov</a>',  # the same site
        '<a href="https://2017-2021.state.gov/x">www.state.gov</a>',  # one of its sites
        '<a href="https://www.unodc.org/r.pdf">report.pdf</a>',  # a file's name
        '<a href="https://www.unodc.org/">UNODC, Global Report 2024</a>',  # words
        '<a href="{{ source.url }}">{{ source.url }}</a>',  # the profile's, which validate checks
        "[UNODC](https://www.unodc.org/) and [www.unodc.org](https://www.unodc.org/x)",
    ],
)
def test_links_that_go_where_they_read_pass(text: str, tmp_path: Path) -> None:
    (tmp_path / "page.html").write_text(text)
    assert template_links.findings([tmp_path]) == []


@pytest.mark.parametrize(
    ("text", "code"),
    [
        (f"<img src='https://{APPLE}.com/logo.png'>", "look-alike"),
        ("[www.state.gov](https://evil.example/x)", "link-text"),
        ("![logo](https://xn--80ak6aa92e.com/x.png)", "look-alike"),
        ("<a href=https://evil.example>gov.uk</a>", "link-text"),
        ('<a href="https://evil.example" class="x">\n  https://www.gov.uk/  \n</a>', "link-text"),
        # Every name outside ASCII, as in a profile: a list of look-alikes is never complete.
        ('<a href="https://münchen.de/">Munich</a>', "look-alike"),
    ],
)
def test_each_form_of_link_is_read(text: str, code: str, tmp_path: Path) -> None:
    (tmp_path / "page.md").write_text(f"intro\n{text}\n")
    (found,) = template_links.findings([tmp_path])
    assert (found.path.endswith("page.md"), found.line, found.code) == (True, 2, code)


def test_twenty_links_are_named_and_the_rest_counted(tmp_path: Path) -> None:
    (tmp_path / "page.html").write_text('<a href="https://evil.example">gov.uk</a>\n' * 50)
    found = template_links.findings([tmp_path])
    assert [f.line for f in found[:20]] == list(range(1, 21))
    assert found[20].message.startswith("and 30 more such links in the team's templates")
    assert len(found) == 21


def test_unclosed_attributes_are_read_in_linear_time(tmp_path: Path) -> None:
    # Every scan is bounded per match: 1 MB of open quotes and anchors is read once.
    (tmp_path / "page.html").write_text('<a href="https://x' * 50_000 + "<a href=x>" * 50_000)
    assert template_links.findings([tmp_path]) == []


def test_validate_strict_fails_on_them_as_ci_runs_it(team: Path) -> None:
    # Security review 17a, L1: the workflow builds without --strict, so the build's warning
    # left CI green; CI's validate --strict now fails.
    result = run(team, "validate", "--strict", "--format", "github")
    assert result.exit_code == 1
    warned = [line for line in result.stdout.splitlines() if line.startswith("::warning")]
    assert any("templates/country.html,line=4," in line and "state.gov" in line for line in warned)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        # Security review 19a, M2: template syntax in a link skipped both checks.
        ("<a href=\"https://evil.example/\">https://www.state.gov/x{{ '' }}</a>", "link-text"),
        (f"<a href=\"https://{APPLE}.com/{{{{ '' }}}}\">Apple</a>", "look-alike"),
        ('<a href="https://evil.example/"><span>https://www.state.gov/</span></a>', "link-text"),
        ('<a href="https://evil.example/">{{ "https://www.state.gov/x" }}</a>', "link-text"),
        # 19a, M3: a right-to-left override shows /vog.etats.www//:sptth as state.gov's address.
        ('<a href="https://evil.example/">\u202e/vog.etats.www//:sptth\u202c</a>', "bidi-control"),
    ],
)
def test_links_are_read_as_a_reader_sees_them(text: str, code: str, tmp_path: Path) -> None:
    (tmp_path / "page.html").write_text(f"intro\n{text}\n")
    found = template_links.findings([tmp_path])
    assert code in {f.code for f in found}, found


def test_a_project_file_alone_cannot_silence_the_link_text_warning(team: Path) -> None:
    # Security review 19a, M1: `ignore = ["link-text"]` made CI's validate --strict pass.
    config = team / "aftercare-report.toml"
    config.write_text(config.read_text() + '[validate]\nignore = ["link-text"]\n')
    result = run(team, "validate", "--strict")
    assert result.exit_code == 1 and "--allow ignore=link-text" in result.output
