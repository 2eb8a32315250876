"""The second security review (issue 23), one test per finding, each with its hostile input.

Items 3 to 6 of the issue: protection a pull request cannot lower; hostile catalogs and fonts;
the manifest and its key; symlinks, scaffolding, ``serve``, internal errors, look-alike text and
YAML 1.1. The inputs are in ``tests/hostile/`` or made by ``tests/hostile.py``.
"""

from __future__ import annotations

import hashlib
import hmac
import http.client
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from aftercare_report import catalog, config, fonts, i18n, inputs, manifest, serve, translations
from aftercare_report.cli import cli
from aftercare_report.config import Project, load_project
from aftercare_report.errors import InputError, UsageError
from aftercare_report.loading import load_yaml
from aftercare_report.model import Framework
from aftercare_report.resources import DEFAULT_FRAMEWORK

from .conftest import VALID, make_font
from .hostile import HOSTILE, deep_json, woff_bomb


def run(*args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(cli, list(args), env=env)


def project_with(folder: Path, toml: str) -> Path:
    """A project folder whose profiles are the Testland profile; return its project file."""
    (folder / "profiles").mkdir(parents=True, exist_ok=True)
    shutil.copy(VALID, folder / "profiles" / "testland.yaml")
    path = folder / "aftercare-report.toml"
    path.write_text('[project]\nprofiles = ["profiles"]\n\n' + toml)
    return path


# 3. Protection a pull request cannot lower -------------------------------------------------------


def test_a_project_file_alone_cannot_raise_its_limits() -> None:
    with pytest.raises(InputError) as caught:
        load_project(HOSTILE / "limits.toml")
    render, memory = caught.value.findings
    assert (render.line, render.key) == (3, "limits.render_seconds")
    assert (memory.line, memory.key) == (4, "limits.memory_mb")
    assert "--allow render_seconds=3600" in render.message
    assert "AFTERCARE_REPORT_ALLOW=render_seconds=3600" in render.message


def test_raised_limits_apply_when_the_run_allows_them(monkeypatch: pytest.MonkeyPatch) -> None:
    allowed = load_project(HOSTILE / "limits.toml", ["render_seconds=3600", "memory_mb=65536"])
    assert (allowed.limits.render_seconds, allowed.limits.memory_mb) == (3600, 65536)
    # From CI's environment, a lower ceiling than the file asks for: refused at its line.
    monkeypatch.setenv("AFTERCARE_REPORT_ALLOW", "render_seconds=60, memory_mb=65536")
    with pytest.raises(InputError) as caught:
        load_project(HOSTILE / "limits.toml")
    (only,) = caught.value.findings
    assert only.key == "limits.render_seconds" and "above the 60 s allowed by" in only.message
    # Without a project file, the allowed value is the limit.
    assert load_project(None, ["render_seconds=120"]).limits.render_seconds == 120


def test_a_project_file_alone_cannot_switch_scripts_on() -> None:
    with pytest.raises(InputError) as caught:
        load_project(HOSTILE / "scripts.toml")
    (finding,) = caught.value.findings
    assert finding.line == 3 and "--allow allow_scripts" in finding.message
    assert load_project(HOSTILE / "scripts.toml", ["allow_scripts"]).allow_scripts


def test_validate_for_github_annotates_settings_that_weaken_protection(tmp_path: Path) -> None:
    path = project_with(tmp_path, "[limits]\nrender_seconds = 120\n")
    refused = run("--config", str(path), "validate", "--format", "github")
    assert refused.exit_code == 1
    assert "::error file=" in refused.stdout and "aftercare-report.toml,line=5," in refused.stdout
    allowed = run(
        "--config", str(path), "validate", "--format", "github", "--allow", "render_seconds=120"
    )
    assert allowed.exit_code == 0, allowed.output
    (note,) = [line for line in allowed.stdout.splitlines() if "aftercare-report.toml" in line]
    assert note.startswith("::notice file=") and "line=5," in note and "30 s to 120 s" in note


def test_a_project_file_alone_cannot_silence_the_bidi_and_look_alike_warnings(
    tmp_path: Path,
) -> None:
    # Security review 10b, M2: `ignore = [...]` hid a reversed title and a Cyrillic host.
    path = project_with(
        tmp_path, '[validate]\nignore = ["bidi-control", "look-alike", "stale-source"]\n'
    )
    profile = tmp_path / "profiles" / "testland.yaml"
    text = profile.read_text()
    title = next(line for line in text.splitlines() if line.strip().startswith("title:"))
    profile.write_text(text.replace(title, title.rstrip() + " \u202eevil", 1))
    refused = run("--config", str(path), "validate", "--strict", "--format", "github")
    assert refused.exit_code == 1
    errors = [line for line in refused.stdout.splitlines() if line.startswith("::error")]
    assert len(errors) == 2 and all("aftercare-report.toml,line=5," in line for line in errors)
    assert "--allow ignore=bidi-control" in refused.stdout
    assert "--allow ignore=look-alike" in refused.stdout
    allowed = run(
        "--config",
        str(path),
        "validate",
        "--format",
        "github",
        "--allow",
        "ignore=bidi-control",
        "--allow",
        "ignore=look-alike",
    )
    assert allowed.exit_code == 0, allowed.output
    assert "U+202E" not in allowed.stdout  # silenced, as the run allowed
    notes = [line for line in allowed.stdout.splitlines() if "validate.ignore" in line]
    assert len(notes) == 2 and all(line.startswith("::notice file=") for line in notes)
    # Without the ignore line, the warning is there to see.
    path.write_text(path.read_text().replace('"bidi-control", ', ""))
    warned = run("--config", str(path), "validate", "--strict", "--allow", "ignore=look-alike")
    assert warned.exit_code == 1 and "U+202E" in warned.output


def test_a_project_file_alone_cannot_silence_the_copy_source_warning(tmp_path: Path) -> None:
    # Security review 16a, L2: the only warning that a source titled as a State Department
    # report is held elsewhere could be silenced by a pull request's project file.
    path = project_with(tmp_path, '[validate]\nignore = ["copy-source"]\n')
    refused = run("--config", str(path), "validate")
    assert refused.exit_code == 1
    assert "--allow ignore=copy-source" in refused.output
    allowed = run("--config", str(path), "--allow", "ignore=copy-source", "validate")
    assert allowed.exit_code == 0, allowed.output


@pytest.mark.parametrize(
    ("setting", "key"),
    [
        ('[edition]\nprevious = "2025"\nprevious_json = ".git/config"\n', "edition.previous_json"),
        ('[project]\nframework = "a/.env/framework.yaml"\n', "project.framework"),
        ('[project]\nout = ".git/hooks"\n', "project.out"),  # review 12a, L4
    ],
)
def test_a_project_file_may_not_name_a_hidden_input(tmp_path: Path, setting: str, key: str) -> None:
    # Security review 10b, L8.2: previous_json = ".git/config" was opened and parsed.
    path = tmp_path / "aftercare-report.toml"
    path.write_text(setting)
    with pytest.raises(InputError) as caught:
        load_project(path)
    (finding,) = [f for f in caught.value.findings if f.key == key]
    assert finding.line == 3 - setting.startswith("[project]") and "is hidden" in finding.message


def test_a_link_to_the_git_folder_is_no_template_folder_or_input(tmp_path: Path) -> None:
    # Security review 11a, H1: `tpl -> .git` and {% include "config" %} published CI's token.
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    (tmp_path / "templates").mkdir()
    (tmp_path / "tpl").symlink_to(".git")
    (tmp_path / "fw.yaml").symlink_to(".git/config")
    config = tmp_path / "aftercare-report.toml"
    config.write_text('[project]\nprofiles = ["bundled"]\ntemplates = ["tpl", "templates"]\n')
    with pytest.raises(InputError) as caught:
        load_project(config)
    assert "'tpl' leads to the hidden '.git'" in caught.value.findings[0].message
    config.write_text('[project]\nprofiles = ["bundled"]\nframework = "fw.yaml"\n')
    with pytest.raises(InputError) as caught:
        load_project(config)
    assert "'fw.yaml' leads to the hidden '.git/config'" in caught.value.findings[0].message
    # Named on the command line, outside any project: a git folder is still refused.
    out = tmp_path / "out"
    args = ["build", "thailand", "--format", "html", "--templates", str(tmp_path / "tpl")]
    result = run(*args, "--out", str(out))
    assert result.exit_code == 1 and "it is a git folder" in result.output
    assert not out.exists()


def test_no_printed_line_of_a_build_can_start_a_workflow_command(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Security review 11a, M2: ':::' kept a '::' and the file table wrapped it to a line start.
    from aftercare_report.console import escape
    from aftercare_report.resources import bundled

    assert "::" not in escape(":::error::") and "##[" not in escape("##[error]x")
    (tmp_path / "profiles").mkdir()
    name = "a" * 43 + ":::error title=pwned:::Injected.yaml"
    shutil.copy(bundled("profiles") / "thailand.yaml", tmp_path / "profiles" / name)
    (tmp_path / "aftercare-report.toml").write_text('[project]\nprofiles = ["profiles"]\n')
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("COLUMNS", "80")
    result = run("build", "--out", "briefs", "--format", "html")
    # Such a name is refused now (review 12a, L3); its message is printed escaped all the same.
    assert result.exit_code == 1 and "the file name holds ':'" in result.output
    assert "Injected" in result.output
    assert not [line for line in result.output.splitlines() if re.match(r"\s*(::|##\[)", line)]


@pytest.mark.parametrize(
    "name",
    ["Manifest.yaml", "new\nline.yaml", "a b.yaml", "x:y.yaml", "##[error].yaml", "a#b.yaml"],
)
def test_a_profile_whose_name_its_briefs_cannot_bear_is_refused(tmp_path: Path, name: str) -> None:
    # Security review 12a, L3: newlines and '::' went into output names; Manifest.yaml is
    # manifest.json's brief on a disk that ignores case.
    shutil.copy(VALID, tmp_path / name)
    result = run("validate", str(tmp_path / name))
    said = " ".join(result.output.split())
    assert result.exit_code == 1
    assert "rename the file" in said or "name it with letters" in said


def test_a_template_folder_with_a_link_to_a_folder_outside_it_is_refused(tmp_path: Path) -> None:
    # Security review 12a, L2: `templates/root -> /` made `serve` watch the whole disk and stop
    # with an internal error.
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "root").symlink_to("/")
    config = tmp_path / "aftercare-report.toml"
    config.write_text('[project]\nprofiles = ["bundled"]\ntemplates = ["templates"]\n')
    with pytest.raises(InputError) as caught:
        load_project(config)
    assert "it holds 'root', a link to a folder outside it" in caught.value.findings[0].message


@pytest.mark.parametrize(
    "title",
    [
        "Tr\u0251fficking in Persons Report",  # LATIN SMALL LETTER ALPHA
        "Traf\u0261icking in Persons Report",  # LATIN SMALL LETTER SCRIPT G
        "\u1d00nnual report",  # LATIN LETTER SMALL CAPITAL A
        "Tr\ua4eefficking in Persons Report",  # LISU LETTER A
        "Tr\u15c5fficking in Persons Report",  # CANADIAN SYLLABICS CARRIER GHO (looks like A)
    ],
)
def test_phonetic_lisu_and_syllabics_letters_in_a_latin_word_are_look_alikes(title: str) -> None:
    # Security review 13a, L5: a fake TIP report title with U+0251 passed validate --strict.
    from aftercare_report import lookalikes

    found = lookalikes.problem(title)
    assert found is not None and found[0] == "look-alike"


def test_an_allowance_that_is_not_understood_is_a_usage_error() -> None:
    result = run("--allow", "render_seconds=1e9", "validate")
    assert result.exit_code == 2 and "render_seconds must be a number above 0" in result.output


# 4. Hostile catalogs and fonts -------------------------------------------------------------------


def test_a_field_width_in_a_catalog_is_refused_at_its_line(tmp_path: Path) -> None:
    folder = tmp_path / "translations"
    folder.mkdir()
    shutil.copy(HOSTILE / "width.po", folder / "fr.po")
    language = i18n.resolve("fr", {}, folder)
    with pytest.raises(InputError) as caught:
        translations.usable(language, folder, None)
    (finding,) = caught.value.findings
    assert finding.line == 8 and "%(in_country)1000000000s" in finding.message  # its msgid
    assert "over 1,000" in finding.message


def test_nplurals_is_checked_before_babel_builds_a_message() -> None:
    # Run where memory is bounded: before the check, Babel allocated 3.9 GB for this file.
    code = (
        "import resource\n"
        "resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))\n"
        "from pathlib import Path\n"
        "from aftercare_report import i18n\n"
        "from aftercare_report.errors import InputError\n"
        "try:\n"
        f"    i18n.read_catalog(Path({str(HOSTILE / 'nplurals.po')!r}), 'fr')\n"
        "except InputError as exc:\n"
        "    print(exc)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-500:]
    assert "nplurals.po:" in done.stdout and "must be a number from 1 to 6" in done.stdout


@pytest.fixture(scope="module")
def team_catalog(tmp_path_factory: pytest.TempPathFactory) -> str:
    folder = tmp_path_factory.mktemp("catalog") / "translations"
    translations.init("de", folder)
    return (folder / "de.po").read_text()


@pytest.mark.parametrize(
    ("header", "message"),
    [
        ('"Plural-Forms: nplurals=x; plural=0;\\n"', "nplurals='x' must be a number"),
        ('"Plural-Forms: nplurals=2; plural=(n !=;\\n"', "not a plural expression"),
        ('"Content-Type: text/plain; charset=foo\\n"', "unknown encoding: foo"),
        ('"POT-Creation-Date: garbage\\n"', "time data 'garbage'"),
        ('"Language: xx_QQ_zz\\n"', "not a valid locale identifier"),
        ('"Language: ../../etc\\n"', "not a catalog"),
    ],
)
def test_an_odd_catalog_header_is_a_located_message(
    tmp_path: Path, team_catalog: str, header: str, message: str
) -> None:
    path = project_with(tmp_path, "")
    (tmp_path / "translations").mkdir()
    lines = team_catalog.splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith(header.split(":")[0]))
    lines[at] = header
    (tmp_path / "translations" / "de.po").write_text("\n".join(lines) + "\n")
    result = run("--config", str(path), "translations", "check", "de")
    assert result.exit_code == 1
    assert "internal error" not in result.output and message in result.output
    assert "translations/de.po:" in result.output


def test_a_catalog_is_read_only_as_a_regular_file_inside_the_project(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    shutil.copy(HOSTILE / "width.po", outside / "fr.po")
    folder = tmp_path / "project" / "translations"
    folder.mkdir(parents=True)
    (folder / "fr.po").symlink_to(outside / "fr.po")
    with pytest.raises(InputError, match=r"'fr\.po' is a symlink"):
        i18n.read_catalog(folder / "fr.po", "fr")
    shutil.rmtree(folder)
    folder.symlink_to(outside)
    with pytest.raises(InputError, match="is a symlink"):
        config.translations_folder(Project(path=tmp_path / "project" / "aftercare-report.toml"))


def test_a_catalog_over_the_size_limit_is_not_parsed(tmp_path: Path) -> None:
    path = tmp_path / "fr.po"
    padding = "".join(f'msgid "m{i}"\nmsgstr "{"x" * 200}"\n\n' for i in range(10_000))
    path.write_text((HOSTILE / "width.po").read_text().split('msgid "Aftercare')[0] + padding)
    with pytest.raises(InputError, match="larger than the limit"):
        i18n.read_catalog(path, "fr")


@pytest.mark.slow  # seconds of work: the fast set stays under a minute
def test_fc_query_runs_under_a_memory_limit(tmp_path: Path) -> None:
    bomb = woff_bomb(tmp_path / "fonts" / "bomb.woff")
    code = (
        "import resource, time\n"
        "from pathlib import Path\n"
        "from aftercare_report import fonts\n"
        "start = time.monotonic()\n"
        "try:\n"
        f"    fonts.query(Path({str(bomb)!r}))\n"
        "except fonts.FontError as exc:\n"
        "    print('refused:', exc)\n"
        "print(time.monotonic() - start, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    refused, figures = done.stdout.splitlines()[-2:]
    seconds, peak_kb = figures.split()
    assert int(peak_kb) < 300 * 1024, f"fc-query took {int(peak_kb) // 1024} MB"
    assert float(seconds) < 10
    assert refused.startswith("refused:") and "256 MB" in refused


def test_each_team_font_is_queried_once_per_command(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_font(tmp_path / "templates" / "fonts" / "team.ttf", f"Once {uuid.uuid4().hex[:8]}", "x")
    path = project_with(tmp_path, '[brand]\nfonts = ["fonts/team.ttf"]\n')
    path.write_text(
        path.read_text().replace("[project]\n", '[project]\ntemplates = ["templates"]\n')
    )
    calls = []
    real = subprocess.run

    def counting(args: list[str], **kwargs: object) -> object:
        calls.extend(a for a in args if str(a).endswith("fc-query"))
        return real(args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(subprocess, "run", counting)
    result = run("--config", str(path), "validate")
    assert result.exit_code == 0, result.output
    assert len(calls) == 1


# 5. The manifest and its key ---------------------------------------------------------------------


def build_json(out: Path, *args: str) -> Result:
    return run("build", "thailand", "--format", "json", "--out", str(out), *args)


@pytest.mark.parametrize(
    ("levels", "force", "reason"),
    [
        (100_000, (), "it holds more than the 2,096 values its folder justifies"),
        (100_000, ("--force",), "it holds more than the 2,096 values its folder justifies"),
        (2_000, (), "it is nested too deeply"),
        (20, (), "it is nested 20 levels deep, more than 8"),
    ],
)
@pytest.mark.slow  # seconds of work: the fast set stays under a minute
def test_a_deeply_nested_manifest_is_ignored_and_rebuilt(
    tmp_path: Path, levels: int, force: tuple[str, ...], reason: str
) -> None:
    assert build_json(tmp_path).exit_code == 0
    (tmp_path / manifest.MANIFEST_NAME).write_text(deep_json(levels))
    result = build_json(tmp_path, *force)
    assert result.exit_code == 0, result.output
    (warning,) = [line for line in result.stderr.splitlines() if "was ignored" in line]
    assert reason in warning
    assert json.loads((tmp_path / manifest.MANIFEST_NAME).read_text())["outputs"]


@pytest.mark.slow  # seconds of work: the fast set stays under a minute
def test_a_manifest_larger_than_its_folder_justifies_is_not_parsed(tmp_path: Path) -> None:
    assert build_json(tmp_path).exit_code == 0
    path = tmp_path / manifest.MANIFEST_NAME
    body = json.loads(path.read_text())
    body["padding"] = "x" * 3_000_000  # 3 MB for a folder of one output
    path.write_text(json.dumps(body))
    result = build_json(tmp_path)
    assert result.exit_code == 0, result.output
    assert "manifest.json was ignored (it is larger than the limit" in result.stderr
    assert path.stat().st_size < 10_000


@pytest.fixture
def fresh_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.delenv(manifest.KEY_VARIABLE, raising=False)
    manifest._key.cache_clear()
    yield tmp_path / "aftercare-report" / "manifest.key"
    manifest._key.cache_clear()


ENTRY = manifest.Entry("pdf", "i" * 64, "o" * 64, 10)


def forged(key: bytes) -> str:
    message = f"a.pdf\0{ENTRY.format}\0{ENTRY.input}\0{ENTRY.sha256}\0{ENTRY.size}"
    return hmac.new(key, message.encode(), hashlib.sha256).hexdigest()


def test_an_empty_seal_key_is_replaced_not_used(fresh_key: Path) -> None:
    fresh_key.parent.mkdir(parents=True)
    fresh_key.write_bytes(b"")
    assert manifest.seal("a.pdf", ENTRY) != forged(b"")
    assert len(fresh_key.read_bytes()) >= 32


def test_a_short_key_from_the_environment_is_not_used(
    fresh_key: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(manifest.KEY_VARIABLE, "letmein")
    with pytest.warns(manifest.CacheWarning, match="shorter than 32 bytes"):
        assert manifest.seal("a.pdf", ENTRY) != forged(b"letmein")


# 6. Symlinks, scaffolding, serve, internal errors, look-alikes, YAML 1.1 -------------------------


def test_the_input_digest_follows_no_symlink(tmp_path: Path) -> None:
    folder = tmp_path / "profiles"
    folder.mkdir()
    (tmp_path / "outside.yaml").write_text("first")
    (folder / "testland.yaml").symlink_to("../outside.yaml")
    project = Project(profiles=(folder,))
    before = inputs.digest(project, "", ())
    (tmp_path / "outside.yaml").write_text("second")
    assert inputs.digest(project, "", ()) == before  # the link is refused, never read


def test_a_symlinked_project_file_is_not_read(tmp_path: Path) -> None:
    (tmp_path / "real.toml").write_text('[brand]\norganisation = "Us"\n')
    (tmp_path / "aftercare-report.toml").symlink_to(tmp_path / "real.toml")
    with pytest.raises(InputError, match="is a symlink"):
        load_project(tmp_path / "aftercare-report.toml")


def test_a_symlinked_overlay_is_not_read(tmp_path: Path) -> None:
    folder = tmp_path / "translations"
    folder.mkdir()
    shutil.copy(DEFAULT_FRAMEWORK.with_name("framework.fr.yaml"), tmp_path / "real.yaml")
    (folder / "framework.fr.yaml").symlink_to(tmp_path / "real.yaml")
    with pytest.raises(InputError, match="is a symlink"):
        catalog.load_framework(None, "fr", folder)


def test_a_team_font_linked_beside_itself_is_not_read(tmp_path: Path) -> None:
    make_font(tmp_path / "fonts" / "real.ttf", "Linked", "x")
    (tmp_path / "fonts" / "link.ttf").symlink_to("real.ttf")
    with pytest.raises(fonts.FontError, match=r"'link\.ttf' is a symlink"):
        fonts.locate("fonts/link.ttf", [tmp_path])


@pytest.mark.parametrize("planted", ["templates/country.html", ".github"])
def test_init_writes_through_no_symlink(tmp_path: Path, planted: str) -> None:
    project, elsewhere = tmp_path / "team", tmp_path / "elsewhere"
    elsewhere.mkdir()
    (project / planted).parent.mkdir(parents=True, exist_ok=True)
    (project / planted).symlink_to(elsewhere / "target")  # dangling
    result = run("init", str(project))
    assert result.exit_code == 2 and "is a symlink" in result.output
    assert not (elsewhere / "target").exists()


@pytest.mark.parametrize("planted", [".gitignore", ".github/workflows/briefs.yml", "tools"])
def test_a_symlink_at_any_file_init_writes_stops_it_before_the_first(
    tmp_path: Path, planted: str
) -> None:
    project = tmp_path / "team"
    (project / planted).parent.mkdir(parents=True, exist_ok=True)
    (project / planted).symlink_to(tmp_path / "nowhere")  # dangling: exists() says no
    result = run("init", str(project), "--force")
    assert result.exit_code == 2 and "is a symlink" in result.output
    written = sorted(str(p.relative_to(project)) for p in project.rglob("*") if p.is_file())
    assert written == []  # not half a project


def test_init_force_replaces_no_file_through_a_symlink(tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    project = tmp_path / "team"
    project.mkdir()
    (project / "aftercare-report.toml").symlink_to(victim)
    assert run("init", str(project), "--force").exit_code == 2
    assert victim.read_text() == "keep me"


def test_init_quotes_the_organisation_it_writes_into_toml(tmp_path: Path) -> None:
    name = 'Coalition "Safe Homes" \\ {survivors}\nNetwork'
    assert run("init", str(tmp_path), "--organisation", name).exit_code == 0
    brand = load_project(tmp_path / "aftercare-report.toml").brand
    assert brand.organisation == 'Coalition "Safe Homes" \\ {survivors} Network'
    refused = run("init", str(tmp_path / "b"), "--organisation", "bell\x07")
    assert refused.exit_code == 2 and "without control characters" in refused.output


def test_the_serve_index_escapes_file_names() -> None:
    name = '"><img src=x onerror=alert(1)>'
    page = serve.index_page([serve.Served("", name, name)], 0)
    assert "<img" not in page and "&lt;img src=x onerror=alert(1)&gt;" in page


def _status(bind: str, port: int, host_header: str) -> int:
    address = "127.0.0.1" if bind == "0.0.0.0" else bind
    connection = http.client.HTTPConnection(address, port, timeout=10)
    connection.putrequest("GET", "/", skip_host=True)
    connection.putheader("Host", host_header)
    connection.endheaders()
    status = connection.getresponse().status
    connection.close()
    return status


@pytest.mark.parametrize("bind", ["0.0.0.0", "::", "::ffff:127.0.0.1"])
@pytest.mark.slow  # seconds of work: the fast set stays under a minute
def test_serve_checks_the_host_on_every_binding(tmp_path: Path, bind: str) -> None:
    if ":" in bind and not socket.has_ipv6:
        pytest.skip("no IPv6 on this machine")
    options = serve.ServeOptions(host=bind, port=0)
    preview = serve.Preview(Project, tmp_path, options, "comparative")
    preview.briefs = (serve.Served("", "thailand", "Thailand"),)
    try:
        server = serve._server(preview, options)
    except OSError as exc:
        pytest.skip(f"cannot bind {bind}: {exc}")
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        port = server.server_address[1]
        assert _status(bind, port, "attacker.example") == 421  # a rebound name
        assert _status(bind, port, f"127.0.0.1:{port}") == 200
        assert _status(bind, port, "localhost") == 200
    finally:
        server.shutdown()
        server.server_close()


def test_serve_on_an_address_that_does_not_resolve_is_a_message(tmp_path: Path) -> None:
    options = serve.ServeOptions(host="no such host", port=0)
    preview = serve.Preview(Project, tmp_path, options, "comparative")
    with pytest.raises(UsageError, match="cannot listen there"):
        serve._start(preview, options, print)


def test_a_profile_file_name_that_is_not_utf8_is_a_located_message(tmp_path: Path) -> None:
    folder = tmp_path / "profiles"
    folder.mkdir()
    (folder / os.fsdecode(b"\xff\xfe.yaml")).write_bytes(VALID.read_bytes())
    result = run(
        "build", "--profiles", str(folder), "--format", "json", "--out", str(tmp_path / "o")
    )
    assert result.exit_code == 1 and "internal error" not in result.output
    assert "is not UTF-8 text" in result.output


LOOKALIKES = load_yaml(HOSTILE / "lookalikes.yaml").data


def _checked(framework: Framework, tmp_path: Path, key: str) -> list[str]:
    value = json.dumps(LOOKALIKES[key], ensure_ascii=False)
    text = VALID.read_text()
    if key.startswith("url"):
        text = text.replace("url: https://example.org/testland-2023", f"url: {value}")
    else:
        text = text.replace("summary: >-\n", f"summary: {value}\nold_summary: >-\n")
        text = text.replace("old_summary: >-\n", "#", 1)
    path = tmp_path / "testland.yaml"
    path.write_text(text)
    checked = catalog.check_profiles([path], framework)
    assert not checked.errors, checked.errors
    codes = {"look-alike", "invisible-character", "bidi-control"}
    return [f"{w.code}: {w.message}" for w in checked.warnings if w.code in codes]


REFUSED_URLS = {"url_mixed"}
"""Look-alikes in a URL's host are an error, not a warning: the browser goes elsewhere."""


@pytest.mark.parametrize(
    "key", [k for k in LOOKALIKES if not k.startswith("fine") and k not in REFUSED_URLS]
)
def test_validate_warns_on_text_that_reads_differently(
    framework: Framework, tmp_path: Path, key: str
) -> None:
    (warning,) = _checked(framework, tmp_path, key)
    expected = {"invisible": "invisible-character", "bidi": "bidi-control"}
    assert warning.startswith(next((v for k, v in expected.items() if k in key), "look-alike"))


@pytest.mark.parametrize("key", sorted(REFUSED_URLS))
def test_a_host_mixing_scripts_is_refused(framework: Framework, tmp_path: Path, key: str) -> None:
    value = json.dumps(LOOKALIKES[key], ensure_ascii=False)
    path = tmp_path / "testland.yaml"
    path.write_text(
        VALID.read_text().replace("url: https://example.org/testland-2023", f"url: {value}")
    )
    (error,) = catalog.check_profiles([path], framework).errors
    assert "mixes Latin letters with another script" in error.message, error.message


@pytest.mark.parametrize("key", [k for k in LOOKALIKES if k.startswith("fine")])
def test_validate_leaves_joiners_and_no_break_spaces_alone(
    framework: Framework, tmp_path: Path, key: str
) -> None:
    assert _checked(framework, tmp_path, key) == []


def test_yaml_1_1_forms_are_refused_with_what_to_write() -> None:
    with pytest.raises(InputError) as caught:
        load_yaml(HOSTILE / "yaml11.yaml")
    lines = {f.line: f.message for f in caught.value.findings}
    assert sorted(lines) == [2, 3, 4, 5]
    assert "'yes' is a boolean only in YAML 1.1: write true or false" in lines[2]
    assert "'1:30' is a base-60 number in YAML 1.1: quote it" in lines[3]
    assert "write it in decimal" in lines[4] and "write it in decimal" in lines[5]


@pytest.mark.slow
def test_serve_stops_with_a_message_at_a_file_name_it_cannot_watch(tmp_path: Path) -> None:
    path = project_with(tmp_path, "")
    (tmp_path / "profiles" / os.fsdecode(b"\xff")).mkdir()  # in a folder serve watches
    command = [sys.executable, "-m", "aftercare_report", "--config", str(path), "serve"]
    start = time.monotonic()
    done = subprocess.run([*command, "--port", "0"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 1 and time.monotonic() - start < 60
    assert "cannot watch the project's files" in done.stderr
    assert "internal error" not in done.stderr


@pytest.mark.parametrize(
    "text",
    ["escape the '[' as '\\['", "\\[x] and \\\\[b] and [red]r[/]", "a \\[X] b \\\\['"],
)
def test_printed_text_keeps_its_backslashes_and_brackets(text: str) -> None:
    # rich drops a backslash before a '[' as it prints: the Markdown check's advice to write
    # '\[' printed as "write '['".
    from rich.console import Console

    from aftercare_report.console import escape

    out = Console(width=200, highlight=False)
    with out.capture() as captured:
        out.print(escape(text))
    assert captured.get().rstrip("\n") == text
