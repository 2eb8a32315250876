"""A team's project file, ``aftercare-report.toml``, found upward from the working directory.

It names the team's profiles, templates, framework, brand, language and terminology, so briefs
can be restyled and reworded without forking. Paths in it are relative to the file itself. With no
project file the bundled profiles and templates are used.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from aftercare_report.context import Brand
from aftercare_report.errors import Finding, InputError, display_path
from aftercare_report.recommend import DEFAULT_TERMS
from aftercare_report.validation import DEFAULT_STALE_YEARS, describe, did_you_mean

CONFIG_NAME = "aftercare-report.toml"

_COLOUR = r"^(#[0-9a-fA-F]{3,8}|[a-zA-Z]+|rgb\([0-9, .%]+\))$"


class _Section(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", strict=True)


class ProjectSection(_Section):
    """``[project]``: where the inputs are and where outputs go."""

    profiles: tuple[str, ...] = Field(default=(), strict=False, description="Profile paths.")
    templates: tuple[str, ...] = Field(default=(), strict=False, description="Template folders.")
    framework: str | None = Field(default=None, description="A framework YAML of your own.")
    out: str = Field(default="out", description="Output folder.")
    language: str = Field(default="en", pattern=r"^[a-z]{2,3}(-[A-Za-z0-9]+)?$")
    stale_years: int = Field(default=DEFAULT_STALE_YEARS, ge=0, le=100)


class BrandSection(_Section):
    """``[brand]``: the organisation and look of the briefs."""

    organisation: str = Field(default=Brand.organisation, min_length=1)
    logo: str = Field(default="", description="Image file in a template folder.")
    primary: Annotated[str, Field(pattern=_COLOUR)] = Brand.primary
    accent: Annotated[str, Field(pattern=_COLOUR)] = Brand.accent
    font: Annotated[str, Field(pattern=r"^[A-Za-z0-9 ,'\"-]+$")] = Brand.font


class ConfigFile(_Section):
    """The whole project file."""

    project: ProjectSection = ProjectSection()
    brand: BrandSection = BrandSection()
    terms: dict[str, Annotated[str, Field(min_length=1, max_length=40)]] = Field(
        default_factory=dict
    )


class Project:
    """The resolved project settings (bundled defaults where there is no project file).

    Attributes:
        path: The project file, or None.
        profiles: Profile paths (empty means bundled).
        templates: Template folders.
        framework: Framework file, or None for bundled.
        out: Output folder.
        language: Language code.
        stale_years: Staleness limit for sources.
        brand: The brand.
        terms: Terminology, defaults filled in.
    """

    def __init__(self, path: Path | None = None, data: ConfigFile | None = None) -> None:
        data = data or ConfigFile()
        base = path.parent if path else Path.cwd()
        self.path = path
        self.profiles = tuple(base / p for p in data.project.profiles)
        self.templates = tuple(base / t for t in data.project.templates)
        self.framework = base / data.project.framework if data.project.framework else None
        self.out = base / data.project.out if path else Path(data.project.out)
        self.language = data.project.language
        self.stale_years = data.project.stale_years
        self.brand = Brand(**data.brand.model_dump())
        self.terms = {**DEFAULT_TERMS, **data.terms}


def find_config(start: Path) -> Path | None:
    """Return the nearest ``aftercare-report.toml`` in ``start`` or a parent folder, like git."""
    for folder in (start.resolve(), *start.resolve().parents):
        candidate = folder / CONFIG_NAME
        if candidate.is_file():
            return candidate
    return None


def load_project(path: Path | None) -> Project:
    """Load and validate a project file; None gives the defaults.

    Raises:
        InputError: TOML syntax errors and invalid settings, all at once, with their lines.
    """
    if path is None:
        return Project()
    name = display_path(path)
    try:
        text = path.read_text(encoding="utf-8")
        raw = tomllib.loads(text)
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError([Finding(name, 0, 0, "", f"cannot read: {exc}")]) from None
    except tomllib.TOMLDecodeError as exc:
        line, col = _toml_position(str(exc))
        raise InputError([Finding(name, line, col, "", f"invalid TOML: {exc}")]) from None
    try:
        data = ConfigFile.model_validate(raw)
    except ValidationError as exc:
        raise InputError([_finding(name, text, err) for err in exc.errors()]) from None
    findings = [*_unknown_terms(name, text, data), *_outside(name, text, path.parent, data)]
    if findings:
        raise InputError(findings)
    return Project(path, data)


def _unknown_terms(name: str, text: str, data: ConfigFile) -> list[Finding]:
    out = []
    for term in sorted(set(data.terms) - set(DEFAULT_TERMS)):
        msg = f"unknown term '{term}'{did_you_mean(term, DEFAULT_TERMS)}"
        line = _line_of(text, term)
        out.append(Finding(name, line, 1 if line else 0, f"terms.{term}", msg))
    return out


def _outside(name: str, text: str, base: Path, data: ConfigFile) -> list[Finding]:
    """Paths must stay inside the project folder.

    The project file arrives in pull requests like profiles do; ``templates = ["/"]`` would
    otherwise open the whole machine to templates and to the PDF fetcher.
    """
    project = data.project
    named = [("profiles", p) for p in project.profiles] + [
        ("templates", t) for t in project.templates
    ]
    named += [("framework", project.framework)] if project.framework else []
    named.append(("out", project.out))
    out = []
    root = base.resolve()
    for key, value in named:
        if Path(value).is_absolute() or not (base / value).resolve().is_relative_to(root):
            line = _line_of(text, key)
            msg = f"'{value}' is outside the project folder; use a path inside it"
            out.append(Finding(name, line, 1 if line else 0, f"project.{key}", msg))
    return out


def _finding(name: str, text: str, err: Any) -> Finding:
    loc = [str(p) for p in err["loc"]]
    key = ".".join(loc)
    if err["type"] == "extra_forbidden":
        parent: Any = ConfigFile
        for part in loc[:-1]:
            parent = (
                parent.model_fields[part].annotation if hasattr(parent, "model_fields") else None
            )
        allowed = list(getattr(parent, "model_fields", {}))
        message = f"unknown key '{loc[-1]}'{did_you_mean(loc[-1], allowed)}"
    else:
        message = describe(err)
    line = _line_of(text, loc[-1]) if loc else 0
    return Finding(name, line, 1 if line else 0, key, message)


def _line_of(text: str, key: str) -> int:
    # tomllib gives no positions; the first line that assigns the key is where people look.
    pattern = re.compile(rf"^\s*[\"']?{re.escape(key)}[\"']?\s*=|^\s*\[{re.escape(key)}\]", re.M)
    match = pattern.search(text)
    return text.count("\n", 0, match.start()) + 1 if match else 0


def _toml_position(message: str) -> tuple[int, int]:
    match = re.search(r"line (\d+), column (\d+)", message)
    return (int(match[1]), int(match[2])) if match else (0, 0)
