"""A team's project file, ``aftercare-report.toml``, found upward from the working directory.

It names the team's profiles, templates, framework, brand, language and terminology, so briefs
can be restyled and reworded without forking. Paths in it are relative to the file itself. With no
project file the bundled profiles and templates are used.
"""

from __future__ import annotations

import functools
import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError

from aftercare_report import colours
from aftercare_report.confine import Refused, read_regular, secret_risk
from aftercare_report.errors import Finding, InputError, display_path
from aftercare_report.evidence import DEFAULT_STALE_YEARS
from aftercare_report.limits import MAX_LINE, MAX_TERMS, PROJECT_FILE_BYTES, Limits
from aftercare_report.model import Line, one_line
from aftercare_report.resources import bundled
from aftercare_report.terms import DEFAULT_TERMS
from aftercare_report.validation import Hints, allowed_keys, describe

CONFIG_NAME = "aftercare-report.toml"


Paper = Literal["a4", "letter"]
"""Page sizes the brief layout is made for."""


@dataclass(frozen=True)
class Brand:
    """How a team's briefs look and who signs them.

    Attributes:
        organisation: Publisher named on the cover and in PDF metadata.
        logo: File name of a logo inside a template folder, or "" for none.
        primary: Main colour (CSS colour) for headings and bars.
        accent: Second colour for highlights.
        font: CSS font-family list for body text.
        paper: ``a4`` or ``letter``: the page size of the PDF.
    """

    organisation: str = "aftercare-report"
    logo: str = ""
    primary: str = "#1f4e79"
    accent: str = "#c0504d"
    font: str = "'DejaVu Sans', 'Loma', 'Lohit Devanagari', sans-serif"
    paper: Paper = "a4"


_COLOUR = r"^(#[0-9a-fA-F]{3,8}|[a-zA-Z]+|(rgb|rgba|hsl|hsla)\([0-9, .%]+\))$"


class _Section(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", strict=True)


_Path = Annotated[str, Field(min_length=1, max_length=1000)]


class ProjectSection(_Section):
    """``[project]``: where the inputs are and where outputs go."""

    profiles: tuple[_Path, ...] = Field(
        default=(),
        strict=False,
        max_length=100,
        description='Profile paths; "bundled" adds the bundled ones.',
    )
    templates: tuple[_Path, ...] = Field(
        default=(), strict=False, max_length=20, description="Template folders."
    )
    framework: _Path | None = Field(default=None, description="A framework YAML of your own.")
    out: _Path = Field(default="out", description="Output folder.")
    language: str = Field(default="en", pattern=r"^[a-z]{2,3}(-[A-Za-z0-9]+)?$")
    stale_years: int = Field(default=DEFAULT_STALE_YEARS, ge=0, le=100)


class BrandSection(_Section):
    """``[brand]``: the organisation and look of the briefs."""

    organisation: Line = Field(default=Brand.organisation)
    logo: Annotated[str, AfterValidator(one_line)] = Field(
        default="", max_length=MAX_LINE, description="Image in a template folder."
    )
    primary: Annotated[str, Field(pattern=_COLOUR, max_length=40)] = Brand.primary
    accent: Annotated[str, Field(pattern=_COLOUR, max_length=40)] = Brand.accent
    font: Annotated[str, Field(pattern=r"^[A-Za-z0-9 ,'\"-]+$", max_length=MAX_LINE)] = Brand.font
    paper: Paper = Field(default=Brand.paper, description="a4 or letter.")


class LimitsSection(_Section):
    """``[limits]``: bounds on each worker process; the defaults fit big briefs many times."""

    render_seconds: float = Field(default=Limits.render_seconds, gt=0, le=3600, strict=False)
    pdf_seconds: float = Field(default=Limits.pdf_seconds, gt=0, le=7200, strict=False)
    memory_mb: int = Field(default=Limits.memory_mb, ge=256, le=65536)
    html_mb: int = Field(default=Limits.html_mb, ge=1, le=1024)


class SecuritySection(_Section):
    """``[security]``: switches that make published briefs less inert, for teams that need it."""

    allow_scripts: bool = Field(
        default=False,
        description="Let templates put <script>, on* handlers and javascript: links in briefs.",
    )


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
    limits: LimitsSection = LimitsSection()
    security: SecuritySection = SecuritySection()
    terms: dict[
        Annotated[str, Field(max_length=40)],
        Annotated[str, Field(min_length=1, max_length=40), AfterValidator(one_line)],
    ] = Field(default_factory=dict, max_length=MAX_TERMS)


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
        limits: Time, memory and output limits of rendering and PDF making.
        allow_scripts: Templates may put scripts in briefs (``[security] allow_scripts``).
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
    limits: Limits = field(default_factory=Limits)
    allow_scripts: bool = False

    @property
    def root(self) -> Path | None:
        """The project folder (of the project file), or None without a project file."""
        return self.path.parent if self.path else None


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
        limits=Limits(**data.limits.model_dump()),
        allow_scripts=data.security.allow_scripts,
    )


def with_overrides(
    project: Project,
    *,
    profiles: Sequence[Path] = (),
    templates: Sequence[Path] = (),
    framework: Path | None = None,
    out: Path | None = None,
    stale_years: int | None = None,
    paper: Paper | None = None,
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

    Raises:
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
    check_template_folders(merged)
    check_out(merged)
    return merged


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


def load_project(path: Path | None, **overrides: Any) -> Project:
    """Load and validate a project file (None gives the defaults), then apply overrides.

    Args:
        path: The project file, or None.
        **overrides: Command-line options; see :func:`with_overrides`.

    Raises:
        InputError: TOML syntax errors and invalid settings, all at once, with their lines; an
            output folder that is the project folder or holds inputs.
    """
    return with_overrides(_load(path), **overrides)


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


def _load(path: Path | None) -> Project:
    if path is None:
        return Project()
    name = display_path(path)
    try:
        text = read_regular(path.resolve(), PROJECT_FILE_BYTES).decode("utf-8")
        raw = tomllib.loads(text)
    except Refused as exc:
        raise InputError([Finding(name, 0, 0, "", f"cannot read: {exc}")]) from None
    except UnicodeDecodeError as exc:
        raise InputError([Finding(name, 0, 0, "", f"not valid UTF-8: {exc}")]) from None
    except tomllib.TOMLDecodeError as exc:
        line, col = _toml_position(str(exc))
        raise InputError([Finding(name, line, col, "", f"invalid TOML: {exc}")]) from None
    except RecursionError:  # tomllib parses nested arrays and tables recursively
        msg = "invalid TOML: nested too deeply; a project file needs two levels"
        raise InputError([Finding(name, 0, 0, "", msg, code="too-deep")]) from None
    lines = _key_lines(text)
    hints = Hints()
    try:
        data = ConfigFile.model_validate(raw)
    except ValidationError as exc:
        raise InputError([_finding(name, lines, err, hints) for err in exc.errors()]) from None
    findings = [
        *_unknown_terms(name, lines, data, hints),
        *_outside(name, lines, path.parent, data),
        *_brand_colours(name, lines, data),
    ]
    if findings:
        raise InputError(findings)
    return _project(path, data)


def _brand_colours(name: str, lines: dict[str, int], data: ConfigFile) -> list[Finding]:
    """Brand colours must be real CSS colours that keep text readable (WCAG AA)."""
    out = []
    for key, message in colours.problems(data.brand.primary, data.brand.accent):
        line = lines.get(key, 0)
        out.append(Finding(name, line, 1 if line else 0, f"brand.{key}", message))
    return out


def _unknown_terms(
    name: str, lines: dict[str, int], data: ConfigFile, hints: Hints
) -> list[Finding]:
    out = []
    for term in sorted(set(data.terms) - set(DEFAULT_TERMS)):
        msg = f"unknown term '{term}'{hints.did_you_mean(term, DEFAULT_TERMS)}"
        line = lines.get(term, 0)
        out.append(Finding(name, line, 1 if line else 0, f"terms.{term}", msg))
    return out


def _outside(name: str, lines: dict[str, int], base: Path, data: ConfigFile) -> list[Finding]:
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
            line = lines.get(key, 0)
            msg = f"'{value}' is outside the project folder; use a path inside it"
            out.append(Finding(name, line, 1 if line else 0, f"project.{key}", msg))
    return out


def _finding(name: str, lines: dict[str, int], err: Any, hints: Hints) -> Finding:
    loc = tuple(str(p) for p in err["loc"])
    if err["type"] == "extra_forbidden":
        allowed = allowed_keys(_schema(), loc[:-1])
        message = f"unknown key '{loc[-1]}'{hints.did_you_mean(loc[-1], allowed)}"
    else:
        message = describe(err)
    line = lines.get(loc[-1], 0) if loc else 0
    return Finding(name, line, 1 if line else 0, ".".join(loc), message)


@functools.cache
def _schema() -> dict[str, Any]:
    return ConfigFile.model_json_schema()


_ASSIGNMENT = re.compile(r"^\s*(?:\[+\s*([^\]]+?)\s*\]+|[\"']?([^\"'=\s]+)[\"']?\s*=)", re.M)


def _key_lines(text: str) -> dict[str, int]:
    """Map each key to the first line that assigns it or opens it as a table, in one pass.

    tomllib gives no positions; the first line naming a key is where people look. One pass
    keeps a file of 20,000 keys linear (a search per key was quadratic).
    """
    lines: dict[str, int] = {}
    for number, line in enumerate(text.splitlines(), 1):
        match = _ASSIGNMENT.match(line)
        if match:
            lines.setdefault((match[1] or match[2]).strip(), number)
    return lines


def _toml_position(message: str) -> tuple[int, int]:
    match = re.search(r"line (\d+), column (\d+)", message)
    return (int(match[1]), int(match[2])) if match else (0, 0)
