"""Start a team project, a new profile, or a template to edit: files a team then owns.

Everything written here is a starting point that builds and validates at once: a profile
skeleton has every component, risk factor, measure and stage present and ``unknown`` (honest data
gaps, never invented values), and a project includes the bundled profiles so its first build
already compares the team's country with them. Nothing is overwritten unless asked.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from aftercare_report import ci_files, confine, countries, findings
from aftercare_report.catalog import profile_files
from aftercare_report.config import CONFIG_NAME, Project
from aftercare_report.errors import UNSAFE, InputError, UsageError, display_path, printable
from aftercare_report.i18n import current
from aftercare_report.limits import MAX_LINE
from aftercare_report.loading import load_yaml
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
        reference: The template reference: every block and context variable (templates.md).
    """

    templates: Path
    profiles: Path
    framework: Path
    schema: Path
    reference: Path


def paths() -> Paths:
    """Return where the bundled templates, profiles, framework, schema and docs are installed."""
    return Paths(
        bundled("templates"),
        bundled("profiles"),
        DEFAULT_FRAMEWORK,
        bundled("schema") / "profile.schema.json",
        bundled("docs") / "templates.md",
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
        if role not in LEGACY_FUNCTIONS:
            lines.append(f"  {role}: {{name: unknown}}")
    lines += [
        "# The framework's instruments the country is bound by, each with the year and a source:",
        f"# {_one_line(', '.join(framework.instruments))}.",
        "instruments: {}",
        "laws: {}",
        "anchors:",
        "  tip_tier: {value: unknown}",
        "  gsi_government_response: {score: unknown}",
        "measures:       # in_place, partial, absent or unknown",
    ]
    for name in Measures.model_fields:
        lines.append(f"  {name}: {{status: unknown, evidence: {NOTHING_YET}}}")
    lines.append("timeline:       # where support stops for an adult survivor")
    for stage in STAGES:
        lines.append(f"  {stage}: {{status: unknown, duration: unknown, support: {NOTHING_YET}}}")
    lines.append("components:")
    for cid, spec in framework.components.items():
        lines.append(f"  {cid}:   # {_one_line(spec.name)}; level 3: {_one_line(spec.levels[3])}")
        lines.append("    level: unknown")
        lines.append(f"    evidence: {NOTHING_YET}")
    lines.append("risk_factors:")
    for rid, risk in framework.risk_factors.items():
        lines.append(f"  {rid}:   # {_one_line(risk.name)}")
        lines.append("    status: unknown")
        lines.append(f"    evidence: {NOTHING_YET}")
    lines.append("key_figures:")
    for name in KeyFigures.model_fields:
        lines.append(
            f"  {name}: {{value: unknown, counts: {_one_line(findings.figure_name(name))}}}"
        )
    lines.append("sources: {}")
    return "\n".join(lines) + "\n"


NOTHING_YET = "No source has been checked yet."
"""The skeleton's one placeholder: a brief that quotes it still says something true."""


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


def project_folder(target: Path, project_root: Path | None) -> Path:
    """The folder below which no symlink may stand on the way to ``target`` (absolute).

    A folder inside the project (the project file's, else the current one) is checked from the
    project down: a pull request can plant ``profiles/sub -> /elsewhere``. A folder outside it
    the user named on the command line, so only what is below it is checked.
    """
    target, base = absolute(target), absolute(project_root or Path.cwd())
    return base if target.is_relative_to(base) else target


def absolute(path: Path) -> Path:
    """``path`` made absolute as written: ``resolve()`` would follow the symlinks checked."""
    return Path(os.path.abspath(path))  # noqa: PTH100


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
# Paths are relative to this file. See the README's "Customising briefs". Every commented
# line below is a working example: remove its "# " to use it.

[project]
# Your profiles first; "bundled" adds the profiles shipped with the tool, so briefs compare your
# countries with them. When both hold one country, yours wins (validate says so).
profiles = ["profiles", "bundled"]
templates = ["templates"]       # searched before the defaults
out = "briefs"
language = "en"
# languages = ["en", "fr"]      # every brief in each, into briefs/<lang>/ (the first: language)
stale_years = 5

[brand]
organisation = "{organisation}"
# logo = "logo.png"             # an image you put in templates/
# primary = "#1f4e79"           # dark enough for white text (4.5:1)
# accent = "#c0504d"            # visible on white (3:1)
# paper = "letter"              # or "a4", the default
# fonts = ["fonts/NotoSansKhmer-Regular.ttf", "fonts/NotoSansKhmer-Bold.ttf"]
#                               # font files you put in templates/fonts/, embedded in every
#                               # brief; a Khmer font sets Khmer text only

# [terms]                       # the words briefs use; change a term with all its forms
# survivor = "survivor"
# survivors = "survivors"
# survivor_attr = "survivor"    # before a noun: "survivor services"
# victim = "victim"             # the legal category
# victims = "victims"
# re_trafficking = "re-trafficking"

# [terms.fr]                    # per language, for briefs in French (language = "fr")
# survivor = "personne survivante"
# survivors = "personnes survivantes"
# survivor_attr = "personnes survivantes"   # French briefs write it after "aux": "services aux ..."

# [validate]
# ignore = ["stale-source"]     # codes of warnings or data gaps to leave out
"""

OVERRIDE = """\
{#- Your changes to the country brief. This file extends the default and replaces one block;
    {{ super() }} keeps the default content of the block. The blocks and every variable are
    listed in the template reference, templates.md (`aftercare-report paths` shows where). -#}
{% extends "default:country.html" %}

{% block closing %}
{{ super() }}
{#- <p>Prepared by our team with the survivor advisory group.</p> -#}
{% endblock %}
"""

PROFILES_README = """\
# Your country profiles

One YAML file per country: `aftercare-report new COUNTRY` starts one here (every part
`unknown`, with the framework's wording as comments), `aftercare-report validate` checks them.
Until there is one, briefs are built from the bundled profiles alone.
"""


@dataclass(frozen=True)
class FirstProfile:
    """The profile ``new`` or ``init --country`` starts: the country's name, ISO3 code, region."""

    name: str
    iso3: str
    region: str


def first_profile(
    name: str,
    iso3: str | None,
    region: str | None,
    project: Project,
    *,
    choose: Callable[[countries.AmbiguousCountry], countries.Country],
) -> FirstProfile:
    """Find a new profile's country, ISO3 code and region from its name, or take them as given.

    Args:
        name: The country's name, in English or the project's language, or an ISO code.
        iso3: A code given with ``--iso3``: the name is then kept as written (the code may be
            one ISO does not assign, such as XKX for Kosovo).
        region: A region given with ``--region``; by default, see :func:`countries.region`.
        project: The project, for its language and the regions its profiles already use.
        choose: Picks one of several countries a name fits, or raises the error it is given.

    Raises:
        UsageError: The name is no country's.
    """
    if iso3:
        known = countries.by_code(iso3)
        country = countries.Country(known.alpha2 if known else "", iso3.upper(), name)
    else:
        try:
            country = countries.find(name, project.language)
        except countries.AmbiguousCountry as exc:
            country = choose(exc)
    if region is None:
        region = countries.region(country, project.language, _regions_in_play(project))
    return FirstProfile(country.name, country.iso3, region)


def _regions_in_play(project: Project) -> list[tuple[str, str]]:
    """(ISO3, region) of the profiles the project already has: a new one takes their names."""
    found = []
    try:
        files = profile_files(project.profiles)
    except InputError:
        return []
    for path in files:
        try:
            data = load_yaml(path).data
        except InputError:
            continue  # a broken profile is validate's business, not new's
        if isinstance(data.get("iso3"), str) and isinstance(data.get("region"), str):
            found.append((data["iso3"], data["region"]))
    return found


def init_project(
    folder: Path,
    framework: Framework,
    *,
    organisation: str,
    country: FirstProfile | None,
    today: dt.date,
    tool_source: str | None = None,
    force: bool = False,
    shards: int = 1,
    code_owners: tuple[str, ...] = (),
) -> list[Path]:
    """Create a team project that validates and builds at once, in CI too.

    Args:
        folder: Where to create it (created if missing).
        framework: The framework, for the profile skeleton and the schema.
        organisation: Who publishes the briefs.
        country: A first profile to start, or None.
        today: The date for the profile skeleton.
        tool_source: A URL at one version of the tool for CI and hooks to install, or None
            for the running tool's wheel, put in ``tools/``.
        force: Overwrite files that exist.
        shards: Runners the workflow spreads the build over (1: one job).
        code_owners: Who must review changes to what runs code (``.github/CODEOWNERS``);
            none: no CODEOWNERS is written.

    Returns:
        The files written.

    Raises:
        UsageError: A file exists and ``force`` is not set (then nothing is written), or the
            tool source could change, or an owner is not one.
    """
    out = "briefs"
    files: dict[str, str | bytes] = {
        CONFIG_NAME: PROJECT_FILE.replace(
            '"{organisation}"', quoted(one_line_option(organisation, "--organisation"))
        ),
        "templates/country.html": OVERRIDE,
        "schema/profile.schema.json": profile_schema_json(framework) + "\n",
        "profiles/README.md": PROFILES_README,
        ".gitignore": ci_files.GITIGNORE.replace("{out}", out),
        ".pre-commit-config.yaml": ci_files.PRE_COMMIT,
    }
    if code_owners:
        files[".github/CODEOWNERS"] = ci_files.code_owners(code_owners)
    if country:
        text = profile_skeleton(framework, country.name, country.iso3, country.region, today)
        files[f"profiles/{slug_of(country.name)}.yaml"] = text
    planned = [*files, ".github/workflows/briefs.yml", *ci_files.tool_files(tool_source)]
    _check_writable(folder, planned)
    existing = [folder / name for name in planned if (folder / name).exists()]
    if existing and not force:
        first, more = display_path(existing[0]), len(existing) - 1
        if not more:
            raise UsageError(f"{first} already exists; use --force to overwrite it")
        raise UsageError(
            f"{first} and {more} more files init writes already exist; "
            "use --force to overwrite them"
        )
    source, pinned = ci_files.pin_tool(tool_source)
    files.update(pinned)
    files[".github/workflows/briefs.yml"] = ci_files.workflow(source, out, shards)
    return [write_new(folder / name, text, force=True, root=folder) for name, text in files.items()]


def _check_writable(folder: Path, names: list[str]) -> None:
    """Refuse a symlink in the way of any file before the first is written, not half way."""
    for name in names:
        try:
            confine.check_writable(folder, Path(name))
        except confine.Refused as exc:
            raise UsageError(f"{display_path(folder / name)}: not written: {exc}") from None


def pin_tools(folder: Path, tool_source: str | None = None) -> list[Path]:
    """Rewrite only ``tools/``: pin the running tool (or ``tool_source``) for CI and hooks.

    How a team upgrades the version its CI installs; the other files ``init`` wrote are the
    team's and stay as they are.
    """
    _, files = ci_files.pin_tool(tool_source)
    _check_writable(folder, list(files))
    return [write_new(folder / name, text, force=True, root=folder) for name, text in files.items()]
