"""A team's project file, ``aftercare-report.toml``, found upward from the working directory.

It names the team's profiles, templates, framework, brand, language and terminology, so briefs
can be restyled and reworded without forking. Paths in it are relative to the file itself. With no
project file the bundled profiles and templates are used.

This module finds the file and applies command-line options; :mod:`aftercare_report.project_file`
reads and validates it, imported only when there is one (its schema needs pydantic, which an
unchanged build that only checks its outputs should not pay for). The settings themselves are
in :mod:`aftercare_report.settings`, named here too.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from aftercare_report import protection
from aftercare_report.confine import secret_risk
from aftercare_report.errors import Finding, InputError, UsageError, display_path
from aftercare_report.settings import BUNDLED, CONFIG_NAME, Brand, Paper, Project

__all__ = [
    "BUNDLED",
    "CONFIG_NAME",
    "Brand",
    "Paper",
    "Project",
    "check_out",
    "check_template_folders",
    "find_config",
    "load_project",
    "translations_folder",
    "with_overrides",
]


LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{1,8})?$")
"""A language code as the project file and ``--language`` take it (``fr``, ``pt-BR``)."""


def with_overrides(
    project: Project,
    *,
    profiles: Sequence[Path] = (),
    templates: Sequence[Path] = (),
    framework: Path | None = None,
    out: Path | None = None,
    stale_years: int | None = None,
    paper: Paper | None = None,
    language: str | None = None,
) -> Project:
    """Apply command-line options over the project's settings, in one place for every command.

    Profile paths and a framework given on the command line replace the project's; template
    folders given on the command line are searched before the project's. The output folder is
    checked here (see :func:`check_out`), so ``--out`` cannot point at inputs either.

    Args:
        project: The loaded project.
        profiles: ``--profiles`` paths.
        templates: ``--templates`` folders.
        framework: ``--framework``.
        out: ``--out``.
        stale_years: ``--stale-years``.
        paper: ``--paper``.
        language: ``--language``: one code, or several separated by commas (``fr,en``), each
            built into ``out/<lang>/``.

    Raises:
        UsageError: ``--language`` names no language, or one twice.
        InputError: A template folder could expose secrets, or the output folder is the project
            folder or holds inputs.
    """
    merged = replace(
        project,
        profiles=tuple(profiles) or project.profiles,
        templates=(*templates, *project.templates),
        framework=framework or project.framework,
        out=out or project.out,
        stale_years=project.stale_years if stale_years is None else stale_years,
        brand=replace(project.brand, paper=paper) if paper else project.brand,
    )
    if language is not None:
        merged = _with_languages(merged, _language_list(language))
    check_template_folders(merged)
    check_out(merged)
    return merged


def _language_list(given: str) -> tuple[str, ...]:
    """The codes of ``--language fr,en``, in order.

    Raises:
        UsageError: Something that is not a language code, or one code twice.
    """
    codes = tuple(code.strip() for code in given.split(","))
    if not all(LANGUAGE_CODE.match(code) for code in codes):
        raise UsageError(
            f"--language {given!r}: write language codes separated by commas, e.g. fr,en or pt-BR"
        )
    twice = sorted({code for code in codes if codes.count(code) > 1})
    if twice:
        raise UsageError(f"--language {given!r}: {', '.join(twice)} is given twice")
    return codes


def _with_languages(project: Project, codes: tuple[str, ...]) -> Project:
    """The project building ``codes``, published beside its own languages if either has several."""
    several = len(codes) > 1 or project.published
    return replace(
        project,
        language=codes[0],
        languages=codes if len(codes) > 1 else (),
        published=tuple(dict.fromkeys((*project.published, *codes))) if several else (),
    )


def check_template_folders(project: Project) -> None:
    """Refuse template folders that could expose secrets, saying why (see ``secret_risk``).

    Checked when the project loads, so ``templates = ["."]`` fails before any command runs.

    Raises:
        InputError: Naming the folder and what it holds.
    """
    findings = []
    for folder in project.templates:
        risk = secret_risk(folder, project.root, CONFIG_NAME)
        if risk:
            where = display_path(project.path) if project.path else display_path(folder)
            msg = (
                f"'{display_path(folder)}' cannot be a template folder: {risk}; templates can "
                "read every file in their folders, so keep only templates, styles, fonts and "
                "images there"
            )
            findings.append(Finding(where, 0, 0, "project.templates", msg, code="template-secrets"))
    if findings:
        raise InputError(findings)


def find_config(start: Path) -> Path | None:
    """Return the nearest ``aftercare-report.toml`` in ``start`` or a parent folder, like git."""
    for folder in (start.resolve(), *start.resolve().parents):
        candidate = folder / CONFIG_NAME
        if candidate.is_file():
            return candidate
    return None


def load_project(path: Path | None, allow: Sequence[str] = (), **overrides: Any) -> Project:
    """Load and validate a project file (None gives the defaults), then apply overrides.

    Args:
        path: The project file, or None.
        allow: ``--allow`` items: settings that weaken protection the run allows, with those of
            ``AFTERCARE_REPORT_ALLOW`` (see :mod:`aftercare_report.protection`).
        **overrides: Command-line options; see :func:`with_overrides`.

    Raises:
        InputError: TOML syntax errors and invalid settings, all at once, with their lines; an
            output folder that is the project folder or holds inputs; settings that weaken
            protection beyond what the run allows.
        UsageError: An ``--allow`` item or the variable is not understood.
    """
    return with_overrides(_load(path, protection.allowance(allow)), **overrides)


def check_out(project: Project) -> None:
    """Refuse an output folder that is the project folder or holds any input.

    Outputs are named after profiles: with ``out = "."`` a profile called ``package.yaml``
    would overwrite the project's ``package.json``, and outputs inside an input folder would
    become inputs of the next build.

    Raises:
        InputError: Naming the folder and the input it would hold.
    """
    out = project.out.resolve()
    inputs = [("the project folder", project.root)] if project.root else []
    inputs += [("the project file", project.path)] if project.path else []
    inputs += [("profiles", p) for p in project.profiles]
    inputs += [("templates", t) for t in project.templates]
    inputs += [("the framework", project.framework)] if project.framework else []
    # A build into the previous edition's record would overwrite it (a maintainer's local
    # build, the pre-commit hook); into the catalogs, it would add to them.
    previous = project.edition.previous_json
    inputs += [("the previous edition's JSON", previous)] if previous else []
    translations = translations_folder(project)
    inputs += [("translations", translations)] if translations else []
    for what, path in inputs:
        if path is None:
            continue
        real = path.resolve()
        # Outputs inside a template folder would be readable by templates and change its hash.
        around = what == "templates" and out.is_relative_to(real)
        if out == real or real.is_relative_to(out) or around:
            where = display_path(project.path) if project.path else display_path(project.out)
            relation = "would be inside" if around and out != real else "would hold"
            msg = f"output folder '{display_path(project.out)}' {relation} {what} ({path})"
            raise InputError([Finding(where, 0, 0, "project.out", msg, code="out-holds-input")])


def _load(path: Path | None, allowed: protection.Allowance) -> Project:
    if path is None:
        limits = protection.effective_limits({}, allowed)
        return Project(limits=limits, allow_scripts=allowed.scripts)
    from aftercare_report import project_file

    return project_file.parse(path, allowed)


TRANSLATIONS = "translations"
"""The project's folder of catalogs (``<lang>.po``) and framework overlays."""


def translations_folder(project: Project) -> Path | None:
    """The project's ``translations`` folder (beside the project file), or None without one.

    Raises:
        InputError: It is a symlink: catalogs and overlays are read only from inside the project.
    """
    if project.root is None:
        return None
    folder = project.root / TRANSLATIONS
    if folder.is_symlink():
        msg = "is a symlink; keep catalogs and overlays in a real folder inside the project"
        raise InputError([Finding(display_path(folder), 0, 0, "", msg, code="not-file")])
    return folder
