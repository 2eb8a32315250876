"""Briefs in the team's language: complete catalogs, no English left, terms that keep the grammar.

An advocacy team sets ``language = "fr"`` and hands the brief to a ministry without editing a
word, so every heading, label and generated sentence must be French, dates and country names
French, and the profile's English evidence tagged as English for screen readers.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path
from typing import ClassVar

import pytest
import yaml
from babel.dates import format_date
from babel.messages.pofile import read_po, write_po
from click.testing import CliRunner

from aftercare_report import errors, i18n, overlay, pipeline, translations
from aftercare_report.build import Brief
from aftercare_report.cli import cli
from aftercare_report.config import Project, load_project
from aftercare_report.i18n import using
from aftercare_report.loading import load_yaml
from aftercare_report.resources import DEFAULT_FRAMEWORK, bundled
from aftercare_report.templating import render, templates

from .conftest import VALID, load_script

SHIPPED = ("fr", "es")
COUNTRY_NAMES = {"fr": "Thaïlande", "es": "Tailandia"}


class _BriefText(HTMLParser):
    """The text a reader of the brief's language sees: passages tagged in another language
    (quoted evidence), styles and scripts are left out."""

    VOID: ClassVar = {"br", "wbr", "img", "meta", "link", "hr", "input", "col", "source"}

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[tuple[str, str]] = []  # (tag, language)
        self.parts: list[str] = []
        self.lang = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.VOID:
            return
        found = dict(attrs).get("lang")
        if tag == "html":
            self.lang = found or ""
        current = self.stack[-1][1] if self.stack else self.lang
        self.stack.append((tag, found or current))

    def handle_endtag(self, tag: str) -> None:
        while self.stack:
            if self.stack.pop()[0] == tag:
                break

    def handle_data(self, data: str) -> None:
        tag, lang = self.stack[-1] if self.stack else ("", self.lang)
        if tag not in ("style", "script") and lang == self.lang:
            self.parts.append(data)

    def text(self) -> str:
        return " ".join(" ".join(self.parts).split())


def brief_text(html: str, titles: bool = True) -> str:
    """The brief's own-language text; without ``titles``, quoted source titles are left out
    (a title is quoted as published, whatever the brief's language)."""
    parser = _BriefText()
    parser.feed(html)
    text = re.sub(r"https?://\S+", "<url>", parser.text())  # an address is no language's text
    return text if titles else re.sub(r"“[^”]*”|«[^»]*»", "“…”", text)


def render_all(project: Project, countries: tuple[str, ...] = ()) -> dict[str, str]:
    """Build every brief's HTML in the project's language, as the workers do."""
    with using(pipeline.language(project)):
        planned: list[Brief] = pipeline.plan(pipeline.analyse(project, countries), project)
    tpl = templates(project.templates)
    out = {}
    for b in planned:
        with using(b.language):
            out[b.stem] = render(tpl, b.kind + ".html", b.context, medium="screen", subject=b.stem)
    return out


@pytest.fixture(scope="module")
def shipped_briefs() -> dict[str, dict[str, str]]:
    """Thailand, the United Kingdom and their comparison, in each shipped language."""
    pair = tuple(bundled("profiles") / f"{slug}.yaml" for slug in ("thailand", "united-kingdom"))
    return {lang: render_all(Project(profiles=pair, language=lang)) for lang in (*SHIPPED, "en")}


# --- the shipped catalogs and overlays are complete ------------------------------------------


def test_message_template_is_extracted_from_the_code() -> None:
    module = load_script("extract_messages")
    assert i18n.TEMPLATE.read_bytes() == module.extract(), "run: scripts/extract_messages.py"


@pytest.mark.parametrize("language", SHIPPED)
def test_shipped_catalog_is_complete_and_its_placeholders_match(language: str) -> None:
    report = translations.check_catalog(i18n.catalog_path(language), language)
    assert report.total > 200
    problems = [f"{f.line}: {f.message}" for f in report.findings]
    assert not problems, "\n".join(problems[:20])


@pytest.mark.parametrize("language", SHIPPED)
def test_shipped_framework_overlay_gives_every_text(language: str) -> None:
    path = overlay.overlay_path(DEFAULT_FRAMEWORK, language, None)
    assert path is not None
    report = translations.check_overlay(DEFAULT_FRAMEWORK, path)
    assert report.total > 250 and not report.findings, report.findings[:5]


# --- no English left in a French or Spanish brief --------------------------------------------


@functools.cache
def _english_fragments() -> list[str]:
    """Runs of three or more words from every English message and framework text."""
    texts: list[str] = []
    for message in translations.template():
        if not message.id or message.context == i18n.TERM_CONTEXT:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        texts.extend(ids)
    data = load_yaml(DEFAULT_FRAMEWORK).data
    texts.extend(str(overlay.value_at(data, target)) for target, _ in overlay.texts(data))
    fragments = []
    for text in texts:
        text = re.sub(r"<[^>]+>", " ", text)
        for piece in re.split(r"%\(\w+\)s|\{\w+\}|[.,;:()“”\"]", text):
            words = piece.split()
            if len(words) >= 3:
                fragments.append(" ".join(words))
    return sorted(set(fragments))


@pytest.mark.parametrize("language", SHIPPED)
@pytest.mark.parametrize("stem", ["thailand", "comparative"])
def test_no_english_heading_or_sentence_remains(
    shipped_briefs: dict[str, dict[str, str]], language: str, stem: str
) -> None:
    html = shipped_briefs[language][stem]
    text = brief_text(html, titles=False)
    left = [f for f in _english_fragments() if f in text]
    assert not left, left[:10]
    assert f'<html lang="{language}">' in html


@pytest.mark.parametrize("language", SHIPPED)
def test_dates_and_country_names_are_localised(
    shipped_briefs: dict[str, dict[str, str]], language: str
) -> None:
    html = shipped_briefs[language]["thailand"]
    text = brief_text(html, titles=False)
    as_of = re.search(r'<time datetime="(\d{4}-\d\d-\d\d)"', html)
    assert as_of
    day = format_date(dt.date.fromisoformat(as_of[1]), "long", locale=language)
    assert day in text and not re.search(
        r"\b\d{1,2} (January|February|March|April|May|June|"
        r"July|August|September|October|November|December)\b",
        text,
    )
    assert COUNTRY_NAMES[language] in text and "Thailand" not in text
    comparative = brief_text(shipped_briefs[language]["comparative"], titles=False)
    assert ("Royaume-Uni" if language == "fr" else "Reino Unido") in comparative


def test_evidence_in_another_language_is_tagged_with_its_own(
    shipped_briefs: dict[str, dict[str, str]],
) -> None:
    html = shipped_briefs["fr"]["thailand"]
    assert 'lang="en"' in html
    # The English evidence is tagged, so what remains untagged is French: the whole English
    # brief's text is not in it.
    english = brief_text(shipped_briefs["en"]["thailand"])
    assert "shelter" in english and "shelter" not in brief_text(html).lower()


def test_english_brief_tags_nothing_as_foreign(shipped_briefs: dict[str, dict[str, str]]) -> None:
    html = shipped_briefs["en"]["thailand"]
    assert '<html lang="en">' in html and html.count(' lang="') == 1


def test_json_says_which_language_its_sentences_are_in(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["gaps", "thailand", "--json", "--language", "es"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["language"] == "es" and data["evidence_language"] == "en"
    assert any("12 meses" in m for m in data["key_messages"]), data["key_messages"]


# --- terms are forms, not word replacement ---------------------------------------------------

LIVED = {
    "survivor": "person with lived experience",
    "survivors": "people with lived experience",
    "survivor_attr": "lived-experience",
    "victim": "person identified as trafficked",
    "victims": "people identified as trafficked",
    "re_trafficking": "renewed exploitation",
}
BROKEN = [
    r"\bsurvivor",
    r"\bvictim",
    r"re-trafficking",
    r"[Ll]ived experience aftercare",
    r"lived experience-\w",
    r"\ba people\b",
    r"\ban? people with",
    r"people with lived experience'",
    r"person with lived experience's",
    r"(^|[.:;] |every |each )[Pp]eople with lived experience (is|has|was)\b",
    r"(^|[.:;] |every |each )[Pp]erson with lived experience (are|have|were)\b",
    r"[Pp]erson with lived experience aftercare",
    r"\{\w+\}",
    r"%\(\w+\)s",
]


def _neutral_profile(folder: Path) -> None:
    """Testland with its evidence reworded, so any term left in the brief is generated text."""
    text = VALID.read_text(encoding="utf-8")
    text = re.sub(r"(?<![\w_-])([Ss]urvivors?|[Vv]ictims?)(?![\w_])", "people", text)
    text = text.replace("re-trafficking", "exploitation again")
    folder.mkdir()
    (folder / "testland.yaml").write_text(text, encoding="utf-8")


def test_terms_read_correctly_everywhere_with_people_with_lived_experience(
    tmp_path: Path,
) -> None:
    _neutral_profile(tmp_path / "profiles")
    terms = "".join(f'{k} = "{v}"\n' for k, v in LIVED.items())
    config = tmp_path / "aftercare-report.toml"
    config.write_text(f'[project]\nprofiles = ["profiles"]\n\n[terms]\n{terms}', encoding="utf-8")
    briefs = render_all(load_project(config), ("testland",))
    text = brief_text(briefs["testland"])
    found = {p: [m[0] for m in re.finditer(r".{0,40}" + p + r".{0,30}", text)] for p in BROKEN}
    assert not {p: hits for p, hits in found.items() if hits}
    assert "Aftercare for people with lived experience in Testland" in text
    assert "People identified as trafficked identified or referred" in text  # the figure label


def test_a_term_changed_in_part_is_an_error_naming_the_missing_forms(tmp_path: Path) -> None:
    config = tmp_path / "aftercare-report.toml"
    config.write_text('[terms]\nsurvivors = "victims"\n\n[terms.fr]\nsurvivor = "victime"\n')
    result = CliRunner().invoke(cli, ["--config", str(config), "list"])
    assert result.exit_code == 1
    assert "terms.survivors" in result.output and "survivor_attr" in result.output
    assert "terms.fr.survivor" in result.output and ":2:" in result.output


def test_terms_are_per_language(tmp_path: Path) -> None:
    config = tmp_path / "aftercare-report.toml"
    config.write_text(
        '[project]\nlanguage = "fr"\n\n[terms.fr]\nvictim = "victime"\n'
        'victims = "victimes de la traite des êtres humains"\n'
    )
    text = brief_text(render_all(load_project(config), ("thailand",))["thailand"])
    assert "victimes de la traite des êtres humains" in text


# --- a team's own language -------------------------------------------------------------------


def _translate_po(path: Path) -> None:
    catalog = read_po(path.open("rb"), locale="de")
    for message in catalog:
        if not message.id:
            continue
        if message.context == i18n.TERM_CONTEXT:
            message.string = "Überlebende"
        elif isinstance(message.id, tuple):
            message.string = tuple(f"DE {message.id[1]}" for _ in range(catalog.num_plurals))
        else:
            message.string = f"DE {message.id}"
        message.flags.discard("fuzzy")
    buffer = io.BytesIO()
    write_po(buffer, catalog)
    path.write_bytes(buffer.getvalue())


def _translate_overlay(path: Path) -> None:
    data = load_yaml(DEFAULT_FRAMEWORK).data
    tree: dict[object, object] = {"language": "de", "framework": data["id"]}
    for target, source in overlay.texts(data):
        node = tree
        for part in source[:-1]:
            node = node.setdefault(part, {})  # type: ignore[assignment,attr-defined]
        node[source[-1]] = "DE " + str(overlay.value_at(data, target))  # type: ignore[index]
    path.write_text(yaml.safe_dump(tree, allow_unicode=True), encoding="utf-8")


@pytest.mark.slow
def test_a_team_adds_its_own_language_end_to_end(tmp_path: Path) -> None:
    (tmp_path / "profiles").mkdir()
    shutil.copy(VALID, tmp_path / "profiles")
    config = tmp_path / "aftercare-report.toml"
    config.write_text('[project]\nprofiles = ["profiles"]\nlanguage = "de"\n')
    run = CliRunner()
    args = ["--config", str(config)]
    refused = run.invoke(cli, [*args, "build", "--format", "html", "--out", str(tmp_path / "o")])
    assert refused.exit_code == 1 and "translations init de" in refused.output
    assert not (tmp_path / "o").exists()
    started = run.invoke(cli, [*args, "translations", "init", "de"])
    assert started.exit_code == 0, started.output
    folder = tmp_path / "translations"
    assert (folder / "de.po").is_file() and (folder / "framework.de.yaml").is_file()
    checked = run.invoke(cli, [*args, "translations", "check", "de"])
    assert checked.exit_code == 1 and "untranslated" in checked.output
    assert "0 of" in checked.output
    half = run.invoke(cli, [*args, "build", "--format", "html", "--out", str(tmp_path / "o")])
    assert half.exit_code == 1 and "not translated into German" in half.output
    _translate_po(folder / "de.po")
    _translate_overlay(folder / "framework.de.yaml")
    checked = run.invoke(cli, [*args, "translations", "check", "de"])
    assert checked.exit_code == 0, checked.output
    built = run.invoke(cli, [*args, "build", "--format", "html", "--out", str(tmp_path / "o")])
    assert built.exit_code == 0, built.output
    html = (tmp_path / "o" / "testland.html").read_text(encoding="utf-8")
    assert '<html lang="de">' in html and "DE Key findings" in html
    assert "DE Identification and referral" in html  # the framework overlay
    as_of = load_yaml(VALID).data["as_of"]
    assert format_date(as_of, "long", locale="de") in html
    # A changed translation is a changed input: the next build does not reuse the brief.
    po = folder / "de.po"
    po.write_text(po.read_text(encoding="utf-8").replace('"DE Key findings"', '"DE Befunde"'))
    again = run.invoke(cli, [*args, "build", "--format", "html", "--out", str(tmp_path / "o")])
    assert again.exit_code == 0, again.output
    assert "DE Befunde" in (tmp_path / "o" / "testland.html").read_text(encoding="utf-8")


@pytest.mark.slow  # seconds of work: the fast set stays under a minute
def test_a_misspelt_placeholder_in_a_team_catalog_is_reported_with_its_line(
    tmp_path: Path,
) -> None:
    config = tmp_path / "aftercare-report.toml"
    config.write_text('[project]\nlanguage = "de"\n')
    run = CliRunner()
    assert run.invoke(cli, ["--config", str(config), "translations", "init", "de"]).exit_code == 0
    po = tmp_path / "translations" / "de.po"
    _translate_po(po)
    text = po.read_text(encoding="utf-8")
    text = text.replace('msgstr "DE Evidence as of %(date)s."', 'msgstr "Stand: %(datum)s."')
    po.write_text(text, encoding="utf-8")
    checked = run.invoke(cli, ["--config", str(config), "translations", "check", "de"])
    assert checked.exit_code == 1
    assert re.search(r"de\.po:\d+:1: .*datum", checked.output), checked.output
    # A build stops on it before rendering, with the same line, rather than mid-sentence.
    built = run.invoke(cli, ["--config", str(config), "build", "--format", "html"])
    assert built.exit_code == 1 and "Traceback" not in built.output
    assert re.search(r"de\.po:\d+:1: .*datum", built.output), built.output


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("ar", "right to left"),
        ("he", "right to left"),
        ("xx", "not a language code"),
        ("pt", "no translation into Portuguese"),
    ],
)
def test_languages_the_briefs_cannot_be_written_in_are_refused_clearly(
    tmp_path: Path, language: str, message: str
) -> None:
    out = tmp_path / "out"
    result = CliRunner().invoke(
        cli, ["build", "thailand", "--language", language, "--format", "html", "--out", str(out)]
    )
    assert result.exit_code == 1 and message in result.output
    assert "Traceback" not in result.output and not out.exists()


def test_validate_notes_evidence_in_another_language_and_missing_names(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["validate", str(VALID), "--language", "fr"])
    assert result.exit_code == 0
    assert "evidence-language" not in result.output  # codes are not printed; the message is
    assert "briefs are in 'fr'" in result.output and "no names.fr" in result.output
    bundled = CliRunner().invoke(cli, ["validate", "--language", "fr"])
    assert "no names.fr" not in bundled.output  # the bundled profiles name themselves in French


# --- the PDF carries the languages -----------------------------------------------------------


def _struct_languages(path: Path) -> tuple[str, set[str]]:
    """The document's language, and the languages its structure elements are tagged with."""
    import pypdf

    root = pypdf.PdfReader(path).trailer["/Root"]
    found: set[str] = set()
    todo = [root["/StructTreeRoot"]]
    while todo:
        node = todo.pop().get_object()
        if isinstance(node, pypdf.generic.ArrayObject):
            todo.extend(node)
        elif isinstance(node, pypdf.generic.DictionaryObject):
            if "/Lang" in node:
                found.add(str(node["/Lang"]))
            if "/K" in node:
                todo.append(node["/K"])
    return str(root["/Lang"]), found


@pytest.mark.slow
def test_pdf_tags_the_brief_and_the_quoted_evidence_with_their_languages(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli, ["build", "thailand", "--language", "fr", "--format", "pdf", "--out", str(tmp_path)]
    )
    assert result.exit_code == 0, result.output
    document, passages = _struct_languages(tmp_path / "thailand.pdf")
    assert document == "fr" and passages == {"en"}


def test_a_catalog_that_defines_a_message_twice_is_refused_at_the_repeat(tmp_path: Path) -> None:
    # Security review 17a, M3: Babel merges each repeat into the first, copying its locations:
    # 38,711 repeats of one message took `validate` 8 minutes in the building process.
    head = 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
    entry = '#: a.py:1\nmsgid "Briefs"\nmsgstr "Notes"\n\n'
    po = tmp_path / "fr.po"
    po.write_text(head + entry + entry * 20_000)
    with pytest.raises(errors.InputError) as caught:
        i18n.read_catalog(po, "fr")
    (finding,) = caught.value.findings
    # Babel dates a message by the line after it: the repeat is at lines 9-11.
    assert 9 <= finding.line <= 12 and "defined a second time here" in finding.message


def test_a_catalogs_look_alike_warnings_are_capped(tmp_path: Path) -> None:
    # Security review 19a, L2: a 2 MB catalog gave 49,000 warnings in every command.
    from aftercare_report import lookalikes

    found = lookalikes.line_findings("fr.po", [(i, "Not \u202e.tem") for i in range(1, 500)])
    assert len(found) == lookalikes.SHOWN + 1
    assert found[-1].message.startswith("and 399 more such texts in this file")
