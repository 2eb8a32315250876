"""Read and validate a project file, ``aftercare-report.toml``, into a :class:`Project`.

Every problem is reported at once, with its line. Apart from :mod:`aftercare_report.config`
so that runs without a project file, and the imports of every run, skip pydantic's schema.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import tomllib
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    model_validator,
)

from aftercare_report import colours, lookalikes, protection
from aftercare_report import terms as terminology
from aftercare_report.canonical import HOST_PATTERN
from aftercare_report.confine import Refused, hidden, read_input
from aftercare_report.errors import Finding, InputError, Severity, display_path
from aftercare_report.fonts import (
    FAMILY,
    Coverage,
    FontError,
    font_stack,
    script_spans,
    unicode_range,
)
from aftercare_report.fonts import load as load_font
from aftercare_report.limits import (
    DEFAULT_STALE_YEARS,
    MAX_LANGUAGES,
    MAX_LINE,
    MAX_TEAM_FONTS,
    MAX_TERMS,
    PROJECT_FILE_BYTES,
    Limits,
)
from aftercare_report.model import EditionName, Identifier, Line, one_line
from aftercare_report.protection import Allowance
from aftercare_report.resources import bundled
from aftercare_report.settings import (
    BUNDLED,
    Brand,
    Edition,
    Paper,
    Project,
    ReplyRequest,
    TeamFont,
)
from aftercare_report.validation import Hints, allowed_keys, describe

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
    languages: tuple[Annotated[str, Field(pattern=r"^[a-z]{2,3}(-[A-Za-z0-9]+)?$")], ...] = Field(
        default=(),
        strict=False,
        max_length=MAX_LANGUAGES,
        description="Languages to build, each into out/<lang>/; the first is the project's "
        "language ([terms] is its). Instead of language.",
    )
    stale_years: int = Field(default=DEFAULT_STALE_YEARS, ge=0, le=100)
    review_statement: Line | None = Field(
        default=None,
        description='Printed on page 1 of every brief: "Reviewed by ... on ...". Default: '
        '"This brief has not been reviewed by survivors."',
    )


class FontEntry(_Section):
    """A font of ``[brand] fonts``: ``"fonts/x.ttf"``, or ``{ file = ..., family = ... }``."""

    file: _Path = Field(description="Font file, relative to a template folder.")
    family: Annotated[str, Field(pattern=f"{FAMILY.pattern}|^$")] = Field(
        default="",
        description="CSS family name to declare it under (letters, digits, spaces, - and _); "
        "by default the font's own.",
    )
    script: Annotated[str, Field(pattern=r"^[A-Za-z][A-Za-z _-]{0,40}$|^$")] = Field(
        default="",
        description="The text it sets: a script's name (Khmer) for that script only, or all "
        "for all text; by default the scripts it covers beyond Latin, Greek and Cyrillic, or "
        "all text for a font of those alone.",
    )

    @model_validator(mode="before")
    @classmethod
    def _from_name(cls, value: object) -> object:
        # A plain string names the file: one shape to validate, one place for its errors.
        return {"file": value} if isinstance(value, str) else value


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
    fonts: tuple[FontEntry, ...] = Field(
        default=(),
        strict=False,
        max_length=MAX_TEAM_FONTS,
        description="Font files in the template folders, embedded in every brief and put first "
        "in the font stack; a file name, or {file, family} to choose the family name.",
    )


def _not_a_switch(value: Any) -> Any:
    """Refuse ``true``/``false`` where a number of seconds goes (lax floats take them as 1, 0)."""
    if isinstance(value, bool):
        raise ValueError("a number of seconds, not true or false")
    return value


_Seconds = Annotated[float, BeforeValidator(_not_a_switch)]


class LimitsSection(_Section):
    """``[limits]``: bounds on each worker process; the defaults fit big briefs many times."""

    render_seconds: _Seconds = Field(default=Limits.render_seconds, gt=0, le=3600, strict=False)
    pdf_seconds: _Seconds = Field(default=Limits.pdf_seconds, gt=0, le=7200, strict=False)
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
    copy_hosts: dict[Annotated[str, Field(pattern=HOST_PATTERN, max_length=200)], Line] = Field(
        default_factory=dict,
        max_length=200,
        description="Hosts that hold copies of documents, each with the original to cite "
        'instead, e.g. "lawmirror.example" = "the official gazette".',
    )


class RequestEntry(_Section):
    """Page-2 steps sent for a reply: ``thailand = { institution = "...", sent = 2027-01-15 }``."""

    institution: Line = Field(description="To whom the steps were sent.")
    sent: dt.date = Field(description="When (a TOML date: 2027-01-15).")


class EditionSection(_Section):
    """``[edition]``: which edition the briefs are, and the previous one."""

    name: EditionName | None = Field(
        default=None, description='The edition the masthead shows: "2027", "3".'
    )
    previous: EditionName | None = Field(
        default=None, description="The previous edition's name, which follow-ups refer to."
    )
    previous_date: dt.date | None = Field(
        default=None, description="The previous edition's publication date."
    )
    previous_json: _Path | None = Field(
        default=None,
        description="The previous edition's JSON as published (a folder of <slug>.json, or a "
        "comparative JSON), kept in the project: the record of its recommendation ids.",
    )
    requests: dict[Identifier, RequestEntry] = Field(
        default_factory=dict,
        max_length=MAX_TERMS,
        description="By profile name: to whom and when its page-2 steps were sent for a reply.",
    )

    @model_validator(mode="after")
    def _previous_named(self) -> EditionSection:
        # A record or a date of an edition nobody names would be shown without a name.
        if (self.previous_json or self.previous_date) and not self.previous:
            raise ValueError("name the previous edition (previous = ...) its date or JSON is of")
        return self


_Term = Annotated[str, Field(min_length=1, max_length=60), AfterValidator(one_line)]
_LANGUAGE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]+)?$")


class ConfigFile(_Section):
    """The whole project file."""

    project: ProjectSection = ProjectSection()
    brand: BrandSection = BrandSection()
    validate_: ValidateSection = Field(default=ValidateSection(), alias="validate")
    limits: LimitsSection = LimitsSection()
    security: SecuritySection = SecuritySection()
    edition: EditionSection = EditionSection()
    terms: dict[
        Annotated[str, Field(max_length=40)],
        _Term | dict[Annotated[str, Field(max_length=40)], _Term],
    ] = Field(
        default_factory=dict,
        max_length=MAX_TERMS,
        description="Forms of the terms for the project's language; [terms.<lang>] per language.",
    )


def _project(
    path: Path,
    data: ConfigFile,
    fonts: tuple[TeamFont, ...],
    allowed: Allowance,
    lines: dict[str, int],
) -> Project:
    base = path.parent
    project = data.project
    brand = data.brand.model_dump(exclude={"fonts"})
    brand.update(fonts=fonts, font=font_stack(data.brand.font, fonts))
    brand.update(review_statement=project.review_statement or "")
    return Project(
        path=path,
        profiles=tuple(bundled("profiles") if p == BUNDLED else base / p for p in project.profiles),
        templates=tuple(base / t for t in project.templates),
        framework=base / project.framework if project.framework else None,
        out=base / project.out,
        language=_languages(data)[0],
        languages=_languages(data) if len(_languages(data)) > 1 else (),
        published=_languages(data) if len(_languages(data)) > 1 else (),
        stale_years=project.stale_years,
        brand=Brand(**brand),
        terms=_terms_by_language(data),
        ignore=frozenset(data.validate_.ignore),
        copy_hosts=dict(data.validate_.copy_hosts),
        limits=protection.effective_limits(_asked_limits(data), allowed),
        allow_scripts=allowed.scripts and "allow_scripts" not in _explicit_false(data),
        edition=_edition(base, data.edition, lines),
    )


def _edition(base: Path, section: EditionSection, lines: dict[str, int]) -> Edition:
    return Edition(
        name=section.name or "",
        previous=section.previous or "",
        previous_date=section.previous_date,
        previous_json=base / section.previous_json if section.previous_json else None,
        requests={
            slug: ReplyRequest(entry.institution, entry.sent, lines.get(slug, 0))
            for slug, entry in section.requests.items()
        },
    )


def _asked_limits(data: ConfigFile) -> dict[str, float]:
    """The limits the project file sets, by name (only those it sets)."""
    return {name: getattr(data.limits, name) for name in data.limits.model_fields_set}


def _explicit_false(data: ConfigFile) -> set[str]:
    """``allow_scripts`` if the file switches scripts off in so many words."""
    security = data.security
    return {"allow_scripts"} & security.model_fields_set if not security.allow_scripts else set()


def _protection(
    name: str, lines: dict[str, int], data: ConfigFile, allowed: Allowance
) -> tuple[list[Finding], tuple[Finding, ...]]:
    """Settings that weaken protection: errors where not allowed, notes for review where set."""
    asked, scripts = _asked_limits(data), data.security.allow_scripts

    def at(key: str, message: str, severity: Severity = Severity.ERROR) -> Finding:
        section, _, setting = key.partition(".")
        line = lines.get(setting) or lines.get(section, 0)  # `limits = {...}` has one line
        return Finding(name, line, 1 if line else 0, key, message, severity, "protection")

    ignored = data.validate_.ignore
    errors = [at(k, m) for k, m in protection.refused(asked, scripts, allowed, ignored)]
    notes = tuple(at(k, m, Severity.NOTE) for k, m in protection.raised(asked, scripts, ignored))
    return errors, notes


def parse(path: Path, allowed: Allowance | None = None) -> Project:
    """Read, parse and validate the project file at ``path``.

    Args:
        path: The project file.
        allowed: What the run allows the project to weaken (see :mod:`.protection`); by
            default what ``AFTERCARE_REPORT_ALLOW`` allows.

    Raises:
        InputError: TOML syntax errors and invalid settings, all at once, with their lines;
            settings that weaken protection beyond what the run allows.
    """
    allowed = protection.allowance() if allowed is None else allowed
    name = display_path(path)
    try:
        text = read_input(path, PROJECT_FILE_BYTES).decode("utf-8")
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
    refused, review = _protection(name, lines, data, allowed)
    findings = [
        *_unknown_terms(name, lines, data, hints),
        *_language_settings(name, lines, data),
        *_outside(name, lines, path.parent, data),
        *_brand_colours(name, lines, data),
        *refused,
    ]
    fonts, problems = _team_fonts(name, lines, path.parent, data) if not findings else ((), [])
    findings += problems
    if findings:
        raise InputError(findings)
    notes = [*_font_notes(name, lines.get("fonts", 0), fonts), *_lookalikes(name, lines, raw)]
    return replace(_project(path, data, fonts, allowed, lines), review=(*review, *notes))


LOOKALIKES_SHOWN = 20
"""Look-alike warnings of the project file named one by one."""


def _lookalikes(name: str, lines: dict[str, int], raw: dict[str, Any]) -> list[Finding]:
    """Warn about invisible, bidi-control and look-alike characters in the project's text.

    The organisation, the review statement, terms and the institutions replies were asked of
    reach every brief, as profile text does, and are read the same way
    (:func:`aftercare_report.lookalikes.problem`).
    """
    found = []
    for key, text in _texts(raw):
        problem = lookalikes.problem(text, url=key.endswith("url"))
        if problem:
            code, message = problem
            found.append(Finding(name, lines.get(key, 0), 0, key, message, Severity.WARNING, code))
    return found[:LOOKALIKES_SHOWN]


def _texts(value: Any, key: str = "") -> list[tuple[str, str]]:
    """Every string in a parsed TOML value, with the key it stands under."""
    if isinstance(value, str):
        return [(key, value)]
    if isinstance(value, dict):
        return [pair for k, v in value.items() for pair in _texts(v, str(k))]
    if isinstance(value, list):
        return [pair for v in value for pair in _texts(v, key)]
    return []


def _team_fonts(
    name: str, lines: dict[str, int], base: Path, data: ConfigFile
) -> tuple[tuple[TeamFont, ...], list[Finding]]:
    """Find each font of ``[brand] fonts`` in the project's template folders and read it.

    Run only once the template folders are known to be inside the project folder. The family,
    weight and style come from the font (fontconfig reads it), unless a family is given.
    """
    folders = [base / t for t in data.project.templates]
    line = lines.get("fonts", 0)
    found, problems = [], []
    for entry in data.brand.fonts:
        file, family = entry.file, entry.family
        try:
            font = load_font(file, folders)
        except FontError as exc:
            problems.append(
                Finding(name, line, 1 if line else 0, "brand.fonts", f"'{file}': {exc}")
            )
            continue
        family = family or font.family
        if not FAMILY.match(family):
            msg = (
                f"'{file}': its family name {family!r} is not safe to write into CSS; give one: "
                f'{{ file = "{file}", family = "Team Sans" }}'
            )
            problems.append(Finding(name, line, 1 if line else 0, "brand.fonts", msg))
            continue
        spans = _script_spans(font.coverage, entry.script)
        if spans is None:
            covered = ", ".join(script_spans(font.coverage)) or "Latin, Greek or Cyrillic only"
            msg = f"'{file}' has no {entry.script} text (it covers {covered}); check script ="
            problems.append(Finding(name, line, 1 if line else 0, "brand.fonts", msg))
            continue
        ranges = unicode_range(span for found in spans.values() for span in found)
        found.append(TeamFont(file, family, font.weight, font.style, tuple(spans), ranges))
    return tuple(found), problems


BRIEF_WEIGHTS = {"400": "regular", "700": "bold"}
"""The weights the bundled brief sets text in (headings, labels and figures are bold)."""


def _font_notes(name: str, line: int, fonts: Sequence[TeamFont]) -> list[Finding]:
    """Which text each team font sets, and a warning for a family that lacks a weight.

    A family without its bold face draws bold text (headings, the country's name in the title)
    in its regular weight: fontconfig does not embolden a font WeasyPrint loads itself.
    """
    out = []
    at = (name, line, 1 if line else 0, "brand.fonts")
    for font in fonts:
        if font.scripts:
            msg = (
                f"'{font.file}' sets {' and '.join(font.scripts)} text only ({font.ranges}); "
                'other text stays in the body font (script = "all" sets all text in it)'
            )
            out.append(Finding(*at, msg, Severity.NOTE, "font-script"))
    for family in dict.fromkeys(f.family for f in fonts):
        faces = [f for f in fonts if f.family == family]
        if any(not f.weight for f in faces):
            continue  # a variable font has every weight
        weights = {f.weight for f in faces}
        for weight in (w for w in BRIEF_WEIGHTS if w not in weights):
            which, drawn = BRIEF_WEIGHTS[weight], " or ".join(sorted(weights))
            text = " and ".join(faces[0].scripts) or "the"
            msg = (
                f"'{family}' has no {which} face ({weight}): {text} text the brief sets in "
                f"{which} (headings, labels) is drawn at weight {drawn}; add its {which} file "
                "to [brand] fonts"
            )
            out.append(Finding(*at, msg, Severity.WARNING, "font-weight"))
    return out


def _script_spans(coverage: Coverage, script: str) -> dict[str, tuple[tuple[int, int], ...]] | None:
    """The scripts a team font sets (empty: all text), or None if it lacks the one named."""
    spans = script_spans(coverage)
    if script.casefold() == "all":
        return {}
    if not script:
        return spans
    chosen = {name: found for name, found in spans.items() if name.casefold() == script.casefold()}
    return chosen or None


def _brand_colours(name: str, lines: dict[str, int], data: ConfigFile) -> list[Finding]:
    """Brand colours must be real CSS colours that keep text readable (WCAG AA)."""
    out = []
    for key, message in colours.problems(data.brand.primary, data.brand.accent):
        line = lines.get(key, 0)
        out.append(Finding(name, line, 1 if line else 0, f"brand.{key}", message))
    return out


def _languages(data: ConfigFile) -> tuple[str, ...]:
    """The project's languages, its own (``[terms]``'s) first."""
    return data.project.languages or (data.project.language,)


def _language_settings(name: str, lines: dict[str, int], data: ConfigFile) -> list[Finding]:
    """``languages`` names each language once and agrees with ``language`` if both are set."""
    project, line = data.project, lines.get("languages", 0)
    codes = project.languages
    twice = sorted({code for code in codes if codes.count(code) > 1})
    out = []
    if twice:
        msg = f"{', '.join(twice)} is listed twice"
        out.append(Finding(name, line, 1 if line else 0, "project.languages", msg))
    if codes and "language" in project.model_fields_set and project.language != codes[0]:
        msg = (
            f"{project.language!r} is not the first of languages: the first of languages is the "
            "project's language, so leave language out"
        )
        at = lines.get("language", 0)
        out.append(Finding(name, at, 1 if at else 0, "project.language", msg))
    return out


def _terms_by_language(data: ConfigFile) -> dict[str, dict[str, str]]:
    """The forms each language's briefs use: ``[terms]`` is the project's language."""
    out: dict[str, dict[str, str]] = {}
    plain = {k: v for k, v in data.terms.items() if isinstance(v, str)}
    if plain:
        out[_languages(data)[0]] = terminology.normalise(plain)
    for key, value in data.terms.items():
        if isinstance(value, dict):
            out[key] = {**out.get(key, {}), **terminology.normalise(value)}
    return out


def _unknown_terms(
    name: str, lines: dict[str, int], data: ConfigFile, hints: Hints
) -> list[Finding]:
    out = []
    known = [*terminology.TERM_KEYS, *terminology.GENDER_KEYS.values(), *terminology.ALIASES]
    plain = {k: v for k, v in data.terms.items() if isinstance(v, str)}
    tables = {k: v for k, v in data.terms.items() if isinstance(v, dict)}
    for table, forms in [("", plain), *tables.items()]:
        prefix = f"terms.{table}." if table else "terms."
        if table and not _LANGUAGE.match(table):
            line = lines.get(f"terms.{table}", 0)
            msg = f"[terms.{table}]: not a language code (fr, es, pt-BR)"
            out.append(Finding(name, line, 1 if line else 0, f"terms.{table}", msg))
            continue
        for key, message in terminology.problems(forms):
            if message.startswith("unknown term"):
                message += hints.did_you_mean(key, known)
            line = lines.get(key, 0) or lines.get(f"terms.{table}", 0)
            out.append(Finding(name, line, 1 if line else 0, prefix + key, message))
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
    named += [("previous_json", data.edition.previous_json)] if data.edition.previous_json else []
    named.append(("out", project.out))
    out = []
    root = base.resolve()
    for key, value in named:
        line = lines.get(key, 0)
        section = "edition" if key == "previous_json" else "project"
        if Path(value).is_absolute() or not (base / value).resolve().is_relative_to(root):
            msg = f"'{value}' is outside the project folder; use a path inside it"
            out.append(Finding(name, line, 1 if line else 0, f"{section}.{key}", msg))
        elif hidden(value) or hidden(
            real := (base / value).resolve().relative_to(root)
        ):  # .git/config, .env, or a link to one: never read, nor written to (.git/hooks)
            what = "is hidden" if hidden(value) else f"leads to the hidden '{real}'"
            use = "briefs are written" if key == "out" else "inputs are read"
            msg = (
                f"'{value}' {what} (a name starting with '.', where git and tools keep "
                f"settings and secrets); {use} only in visible folders"
            )
            out.append(Finding(name, line, 1 if line else 0, f"{section}.{key}", msg))
    return out


def _finding(name: str, lines: dict[str, int], err: Any, hints: Hints) -> Finding:
    loc = tuple(str(p) for p in err["loc"])
    if err["type"] == "extra_forbidden":
        allowed = allowed_keys(_schema(), loc[:-1])
        message = f"unknown key '{loc[-1]}'{hints.did_you_mean(loc[-1], allowed)}"
    else:
        message = describe(err)
    # The innermost key a line is known for: keys inside inline tables and arrays have none.
    line = next((lines[part] for part in reversed(loc) if part in lines), 0)
    return Finding(name, line, 1 if line else 0, ".".join(loc), message)


@functools.cache
def _schema() -> dict[str, Any]:
    return ConfigFile.model_json_schema()


_KEY = re.compile(r"[\"']?([^\"'=\s]+)[\"']?[ \t]*=")
"""A key being assigned, at the start of a line (after its indentation)."""


def _key_lines(text: str) -> dict[str, int]:
    r"""Map each key to the first line that assigns it or opens it as a table, in one pass.

    tomllib gives no positions; the first line naming a key is where people look. One pass
    keeps a file of 20,000 keys linear (a search per key was quadratic), and each line is read
    without backtracking: a table's name is what lies between its brackets, found with
    ``str.find`` (a pattern with ``\s*`` on both sides of a lazy name took the cube of the
    line's length on ``[`` followed by spaces: 130 s for 4,000 of them).
    """
    lines: dict[str, int] = {}
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.lstrip()
        if stripped.startswith("["):
            inner = stripped.lstrip("[")
            end = inner.find("]")
            name = inner[:end].strip() if end > 0 else ""
        else:
            match = _KEY.match(stripped)
            name = match[1].strip() if match else ""
        if name:
            lines.setdefault(name, number)
    return lines


def _toml_position(message: str) -> tuple[int, int]:
    match = re.search(r"line (\d+), column (\d+)", message)
    return (int(match[1]), int(match[2])) if match else (0, 0)
