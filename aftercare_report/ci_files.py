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
from aftercare_report.errors import UsageError
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


def workflow(source: ToolSource, out: str) -> str:
    """The GitHub Actions workflow: validate with annotations, build, upload the briefs."""
    if source.hashed:
        install = (
            "python -m pip install --require-hashes --no-deps -r tools/requirements.txt\n"
            "          python -m pip install -r tools/dependencies.txt"
        )
    else:
        install = "python -m pip install -r tools/requirements.txt"
    text = WORKFLOW.replace("{install}", install).replace("{out}", out)
    text = text.replace("{apt}", " \\\n            ".join(APT_PACKAGES))
    for key, (repo, sha, tag) in ACTIONS.items():
        text = text.replace("{" + key + "}", f"{repo}@{sha} # {tag}")
    return text


WORKFLOW = """\
# Validate the profiles on every pull request (annotations on the diff) and build the briefs;
# the briefs are an artifact of each run. Written by `aftercare-report init`.
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
    steps:
      - uses: {checkout}
        with:
          persist-credentials: false   # keep the token out of .git/config
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
          {install}
      - run: aftercare-report validate --strict --format github
      - run: aftercare-report build
      - uses: {upload-artifact}
        with:
          name: briefs
          path: {out}/
"""

PRE_COMMIT = """\
# pre-commit (https://pre-commit.com): check the profiles, the project file and the templates
# before each commit. Written by `aftercare-report init`. No activated venv is needed:
# pre-commit makes the hooks an environment, and tools/pre-commit-hook.py installs this
# project's pinned aftercare-report into it on first use (tools/requirements.txt). The second
# hook renders every brief's HTML into briefs/ (which git ignores) to check the templates.
repos:
  - repo: local
    hooks:
      - id: aftercare-report-validate
        name: aftercare-report validate (profiles, project file)
        entry: python tools/pre-commit-hook.py validate --strict
        language: python
        files: ^(profiles/.*\\.ya?ml|aftercare-report\\.toml)$
        pass_filenames: false
      - id: aftercare-report-templates
        name: aftercare-report build --format html (templates)
        entry: python tools/pre-commit-hook.py build --format html --quiet
        language: python
        files: ^(templates/.*|profiles/.*\\.ya?ml|aftercare-report\\.toml)$
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


def install(pinned: str) -> bool:
    pip = [sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
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
    command = [sys.executable, "-m", "aftercare_report", *sys.argv[1:]]
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
