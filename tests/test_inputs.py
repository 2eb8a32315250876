"""An unchanged build checks its outputs and stops; any changed input builds again; --clean."""

from __future__ import annotations

import contextlib
import json
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aftercare_report import catalog, pipeline
from aftercare_report.cli import cli
from aftercare_report.config import Project, load_project
from aftercare_report.errors import AftercareError
from aftercare_report.resources import DEFAULT_FRAMEWORK, bundled

from .conftest import cli_in_subprocess

HTML_JSON = ("--format", "html,json")


def build(*args: str) -> str:
    result = CliRunner().invoke(cli, ["build", *args])
    assert result.exit_code == 0, result.output
    return result.output


@contextlib.contextmanager
def _no_bar(total: int) -> Iterator[Callable[[str], None]]:
    yield lambda _: None


def _fail(*args: object, **kwargs: object) -> None:
    raise AssertionError("profiles were loaded")


def test_an_unchanged_build_loads_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = Project(out=tmp_path)
    request = pipeline.BuildRequest(("thailand",), formats=("html", "json"))
    first = pipeline.build(project, request, _no_bar)
    monkeypatch.setattr(catalog, "load_profiles", _fail)
    again = pipeline.build(project, request, _no_bar)
    assert [w.path for w in again.written] == [w.path for w in first.written]
    assert all(w.unchanged for w in again.written)


@pytest.mark.slow
def test_an_unchanged_build_starts_no_worker(tmp_path: Path) -> None:
    args = ["build", "thailand", "--format", "html,json", "--out", str(tmp_path)]
    assert cli_in_subprocess(args).returncode == 0
    check = "import multiprocessing\nassert not multiprocessing.active_children()"
    check += "\nassert 'weasyprint' not in sys.modules"
    done = cli_in_subprocess(args, check)
    assert done.returncode == 0, done.stderr
    assert "0 files, 2 unchanged" in done.stdout


@pytest.mark.slow
def test_an_output_edited_on_disk_is_made_again(tmp_path: Path) -> None:
    build("thailand", *HTML_JSON, "--out", str(tmp_path))
    page = tmp_path / "thailand.html"
    original = page.read_bytes()
    page.write_bytes(original.replace(b"</body>", b"<p>edited</p></body>"))
    assert "Wrote 1 file, 1 unchanged" in build("thailand", *HTML_JSON, "--out", str(tmp_path))
    assert page.read_bytes() == original


@pytest.mark.slow  # seconds of work: the fast set stays under a minute
def test_a_file_replaced_by_another_build_meanwhile_is_not_recorded_as_reused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Security review 13a, L3: reuse is decided before the folder's lock; a build into the same
    # folder that finished meanwhile could replace a file this build then recorded as its own.
    args = ("build", "thailand", "--out", str(tmp_path))
    build(*args[1:], "--format", "docx")
    word = tmp_path / "thailand.docx"
    before = word.read_bytes()
    other_build = b"another build's Word brief"
    real = pipeline.manifest.remove_stale_temps

    def the_other_build_finishes(folder: Path) -> None:
        word.write_bytes(other_build)  # just before this build takes the lock
        real(folder)

    monkeypatch.setattr(pipeline.manifest, "remove_stale_temps", the_other_build_finishes)
    # The JSON is new: this build makes it and reuses the Word brief.
    result = CliRunner().invoke(cli, [*args, "--format", "docx,json"])
    assert result.exit_code == 1, result.output
    assert "thailand.docx: changed on disk while this build ran" in " ".join(result.output.split())
    assert word.read_bytes() == other_build and not (tmp_path / "thailand.json").exists()
    monkeypatch.setattr(pipeline.manifest, "remove_stale_temps", real)
    build(*args[1:], "--format", "docx,json")
    assert word.read_bytes() == before  # the next build makes it again


def test_a_forged_build_record_is_not_trusted(tmp_path: Path) -> None:
    build("thailand", *HTML_JSON, "--out", str(tmp_path))
    path = tmp_path / "manifest.json"
    data = json.loads(path.read_text())
    for record in data["builds"].values():
        record["seal"] = "0" * 64
    path.write_text(json.dumps(data))
    assert pipeline.manifest.read_builds(tmp_path) == {}


def _team(tmp_path: Path, names: tuple[str, ...]) -> Path:
    """A project with copies of some bundled profiles, its framework and a template folder."""
    root = tmp_path / "team"
    (root / "profiles").mkdir(parents=True)
    for name in names:
        shutil.copy(bundled("profiles") / f"{name}.yaml", root / "profiles")
    shutil.copy(DEFAULT_FRAMEWORK, root / "framework.yaml")
    (root / "tpl").mkdir()
    shutil.copy(bundled("templates") / "brief.css", root / "tpl" / "brief.css")
    (root / "aftercare-report.toml").write_text(
        "[project]\nprofiles = ['profiles']\nframework = 'framework.yaml'\n"
        "templates = ['tpl']\nout = 'out'\n"
    )
    return root


@pytest.mark.slow
def test_clean_removes_only_what_the_manifest_proves_we_wrote(tmp_path: Path) -> None:
    root = _team(tmp_path, ("thailand", "india", "nigeria"))
    config = ["--config", str(root / "aftercare-report.toml")]
    out = root / "out"
    CliRunner().invoke(cli, [*config, "build", *HTML_JSON], catch_exceptions=False)
    (out / "notes.html").write_text("mine")  # a file the tool never wrote
    (out / "nigeria.json").write_text("{}")  # an output edited by hand
    (root / "profiles" / "india.yaml").unlink()
    (root / "profiles" / "nigeria.yaml").unlink()
    sharded = CliRunner().invoke(cli, [*config, "build", *HTML_JSON, "--clean", "--shard", "1/2"])
    assert sharded.exit_code == 0, sharded.output
    assert (out / "india.html").exists()  # a shard removes nothing it was not asked to build
    result = CliRunner().invoke(cli, [*config, "build", *HTML_JSON, "--clean"])
    assert result.exit_code == 0, result.output
    # india and the comparison (one country is left), nigeria.html; not the edited nigeria.json
    assert "removed 5 files of briefs no longer built" in result.output
    left = sorted(p.name for p in out.iterdir())
    assert left == ["manifest.json", "nigeria.json", "notes.html", "thailand.html", "thailand.json"]
    assert "india.html" not in json.loads((out / "manifest.json").read_text())["outputs"]


INPUTS = ("profiles/thailand.yaml", "profiles/india.yaml", "framework.yaml", "tpl/brief.css")


def _outcome(config: Path) -> dict[str, bytes] | str:
    """The outputs of a build (manifest left out), or the kind of error it stopped with."""
    try:
        project = load_project(config)
        pipeline.build(project, pipeline.BuildRequest(formats=("html", "json"), jobs=1), _no_bar)
    except AftercareError as exc:
        return type(exc).__name__
    out = config.parent / "out"
    return {p.name: p.read_bytes() for p in sorted(out.iterdir()) if p.name != "manifest.json"}


@pytest.mark.slow
@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    target=st.sampled_from([*INPUTS, "aftercare-report.toml"]),
    where=st.floats(0, 1, exclude_max=True),
    byte=st.integers(0, 255),
)
def test_any_changed_byte_builds_what_depends_on_it(
    tmp_path_factory: pytest.TempPathFactory, target: str, where: float, byte: int
) -> None:
    root = _team(tmp_path_factory.mktemp("p"), ("thailand", "india"))
    config = root / "aftercare-report.toml"
    _outcome(config)  # the earlier build whose manifest the rebuild may trust
    path = root / target
    data = bytearray(path.read_bytes())
    at = int(where * len(data))
    data[at] = byte if data[at] != byte else (byte + 1) % 256
    path.write_bytes(bytes(data))
    rebuilt = _outcome(config)
    clean = root.parent / "clean"
    shutil.copytree(root, clean, ignore=shutil.ignore_patterns("out"))
    assert rebuilt == _outcome(clean / "aftercare-report.toml")


def test_a_translation_spelled_yml_beside_a_yaml_profile_is_an_input(tmp_path: Path) -> None:
    # Security review 11a, L: thailand.fr.yml beside thailand.yaml was left out of the digest.
    from aftercare_report import inputs

    profile = tmp_path / "thailand.yaml"
    shutil.copy(bundled("profiles") / "thailand.yaml", profile)
    overlay = tmp_path / "thailand.fr.yml"
    overlay.write_text("summary: Un résumé.\n")
    project = Project(language="fr")
    before = inputs.digest(project, "", [str(profile)])
    overlay.write_text("summary: Un autre résumé.\n")
    assert inputs.digest(project, "", [str(profile)]) != before


def test_a_previous_edition_over_2_mb_is_still_an_input(tmp_path: Path) -> None:
    # Security review 13a, M2: a previous_json of 2.1 MB was hashed as "refused", so editing it
    # left every brief "unchanged" (and the shards' cache published them).
    from aftercare_report import inputs

    project_dir = tmp_path / "ed"
    shutil.copytree(Path(__file__).parent / "editions", project_dir)
    record = project_dir / "published" / "2024" / "testland.json"
    data = json.loads(record.read_text())
    data["padding"] = "x" * 2_100_000
    record.write_text(json.dumps(data))
    project = load_project(project_dir / "aftercare-report.toml")
    before = inputs.digest(project, "", [])
    record.write_text(record.read_text().replace("x" * 10, "y" * 10, 1))  # same size
    assert inputs.digest(project, "", []) != before


def test_the_digest_reads_each_profile_file_once_however_often_it_is_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Security review 16a, L1: a folder named 100 times, holding 50 blobs of 2 MB, was hashed
    # once per listing and per language before any bound: 50 s for three languages.
    folder = tmp_path / "profiles"
    folder.mkdir()
    shutil.copy(bundled("profiles") / "thailand.yaml", folder)
    for i in range(5):
        (folder / f"pad{i}.bin").write_bytes(b"x" * 1000)  # no profile: the build reads none
    listed = ", ".join(['"profiles"', '"./profiles"'] * 50)
    (tmp_path / "aftercare-report.toml").write_text(
        f'[project]\nprofiles = [{listed}]\nlanguages = ["en", "fr", "es"]\n'
    )
    read: list[Path] = []
    real = pipeline.inputs._read

    def counted(path: Path, *args: object) -> bytes:
        read.append(path)
        return real(path, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(pipeline.inputs, "_read", counted)
    project = load_project(tmp_path / "aftercare-report.toml")
    runs = [pipeline.in_language(project, code) for code in project.every_language]
    hashed: dict[tuple[str, int], bytes] = {}
    digests = [pipeline._digest(run, pipeline.BuildRequest(), hashed) for run in runs]
    assert len(set(digests)) == 3  # one for each language, all from one reading
    profiles = [p for p in read if p.parent.name == "profiles"]
    assert [p.name for p in profiles] == ["thailand.yaml"]


def test_profiles_past_the_bytes_the_build_reads_are_never_unchanged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Security review 17a, M1: the digest stopped at 64 MB, counting a file beside a profile
    # that the build never reads; the profiles after it were left out, and edits to them
    # published nothing. Past the bytes, the digest is never the same twice.
    monkeypatch.setattr(pipeline.inputs, "PROFILE_TOTAL_BYTES", 130_000)
    for i in range(5):
        (tmp_path / f"p{i}.yaml").write_bytes(b"x" * 60_000)
    project = Project(profiles=(tmp_path,))
    assert pipeline.inputs.digest(project, "", ()) != pipeline.inputs.digest(project, "", ())
    for i in (2, 3, 4):
        (tmp_path / f"p{i}.yaml").unlink()  # 120,000 bytes: within
    assert pipeline.inputs.digest(project, "", ()) == pipeline.inputs.digest(project, "", ())


def test_the_overlay_of_a_framework_with_brackets_in_its_name_is_in_the_digest(
    tmp_path: Path,
) -> None:
    # Security review 17a, M2: the overlay's name was a glob pattern, unescaped.
    framework = tmp_path / "fw[x].yaml"
    framework.write_text(DEFAULT_FRAMEWORK.read_text())
    overlay = tmp_path / "fw[x].fr.yaml"
    overlay.write_text("name: a\n")
    project = Project(framework=framework)
    before = pipeline.inputs.digest(project, "", ())
    overlay.write_text("name: b\n")
    assert pipeline.inputs.digest(project, "", ()) != before
