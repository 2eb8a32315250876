"""The CI a team's project starts with: a GitHub workflow, pre-commit hooks and the pinned tool.

Both install aftercare-report from a source nobody else can change: the wheel of the running
tool, kept in the project (``tools/``) with its sha256 pinned, or a URL the team gives with a
version or commit (``--tool-source``). Never a bare name from a package index, which anyone
could register and so run code in the team's CI. The actions the workflow uses are pinned by
commit, with the version they were at in a comment (what Dependabot updates).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from aftercare_report import __version__
from aftercare_report.errors import UsageError, printable
from aftercare_report.wheel import dependencies, wheel_bytes, wheel_name

TOOLS = "tools"
"""The project folder that holds the pinned tool and the hook script."""

ACTIONS = {
    "checkout": ("actions/checkout", "3d3c42e5aac5ba805825da76410c181273ba90b1", "v7.0.1"),
    "setup-python": ("actions/setup-python", "5fda3b95a4ea91299a34e894583c3862153e4b97", "v7.0.0"),
    "cache": ("actions/cache", "27d5ce7f107fe9357f9df03efb73ab90386fccae", "v5.0.5"),
    "upload-artifact": (
        "actions/upload-artifact",
        "bbbca2ddaa5d8feaa63e36b76fdaad77386f024f",
        "v7.0.0",
    ),
    "download-artifact": (
        "actions/download-artifact",
        "3e5f45b2cfb9172054b4087a40e8e0b5a5461e7c",
        "v8.0.1",
    ),
}
"""Each action the workflow uses: repository, the commit of its release tag, and the tag."""

APT_PACKAGES = (
    "libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0",
    "fontconfig fonts-dejavu-core fonts-noto-core",
)
"""What WeasyPrint needs on Ubuntu, and fonts for body text and the scripts DejaVu lacks."""


@dataclass(frozen=True)
class ToolSource:
    """Where a project's CI and hooks install aftercare-report from.

    Attributes:
        requirement: The line of ``tools/requirements.txt``.
        hashed: Whether pip checks the tool's sha256 (``--require-hashes``).
    """

    requirement: str
    hashed: bool


_URL = re.compile(
    r"^(?:git\+https://[^\s@#]+@(?P<ref>[\w./-]+)"  # a git repository at a tag or commit
    r"|https://\S+/aftercare_report-[\w.+!-]+\.(?:whl|tar\.gz|zip))$"  # a versioned archive
)


_MOVING = frozenset({"main", "master", "HEAD", "trunk", "develop"})
"""Refs that name a branch, not a version: what they install changes under the team's CI."""


def check_tool_source(url: str) -> str:
    """Return ``url`` if it names one version of the tool; refuse anything that could move.

    Raises:
        UsageError: A bare name, plain http, or a git URL without a tag or commit.
    """
    match = _URL.match(url.strip())
    if not match or (match["ref"] or "") in _MOVING:
        raise UsageError(
            f"--tool-source {url!r}: give git+https://host/owner/repo@COMMIT (or @TAG), or the "
            "https URL of a versioned wheel (aftercare_report-1.0-py3-none-any.whl); a bare "
            "name or a branch could change under the team's CI"
        )
    return url.strip()


PROTECTED = (".github/", "tools/", ".pre-commit-config.yaml")
"""What runs code from the branch it is on: the workflow (and CODEOWNERS itself), the tool CI
installs and the hook script, and the hooks pre-commit runs on a reviewer's machine."""

_OWNER = re.compile(
    r"@[A-Za-z0-9][A-Za-z0-9-]{0,38}(?:/[A-Za-z0-9][\w.-]{0,99})?"  # @user or @org/team
    r"|[\w.+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+"  # an email address GitHub knows
)


def code_owners(owners: tuple[str, ...]) -> str:
    """A ``.github/CODEOWNERS`` that makes ``owners`` review every change to :data:`PROTECTED`.

    Raises:
        UsageError: An owner is not ``@user``, ``@org/team`` or an email address.
    """
    for owner in owners:
        if not _OWNER.fullmatch(owner):
            raise UsageError(
                f"--code-owners {printable(owner[:60])!r}: give @user, @org/team or an email "
                "address GitHub knows"
            )
    lines = [
        "# Written by `aftercare-report init --code-owners`. These paths run code from the branch",
        "# they are on: CI installs tools/ and runs .github/, pre-commit runs tools/ and",
        "# .pre-commit-config.yaml. Turn on 'Require review from Code Owners' in the branch",
        "# protection of the default branch, or this file only suggests reviewers.",
    ]
    lines += [f"/{path} {' '.join(owners)}" for path in PROTECTED]
    return "\n".join(lines) + "\n"


def protection_note(owned: bool) -> list[str]:
    """What ``init`` tells the user to protect, in lines of at most 80 characters.

    Args:
        owned: Whether ``init`` wrote a CODEOWNERS (then branch protection must enforce it).
    """
    return [
        "Protect what runs code: CI runs .github/ and installs tools/; pre-commit runs",
        "tools/ and .pre-commit-config.yaml, from the branch being committed.",
        *(
            [
                "Turn on 'Require review from Code Owners' in branch protection, or",
                ".github/CODEOWNERS only suggests reviewers.",
            ]
            if owned
            else ["Have them reviewed: CODEOWNERS and required review (--code-owners @org/team)."]
        ),
        "Read a contributor's changes to them before you commit on their branch.",
    ]


def tool_files(url: str | None) -> list[str]:
    """The files :func:`pin_tool` writes, relative to the project (the wheel included)."""
    named = ["dependencies.txt", wheel_name()] if not url else []
    return [f"{TOOLS}/{name}" for name in (*named, "requirements.txt", "pre-commit-hook.py")]


def pin_tool(url: str | None) -> tuple[ToolSource, dict[str, str | bytes]]:
    """Decide where a project installs the tool from, and the files that pin it.

    Args:
        url: A source given with ``--tool-source``, or None for the running tool's wheel.

    Returns:
        The source, and the files to write under the project (relative path -> content):
        with no URL, the wheel itself among them.

    Raises:
        UsageError: The URL could change, or there is no wheel to make (see
            :func:`~aftercare_report.wheel.wheel_bytes`).
    """
    files: dict[str, str | bytes] = {}
    head = "# The aftercare-report this project's CI and pre-commit hooks install.\n"
    if url:
        source = ToolSource(f"aftercare-report @ {check_tool_source(url)}", hashed=False)
    else:
        wheel = wheel_bytes()
        digest = hashlib.sha256(wheel).hexdigest()
        files[f"{TOOLS}/{wheel_name()}"] = wheel
        source = ToolSource(f"{TOOLS}/{wheel_name()} --hash=sha256:{digest}", hashed=True)
        deps = "\n".join(dependencies())
        files[f"{TOOLS}/dependencies.txt"] = (
            f"# What aftercare-report {__version__} needs, as its wheel declares it.\n{deps}\n"
        )
        head += (
            "# pip checks the wheel against its sha256 (--require-hashes). To upgrade, install\n"
            "# the new version, then run `aftercare-report init . --tools-only` here.\n"
        )
    files[f"{TOOLS}/requirements.txt"] = f"{head}{source.requirement}\n"
    files[f"{TOOLS}/pre-commit-hook.py"] = HOOK
    return source, files


def workflow(source: ToolSource, out: str, shards: int = 1) -> str:
    """The GitHub Actions workflow: validate, show a pull request what changed, build, upload.

    Args:
        source: Where CI installs the tool from.
        out: The output folder.
        shards: Runners the build is spread over (``--shard K/N`` on a matrix, then a job that
            joins their briefs); 1 builds in one job.
    """
    if source.hashed:
        install = (
            "python -m pip install --require-hashes --no-deps -r tools/requirements.txt\n"
            "          python -m pip install -r tools/dependencies.txt"
        )
    else:
        install = "python -m pip install -r tools/requirements.txt"
    text = WORKFLOW if shards == 1 else MATRIX_WORKFLOW
    text = text.replace("{checks}", CHECKS).replace("{checkout-step}", CHECKOUT)
    text = text.replace("{refusal}", REFUSAL)
    text = text.replace("{setup}", SETUP).replace("{shards}", str(shards))
    text = text.replace("{matrix}", ", ".join(str(k) for k in range(1, shards + 1)))
    text = text.replace("{install}", install).replace("{out}", out)
    text = text.replace("{apt}", " \\\n            ".join(APT_PACKAGES))
    for key, (repo, sha, tag) in ACTIONS.items():
        text = text.replace("{" + key + "}", f"{repo}@{sha} # {tag}")
    return text


SETUP = """\
      - uses: {setup-python}
        with:
          python-version: "3.11"
          cache: pip
          cache-dependency-path: tools/*.txt
      - name: Cache the Debian packages
        uses: {cache}
        with:
          path: ~/.cache/apt
          key: apt-${{ runner.os }}-${{ hashFiles('.github/workflows/briefs.yml') }}
      - name: Install the libraries and fonts WeasyPrint needs
        run: |
          mkdir -p ~/.cache/apt/partial
          sudo apt-get update -qq
          sudo apt-get install -y -qq --no-install-recommends \\
            -o Dir::Cache::Archives="$HOME/.cache/apt" \\
            {apt}
          sudo chown -R "$(id -u)" ~/.cache/apt
      - name: Install aftercare-report
        run: |
          {install}"""
"""The steps every job takes before it runs the tool: Python, the libraries, the pinned tool."""

CHECKOUT = """\
      - uses: {checkout}
        with:
          persist-credentials: false   # keep the token out of .git/config
          fetch-depth: 2               # a pull request's merge commit and its base (HEAD^1)"""
"""The checkout of the job that compares: the merge commit and its parents."""

CHECKS = """\
{checkout-step}
      - name: Refuse a pull request that changes tools/ (what the next steps install and run)
        if: github.event_name == 'pull_request'
        run: |
          git diff --quiet HEAD^1 HEAD -- tools/ && exit 0
          echo "::error title=tools/ changed::{refusal}"
          git diff --stat HEAD^1 HEAD -- tools/
          exit 1
{setup}
      - run: aftercare-report validate --strict --format github
      - name: What changed in the briefs (the pull request's job summary)
        if: github.event_name == 'pull_request'
        run: aftercare-report diff HEAD^1 HEAD --format github"""
"""Check out, set up, validate with annotations, and on a pull request compare the briefs: HEAD
is the merge commit GitHub made and HEAD^1 the base branch, and the comparison of their
assessments goes to the job summary, which reviewers read.

A pull request's job installs the tool from ``tools/``, so one that changes it (a line
``evilpkg @ https://…`` in dependencies.txt, another wheel and its hash) would run its own
code on the runner. The first step refuses it, before anything is installed: the merge commit
against its first parent is exactly what the pull request would change in ``tools/`` (a change
the base branch made since is no change), needs no fetch, no token and no expression in a
script, and fails closed if git cannot compare. The build jobs of a matrix need this job."""

REFUSAL = (
    "This pull request changes tools/, the pinned aftercare-report this job would install and "
    "run, so nothing is installed from it. A maintainer updates tools/ on the protected branch "
    "(aftercare-report init . --tools-only); then update this pull request from it, or take its "
    "changes to tools/ out."
)
"""The annotation a pull request that changes ``tools/`` gets: what happened and what to do."""

WORKFLOW = """\
# Validate the profiles on every pull request (annotations on the diff), say in the job summary
# what the pull request changes in the briefs, and build them; the briefs are an artifact of
# each run. Written by `aftercare-report init`.
# The tool comes from tools/requirements.txt (never a name on a package index); actions are
# pinned by commit, with their version in a comment.
name: briefs
on:
  pull_request:
  push:
    branches: [main]
permissions:
  contents: read
jobs:
  briefs:
    runs-on: ubuntu-24.04
    timeout-minutes: 30
    env:
      # Raised [limits] or allow_scripts in aftercare-report.toml apply only if allowed here, from
      # a repository variable a pull request cannot change (e.g. "render_seconds=120").
      AFTERCARE_REPORT_ALLOW: ${{ vars.AFTERCARE_REPORT_ALLOW }}
      # Python never imports from the checkout: a pip/ or json.py a pull request adds at the top
      # of the repository would otherwise run in place of pip's and json's own.
      PYTHONSAFEPATH: "1"
    steps:
{checks}
      - name: Build into an empty {out}/ (whatever the project file says; nothing committed there)
        run: |
          rm -rf {out}
          aftercare-report build --out {out}
      - uses: {upload-artifact}
        with:
          name: briefs
          path: {out}/
"""

MATRIX_WORKFLOW = """\
# Validate the profiles on every pull request (annotations on the diff), say in the job summary
# what the pull request changes in the briefs, then build them on {shards} runners at once
# (`build --shard K/{shards}`); a last job joins the shards' briefs into one artifact. Each shard
# keeps its briefs and their manifest in the Actions cache, per set of briefs and project file
# (adding a profile deals the briefs out anew), so an unchanged brief is not made again; the
# cache is sealed with the AFTERCARE_REPORT_CACHE_KEY secret (set one: `openssl rand -hex 32`),
# which the runners share on pushes to main and a pull request's jobs never get.
# Written by `aftercare-report init --shards {shards}`. The tool comes from
# tools/requirements.txt (never a name on a package index); actions are pinned by commit.
name: briefs
on:
  pull_request:
  push:
    branches: [main]
permissions:
  contents: read
env:
  # Raised [limits] or allow_scripts in aftercare-report.toml apply only if allowed here, from a
  # repository variable a pull request cannot change (e.g. "render_seconds=120").
  AFTERCARE_REPORT_ALLOW: ${{ vars.AFTERCARE_REPORT_ALLOW }}
  # Python never imports from the checkout: a pip/ or json.py a pull request adds at the top of
  # the repository would otherwise run in place of pip's and json's own.
  PYTHONSAFEPATH: "1"
jobs:
  validate:
    runs-on: ubuntu-24.04
    timeout-minutes: 15
    steps:
{checks}
  build:
    needs: validate
    runs-on: ubuntu-24.04
    timeout-minutes: 30
    strategy:
      matrix:
        shard: [{matrix}]
    env:
      # Seals the cached briefs; a pull request's jobs get no secret and make their share anew.
      AFTERCARE_REPORT_CACHE_KEY: >-
        ${{ github.event_name == 'push' && secrets.AFTERCARE_REPORT_CACHE_KEY || '' }}
      SHARD: ${{ matrix.shard }}/{shards}
    steps:
      - uses: {checkout}
        with:
          persist-credentials: false   # keep the token out of .git/config
      - name: Nothing committed into {out}/ is published (the cache fills it next)
        run: rm -rf {out}
{setup}
      - name: Which briefs the project builds (a shard's cache holds its share of this set)
        id: plan
        run: |
          aftercare-report list --json > "$RUNNER_TEMP/list.json"
          # The set of briefs and the project file (its languages and out): a cache of another
          # setting would bring back the folders of languages the project no longer publishes.
          plan=$({ python -c "$SLUGS" "$RUNNER_TEMP/list.json"; cat aftercare-report.toml; } \
            | sha256sum | cut -c1-16)
          echo "key=briefs-$plan-${SHARD%/*}-of-${SHARD#*/}" >> "$GITHUB_OUTPUT"
        env:
          SLUGS: 'import json, sys; print(sorted(r["slug"] for r in json.load(open(sys.argv[1]))))'
      - name: This shard's briefs of the last run (unchanged ones are not made again)
        uses: {cache}
        with:
          path: {out}/
          key: ${{ steps.plan.outputs.key }}-${{ github.sha }}
          restore-keys: ${{ steps.plan.outputs.key }}-
      - run: aftercare-report build --shard "$SHARD" --out {out}
      - uses: {upload-artifact}
        with:
          name: briefs-${{ matrix.shard }}
          path: |
            {out}/
            !{out}/manifest.json
          retention-days: 1
  briefs:
    needs: build
    runs-on: ubuntu-24.04
    timeout-minutes: 10
    steps:
      - name: Join the shards' briefs
        uses: {download-artifact}
        with:
          pattern: briefs-*
          path: {out}/
          merge-multiple: true
      - uses: {upload-artifact}
        with:
          name: briefs
          path: {out}/
"""


PRE_COMMIT = """\
# pre-commit (https://pre-commit.com): check the profiles, translations, project file and templates
# before each commit. Written by `aftercare-report init`. No activated venv is needed:
# pre-commit makes the hooks an environment, and tools/pre-commit-hook.py installs this
# project's pinned aftercare-report into it on first use (tools/requirements.txt). The second
# hook renders every brief's HTML into briefs/ (which git ignores) to check the templates.
repos:
  - repo: local
    hooks:
      - id: aftercare-report-validate
        name: aftercare-report validate (profiles, translations, project file)
        entry: python tools/pre-commit-hook.py validate --strict
        language: python
        files: ^(profiles/.*\\.ya?ml|translations/.*|aftercare-report\\.toml)$
        pass_filenames: false
      - id: aftercare-report-templates
        name: aftercare-report build --format html (templates)
        entry: python tools/pre-commit-hook.py build --format html --quiet
        language: python
        files: ^(templates/.*|profiles/.*\\.ya?ml|translations/.*|aftercare-report\\.toml)$
        pass_filenames: false
"""

HOOK = '''\
"""Run aftercare-report for pre-commit, installing this project's pinned copy on first use.

Written by `aftercare-report init`. pre-commit gives the hooks an environment of their own
(language: python); this script installs the tool named in tools/requirements.txt into it
(a wheel checked against its sha256, or a URL at one version), again only when that file
changes, then runs the tool with the hook's arguments from the project folder.
"""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


# -I: Python imports nothing from the project folder, where a pull request could have put a
# pip/ or aftercare_report/ of its own to run in place of the real ones.
PYTHON = [sys.executable, "-I"]


def install(pinned: str) -> bool:
    pip = [*PYTHON, "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    if "--hash=" in pinned:
        steps = [
            [*pip, "--require-hashes", "--no-deps", "-r", "tools/requirements.txt"],
            [*pip, "-r", "tools/dependencies.txt"],
        ]
    else:
        steps = [[*pip, "-r", "tools/requirements.txt"]]
    return all(subprocess.run(step, cwd=ROOT).returncode == 0 for step in steps)


def main() -> int:
    pinned = (ROOT / "tools" / "requirements.txt").read_text(encoding="utf-8")
    stamp = Path(sys.prefix) / "aftercare-report-requirements.txt"
    if not stamp.is_file() or stamp.read_text(encoding="utf-8") != pinned:
        if not install(pinned):
            print("could not install aftercare-report from tools/requirements.txt", file=sys.stderr)
            return 1
        stamp.write_text(pinned, encoding="utf-8")
    command = [*PYTHON, "-m", "aftercare_report", *sys.argv[1:]]
    return subprocess.run(command, cwd=ROOT).returncode


if __name__ == "__main__":
    sys.exit(main())
'''

GITIGNORE = """\
# Written by `aftercare-report init`: outputs and local environments stay out of the repository.
/{out}/
/out/
.venv/
venv/
__pycache__/
"""
