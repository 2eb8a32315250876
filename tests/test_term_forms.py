"""Terms that agree: every message and framework text reads correctly with a team's own terms.

Each language is tried with realistic alternatives a team uses, and every sentence the tool can
write (each message of the catalog, each framework text) is checked against patterns of
broken grammar: a word put before a phrase that cannot take it ("child people with lived
experience"), an article or adjective that does not agree with the term's gender ("certaines
survivants").
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from aftercare_report import catalog, i18n, overlay, translations
from aftercare_report.cli import cli
from aftercare_report.config import load_project
from aftercare_report.errors import InputError
from aftercare_report.i18n import Language
from aftercare_report.loading import load_yaml
from aftercare_report.resources import DEFAULT_FRAMEWORK

from .conftest import VALID

ALTERNATIVES = {
    "en": {
        "survivor": "person with lived experience",
        "survivors": "people with lived experience",
        "survivor_attr": "lived-experience",
    },
    "fr": {
        "survivor": "personne concernée",
        "survivors": "personnes concernées",
        "survivor_attr": "personnes concernées",
    },
    "fr-m": {
        "survivor": "survivant",
        "survivors": "survivants",
        "survivor_attr": "survivants",
        "survivor_gender": "m",
    },
    "es": {
        "survivor": "persona sobreviviente",
        "survivors": "personas sobrevivientes",
        "survivor_attr": "personas sobrevivientes",
    },
    "es-m": {
        "survivor": "sobreviviente",
        "survivors": "sobrevivientes",
        "survivor_attr": "sobrevivientes",
        "survivor_gender": "m",
    },
}
BROKEN = {
    "en": [
        r"\bchild (people|person)\b",
        r"\b[Pp]resumed (people|person)\b",
        r"\ban? people\b",
        r"\ban? lived-experience advisory",
        r"people with lived experience'",
        r"(^|[.:;] |[Ee]very |[Ee]ach )[Pp]eople with lived experience (is|has|was)\b",
    ],
    "fr": [r"\bpersonnes concernées (mineurs|soutenus|accompagnés)\b", r"\b[Cc]ertains personnes"],
    "fr-m": [
        r"\b[Cc]ertaines survivants\b",
        r"\bsurvivants (mineures|soutenues|accompagnées)\b",
        r"\bune survivant\b",
        r"\bsurvivante?s? mineure",
    ],
    "es": [r"\blos personas\b", r"\b(algunos|cuántos|ningún) persona"],
    "es-m": [
        r"\b[Ll]as sobrevivientes\b",
        r"\b([Aa]lgunas|cuántas) sobrevivientes\b",
        r"\bninguna sobreviviente\b",
        r"\bsobrevivientes (explotadas|apoyadas)\b",
    ],
}
LEFT = [r"\{\w+\}", r"%\(\w+\)s", r"\{(survivor|victim):"]
"""A placeholder or a gender choice left unfilled is broken in any language."""


def _language(case: str) -> Language:
    code = case.split("-")[0]
    return Language(code, terms=ALTERNATIVES[case])


def _sentences(language: Language) -> list[str]:
    """Every message of the catalog and every framework text, in ``language``, filled in."""
    out: list[str] = []
    values = _Anything(language.forms)
    messages = language.translations
    for message in translations.template():
        if not message.id or message.context == i18n.TERM_CONTEXT:
            continue
        if not isinstance(message.id, str):
            texts = [messages.ngettext(message.id[0], message.id[1], n) for n in (1, 2, 5)]
        elif message.context:
            texts = [messages.pgettext(message.context, message.id)]
        else:
            texts = [messages.gettext(message.id)]
        out.extend(language.agree(text) % values for text in texts)
    with i18n.using(language):
        framework = catalog.load_framework(None, language.code)
    data = framework.model_dump()
    english = load_yaml(DEFAULT_FRAMEWORK).data
    for target, _ in overlay.texts(english):
        text = overlay.value_at(data, target)
        if isinstance(text, str):
            names = dict.fromkeys(("country", "in_country", "of_country", "component"), "X")
            out.append(language.fill(text, **names))
    return out


class _Anything(dict[str, object]):
    """Placeholder values: the language's terms (capitalised too), and "X" for anything else."""

    def __missing__(self, key: str) -> object:
        lower = key[:1].lower() + key[1:]
        if lower != key and lower in self:
            text = str(self[lower])
            return text[:1].upper() + text[1:]
        return "X"


@pytest.mark.parametrize("case", sorted(ALTERNATIVES))
def test_every_sentence_reads_correctly_with_a_teams_own_term(case: str) -> None:
    language = _language(case)
    sentences = _sentences(language)
    assert len(sentences) > 500
    patterns = [*BROKEN[case], *LEFT]
    broken = {
        p: [m[0] for s in sentences for m in re.finditer(".{0,40}" + p + ".{0,30}", s)]
        for p in patterns
    }
    assert not {p: hits[:3] for p, hits in broken.items() if hits}


def test_forms_a_team_did_not_give_are_made_from_those_it_gave() -> None:
    assert Language("en").forms["child_survivors"] == "child survivors"  # the default
    lived = _language("en").forms
    assert lived["child_survivors"] == "children among people with lived experience"
    assert lived["child_survivor"] == "child among people with lived experience"
    chosen = Language("en", terms={**ALTERNATIVES["en"], "child_survivors": "young people"})
    assert chosen.forms["child_survivors"] == "young people"
    assert _language("es-m").forms["child_survivors"] == "niñas y niños entre los sobrevivientes"
    assert Language("fr").forms["survivor_gender"] == "f"


def test_a_gender_that_is_not_f_or_m_is_an_error_at_its_line(tmp_path: Path) -> None:
    config = tmp_path / "aftercare-report.toml"
    config.write_text(
        '[project]\nlanguage = "fr"\n\n[terms]\nsurvivor = "survivant"\nsurvivors = "survivants"\n'
        'survivor_attr = "survivants"\nsurvivor_gender = "masc"\n'
    )
    with pytest.raises(InputError) as caught:
        load_project(config)
    (finding,) = caught.value.findings
    assert finding.line == 8
    assert "survivor_gender: write f or m (the grammatical gender), not 'masc'" in finding.message


@pytest.mark.parametrize("case", ["en", "fr-m", "es-m"])
@pytest.mark.slow  # seconds of work: the fast set stays under a minute
def test_a_brief_with_a_teams_terms_reads_correctly(tmp_path: Path, case: str) -> None:
    (tmp_path / "profiles").mkdir()
    shutil.copy(VALID, tmp_path / "profiles" / "testland.yaml")
    code = case.split("-")[0]
    terms = "".join(f'{k} = "{v}"\n' for k, v in ALTERNATIVES[case].items())
    (tmp_path / "aftercare-report.toml").write_text(
        f'[project]\nprofiles = ["profiles"]\nlanguage = "{code}"\n\n[terms]\n{terms}'
    )
    out = tmp_path / "out"
    args = ["--config", str(tmp_path / "aftercare-report.toml"), "build", "--format", "html"]
    result = CliRunner().invoke(cli, [*args, "--out", str(out)])
    assert result.exit_code == 0, result.output
    text = " ".join(re.sub(r"<[^>]+>", " ", (out / "testland.html").read_text()).split())
    assert ALTERNATIVES[case]["survivors"] in text
    found = [m[0] for p in [*BROKEN[case], *LEFT] for m in re.finditer(".{0,40}" + p, text)]
    assert not found, found[:5]


def test_a_malformed_gender_choice_in_a_catalog_is_a_problem_at_its_line(tmp_path: Path) -> None:
    po = tmp_path / "fr.po"
    po.write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n"Language: fr\\n"\n\n'
        'msgid "Some %(survivors)s"\nmsgstr "{survivor:Certaines} %(survivors)s"\n',
        encoding="utf-8",
    )
    report = translations.check_catalog(po, "fr")
    (bad,) = [f for f in report.findings if "gender choice" in f.message]
    assert bad.line == 6 and "{survivor:Certaines} is not a gender choice" in bad.message  # msgid
