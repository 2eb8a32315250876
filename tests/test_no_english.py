"""No English left in a French or Spanish brief: every word the tool writes goes through a catalog.

The tool's own English words are the words of its messages, of the framework's English texts
and of its default terms; a word that is also a word of the target language (in its catalog or
framework overlay: "transit", "destination") is left out, and so are the proper names below.
Every bundled brief is built in French and Spanish; its text, less what is quoted from a profile
(tagged with ``lang="en"``), must hold none of them.
"""

from __future__ import annotations

import functools
import re
import subprocess
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner

from aftercare_report import i18n, overlay
from aftercare_report.cli import cli
from aftercare_report.loading import load_yaml
from aftercare_report.resources import DEFAULT_FRAMEWORK
from aftercare_report.terms import ENGLISH_TERMS

LANGUAGES = ("fr", "es")
WORD = re.compile(r"[^\W\d_]+(?:['\u2019-][^\W\d_]+)*")
PROPER_NAMES = frozenset(
    {
        "tip",  # the US Trafficking in Persons report, cited under its own name
        "gsi",  # the Global Slavery Index's abbreviation
        "osce",
        "iom",
        "ilo",
        "unodc",
        "usaid",
        "palermo",  # the Palermo Protocol
        "aftercare-report",  # the tool's name, in the colophon
    }
)
"""Names a brief in any language writes as they are."""
PROPER_PHRASES = (
    "Live Our Lives",
    "Thailand Counter Trafficking in Persons",
    "Freedom Collaborative",
)
"""Names of groups and projects a profile's translation keeps as they call themselves."""
SAME_WORDS = {
    "fr": frozenset(
        {
            "social",
            "discrimination",
            "europe",
            "national",
            "protection",
            "justice",
            "assistance",
            "permanent",
        }
    ),
    "es": frozenset({"social", "europe", "general", "local", "legal", "normal"}),
}
"""English words that are also words of the language (the catalogs happen not to use them)."""


def _words(text: str) -> set[str]:
    text = re.sub(r"<[^>]+>|%\(\w+\)s|\{\w+\}", " ", text)
    return {w.casefold() for w in WORD.findall(text) if len(w) >= 3}


def _catalog_texts(path: Path, language: str, translated: bool) -> list[str]:
    out: list[object] = []
    for message in i18n.read_catalog(path, language):
        if not message.id:
            continue
        value = message.string if translated else message.id
        out.extend(value if isinstance(value, tuple | list) else [value])
    return [str(v) for v in out if v]


@functools.cache
def english_words(language: str) -> frozenset[str]:
    """The tool's English words that are not also words of ``language``."""
    data = load_yaml(DEFAULT_FRAMEWORK).data
    english = [str(overlay.value_at(data, t)) for t, _ in overlay.texts(data)]
    english += _catalog_texts(i18n.TEMPLATE, "en", translated=False)
    english += list(ENGLISH_TERMS.values())
    ours = _catalog_texts(i18n.catalog_path(language), language, translated=True)
    framework = DEFAULT_FRAMEWORK.with_name(f"framework.{language}.yaml")
    target = load_yaml(framework).data
    ours += [str(overlay.value_at(target, s)) for _, s in overlay.texts(data)]
    own = set().union(*(_words(t) for t in ours))
    english_only = set().union(*(_words(t) for t in english)) - own - SAME_WORDS[language]
    return frozenset(english_only - PROPER_NAMES)


class _Text(HTMLParser):
    """The text a reader meets in a web page, less what is tagged with another language.

    Attribute text a reader is given (``alt``, ``aria-label``, ``title``, the ``<meta>``
    description and keywords) counts; scripts and styles do not. The text of each element
    tagged with another language is kept apart, as quoted evidence.
    """

    def __init__(self, language: str) -> None:
        super().__init__(convert_charrefs=True)
        self.language = language
        self.stack: list[tuple[str, bool]] = []
        self.text: list[str] = []
        self.quoted: list[str] = []
        self.current_quote: list[str] | None = None

    @property
    def foreign(self) -> bool:
        return any(f for _, f in self.stack)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        lang = found.get("lang")
        foreign = lang is not None and lang.split("-")[0] != self.language and tag != "html"
        if foreign and not self.foreign:
            self.current_quote = []
        if tag not in ("meta", "link", "br", "img", "input", "hr", "source", "wbr"):
            self.stack.append((tag, foreign))
        shown = [found.get(k) for k in ("alt", "aria-label", "title")]
        if tag == "meta" and found.get("name") in ("description", "keywords"):
            shown.append(found.get("content"))
        if not self.foreign:
            self.text.extend(s for s in shown if s)

    def handle_endtag(self, tag: str) -> None:
        while self.stack:
            name, _ = self.stack.pop()
            if name == tag:
                break
        if self.current_quote is not None and not self.foreign:
            self.quoted.append(" ".join("".join(self.current_quote).split()))
            self.current_quote = None

    def handle_data(self, data: str) -> None:
        if any(name in ("style", "script") for name, _ in self.stack):
            return
        if self.foreign:
            if self.current_quote is not None:
                self.current_quote.append(data)
        else:
            self.text.append(data)


def page_text(html: str, language: str) -> tuple[str, list[str]]:
    """A page's text in its own language, and the text it quotes in another."""
    parser = _Text(language)
    parser.feed(html)
    return " ".join(" ".join(parser.text).split()), parser.quoted


URL = re.compile(r"\b(?:https?://|www\.)\S+")
HOST = re.compile(r"\b(?:[a-z0-9-]+\.)+[a-z]{2,}\b")
"""A host named alone ("read in a copy at omb.report"): a name, not words."""


def leaks(text: str, language: str) -> list[str]:
    """Each English word of the tool in ``text``, with what surrounds it (web addresses aside)."""
    words = english_words(language)
    text = HOST.sub(" ", URL.sub(" ", text))
    for name in PROPER_PHRASES:
        text = text.replace(name, " ")
    found = []
    for match in WORD.finditer(text):
        if len(match[0]) >= 3 and match[0].casefold() in words:
            found.append(text[max(0, match.start() - 40) : match.end() + 30])
    return found


def without(text: str, quoted: list[str]) -> str:
    """``text`` with every quoted passage taken out, longest first.

    A passage is also taken out piece by piece (between punctuation), since another format
    lays it out differently (a Markdown link around a source's title, a PDF's line breaks).
    """
    text = " ".join(text.split())
    for name in PROPER_PHRASES:  # from the text and the quotes alike, so the quotes still match
        text = " ".join(text.replace(name, " ").split())
        quoted = [" ".join(q.replace(name, " ").split()) for q in quoted]
    pieces = {p.strip() for q in quoted for p in re.split(r"[.,;:()\[\]“”«»\"]", q)}
    for quote in sorted({*quoted, *pieces}, key=len, reverse=True):
        if len(quote) > 2:
            text = text.replace(quote, " ")
    return text


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("briefs")
    args = ["build", "--language", ",".join(LANGUAGES), "--format", "html,md", "--out", str(out)]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    return out


def test_the_list_of_english_words_is_the_tools_own() -> None:
    words = english_words("fr")
    assert {"unknown", "none", "survivors", "support", "the", "and"} <= words
    assert not {"transit", "destination", "palermo"} & words  # French too, or a name


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.slow  # seconds of work: the fast set stays under a minute
def test_a_country_and_a_comparison_print_none_of_the_tools_english(
    tmp_path: Path, language: str
) -> None:
    args = ["build", "thailand", "united-kingdom", "--language", language, "--format", "html"]
    result = CliRunner().invoke(cli, [*args, "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    for page in ("thailand.html", "comparative.html"):
        text, _ = page_text((tmp_path / page).read_text(encoding="utf-8"), language)
        assert not leaks(text, language), (page, leaks(text, language)[:8])


@pytest.mark.slow
@pytest.mark.parametrize("language", LANGUAGES)
def test_no_brief_in_another_language_prints_the_tools_english(built: Path, language: str) -> None:
    found = {}
    for page in sorted((built / language).glob("*.html")):
        text, _ = page_text(page.read_text(encoding="utf-8"), language)
        if left := leaks(text, language):
            found[page.name] = left[:8]
    assert not found, found


@pytest.mark.slow
@pytest.mark.parametrize("language", LANGUAGES)
def test_no_markdown_brief_prints_the_tools_english(built: Path, language: str) -> None:
    found = {}
    for page in sorted((built / language).glob("*.md")):
        _, quoted = page_text((built / language / f"{page.stem}.html").read_text(), language)
        text = re.sub(r"\\([\\`*_{}\[\]()#+\-.!|<>~^$&])", r"\1", page.read_text())
        text = re.sub(r"\A---\n.*?\n---\n", " ", text, flags=re.S)  # front matter: data
        text = URL.sub(" ", re.sub(r"\]\(<[^>]*>\)", "] ", text))  # link targets
        text = HOST.sub(" ", text)  # hosts go from the text and the quotes alike
        quoted = [" ".join(HOST.sub(" ", q).split()) for q in quoted]
        if left := leaks(without(text, quoted), language):
            found[page.name] = left[:8]
    assert not found, found


@pytest.mark.slow
@pytest.mark.parametrize("language", LANGUAGES)
def test_the_pdf_text_and_metadata_hold_no_english_of_the_tools(
    tmp_path: Path, language: str
) -> None:
    args = ["build", "thailand", "--language", language, "--format", "pdf,html"]
    result = CliRunner().invoke(cli, [*args, "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    pdf = tmp_path / "thailand.pdf"
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
    fields = ("Title", "Subject", "Keywords")
    lines = info.splitlines()
    metadata = " ".join(line.partition(":")[2] for line in lines if line.startswith(fields))
    assert not leaks(metadata, language), metadata
    text = subprocess.run(["pdftotext", "-raw", str(pdf), "-"], capture_output=True, text=True)
    # The PDF breaks lines and hyphenates quoted English ("com-\npensated"), so what it quotes is
    # taken out word by word, as many times as the web page quotes each word.
    _, quoted = page_text((tmp_path / "thailand.html").read_text(), language)
    allowed = Counter(w.casefold() for q in quoted for w in WORD.findall(q))
    joined = re.sub(r"(?<=[a-z])-\n(?=[a-z])", "", text.stdout)
    joined = " ".join(re.sub(r"\S*/\S*", " ", joined).split())  # web addresses, broken too
    for name in PROPER_PHRASES:
        joined = joined.replace(name, " ")
    left = []
    for match in WORD.finditer(joined):
        word = match[0].casefold()
        if allowed[word] > 0:
            allowed[word] -= 1
        elif len(word) >= 3 and word in english_words(language):
            left.append(joined[max(0, match.start() - 40) : match.end() + 30])
    assert not left, left[:10]


def test_a_skeletons_placeholder_reaches_no_brief_in_any_language(tmp_path: Path) -> None:
    import datetime as dt

    from aftercare_report import catalog, scaffold

    text = scaffold.profile_skeleton(
        catalog.load_framework(), "Cambodia", "KHM", "South-East Asia", dt.date.today()
    )
    (tmp_path / "profiles").mkdir()
    profile = tmp_path / "profiles" / "cambodia.yaml"
    profile.write_text(text.replace(scaffold.NOTHING_YET, "Not yet researched."))
    out = tmp_path / "out"
    args = ["build", "--profiles", str(profile.parent), "--language", "en,fr,es"]
    result = CliRunner().invoke(cli, [*args, "--format", "html,md", "--out", str(out)])
    assert result.exit_code == 0, result.output
    for page in [*out.glob("*/cambodia.html"), *out.glob("*/cambodia.md")]:
        assert "not yet researched" not in page.read_text().casefold(), page
    assert len(list(out.glob("*/cambodia.*"))) == 6
