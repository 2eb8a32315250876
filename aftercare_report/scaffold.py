"""Start a team project, a new profile, or a template to edit: files a team then owns.

Everything written here is a starting point that builds and validates at once: a profile
skeleton has every component, risk factor, measure and stage present and ``unknown`` (honest data
gaps, never invented values), and a project includes the bundled profiles so its first build
already compares the team's country with them. Nothing is overwritten unless asked.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from pathlib import Path

from aftercare_report import confine
from aftercare_report.config import CONFIG_NAME
from aftercare_report.errors import UNSAFE, UsageError, display_path, printable
from aftercare_report.i18n import current
from aftercare_report.limits import MAX_LINE
from aftercare_report.model import STAGES, Framework, Institutions, KeyFigures, Measures
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
    country = one_line_option(country, "COUNTRY")
    region = one_line_option(region, "--region")
    lines = [
        "# yaml-language-server: $schema=../schema/profile.schema.json",
        f"# A profile of survivor aftercare in {country}, started {today.isoformat()}.",
        "# Every part is `unknown` until a source documents it: replace each with what the sources",
        "# say, cite them under `sources`, and run `aftercare-report validate`.",
        "schema_version: 2",
        f"country: {quoted(country)}",
        f"iso3: {iso3}",
        f"region: {quoted(region)}",
        "roles: [origin, transit, destination]   # keep only those the sources show",
        f"as_of: {today.isoformat()}",
        "summary: >-",
        f"  No evidence has been recorded in this profile of {country} yet.",
        "institutions:   # the country's own names for who must act",
    ]
    for role in Institutions.model_fields:
        lines.append(f"  {role}: {{name: unknown}}")
    lines += [
        "instruments:    # the framework's instruments the country is bound by, e.g.:",
        "  palermo: {since: unknown}",
        "laws: {}",
        "anchors:",
        "  tip_tier: {value: unknown}",
        "  gsi_government_response: {value: unknown}",
        "measures:       # in_place, partial, absent or unknown",
    ]
    for name in Measures.model_fields:
        lines.append(f"  {name}: {{status: unknown, evidence: Not yet researched.}}")
    lines.append("timeline:       # where support stops for an adult survivor")
    for stage in STAGES:
        lines.append(
            f"  {stage}: {{status: unknown, duration: unknown, support: Not yet researched.}}"
        )
    lines.append("components:")
    for cid, spec in framework.components.items():
        lines.append(f"  {cid}:   # {_one_line(spec.name)}; level 3: {_one_line(spec.levels[3])}")
        lines.append("    level: unknown")
        lines.append("    evidence: No source has been checked yet.")
    lines.append("risk_factors:")
    for rid, risk in framework.risk_factors.items():
        lines.append(f"  {rid}:   # {_one_line(risk.name)}")
        lines.append("    status: unknown")
        lines.append("    evidence: No source has been checked yet.")
    lines.append("key_figures:")
    for name in KeyFigures.model_fields:
        lines.append(f"  {name}: {{value: unknown, counts: not yet researched}}")
    lines.append("sources: {}")
    return "\n".join(lines) + "\n"


def _one_line(text: str) -> str:
    """One line of framework text, terms filled in (``{survivors}`` -> ``survivors``)."""
    return current().fill(" ".join(text.split()))


def one_line_option(text: str, option: str) -> str:
    """A name given on the command line, as one line (runs of whitespace become one space).

    Raises:
        UsageError: It is empty, longer than a one-line field may be, or holds control
            characters (which no profile or project file accepts).
    """
    line = " ".join(text.split())
    if not line or len(line) > MAX_LINE or UNSAFE.search(line):
        raise UsageError(
            f"{option}: {printable(line[:60])!r}: give one line of at most {MAX_LINE} "
            "characters, without control characters"
        )
    return line


def quoted(text: str) -> str:
    """``text`` as a double-quoted string that YAML and TOML read back exactly.

    A JSON string is both: ``"`` and ``\\`` are escaped, and :func:`one_line_option` has kept
    out the characters either format would need escaped otherwise.
    """
    return json.dumps(text, ensure_ascii=False)


def write_new(
    path: Path, text: str | bytes, *, force: bool = False, root: Path | None = None
) -> Path:
    """Write a file the team will own, refusing to overwrite one unless ``force``.

    Nothing is written through a symlink, even with ``force`` (see :func:`confine.write_new`).

    Args:
        path: The file.
        text: Its content.
        force: Overwrite a regular file that is there.
        root: The folder the user named (created if missing); no folder between it and the
            file may be a symlink. By default the file's own folder.

    Raises:
        UsageError: The file exists and ``force`` is not set, or a symlink is in the way.
    """
    root = path.parent if root is None else root
    data = text.encode("utf-8") if isinstance(text, str) else text
    try:
        return confine.write_new(root, path.relative_to(root), data, replace=force)
    except FileExistsError:
        raise UsageError(
            f"{display_path(path)} already exists; use --force to overwrite it"
        ) from None
    except confine.Refused as exc:
        raise UsageError(f"{display_path(path)}: not written: {exc}") from None
    except OSError as exc:
        raise UsageError(f"{display_path(path)}: cannot write: {exc.strerror}") from None


def copy_template(name: str, folder: Path, *, force: bool = False) -> Path:
    """Copy a bundled template into a team's template folder, to edit.

    Raises:
        UsageError: Unknown template name, or the file exists and ``force`` is not set.
    """
    if name not in TEMPLATE_NAMES:
        raise UsageError(f"{name!r}: choose one of {', '.join(TEMPLATE_NAMES)}")
    return write_new(folder / name, (bundled("templates") / name).read_bytes(), force=force)


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
      # Raised [limits] or allow_scripts in aftercare-report.toml apply only if allowed here, from
      # a repository variable a pull request cannot change (e.g. "render_seconds=120").
      AFTERCARE_REPORT_ALLOW: ${{ vars.AFTERCARE_REPORT_ALLOW }}
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
    project_file = PROJECT_FILE.replace(
        '"{organisation}"', quoted(one_line_option(organisation, "--organisation"))
    )
    files = [
        (Path(CONFIG_NAME), project_file),
        (Path("templates", "country.html"), OVERRIDE),
        (Path("schema", "profile.schema.json"), profile_schema_json(framework) + "\n"),
        (Path(".github", "workflows", "briefs.yml"), WORKFLOW),
        (Path(".pre-commit-config.yaml"), PRE_COMMIT),
    ]
    if country:
        name, iso3, region = country
        text = profile_skeleton(framework, name, iso3, region, today)
        files.append((Path("profiles", f"{slug_of(name)}.yaml"), text))
    written = [write_new(folder / path, text, force=force, root=folder) for path, text in files]
    (folder / "profiles").mkdir(exist_ok=True)
    return written
