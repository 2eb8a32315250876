"""Published briefs are inert by construction: the bundled head carries the policy, nothing can
come before it, and whatever a template writes is read as a browser reads it (issue 23, item 1).
"""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest
from click.testing import CliRunner

from aftercare_report import markdown
from aftercare_report.cli import cli
from aftercare_report.inert import CSP, csp_meta, problems
from aftercare_report.outputs import FORMATS

from .hostile import Payload, html_payloads

PAYLOADS = html_payloads()
REFUSED = [p for p in PAYLOADS if p.refused]
ACCEPTED = [p for p in PAYLOADS if not p.refused]


def document(body: str, *, allow_scripts: bool = False) -> str:
    """A page as the bundled head begins it, with ``body`` in its body."""
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"{csp_meta(allow_scripts=allow_scripts)}\n<title>t</title>\n</head>\n<body>\n"
        f"{body}\n</body>\n</html>\n"
    )


def print_check(html: str) -> list[str]:
    """The check the PDF and Word formats declare, whatever function that is."""
    module, _, name = FORMATS["pdf"].check.partition(":")
    found: list[str] = getattr(importlib.import_module(module), name)(html)
    return found


def test_the_payload_list_covers_the_review() -> None:
    names = {p.name for p in PAYLOADS}
    review = {
        "svg-style-img",
        "comment-abrupt",
        "comment-bang-end",
        "cdata-in-html",
        "svg-animate-href",
        "svg-set-href",
        "iframe-srcdoc",
        "object-data",
        "a-ping",
        "style-attribute-url",
        "table-background",
        "feimage-href",
        "style-import-url",
        "data-html-link",
    }
    assert review <= names and len(REFUSED) >= 80 and ACCEPTED


@pytest.mark.parametrize("payload", REFUSED, ids=[p.name for p in REFUSED])
def test_every_hostile_payload_is_refused(payload: Payload) -> None:
    assert problems(document(payload.filled())), payload.html


@pytest.mark.parametrize("payload", REFUSED, ids=[p.name for p in REFUSED])
def test_every_hostile_payload_is_refused_in_the_html_the_pdf_is_made_from(
    payload: Payload,
) -> None:
    assert print_check(document(payload.filled())), payload.html


@pytest.mark.parametrize("payload", REFUSED, ids=[p.name for p in REFUSED])
def test_every_hostile_payload_is_refused_as_raw_html_in_markdown(payload: Payload) -> None:
    assert markdown.problems(f"# A brief\n\nSome text.\n\n{payload.filled()}\n"), payload.html


@pytest.mark.parametrize("payload", ACCEPTED, ids=[p.name for p in ACCEPTED])
def test_markup_that_only_looks_active_passes(payload: Payload) -> None:
    assert problems(document(payload.filled())) == []


@pytest.mark.parametrize(
    "html",
    [
        '<a href="https://example.org/report">a source</a>',
        '<a href="mailto:team@example.org">mail</a>',
        '<a href="#content">skip</a>',
        '<img src="data:image/png;base64,AA" alt="">',
        "<p>&lt;script&gt;alert(1)&lt;/script&gt; onload=x javascript:x</p>",
        '<p style="color: red; --primary: #123456">x</p>',
        '<svg viewBox="0 0 10 10"><rect width="10" height="10" fill="url(#hatch)"/></svg>',
    ],
)
def test_plain_briefs_pass(html: str) -> None:
    assert problems(document(html)) == []


def test_problems_name_their_line() -> None:
    found = problems(document("<p>a</p>\n<p>b</p>\n<iframe></iframe>"))
    assert found == [found[0]] and found[0].startswith("line 11: <iframe> is refused")


def test_allow_scripts_lets_scripts_but_not_remote_loads() -> None:
    html = '<script>x()</script><a onclick="x()">a</a><img src="https://e.example/p.gif">'
    (only,) = problems(document(html, allow_scripts=True), allow_scripts=True)
    assert "remote load" in only


def test_allow_scripts_never_lets_scripts_into_the_print_html() -> None:
    html = document("<script>x()</script>", allow_scripts=True)
    assert print_check(html)


def test_the_policy_must_open_the_head() -> None:
    bare = document("<p>x</p>").replace(csp_meta() + "\n", "")
    assert any("must begin with the bundled head" in p for p in problems(bare))
    late = bare.replace("</title>", "</title>" + csp_meta())
    assert problems(late), "a policy after another element is too late"
    weaker = document("<p>x</p>").replace("default-src 'none'", "default-src *")
    assert problems(weaker)
    assert problems("x" + document("<p>x</p>")), "text before the doctype moves the head"


def build(tmp_path: Path, template: str, config: str = "", allow: tuple[str, ...] = ()) -> object:
    folder = tmp_path / "tpl"
    folder.mkdir()
    (folder / "country.html").write_text(
        '{% extends "default:country.html" %}{% block head %}' + template + "{% endblock %}"
    )
    return _run(tmp_path, folder, config, allow)


def _run(tmp_path: Path, folder: Path, config: str = "", allow: tuple[str, ...] = ()) -> object:
    project = tmp_path / "project"
    project.mkdir(exist_ok=True)
    (project / "aftercare-report.toml").write_text(config)
    args = ["--config", str(project / "aftercare-report.toml"), "build", "thailand"]
    args += ["--format", "html", "--templates", str(folder), "--out", str(tmp_path / "out")]
    return CliRunner().invoke(cli, [*args, *allow])


def test_the_html_brief_carries_the_policy_first_in_its_head(tmp_path: Path) -> None:
    import tinyhtml5

    result = build(tmp_path, "")
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    html = (tmp_path / "out" / "thailand.html").read_text()
    head = tinyhtml5.parse(html).find("{http://www.w3.org/1999/xhtml}head")
    first, second = list(head)[:2]
    assert first.attrib == {"charset": "utf-8"}
    assert second.attrib == {"http-equiv": "Content-Security-Policy", "content": CSP}


@pytest.mark.parametrize(
    "before",
    ["<!--<head>-->", "<!--", "<head>", "x", "<!DOCTYPE html><html><head><title>t</title>"],
)
@pytest.mark.slow  # seconds of work: the fast set stays under a minute
def test_nothing_a_template_writes_can_come_before_the_policy(tmp_path: Path, before: str) -> None:
    folder = tmp_path / "tpl"
    folder.mkdir()
    (folder / "country.html").write_text(before + '{% extends "default:country.html" %}')
    result = _run(tmp_path, folder)
    assert result.exit_code == 1  # type: ignore[attr-defined]
    assert "must begin with the bundled head" in result.stderr  # type: ignore[attr-defined]
    assert not (tmp_path / "out" / "thailand.html").exists()


@pytest.mark.slow  # seconds of work: the fast set stays under a minute
def test_a_team_base_without_the_policy_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "tpl"
    folder.mkdir()
    base = Path(__file__).parent.parent / "templates" / "base.html"
    (folder / "base.html").write_text(base.read_text().replace("{{ security_policy }}", ""))
    result = _run(tmp_path, folder)
    assert result.exit_code == 1  # type: ignore[attr-defined]
    assert "{{ security_policy }}" in result.stderr  # type: ignore[attr-defined]


def test_a_template_with_a_script_fails_the_build_with_its_name(tmp_path: Path) -> None:
    result = build(tmp_path, "<script>steal()</script>")
    assert result.exit_code == 1  # type: ignore[attr-defined]
    message = result.stderr  # type: ignore[attr-defined]
    assert "country.html: active content" in message and "<script> is refused" in message
    assert "allow_scripts" in message
    assert not (tmp_path / "out" / "thailand.html").exists()


def test_the_switch_is_suggested_only_when_it_would_let_the_brief_through(
    tmp_path: Path,
) -> None:
    # A remote stylesheet is refused with scripts allowed too: naming the switch would mislead.
    result = build(tmp_path, '<script>ok()</script><link rel="stylesheet" href="https://x.test/a">')
    assert result.exit_code == 1  # type: ignore[attr-defined]
    message = result.stderr  # type: ignore[attr-defined]
    assert "active content" in message and "allow_scripts" not in message


@pytest.mark.slow  # seconds of work: the fast set stays under a minute
def test_the_switch_allows_scripts(tmp_path: Path) -> None:
    allow = ("--allow", "allow_scripts")
    result = build(tmp_path, "<script>ok()</script>", "[security]\nallow_scripts = true\n", allow)
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    html = (tmp_path / "out" / "thailand.html").read_text()
    assert "<script>ok()</script>" in html and "script-src 'unsafe-inline'" in html


@pytest.mark.slow  # seconds of work: the fast set stays under a minute
def test_a_template_image_is_inlined_and_a_lookalike_in_a_comment_is_left(tmp_path: Path) -> None:
    folder = tmp_path / "tpl"
    folder.mkdir()
    (folder / "dot.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    (folder / "country.html").write_text(
        '{% extends "default:country.html" %}{% block masthead %}{{ super() }}'
        '<!-- <img src="dot.png"> --><img alt="" src="dot.png">{% endblock %}'
    )
    result = _run(tmp_path, folder)
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    html = (tmp_path / "out" / "thailand.html").read_text()
    assert '<!-- <img src="dot.png"> -->' in html
    assert '<img alt="" src="data:image/png;base64,iVBORw0KGgo=">' in html


def test_an_image_tag_in_capitals_is_inlined_too(tmp_path: Path) -> None:
    # Pages are searched for "<img" before they are read tag by tag: in any case of letters.
    from aftercare_report import assets

    (tmp_path / "dot.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    page = '<p>no image here</p><IMG alt="" SRC="dot.png"><iMg src=dot.png>'
    out = assets.inline_images(page, tmp_path, "country.html", 1000)
    assert out.count('"data:image/png;base64,iVBORw0KGgo="') == 2
    assert assets.inline_images("<p>imgs: none</p>", tmp_path, "country.html", 1000) == (
        "<p>imgs: none</p>"
    )


@pytest.mark.slow
def test_a_javascript_link_never_reaches_the_pdf(tmp_path: Path) -> None:
    folder = tmp_path / "tpl"
    folder.mkdir()
    (folder / "country.html").write_text(
        '{% extends "default:country.html" %}{% block masthead %}'
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


@pytest.mark.parametrize(
    ("link", "refused"),
    [
        ('<link rel="alternate" hreflang="fr" href="../fr/thailand.html">', False),
        ('<link rel="stylesheet" href="brief.css">', True),
        ('<link rel="alternate stylesheet" href="brief.css">', True),
        ('<link rel="preload" href="https://evil.example/x">', True),
        ('<link href="../fr/thailand.html">', True),
        ('<link rel="alternate" href="javascript:alert(1)">', True),
    ],
)
def test_a_link_element_is_only_the_brief_in_another_language(link: str, refused: bool) -> None:
    from aftercare_report import inert

    page = (
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">{inert.csp_meta()}'
        f"<title>t</title>{link}</head><body><p>x</p></body></html>"
    )
    assert bool(inert.problems(page)) is refused, inert.problems(page)


def test_docs_list_every_element_a_template_may_write() -> None:
    from aftercare_report import inert

    doc = (Path(__file__).parent.parent / "docs" / "templates.md").read_text()
    section = doc[doc.index("**What a template may write.**") :].split("\n\n", 2)[1]
    words = set(section.replace("`", " ").replace("-", " ").lower().split())
    headings = {f"h{n}" for n in range(2, 6)}  # written h1-h6
    missing = {n for n in inert._HTML if n not in words and n not in headings and n != "script"}
    missing |= {n for n in inert._SVG if n not in words}
    assert not missing, f"docs/templates.md does not list {sorted(missing)}"


@pytest.mark.parametrize(
    ("markdown_text", "found"),
    [
        ("Text {{< youtube id >}} here.", "template syntax"),
        ("{% include_relative secret.txt %}", "template syntax"),
        ("Key: <%= process.env.GITHUB_TOKEN %>", "template syntax"),  # review 8 L2: EJS
        ("<div>{# hides the rest from Eleventy's Nunjucks #}</div>", "template syntax"),
        ("Key: \\\\<%- x %>", "template syntax"),  # an escaped backslash, then EJS
        ('## A heading {onclick="x()"}', "attribute list"),
        ('A paragraph\n{: onmouseover="x()"}', "attribute list"),
        ("<svg/onload=x()>", "raw HTML"),  # review 15b: no raw HTML in a Markdown brief
        ("![pixel](https://evil.example/p.gif)", "a remote load"),
        ("[x](javascript:alert(1))", "does not start a link"),  # parentheses in the address
        ("[x](<javascript:alert(1)>)", "javascript: link"),
        ("<javascript:alert(1)>", "raw HTML"),
        ("[x][r]\n\n[r]: java&#115;cript:alert(1)", "does not start a link"),
        ("[x](<java&#115;cript:alert(1)>)", "a character reference in a link's address"),
        ("[x](data:text/html,x)", "data: link"),
        ('<img src="data:," onerror="x()">', "raw HTML"),
        ("<style>\np { background: url(https://evil.example/b.png) }\n</style>", "raw HTML"),
    ],
)
def test_markdown_refuses_what_a_site_would_run_or_fetch(markdown_text: str, found: str) -> None:
    problems_found = markdown.problems(f'---\ntitle: "x"\n---\n\n# T\n\n{markdown_text}\n')
    assert any(found in p for p in problems_found), problems_found
    assert all(p.startswith("line ") and not p.startswith("line 0") for p in problems_found)


def test_markdown_names_the_line_of_the_markdown() -> None:
    text = '# T\n\nOne.\n\nTwo.\n\n<iframe src="https://evil.example"></iframe>\n'
    assert markdown.problems(text)[0].startswith("line 7: '<iframe src=\"https:/': raw HTML")


def test_escaped_profile_text_and_front_matter_pass_as_markdown() -> None:
    hostile = "<svg/onload=x()> {{ 7*7 }} {% x %} <%= x %> {: onclick=x} [a](javascript:x) ![p](http://e/p)"
    front = f"---\ntitle: {markdown.yaml_string(hostile)}\n---\n"
    page = f"{front}\n# {markdown.escape(hostile)}\n\n{markdown.link('a', 'https://e.example/')}\n"
    assert markdown.problems(page) == []
    assert markdown.problems("![logo](images/logo.png) [next](thailand.md)\n") == []


def test_a_control_character_is_refused_where_it_stands() -> None:
    (found,) = problems(document('<p>a</p>\n<a href="java\x00script:x()">x</a>'))
    assert found.startswith("line 10: control character U+0000")


def test_links_that_leave_the_web_or_weaken_the_referrer_are_refused_with_why() -> None:
    # The third review (A7): each passed the check before, and Chromium followed it.
    found = problems(
        document(
            '<meta name="referrer" content="unsafe-url">\n'
            '<a href="https://example.org/" target="_blank" rel="opener">x</a>\n'
            '<a href="\\\\evil.example\\share\\x">unc</a>\n'
            '<a href="https://www.state.gov@evil.example/">state</a>'
        )
    )
    assert found == [
        "line 9: <meta name=referrer content>=unsafe-url is refused: only no-referrer, "
        "same-origin, strict-origin",
        "line 10: rel=opener on <a> is refused (write noopener)",
        "line 11: a link to another host without https: (from a file, a file:// share) in "
        "<a href>=\\\\evil.example\\share\\x is refused",
        "line 12: a link that reads as one host and goes to another (a user name before '@' is "
        "not allowed in a URL: 'www.state.gov@evil.example' reads as www.state.gov but goes to "
        "evil.example) in <a href>=https://www.state.gov@evil.example/ is refused",
    ]
