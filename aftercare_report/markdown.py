"""Markdown briefs: escaping for the templates, and the check that a published page is inert.

Markdown (CommonMark with GitHub's tables) is rendered from ``country.md`` and ``comparative.md``
like the HTML brief from its templates. Profile text is untrusted, and in Markdown more than
``<`` is active: ``[x](javascript:...)`` is a link, ``*`` and ``_`` emphasis, ``|`` a table
cell, a leading ``#`` a heading, and a static-site generator runs ``{{ ... }}`` (Liquid, Hugo
shortcodes). :func:`escape` backslash-escapes all of them, which CommonMark renders as the plain
characters; the template environment applies it to every value a ``.md`` template prints, as
HTML templates escape for HTML (see :mod:`aftercare_report.templating`). :func:`problems` then
parses what was rendered and refuses raw HTML with active content and links that are not web
or mail links, whatever put them there.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import json
import re
import string
from collections.abc import Iterator
from typing import TYPE_CHECKING
from urllib.parse import quote, urlsplit, urlunsplit

from aftercare_report import inert

if TYPE_CHECKING:
    from aftercare_report.build import Brief, Setting
    from aftercare_report.context import BriefContext

_ACTIVE = re.compile(r"([\\`*_\[\]>|{}~#$])")
"""Characters backslash-escaped wherever they stand: code, emphasis, links, tables, template
syntax of static-site generators, strikethrough, headings, kramdown's math (``$$``)."""
_REFERENCES = {ord("&"): "&amp;", ord("<"): "&lt;"}
"""Characters written as references: ``<`` (raw HTML, autolinks; EJS and ERB read ``\\<%`` as a
tag, since they run before Markdown) and ``&`` (entities; kramdown shows ``\\&`` as written)."""
_LINE_START = re.compile(r"^(\s*)(?:([+\-])(?=\s|$)|(\d{1,9})([.)])(?=\s|$)|(=)(?==*$))")
"""What starts a list, a setext heading or an ordered list when a value begins a line."""
_SPACE = re.compile(r"\s+")
_AUTOLINKED = re.compile(
    # Each run of name characters is tried once, from its start (the look-behind): a long run
    # with no "@" costs its length, not its square.
    r"((?:(?:https?|ftp)://|www\.)[^\s<>`{}\\|\[\]]*+|(?<![\w.+-])[\w.+-]++@[\w-]++(?:\.[\w-]++)++)",
    re.IGNORECASE,
)
"""What sites' Markdown makes a link of in plain text (GFM's extended autolinks): a web address
(its characters up to white space or what Markdown or a template language would read: ``<``,
`````, ``{``, ``|``, brackets, a backslash) or a mail address."""
_AFTER_ADDRESS = ".,:;!?'\")*_~"
"""What ends a sentence or a parenthesis after an address rather than being part of it."""
_TAGS = re.compile(r"(</?strong>|</?em>|%\(\w+\)s|%%)")
"""What a message keeps: its emphasis (as Markdown), its named placeholders and ``%%``."""
_MARKS = {"<strong>": "**", "</strong>": "**", "<em>": "*", "</em>": "*"}
_URL_SAFE = "/:?#[]@!$&'()*+,;=%-._~"
"""Characters left as they are in a link destination (the rest is percent-encoded)."""


def escape(text: str, *, in_link: bool = False) -> str:
    """Return ``text`` as Markdown that shows exactly these characters and does nothing else.

    Every run of white space becomes one space, so a value never starts a block of its own.
    A web or mail address is set as code: GitHub (a job summary), Hugo's default Markdown and
    markdown-it's linkify make a link of a bare ``https://``, ``www.`` or ``name@host`` in text,
    and no escape stops the address form (GitHub links ``a\\@b.org``); code is never linked.

    Args:
        text: The text.
        in_link: It is a link's text, where no address becomes a link of its own (a link
            holds no link), so addresses stay as they read.
    """
    flat = _SPACE.sub(" ", text)
    pieces = [flat] if in_link else _AUTOLINKED.split(flat)  # text, address, ... text
    for i in range(1, len(pieces), 2):
        address = pieces[i].rstrip(_AFTER_ADDRESS)  # "(see www.x.org)." ends the sentence
        pieces[i + 1] = pieces[i][len(address) :] + pieces[i + 1]
        pieces[i] = address
    out = [
        f"`{piece}`" if i % 2 else _escape_kept(piece).replace("{%", "{\\%")
        for i, piece in enumerate(pieces)  # an address holds no backtick; Liquid's tags: {%
    ]
    joined = _ESM_START.sub(r"`\1`", _COMPONENT_COLON.sub(r"\\:", "".join(out)), count=1)
    return _LINE_START.sub(_line_start, joined, count=1)


_COMPONENT_COLON = re.compile(r"(?<![\w:/\\]):(?=[A-Za-z])")
"""A colon that could start a Nuxt Content component (``:iframe``), escaped in profile text."""
_ESM_START = re.compile(r"^(\s*(?:import|export))\b")
"""A value that begins a line with ``import`` or ``export``, which MDX (Docusaurus reads
``.md`` as MDX) runs as JavaScript: the word is set as code."""


def _line_start(match: re.Match[str]) -> str:
    space, sign, digits, mark, equals = match.groups()
    if digits:
        return f"{space}{digits}\\{mark}"
    return f"{space}\\{sign or equals}"


def yaml_string(text: str) -> str:
    """Return ``text`` as a double-quoted YAML string, for the front matter.

    A site's layout prints these values, often raw (Jekyll's minima prints ``page.author``
    unescaped) and sometimes as Markdown (Hugo renders a front-matter ``summary``; Jekyll's
    ``markdownify``). So the value itself is written as HTML that shows the text and does
    nothing else: ``<`` and ``>`` as character references (``&lt;``), which keeps it inert
    in HTML text; straight quotes as typographic ones (U+2018, U+2019, U+201C, U+201D), which
    end no quoted attribute; and ``[``, ``]``, ``{`` and ``}`` as references too, so that
    Markdown makes no link, image or kramdown attribute list of it and no template language
    finds its syntax (``{{``, ``{%``, ``<%``, ``${``), in the file or in the value; ``&`` as
    ``&amp;``, so that no character reference in the text (``&#92;``, a backslash MathJax reads
    as TeX) is decoded by the page; a backslash as the fullwidth reverse solidus (U+FF3C). The
    cost: a layout that escapes values shows ``&lt;`` where the text had ``<`` and ``&amp;``
    for ``&``.
    JSON's quoting is YAML's (1.2, and 1.1 for these escapes); the line and paragraph
    separators, NEL and the other C1 controls, which YAML 1.1 reads as line
    breaks or refuses, are escaped as well.
    """
    typographic = _QUOTE.sub(_curly, text).replace("\\", "\uff3c")  # no TeX for MathJax
    quoted = json.dumps(typographic.translate(_HTML_REFERENCES), ensure_ascii=False)
    return quoted.translate(_YAML_ESCAPES)


_HTML_REFERENCES = {
    **{ord(c): f"&#{ord(c)};" for c in "[]{}"},
    ord("<"): "&lt;",
    ord(">"): "&gt;",
    ord("&"): "&amp;",
}
_QUOTE = re.compile(r"""(?P<before>^|[\s(\[{\u2014\u2013/-])?(?P<mark>["'])""")
"""A straight quote, and whether it opens (at the start, after a space or an opening mark)."""


def _curly(match: re.Match[str]) -> str:
    """A straight quote as its typographic form: "Côte d'Ivoire" with U+2019, "closed" in U+201C/D.

    Typographic quotes end no HTML attribute, so a value stays inert in a quoted attribute
    printed raw, and a layout that escapes values shows them as they are (a reference such as
    ``&#39;`` would show as written there, in "Côte d'Ivoire" of all names).
    """
    before = match["before"]
    opening = before is not None
    if match["mark"] == "'":
        return (before or "") + ("\u2018" if opening else "\u2019")
    return (before or "") + ("\u201c" if opening else "\u201d")


_YAML_ESCAPES = {
    0x2028: "\\u2028",
    0x2029: "\\u2029",
    **{c: f"\\x{c:02x}" for c in range(0x7F, 0xA0)},
}

FRONT_MATTER_KEYS = (
    "title",
    "description",
    "date",
    "language",
    "author",
    "country",
    "iso3",
    "summary",
    "generator",
)
"""The keys of the front matter the tool writes, in order; no other key is published."""


def front_matter(brief: BriefContext) -> str:
    """Return the YAML front matter of a Markdown brief, written from data, never by a template.

    Static-site generators execute some front matter (Eleventy's ``---js``, ``permalink``
    rendered as a template) and obey other keys (``redirect_to``, ``permalink``, ``aliases``
    take over pages). So the tool writes the block itself, with these keys only and every
    value a quoted string; templates write the body, and :func:`problems` refuses a page that
    starts any other way.

    Args:
        brief: The brief's context.
    """
    fields: dict[str, str | list[str]] = {
        "title": brief.title,
        "description": brief.subtitle,
        "date": brief.date,
        "language": brief.lang,
        "author": brief.brand.organisation,
    }
    if brief.comparison is not None:
        fields["country"] = [c.country for c in brief.countries]
        fields["summary"] = brief.comparison.lead
    elif brief.countries:
        c = brief.countries[0]
        fields.update(country=c.country, iso3=c.iso3)
        fields["summary"] = c.key_messages[0] if c.key_messages else brief.subtitle
    fields["generator"] = brief.generator
    return _front_matter_text(fields)


def _front_matter_text(fields: dict[str, str | list[str]]) -> str:
    lines = ["---"]
    for key, value in fields.items():
        if isinstance(value, str):
            lines.append(f"{key}: {yaml_string(value)}")
        else:
            lines += [f"{key}:", *(f"  - {yaml_string(v)}" for v in value)]
    return "\n".join([*lines, "---", ""])


def page(brief: BriefContext, body: str) -> str:
    """Return a Markdown brief: the tool's front matter, then the body a template rendered."""
    return front_matter(brief) + "\n" + body.lstrip("\n")


def message(text: str) -> str:
    """Return a translated message of the templates as Markdown.

    The messages' own ``<strong>`` and ``<em>`` become ``**`` and ``*``; everything else is
    escaped as text. Named placeholders (``%(country)s``) are kept for the values.
    """
    parts = _TAGS.split(text)
    return "".join(
        _MARKS.get(part) or (part if i % 2 else _escape_kept(part)) for i, part in enumerate(parts)
    )


def _escape_kept(text: str) -> str:
    """Text escaped, its spaces kept (a message's placeholder may stand right after one).

    A backslash is set as code (`` `\\` ``): shown as text, ``\\(`` and ``\\href`` are TeX to
    MathJax on the site that publishes the brief (``\\href`` links to any address), and
    MathJax reads no code.
    """
    escaped = _ACTIVE.sub(r"\\\1", text.translate(_REFERENCES))
    escaped = _BRACES.sub(_alternating, escaped)
    return _BACKSLASHES.sub(lambda run: f"`{run[0][::2]}`", escaped)


_BRACES = re.compile(r"(?:\\\{){2,}")
"""Escaped braces in a row: every second one is set as code, so no page shows ``{{`` in one
piece of text (Vue, under VitePress and VuePress, runs ``{{ ... }}`` it finds in a page)."""
_BACKSLASHES = re.compile(r"(?:\\\\)+")


def _alternating(run: re.Match[str]) -> str:
    """Escaped braces in a row with every second one as code: ``\\{`{`\\{`` for ``{{{``."""
    return "".join("\\{" if i % 2 == 0 else "`{`" for i in range(len(run[0]) // 2))


"""A run of escaped backslashes (each ``\\\\``), written as one code span of the backslashes."""


def link(text: str, url: str) -> str:
    """Return a Markdown link to a web or mail address, or the escaped text alone for others."""
    if not url or inert.unsafe_url(url) or not _WEB.match(url):
        return escape(text)
    return f"[{escape(text, in_link=True)}](<{quote(_ascii_host(url), safe=_URL_SAFE)}>)"


def _ascii_host(url: str) -> str:
    """The URL with a non-ASCII host in its ASCII form (``xn--``), as a browser sends it.

    Percent-encoding a host (``m%C3%BCnchen.de``) makes a link no browser follows, and the
    Markdown check refuses it; the path and query are percent-encoded as before.
    """
    import idna  # UTS #46 and IDNA 2008, as browsers encode hosts

    parts = urlsplit(url)
    host = parts.hostname or ""
    if host.isascii():
        return url
    try:
        ascii_host = idna.encode(host, uts46=True).decode("ascii")
        port = f":{parts.port}" if parts.port else ""
    except (idna.IDNAError, UnicodeError, ValueError):
        return url  # the URL check has refused such a host already
    return urlunsplit(parts._replace(netloc=ascii_host + port))


_WEB = re.compile(r"^(https?|mailto):", re.IGNORECASE)


def problems(text: str, *, allow_scripts: bool = False) -> list[str]:
    """Return the active content of a Markdown page, each with its line.

    The page is read as a static-site generator reads it. Its front matter must be exactly
    what the tool writes (:func:`front_matter`): known keys and quoted text, one block. The
    rest is rendered to HTML as CommonMark renders it, and that HTML (raw HTML a team
    template added, links, images) is checked as the HTML going into a site's page
    (:func:`aftercare_report.inert.fragment_problems`): no scripts, handlers or remote loads,
    links only to the web, mail, the site or the brief itself. Before that, the page must keep
    to the subset of Markdown every processor reads alike (:func:`_outside_the_subset`): no raw
    HTML, and every ``[`` a link written whole on one line. What other processors read
    differently is refused as well: a ``<`` that CommonMark leaves as text but a lenient
    processor takes for a tag (``<svg/onload=...>``), a ``{`` that starts an attribute list
    (Hugo's headings, kramdown's ``{: onclick=...}``), what kramdown (Jekyll, GitHub Pages)
    reads otherwise (:func:`_read_by_kramdown`), and the template syntax that Liquid (Jekyll),
    Hugo shortcodes and Eleventy run (``{{``, ``{%``), and EJS or ERB (``<%``).

    Args:
        text: The rendered Markdown.
        allow_scripts: Let scripts, handlers and ``javascript:`` links pass
            (``[security] allow_scripts``, when the run allows it).
    """
    found, body = _front_matter(text)
    outside = list(
        itertools.islice(
            itertools.chain(
                _outside_the_subset(body, allow_scripts),
                (
                    (line, _LABELLED_FENCE.format(label=m[1][:20]))
                    for line, m in _lines(body, _FENCE_LABEL.finditer(body))
                ),
                (
                    (line, _CONTROL_MESSAGE.format(char=ord(m[0])))
                    for line, m in _lines(body, _CONTROL.finditer(body))
                ),
                (
                    (line, _SITE_SYNTAX_MESSAGE.format(shown=_shown(body, m.start(), 20).strip()))
                    for line, m in _lines(body, _SITE_SYNTAX.finditer(body))
                ),
            ),
            inert.MAX_PROBLEMS,
        )
    )
    found += outside
    found += [
        (line, _REFERENCE_MESSAGE.format(shown=_shown(body, match.start(), 30)))
        for line, match in itertools.islice(
            _lines(body, _REFERENCE_IN_ADDRESS.finditer(body)), inert.MAX_PROBLEMS
        )
    ]
    syntax = _lines(body, _TEMPLATE_SYNTAX.finditer(body))
    found += [
        (line, f"'{match[0].lstrip(chr(92))}' is template syntax that {_GENERATORS} run: escape it")
        for line, match in itertools.islice(syntax, inert.MAX_PROBLEMS)
    ]
    if outside:  # the readings below take such text for what it is not, some in square time
        return [f"line {line}: {message}" for line, message in sorted(found, key=lambda f: f[0])]
    parser = _parser()
    env: dict[str, object] = {}
    tokens = parser.parse(body, env)
    found += itertools.islice(_read_otherwise(tokens), inert.MAX_PROBLEMS)
    kramdown = _read_by_kramdown(body, tokens, env, allow_scripts)
    found += itertools.islice(kramdown, inert.MAX_PROBLEMS)
    html, blocks = _render_by_block(parser, _joined(parser, body, tokens))
    starts = [offset for offset, _ in blocks]

    def line_of(offset: int) -> int:
        return blocks[bisect.bisect_right(starts, offset) - 1][1]

    found += inert.fragment_findings(html, line_of, allow_scripts=allow_scripts)
    once = dict.fromkeys(sorted(found, key=lambda f: f[0]))  # code is read twice
    return [f"line {line}: {message}" for line, message in once]


_PUNCTUATION_BUT_LT = r"[!-/:;=>?@\[-`{-~]"
_LINK_TEXT = rf"(?:`\\++`|\\{_PUNCTUATION_BUT_LT}|[^\[\]\\<`\n])*+"
_WHOLE_LINK = re.compile(rf"\[{_LINK_TEXT}\]\((?:<([^<>\s\\]*+)>|([^\s()<>\\\[\]]++))\)")
"""A link (or, after ``!``, an image) as every Markdown processor reads it: on one line, its
text without an unescaped bracket, a code span or a ``<``, its address plain (in ``<...>`` or
without parentheses), with no backslash and no title."""
_PLAIN_BRACKETS = re.compile(rf"\[(?!\^)({_LINK_TEXT})\](?![(\[:])")
"""Brackets every processor shows as written (a citation, ``[1, 5]``): no link, image,
reference, definition or footnote follows or starts in them (none is defined: definitions are
refused)."""
_BACKSLASH_RUN = re.compile(r"\\+")
_SUBSET_SPECIAL = re.compile(r"[\\<\[\]&]")
_PLAIN_REFERENCE = re.compile(r"&(?:amp|lt|gt|quot);")
"""The character references the subset keeps: what escape() writes, and a quote."""
_CLOSING = re.compile(r"[^\[\]<\\\n]*+\]")


def _outside_the_subset(body: str, allow_scripts: bool) -> Iterator[tuple[int, str]]:
    """What leaves the Markdown that CommonMark, kramdown, goldmark and the rest read alike.

    Each finding comes with its line. Processors disagree most about raw HTML (kramdown's tag
    grammar is stricter than a browser's, and a tag it rejects becomes Markdown) and about
    what a ``[`` starts (a link with a title, a link definition, an image whose address
    kramdown counts differently, a footnote, an abbreviation): in each disagreement, text
    that one reading leaves inert is markup to another. A brief needs neither, so the subset
    has none: no ``<`` but the one that opens a link's address, written or escaped (EJS and
    ERB read ``\\<%`` as a tag; write ``&lt;``), and every ``[`` not escaped starts a link or
    image written whole on one line, ``[text](<address>)`` (see :data:`_WHOLE_LINK`), whose
    address is judged as a link's or an image's is in HTML, or brackets shown as written
    (``[1, 5]``, see :data:`_PLAIN_BRACKETS`). Any other ``]`` is escaped too. One pass, left
    to right.
    """
    at, line, counted, escaped_to = 0, 1, 0, -1
    tag_line = tex_line = reference_line = 0  # each said once a line
    while (special := _SUBSET_SPECIAL.search(body, at)) is not None:
        at = special.start()
        line += body.count("\n", counted, at)
        counted = at
        char = special[0]
        if char == "\\":
            run = _BACKSLASH_RUN.match(body, at) if body[at - 1 : at] == "`" else None
            if run and body[run.end() : run.end() + 1] == "`":
                at = run.end() + 1  # a code span of backslashes, as escape() writes them
                continue
            after = body[at + 1 : at + 2]
            if after == "<" and line != tag_line:
                yield (line, _NO_TAG.format(shown=_shown(body, at)))
                tag_line = line
            elif (after == "\\" or (after.isascii() and after.isalpha())) and line != tex_line:
                yield (line, _NO_TEX.format(shown=_shown(body, at)))
                tex_line = line
            elif after == "{" and body.startswith("\\{", at + 2):
                yield (line, _NO_INTERPOLATION.format(shown=_shown(body, at)))
            if after and after in string.punctuation:
                at, escaped_to = at + 2, at + 2  # an escape pair: the character is text
            else:
                at += 1
            continue
        link = _WHOLE_LINK.match(body, at) if char == "[" else None
        plain = _PLAIN_BRACKETS.match(body, at) if char == "[" and not link else None
        image = body[at - 1 : at] == "!" and escaped_to != at
        if link:
            yield from _judged(link, image, line, allow_scripts)
            at = link.end()
        elif plain and plain[1].strip() not in ("", "x", "X") and not image:  # a task's box
            at = plain.end()
        elif char == "[":
            yield (line, _NOT_A_LINK.format(shown=_shown(body, at, 30)))
            closing = _CLOSING.match(body, at + 1)  # its ']' is the same problem, said once
            at = closing.end() if closing else at + 1
        elif char == "]":
            yield (line, f"'{_shown(body, at)}': a ']' outside a link: escape it as '\\]'")
            at += 1
        elif char == "&":
            reference = _CHARACTER_REFERENCE.match(body, at)
            if reference and not _PLAIN_REFERENCE.match(body, at) and line != reference_line:
                yield (line, _NO_REFERENCE.format(shown=_shown(body, at)))
                reference_line = line
            at += 1
        else:  # "<": said once a line (an element's end tag is the same problem)
            if line != tag_line:
                yield (line, _NO_TAG.format(shown=_shown(body, at)))
            at, tag_line = at + 1, line


_CHARACTER_REFERENCE = re.compile(r"&(?:#|[A-Za-z][A-Za-z0-9]*;)")
_REFERENCE_MESSAGE = (
    "'{shown}': a character reference in a link's address, which kramdown (Jekyll, GitHub "
    "Pages) keeps and a browser decodes (java&#x0A;script: is javascript:): write the address "
    "plainly"
)
_NO_TAG = (
    "'{shown}': raw HTML (or a '<'), which Markdown processors read differently (kramdown, "
    "Jekyll's, makes Markdown of a tag it rejects; EJS and ERB run '<%' escaped or not): a "
    "Markdown brief has none; write '&lt;' for a '<'"
)
_NO_TEX = (
    "'{shown}': a backslash shown as text, which MathJax on a site reads as TeX ('\\(' "
    "starts math, '\\href' makes a link of any address): write a backslash as code, `\\`"
)
_NO_REFERENCE = (
    "'{shown}': a character reference, which the page decodes after every check and every "
    "template language has read it (&#92; is a backslash for MathJax, &#123;&#123; braces for "
    "Vue): write the character itself; only &amp;, &lt;, &gt; and &quot; are kept"
)
_NO_INTERPOLATION = (
    "'{shown}': braces shown as '{{{{', which Vue (VitePress, VuePress) runs as code when it "
    "builds the site: set one of them as code, `{{`"
)
_NOT_A_LINK = (
    "'{shown}': a '[' that does not start a link written whole on one line, [text](<address>) "
    "with no title, nor brackets shown as written ([1, 5]) (processors disagree on titles, "
    "link definitions, footnotes and task lists): write the link so, or escape the '[' as "
    "'\\['"
)


def _judged(
    link: re.Match[str], image: bool, line: int, allow_scripts: bool
) -> Iterator[tuple[int, str]]:
    """A whole link's or image's address, judged as HTML judges it in ``<a href>``/``<img src>``."""
    url = link[1] if link[1] is not None else link[2]
    if _CHARACTER_REFERENCE.search(url):
        yield (line, _REFERENCE_MESSAGE.format(shown=url[:30]))
        return
    url = url.replace("&", "&amp;").replace('"', "%22")  # as Markdown writes it into HTML
    element = f'<img src="{url}" alt="">' if image else f'<a href="{url}">'
    found = inert.fragment_findings(element, int, allow_scripts=allow_scripts)
    yield from ((line, message) for _, message in found)


def _read_otherwise(tokens: list[Token]) -> Iterator[tuple[int, str]]:
    """What other Markdown processors read as markup and CommonMark leaves as text.

    A '<' a lenient processor reads as a tag, and a '{' that one reads as an attribute list
    (``## Title {onclick=...}``). Backslash escapes are tokens of their own here (see
    :func:`_parser`), so an escaped '<' ('\\<'), text in every processor, is never in a
    ``text`` token.
    """
    for token in _all(tokens):
        if token.type != "text":
            continue
        line = token.map[0] + 1 if token.map else 0
        tag = _TAG_LIKE.search(token.content)
        if tag:
            yield (
                line,
                (
                    f"'{tag[0]}' is text here but a tag to other Markdown processors: "
                    "write the '<' as '&lt;'"
                ),
            )
        unlinked = _UNLINKED.search(token.content)
        if unlinked:
            yield (
                line,
                (
                    f"'{token.content[unlinked.start() :][:30]}' is text here but a link to "
                    "kramdown (Jekyll, GitHub Pages), which takes an address up to its ')', "
                    "spaces and all: write the address without spaces, or escape the '[' as '\\['"
                ),
            )
        brace = _BRACE.search(token.content)  # '{:' is reported for the whole page
        if brace:
            shown = token.content[brace.start() :][:20]
            yield (
                line,
                (
                    f"'{shown}' starts an attribute list in Hugo, kramdown (Jekyll) and other "
                    "processors, which can give an element any attribute: escape the '{' as '\\{'"
                ),
            )


def _read_by_kramdown(
    body: str, tokens: list[Token], env: dict[str, object], allow_scripts: bool
) -> Iterator[tuple[int, str]]:
    """What kramdown (Jekyll's and GitHub Pages' Markdown reader) reads otherwise.

    Where CommonMark reads code or raw HTML, kramdown may read Markdown: the rest of a page
    after a code fence that is never closed, the lines of an HTML block after its element has
    ended, the indented code under a footnote. And kramdown has syntax of its own: ``{:``
    starts an attribute list (any attribute, handlers too) or an extension
    (``{::nomarkdown}`` passes raw HTML), and it takes lines for link definitions that
    CommonMark does not (``[r]: javascript:x()// y``). So rather than follow kramdown construct
    by construct, the check refuses its syntax anywhere and fences left open, and reads all
    that CommonMark leaves as code or raw HTML a second time, as HTML and as Markdown: both
    readings must be inert too.
    """
    references = env.get("references", {})
    assert isinstance(references, dict)
    lines = body.split("\n")
    yield from _kramdown_syntax(body, references, allow_scripts)
    for token in _all(tokens):
        line = token.map[0] + 1 if token.map else 1
        if token.type == "fence" and token.info.strip() not in ("", "text"):
            yield (line, _LABELLED_FENCE.format(label=token.info.strip()[:20]))
        elif token.type == "fence" and not _closed(lines, token):
            # what follows is the rest of the page, read twice: one message says it all
            yield (line, f"this code fence ('{token.markup}') is never closed: {_FENCE_OPEN}")
        elif token.type in ("fence", "code_block", "code_inline"):
            code = f"{token.info}\n{token.content}" if token.type == "fence" else token.content
            yield from _as_html(code, line, allow_scripts)
            yield from _as_markdown(code, line, references, allow_scripts, raw_html=True)
        elif token.type in ("html_block", "html_inline") and "[" in token.content:
            yield from _as_markdown(token.content, line, references, allow_scripts, raw_html=False)


_FENCE_LABEL = re.compile(r"^[ \t>]*(?:`{3,}|~{3,})[ \t]*([^\s`~][^\n]*)", re.MULTILINE)
"""A line that opens a labelled code fence to some processor, whatever CommonMark makes of it
(kramdown reads ```` ```mermaid?` ```` as one, CommonMark as text)."""
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029]")
"""Control characters and line separators, which processors read differently: kramdown ends a
code fence at ``~~~`` and a form feed, CommonMark does not."""
_SITE_SYNTAX = re.compile(
    r"^[ \t>]*(?:import|export)\b|^[ \t>]*::|@\[|(?<![\w:/\\]):[A-Za-z][\w-]*+\\?[\[{]",
    re.MULTILINE,
)
"""What a site generator runs that is text to Markdown: a line starting ``import`` or
``export`` (MDX: JavaScript, and Docusaurus reads ``.md`` as MDX), ``@[code](path)`` (VuePress
publishes the file), and ``::name`` or ``:name[...]``/``:name{...}`` (Nuxt Content's
components: an iframe, a remote image)."""
_SITE_SYNTAX_MESSAGE = (
    "'{shown}': syntax a site generator runs (MDX's import and export, VuePress's @[code], "
    "Nuxt Content's ::components): a Markdown brief has none"
)
_CONTROL_MESSAGE = (
    "a control character (U+{char:04X}), which Markdown processors read differently (kramdown "
    "ends a code fence at one): delete it"
)
_LABELLED_FENCE = (
    "a code fence labelled '{label}': sites hand labelled fences to renderers (Mermaid draws "
    "a diagram and fetches its images, math and chart renderers run): leave the label out"
)
_FENCE_OPEN = (
    "CommonMark reads the rest of the page as code, kramdown (Jekyll, GitHub Pages) as "
    "Markdown, where raw HTML runs; close it with the same fence"
)
_AS_CODE = "in code, which kramdown (Jekyll, GitHub Pages) may read as Markdown and HTML: "
_AS_TEXT = (
    "in raw HTML, whose lines kramdown (Jekyll, GitHub Pages) reads as Markdown once an "
    "element ends (leave a blank line after the HTML): "
)
_KRAMDOWN_BRACE = re.compile(r"(?<!\\)(?:\\\\)*\{:")
"""kramdown's attribute lists, attribute definitions and extensions, unless the ``{`` is
escaped (an odd number of backslashes before it)."""
_BRACE = re.compile(r"\{(?!:)")
_REFERENCE_IN_ADDRESS = re.compile(r"\]\(\s*+<?[^()\[\]<>\s]*&(?:#|[A-Za-z][A-Za-z0-9]*;)")
"""An inline link's or image's address holding a character reference (``&#x0A;``, ``&Tab;``)."""
_UNLINKED = re.compile(r"\][(\[]")
"""A ``](`` or ``][`` that CommonMark left as text (it would have made a link token): a link,
or a reference to one, to kramdown, which reads addresses with spaces."""
_SPACES = re.compile(r"\s+")
_KRAMDOWN_DEFINITION = re.compile(
    r"(?<!\\)(?:\\\\)*\[(?!\^)[^\[\]\n]++\]:[ \t]*+(?:<([^>\n]*+)>|(\S++))"
)
"""What kramdown may read as a link definition, with the start of its address, which holds the
scheme and the host (kramdown takes the rest of the line too, spaces and all, where CommonMark
sees no definition). A label is read from its last ``[`` (kramdown's may hold one; the address
judged is the same), so that a line of ``[`` is read once. Anywhere on a line, not only at its
start: kramdown also reads one in a list
item, a quotation, a definition list's ``: `` body and a footnote's ``[^1]: `` body, so every
``[label]:`` whose ``[`` is not escaped is judged. Footnotes themselves (``[^1]:``) are not
links."""


def _kramdown_syntax(
    body: str, references: dict[str, dict[str, object]], allow_scripts: bool
) -> Iterator[tuple[int, str]]:
    """The ``{:`` of kramdown anywhere, and its link definitions, each judged as a link."""
    for line, match in _lines(body, _KRAMDOWN_BRACE.finditer(body)):
        yield (
            line,
            f"'{_shown(body, match.end() - 2)}' is kramdown's attribute list or extension "
            "(Jekyll, GitHub Pages), which can give an element any attribute or pass raw HTML: "
            "escape the '{' as '\\{'",
        )
    commonmark = {ref["map"][0] + 1 for ref in references.values() if isinstance(ref["map"], list)}
    for line, match in _lines(body, _KRAMDOWN_DEFINITION.finditer(body)):
        if line not in commonmark:
            yield (
                line,
                f"'{_shown(body, match.start(), 30).strip()}' is a link definition to kramdown "
                "(Jekyll, GitHub Pages) but not to CommonMark: give it a plain address after a "
                "blank line, or put a backslash before its '['",
            )
        # kramdown writes the address as it stands, character references and all
        url = _SPACES.sub("%20", match[1] if match[1] is not None else match[2])
        url = url.replace('"', "&quot;").replace("<", "&lt;")
        link = inert.fragment_findings(f'<a href="{url}">', int, allow_scripts=allow_scripts)
        yield from ((line, f"in this link definition: {message}") for _, message in link)


def _shown(text: str, start: int, size: int = 20) -> str:
    """What a message quotes: ``size`` characters from ``start``, to the end of the line."""
    return text[start : start + size].split("\n")[0]


def _closed(lines: list[str], fence: Token) -> bool:
    """Whether a fence ends with a closing fence of its own (not the end of a page or list)."""
    assert fence.map is not None
    last = fence.map[1] - 1
    mark = re.escape(fence.markup[0])
    closing = re.compile(rf"[ \t>]*{mark}{{{len(fence.markup)},}}[ \t]*")
    return last > fence.map[0] and bool(closing.fullmatch(lines[last]))


def _as_html(code: str, line: int, allow_scripts: bool) -> Iterator[tuple[int, str]]:
    """Code read as raw HTML, as kramdown reads it where its reading of the code ends."""
    ends = [i for i, c in enumerate(code) if c == "\n"]
    found = inert.fragment_findings(
        code, lambda at: line + bisect.bisect_left(ends, at), allow_scripts=allow_scripts
    )
    return ((at, _AS_CODE + message) for at, message in found)


def _as_markdown(
    text: str, line: int, references: dict[str, object], allow_scripts: bool, *, raw_html: bool
) -> Iterator[tuple[int, str]]:
    """Code or raw HTML read as Markdown, with the page's link definitions.

    Each line is read left-aligned, so that no indentation makes it code in this reading.
    """
    parser = _reader(raw_html=raw_html)
    env: dict[str, object] = {"references": dict(references)}
    flat = "\n".join(part.lstrip() for part in text.split("\n"))
    rendered, blocks = _render_by_block(parser, parser.parse(flat, env))
    starts = [offset for offset, _ in blocks]

    def line_of(offset: int) -> int:
        return line + blocks[bisect.bisect_right(starts, offset) - 1][1] - 1

    found = inert.fragment_findings(rendered, line_of, allow_scripts=allow_scripts)
    return ((at, (_AS_CODE if raw_html else _AS_TEXT) + message) for at, message in found)


def _joined(parser: MarkdownIt, body: str, tokens: list[Token]) -> list[Token]:
    """The tokens with each escape joined back into its text, as the renderer expects."""
    from markdown_it.rules_core import text_join
    from markdown_it.rules_core.state_core import StateCore

    state = StateCore(body, parser, {})
    state.tokens = tokens
    text_join(state)
    return state.tokens


_GENERATORS = "Jekyll (Liquid), Hugo (shortcodes), Eleventy and EJS or ERB sites"
_TEMPLATE_SYNTAX = re.compile(r"\{\{|\{%|\{#|<%")
"""Liquid, Nunjucks and Hugo (``{{``, ``{%``, Nunjucks' comment ``{#``), and EJS or ERB
(``<%``, escaped or not: they read the file before any Markdown, and a backslash is nothing to
them)."""
_TAG_LIKE = re.compile(r"<[A-Za-z/!?][^\s<>]{0,20}")
_QUOTED = (
    r'"(?:[^"\\\x00-\x1f\x7f\'<>\[\]{}&]|&(?:lt|gt|amp|#91|#93|#123|#125);'
    r"|\\(?:[\\/bfnrt]|u(?!00(?:2[27]|3[cCeE]|5[bBdD]|7[bBdD]))[0-9a-fA-F]{4}"
    r'|x(?!(?:2[27]|3[cCeE]|5[bBdD]|7[bBdD]))[0-9a-fA-F]{2}))*"'
)
"""A value as :func:`yaml_string` writes it: no character, written or escaped, that HTML,
Markdown or a template language reads as markup (``<>"'[]{}``)."""
_FIELD = re.compile(rf"([a-z0-9_]+):(?: ({_QUOTED}))?")
_ITEM = re.compile(rf"  - {_QUOTED}")
_OPENS_BLOCK = re.compile(r"[\ufeff \t]*(?:---|\+\+\+|;;;|\{)")
"""A first line that some static-site generator reads as the start of front matter: YAML
(``---``), JavaScript or JSON (``---js``, ``---json``, Eleventy), TOML (``+++``, Hugo), JSON
(``{``, Hugo; ``;;;``, Eleventy)."""


def _front_matter(text: str) -> tuple[list[tuple[int, str]], str]:
    """Check a page's front matter; return what is wrong with it and the page without it.

    The only front matter accepted is what :func:`front_matter` writes: ``---`` on the first
    line, then known keys, each a quoted string or a list of them with no brace or angle
    bracket left unescaped, then ``---``. Anything else a generator could read as front matter,
    at the start of the page or right after the block (a second block), is refused. The page is
    returned with the block blanked out, lines kept (it is data, not content).
    """
    found: list[tuple[int, str]] = []
    lines = text.split("\n")
    end = 0
    if lines[0] == "---":
        end = next((i for i in range(1, len(lines)) if lines[i] == "---"), 0)
        if not end:
            return [(1, "the front matter starting here never ends ('---')")], ""
        found += _front_matter_lines(lines[1:end])
        end += 1
    first = next((i for i in range(end, len(lines)) if lines[i].strip(" \t\r\ufeff")), None)
    if first is not None and _OPENS_BLOCK.match(lines[first]):
        where = "a second front matter block" if end else "front matter"
        found.append(
            (
                first + 1,
                f"'{lines[first][:20]}' starts {where} that static-site generators read "
                "(some run it as code); the tool writes the only front matter a brief has, "
                "so a template starts with its body",
            )
        )
    return found, "\n" * end + "\n".join(lines[end:])


def _front_matter_lines(lines: list[str]) -> Iterator[tuple[int, str]]:
    seen: set[str] = set()
    key = ""
    for number, line in enumerate(lines, start=2):
        field = _FIELD.fullmatch(line)
        if field and field[1] in FRONT_MATTER_KEYS and field[1] not in seen:
            key = "" if field[2] else field[1]
            seen.add(field[1])
        elif key and _ITEM.fullmatch(line):
            continue
        else:
            shown = line[:40]
            yield (
                number,
                f"front matter line '{shown}' is not one the tool writes: only the keys "
                f"{', '.join(FRONT_MATTER_KEYS)}, once each, with quoted text "
                "(no template syntax), are published",
            )


def _lines(text: str, matches: Iterator[re.Match[str]]) -> Iterator[tuple[int, re.Match[str]]]:
    """Each match with its line, counting newlines once along the way."""
    line, done = 1, 0
    for match in matches:
        line += text.count("\n", done, match.start())
        done = match.start()
        yield line, match


def _parser() -> MarkdownIt:
    """A CommonMark parser that reads raw HTML and keeps every link for the check to judge.

    Backslash escapes stay tokens of their own (its ``text_join`` rule is off), so that a '<'
    CommonMark reads as text is told apart from an escaped one; :func:`_joined` joins them.
    """
    from markdown_it import MarkdownIt

    parser = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
    parser.validateLink = lambda url: True  # type: ignore[method-assign]  # judged as HTML
    return parser.disable("text_join")


@functools.cache
def _reader(*, raw_html: bool) -> MarkdownIt:
    """A CommonMark parser for a second reading: with raw HTML, or with tags read as text."""
    from markdown_it import MarkdownIt

    parser = MarkdownIt("commonmark", {"html": raw_html}).enable(["table", "strikethrough"])
    parser.validateLink = lambda url: True  # type: ignore[method-assign]  # judged as HTML
    return parser


def _render_by_block(parser: MarkdownIt, tokens: list[Token]) -> tuple[str, list[tuple[int, int]]]:
    """The page as HTML, and where in it each top-level block starts, with the block's line."""
    pieces: list[str] = []
    blocks: list[tuple[int, int]] = []
    size, first = 0, 0
    for i in range(1, len(tokens) + 1):
        if i < len(tokens) and not (tokens[i].level == 0 and tokens[i].nesting >= 0):
            continue
        piece = parser.renderer.render(tokens[first:i], parser.options, {})
        where = tokens[first].map
        blocks.append((size, where[0] + 1 if where else (blocks[-1][1] if blocks else 1)))
        pieces.append(piece)
        size += len(piece)
        first = i
    return "".join(pieces), blocks or [(0, 1)]


def _all(tokens: list[Token]) -> list[Token]:
    """Every token, with the inline tokens inside blocks (they carry no map of their own)."""
    out = []
    for token in tokens:
        out.append(token)
        for child in token.children or ():
            child.map = child.map or token.map
            out.append(child)
    return out


def published(brief: Brief, text: str, setting: Setting) -> bytes:
    """The Markdown brief as written: UTF-8, ending with one newline."""
    return (text.rstrip("\n") + "\n").encode()


if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.token import Token
