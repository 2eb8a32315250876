"""Typed, frozen models of the two inputs: country profiles and the aftercare framework.

Models are strict (``3`` is a level, ``"3"`` and ``true`` are not) and forbid unknown keys,
because a typo in a YAML key would otherwise drop data without a word. Checks that need more than
one field (source ids that must exist, components that must match the framework) live in
``validation.py``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, PrivateAttr
from pydantic_core import PydanticCustomError

SCHEMA_VERSION = 1
"""The profile and framework format version this release reads."""

UNKNOWN = "unknown"
"""The word for a value nobody has evidence for: first-class, never zero."""

MAX_TEXT = 4000
"""Longest free text accepted in one field (an evidence sentence is a few hundred characters)."""

_EXPECTED_LEVEL = "0, 1, 2, 3, 4 or 'unknown'"


def _no_bool_or_float(value: object) -> object:
    # Literal compares with ==, so True would pass as 1 and 3.0 as 3: refuse them by type.
    if isinstance(value, bool | float):
        raise PydanticCustomError(
            "literal_error", "Input should be " + _EXPECTED_LEVEL, {"expected": _EXPECTED_LEVEL}
        )
    return value


def _printable(value: str) -> str:
    # Control characters would reach terminals and CI logs raw (escape codes, workflow commands).
    bad = next((c for c in value if (ord(c) < 32 and c not in "\n\t") or ord(c) == 127), None)
    if bad is not None:
        raise PydanticCustomError(
            "control_character", "Control character {char} is not allowed", {"char": repr(bad)}
        )
    return value


Level = Annotated[Literal[0, 1, 2, 3, 4, "unknown"], BeforeValidator(_no_bool_or_float)]
"""A maturity level, 0 (nothing) to 4 (long-term, monitored), or ``unknown``."""

KnownLevel = Annotated[int, Field(ge=0, le=4)]
Text = Annotated[str, Field(min_length=1, max_length=MAX_TEXT), AfterValidator(_printable)]
Identifier = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_-]*$", max_length=80)]
_LIST = Field(strict=False)  # YAML gives lists; store them as tuples (frozen), items stay strict
SourceIds = Annotated[tuple[Identifier, ...], _LIST]
Year = Annotated[int, Field(ge=1900, le=2100)]
RiskStatus = Literal["present", "absent", "unknown"]
SourceKind = Literal["report", "statistics", "study", "news", "law", "treaty"]
Verdict = Literal["supported", "unsupported", "contradicted"]
Actor = Literal["government", "parliament", "donors", "ngos", "service_providers", "international"]
Horizon = Literal["immediate", "short_term", "long_term"]


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", strict=True)


@dataclass(frozen=True)
class Origin:
    """Where a profile came from, given to validation so the model is complete when made.

    Attributes:
        slug: The file name without ``.yaml``.
        path: The file.
        source: The bytes that were validated (what a PDF attaches, never re-read from disk).
    """

    slug: str
    path: Path | None = None
    source: bytes = b""


class Source(_Model):
    """An entry of a sources registry: what a claim rests on."""

    title: Text = Field(description="Title of the report, law or study.")
    publisher: Text = Field(description="Organisation that published it.")
    year: Year = Field(description="Year of publication.")
    url: str = Field(pattern=r"^https?://\S+$", description="Where a reader can find it.")
    kind: SourceKind = Field(
        default="report",
        description="report, statistics, study, news, law or treaty (laws never go stale).",
    )


class ComponentEntry(_Model):
    """A profile's finding for one framework component."""

    level: Level = Field(description="0-4 on the framework's scale for this component, or unknown.")
    evidence: Text = Field(description="One or two sentences: the facts behind the level.")
    sources: SourceIds = Field(default=(), description="Ids from the sources registry.")


class RiskEntry(_Model):
    """Whether a re-trafficking risk factor is present in the country."""

    status: RiskStatus = Field(description="present, absent or unknown.")
    evidence: Text = Field(description="What the sources say about this risk in this country.")
    sources: SourceIds = Field(default=(), description="Ids from the sources registry.")


class KeyFigure(_Model):
    """One country-level figure; ``unknown`` when no source gives it."""

    value: int | float | Literal["unknown"] = Field(description="A number, or unknown (never 0).")
    year: Year | None = Field(default=None, description="The year the figure covers.")
    unit: str | None = Field(default=None, description="Unit or currency code, e.g. USD.")
    proxy: bool = Field(default=False, description="True when only a proxy measure exists.")
    note: str | None = Field(default=None, description="What is counted, and its limits.")
    sources: SourceIds = Field(default=(), description="Ids from the sources registry.")

    @property
    def known(self) -> bool:
        """Whether a value was reported."""
        return self.value != UNKNOWN


class KeyFigures(_Model):
    """The figures every brief reports, each possibly unknown."""

    victims_identified: KeyFigure = Field(description="Victims identified in the year.")
    victims_assisted: KeyFigure = Field(description="Victims given services in the year.")
    shelters: KeyFigure = Field(description="Shelters open to survivors.")
    services_budget: KeyFigure = Field(description="Government budget for survivor services.")
    re_trafficking_measure: KeyFigure = Field(
        description="Any official measure of re-trafficking; its absence is itself a finding."
    )


class Claim(_Model):
    """A claim made elsewhere (e.g. in advocacy) checked against the evidence."""

    claim: Text = Field(description="The claim, paraphrased.")
    verdict: Verdict = Field(description="supported, unsupported or contradicted.")
    evidence: Text = Field(description="Why the verdict.")
    sources: SourceIds = Field(default=(), description="Ids from the sources registry.")


class Profile(_Model):
    """A country's survivor aftercare, as one YAML file under ``profiles/``."""

    schema_version: Literal[1] = Field(description="Format version; 1.")
    country: Text = Field(description="Country name as it should appear in briefs.")
    country_in_text: str | None = Field(
        default=None,
        description="The name as it reads mid-sentence, when it differs: 'the United Kingdom'.",
    )
    iso3: str = Field(pattern=r"^[A-Z]{3}$", description="ISO 3166-1 alpha-3 code.")
    region: Text = Field(description="World region.")
    as_of: dt.date = Field(description="Date of the newest evidence used (YYYY-MM-DD).")
    summary: Text = Field(description="Two or three sentences on the country's aftercare.")
    components: dict[str, ComponentEntry] = Field(
        description="One entry for every component of the framework, by component id."
    )
    risk_factors: dict[str, RiskEntry] = Field(
        description="One entry for every risk factor of the framework, by risk factor id."
    )
    key_figures: KeyFigures
    claims: Annotated[tuple[Claim, ...], _LIST] = Field(
        default=(), description="Claims checked against evidence."
    )
    sources: dict[Identifier, Source] = Field(description="Sources registry: id -> source.")

    _origin: Origin = PrivateAttr(default=Origin(""))

    def model_post_init(self, context: Any, /) -> None:
        """Take the origin from the validation context (``{"origin": Origin(...)}``).

        Set while the model is made, so no one changes a frozen profile afterwards.
        """
        if isinstance(context, dict) and isinstance(context.get("origin"), Origin):
            self._origin = context["origin"]

    @property
    def name_in_text(self) -> str:
        """The country's name as it reads inside a sentence ("in the United Kingdom")."""
        return self.country_in_text or self.country

    @property
    def slug(self) -> str:
        """The profile's short name: its file name without ``.yaml``."""
        return self._origin.slug

    @property
    def path(self) -> Path | None:
        """The file the profile was loaded from, if any."""
        return self._origin.path

    @property
    def source(self) -> bytes:
        """The exact bytes that were validated (empty for profiles made in code)."""
        return self._origin.source


class RecommendationText(_Model):
    """A recommendation as the framework's library states it."""

    id: Identifier
    text: Text = Field(description="What to do. May contain {country} (and {component} for data).")
    actor: Actor = Field(description="Who should act.")
    horizon: Horizon = Field(description="immediate, short_term (1-2 years) or long_term.")
    standard: Text = Field(description="The standard the recommendation comes from.")


class Recommendation(RecommendationText):
    """A component's recommendation, selected when the country's level is low enough."""

    when_level_below: int = Field(ge=1, le=5, description="Recommended when level < this.")


class Component(_Model):
    """One component of aftercare and its 0-4 maturity scale."""

    name: Text
    description: Text
    weight: float = Field(gt=0, le=10, strict=False, description="Relative weight in the index.")
    target: KnownLevel = Field(description="The level every country should reach now.")
    levels: dict[KnownLevel, Text] = Field(description="What each level 0-4 means here.")
    standards: Annotated[tuple[Text, ...], _LIST] = Field(
        min_length=1, description="Articles it derives from."
    )
    recommendations: Annotated[tuple[Recommendation, ...], _LIST] = Field(min_length=1)


class RiskFactor(_Model):
    """A driver of re-trafficking and the components that mitigate it."""

    name: Text
    description: Text
    evidence: Text
    sources: SourceIds = Field(min_length=1)
    mitigated_by: Annotated[tuple[Identifier, ...], _LIST] = Field(min_length=1)


class Band(_Model):
    """A band of the aftercare index, e.g. ``C`` from 40."""

    id: str = Field(pattern=r"^[A-Za-z0-9+-]{1,8}$", description="Short band name, e.g. C.")
    min: float = Field(ge=0, le=100, strict=False)
    label: Text


class Cap(_Model):
    """A ceiling on the band when a critical component is weak."""

    id: Identifier
    component: Identifier
    level_at_most: KnownLevel
    band: Text
    reason: Text


class IndexRules(_Model):
    """How the index maps to bands, and which caps apply."""

    bands: Annotated[tuple[Band, ...], _LIST] = Field(
        min_length=1, description="Best first; the last starts at 0."
    )
    caps: Annotated[tuple[Cap, ...], _LIST] = ()


class DataRecommendations(_Model):
    """Recommendations about missing evidence rather than missing services."""

    unknown_level: RecommendationText
    no_re_trafficking_measure: RecommendationText


class Framework(_Model):
    """The aftercare framework: components, risk factors, scoring rules, recommendation library."""

    schema_version: Literal[1]
    id: Identifier
    name: Text
    version: Text
    description: Text
    levels: dict[KnownLevel, Text] = Field(description="What levels 0-4 mean in general.")
    sources: dict[Identifier, Source]
    index: IndexRules
    components: dict[Identifier, Component]
    risk_factors: dict[Identifier, RiskFactor]
    data_recommendations: DataRecommendations
