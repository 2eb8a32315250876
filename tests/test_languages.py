"""Publishing in several languages: one build, a folder per language, briefs linked together."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from pytest import MonkeyPatch

from aftercare_report import inert, pipeline, serve
from aftercare_report.cli import cli
from aftercare_report.config import Project, load_project
from aftercare_report.errors import InputError, UsageError

from .conftest import VALID
from .serving import fetch, make_project, serving


def run(*args: str, cwd: Path | None = None) -> Result:
    runner = CliRunner()
    if cwd is None:
        return runner.invoke(cli, list(args))
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(cwd)
        return runner.invoke(cli, list(args))


def project_in(folder: Path, settings: str) -> Path:
    """A project with the Testland profile and these ``[project]`` settings."""
    (folder / "profiles").mkdir(parents=True)
    shutil.copy(VALID, folder / "profiles" / "testland.yaml")
    (folder / "aftercare-report.toml").write_text(
        f'[project]\nprofiles = ["profiles"]\n{settings}\n'
    )
    return folder


def alternates(page: Path) -> dict[str, str]:
    """The ``hreflang`` links of a web page: language -> link."""
    found = re.findall(
        r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">', page.read_text()
    )
    return dict(found)


@pytest.mark.slow
def test_several_languages_build_into_a_folder_each_linked_to_the_others(tmp_path: Path) -> None:
    out = tmp_path / "out"
    args = ["thailand", "india", "--language", "fr,en", "--format", "html,json"]
    result = run("build", *args, "--out", str(out))
    assert result.exit_code == 0, result.output
    for lang in ("fr", "en"):
        names = sorted(p.name for p in (out / lang).iterdir())
        assert "thailand.html" in names and "comparative.html" in names
        assert "manifest.json" in names  # each language keeps its own manifest
        page = (out / lang / "thailand.html").read_text()
        assert f'<html lang="{lang}">' in page
    assert not list(out.glob("*.html")), "nothing is written beside the language folders"
    links = {"fr": "../fr/thailand.html", "en": "../en/thailand.html"}
    assert alternates(out / "fr" / "thailand.html") == links
    assert alternates(out / "en" / "thailand.html") == links
    french = (out / "fr" / "thailand.html").read_text()
    assert '<a href="../en/thailand.html" hreflang="en" lang="en">English</a>' in french
    assert 'aria-current="page">Français</span>' in french
    assert alternates(out / "fr" / "comparative.html")["en"] == "../en/comparative.html"
    for page in out.glob("*/*.html"):  # the switch and hreflang links keep every page inert
        text = page.read_text()
        assert inert.csp_meta() in text and inert.problems(text) == [], page


def test_every_language_says_the_same_of_each_country(tmp_path: Path) -> None:
    # The same profiles are assessed in each language: only the words may differ.
    run(
        "build",
        "thailand",
        "india",
        "--language",
        "fr,es",
        "--format",
        "json",
        "--out",
        str(tmp_path),
    )

    def facts(lang: str) -> list[object]:
        data = json.loads((tmp_path / lang / "thailand.json").read_text())
        index = data["index"]
        components = [(c["id"], c["level"], c["gap"]) for c in data["components"]]
        recommendations = [(r["id"], r["priority"], r["headline"]) for r in data["recommendations"]]
        return [index["value"], index["range"], components, recommendations]

    assert facts("fr") == facts("es")


@pytest.mark.slow  # seconds of work: the fast set stays under a minute
def test_one_language_keeps_the_folder_as_it_was(tmp_path: Path) -> None:
    result = run(
        "build", "thailand", "--language", "fr", "--format", "html", "--out", str(tmp_path)
    )
    assert result.exit_code == 0, result.output
    page = tmp_path / "thailand.html"
    assert page.is_file() and not alternates(page)
    assert 'class="languages"' not in page.read_text()


@pytest.mark.slow  # seconds of work: the fast set stays under a minute
def test_a_project_published_in_two_languages_builds_both_then_one(tmp_path: Path) -> None:
    root = project_in(tmp_path / "team", 'languages = ["fr", "en"]')
    first = run("build", "--format", "html", cwd=root)
    assert first.exit_code == 0, first.output
    assert (root / "out" / "fr" / "testland.html").is_file()
    assert (root / "out" / "en" / "testland.html").is_file()
    again = run("build", "--format", "html", cwd=root)
    assert "Wrote 0 files, 2 unchanged." in again.output  # the no-op check, per language
    # One language of a bilingual project goes to its folder and still links to the other.
    only = run("build", "--format", "html", "--language", "en", cwd=root)
    assert "Wrote 0 files, 1 unchanged." in only.output, only.output
    assert not (root / "out" / "testland.html").exists()
    assert alternates(root / "out" / "en" / "testland.html")["fr"] == "../fr/testland.html"


@pytest.mark.slow
def test_a_language_whose_inputs_changed_is_built_again_alone(tmp_path: Path) -> None:
    root = project_in(tmp_path / "team", 'languages = ["fr", "en"]')
    run("build", "--format", "html", cwd=root)
    (root / "translations").mkdir()
    (root / "translations" / "fr.po").write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n"Language: fr\\n"\n\n'
        'msgid "Policy brief"\nmsgstr "Note de plaidoyer"\n'
    )
    result = run("build", "--format", "html", cwd=root)
    assert result.exit_code == 0, result.output
    assert "Wrote 1 file, 1 unchanged." in result.output
    assert "Note de plaidoyer" in (root / "out" / "fr" / "testland.html").read_text()


def test_a_build_in_several_languages_loads_the_profiles_once(
    tmp_path: Path, monkeypatch: MonkeyPatch
) -> None:
    from aftercare_report import catalog

    loads: list[int] = []
    original = catalog.load_profiles

    def counted(*args: object, **kwargs: object) -> object:
        loads.append(1)
        return original(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(catalog, "load_profiles", counted)
    project = Project(
        out=tmp_path, language="fr", languages=("fr", "en", "es"), published=("fr", "en", "es")
    )
    request = pipeline.BuildRequest(countries=("thailand",), formats=("json",), jobs=1)
    result = pipeline.build(project, request, pipeline.no_progress)
    assert sorted(w.path.parent.name for w in result.written) == ["en", "es", "fr"]
    assert len(loads) == 1


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ("fr,fr", "fr is given twice"),
        ("fr,", "write language codes"),
        ("fr;rm", "write language codes"),
    ],
)
def test_language_lists_that_name_no_language_are_usage_errors(given: str, message: str) -> None:
    with pytest.raises(UsageError, match=message):
        load_project(None, language=given)


def test_the_project_file_lists_each_language_once(tmp_path: Path) -> None:
    root = project_in(tmp_path, 'languages = ["fr", "en", "fr"]\nlanguage = "en"')
    with pytest.raises(InputError) as caught:
        load_project(root / "aftercare-report.toml")
    found = [(f.line, f.key, f.message) for f in caught.value.findings]
    assert (3, "project.languages", "fr is listed twice") in found
    assert (
        4,
        "project.language",
        "'en' is not the first of languages: the first of languages "
        "is the project's language, so leave language out",
    ) in found


def test_terms_without_a_language_are_the_first_languages(tmp_path: Path) -> None:
    root = project_in(tmp_path, 'languages = ["fr", "en"]')
    with (root / "aftercare-report.toml").open("a") as handle:
        handle.write(
            '[terms]\nsurvivor = "personne concernée"\nsurvivors = "personnes concernées"\n'
            'survivor_attr = "des personnes concernées"\n'
        )
    project = load_project(root / "aftercare-report.toml")
    assert project.language == "fr" and project.every_language == ("fr", "en")
    assert project.terms["fr"]["survivors"] == "personnes concernées"


@pytest.mark.slow
def test_serve_shows_each_language_with_its_index(tmp_path: Path) -> None:
    make_project(tmp_path)
    with serving(tmp_path, "--language", "fr,en") as url:
        status, french = fetch(url + "fr/")
        assert status == 200 and '<html lang="fr">' in french
        assert '<a href="/fr/testland.html">' in french and "Testland" in french
        assert '<a href="/en/" hreflang="en" lang="en">English</a>' in french
        status, page = fetch(url + "en/testland.html")
        assert status == 200 and 'hreflang="fr" href="../fr/testland.html"' in page
        status, root = fetch(url)  # the first language's index
        assert status == 200 and '<html lang="fr">' in root
        assert fetch(url + "de/testland.html")[0] == 404


def test_the_serve_index_is_written_in_its_language() -> None:
    from aftercare_report.i18n import Language

    brief = serve.Served("fr", "thailand", "Accompagnement en Thaïlande")
    page = serve.index_page([brief], 1, languages=("fr", "en"), language=Language("fr"))
    assert '<html lang="fr">' in page and "<h1>Notes d&#x27;orientation</h1>" in page
    assert '<a href="/en/" hreflang="en" lang="en">English</a>' in page


@pytest.mark.parametrize(
    ("code", "small", "large"),
    [
        ("es", "2018", "14.000"),  # the RAE: no separator in four-digit numbers
        ("es-MX", "2,018", "14,000"),
        ("fr", "2\u202f018", "14\u202f000"),
        ("en", "2,018", "14,000"),
        ("pl", "2018", "14\u00a0000"),
    ],
)
def test_four_digit_numbers_follow_each_languages_usage(code: str, small: str, large: str) -> None:
    from aftercare_report.i18n import Language

    language = Language(code)
    assert (language.number(2018), language.number(14000)) == (small, large)


@pytest.mark.parametrize(
    ("region", "french", "spanish"),
    [
        ("South-East Asia", "Asie du Sud-Est", "Sudeste asiático"),
        ("West Africa", "Afrique occidentale", "África occidental"),
        ("North America", "Amérique du Nord", "América del Norte"),  # 003, not 021
        ("Test region", None, None),
    ],
)
def test_world_regions_are_named_in_each_language_from_cldr(
    region: str, french: str | None, spanish: str | None
) -> None:
    from aftercare_report.countries import region_name

    assert (region_name(region, "fr"), region_name(region, "es")) == (french, spanish)
