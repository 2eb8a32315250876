"""An edition of the briefs as published: its JSON, read back to follow it up and to compare.

What a team published is the record of an edition: the JSON each build writes beside the briefs
(``out/<slug>.json``, or ``out/comparative.json`` with every country). A later edition reads it
to know the recommendation ids its follow-up refers to, and ``diff`` reads it to compare two
editions. The file may come from anywhere (a folder kept in the project, a CI artifact), so it
is read as untrusted input: without following symlinks, within a size limit, and validated
against the shape below, which names only what is read back (other keys are left alone, so
JSON of later versions still reads).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from aftercare_report.confine import Refused, read_input
from aftercare_report.errors import Finding, InputError, display_path
from aftercare_report.limits import (
    PUBLISHED_FILES,
    PUBLISHED_JSON_BYTES,
    PUBLISHED_TOTAL_BYTES,
    PUBLISHED_TOTAL_VALUES,
    PUBLISHED_VALUES,
)
from aftercare_report.outputs import FORMATS

ASSESSMENT = next(f for f in FORMATS.values() if f.prepare.startswith("aftercare_report.export:"))
"""The format whose files hold the assessment (the JSON a build writes beside the briefs)."""
READABLE_VERSIONS = (2, 3, 4)
"""The ``schema_version`` values of the assessment JSON this release reads back."""


class _Published(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")


_Ids = tuple[str, ...]


class PublishedSource(_Published):
    """An entry of a country's sources registry."""

    title: str = ""
    publisher: str = ""
    year: int | None = None
    url: str = ""


class PublishedIndex(_Published):
    """The index with its range, coverage, band and whether it is ranked."""

    value: float | None = None
    range: tuple[float | None, float | None] = (None, None)
    coverage: float = 0.0
    ranked: bool = False
    band: str | None = None


class PublishedComponent(_Published):
    """A part of aftercare, its level and the evidence for it."""

    id: str
    name: str = ""
    applicable: bool = True
    level: int | None = None
    evidence: str = ""
    sources: _Ids = ()


class PublishedStatus(_Published):
    """A measure (or a risk, or a stage of the timeline): its status and evidence."""

    id: str = ""
    name: str = ""
    status: str = "unknown"
    evidence: str = ""
    duration: str = ""
    sources: _Ids = ()


class PublishedFigure(_Published):
    """A key figure as published."""

    value: int | float | str = "unknown"
    form: str = "unspecified"
    counts: str = ""
    year: int | None = None
    unit: str | None = None
    sources: _Ids = ()


class PublishedAnchor(_Published):
    """The TIP tier (``value``) or the GSI score (``score``), with its year."""

    value: str | None = None
    score: int | str | None = None
    year: int | None = None
    sources: _Ids = ()


class PublishedRecommendation(_Published):
    """A recommendation as published, known by its id from edition to edition."""

    id: str
    text: str = ""
    institution_name: str = ""
    indicator: str = ""
    headline: bool = False
    priority: str = ""
    component: str | None = None


class PublishedGap(_Published):
    """Something the edition said it did not know."""

    kind: str = ""
    subject: str = ""
    message: str = ""


class PublishedFollowUpItem(_Published):
    """What became of one recommendation of the edition before it."""

    recommendation: str
    status: str
    evidence: str = ""
    sources: _Ids = ()
    text: str = ""
    recorded: bool = True


class PublishedFollowUp(_Published):
    """The follow-up an edition published of the one before it."""

    edition: str = ""
    items: tuple[PublishedFollowUpItem, ...] = ()


class PublishedReply(_Published):
    """The institution's response an edition printed beside its page-2 steps."""

    institution: str = ""
    date: str = ""
    text: str = ""
    sources: _Ids = ()
    received_in_writing: bool = False


class PublishedCountry(_Published):
    """One country's assessment as an edition published it (``out/<slug>.json``)."""

    schema_version: int
    slug: str
    country: str
    iso3: str
    as_of: str = ""
    index: PublishedIndex = Field(default_factory=PublishedIndex)
    anchors: dict[str, PublishedAnchor] = Field(default_factory=dict)
    components: tuple[PublishedComponent, ...] = ()
    risks: tuple[PublishedStatus, ...] = ()
    measures: dict[str, PublishedStatus] = Field(default_factory=dict)
    timeline: dict[str, PublishedStatus] = Field(default_factory=dict)
    recommendations: tuple[PublishedRecommendation, ...] = ()
    data_gaps: tuple[PublishedGap, ...] = ()
    key_figures: dict[str, PublishedFigure] = Field(default_factory=dict)
    sources: dict[str, PublishedSource] = Field(default_factory=dict)
    follow_up: PublishedFollowUp | None = None
    reply: PublishedReply | None = None

    def recommendation(self, rec_id: str) -> PublishedRecommendation | None:
        """The recommendation with this id, or None."""
        return next((r for r in self.recommendations if r.id == rec_id), None)


Published = dict[str, PublishedCountry]
"""The countries of an edition, by ISO3 code (a file may be renamed; the country is not)."""


def read(path: Path, root: Path | None = None) -> Published:
    """Read an edition's JSON: a folder of briefs (``<slug>.json``) or one JSON file.

    Country files come first; a comparative JSON adds the countries no country file holds.

    Args:
        path: A build's output folder (or a folder the team keeps), or one JSON file.
        root: The folder no symlink may be followed below (the project's); by default the
            file's own folder.

    Raises:
        InputError: Unreadable or invalid JSON, or none of the assessment JSON in a folder.
    """
    if path.is_dir():
        files = sorted(
            p
            for p in path.iterdir()
            if p.suffix == ASSESSMENT.suffix and p.name[0] != "." and p.name != "manifest.json"
        )
        if len(files) > PUBLISHED_FILES:
            raise _error(path, f"more than {PUBLISHED_FILES:,} JSON files")
    elif path.exists() or path.is_symlink():
        files = [path]
    else:
        raise _error(path, "no such file or folder")
    # One file parsed at a time, only its countries kept; country files before comparisons.
    single: list[list[PublishedCountry]] = []
    compared: list[list[PublishedCountry]] = []
    budget = _Budget()
    for p in files:  # every bound checked before anything is parsed
        _text(p, root, budget)
    for p in files:
        data = _load(p, root)
        (compared if "countries" in data else single).append(countries(data, p))
    found: Published = {}
    for found_in_file in single + compared:
        for country in found_in_file:
            found.setdefault(country.iso3.upper(), country)
    if not found:
        raise _error(path, "holds no assessment JSON (build with --format json writes it)")
    return found


def countries(data: Mapping[str, Any], where: Path) -> list[PublishedCountry]:
    """The countries of one JSON document: a country's, or a comparative's ``countries``.

    Raises:
        InputError: A shape this release does not read, every problem of the file at once.
    """
    if "countries" in data:
        items = data["countries"]
        if not isinstance(items, list):
            raise _error(where, "countries: expected a list")
        return [_country(item, where, ("countries", i)) for i, item in enumerate(items)]
    return [_country(data, where, ())]


def _country(data: Any, where: Path, at: tuple[str | int, ...]) -> PublishedCountry:
    version = data.get("schema_version") if isinstance(data, Mapping) else None
    if version not in READABLE_VERSIONS:
        raise _error(
            where,
            f"schema_version {version!r}: this release reads the JSON of schema versions "
            f"{', '.join(map(str, READABLE_VERSIONS))} (build the edition again, or compare "
            "git revisions)",
            at,
        )
    try:
        return PublishedCountry.model_validate(data)
    except ValidationError as exc:
        raise InputError(
            _finding(where, (*at, *err["loc"]), err["msg"]) for err in exc.errors()
        ) from None


@dataclass
class _Budget:
    """What the files of one edition read so far add up to (see ``PUBLISHED_TOTAL_*``)."""

    bytes: int = 0
    values: int = 0


# A JSON string once its escapes are gone: a class repeated, with no group, so the regular
# expression engine keeps no state per character (a group per escape took 3 GB for 48 MB).
_STRING = re.compile(r'"[^"]*"')


def _values(text: str) -> int:
    """Count the commas and opening brackets of ``text`` outside strings, without parsing.

    Each value but the first in an array or object follows a comma, and each array or object
    opens with a bracket, so this is between one and two per value, in linear time; what
    ``PUBLISHED_VALUES`` bounds. Strings are emptied first so their commas do not count. Escaped
    backslashes go first, then escaped quotes, so what is left of a string has no quote inside.
    """
    bare = _STRING.sub('""', text.replace("\\\\", "").replace('\\"', ""))
    return bare.count(",") + bare.count("[") + bare.count("{")


def _text(path: Path, root: Path | None, budget: _Budget) -> str:
    """Read one published JSON and check its bytes and values, and the edition's so far.

    An output folder comes from a cache or an artifact and ``previous_json`` is named by the
    project file: both untrusted. ``json.loads`` of ``[{},{},...]`` takes about 25 times the
    text in memory, so the values are counted first, in linear time.
    """
    try:
        raw = read_input(path, PUBLISHED_JSON_BYTES, root)
        text = raw.decode("utf-8")
    except Refused as exc:
        raise _error(path, f"cannot read: {exc}") from None
    except UnicodeDecodeError as exc:
        raise _error(path, f"not valid UTF-8: {exc}") from None
    del raw
    values = _values(text)
    budget.bytes += len(text)
    budget.values += values
    if values > PUBLISHED_VALUES:
        raise _error(
            path,
            f"holds more than {PUBLISHED_VALUES:,} JSON values ({values:,}), more than any "
            "assessment or comparison has",
        )
    if budget.values > PUBLISHED_TOTAL_VALUES or budget.bytes > PUBLISHED_TOTAL_BYTES:
        raise _error(
            path,
            f"the JSON files read up to this one hold more than {PUBLISHED_TOTAL_VALUES:,} "
            f"values or {PUBLISHED_TOTAL_BYTES // 2**20} MB, more than any edition has",
        )
    return text


def _load(path: Path, root: Path | None) -> dict[str, Any]:
    """Parse one published JSON once :func:`_text` has bounded it."""
    text = _text(path, root, _Budget())
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(
            [Finding(display_path(path), exc.lineno, exc.colno, "", exc.msg)]
        ) from None
    except RecursionError:
        raise _error(path, "nested too deeply to be an assessment") from None
    except ValueError:  # a number of more than 4,300 digits, which Python refuses to read
        raise _error(path, "holds a number too long to be an assessment's") from None
    if not isinstance(data, dict):
        raise _error(path, "expected a JSON object (a country's assessment or a comparison)")
    return data


def _finding(path: Path, loc: Iterable[str | int], message: str) -> Finding:
    key = ""
    for part in loc:
        key += f"[{part}]" if isinstance(part, int) else (f".{part}" if key else str(part))
    return Finding(display_path(path), 0, 0, key, message, code="published-json")


def _error(path: Path, message: str, loc: Iterable[str | int] = ()) -> InputError:
    return InputError([_finding(path, loc, message)])
