"""Published briefs are inert: active content from templates is refused, a CSP is always there."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from aftercare_report.cli import cli
from aftercare_report.inert import CSP, problems, with_csp

ACTIVE = {
    "script": "<script>alert(1)</script>",
    "handler": '<img src="data:image/png;base64,AA" onerror="alert(1)">',
    "javascript link": '<a href="javascript:alert(1)">x</a>',
    "hidden javascript": '<a href=" java\tscript:alert(1)">x</a>',
    "vbscript link": '<a href="vbscript:x">x</a>',
    "file link": '<a href="file:///etc/passwd">x</a>',
    "meta refresh": '<meta http-equiv="Refresh" content="0; url=https://evil.example">',
    "tracking pixel": '<img src="https://evil.example/p.gif">',
    "remote css": '<link rel="stylesheet" href="//evil.example/a.css">',
    "iframe": '<iframe src="http://evil.example"></iframe>',
    "srcset": '<img src="data:," srcset="https://evil.example/a.png 2x">',
}


@pytest.mark.parametrize("html", ACTIVE.values(), ids=ACTIVE.keys())
def test_active_content_is_found(html: str) -> None:
    assert problems(f"<p>\n{html}</p>"), html


@pytest.mark.parametrize(
    "html",
    [
        '<a href="https://example.org/report">a source</a>',
        '<a href="mailto:team@example.org">mail</a>',
        '<a href="#content">skip</a>',
        '<img src="data:image/png;base64,AA" alt="">',
        "<p>&lt;script&gt;alert(1)&lt;/script&gt; onload=x javascript:x</p>",
    ],
)
def test_plain_briefs_pass(html: str) -> None:
    assert problems(html) == []


def test_allow_scripts_lets_scripts_but_not_remote_loads() -> None:
    html = '<script>x()</script><a onclick="x()">a</a><img src="https://e.example/p.gif">'
    (only,) = problems(html, allow_scripts=True)
    assert "remote resource" in only


def test_csp_comes_first_in_the_head() -> None:
    html = with_csp("<html><head><title>x</title></head></html>")
    assert html.index("Content-Security-Policy") < html.index("<title>")
    assert CSP in html and "script-src" not in html


def build(tmp_path: Path, template: str, config: str = "", allow: tuple[str, ...] = ()) -> object:
    folder = tmp_path / "tpl"
    folder.mkdir()
    (folder / "country.html").write_text(
        '{% extends "default:country.html" %}{% block head %}' + template + "{% endblock %}"
    )
    project = tmp_path / "project"
    project.mkdir()
    (project / "aftercare-report.toml").write_text(config)
    args = ["--config", str(project / "aftercare-report.toml"), "build", "thailand"]
    args += ["--format", "html", "--templates", str(folder), "--out", str(tmp_path / "out")]
    return CliRunner().invoke(cli, [*args, *allow])


def test_the_html_brief_carries_the_policy(tmp_path: Path) -> None:
    result = build(tmp_path, "")
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    html = (tmp_path / "out" / "thailand.html").read_text()
    assert f'<meta http-equiv="Content-Security-Policy" content="{CSP}">' in html


def test_a_template_with_a_script_fails_the_build_with_its_name(tmp_path: Path) -> None:
    result = build(tmp_path, "<script>steal()</script>")
    assert result.exit_code == 1  # type: ignore[attr-defined]
    message = result.stderr  # type: ignore[attr-defined]
    assert "country.html: active content" in message and "<script> is refused" in message
    assert "allow_scripts" in message
    assert not (tmp_path / "out" / "thailand.html").exists()


def test_the_switch_allows_scripts(tmp_path: Path) -> None:
    allow = ("--allow", "allow_scripts")
    result = build(tmp_path, "<script>ok()</script>", "[security]\nallow_scripts = true\n", allow)
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    html = (tmp_path / "out" / "thailand.html").read_text()
    assert "<script>ok()</script>" in html and "script-src 'unsafe-inline'" in html


@pytest.mark.slow
def test_a_javascript_link_never_reaches_the_pdf(tmp_path: Path) -> None:
    folder = tmp_path / "tpl"
    folder.mkdir()
    (folder / "country.html").write_text(
        '{% extends "default:country.html" %}{% block closing %}'
        '<a href="javascript:alert(1)">click</a>{{ super() }}{% endblock %}'
    )
    args = ["build", "thailand", "--format", "pdf", "--templates", str(folder)]
    result = CliRunner().invoke(cli, [*args, "--out", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert "javascript: link in <a href> is refused" in result.stderr
    assert not (tmp_path / "out" / "thailand.pdf").exists()


@pytest.mark.slow
def test_the_switch_never_lets_scripts_into_the_pdf(tmp_path: Path) -> None:
    allow = ("--allow", "allow_scripts")
    config = "[security]\nallow_scripts = true\n"
    result = build(tmp_path, '<a href="javascript:x()">x</a>', config, allow)
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    project = tmp_path / "project" / "aftercare-report.toml"
    args = ["--config", str(project), *allow, "build", "thailand", "--format", "pdf"]
    args += ["--templates", str(tmp_path / "tpl"), "--out", str(tmp_path / "out")]
    refused = CliRunner().invoke(cli, args)
    assert refused.exit_code == 1 and "javascript: link" in refused.stderr
