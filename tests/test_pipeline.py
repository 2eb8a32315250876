"""The pipeline and the project settings it runs with."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

from click.testing import CliRunner
from pytest import MonkeyPatch

from aftercare_report import catalog, pipeline
from aftercare_report.cli import cli
from aftercare_report.config import Project, load_project
from aftercare_report.model import Profile
from aftercare_report.resources import DEFAULT_FRAMEWORK

from .conftest import VALID

ROOT = Path(__file__).resolve().parent.parent


def test_overrides_apply_over_the_project_file(tmp_path: Path) -> None:
    (tmp_path / "aftercare-report.toml").write_text(
        "[project]\nout = 'briefs'\nstale_years = 3\ntemplates = ['mine']\n"
    )
    (tmp_path / "mine").mkdir()
    project = load_project(
        tmp_path / "aftercare-report.toml", templates=[tmp_path / "cli"], stale_years=7
    )
    assert project.out == tmp_path / "briefs" and project.stale_years == 7
    assert project.templates == (tmp_path / "cli", tmp_path / "mine")  # command line first
    assert load_project(tmp_path / "aftercare-report.toml").stale_years == 3


def test_schema_follows_the_projects_framework(tmp_path: Path) -> None:
    # A team framework that renames one component: the schema must name the team's ids.
    text = DEFAULT_FRAMEWORK.read_text().replace("\n  funding:\n", "\n  money:\n")
    text = text.replace(" funding,", " money,").replace(" funding]", " money]")
    text = text.replace("{funding:", "{money:")  # a premise on the component's level
    (tmp_path / "framework.yaml").write_text(text)
    (tmp_path / "aftercare-report.toml").write_text("[project]\nframework = 'framework.yaml'\n")
    cwd = Path.cwd()
    os.chdir(tmp_path)
    try:
        result = CliRunner().invoke(cli, ["schema"])
    finally:
        os.chdir(cwd)
    assert result.exit_code == 0, result.output
    components = json.loads(result.stdout)["properties"]["components"]["properties"]
    assert "money" in components and "funding" not in components


def test_the_pdf_attaches_the_bytes_that_were_validated(tmp_path: Path) -> None:
    path = tmp_path / "testland.yaml"
    shutil.copy(VALID, path)
    project = load_project(None, profiles=[path])
    reports = pipeline.analyse(project)
    path.write_text("changed after validation")  # a later read would attach this
    (brief,) = pipeline.plan(reports, project)
    assert brief.attachments == (("testland.yaml", VALID.read_bytes()),)


def test_a_build_assesses_each_profile_once(tmp_path: Path, monkeypatch: MonkeyPatch) -> None:
    # Every module that imported `assess` gets the counting one, wherever the build calls it.
    import sys

    from aftercare_report import assess

    calls: list[str] = []
    original = assess.assess

    def counted(profile: Profile, *args: object, **kwargs: object) -> assess.Assessment:
        calls.append(profile.slug)
        return original(profile, *args, **kwargs)  # type: ignore[arg-type]

    for name, module in list(sys.modules.items()):
        if name.startswith("aftercare_report") and getattr(module, "assess", None) is original:
            monkeypatch.setattr(module, "assess", counted)
    request = pipeline.BuildRequest(formats=("json",), jobs=1)
    result = pipeline.build(Project(out=tmp_path), request, pipeline.no_progress)
    assert len(result.written) == 6  # five countries and their comparison
    assert sorted(calls) == sorted(p.stem for p in catalog.profile_files([ROOT / "profiles"]))
