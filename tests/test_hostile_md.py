"""Security review 10b, section 1: Markdown as kramdown (Jekyll, GitHub Pages) and layouts read it.

The Markdown check reads a page as CommonMark. kramdown reads some of it otherwise: the rest of
a page after a fence left open, the lines of an HTML block after its element ends, its own
``{:`` syntax and link definitions. The fast tests hold the review's payloads and their
neighbours to the check; the slow one renders every bundled brief and every fixture the check
accepts with the real kramdown, as Jekyll does, and holds what it makes to the HTML check.
The front matter tests drop each value, as a site's layout may, into HTML and into Markdown.
"""

from __future__ import annotations

import html
import json
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from markdown_it import MarkdownIt

from aftercare_report import inert, markdown
from aftercare_report.cli import cli

ROOT = Path(__file__).resolve().parent.parent
HEAD = '---\ntitle: "T"\n---\n\n# T\n\nSome text.\n\n'
"""The tool's front matter and a first paragraph, before each fixture."""

REVIEW = {
    "(a) an unclosed fence hides a script": (
        "```\n<script>document.body.dataset.pwned = 'script-tag:' + document.domain</script>\n",
        "raw HTML",
    ),
    "(a) an unclosed fence hides a handler": (
        '```\n<img src="x" onerror="document.body.dataset.pwned = 1">\n',
        "raw HTML",
    ),
    "(b) an attribute list after an HTML line": (
        "<style>@keyframes k { from { opacity: 1 } to { opacity: 1 } }</style>\n\n<p></p>\n"
        '{: style="animation: k 1ms" onanimationstart="document.body.dataset.pwned = 1"}\n',
        "raw HTML",
    ),
    "(b) on a paragraph": ('<p></p>\n{: onmouseover="alert(1)"}\n', "raw HTML"),
    "(b) on a line break": ('<br/>\n{: onfocus="alert(1)" tabindex="0"}\n', "raw HTML"),
    "(b) with no HTML": ('A paragraph.\n{: onmouseover="alert(1)"}\n', "kramdown's attribute list"),
    "(c) a link definition after an HTML line": (
        "<p></p>\n[r]: javascript:alert(document.domain)\n\nRead [the full report][r].\n",
        "raw HTML",
    ),
}
"""The review's three payloads (section 1.1), each with what the refusal says (since review 15b,
raw HTML is refused before anything else is read)."""

NEIGHBOURS = {
    # Security review 14b: kramdown keeps a character reference in an address, a browser decodes it.
    "a reference in a link's address": "[Read](java&#x0A;script:void(document.title='P'))\n",
    "a named reference in a link's address": "[Read](java&Tab;script:alert(1))\n",
    "a reference in an image's address": "![chart](/&#x0A;/evil.example/pixel.png)\n",
    # Security review 12b, M1: kramdown reads a definition in a definition list's or a
    # footnote's body; CommonMark reads text.
    "a definition in a definition list": "Read [method].\n\nMethod\n: [method]: javascript:x\n",
    "an image definition in a definition list": "![logo]\n\nLogo\n: [logo]: http://e.example/p\n",
    "a definition in a footnote": "See [r].[^m]\n\n[^m]: [r]: javascript:alert(1)\n",
    # Security review 11b, M2: CommonMark ends an address at a space, kramdown at its ')'.
    "a link with a space in its address": (
        "Read the [full report](javascript:alert(document.domain)// x) for more.\n"
    ),
    "a reference with a space in its address": "[full report][r x]\n\n[r x]: javascript:x\n",
    "a definition CommonMark reads as text": "[r]: javascript:alert(1)// x\n\nRead [it][r].\n",
    "an image definition to elsewhere": "[p]: https://evil.example/p.gif x\n\n![a][p]\n",
    "an encoded definition after HTML": "<p></p>\n[r]: java&#115;cript:alert(1)\n\n[a][r]\n",
    "an unused javascript definition": "[r]: javascript:alert(1)\n\nNothing uses it.\n",
    "a link on the line of the HTML": "<p></p> [x](javascript:alert(1))\n",
    "a link on the line after": "<p></p>\n[x](javascript:alert(1))\n",
    "a remote image on the line after": "<p></p>\n![p](https://evil.example/p.gif)\n",
    "markdown=1": '<div markdown="1">\n[x](javascript:alert(1))\n</div>\n',
    "nomarkdown in a line": 'Text {::nomarkdown}<b onclick="x()">y</b>{:/}\n',
    "nomarkdown block": '{::nomarkdown}\n<img src="x" onerror="x()">\n{:/nomarkdown}\n',
    "options turn on HTML parsing": (
        '{::options parse_block_html="true" /}\n<div>\n[x](javascript:alert(1))\n</div>\n'
    ),
    "a span attribute list": '*x*{: onclick="alert(1)"}\n',
    "a heading attribute list": '## H {: onclick="alert(1)"}\n',
    "a footnote's indented code": "See[^1].\n\n[^1]: Note\n\n    <script>alert(1)</script>\n",
    "a definition list's indented code": (
        'Term\n: Definition\n\n    <img src="x" onerror="x()">\n'
    ),
    "a code span cut by an attribute list": 'Text `x\n{: onclick="alert(1)"}\ny`\n',
    "a code span cut by a tag": 'Text `start\n<svg onload="alert(1)"> end`\n',
    "math hides a fence from kramdown": "$$\n```\n$$\n\n<script>alert(1)</script>\n\n```\n",
    "a fence kramdown does not read as one": "``` two words\n<script>alert(1)</script>\n```\n",
    "an unclosed fence in a list": '- item\n\n  ```\n  <img src="x" onerror="x()">\n\nafter\n',
    "an unclosed tilde fence": '~~~\n<img src="x" onerror="x()">\n',
    "a comment then a link": "<!-- x -->\n[x](javascript:alert(1))\n",
    "an abbreviation": '*[HTML]: <img src="x" onerror="x()">\n\nHTML here.\n',
    "an unquoted attribute": "<span title=[x](javascript:alert(1))>a</span>\n",
}
"""The same kinds of construct, found by reading kramdown's syntax: each must be refused, or
(the slow test checks) come out of kramdown inert."""

SUBSET = {
    # Security review 15b: text CommonMark consumes unchecked (an image's alt text, a link's
    # title, a definition's label and title, an HTML block's attribute values), which kramdown
    # reads as Markdown and HTML once it does not take the construct for one.
    "H1 an image's alt text": (
        '![<img src="x" onerror="document.title=`H1-RAN`">](data:image/png;base64,iVBORw0KGgo=\\()'
    ),
    "H1 a link in an image's alt text": (
        "![[Read more](javascript:alert(document.domain))](data:image/png;base64,iVBORw0KGgo=\\()"
    ),
    "H2 a definition's title over three lines": (
        "[method]: https://example.org/method 'The method\n"
        '<img src="x" onerror="document.title=`H2-RAN`">\nas published\''
    ),
    "H2 a definition's title on the next line": (
        '[r]: https://example.org/\n"a\n[x](javascript:alert(1))\nb"'
    ),
    "H2 a label with an escaped bracket": '[a\\]<img src="x" onerror="alert(1)">]: https://e.org/',
    "H2 a label over two lines": '[a\n<img src="x" onerror="alert(1)">]: https://example.org/',
    "H2 a title with an escaped parenthesis": (
        '[x](https://example.org/ (t \\( <img src="x" onerror="alert`1`">))'
    ),
    "H3 a tag kramdown rejects": (
        '<div class="note" title="<img src=\'x\' onerror=\'document.title=`H3-RAN`\'>"lang="en">\n'
        "Prepared with the Survivor Advisory Group.\n</div>"
    ),
    "H3 an attribute name kramdown rejects": (
        "<pre data-x@y=\"1\" title=\"<img src='x' onerror='alert(1)'>\">\n</pre>"
    ),
    "M1 EJS or ERB behind a backslash": (
        "Prepared by \\<%= process.env.DEPLOY_TOKEN %> for the coalition."
    ),
    "a task list's checkbox": "- [ ] item",
    # What the check accepted before the subset, each inert to CommonMark and kramdown alike,
    # refused now that a Markdown brief carries no raw HTML and no link but a whole one.
    "an HTML block with text": '<div class="note">\nPrepared by the coalition.\n</div>',
    "a link definition": '[report]: https://example.org/report "Report"\n\nSee the [report].',
    "an escaped tag": 'Text \\<img src=x onerror="alert(1)"\\>',
    "an autolink": "<https://example.org/>",
    "a comment": "<!-- note -->",
    "a footnote": "Text[^1].\n\n[^1]: Note.",
}
"""What leaves the Markdown every processor reads alike: refused, whatever CommonMark makes of
it."""

ACCEPTED = {
    "code": "Some `code` here.\n\n```\nplain code\n```\n",
    "a table": "| a | b |\n| --- | --- |\n| 1 | 2 |\n",
    "a quotation": "> Quote\n>\n> — Source\n",
    "a closed fence with tag-free code": "~~~~\nx > y && y > z\n~~~~\n",
    "links": "See the [report](<https://example.org/report>) and [this](https://example.org/x).\n",
    "a link in parentheses": "(See the [report](<https://example.org/a_(b)>).)\n",
    "an image of data": "![chart](<data:image/png;base64,iVBORw0KGgo=>)\n",
    "an image of the site": "![logo](/assets/logo.png)\n",
    "escaped brackets and references": "\\[1\\] and 1 &lt; 2 &amp; 3 \\> 2, \\!\\[x\\]\n",
    "citations": "Text [1, 5], a table cell [4] and [a note] (plain).\n",
    "a query": "[r](<https://example.org/s?a=1&b=2>)\n",
    "an escaped image mark": "Wow\\![report](<https://example.org/>)\n",
}
"""What a team may write: accepted by the check, and inert under kramdown too (slow test)."""


def page(fixture: str) -> str:
    return HEAD + fixture


@pytest.mark.parametrize(("fixture", "said"), REVIEW.values(), ids=REVIEW.keys())
def test_the_reviews_payloads_are_refused(fixture: str, said: str) -> None:
    found = markdown.problems(page(fixture))
    assert any(said in p for p in found), found
    assert all(p.startswith("line ") and not p.startswith("line 0") for p in found)


@pytest.mark.parametrize("fixture", NEIGHBOURS.values(), ids=NEIGHBOURS.keys())
def test_what_kramdown_reads_otherwise_is_refused(fixture: str) -> None:
    assert markdown.problems(page(fixture)), fixture


@pytest.mark.parametrize("fixture", SUBSET.values(), ids=SUBSET.keys())
def test_what_leaves_the_markdown_every_processor_reads_alike_is_refused(fixture: str) -> None:
    found = markdown.problems(page(fixture + "\n"))
    assert any("raw HTML" in p or "a '[' that does not start a link" in p for p in found), found


def test_the_subset_says_where_and_what_to_write() -> None:
    found = markdown.problems(page("Fine.\n\nA <b>tag</b> and [a note]: here\n"))
    assert found[0].startswith("line 11: '<b>tag</b> and [a no': raw HTML")
    assert "write '&lt;' for a '<'" in found[0]
    assert len(found) == 2  # the '<' once a line, and the '[' with its ']'
    assert found[1].startswith("line 11: '[a note]: here': a '[' that does not start a link")
    assert "[text](<address>)" in found[1] and "escape the '[' as '\\['" in found[1]


def test_a_whole_links_address_is_judged() -> None:
    found = markdown.problems(page("[x](<javascript:alert(1)>) ![p](<https://e.example/p.gif>)\n"))
    assert any("javascript" in p for p in found) and any("remote" in p for p in found), found


def test_the_subset_is_read_in_linear_time() -> None:
    # One pass: each '[' tries one link, which stops at the next bracket, '<' or line end.
    for text in ("[a](" + "b" * 50 + "[") * 20_000, "[" * 500_000, "\\" * 500_000:
        assert len(markdown.problems(text)) <= 2 * inert.MAX_PROBLEMS + 10


@pytest.mark.parametrize("fixture", ACCEPTED.values(), ids=ACCEPTED.keys())
def test_what_a_team_may_write_is_accepted(fixture: str) -> None:
    assert markdown.problems(page(fixture)) == []


def test_an_unclosed_fence_names_its_line_and_how_to_fix_it() -> None:
    (found, *_) = markdown.problems(page("```\nplain\n"))
    assert found.startswith("line 9: this code fence ('```') is never closed")
    assert "close it with the same fence" in found


def test_kramdowns_syntax_escaped_by_a_backslash_passes() -> None:
    assert markdown.problems(page("Braces \\{: like this} are text.\n")) == []
    assert markdown.problems(page("[Brackets]: as text"))  # a definition to kramdown
    assert markdown.problems(page("\\[Brackets\\]: as text\n")) == []


def _override(tmp_path: Path, payload: str) -> list[str]:
    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / "country.md").write_text(
        '{% extends "default:country.md" %}\n{% block closing %}{{ super() }}\n\n'
        f"{payload}\n{{% endblock %}}\n"
    )
    args = ["build", "thailand", "--format", "md", "--templates", str(folder)]
    return [*args, "--out", str(tmp_path / "out")]


@pytest.mark.parametrize(
    ("fixture", "said"),
    [
        ("```\nplain code\n", "is never closed"),
        (SUBSET["H1 an image's alt text"], "raw HTML"),
        (SUBSET["M1 EJS or ERB behind a backslash"], "raw HTML"),
    ],
)
def test_a_template_outside_the_subset_stops_the_build(
    tmp_path: Path, fixture: str, said: str
) -> None:
    result = CliRunner().invoke(cli, _override(tmp_path, fixture))
    assert result.exit_code == 1, result.output
    assert "country.md" in result.stderr and said in result.stderr
    assert "Traceback" not in result.output
    assert not (tmp_path / "out" / "thailand.md").exists()


# Front matter (review 10b, 1.2): values a layout prints raw, or renders as Markdown.

HOSTILE_VALUE = (
    "<img src=x onerror=alert(1)> \" onmouseover=\"alert(2)\" ' onfocus='alert(3)' "
    '[c](javascript:alert(4)) ![p](https://e.example/p.gif) {: onclick="x"} {{ 7*7 }}'
)
"""HTML text, both attribute quotes, a Markdown link and image, kramdown and Liquid syntax."""


@pytest.fixture(scope="module")
def hostile_front_matter(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """The front matter of a brief whose organisation, country and lead finding are hostile."""
    folder = tmp_path_factory.mktemp("front")
    profile = (ROOT / "profiles" / "thailand.yaml").read_text(encoding="utf-8")
    lead = "lead_finding:\n  text: >-\n    Thailand ties help"
    assert lead in profile and "\ncountry: Thailand\n" in profile
    profile = profile.replace(lead, f"lead_finding:\n  text: >-\n    {HOSTILE_VALUE} ties help")
    profile = profile.replace("\ncountry: Thailand\n", f"\ncountry: {json.dumps(HOSTILE_VALUE)}\n")
    (folder / "thailand.yaml").write_text(profile, encoding="utf-8")
    config = folder / "aftercare-report.toml"
    config.write_text(f"[brand]\norganisation = {json.dumps('Coalition ' + HOSTILE_VALUE)}\n")
    args = ["--config", str(config), "build", "--profiles", str(folder / "thailand.yaml")]
    result = CliRunner().invoke(cli, [*args, "--format", "md", "--out", str(folder / "out")])
    assert result.exit_code == 0, result.output
    text = (folder / "out" / "thailand.md").read_text(encoding="utf-8")
    head = text.removeprefix("---\n").partition("\n---\n")[0]
    assert "{" not in head and "<" not in head  # no template language finds its syntax
    meta = yaml.safe_load(head)
    assert isinstance(meta, dict)
    return meta


@pytest.fixture(params=["author", "country", "title", "summary"])
def value(request: pytest.FixtureRequest, hostile_front_matter: dict[str, object]) -> str:
    """One value of the hostile front matter, as the site generator receives it."""
    value = hostile_front_matter[request.param]
    assert isinstance(value, str)
    return value


STRAIGHT = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'})


def test_a_front_matter_value_printed_raw_by_a_layout_is_inert(value: str) -> None:
    shown = html.unescape(value).translate(STRAIGHT)  # quotes are typographic in the value
    assert shown.count(HOSTILE_VALUE) == 1  # a layout shows the text
    for layout in (
        f"<p>{value}</p>",
        f'<p title="{value}">x</p>',
        f"<p title='{value}'>x</p>",
        f'<a href="https://example.org/" title="{value}">x</a>',
    ):
        assert inert.fragment_problems(layout) == [], layout
        assert "onerror" not in _attributes(layout) and "onmouseover" not in _attributes(layout)


def test_a_front_matter_value_rendered_as_markdown_makes_no_markup(value: str) -> None:
    rendered = MarkdownIt("commonmark", {"html": True}).render(value)  # Hugo's .Summary
    assert rendered.count("<") == 2, rendered  # <p> and </p>, nothing else
    assert inert.fragment_problems(rendered) == []


@pytest.mark.slow  # a ruby process
def test_kramdown_makes_no_markup_of_a_front_matter_value(value: str) -> None:
    (rendered,) = kramdown([f"{value}\n"])  # Jekyll's markdownify
    assert rendered.count("<") == 2, rendered


def _attributes(fragment: str) -> str:
    from aftercare_report.html_tokens import Tag, tokens

    return " ".join(a.name for t in tokens(fragment) if isinstance(t, Tag) for a in t.attrs)


def test_yaml_string_keeps_markup_out_of_the_file_and_the_value() -> None:
    quoted = markdown.yaml_string('Côte d\'Ivoire & <b>"x"</b> [a] {b}\u2028\x85')
    assert quoted == (
        '"Côte d\u2019Ivoire &amp; &lt;b&gt;\u201dx\u201d&lt;/b&gt; &#91;a&#93; &#123;b&#125;'
        '\\u2028\\x85"'
    )
    assert markdown.problems(f"---\ntitle: {quoted}\n---\n\n# T\n") == []


@pytest.mark.parametrize(
    "value",
    ['"\\x3cimg\\x3e"', '"\\u003cimg"', '"a \\" onmouseover=x"', '"\\x27"', '"\\x5bx\\x5d"'],
)
def test_front_matter_escapes_that_decode_to_markup_are_refused(value: str) -> None:
    assert markdown.problems(f"---\ntitle: {value}\n---\n\n# T\n")


# The differential test: the real kramdown, as Jekyll and GitHub Pages run it.

KRAMDOWN = """
require "json"
require "kramdown"
require "kramdown-parser-gfm"
pages = JSON.parse($stdin.read)
puts JSON.generate(pages.map { |text|
  Kramdown::Document.new(text, input: "GFM", hard_wrap: false).to_html
})
"""
"""Jekyll's Markdown settings (GFM input, no hard wraps), one process for every page."""


def kramdown(pages: list[str]) -> list[str]:
    """Each page as kramdown renders it for Jekyll, after Jekyll has taken its front matter."""
    missing = "kramdown is missing (Debian ruby-kramdown, ruby-kramdown-parser-gfm)"
    ruby = shutil.which("ruby")
    if ruby is None:
        pytest.fail(f"{missing}: run scripts/bootstrap")
    bodies = [p.partition("\n---\n")[2] if p.startswith("---\n") else p for p in pages]
    done = subprocess.run(
        [ruby, "-e", KRAMDOWN], input=json.dumps(bodies), capture_output=True, text=True
    )
    if "cannot load such file" in done.stderr:
        pytest.fail(f"{missing}: run scripts/bootstrap\n{done.stderr}")
    assert done.returncode == 0, done.stderr
    rendered = json.loads(done.stdout)
    assert isinstance(rendered, list) and len(rendered) == len(pages)
    return [str(r) for r in rendered]


@pytest.mark.slow  # a ruby process and six builds
def test_kramdown_makes_inert_html_of_every_page_the_check_accepts(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["build", "--format", "md", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    briefs = {p.stem: p.read_text(encoding="utf-8") for p in sorted(tmp_path.glob("*.md"))}
    assert len(briefs) == 6
    fixtures = {**{k: f for k, (f, _) in REVIEW.items()}, **NEIGHBOURS, **ACCEPTED}
    pages = {**briefs, **{name: page(f) for name, f in fixtures.items()}}
    accepted = {name: text for name, text in pages.items() if not markdown.problems(text)}
    assert set(briefs) | set(ACCEPTED) <= set(accepted)  # the check is not refusing everything
    assert not set(REVIEW) & set(accepted)
    for name, rendered in zip(accepted, kramdown(list(accepted.values())), strict=True):
        assert inert.fragment_problems(rendered) == [], (name, rendered)
    thailand = kramdown([briefs["thailand"]])[0]
    assert '<h2 id="where-support-stops">Where support stops</h2>' in thailand
    assert "<table>" in thailand and "<ol>" in thailand  # read as GFM, not as one paragraph


@pytest.mark.slow
def test_kramdown_runs_the_reviews_payloads_that_the_check_refuses() -> None:
    """The fixtures are live: without the check, kramdown would publish what they carry."""
    rendered = kramdown([page(f) for f, _ in REVIEW.values()])
    for name, output in zip(REVIEW, rendered, strict=True):
        assert inert.fragment_problems(output), (name, output)


# Security review 17b: what a site's own processing makes of the page after the check.

SITE_PROCESSING = {
    "H1 references MathJax reads as TeX": (
        "Read &#92;(&#92;href&#123;javascript:alert(1)&#125;&#123;x&#125;&#92;).",
        "a character reference",
    ),
    "H1 a named reference": ("A &bsol;(x&bsol;)", "a character reference"),
    "H2 escaped braces Vue runs": ("Total \\{\\{ 7*7 \\}\\}", "which Vue"),
    "H2 references Vue runs": ("Total &#123;&#123; 7*7 &#125;&#125;", "a character reference"),
    "M1 a Mermaid diagram that fetches": (
        '```mermaid\nflowchart TD\n  A@{ img: "http://127.0.0.1/m.png", label: "x" }\n```',
        "a code fence labelled 'mermaid'",
    ),
}


@pytest.mark.parametrize(("fixture", "said"), SITE_PROCESSING.values(), ids=SITE_PROCESSING.keys())
def test_what_a_sites_processing_would_run_is_refused(fixture: str, said: str) -> None:
    found = markdown.problems(page(fixture + "\n"))
    assert any(said in p for p in found), found


def test_profile_text_shows_no_braces_in_a_row_and_no_reference() -> None:
    # Vue (VitePress) runs {{ }} it finds in the page's text; escape() keeps each brace, in
    # two pieces of text; references in the text are shown, never decoded.
    text = "a {{ ''.constructor.constructor('x')() }} b {{{ &#92;( &#123;"
    html = MarkdownIt("commonmark").render(markdown.escape(text))
    assert "{{" not in html and "&#92;" not in html.replace("&amp;#92;", "")
    assert html.count("{") == text.count("{")  # every brace is still shown
    assert markdown.problems(markdown.escape(text) + "\n") == []
    value = markdown.yaml_string(text)
    assert "&#92;" not in value.replace("&amp;#92;", "") and "{" not in value
    assert markdown.problems(f"---\ntitle: {value}\n---\n\n# T\n") == []
    assert markdown.problems('---\ntitle: "&#92;(x"\n---\n\n# T\n')  # not what the tool writes


@pytest.mark.parametrize(
    "fixture",
    [
        # Security review 18b, M1: kramdown reads a labelled fence CommonMark takes for text,
        # and ends a fence at a form feed; a Mermaid diagram fetched an image on the site.
        '```mermaid?`\ngraph TD\n  B --> A("`Shelter\n~~~\n`")\n  C@{ img: "https://e.x/p.png" }\n'
        "```\n~~~",
        "~~~\n~~~\x0c\n```mermaid\ngraph TD\n```\n~~~",
        "```python\nprint(1)\n```",
    ],
)
def test_a_labelled_fence_or_a_control_character_is_refused_whatever_commonmark_reads(
    fixture: str,
) -> None:
    found = markdown.problems(page(fixture + "\n"))
    assert any("code fence labelled" in p or "control character" in p for p in found), found


def test_profile_text_gives_kramdown_no_math() -> None:
    # Security review 18b, L1: "$$5 to $$10" became math under kramdown ("5 to10").
    assert markdown.escape("$$5 to $$10") == "\\$\\$5 to \\$\\$10"


@pytest.mark.parametrize(
    "fixture",
    [
        # Security review 19b: what MDX (Docusaurus), VuePress and Nuxt Content run.
        'export const pwned = eval(atob("aW1w"))',
        "import x from '/etc/passwd'",
        "@[code](/proc/self/environ)",
        "::iframe\n---\nsrc: https://evil.example/login\n---\n::",
        "See :iframe{src=https://e.x} and :img[x]",
    ],
)
def test_what_a_site_generator_runs_is_refused(fixture: str) -> None:
    found = markdown.problems(page(fixture + "\n"))
    assert any("syntax a site generator runs" in p for p in found), found


def test_profile_text_starts_no_mdx_statement_and_no_component() -> None:
    text = 'export const pwned = eval(atob("aW1w")) and :iframe{src=x}'
    escaped = markdown.escape(text)
    assert escaped.startswith("`export` const") and "\\:iframe" in escaped
    assert markdown.problems(page(escaped + "\n")) == []
