"""A team's project file, ``aftercare-report.toml``, found upward from the working directory.

It names the team's profiles, templates, framework, brand, language and terminology, so briefs
can be restyled and reworded without forking. Paths in it are relative to the file itself. With no
project file the bundled profiles and templates are used.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from aftercare_report.errors import Finding, InputError, display_path
from aftercare_report.evidence import DEFAULT_STALE_YEARS
from aftercare_report.resources import bundled
from aftercare_report.terms import DEFAULT_TERMS
from aftercare_report.validation import allowed_keys, describe, did_you_mean

CONFIG_NAME = "aftercare-report.toml"


@dataclass(frozen=True)
class Brand:
    """How a team's briefs look and who signs them.

    Attributes:
        organisation: Publisher named on the cover and in PDF metadata.
        logo: File name of a logo inside a template folder, or "" for none.
        primary: Main colour (CSS colour) for headings and bars.
        accent: Second colour for highlights.
        font: CSS font-family list for body text.
    """

    organisation: str = "aftercare-report"
    logo: str = ""
    primary: str = "#1f4e79"
    accent: str = "#c0504d"
    font: str = "'DejaVu Sans', 'Loma', 'Lohit Devanagari', sans-serif"


_COLOUR = r"^(#[0-9a-fA-F]{3,8}|[a-zA-Z]+|rgb\([0-9, .%]+\))$"


class _Section(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", strict=True)


class ProjectSection(_Section):
    """``[project]``: where the inputs are and where outputs go."""

    profiles: tuple[str, ...] = Field(
        default=(), strict=False, description='Profile paths; "bundled" adds the bundled ones.'
    )
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


class ValidateSection(_Section):
    """``[validate]``: what ``validate`` reports."""

    ignore: tuple[Annotated[str, Field(pattern=r"^[a-z][a-z-]{0,40}$")], ...] = Field(
        default=(), strict=False, max_length=50, description="Finding codes to leave out."
    )


class ConfigFile(_Section):
    """The whole project file."""

    project: ProjectSection = ProjectSection()
    brand: BrandSection = BrandSection()
    validate_: ValidateSection = Field(default=ValidateSection(), alias="validate")
    terms: dict[str, Annotated[str, Field(min_length=1, max_length=40)]] = Field(
        default_factory=dict
    )


@dataclass(frozen=True)
class Project:
    """The resolved settings of a run: the project file's, with command-line overrides applied.

    Attributes:
        path: The project file, or None (bundled defaults).
        profiles: Profile files or folders (empty means the bundled profiles).
        templates: Template folders, searched before the bundled ones.
        framework: Framework file, or None for the bundled one.
        out: Output folder.
        language: Language code.
        stale_years: Sources this many years older than ``as_of`` are flagged.
        brand: The brand.
        terms: Terminology, defaults filled in.
        ignore: Codes of warnings and data gaps ``validate`` leaves out.
    """

    path: Path | None = None
    profiles: tuple[Path, ...] = ()
    templates: tuple[Path, ...] = ()
    framework: Path | None = None
    out: Path = Path("out")
    language: str = "en"
    stale_years: int = DEFAULT_STALE_YEARS
    brand: Brand = field(default_factory=Brand)
    terms: Mapping[str, str] = field(default_factory=lambda: dict(DEFAULT_TERMS))
    ignore: frozenset[str] = frozenset()


BUNDLED = "bundled"
"""In ``profiles``, the profiles shipped with the tool."""


def _project(path: Path, data: ConfigFile) -> Project:
    base = path.parent
    project = data.project
    return Project(
        path=path,
        profiles=tuple(bundled("profiles") if p == BUNDLED else base / p for p in project.profiles),
        templates=tuple(base / t for t in project.templates),
        framework=base / project.framework if project.framework else None,
        out=base / project.out,
        language=project.language,
        stale_years=project.stale_years,
        brand=Brand(**data.brand.model_dump()),
        terms={**DEFAULT_TERMS, **data.terms},
        ignore=frozenset(data.validate_.ignore),
    )


def with_overrides(
    project: Project,
    *,
    profiles: Sequence[Path] = (),
    templates: Sequence[Path] = (),
    framework: Path | None = None,
    out: Path | None = None,
    stale_years: int | None = None,
) -> Project:
    """Apply command-line options over the project's settings, in one place for every command.

    Profile paths and a framework given on the command line replace the project's; template
    folders given on the command line are searched before the project's.

    Args:
        project: The loaded project.
        profiles: ``--profiles`` paths.
        templates: ``--templates`` folders.
        framework: ``--framework``.
        out: ``--out``.
        stale_years: ``--stale-years``.
    """
    return replace(
        project,
        profiles=tuple(profiles) or project.profiles,
        templates=(*templates, *project.templates),
        framework=framework or project.framework,
        out=out or project.out,
        stale_years=project.stale_years if stale_years is None else stale_years,
    )


def find_config(start: Path) -> Path | None:
    """Return the nearest ``aftercare-report.toml`` in ``start`` or a parent folder, like git."""
    for folder in (start.resolve(), *start.resolve().parents):
        candidate = folder / CONFIG_NAME
        if candidate.is_file():
            return candidate
    return None


def load_project(path: Path | None, **overrides: Any) -> Project:
    """Load and validate a project file (None gives the defaults), then apply overrides.

    Args:
        path: The project file, or None.
        **overrides: Command-line options; see :func:`with_overrides`.

    Raises:
        InputError: TOML syntax errors and invalid settings, all at once, with their lines.
    """
    return with_overrides(_load(path), **overrides)


def _load(path: Path | None) -> Project:
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
    return _project(path, data)


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
    named = [("profiles", p) for p in project.profiles if p != BUNDLED] + [
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
    loc = tuple(str(p) for p in err["loc"])
    if err["type"] == "extra_forbidden":
        allowed = allowed_keys(ConfigFile.model_json_schema(), loc[:-1])
        message = f"unknown key '{loc[-1]}'{did_you_mean(loc[-1], allowed)}"
    else:
        message = describe(err)
    line = _line_of(text, loc[-1]) if loc else 0
    return Finding(name, line, 1 if line else 0, ".".join(loc), message)


def _line_of(text: str, key: str) -> int:
    # tomllib gives no positions; the first line that assigns the key is where people look.
    pattern = re.compile(rf"^\s*[\"']?{re.escape(key)}[\"']?\s*=|^\s*\[{re.escape(key)}\]", re.M)
    match = pattern.search(text)
    return text.count("\n", 0, match.start()) + 1 if match else 0


def _toml_position(message: str) -> tuple[int, int]:
    match = re.search(r"line (\d+), column (\d+)", message)
    return (int(match[1]), int(match[2])) if match else (0, 0)
