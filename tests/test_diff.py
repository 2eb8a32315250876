"""diff: what changed between two editions' assessments, from git revisions, folders and JSON."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import cmarkgfm
import pytest
import yaml
from click.testing import CliRunner, Result

from aftercare_report import markdown
from aftercare_report.cli import cli
from aftercare_report.resources import bundled
from aftercare_report.revisions import _extract

TOOL = "git+https://example.org/aftercare-report@v1"  # no wheel to make: init is quick


def run(*args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(cli, list(args), env=env)


def git(root: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-C", str(root), "-c", "user.name=Test", "-c", "user.email=t@example.org", *args],
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout


@pytest.fixture
def team(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A team project in git (init), with the bundled Thailand profile as its own, committed."""
    root = tmp_path / "team"
    assert run("init", str(root), "--tool-source", TOOL).exit_code == 0
    (root / "profiles" / "thailand.yaml").write_bytes(
        (bundled("profiles") / "thailand.yaml").read_bytes()
    )
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "first edition")
    monkeypatch.chdir(root)
    return root


def change_level_and_source(root: Path) -> dict[str, str]:
    """Raise Thailand's health level by one and cite another source for it; say what changed."""
    path = root / "profiles" / "thailand.yaml"
    data = yaml.safe_load(path.read_text())
    health = data["components"]["health"]
    old_level, new_level = health["level"], health["level"] + 1
    new_source = next(s for s in data["sources"] if s not in health["sources"])
    health.update(level=new_level, sources=[*health["sources"][:-1], new_source])
    health.pop("meets", None)  # the descriptor of the old level no longer applies
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False))
    return {
        "old": str(old_level),
        "new": str(new_level),
        "title": data["sources"][new_source]["title"],
    }


def index_of(country: str = "thailand") -> tuple[float, str]:
    """The index and the health component's name, as ``gaps --json`` gives them now."""
    data = json.loads(run("gaps", country, "--json").stdout)
    health = next(c for c in data["components"] if c["id"] == "health")
    return data["index"]["value"], health["name"]


@pytest.mark.slow  # seconds of work: the fast set stays under a minute
def test_a_changed_level_and_source_are_named_between_two_revisions(team: Path) -> None:
    before, _ = index_of()
    changed = change_level_and_source(team)
    after, health = index_of()
    git(team, "commit", "-q", "-am", "health: new evidence")
    result = run("diff", "HEAD~1", "HEAD", "--format", "md")
    assert result.exit_code == 0, result.output
    md = result.stdout
    assert "### Thailand" in md
    assert f"**{markdown.escape(health)}**: level {changed['old']} → {changed['new']}" in md
    assert f"**Index** {before:g} → {after:g} ({after - before:+.1f})" in md
    assert f"sources added: *{markdown.escape(changed['title'])}*" in md
    assert "Unchanged: India, Nigeria, United Kingdom, United States." in md
    assert not markdown.problems(md)  # no link or raw HTML a reviewer could be sent to


@pytest.mark.slow  # seconds of work: the fast set stays under a minute
def test_a_change_of_wording_alone_is_not_reported_as_briefs_unchanged(
    team: Path, tmp_path: Path
) -> None:
    # Security review 10a, L8: a false sentence in a template and a new summary passed as
    # "Briefs unchanged" in the job summary reviewers read.
    template = team / "templates" / "country.html"
    template.write_text(template.read_text() + "\n<p>Thailand has ended re-trafficking.</p>\n")
    profile = team / "profiles" / "thailand.yaml"
    data = yaml.safe_load(profile.read_text())
    data["summary"] = data["summary"] + " Survivors are fully supported."
    profile.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False))
    for i in range(25):  # files that sort before templates/ cannot hide it (review 14a, L3)
        (team / "profiles" / f"a{i:02}.txt").write_text("notes\n")
    (team / "evil\u202elmth.txt").write_text("x\n")  # its name is shown escaped (L1)
    git(team, "add", "-A")
    git(team, "commit", "-q", "-am", "wording only")
    summary = tmp_path / "summary.md"
    env = {"GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": str(summary)}
    result = run("diff", "HEAD~1", "HEAD", "--format", "github", env=env)
    assert result.exit_code == 0, result.output
    notice = result.stdout.strip()
    assert notice.startswith("::notice title=Assessments unchanged, files changed::")
    assert "templates/country.html" in notice and "\\u202e" in notice and "\u202e" not in notice
    text = summary.read_text()
    assert "No change in substance" in text and "**Files changed**: read them too" in text
    assert "- templates/country.html" in text and "more" in text
    same = json.loads(run("diff", "HEAD", "HEAD", "--format", "json").stdout)
    assert same["files"] == []  # nothing changed, nothing listed


@pytest.mark.slow
def test_an_unchanged_revision_reports_no_change_and_exit_codes_follow_git_diff(
    team: Path,
) -> None:
    same = run("diff", "HEAD", "HEAD", "--format", "md")
    assert same.exit_code == 0, same.output
    assert "No change in substance" in same.stdout and "5 countries are the same" in same.stdout
    assert run("diff", "HEAD", "--exit-code").exit_code == 0  # the working tree is HEAD
    change_level_and_source(team)
    changed = run("diff", "HEAD", "--exit-code", "--format", "json")
    assert changed.exit_code == 1  # as git diff --exit-code: 1 means a difference
    data = json.loads(changed.stdout)
    assert data["changed"] and data["new"] == "the working tree"
    (country,) = data["countries"]
    assert country["country"] == "Thailand" and country["index_changed"]
    assert country["changes"][0]["section"] == "component"
    assert country["changes"][0]["id"] == "health"
    unknown = run("diff", "no-such-branch", "--exit-code")
    assert unknown.exit_code == 2 and "neither a file, a folder nor a git revision" in (
        unknown.stderr
    )


def test_an_invalid_profile_at_a_revision_is_named_at_that_revision(team: Path) -> None:
    path = team / "profiles" / "thailand.yaml"
    path.write_text(path.read_text().replace("schema_version: 2", "schema_version: 2\nbogus: 1"))
    git(team, "commit", "-q", "-am", "a typo")
    result = run("diff", "HEAD~1", "HEAD")
    assert result.exit_code == 1
    assert "HEAD:profiles/thailand.yaml:" in result.stderr and "bogus" in result.stderr
    assert "Traceback" not in result.output


@pytest.mark.slow
def test_folders_and_json_files_compare_as_revisions_do(team: Path, tmp_path: Path) -> None:
    old, new = tmp_path / "old", tmp_path / "new"
    assert run("build", "--format", "json", "--out", str(old)).exit_code == 0
    change_level_and_source(team)
    assert run("build", "--format", "json", "--out", str(new)).exit_code == 0
    folders = run("diff", str(old), str(new), "--format", "json")
    assert folders.exit_code == 0, folders.output
    files = run("diff", str(old / "thailand.json"), str(new / "thailand.json"), "--format", "json")
    comparative = run(
        "diff", str(old / "comparative.json"), str(new / "comparative.json"), "--format", "json"
    )
    from_folders = json.loads(folders.stdout)
    assert [c["country"] for c in from_folders["countries"]] == ["Thailand"]
    (thailand,) = json.loads(files.stdout)["countries"]
    assert thailand["changes"] == from_folders["countries"][0]["changes"]
    assert json.loads(comparative.stdout)["countries"] == from_folders["countries"]
    assert run("diff", str(old), str(old)).stdout.count("No change in substance") == 1


def test_countries_added_or_removed_and_recommendations_by_id(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert run("build", "thailand", "india", "--format", "json", "--out", str(out)).exit_code == 0
    thailand = json.loads((out / "thailand.json").read_text())
    dropped = thailand["recommendations"].pop()
    thailand["recommendations"][0]["text"] = "A new text."
    (tmp_path / "thailand.json").write_text(json.dumps(thailand))
    result = run("diff", str(out / "thailand.json"), str(tmp_path / "thailand.json"))
    assert result.exit_code == 0, result.output
    assert f"dropped {dropped['id']}" in result.stdout
    first = thailand["recommendations"][0]
    assert f"changed {first['id']} (page 2): text" in result.stdout
    one = run("diff", str(out), str(out / "india.json"), "--format", "md").stdout
    assert "### Thailand (removed)" in one and "**Index**" in one


@pytest.mark.slow
def test_the_job_summary_gets_the_markdown_and_the_log_one_notice(
    team: Path, tmp_path: Path
) -> None:
    change_level_and_source(team)
    summary = tmp_path / "summary.md"
    summary.write_text("earlier step\n")
    result = run("diff", "HEAD", "--format", "github", env={"GITHUB_STEP_SUMMARY": str(summary)})
    assert result.exit_code == 0, result.output
    text = summary.read_text()
    assert text.startswith("earlier step\n## What changed in the briefs")  # appended
    assert "### Thailand" in text
    (line,) = result.stdout.splitlines()
    assert line.startswith("::notice title=Briefs changed::From HEAD")
    outside = run("diff", "HEAD", "--format", "github", env={"GITHUB_STEP_SUMMARY": ""})
    assert outside.exit_code == 2 and "GITHUB_STEP_SUMMARY" in outside.stderr


def test_text_from_a_json_cannot_become_markup_or_a_workflow_command(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert run("build", "thailand", "--format", "json", "--out", str(out)).exit_code == 0
    data = json.loads((out / "thailand.json").read_text())
    data["country"] = "[click](javascript:alert(1)) <img src=x onerror=alert(1)>\n::error::forged"
    data["components"][0]["evidence"] = (
        "![x](https://evil.example/x.png) **bold** approve at https://evil.example/login, "
        "www.evil.example or review@evil.example"
    )
    (tmp_path / "hostile.json").write_text(json.dumps(data))
    md = run("diff", str(out / "thailand.json"), str(tmp_path / "hostile.json"), "--format", "md")
    assert md.exit_code == 0, md.output
    assert not markdown.problems(md.stdout)
    assert "\\[click\\](javascript" in md.stdout and "&lt;img src" in md.stdout  # as written
    summary = tmp_path / "summary.md"
    github = run(
        "diff",
        str(out / "thailand.json"),
        str(tmp_path / "hostile.json"),
        "--format",
        "github",
        env={"GITHUB_STEP_SUMMARY": str(summary)},
    )
    assert not any(line.startswith("::error") for line in github.stdout.splitlines())
    # GitHub's own Markdown links bare addresses in text (security review 14a): none here.
    shown = cmarkgfm.github_flavored_markdown_to_html(summary.read_text())
    assert "review@evil.example" in shown and "<a " not in shown and "<img" not in shown
    text = run("diff", str(out / "thailand.json"), str(tmp_path / "hostile.json"))
    assert not any(line.lstrip().startswith("::error") for line in text.stdout.splitlines())


def test_a_json_that_is_no_assessment_is_refused_with_its_place(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(
        '{"schema_version": 3, "slug": "x", "country": "X", "iso3": "XXX", '
        '"components": [{"level": 2}]}'
    )
    result = run("diff", str(bad), str(bad))
    assert result.exit_code == 1
    assert "bad.json: components[0].id: Field required" in result.stderr
    old = tmp_path / "old.json"
    old.write_text('{"schema_version": 1, "country": "X"}')
    refused = run("diff", str(old), str(bad))
    assert refused.exit_code == 1 and "schema_version 1" in refused.stderr
    broken = tmp_path / "broken.json"
    broken.write_text("{")
    assert run("diff", str(broken), str(bad)).exit_code == 1


def test_a_revision_is_read_without_links_or_its_own_git_attributes(tmp_path: Path) -> None:
    # Security review 11a, L: the revision's `.gitattributes` (export-ignore) hid a changed
    # profile from `git archive`; links are left out.
    root = tmp_path / "repo"
    (root / "profiles").mkdir(parents=True)
    (root / "profiles" / "ok.yaml").write_text("x: 1\n")
    (root / "profiles" / "hidden.yaml").write_text("x: $Format:%H$\n")
    (root / "profiles" / "link.yaml").symlink_to("/etc/passwd")
    (root / ".gitattributes").write_text("profiles/hidden.yaml export-ignore export-subst\n")
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "x")
    commit = git(root, "rev-parse", "HEAD").strip()
    target = tmp_path / "project"
    target.mkdir()
    _extract(str(root), commit, Path(), target)
    found = sorted(str(p.relative_to(target)) for p in target.rglob("*") if p.is_file())
    assert found == [".gitattributes", "profiles/hidden.yaml", "profiles/ok.yaml"]
    assert (target / "profiles" / "hidden.yaml").read_text() == "x: $Format:%H$\n"


def test_two_files_compare_without_reading_the_project_around_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    assert run("build", "thailand", "--format", "json", "--out", str(out)).exit_code == 0
    (tmp_path / "aftercare-report.toml").write_text("[project\n")  # broken, and not needed
    monkeypatch.chdir(tmp_path)
    result = run("diff", "out/thailand.json", "out")
    assert result.exit_code == 0, result.output
    assert "No change in substance from out/thailand.json → out" in result.stdout
    needed = run("diff", "HEAD")  # a revision needs the project: its error is reported
    assert needed.exit_code == 1 and "aftercare-report.toml:1:" in needed.stderr


def test_a_revision_before_the_project_has_every_country_added(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    root.mkdir()
    (root / "README").write_text("before the briefs\n")
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "zero")
    assert run("init", str(root / "briefs-project"), "--tool-source", TOOL).exit_code == 0
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "the project, in a folder of the repository")
    result = CliRunner().invoke(
        cli,
        [
            "--config",
            str(root / "briefs-project" / "aftercare-report.toml"),
            "diff",
            "HEAD~1",
            "--format",
            "md",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "before the project" in result.stdout and "5 added, 0 unchanged" in result.stdout
    assert "### Thailand (added)" in result.stdout


@pytest.mark.slow  # seconds of work: the fast set stays under a minute
def test_a_folder_named_like_the_revision_cannot_stand_for_it(team: Path) -> None:
    # Security review 12a, M1: a committed folder HEAD/ with the old edition's JSON made the
    # workflow's `diff HEAD^1 HEAD` say "no change" about a pull request that changed an index.
    out = team / "old"
    assert run("build", "--format", "json", "--out", str(out)).exit_code == 0
    change_level_and_source(team)
    (team / "HEAD").mkdir()
    for json_file in out.glob("*.json"):
        if json_file.name != "manifest.json":
            (team / "HEAD" / json_file.name).write_bytes(json_file.read_bytes())
    git(team, "add", "-A")
    git(team, "commit", "-q", "-m", "a change, and a folder named HEAD")
    result = run("diff", "HEAD^1", "HEAD", "--exit-code")
    assert result.exit_code == 2
    assert "'HEAD' is both a file or folder and a git revision" in result.stderr
    explicit = run("diff", "HEAD^1", "HEAD^{commit}", "--exit-code")
    assert explicit.exit_code == 1  # the revision: Thailand's change is there
    folder = run("diff", "./HEAD", "./HEAD", "--exit-code")
    assert folder.exit_code == 0  # and the folder, written as one
