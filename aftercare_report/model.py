"""Typed, frozen models of the two inputs: country profiles and the aftercare framework.

Models are strict (``3`` is a level, ``"3"`` and ``true`` are not) and forbid unknown keys,
because a typo in a YAML key would otherwise drop data without a word. Checks that need more than
one field (source ids that must exist, components that must match the framework) live in
``validation.py``.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from aftercare_report import weburl
from aftercare_report.errors import UNSAFE
from aftercare_report.limits import MAX_ITEMS, MAX_LINE, MAX_REFS, MAX_SOURCES, MAX_URL

SCHEMA_VERSION = 2
"""The profile and framework format version this release reads (see the README on migrating)."""

UNKNOWN = "unknown"
"""The word for a value nobody has evidence for: first-class, never zero."""

NOT_APPLICABLE = "not_applicable"
"""A component that does not apply to the country's role (neither a gap nor unknown)."""

MAX_TEXT = 4000
"""Longest free text accepted in one field (an evidence sentence is a few hundred characters)."""

_EXPECTED_LEVEL = "0, 1, 2, 3, 4, 'unknown' or 'not_applicable'"


def _no_bool_or_float(value: object) -> object:
    # Literal compares with ==, so True would pass as 1 and 3.0 as 3: refuse them by type.
    if isinstance(value, bool | float):
        raise PydanticCustomError(
            "literal_error", "Input should be " + _EXPECTED_LEVEL, {"expected": _EXPECTED_LEVEL}
        )
    return value


_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f]")  # control characters but tab and newline


def _printable(value: str) -> str:
    # Control characters would reach terminals and CI logs raw (escape codes, workflow commands).
    found = _CONTROL.search(value)
    bad = found[0] if found else None
    if bad is not None:
        raise PydanticCustomError(
            "control_character", "Control character {char} is not allowed", {"char": repr(bad)}
        )
    return value


def one_line(value: str) -> str:
    """Refuse control characters, line breaks and bidi overrides (a validator for one-line fields).

    A name is printed on one line of a terminal or CI log: a newline there could start a line
    that GitHub Actions reads as a workflow command (``::error::``), and a bidi override could
    make it read backwards. Joiners and no-break spaces, which real names in many scripts use,
    are allowed.
    """
    found = UNSAFE.search(value)
    bad = found[0] if found else None
    if bad is not None:
        raise PydanticCustomError(
            "control_character",
            "Control character {char} is not allowed in a one-line field",
            {"char": repr(bad)},
        )
    return value


def web_url(value: str) -> str:
    """Refuse a URL that reads as one host and goes to another (a validator for source URLs).

    See :mod:`aftercare_report.weburl`: a user name before ``@``, a backslash, a control or
    space character, a percent-encoded host.
    """
    found = weburl.problem(value)
    if found is not None:
        raise PydanticCustomError("url_form", "{problem}", {"problem": found})
    return value


Level = Annotated[
    Literal[0, 1, 2, 3, 4, "unknown", "not_applicable"], BeforeValidator(_no_bool_or_float)
]
"""A maturity level, 0 (nothing) to 4 (long-term, monitored), ``unknown`` or ``not_applicable``."""

KnownLevel = Annotated[int, Field(ge=0, le=4)]
Text = Annotated[str, Field(min_length=1, max_length=MAX_TEXT), AfterValidator(_printable)]
Line = Annotated[str, Field(min_length=1, max_length=MAX_LINE), AfterValidator(one_line)]
"""One line of text: a name, a unit, an organisation (no newline or control character)."""
Identifier = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_-]*$", max_length=80)]
_LIST = Field(strict=False)  # YAML gives lists; store them as tuples (frozen), items stay strict
SourceIds = Annotated[tuple[Identifier, ...], _LIST, Field(max_length=MAX_REFS)]
Year = Annotated[int, Field(ge=1900, le=2100)]
RiskStatus = Literal["present", "absent", "unknown"]
SourceKind = Literal["report", "statistics", "study", "news", "law", "treaty"]
Verdict = Literal["supported", "not_established", "unsupported", "contradicted"]
"""supported; not established (no evidence either way); unsupported (the evidence points against
it); contradicted (a source says the opposite)."""
Function = Literal[
    "legislature",
    "government",
    "lead_agency",
    "nrm_body",
    "immigration_detention",
    "border_custody",
    "immigration_benefits",
    "prosecution",
    "policing",
    "policing_subnational",
    "courts",
    "legal_aid",
    "compensation",
    "health",
    "housing",
    "social_services",
    "labour",
    "child_protection",
    "data_protection",
    "donors",
]
"""A function of the state a recommendation needs: a profile names who holds it in the country."""
LegacyFunction = Literal["justice", "immigration"]
"""Functions of profiles written before functions were split (0.3): still read, with a warning."""
Institution = Function | LegacyFunction
"""Who must act: a function, named in a profile with the country's own institution."""
LEGACY_FUNCTIONS: dict[str, tuple[str, ...]] = {
    "justice": (
        "prosecution",
        "courts",
        "legal_aid",
        "compensation",
        "policing",
        "policing_subnational",
    ),
    "immigration": ("immigration_detention", "border_custody", "immigration_benefits"),
}
"""What each legacy function stood for: a profile that names only ``justice`` still has a holder
for prosecution (with a warning to name each function's own institution)."""
HeldBy = Literal["national", "subnational", "shared"]
RecommendationKind = Literal[
    "tip",
    "court",
    "treaty_body",
    "un_special_rapporteur",
    "greta",
    "ngo",
    "parliament",
    "government",
    "other",
]
"""What made a recommendation a profile quotes: a court's direction is not a report's advice."""
FigureForm = Literal["sex", "labour", "all", "unspecified"]
"""Which form of trafficking a figure counts."""
Horizon = Literal["immediate", "short_term", "long_term"]
Role = Literal["origin", "transit", "destination"]
MeasureStatus = Literal["in_place", "partial", "absent", "unknown"]
StageStatus = Literal["provided", "partial", "not_provided", "unknown", "not_applicable"]
Coverage = Literal["prostitution", "immigration", "documents", "forced_criminality"]
"""Offences a non-punishment provision (or groups another measure) is documented to cover."""
TipTier = Literal["Tier 1", "Tier 2", "Tier 2 Watch List", "Tier 3", "unknown"]


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


class CopyOf(_Model):
    """Why a source's URL is a copy, and of what: when the original cannot be reached."""

    original: Text = Field(description="The original document, as a reader would look for it.")
    reason: Text = Field(description="Why the copy is cited instead of the original.")


class Source(_Model):
    """An entry of a sources registry: what a claim rests on."""

    title: Text = Field(description="Title of the report, law or study.")
    publisher: Text = Field(description="Organisation that published it.")
    year: Year = Field(description="Year of publication.")
    url: Annotated[str, AfterValidator(one_line), AfterValidator(web_url)] = Field(
        pattern=r"^https?://\S+$", max_length=MAX_URL, description="Where a reader can find it."
    )
    kind: SourceKind = Field(
        default="report",
        description="report, statistics, study, news, law or treaty (laws never go stale).",
    )
    copy_of: CopyOf | None = Field(
        default=None,
        description="When the URL is a copy of a document whose original is not cited: what the "
        "original is and why the copy is used (briefs say 'copy').",
    )
    read_via: Annotated[str, AfterValidator(one_line), AfterValidator(web_url)] | None = Field(
        default=None,
        pattern=r"^https?://\S+$",
        max_length=MAX_URL,
        description="When the URL is the original but its text was read in a copy: the copy's "
        "URL (briefs say 'read in a copy at <host>', so a reader can check what was read).",
    )

    @field_validator("read_via")
    @classmethod
    def _one_kind_of_copy(cls, value: str | None, info: ValidationInfo) -> str | None:
        # A marked copy already is the copy; a copy of the cited page itself says nothing.
        if value is not None and info.data.get("copy_of") is not None:
            raise PydanticCustomError(
                "read_via_and_copy_of",
                "read_via is for an original read in a copy; a source marked copy_of is the copy "
                "itself: keep one",
            )
        if value is not None and value == info.data.get("url"):
            raise PydanticCustomError(
                "read_via_is_url", "read_via names the cited URL itself: give the copy's URL"
            )
        return value


class ComponentEntry(_Model):
    """A profile's finding for one framework component."""

    level: Level = Field(
        description="0-4 on the framework's scale for this component, unknown, or not_applicable."
    )
    meets: Text | None = Field(
        default=None,
        description="The clause of the framework's descriptor for this level that the evidence "
        "meets, in the descriptor's words.",
    )
    evidence: Text = Field(
        description="One or two sentences: the facts behind the level (for not_applicable, why)."
    )
    sources: SourceIds = Field(default=(), description="Ids from the sources registry.")


class RiskEntry(_Model):
    """Whether a re-trafficking risk factor is present in the country."""

    status: RiskStatus = Field(description="present, absent or unknown.")
    evidence: Text = Field(description="What the sources say about this risk in this country.")
    sources: SourceIds = Field(default=(), description="Ids from the sources registry.")


class KeyFigure(_Model):
    """One country-level figure; ``unknown`` when no source gives it."""

    value: int | float | Literal["unknown"] = Field(description="A number, or unknown (never 0).")
    form: FigureForm = Field(
        default="unspecified",
        description="The form of trafficking it counts: sex, labour, all (every form together) or "
        "unspecified. A labour-only figure is never shown as the re-trafficking proxy.",
    )
    counts: Text = Field(
        description="What exactly is counted: 'potential victims referred', 'victims identified "
        "(1,466 sex, 5,156 labour trafficking)'; figures of different kinds are not comparable."
    )
    year: Year | None = Field(default=None, description="The year the figure covers.")
    unit: Line | None = Field(default=None, description="Unit or currency code, e.g. USD.")
    proxy: bool = Field(default=False, description="True when only a proxy measure exists.")
    note: Text | None = Field(default=None, description="What is counted, and its limits.")
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
    cost_casework_12_months: KeyFigure = Field(
        default_factory=lambda: _unknown_figure("cost of 12 months of casework per survivor"),
        description="Cost of 12 months of casework per survivor, from a published pilot or budget.",
    )
    cost_housing_12_months: KeyFigure = Field(
        default_factory=lambda: _unknown_figure("cost of 12 months of safe housing per survivor"),
        description="Cost of 12 months of safe housing per survivor.",
    )


def _unknown_figure(counts: str) -> KeyFigure:
    return KeyFigure(value="unknown", counts=counts)


class Claim(_Model):
    """A claim made elsewhere (e.g. in advocacy) checked against the evidence."""

    claim: Text = Field(description="The claim, paraphrased.")
    verdict: Verdict = Field(
        description="supported, not_established (no evidence either way), unsupported (evidence "
        "points against it) or contradicted."
    )
    evidence: Text = Field(description="Why the verdict.")
    sources: SourceIds = Field(default=(), description="Ids from the sources registry.")


class InstitutionEntry(_Model):
    """The country's own institution that holds a function recommendations need."""

    name: Text = Field(description="The institution as the country names it, or unknown.")
    held_by: HeldBy = Field(
        default="national",
        description="national, subnational (states, provinces, devolved administrations hold it) "
        "or shared.",
    )
    note: Text | None = Field(default=None, description="Who else takes part, and how.")
    sources: SourceIds = Field(default=(), description="Ids from the sources registry.")

    @property
    def named(self) -> bool:
        """Whether the profile names the institution (``unknown`` names nobody)."""
        return self.name.strip() != UNKNOWN


def _function(description: str) -> Any:
    return Field(default=None, description=description)


class Institutions(_Model):
    """Who holds each function a recommendation may need: every recommendation names one.

    A function the profile leaves out (or names ``unknown``) has no holder: a headline
    recommendation that needs it is an error, so a brief never sends a step to the wrong body.
    """

    legislature: InstitutionEntry | None = _function("The law-making body (Congress, Parliament).")
    government: InstitutionEntry | None = _function("The executive as a whole.")
    lead_agency: InstitutionEntry | None = _function(
        "The ministry or agency leading survivor protection and services."
    )
    nrm_body: InstitutionEntry | None = _function("Who makes identification decisions.")
    immigration_detention: InstitutionEntry | None = _function(
        "Who runs immigration detention (e.g. ICE in the US)."
    )
    border_custody: InstitutionEntry | None = _function(
        "Who holds people stopped at the border (e.g. CBP in the US)."
    )
    immigration_benefits: InstitutionEntry | None = _function(
        "Who decides residence permits, visas for victims and return."
    )
    prosecution: InstitutionEntry | None = _function("Who prosecutes, and instructs prosecutors.")
    policing: InstitutionEntry | None = _function("National police, or who instructs police.")
    policing_subnational: InstitutionEntry | None = _function(
        "State or provincial police, and who instructs them."
    )
    courts: InstitutionEntry | None = _function("Courts, and who administers them.")
    legal_aid: InstitutionEntry | None = _function("Legal aid and information on rights.")
    compensation: InstitutionEntry | None = _function(
        "State compensation for victims of crime, and who decides or pays it."
    )
    health: InstitutionEntry | None = _function("Health care, and who funds it.")
    housing: InstitutionEntry | None = _function("Housing, and who has the duty to house.")
    social_services: InstitutionEntry | None = _function("Social services and case management.")
    labour: InstitutionEntry | None = _function("Employment services and labour inspection.")
    child_protection: InstitutionEntry | None = _function("Responsible for child survivors.")
    data_protection: InstitutionEntry | None = _function(
        "Who sets and enforces data-sharing rules."
    )
    donors: InstitutionEntry | None = _function("The donors that fund aftercare.")
    justice: InstitutionEntry | None = _function(
        "Legacy (before 0.3): prosecution, courts and police together. Name each function instead."
    )
    immigration: InstitutionEntry | None = _function(
        "Legacy (before 0.3): immigration detention, custody and benefits together. Name each "
        "function instead."
    )

    def holder(self, function: str) -> InstitutionEntry | None:
        """Return the named institution that holds ``function``, or None.

        A profile written before functions were split names ``justice`` or ``immigration``:
        they stand in for the functions they covered, so the profile keeps working.
        """
        entry: InstitutionEntry | None = getattr(self, function, None)
        if entry is not None and entry.named:
            return entry
        for legacy, covered in LEGACY_FUNCTIONS.items():
            old: InstitutionEntry | None = getattr(self, legacy)
            if function in covered and old is not None and old.named:
                return old
        return None


class Subnational(_Model):
    """A sub-national government or devolved administration that holds functions."""

    name: Line = Field(description="Its name: 'Scottish Government', 'state governments'.")
    functions: Annotated[tuple[Function, ...], _LIST] = Field(
        min_length=1, description="The functions it holds."
    )
    differs: Text | None = Field(
        default=None,
        description="How it differs where that changes a finding (e.g. a longer support period).",
    )
    sources: SourceIds = Field(default=(), description="Ids from the sources registry.")


class Ratification(_Model):
    """A country's commitment to an instrument of the framework's registry."""

    since: Year | Literal["unknown"] = Field(description="Year of ratification or accession.")
    sources: SourceIds = Field(default=(), description="Ids from the sources registry.")


class Law(_Model):
    """A domestic law the profile relies on."""

    title: Text
    sources: SourceIds = Field(default=(), description="Ids from the sources registry.")


class Anchor(_Model):
    """A familiar external rating printed beside the index."""

    value: Text = Field(description="The rating as published, or unknown.")
    year: Year | None = Field(default=None, description="The edition (report year).")
    sources: SourceIds = Field(default=(), description="Ids from the sources registry.")


class TipAnchor(Anchor):
    """The latest US TIP report tier."""

    value: TipTier = Field(description="Tier 1, Tier 2, Tier 2 Watch List, Tier 3 or unknown.")


GsiScore = Annotated[int, Field(ge=0, le=100)] | Literal["not_rated", "unknown"]


class GsiAnchor(_Model):
    """The Global Slavery Index government-response rating: one number out of 100, or none."""

    score: GsiScore = Field(
        default="unknown",
        description="The government-response score out of 100, not_rated, or unknown.",
    )
    value: Text | None = Field(
        default=None,
        description="Legacy (before 0.3): the rating as free text. Give `score` instead.",
    )
    year: Year | None = Field(default=None, description="The GSI edition.")
    sources: SourceIds = Field(default=(), description="Ids from the sources registry.")

    @property
    def rating(self) -> str:
        """The score in one short form: ``55/100``, ``not_rated`` or ``unknown``."""
        return f"{self.score}/100" if isinstance(self.score, int) else self.score


class Anchors(_Model):
    """External ratings: the TIP tier and the Global Slavery Index government response."""

    tip_tier: TipAnchor
    gsi_government_response: GsiAnchor


class MeasureEntry(_Model):
    """Whether a measure exists: a recommendation never asks to create one that does."""

    status: MeasureStatus = Field(
        description="in_place, partial (exists but limited, so it is fixed rather than created), "
        "absent or unknown."
    )
    evidence: Text
    covers: Annotated[tuple[Coverage, ...], _LIST] = Field(
        default=(),
        description="Optional: what the measure is documented to cover, so no step asks to "
        "extend it there (a non-punishment provision covering immigration offences: "
        "[immigration]). One of prostitution, immigration, documents, forced_criminality.",
    )
    law_enforcement_only: bool | None = Field(
        default=None,
        description="Optional: true when law grants it only at the request of law enforcement or "
        "for cooperation with proceedings (so only the legislature can open it to others); false "
        "when support services can obtain it too. Unset when no source says.",
    )
    sources: SourceIds = Field(default=(), description="Ids from the sources registry.")


class Measures(_Model):
    """Measures already in place (or not), by the framework's measure ids."""

    nrm: MeasureEntry = Field(description="A national referral mechanism in law or policy.")
    reflection_period: MeasureEntry = Field(description="A recovery and reflection period.")
    non_punishment_provision: MeasureEntry = Field(description="A non-punishment provision.")
    temporary_residence: MeasureEntry = Field(
        description="Temporary residence for foreign victims."
    )
    permanent_residence_route: MeasureEntry = Field(description="A route to permanent residence.")
    compensation_scheme: MeasureEntry = Field(description="A state compensation scheme or fund.")
    services_budget_line: MeasureEntry = Field(description="A budget line for survivor services.")
    care_standards: MeasureEntry = Field(description="Minimum standards for care providers.")
    subsistence_support: MeasureEntry = Field(description="Regular cash or subsistence support.")
    move_on_support: MeasureEntry = Field(description="Support after the initial period ends.")
    guardianship: MeasureEntry = Field(description="Guardians or advocates for child victims.")
    survivor_advisory_body: MeasureEntry = Field(description="A body of survivors shaping policy.")
    re_trafficking_data: MeasureEntry = Field(description="Official data on re-trafficking.")
    open_shelters: MeasureEntry = Field(description="Shelters adult survivors may leave freely.")
    returnee_reception: MeasureEntry = Field(description="Reception of returning nationals.")


MeasureId = Literal[
    "nrm",
    "reflection_period",
    "non_punishment_provision",
    "temporary_residence",
    "permanent_residence_route",
    "compensation_scheme",
    "services_budget_line",
    "care_standards",
    "subsistence_support",
    "move_on_support",
    "guardianship",
    "survivor_advisory_body",
    "re_trafficking_data",
    "open_shelters",
    "returnee_reception",
]


class Stage(_Model):
    """One stage of "where support stops": what a survivor has at that point, and for how long."""

    status: StageStatus = Field(
        description="provided, partial, not_provided, unknown or not_applicable."
    )
    duration: Text = Field(
        description="How long it lasts or takes, as the sources say; or unknown."
    )
    support: Text = Field(description="What support a survivor has at this stage.")
    while_waiting: bool | None = Field(
        default=None,
        description="Optional: true when survivors have support at this stage mainly because they "
        "are still waiting for an identification decision (it ends soon after one). Unset: read "
        "from the support text where it says so.",
    )
    sources: SourceIds = Field(default=(), description="Ids from the sources registry.")


STAGES = (
    "identification",
    "reflection",
    "decision",
    "move_on",
    "six_months",
    "twelve_months",
    "beyond",
)
"""The stages of the timeline, in the order a survivor meets them."""


class Timeline(_Model):
    """Where support stops for an adult survivor, stage by stage."""

    identification: Stage = Field(description="From first contact to being recognised.")
    reflection: Stage = Field(description="The recovery and reflection period.")
    decision: Stage = Field(description="How long the formal identification decision takes.")
    move_on: Stage = Field(description="What happens when initial support ends.")
    six_months: Stage = Field(description="Support still available six months on.")
    twelve_months: Stage = Field(description="Support still available twelve months on.")
    beyond: Stage = Field(description="Support three years on and beyond.")


StandardOf = Annotated[
    Identifier | None,
    Field(
        description="The framework recommendation whose standard it applies, by id (default: "
        "the component's first): a step on the right to work cites the article on employment, "
        "not the component's first text, on cash support.",
    ),
]
"""Which framework text's standard a profile's own recommendation or step cites."""


class ProfileRecommendation(_Model):
    """A recommendation a source makes for this country, ranked with the framework's own."""

    id: Identifier
    text: Text = Field(description="What to do, addressed to the institution, in plain words.")
    component: Identifier = Field(description="The framework component it addresses.")
    standard_of: StandardOf = None
    institution: Institution = Field(
        description="The function that must act (a key of `institutions`)."
    )
    directed_to: Text | None = Field(
        default=None,
        description="Whom the source itself directed, when it named them (a court's addressees: "
        "'state governments').",
    )
    by: RecommendationKind | None = Field(
        default=None,
        description="What the source is: tip, court, treaty_body, un_special_rapporteur, greta, "
        "ngo, parliament, government or other.",
    )
    year: Year | None = Field(default=None, description="The year the source made it.")
    horizon: Horizon
    indicator: Text = Field(description="What should be measurable within 12 months.")
    sources: SourceIds = Field(min_length=1, description="The source that recommends it.")


class PriorityStep(_Model):
    """A page-2 step a team writes itself, sourced like a recommendation."""

    id: Identifier | None = Field(
        default=None,
        description="A name that stays the same from edition to edition, so the next edition "
        "can follow it up (default: team-<component>, then team-<component>-2...).",
    )
    text: Text = Field(description="What to do, in plain words.")
    component: Identifier = Field(description="The framework component it addresses.")
    standard_of: StandardOf = None
    institution: Function = Field(description="The function that must act.")
    directed_to: Text | None = Field(
        default=None,
        description="Whom the step addresses when the bodies that must act together are not the "
        "holder of one function ('the Ministry of Defence and the Borno State Government, with "
        "NAPTIP'): printed instead of the function's institution, which keeps its own holder.",
    )
    horizon: Horizon
    indicator: Text = Field(description="What should be measurable within 12 months.")
    sources: SourceIds = Field(min_length=1, description="The sources it rests on.")


class SurvivorQuote(_Model):
    """Published testimony, quoted verbatim; never an individual's identifying details."""

    quote: Text = Field(description="The words as published.")
    source: Identifier = Field(description="The id of the source that published it.")
    page: Line = Field(description="Page or section of the source: 'p. 34'.")
    context: Text | None = Field(
        default=None,
        description="Who speaks, without names, ages or places that identify anyone.",
    )


class LeadFinding(_Model):
    """The most important fact about the country, written by the team, opening the brief."""

    text: Text = Field(description="One sentence, true of the country, in plain words.")
    sources: SourceIds = Field(min_length=1, description="The sources it rests on.")


EditionName = Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9 ._-]{0,39}$")]
"""An edition of a team's briefs, as its project file names it: a year ("2026") or a number."""
FollowUpStatus = Literal["met", "partly_met", "not_met", "no_information"]
"""What became of a recommendation of the previous edition."""


class FollowUpItem(_Model):
    """What became of one recommendation of the previous edition, with the evidence."""

    recommendation: Identifier = Field(
        description="Its id in the previous edition (`recommendations[].id` of that edition's "
        "JSON)."
    )
    status: FollowUpStatus = Field(
        description="met, partly_met, not_met, or no_information (no source says)."
    )
    evidence: Text = Field(description="What the sources say was done, in a sentence or two.")
    sources: SourceIds = Field(default=(), description="Ids from the sources registry.")


class FollowUp(_Model):
    """The follow-up of the previous edition's recommendations, one by one (GRETA's cycle)."""

    edition: EditionName = Field(
        description="The edition followed up, as the project file's [edition] previous names it."
    )
    items: Annotated[tuple[FollowUpItem, ...], _LIST] = Field(
        min_length=1, max_length=MAX_ITEMS, description="One entry per recommendation followed up."
    )


class Reply(_Model):
    """The response of the institution the page-2 steps address, printed beside them."""

    institution: Line = Field(description="Who replied: 'Ministry of Social Development'.")
    date: dt.date = Field(description="The date of the reply (YYYY-MM-DD).")
    text: Text = Field(
        description="The reply as received, or its gist in its own words (page 2 prints it "
        "beside the steps: a sentence or two; cite the full reply as a source)."
    )
    sources: SourceIds = Field(
        default=(), description="Where the reply is published: ids from the sources registry."
    )
    received_in_writing: bool = Field(
        default=False,
        description="True for a reply received in writing and not published (then no sources).",
    )

    @model_validator(mode="after")
    def _published_or_received(self) -> Reply:
        # A reply nobody can check must at least say how it came: published, or in writing.
        if bool(self.sources) == self.received_in_writing:
            raise PydanticCustomError(
                "reply_source",
                "give the reply's sources, or received_in_writing: true (one of the two)",
            )
        return self


LanguageCode = Annotated[str, Field(pattern=r"^[a-z]{2,3}(-[A-Za-z0-9]+)?$", max_length=20)]
"""A language code: ``en``, ``fr``, ``es-MX``."""


class CountryNames(_Model):
    """How a country is named in one language, in every form a sentence needs.

    All four are given together: the preposition and article a country takes ("au Cambodge",
    "en Thaïlande") cannot be worked out from its name.
    """

    name: Line = Field(description="As a heading shows it: 'Thaïlande'.")
    in_text: Line = Field(description="Mid-sentence, with any article: 'la Thaïlande'.")
    in_country: Line = Field(description="'in <country>': 'en Thaïlande'.")
    of_country: Line = Field(description="'of <country>': 'de la Thaïlande'.")


class Profile(_Model):
    """A country's survivor aftercare, as one YAML file under ``profiles/``."""

    schema_version: Literal[2] = Field(description="Format version; 2.")
    country: Line = Field(description="Country name as it should appear in briefs.")
    country_in_text: Line | None = Field(
        default=None,
        description="The name as it reads mid-sentence, when it differs: 'the United Kingdom'.",
    )
    iso3: str = Field(pattern=r"^[A-Z]{3}$", description="ISO 3166-1 alpha-3 code.")
    language: LanguageCode = Field(
        default="en", description="The language the profile's evidence is written in."
    )
    names: dict[LanguageCode, CountryNames] = Field(
        default_factory=dict,
        max_length=MAX_ITEMS,
        description="The country's name in other languages, by language code.",
    )
    region: Line = Field(description="World region.")
    roles: Annotated[tuple[Role, ...], _LIST] = Field(
        min_length=1, description="origin, transit and/or destination, as the sources show."
    )
    as_of: dt.date = Field(description="Date of the newest evidence used (YYYY-MM-DD).")
    summary: Text = Field(description="Two or three sentences on the country's aftercare.")
    lead_finding: LeadFinding | None = Field(
        default=None, description="Optional: the finding that opens the brief, sourced."
    )
    institutions: Institutions
    subnational: Annotated[tuple[Subnational, ...], _LIST] = Field(
        default=(),
        max_length=MAX_ITEMS,
        description="Sub-national governments or devolved administrations holding functions.",
    )
    instruments: dict[Identifier, Ratification] = Field(
        max_length=MAX_ITEMS,
        description="Instruments the country is bound by, by the framework's instrument ids.",
    )
    laws: dict[Identifier, Law] = Field(
        default_factory=dict, max_length=MAX_ITEMS, description="Domestic laws cited."
    )
    anchors: Anchors
    measures: Measures
    timeline: Timeline
    components: dict[str, ComponentEntry] = Field(
        description="One entry for every component of the framework, by component id."
    )
    risk_factors: dict[str, RiskEntry] = Field(
        description="One entry for every risk factor of the framework, by risk factor id."
    )
    key_figures: KeyFigures
    recommendations: Annotated[tuple[ProfileRecommendation, ...], _LIST] = Field(
        default=(),
        max_length=MAX_ITEMS,
        description="Recommendations sources make for this country.",
    )
    priorities: Annotated[tuple[Identifier | PriorityStep, ...], _LIST] = Field(
        default=(),
        max_length=5,
        description="Optional: the page-2 steps, set by hand: recommendation ids, or sourced "
        "steps. Replaces the formula's choice.",
    )
    survivor_quotes: Annotated[tuple[SurvivorQuote, ...], _LIST] = Field(
        default=(), max_length=MAX_ITEMS, description="Published survivor testimony."
    )
    claims: Annotated[tuple[Claim, ...], _LIST] = Field(
        default=(), max_length=MAX_ITEMS, description="Claims checked against evidence."
    )
    follow_up: FollowUp | None = Field(
        default=None,
        description="Optional: what became of the previous edition's recommendations.",
    )
    reply: Reply | None = Field(
        default=None,
        description="Optional: the addressed institution's response to the page-2 steps.",
    )
    sources: dict[Identifier, Source] = Field(
        max_length=MAX_SOURCES, description="Sources registry: id -> source."
    )

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
    institution: Function = Field(
        description="The function that must act (a key of a profile's institutions)."
    )
    horizon: Horizon = Field(description="immediate, short_term (1-2 years) or long_term.")
    indicator: Text = Field(description="What should be measurable within 12 months.")
    standards: dict[Identifier, str] = Field(
        default_factory=dict, description="Instrument id -> the article it rests on."
    )
    good_practice: Text | None = Field(
        default=None, description="Good-practice standard cited when no binding instrument is."
    )
    instructs: Annotated[tuple[Function, ...], _LIST] = Field(
        default=(),
        description="Functions whose bodies the text tells what to do (police, support services): "
        "the step is made only where the institution it goes to is not a different body from the "
        "one holding each of them.",
    )


class Premise(_Model):
    """What a recommendation presupposes about the country: it is never made where this is false.

    Every condition must hold: each named measure has one of the listed statuses, each named
    component's level lies in the range (an unknown level fails), and the country plays one of
    the roles. Example: "instruct police that the time to recover may not depend on a
    statement" presupposes a recovery period (``reflection_period: [in_place, partial]``).
    """

    measures: dict[MeasureId, Annotated[tuple[MeasureStatus, ...], _LIST]] = Field(
        default_factory=dict, description="Measure id -> the statuses it must have."
    )
    levels: dict[Identifier, Annotated[tuple[KnownLevel, KnownLevel], _LIST]] = Field(
        default_factory=dict, description="Component id -> [lowest, highest] level, inclusive."
    )
    roles: Annotated[tuple[Role, ...], _LIST] = Field(
        default=(), description="The country plays one of these roles (empty: any)."
    )
    not_roles: Annotated[tuple[Role, ...], _LIST] = Field(
        default=(), description="The country plays none of these roles."
    )
    held: Annotated[tuple[Function, ...], _LIST] = Field(
        default=(),
        description="Functions the profile names a holder for (a decision time limit needs a body "
        "that makes identification decisions).",
    )
    uncovered: dict[MeasureId, Annotated[tuple[Coverage, ...], _LIST]] = Field(
        default_factory=dict,
        description="Measure id -> what the text asks to extend it to: the profile must not record "
        "that the measure already covers any of them.",
    )
    law_enforcement_only: dict[MeasureId, bool] = Field(
        default_factory=dict,
        description="Measure id -> whether the profile must record it as granted only at law "
        "enforcement's request (true) or not (false); a measure with nothing recorded fails.",
    )


class Recommendation(RecommendationText):
    """A component's recommendation, selected when the country's level is low enough.

    When it ``creates`` a measure, the measure's status picks the words: ``text`` asks to create
    it (absent, or unknown: then marked "evidence thin"), ``partial`` to complete one that exists
    but is limited, ``improve`` to fix one in place, and only when that measure's own evidence
    documents the shortfall (the brief quotes it). A status with no words drops it.
    """

    when_level_below: int = Field(ge=1, le=5, description="Recommended when level < this.")
    creates: MeasureId | None = Field(
        default=None,
        description="The measure it asks to create (reworded or dropped if it exists).",
    )
    partial: Text | None = Field(
        default=None, description="The text used when the measure exists but is limited."
    )
    improve: Text | None = Field(
        default=None,
        description="The text used when the measure is in place and its evidence documents a "
        "shortfall (also when partial, if there is no `partial` text).",
    )
    improve_indicator: Text | None = Field(
        default=None,
        description="What to measure within 12 months when the `partial` or `improve` text is "
        "used (the measure exists: its use, not a bill); default: `indicator`.",
    )
    premise: Premise = Field(
        default_factory=Premise, description="What else must be true of the country."
    )
    also_addresses: Annotated[tuple[Identifier, ...], _LIST] = Field(
        default=(),
        description="Other components the text also acts on (open shelters: consent), so a "
        "brief does not ask for the same thing twice under two parts of aftercare.",
    )


class Component(_Model):
    """One component of aftercare and its 0-4 maturity scale."""

    name: Text
    in_prose: Text | None = Field(
        default=None,
        description="How a sentence names it, as a noun phrase with its article and no 'and' "
        "of its own ('the recovery period', 'case management'), so a list of them joined "
        "with 'and' reads as English; default: the name in lower case.",
    )
    description: Text
    weight: float = Field(gt=0, le=10, strict=False, description="Relative weight in the index.")
    target: KnownLevel = Field(description="The level every country should reach now.")
    levels: dict[KnownLevel, Text] = Field(description="What each level 0-4 means here.")
    standards: Annotated[tuple[Text, ...], _LIST] = Field(
        min_length=1, description="Articles it derives from."
    )
    continuity: bool = Field(
        default=False,
        description="Support over time (level 3 needs 12+ months); gaps with risks rank first.",
    )
    roles: Annotated[tuple[Role, ...], _LIST] = Field(
        default=(), description="Applies only to countries with one of these roles (empty: all)."
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
    """A ceiling on the band when a critical component is weak or a critical risk is present."""

    id: Identifier
    component: Identifier | None = Field(default=None, description="Capped on this component...")
    level_at_most: KnownLevel | None = Field(default=None, description="...at or below this level.")
    risk: Identifier | None = Field(
        default=None, description="Or capped when this risk is present."
    )
    band: Text
    reason: Text


class IndexRules(_Model):
    """How the index maps to bands, and which caps apply."""

    rank_coverage: float = Field(
        default=0.75, ge=0, le=1, strict=False, description="Coverage needed to be ranked."
    )
    bands: Annotated[tuple[Band, ...], _LIST] = Field(
        min_length=1, description="Best first; the last starts at 0."
    )
    caps: Annotated[tuple[Cap, ...], _LIST] = ()


class DataRecommendations(_Model):
    """Recommendations about missing evidence rather than missing services."""

    unknown_level: RecommendationText
    no_re_trafficking_measure: RecommendationText


WeakDuty = Literal["consider", "endeavour", "take_into_account", "lawfully_resident"]
"""What an article that does not bind a party to act obliges it to do, or whom alone it binds
(CoE Art. 12(4): the labour market for victims lawfully resident)."""


class Instrument(_Model):
    """An international instrument recommendations may cite."""

    name: Text
    short: Text = Field(description="How briefs cite it: 'Palermo Protocol'.")
    binding: bool = Field(description="A treaty (true) or a political commitment (false).")
    good_practice_elsewhere: bool = Field(
        default=True,
        description="Cited as international good practice for countries it does not bind (false "
        "for a regional instrument outsiders cannot join).",
    )
    source: Identifier | None = Field(default=None, description="Its entry in the sources.")
    weak_articles: dict[Text, WeakDuty] = Field(
        default_factory=dict,
        description="Articles that only oblige a party to consider, endeavour or take into "
        "account ('6(3)': consider, for Art. 6(3) and its letters): a citation of these alone "
        "is printed as good practice, with the duty named, never as binding.",
    )


class Framework(_Model):
    """The aftercare framework: components, risk factors, scoring rules, recommendation library."""

    schema_version: Literal[2]
    id: Identifier
    name: Text
    version: Text
    description: Text
    levels: dict[KnownLevel, Text] = Field(description="What levels 0-4 mean in general.")
    instruments: dict[Identifier, Instrument]
    sources: dict[Identifier, Source]
    index: IndexRules
    components: dict[Identifier, Component]
    risk_factors: dict[Identifier, RiskFactor]
    data_recommendations: DataRecommendations
