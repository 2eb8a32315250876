"""Start a team project, a new profile, or a template to edit: files a team then owns.

Everything written here is a starting point that builds and validates at once: a profile
skeleton has every component, risk factor, measure and stage present and ``unknown`` (honest data
gaps, never invented values), and a project includes the bundled profiles so its first build
already compares the team's country with them. Nothing is overwritten unless asked.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from aftercare_report import findings
from aftercare_report.config import CONFIG_NAME
from aftercare_report.errors import UsageError, display_path
from aftercare_report.i18n import current
from aftercare_report.model import (
    LEGACY_FUNCTIONS,
    STAGES,
    Framework,
    Institutions,
    KeyFigures,
    Measures,
)
from aftercare_report.resources import DEFAULT_FRAMEWORK, bundled
from aftercare_report.schema import profile_schema_json

TEMPLATE_NAMES = ("country.html", "comparative.html", "base.html", "_macros.html", "brief.css")
"""The bundled templates a team may copy to edit."""


@dataclass(frozen=True)
class Paths:
    """Where the bundled data lives in this installation.

    Attributes:
        templates: The default templates.
        profiles: The bundled country profiles.
        framework: The bundled framework file.
        schema: The JSON Schema of profiles.
    """

    templates: Path
    profiles: Path
    framework: Path
    schema: Path


def paths() -> Paths:
    """Return where the bundled templates, profiles, framework and schema are installed."""
    return Paths(
        bundled("templates"),
        bundled("profiles"),
        DEFAULT_FRAMEWORK,
        bundled("schema") / "profile.schema.json",
    )


def slug_of(country: str) -> str:
    """Return a profile file name for a country: ``Côte d'Ivoire`` -> ``cote-d-ivoire``."""
    import unicodedata

    plain = unicodedata.normalize("NFKD", country).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-")
    if not slug:
        raise UsageError(f"{country!r}: give the country's name in Latin letters for its file name")
    return slug


def profile_skeleton(
    framework: Framework, country: str, iso3: str, region: str, today: dt.date
) -> str:
    """Return a format-2 profile with every part present and unknown, commented from the framework.

    Args:
        framework: The framework whose components and risk factors it lists.
        country: Country name.
        iso3: ISO 3166-1 alpha-3 code.
        region: World region.
        today: The date the profile is started (its ``as_of`` until evidence is added).
    """
    if not re.fullmatch(r"[A-Z]{3}", iso3):
        raise UsageError(f"{iso3!r}: the ISO3 code is three capital letters, e.g. KHM")
    lines = [
        "# yaml-language-server: $schema=../schema/profile.schema.json",
        f"# A profile of survivor aftercare in {_one_line(country)}, started {today.isoformat()}.",
        "# Every part is `unknown` until a source documents it: replace each with what the sources",
        "# say, cite them under `sources`, and run `aftercare-report validate`.",
        "schema_version: 2",
        f"country: {_quote(country)}",
        f"iso3: {iso3}",
        f"region: {_quote(region)}",
        "roles: [origin, transit, destination]   # keep only those the sources show",
        f"as_of: {today.isoformat()}",
        "summary: >-",
        f"  No evidence has been recorded in this profile of {_one_line(country)} yet.",
        "institutions:   # the country's own names for who must act",
    ]
    for role in Institutions.model_fields:
        if role not in LEGACY_FUNCTIONS:
            lines.append(f"  {role}: {{name: unknown}}")
    lines += [
        "instruments:    # the framework's instruments the country is bound by, e.g.:",
        "  palermo: {since: unknown}",
        "laws: {}",
        "anchors:",
        "  tip_tier: {value: unknown}",
        "  gsi_government_response: {score: unknown}",
        "measures:       # in_place, partial, absent or unknown",
    ]
    for name in Measures.model_fields:
        lines.append(f"  {name}: {{status: unknown, evidence: No source recorded yet.}}")
    lines.append("timeline:       # where support stops for an adult survivor")
    for stage in STAGES:
        lines.append(
            f"  {stage}: {{status: unknown, duration: unknown, support: No source recorded yet.}}"
        )
    lines.append("components:")
    for cid, spec in framework.components.items():
        lines.append(f"  {cid}:   # {_one_line(spec.name)}; level 3: {_one_line(spec.levels[3])}")
        lines.append("    level: unknown")
        lines.append("    evidence: No source recorded yet.")
    lines.append("risk_factors:")
    for rid, risk in framework.risk_factors.items():
        lines.append(f"  {rid}:   # {_one_line(risk.name)}")
        lines.append("    status: unknown")
        lines.append("    evidence: No source recorded yet.")
    lines.append("key_figures:")
    for name in KeyFigures.model_fields:
        lines.append(
            f"  {name}: {{value: unknown, counts: {_one_line(findings.figure_name(name))}}}"
        )
    lines.append("sources: {}")
    return "\n".join(lines) + "\n"


def _one_line(text: str) -> str:
    """One line of framework text, terms filled in (``{survivors}`` -> ``survivors``)."""
    return current().fill(" ".join(text.split()))


def _quote(text: str) -> str:
    return '"' + _one_line(text).replace("\\", "\\\\").replace('"', '\\"') + '"'


def write_new(path: Path, text: str, *, force: bool = False) -> Path:
    """Write a file the team will own, refusing to overwrite one unless ``force``.

    Raises:
        UsageError: The file exists and ``force`` is not set.
    """
    if path.exists() and not force:
        raise UsageError(f"{display_path(path)} already exists; use --force to overwrite it")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def copy_template(name: str, folder: Path, *, force: bool = False) -> Path:
    """Copy a bundled template into a team's template folder, to edit.

    Raises:
        UsageError: Unknown template name, or the file exists and ``force`` is not set.
    """
    if name not in TEMPLATE_NAMES:
        raise UsageError(f"{name!r}: choose one of {', '.join(TEMPLATE_NAMES)}")
    target = folder / name
    if target.exists() and not force:
        raise UsageError(f"{display_path(target)} already exists; use --force to overwrite it")
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(bundled("templates") / name, target)
    return target


PROJECT_FILE = """\
# aftercare-report project file: found upward from the working directory, like git.
# Paths are relative to this file. See the README's "Customising briefs".

[project]
# Your profiles first; "bundled" adds the profiles shipped with the tool, so briefs compare your
# countries with them. When both hold one country, yours wins (validate says so).
profiles = ["profiles", "bundled"]
templates = ["templates"]       # searched before the defaults
out = "briefs"
language = "en"
stale_years = 5

[brand]
organisation = "{organisation}"
# logo = "logo.png"             # an image in the templates folder
# primary = "#1f4e79"           # dark enough for white text (4.5:1)
# accent = "#c0504d"
# fonts = ["fonts/NotoSansKhmer-Regular.ttf"]   # font files in the templates folder,
#                                              # embedded in every brief

# [terms]                       # the words briefs use; change a term with all its forms
# survivor = "survivor"
# survivors = "survivors"
# survivor_attr = "survivor"    # before a noun: "survivor services"
# victim = "victim"             # the legal category
# victims = "victims"
# re_trafficking = "re-trafficking"
# [terms.fr]                    # per language, for briefs in French (language = "fr")
# survivors = "personnes survivantes"

# [validate]
# ignore = ["stale-source"]     # codes of warnings or data gaps to leave out
"""

OVERRIDE = """\
{#- Your changes to the country brief. This file extends the default and replaces one block;
    {{ super() }} keeps the default content of the block. The blocks and every variable are
    listed in the tool's docs/templates.md (`aftercare-report paths` shows where it is). -#}
{% extends "default:country.html" %}

{% block closing %}
{{ super() }}
{#- <p>Prepared by our team with the survivor advisory group.</p> -#}
{% endblock %}
"""

WORKFLOW = """\
# Validate profiles on every pull request and build the briefs; the briefs are an artifact.
name: briefs
on:
  pull_request:
  push:
    branches: [main]
permissions:
  contents: read
jobs:
  briefs:
    runs-on: ubuntu-latest
    env:
      # A pip requirement for the tool: a wheel you keep in the repository, or a git URL.
      AFTERCARE_REPORT: aftercare-report
    steps:
      - uses: actions/checkout@v4
        with:
          persist-credentials: false   # keep the token out of .git/config
      - uses: actions/setup-python@v5
        with:
          python-version: "3.11"
      - run: >-
          sudo apt-get update && sudo apt-get install -y libpango-1.0-0 libpangoft2-1.0-0
          libharfbuzz-subset0 fontconfig fonts-noto-core
      - run: pip install "$AFTERCARE_REPORT"
      - run: aftercare-report validate --strict --format github
      - run: aftercare-report build
      - uses: actions/upload-artifact@v4
        with:
          name: briefs
          path: briefs/
"""

PRE_COMMIT = """\
# pre-commit (https://pre-commit.com): validate profiles before each commit.
repos:
  - repo: local
    hooks:
      - id: aftercare-report-validate
        name: aftercare-report validate
        entry: aftercare-report validate --strict
        language: system
        files: ^profiles/.*\\.ya?ml$
        pass_filenames: true
"""


def init_project(
    folder: Path,
    framework: Framework,
    *,
    organisation: str,
    country: tuple[str, str, str] | None,
    today: dt.date,
    force: bool = False,
) -> list[Path]:
    """Create a team project that validates and builds at once.

    Args:
        folder: Where to create it (created if missing).
        framework: The framework, for the profile skeleton and the schema.
        organisation: Who publishes the briefs.
        country: (name, ISO3, region) of a first profile to start, or None.
        today: The date for the profile skeleton.
        force: Overwrite files that exist.

    Returns:
        The files written.

    Raises:
        UsageError: A file exists and ``force`` is not set.
    """
    written = [
        write_new(
            folder / CONFIG_NAME,
            PROJECT_FILE.replace("{organisation}", _one_line(organisation).replace('"', "'")),
            force=force,
        ),
        write_new(folder / "templates" / "country.html", OVERRIDE, force=force),
        write_new(
            folder / "schema" / "profile.schema.json",
            profile_schema_json(framework) + "\n",
            force=force,
        ),
        write_new(folder / ".github" / "workflows" / "briefs.yml", WORKFLOW, force=force),
        write_new(folder / ".pre-commit-config.yaml", PRE_COMMIT, force=force),
    ]
    (folder / "profiles").mkdir(exist_ok=True)
    if country:
        name, iso3, region = country
        text = profile_skeleton(framework, name, iso3, region, today)
        written.append(write_new(folder / "profiles" / f"{slug_of(name)}.yaml", text, force=force))
    return written
