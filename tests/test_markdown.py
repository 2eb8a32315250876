"""Markdown briefs: what a static-site generator reads, and profile text that stays text."""

from __future__ import annotations

import json
import re
import shutil
from html import unescape
from pathlib import Path

import cmarkgfm
import pytest
import yaml
from click.testing import CliRunner
from markdown_it import MarkdownIt
from markdown_it.token import Token

from aftercare_report import markdown
from aftercare_report.cli import cli

from .conftest import TESTS, VALID

GFM = MarkdownIt("commonmark").enable(["table", "strikethrough"])
"""What GitHub, Hugo (goldmark) and Jekyll (kramdown in GFM mode) read alike."""


def build_md(out: Path, *args: str) -> dict[str, str]:
    result = CliRunner().invoke(cli, ["build", *args, "--format", "md", "--out", str(out)])
    assert result.exit_code == 0, result.output
    return {p.stem: p.read_text(encoding="utf-8") for p in sorted(out.glob("*.md"))}


@pytest.fixture(scope="module")
def bundled(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    return build_md(tmp_path_factory.mktemp("md"))


def front_matter(text: str) -> tuple[dict[str, object], str]:
    assert text.startswith("---\n")
    head, _, body = text[4:].partition("\n---\n")
    return yaml.safe_load(head), body


def _all(tokens: list[Token]) -> list[Token]:
    return [t for token in tokens for t in (token, *(token.children or ()))]


def test_every_bundled_brief_is_commonmark_with_tables_lists_and_front_matter(
    bundled: dict[str, str],
) -> None:
    assert len(bundled) == 6
    for stem, text in bundled.items():
        meta, body = front_matter(text)
        assert {"title", "date", "language", "summary", "country"} <= set(meta), stem
        assert meta["language"] == "en" and str(meta["date"]).startswith("20")
        tokens = _all(GFM.parse(body))
        kinds = [t.type for t in tokens]
        assert not {"html_block", "html_inline"} & set(kinds), f"{stem}: raw HTML"
        headings = [tokens[i + 1].content for i, t in enumerate(tokens) if t.type == "heading_open"]
        assert headings[0] == meta["title"]
        assert "Where support stops" in headings and "Sources" in headings
        assert kinds.count("table_open") >= 3 and "thead_open" in kinds
        assert "ordered_list_open" in kinds  # numbered recommendations and sources
        links = [str(t.attrs["href"]) for t in tokens if t.type == "link_open"]
        assert links and all(url.startswith(("https://", "http://")) for url in links)


def test_a_country_brief_reads_in_order_with_numbered_recommendations(
    bundled: dict[str, str],
) -> None:
    meta, body = front_matter(bundled["thailand"])
    assert meta["country"] == "Thailand" and meta["iso3"] == "THA"
    tokens = GFM.parse(body)
    headings = [
        tokens[i + 1].content
        for i, t in enumerate(tokens)
        if t.type == "heading_open" and t.tag == "h2"
    ]
    assert headings[:4] == [
        "Key findings",
        "Where support stops",
        "What to do first",
        "What this means",
    ]
    findings = next(i for i, t in enumerate(tokens) if t.type == "bullet_list_open")
    closed = next(i for i, t in enumerate(tokens) if t.type == "bullet_list_close")
    items = [t for t in tokens[findings:closed] if t.type == "list_item_open"]
    assert len(items) >= 3  # each finding an item of its own, the first with its sources
    assert "Aftercare index (evidence as of" in body and "not been reviewed by survivors" in body
    first_list = next(i for i, t in enumerate(tokens) if t.type == "ordered_list_open")
    items = [t for t in tokens[first_list:] if t.type == "list_item_open"]
    assert items and tokens[first_list].attrGet("start") in (None, 1)
    html = GFM.render(body)
    assert re.search(r"<strong>\d+(\.\d)?</strong> of 100", html)  # the message's emphasis


def test_profile_text_is_escaped_for_markdown(tmp_path: Path) -> None:
    hostile = (
        "<script>alert(1)</script> [click](javascript:alert(1)) ![x](https://e.x/t.png) "
        "| cell {{ site.title }} {% include x %} *bold* _it_ `code` &lt;b&gt; \\\n# heading"
    )
    profile = tmp_path / "profiles" / "testland.yaml"
    profile.parent.mkdir()
    summary = "summary: >-\n  Testland funds shelters but closes cases when survivors leave them."
    assert summary in VALID.read_text()
    profile.write_text(VALID.read_text().replace(summary, f"summary: {json.dumps(hostile)}"))
    text = build_md(tmp_path / "out", "--profiles", str(profile))["testland"]
    meta, body = front_matter(text)  # the front matter still parses
    assert meta["country"] == "Testland"
    assert "{{" not in text and "{%" not in text  # nothing for Liquid or Hugo to run
    tokens = _all(GFM.parse(body))
    kinds = {t.type for t in tokens}
    assert not kinds & {"html_block", "html_inline", "image", "em", "s"}
    # Code: the address, which code keeps from being linked, the second brace of '{{', which
    # Vue would run (review 17b, H2), and the backslash, which MathJax would read as TeX
    # (review 16b, M1).
    assert [t.content for t in tokens if t.type == "code_inline"] == [
        "https://e.x/t.png",
        "{",
        "\\",
    ]
    assert not [t for t in tokens if t.type == "link_open" and "javascript" in str(t.attrs)]
    html = GFM.render(body)
    shown = "&lt;script&gt;alert(1)&lt;/script&gt; [click](javascript:alert(1)) ![x](<code>"
    assert shown in html  # the characters are all there, as text
    assert (
        "{<code>{</code> site.title }} {% include x %} *bold* _it_ `code` &amp;lt;b&amp;gt; "
        "<code>\\</code> # "
        "heading" in html
    )


@pytest.mark.parametrize(
    ("text", "address"),
    [
        ("approve at https://evil.example/login, today", "https://evil.example/login"),
        ("see www.evil.example.", "www.evil.example"),
        ("write to review@evil.example (the team)", "review@evil.example"),
        ("ftp://files.evil.example/x", "ftp://files.evil.example/x"),
        ("(HTTPS://EVIL.EXAMPLE/X)", "HTTPS://EVIL.EXAMPLE/X"),
        # Security review 18a, L3: GitHub linked "www." before a "<" (shown as &lt;).
        ("see www.<login.attacker.example/x> now", "www"),
    ],
)
def test_a_bare_address_in_text_is_shown_and_never_linked(text: str, address: str) -> None:
    # Security review 14a: GitHub's job summary (and Hugo, and markdown-it's linkify) make a
    # link of a bare address in text; a backslash does not stop "name@host" in GitHub.
    escaped = markdown.escape(text)
    html = cmarkgfm.github_flavored_markdown_to_html(escaped)
    assert "<a " not in html
    assert f"<code>{address}</code>" in html
    assert unescape(re.sub(r"</?(?:p|code)>", "", html)).strip() == text


MATHJAX = "see \\(\\href{javascript:alert(document.domain)}{the TIP 2023 report}\\) and $$\\x$$"


def test_profile_text_gives_mathjax_no_tex_to_read() -> None:
    # Security review 16b, M1: MathJax on the publishing site made a javascript: link of
    # TeX in profile text shown as written. A backslash is code, which MathJax does not read.
    html = GFM.render(markdown.escape(MATHJAX))
    outside_code = re.sub(r"<code>[^<]*</code>", "", html)
    assert "\\" not in outside_code
    assert html.count("<code>\\</code>") == 4  # and the text shows every backslash
    assert markdown.problems(markdown.escape(MATHJAX) + "\n") == []
    assert "\\" not in markdown.yaml_string(MATHJAX)  # a layout prints the front matter raw
    assert markdown.yaml_string("C:\\x") == '"C:\uff3cx"'


@pytest.mark.parametrize(
    "template",
    [
        "Read the \\\\(\\href\\{javascript:alert(1)\\}\\{full report\\}\\\\).",
        "A \\\\ shown",
        "C:\\Users",
    ],
)
def test_a_template_that_shows_a_backslash_is_refused(template: str) -> None:
    (found,) = markdown.problems(template + "\n")
    assert "which MathJax on a site reads as TeX" in found


def test_escape_reads_a_long_run_of_name_characters_in_linear_time() -> None:
    # Each run is tried once from its start; from every position, it took its length squared.
    for text in ("a." * 200_000, "a@a" * 100_000, "www." * 200_000):
        assert markdown.escape(text)


def test_escape_keeps_identifiers_and_numbers_readable() -> None:
    assert markdown.escape("40.1 of 100, not_provided") == "40.1 of 100, not\\_provided"
    assert markdown.escape("1. first") == "1\\. first"
    assert markdown.escape("- item") == "\\- item"
    assert markdown.link("T", "javascript:alert(1)") == "T"
    assert markdown.link("a b", "https://e.x/a b") == "[a b](<https://e.x/a%20b>)"


def test_a_team_overrides_one_block_of_the_markdown_brief(tmp_path: Path) -> None:
    folder = tmp_path / "templates"
    shutil.copytree(TESTS / "templates" / "markdown", folder)
    (folder / "comparative.md").unlink()
    text = build_md(tmp_path / "out", "thailand", "--templates", str(folder))["thailand"]
    assert "Prepared by the Testland Coalition." in text
    assert "## What this means" in text and "### A6. What we do not know" in text


@pytest.mark.slow  # seconds of work: the fast set stays under a minute
def test_a_javascript_link_in_a_markdown_template_stops_the_build(tmp_path: Path) -> None:
    args = ["build", "thailand", "india", "--format", "md", "--out", str(tmp_path / "out")]
    args += ["--templates", str(TESTS / "templates" / "markdown")]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 1
    assert "comparative.md" in result.stderr
    assert "javascript: link in <a href> is refused" in result.stderr
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").glob("*.md"))
