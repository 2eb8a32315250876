"""`serve`'s incremental builds: after any edit the served briefs are what a clean build makes.

The preview keeps profiles, reports, contexts and workers between builds and renders only the
briefs whose inputs changed (``aftercare_report/live.py``). Each test edits one kind of input
and compares every served brief, byte for byte, with a clean build of the same files into
another folder; and checks the edit is in the page, so a preview that changed nothing (and a
clean build that ignored the file) cannot pass.
"""

from __future__ import annotations

import shutil
import stat
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import yaml

from aftercare_report import config, pipeline, serve
from aftercare_report.resources import DEFAULT_FRAMEWORK, bundled

from .conftest import fontless_script
from .serving import eventually, fetch, serving

pytestmark = pytest.mark.slow  # worker processes: seconds, not milliseconds

CATALOG = """\
msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\\n"
"Language: en\\n"

msgid "Key findings"
msgstr "{text}"
"""
OVERRIDE = """\
{% extends "default:country.html" %}
{% block closing %}
{{ super() }}
<p>Prepared by the team.</p>
{% endblock %}
"""


def team_project(folder: Path) -> Path:
    """A project with every input a team edits: profiles, templates, catalog, framework."""
    (folder / "profiles").mkdir(parents=True)
    for profile in bundled("profiles").glob("*.yaml"):
        if "." in profile.stem:
            continue  # a translation (profiles/<slug>.<lang>.yaml)
        shutil.copy(profile, folder / "profiles" / profile.name)
    (folder / "templates").mkdir()
    (folder / "templates" / "country.html").write_text(OVERRIDE)
    (folder / "translations").mkdir()
    (folder / "translations" / "en.po").write_text(CATALOG.format(text="Key findings"))
    shutil.copy(DEFAULT_FRAMEWORK, folder / "framework.yaml")
    (folder / "aftercare-report.toml").write_text(
        '[project]\nprofiles = ["profiles"]\ntemplates = ["templates"]\n'
        'framework = "framework.yaml"\n\n[brand]\norganisation = "Team One"\n'
    )
    return folder


@pytest.fixture
def preview(tmp_path: Path) -> Iterator[tuple[Path, serve.Preview]]:
    """The project and a preview of it, built once."""
    folder = team_project(tmp_path / "project")
    load = lambda: config.load_project(folder / "aftercare-report.toml")  # noqa: E731
    out = tmp_path / "served"
    out.mkdir()
    shown = serve.Preview(load, out, serve.ServeOptions(jobs=2), "comparative")
    assert shown.rebuild() is None
    try:
        yield folder, shown
    finally:
        shown.close()


def clean_build(folder: Path, out: Path) -> dict[str, bytes]:
    """Every HTML brief of a clean build of the project as it is now, by file name."""
    project = config.load_project(folder / "aftercare-report.toml")
    project = config.with_overrides(project, out=out)
    request = pipeline.BuildRequest(formats=("html",), jobs=1)
    pipeline.build(project, request, pipeline.no_progress)
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*.html"))}


def served(preview: serve.Preview) -> dict[str, bytes]:
    """Every brief's page as served, by its path (``thailand.html``, ``fr/thailand.html``)."""
    return {f"{b.path}.html": (preview.out / f"{b.path}.html").read_bytes() for b in preview.briefs}


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"{old!r} not in {path.name}"
    save(path, text.replace(old, new, 1))


def save(path: Path, text: str) -> None:
    """Save as an editor does: a new file renamed over the old one."""
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text)
    tmp.replace(path)


EDITS: dict[str, tuple[Callable[[Path], None], str]] = {
    "profile": (
        lambda f: edit(f / "profiles" / "thailand.yaml", "summary: >-\n  ", "summary: >-\n  Xq1 "),
        "Xq1",
    ),
    "catalog": (
        lambda f: save(f / "translations" / "en.po", CATALOG.format(text="Xq2 findings")),
        "Xq2 findings",
    ),
    "template": (
        lambda f: edit(f / "templates" / "country.html", "by the team", "by Xq3"),
        "Prepared by Xq3",
    ),
    "framework": (
        lambda f: edit(f / "framework.yaml", "name: Survivor Aftercare Framework", "name: Xq4"),
        "Xq4",
    ),
    "project file": (
        lambda f: edit(f / "aftercare-report.toml", "Team One", "Team Xq5"),
        "Team Xq5",
    ),
}


@pytest.mark.parametrize("kind", list(EDITS))
def test_after_an_edit_every_served_brief_equals_a_clean_build(
    kind: str, preview: tuple[Path, serve.Preview], tmp_path: Path
) -> None:
    folder, shown = preview
    change, marker = EDITS[kind]
    before = served(shown)
    change(folder)
    assert shown.rebuild() is None
    after = served(shown)
    assert after == clean_build(folder, tmp_path / "clean")
    assert marker.encode() in after["thailand.html"] + after["comparative.html"]
    assert after != before


def test_in_every_language_an_overlay_edit_is_served_as_a_clean_build(tmp_path: Path) -> None:
    folder = bilingual(team_project(tmp_path / "project"))
    toml = folder / "aftercare-report.toml"
    overlay = folder / "profiles" / "thailand.fr.yaml"
    summary = yaml.safe_load((folder / "profiles" / "thailand.yaml").read_text())["summary"]

    def translated(word: str) -> str:  # every figure kept, as a translation must
        return yaml.safe_dump({"language": "fr", "summary": f"{word} : {summary}"})

    save(overlay, translated("Xqsix"))
    load = lambda: config.load_project(toml)  # noqa: E731
    out = tmp_path / "served"
    out.mkdir()
    shown = serve.Preview(load, out, serve.ServeOptions(jobs=2), "comparative")
    try:
        assert shown.rebuild() is None
        assert b"Xqsix" in served(shown)["fr/thailand.html"]
        save(overlay, translated("Xqseven"))
        assert shown.rebuild() is None
        after = served(shown)
        assert after == clean_build(folder, tmp_path / "clean")
        assert (
            b"Xqseven" in after["fr/thailand.html"] and b"Xqseven" not in after["en/thailand.html"]
        )
        assert {p.split("/")[0] for p in after} == {"en", "fr"}
    finally:
        shown.close()


def test_a_level_that_changes_other_countries_peers_rebuilds_their_briefs(
    preview: tuple[Path, serve.Preview], tmp_path: Path
) -> None:
    folder, shown = preview
    before = served(shown)
    profile = folder / "profiles" / "thailand.yaml"
    text = profile.read_text()
    start = text.index("  identification:\n    level: 2")
    save(profile, text[:start] + text[start:].replace("level: 2", "level: 4", 1))
    assert shown.rebuild() is None
    after = served(shown)
    assert after == clean_build(folder, tmp_path / "clean")
    others = [name for name in after if name not in ("thailand.html", "comparative.html")]
    assert any(after[n] != before[n] for n in others), "no other brief names Thailand as a peer"


def test_text_no_font_has_in_an_edited_profile_fails_the_rebuild_as_a_build_fails(
    preview: tuple[Path, serve.Preview],
) -> None:
    # The unchanged profiles are not checked against the fonts again; the edited one is.
    script, text = fontless_script()
    folder, shown = preview
    profile = folder / "profiles" / "thailand.yaml"
    original = profile.read_text()
    edit(profile, "summary: >-\n  ", f"summary: >-\n  {text} ")
    error = shown.rebuild()
    assert error is not None and f"summary: {script} text has no font" in error
    assert "thailand.yaml:" in error
    save(profile, original)
    assert shown.rebuild() is None


def test_an_edit_that_changes_nothing_renders_nothing(
    preview: tuple[Path, serve.Preview],
) -> None:
    folder, shown = preview
    generation = shown.generation
    profile = folder / "profiles" / "thailand.yaml"
    save(profile, profile.read_text())  # saved again, unchanged
    assert shown.rebuild() is None
    assert shown.generation == generation, "pages reload only when a brief changed"


def test_a_burst_of_saves_is_one_rebuild_with_the_final_content(tmp_path: Path) -> None:
    folder = team_project(tmp_path)
    profile = folder / "profiles" / "thailand.yaml"
    text = profile.read_text()
    with serving(folder, "--jobs", "2") as url:
        page = fetch(url + "thailand.html")[1]
        generation = _generation(page)
        # An editor's save: write a temporary file, rename it over the profile, set its mode;
        # here twice in a row, the first content never meant to be seen on its own.
        for word in ("Xb1", "Xb2"):
            tmp = profile.with_name(f".{profile.name}.swp")
            tmp.write_text(text.replace("summary: >-\n  ", f"summary: >-\n  {word} ", 1))
            tmp.replace(profile)
        profile.chmod(stat.S_IRUSR | stat.S_IWUSR | stat.S_IRGRP)
        eventually(lambda: "Xb2" in fetch(url + "thailand.html")[1])
        # The open page is written before the build's other briefs and its generation count:
        # under load the text can be served a moment before the count that reloads it.
        eventually(lambda: _generation(fetch(url + "thailand.html")[1]) > generation)
        time.sleep(1)  # a second rebuild, if the burst made one, has had time to finish
        page = fetch(url + "thailand.html")[1]
        assert "Xb1" not in page
        assert _generation(page) == generation + 1, "one save, one rebuild and one reload"


def _generation(page: str) -> int:
    marker = '<script src="/__reload.js?since='
    start = page.index(marker) + len(marker)
    return int(page[start : page.index('"', start)])


def bilingual(folder: Path) -> Path:
    """The project published in English and French (``out/en/``, ``out/fr/``)."""
    toml = folder / "aftercare-report.toml"
    toml.write_text(
        toml.read_text().replace("[project]\n", '[project]\nlanguages = ["en", "fr"]\n')
    )
    shutil.copy(DEFAULT_FRAMEWORK.with_name("framework.fr.yaml"), folder / "framework.fr.yaml")
    return folder


@pytest.mark.parametrize("folder", ["", "fr/"])
def test_only_the_pages_of_changed_briefs_reload(folder: str, tmp_path: Path) -> None:
    project = team_project(tmp_path)
    if folder:
        bilingual(project)
    with serving(project, "--jobs", "2") as url:
        generation = _generation(fetch(f"{url}{folder}thailand.html")[1])
        listen = f"{url}__events?since={generation}&page=/{folder}"
        with (
            urllib.request.urlopen(listen + "thailand.html", timeout=60) as thailand,
            urllib.request.urlopen(listen + "india.html", timeout=60) as india,
        ):
            time.sleep(0.5)  # both listen before the save
            edit(project / "profiles" / "thailand.yaml", "summary: >-\n  ", "summary: >-\n  Xr1 ")
            assert thailand.readline().startswith(b"event: reload")
            india.fp.raw._sock.settimeout(3)  # type: ignore[union-attr]
            with pytest.raises(TimeoutError):
                india.readline()  # India's brief did not change: its page stays


def test_a_pdf_is_made_for_its_brief_alone_and_follows_its_inputs(
    preview: tuple[Path, serve.Preview],
) -> None:
    from aftercare_report.outputs import FORMATS

    folder, shown = preview
    pdf = FORMATS["pdf"]
    first = shown.output(thailand(shown), pdf)
    assert first.startswith(b"%PDF-")
    assert [p.name for p in shown.out.glob("*.pdf")] == ["thailand.pdf"]  # that brief alone
    edit(folder / "profiles" / "india.yaml", "summary: >-\n  ", "summary: >-\n  Xp1 ")
    assert shown.rebuild() is None
    assert shown.output(thailand(shown), pdf) == first  # India's edit is not Thailand's input
    edit(folder / "profiles" / "thailand.yaml", "summary: >-\n  ", "summary: >-\n  Xp2 ")
    assert shown.rebuild() is None
    assert shown.output(thailand(shown), pdf) != first


def thailand(shown: serve.Preview) -> serve.Served:
    found = shown.find("", "thailand")
    assert found is not None
    return found


def test_word_briefs_asked_for_one_after_another_are_all_made(tmp_path: Path) -> None:
    # Each request runs on a thread of its own; workers forked from it were killed when it
    # ended (the parent-death signal follows the thread), so every second one failed (review 8).
    project = team_project(tmp_path / "project")
    with serving(project, "--jobs", "1") as url:
        for _ in range(3):
            with urllib.request.urlopen(f"{url}thailand.docx", timeout=120) as answer:
                assert answer.status == 200
                assert answer.read(2) == b"PK"  # a Word package (a zip)
