"""The documented contract between the assessment and the templates.

Templates see only what is defined here: frozen dataclasses whose every field is documented (a
test checks that ``docs/templates.md`` lists each one). Numbers are already rounded, labels are
already worded and sources are already numbered, so templates only lay things out. The team's
terms fill the placeholders of every generated or framework sentence; profile evidence is
shown as its sources word it, tagged with its own language when that differs from the brief's.
Every label and generated sentence is written in the current language (:mod:`i18n`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import cast

from aftercare_report import __version__, comparative, findings, profile_overlay, weburl
from aftercare_report.assess import METHOD_WORDS, OPTIONAL_FIGURES, Assessment, ComponentResult
from aftercare_report.config import Brand
from aftercare_report.countries import region_name
from aftercare_report.export import ranking
from aftercare_report.followup import STATUSES
from aftercare_report.i18n import (
    N_,
    Quoted,
    _,
    current,
    evidence,
    keep_lang,
    native_name,
    pgettext,
    translated,
    translation_of,
)
from aftercare_report.labels import HORIZON_LABELS, INSTITUTION_LABELS, ROLE_LABELS
from aftercare_report.model import (
    STAGES,
    Framework,
    Institution,
    InstitutionEntry,
    KeyFigure,
    KeyFigures,
    Profile,
    StageStatus,
)
from aftercare_report.outputs import PREVIEW
from aftercare_report.recommend import Recommendation
from aftercare_report.report import CountryReport
from aftercare_report.terms import is_placeholder

STAGE_LABELS = {
    "identification": N_("Identification"),
    "reflection": N_("Recovery period"),
    "decision": N_("Decision"),
    "move_on": N_("Move-on"),
    "six_months": N_("6 months"),
    "twelve_months": N_("12 months"),
    "beyond": N_("3 years and beyond"),
}
STATUS_LABELS = {
    "provided": N_("Provided"),
    "partial": N_("Partial"),
    "not_provided": N_("Stops"),
    "unknown": N_("Not documented"),
    "not_applicable": N_("Does not apply"),
}
VERDICT_LABELS = {
    "supported": N_("Supported"),
    "not_established": N_("Not established"),
    "unsupported": N_("Unsupported"),
    "contradicted": N_("Contradicted"),
}
RISK_LABELS = {
    "present": N_("Documented"),
    "absent": N_("Not found"),
    "unknown": N_("Not documented"),
}


@dataclass(frozen=True)
class Note:
    """A numbered source note.

    Attributes:
        number: Its number in this brief (1, 2, ...), in order of first citation.
        id: The source id in the profile or framework.
        title: Title of the source.
        publisher: Who published it.
        year: Year of publication.
        url: Where to find it.
        lang: Language the title and publisher are written in (the profile's).
        copy_of: When the URL is a copy, the original it copies (as the profile names it), or "".
        read_via: When the URL is the original but its text was read in a copy: the copy's URL.
        read_via_host: The copy's host name (``ecoi.net``), or "".
    """

    number: int
    id: str
    title: str
    publisher: str
    year: int
    url: str
    lang: str = "en"
    copy_of: str = ""
    read_via: str = ""
    read_via_host: str = ""


@dataclass(frozen=True)
class Translation:
    """The brief in one of the languages it is published in, for the language switch.

    Attributes:
        lang: Language code (``fr``).
        name: The language's name in itself (``Français``), shown in the switch.
        href: Link to the web page of the brief in that language, relative to this one
            (``../fr/thailand.html``).
        current: Whether it is this brief's language.
    """

    lang: str
    name: str
    href: str
    current: bool


@dataclass(frozen=True)
class IndexView:
    """The aftercare index as a brief shows it: with its range, coverage and rank, never alone.

    Attributes:
        value: The index, 0-100, as text ("40.1"); "n/a" when nothing applies.
        number: The index as a number (0 when none), for charts.
        low: The index with undocumented parts counted as not provided (equals ``value``).
        high: The index if every undocumented part were fully provided.
        coverage: "83%": the share of what we assess that the evidence covers.
        ranked: Whether the evidence is enough to rank the country.
        rank: One more than the number of countries in this brief set whose whole range lies
            above its own (countries that cannot be ordered share a rank), or None when not
            ranked. Not an order of the countries: see ``order``.
        band: Band letter (A-E), for the annex.
        band_label: Band meaning ("Partial"), for the annex.
        lowered_by: Why the band was lowered, one plain sentence per reason (usually empty).
        order: What the evidence orders it against in a comparison, in words ("above India",
            "below the United Kingdom", "cannot be ordered"), or "" outside one.
    """

    value: str
    number: float
    low: str
    high: str
    coverage: str
    ranked: bool
    rank: int | None
    band: str
    band_label: str
    lowered_by: tuple[str, ...]
    order: str = ""


@dataclass(frozen=True)
class AnchorView:
    """A familiar external rating shown beside the index.

    Attributes:
        name: "US TIP report" or "Global Slavery Index".
        value: The rating in one form ("Tier 2", "55/100", "not rated"), or "unknown", in the
            brief's language ("Catégorie 2" in French).
        year: The edition, or "".
        notes: Source note numbers.
        known: Whether the profile gives the rating.
    """

    name: str
    value: str
    year: str
    notes: tuple[int, ...]
    known: bool = True


@dataclass(frozen=True)
class StageView:
    """One stage of "where support stops".

    Attributes:
        id: Stage id (``identification`` ... ``beyond``).
        label: Stage name ("12 months").
        status: provided, partial, not_provided, unknown or not_applicable (for styling).
        status_label: The status in words ("Stops", "Not documented").
        duration: How long it lasts or takes, as the sources say; or, in the brief's language,
            that it is unknown or that there is none.
        support: What a survivor has at this stage.
        notes: Source note numbers.
        duration_given: Whether the sources give a duration (``duration`` is then theirs, in
            the country's evidence language) rather than none or unknown (the tool's words).
    """

    id: str
    label: str
    status: str
    status_label: str
    duration: str
    support: str
    notes: tuple[int, ...]
    duration_given: bool = True


@dataclass(frozen=True)
class ComponentView:
    """One component row of the annex table.

    Attributes:
        id: Component id.
        name: Component name.
        applicable: False when the component does not apply to this country.
        level: 0-4, or None when unknown or not applicable.
        level_label: ``"2"``, ``"unknown"`` or ``"n/a"``.
        level_text: What the level means for this component, in the framework's words (the
            standard's wording, never a statement about the country: see ``level_words``).
        target: Target level.
        gap: Levels short of target, or None.
        priority_words: How pressing the gap is, in words ("2 levels short; 3 linked risks
            documented"), or "".
        peer: A country in the brief set that meets the target ("United Kingdom (3)"), or "".
        evidence: The evidence sentence (the reason, when not applicable).
        notes: Numbers of the source notes behind it.
        standards: Articles and standards the component derives from.
        level_words: "The standard's level 2 reads: ...", to print beside the evidence, or "".
    """

    id: str
    name: str
    applicable: bool
    level: int | None
    level_label: str
    level_text: str
    target: int
    gap: int | None
    priority_words: str
    peer: str
    evidence: str
    notes: tuple[int, ...]
    standards: tuple[str, ...]
    level_words: str = ""


@dataclass(frozen=True)
class RiskView:
    """A re-trafficking risk factor in the country.

    Attributes:
        name: Risk factor name.
        status: present, absent or unknown (for styling).
        status_label: The status in words ("Documented").
        evidence: What the profile says.
        notes: Source note numbers.
        weak_mitigators: Names of components below target that should curb it.
    """

    name: str
    status: str
    status_label: str
    evidence: str
    notes: tuple[int, ...]
    weak_mitigators: tuple[str, ...]


@dataclass(frozen=True)
class RecommendationView:
    """A recommendation as the brief shows it.

    Attributes:
        number: Its number in the list it is printed in (1, 2, ... in reading order).
        text: What to do.
        institution: Who must act (the country's own institution; a step nobody named can take
            is not made).
        horizon: When (label).
        priority: high, medium or low.
        component: Component name, or "Evidence" for data recommendations.
        component_id: Component id (the annex row is ``#component-<id>``), or "".
        standard: The instruments it rests on, or the good practice it follows ("" for a
            source's own recommendation on a part no instrument binding the country covers).
        binding: Whether ``standard`` binds the country (never says anything of
            ``recommended_by``).
        indicator: What should be measurable within 12 months.
        why: The gap and linked risks that justify it.
        notes: Source note numbers (the component's evidence, or the source recommending it).
        headline: One of the (at most five) recommendations that lead the brief.
        text_lang: Language of ``text`` and ``indicator``: the brief's, or the profile's for a
            recommendation a source makes (quoted as written).
        evidence: One clause of the country's own evidence saying why, as the profile words it
            (in ``evidence_lang``), or "".
        thin: It rests on absent evidence: never on page 2; the annex says "limited evidence".
        function: The function that must act, in words ("Prosecution").
        named: Whether the profile names who holds that function (always, for a step made).
        standard_label: "Binding:" or "Good practice:", the label ``standard`` is printed with.
        recommended_by: What a source's own recommendation is, and when ("US TIP report
            recommendation (2025)"), or "".
        milestone: It is a longer-term step: its 12-month indicator is a first milestone.
        since: What became of this recommendation since the previous edition, when that
            edition made it too and the profile follows it up (None otherwise).
    """

    number: int
    text: str
    institution: str
    horizon: str
    priority: str
    component: str
    component_id: str
    standard: str
    binding: bool
    indicator: str
    why: str
    notes: tuple[int, ...]
    headline: bool
    text_lang: str = "en"
    evidence: str = ""
    thin: bool = False
    function: str = ""
    named: bool = True
    standard_label: str = ""
    recommended_by: str = ""
    milestone: bool = False
    since: FollowUpItemView | None = None


@dataclass(frozen=True)
class FigureView:
    """A key figure.

    Attributes:
        label: Which figure ("Victims identified").
        counts: What exactly is counted (figures of different kinds do not compare).
        value: Formatted value, or "unknown" in the brief's language.
        year: Year covered, or "".
        note: Caveats.
        notes: Source note numbers.
        known: Whether a source gives the figure.
        id: Which figure (``victims_identified``...).
        form: The form of trafficking it counts: sex, labour, all or unspecified.
        form_label: That form in words ("sex trafficking only", "all forms").
    """

    label: str
    counts: str
    value: str
    year: str
    note: str
    notes: tuple[int, ...]
    known: bool = True
    id: str = ""
    form: str = "unspecified"
    form_label: str = ""


@dataclass(frozen=True)
class ClaimView:
    """A claim checked against the evidence.

    Attributes:
        claim: The claim.
        verdict: supported, not_established, unsupported or contradicted (for styling).
        verdict_label: The verdict in words ("Not established").
        evidence: Why.
        notes: Source note numbers.
    """

    claim: str
    verdict: str
    verdict_label: str
    evidence: str
    notes: tuple[int, ...]


@dataclass(frozen=True)
class MeasureView:
    """A measure the brief looks for, and whether the country has it.

    Attributes:
        name: The measure ("a national referral mechanism").
        status: in_place, partial, absent or unknown.
        evidence: What the sources say of it ("" for placeholder text).
        notes: Source note numbers.
        status_label: The status in words ("in place", "partial", "not in place",
            "not documented").
    """

    name: str
    status: str
    evidence: str
    notes: tuple[int, ...]
    status_label: str = ""


@dataclass(frozen=True)
class LawView:
    """An instrument the country is bound by, or a domestic law the profile relies on.

    Attributes:
        name: Its name.
        since: The year the country became bound (instruments), or "".
        notes: Source note numbers.
    """

    name: str
    since: str
    notes: tuple[int, ...]


@dataclass(frozen=True)
class InstitutionView:
    """An institution that recommendations address.

    Attributes:
        role: The function it holds ("Prosecution").
        name: Its name, as the country uses it.
        note: Who else takes part, and how (or "").
        notes: Source note numbers.
        held_by: ``national``, ``subnational`` or ``shared``.
    """

    role: str
    name: str
    note: str
    notes: tuple[int, ...]
    held_by: str = "national"


@dataclass(frozen=True)
class QuoteView:
    """Published survivor testimony, quoted as published.

    Attributes:
        quote: The words.
        context: Who speaks, without anything that identifies them (or "").
        page: Where in the source.
        notes: The source's note number.
    """

    quote: str
    context: str
    page: str
    notes: tuple[int, ...]


@dataclass(frozen=True)
class SubnationalView:
    """A sub-national government or devolved administration that holds functions.

    Attributes:
        name: Its name.
        functions: The functions it holds, in words.
        differs: How it differs where that changes a finding (or "").
        notes: Source note numbers.
    """

    name: str
    functions: tuple[str, ...]
    differs: str
    notes: tuple[int, ...]


@dataclass(frozen=True)
class FollowUpItemView:
    """One recommendation of the previous edition, and what became of it.

    Attributes:
        id: Its id in the previous edition.
        status: ``met``, ``partly_met``, ``not_met`` or ``no_information`` (for styling).
        status_label: The status in words ("Partly met").
        text: What the previous edition recommended, as it was published (its id when the
            project keeps no record of that edition).
        institution: Whom it addressed, or "".
        evidence: What the sources say was done ("" when the profile records nothing).
        notes: Source note numbers.
        headline: It was one of the previous edition's page-2 steps.
        recorded: The profile follows it up (False: counted as no information).
    """

    id: str
    status: str
    status_label: str
    text: str
    institution: str
    evidence: str
    notes: tuple[int, ...]
    headline: bool
    recorded: bool


@dataclass(frozen=True)
class FollowUpView:
    """What became of the previous edition's recommendations (the brief's "since" block).

    Attributes:
        edition: The edition followed up ("2026").
        edition_date: Its publication date (ISO), or "".
        summary: One sentence with the counts ("Of the 12 recommendations of edition 2026,
            2 were met, ...").
        counts_line: The counts in one short line, for page 2 ("Of 12 recommendations in
            edition 2026: 2 met, 3 partly met, ...").
        counts: (status, label, number) for each status, in the order met, partly met, not
            met, no information.
        items: Every recommendation of that edition: its page-2 steps first.
        headline: Its page-2 steps: the most important, shown in the main part.
        not_repeated: Those of its page-2 steps that are not among this edition's (the ones
            that are carry their status on the step itself, ``RecommendationView.since``).
    """

    edition: str
    edition_date: str
    summary: str
    counts_line: str
    counts: tuple[tuple[str, str, int], ...]
    items: tuple[FollowUpItemView, ...]
    headline: tuple[FollowUpItemView, ...]
    not_repeated: tuple[FollowUpItemView, ...] = ()


@dataclass(frozen=True)
class ReplyView:
    """The response of the institution the page-2 steps address, printed beside them.

    Attributes:
        institution: Who replied.
        date: The date of the reply (ISO).
        text: The reply, as the profile gives it.
        notes: Source note numbers (empty when it was received in writing).
        in_writing: It was received in writing and is not published.
        sent: When the steps were sent for a reply (ISO), if the project file records it, or "".
    """

    institution: str
    date: str
    text: str
    notes: tuple[int, ...]
    in_writing: bool
    sent: str = ""


@dataclass(frozen=True)
class RequestView:
    """The page-2 steps were sent for a reply, and none came (from the project file).

    Attributes:
        institution: To whom they were sent.
        sent: When (ISO).
    """

    institution: str
    sent: str


@dataclass(frozen=True)
class EditionView:
    """The edition of the briefs, for the masthead.

    Attributes:
        name: The edition ("2027", "3"), or "".
        previous: The previous edition's name, or "".
        previous_date: Its publication date (ISO), or "".
    """

    name: str
    previous: str
    previous_date: str


@dataclass(frozen=True)
class CountryView:
    """Everything a brief shows about one country.

    Attributes:
        slug: Short name (file name).
        country: Country name, in the brief's language.
        name_in_text: The name as it reads mid-sentence ("the United Kingdom").
        in_country: "in <country>" ("in the United Kingdom", "au Royaume-Uni").
        of_country: "of <country>" ("of the United Kingdom", "du Royaume-Uni").
        evidence_lang: Language of the profile's evidence (summary, support, evidence,
            institution names): tag it with ``lang`` when it differs from ``brief.lang``.
        iso3: ISO3 code.
        region: World region, in the brief's language where Unicode CLDR names it (a UN
            region), else as the profile or its translation words it (tagged with its language).
        roles: "origin, transit and destination" (as the sources show).
        as_of: Date of the newest evidence (ISO), or "" when the profile records no source.
        summary: Profile summary.
        index: The index with its range, coverage and rank.
        anchors: The TIP tier and the Global Slavery Index rating, as published.
        key_messages: Three to five findings in plain words, for page 1.
        timeline: Where support stops, stage by stage.
        where_support_stops: One sentence: whether support reaches 12 months.
        headline: The (at most five) recommendations that lead the brief, numbered 1..n.
        closing: The closing paragraph of the main part.
        measures: Every measure the brief looks for, those in place first.
        bound_by: International instruments the country is bound by, then its domestic laws.
        commitments: Political commitments the country has made (not treaties).
        institutions: The institutions recommendations address.
        components: One view per framework component (annex).
        risks: All risk factors, documented ones first (annex).
        recommendations: All recommendations, most urgent first, numbered 1..n (annex).
        data_gaps: Sentences: what we do not know.
        figures: Key figures.
        claims: Claims checked against evidence.
        notes: Numbers of every source note this country's text cites, ascending.
        quote: Published survivor testimony for page 1, or None.
        subnational: Sub-national governments that hold functions, and how they differ.
        has_evidence: Whether the profile records any source (an empty profile asserts nothing).
        lead_notes: Source note numbers of the first key finding.
        follow_up: What became of the previous edition's recommendations, or None.
        reply: The addressed institution's response to the page-2 steps, or None.
        reply_requested: The steps were sent for a reply and none came (only when the project
            file records the request), or None.
    """

    slug: str
    country: str
    name_in_text: str
    in_country: str
    of_country: str
    evidence_lang: str
    iso3: str
    region: str
    roles: str
    as_of: str
    summary: str
    index: IndexView
    anchors: tuple[AnchorView, ...]
    key_messages: tuple[str, ...]
    timeline: tuple[StageView, ...]
    where_support_stops: str
    headline: tuple[RecommendationView, ...]
    closing: str
    measures: tuple[MeasureView, ...]
    bound_by: tuple[LawView, ...]
    institutions: tuple[InstitutionView, ...]
    components: tuple[ComponentView, ...]
    risks: tuple[RiskView, ...]
    recommendations: tuple[RecommendationView, ...]
    data_gaps: tuple[str, ...]
    figures: tuple[FigureView, ...]
    claims: tuple[ClaimView, ...]
    notes: tuple[int, ...]
    quote: QuoteView | None = None
    subnational: tuple[SubnationalView, ...] = ()
    has_evidence: bool = True
    lead_notes: tuple[int, ...] = ()
    commitments: tuple[LawView, ...] = ()
    follow_up: FollowUpView | None = None
    reply: ReplyView | None = None
    reply_requested: RequestView | None = None


@dataclass(frozen=True)
class MatrixRow:
    """One component across countries in a comparative brief.

    Attributes:
        id: Component id.
        name: Component name.
        target: The component's target level.
        cells: Level labels per country ("2", "?", "n/a"), in the order of
            ``BriefContext.countries``.
        levels: Levels per country (None for unknown or not applicable), for colouring.
        shared_gap: Whether every country with a known level falls short of target.
    """

    id: str
    name: str
    target: int
    cells: tuple[str, ...]
    levels: tuple[int | None, ...]
    shared_gap: bool


@dataclass(frozen=True)
class TimelineRow:
    """One stage of "where support stops" across countries.

    Attributes:
        id: Stage id.
        label: Stage name.
        cells: Per country, in the order of ``BriefContext.countries``: the stage's view.
    """

    id: str
    label: str
    cells: tuple[StageView, ...]


@dataclass(frozen=True)
class FigureRow:
    """One key figure across countries, each labelled by what it counts and its year.

    Attributes:
        label: Which figure.
        cells: Per country, in the order of ``BriefContext.countries``.
        id: Which figure (``victims_identified``...).
    """

    label: str
    cells: tuple[FigureView, ...]
    id: str = ""


@dataclass(frozen=True)
class ComparedClaim:
    """A claim one country's profile checks against the evidence, in the comparative's annex.

    Attributes:
        country: The country it is about.
        claim: The claim and its verdict, as :class:`ClaimView`.
        lang: The language of the claim and evidence (the profile's, or the brief's when the
            profile has a translation into it).
    """

    country: str
    claim: ClaimView
    lang: str


@dataclass(frozen=True)
class EvidenceLine:
    """One line of a country's own evidence, labelled by what kind of evidence it is.

    Attributes:
        country: The country's name.
        strength: What the line is ("indirect evidence, from a study"; "a proxy, not a measure
            of re-trafficking").
        text: The evidence as the profile words it (in ``lang``).
        notes: Source note numbers.
        lang: Language of ``text``.
    """

    country: str
    strength: str
    text: str
    notes: tuple[int, ...]
    lang: str = "en"


@dataclass(frozen=True)
class Comparison:
    """The comparative part of a brief.

    Attributes:
        lead: The cross-country finding that opens the brief.
        ranking: The ranked countries, highest index first.
        unranked: Countries whose evidence is too thin to rank.
        timeline: Where support stops, stage by stage, across countries.
        figures: Key figures across countries.
        vintages: "2022-2025": the years the key figures cover.
        matrix: Components by countries.
        shared_gaps: Sentences on gaps most countries share, with their numbers.
        conclusion: Paragraphs drawn from the data (the lead finding is not repeated).
        findings: The essay's other findings where the data show them (help tied to police or
            closed shelters; child survivors below the standard).
        ordering: Which countries the evidence can order, and that the others cannot be.
        claims: Every claim the countries' profiles check, by country.
        exposure_lead: The sentence that introduces ``exposure`` ("" when it is empty).
        exposure: The countries' own evidence that support which stops leaves survivors
            exposed, each line labelled by its strength.
        exposure_at: How many paragraphs of ``conclusion`` come before ``exposure``.
    """

    lead: str
    ranking: tuple[CountryView, ...]
    unranked: tuple[CountryView, ...]
    timeline: tuple[TimelineRow, ...]
    figures: tuple[FigureRow, ...]
    vintages: str
    matrix: tuple[MatrixRow, ...]
    shared_gaps: tuple[str, ...]
    conclusion: tuple[str, ...]
    findings: tuple[str, ...] = ()
    ordering: str = ""
    claims: tuple[ComparedClaim, ...] = ()
    exposure_lead: str = ""
    exposure: tuple[EvidenceLine, ...] = ()
    exposure_at: int = 0


@dataclass(frozen=True)
class MethodView:
    """The method section of the annex.

    Attributes:
        framework: Framework name and version.
        description: What the framework is.
        method: The index method in one line.
        bands: (id, minimum, label) triples, best first.
        caps: Cap reasons.
        levels: What levels 0-4 mean in general, as (level, meaning) pairs.
        rank_coverage: "75%": the evidence needed to rank a country.
    """

    framework: str
    description: str
    method: str
    bands: tuple[tuple[str, str, str], ...]
    caps: tuple[str, ...]
    levels: tuple[tuple[int, str], ...]
    rank_coverage: str


@dataclass(frozen=True)
class BriefContext:
    """What every template receives, as ``brief``.

    Attributes:
        kind: ``country`` or ``comparative``.
        title: Document title.
        subtitle: Line under the title.
        date: Publication date (the newest ``as_of`` among the countries), ISO.
        lang: Language code of the text (``en``).
        brand: The team's brand.
        terms: The team's terms in the brief's language, by form (``survivor``, ``survivors``,
            ``survivor_attr``, ``victim``, ``victims``, ``re_trafficking``).
        countries: The countries in the brief (one for a country brief).
        comparison: The comparison, for comparative briefs (None otherwise).
        notes: Source notes, numbered in order of first citation.
        method: The method section of the annex.
        generator: Tool name and version, for the colophon.
        stylesheets: CSS file names the templates link (resolved in the template folders).
        review_statement: Who reviewed the brief, or that survivors did not, for page 1.
        edition: The edition and the date of the previous one, for the masthead, or None when
            the project names no edition.
        translations: Every language the brief is published in, this one included, in the
            project's order (empty when it is published in one language): the web page links
            them with ``hreflang`` and shows a language switch.
    """

    kind: str
    title: str
    subtitle: str
    date: str
    lang: str
    brand: Brand
    terms: Mapping[str, str]
    countries: tuple[CountryView, ...]
    comparison: Comparison | None
    notes: tuple[Note, ...]
    method: MethodView
    generator: str = f"aftercare-report {__version__}"
    stylesheets: tuple[str, ...] = field(default=("brief.css",))
    review_statement: str = ""
    edition: EditionView | None = None
    translations: tuple[Translation, ...] = ()


class _Notes:
    """Number sources in order of first citation, per brief."""

    def __init__(self) -> None:
        self.numbers: dict[tuple[str, str], int] = {}
        self.notes: list[Note] = []

    def cite(self, profile: Profile, ids: Sequence[str]) -> tuple[int, ...]:
        out = []
        for sid in ids:
            key = (profile.slug, sid)
            if key not in self.numbers:
                source = profile.sources[sid]
                self.numbers[key] = len(self.notes) + 1
                number = self.numbers[key]
                copy = " ".join(source.copy_of.original.split()) if source.copy_of else ""
                self.notes.append(
                    Note(
                        number,
                        sid,
                        source.title,
                        source.publisher,
                        source.year,
                        source.url,
                        profile.language,
                        copy,
                        source.read_via or "",
                        _host(source.read_via),
                    )
                )
            out.append(self.numbers[key])
        return tuple(sorted(out))

    def of(self, profile: Profile) -> tuple[int, ...]:
        return tuple(sorted(n for (slug, _), n in self.numbers.items() if slug == profile.slug))


def _host(url: str | None) -> str:
    """The host a URL is on, without ``www.``: what a reader looks for."""
    return weburl.host(url).removeprefix("www.") if url else ""


def country_context(
    report: CountryReport, brand: Brand, ranks: Mapping[str, int] | None = None
) -> BriefContext:
    """Build the context of a one-country brief, in the current language.

    Args:
        report: The country's assessment, recommendations and key messages.
        brand: The team's brand.
        ranks: Ranks of the countries in the brief set (see :func:`export.ranking`).
    """
    notes = _Notes()
    view = _country_view(report, notes, ranks or {})
    framework = report.assessment.framework
    return BriefContext(
        kind="country",
        title=_("Aftercare for %(survivors)s %(in_country)s", in_country=view.in_country),
        subtitle=_("Where support stops, and what to fund first"),
        date=view.as_of,
        lang=current().code,
        brand=brand,
        terms=_terms(),
        countries=(view,),
        comparison=None,
        notes=tuple(notes.notes),
        method=_method(framework),
        review_statement=review_statement(brand),
        edition=_edition(report),
    )


def said(text: str | None, profile: Profile | None = None, *, tag: bool = False) -> str:
    """A profile's text as a brief prints it: on one line, and never a placeholder.

    Skeleton text such as "Not yet researched." is not evidence: the brief shows nothing there
    (the status beside it already says "not documented"). Given the profile, the text is its
    translation into the brief's language when the profile has one (see ``i18n.evidence``),
    and ``tag`` marks it with its language where the templates do not.
    """
    if not text or is_placeholder(text):
        return ""
    flat = " ".join(text.split())
    return evidence(profile.slug, profile.language, flat, tag=tag) if profile else flat


def review_statement(brand: Brand) -> str:
    """The review statement page 1 prints: the project's, or that survivors did not review it."""
    if brand.review_statement.strip():
        return " ".join(brand.review_statement.split())
    return _("This brief has not been reviewed by %(survivors)s.")


def comparative_context(reports: Sequence[CountryReport], brand: Brand) -> BriefContext:
    """Build the context of a comparative brief of two or more countries, in the current language.

    Args:
        reports: The countries' reports (order is kept in tables; the ranking sorts by index).
        brand: The team's brand.
    """
    notes = _Notes()
    ranks = ranking(reports)
    orders = comparative.order_words(reports)
    views = tuple(_country_view(r, notes, ranks, orders) for r in reports)
    framework = reports[0].assessment.framework
    return BriefContext(
        kind="comparative",
        title=_("Aftercare for %(survivors)s compared"),
        subtitle=_(
            "%(countries)s: where support stops, and what governments must fund",
            countries=findings.join_words([v.country for v in views]),
        ),
        date=max((v.as_of for v in views if v.as_of), default=""),
        lang=current().code,
        brand=brand,
        terms=_terms(),
        countries=views,
        comparison=_comparison(reports, views, notes),
        notes=tuple(notes.notes),
        method=_method(framework),
        review_statement=review_statement(brand),
        edition=_edition(reports[0]),
    )


def translations(stem: str, languages: Sequence[str]) -> tuple[Translation, ...]:
    """The language switch of the brief ``stem`` published in ``languages`` (see ``Translation``).

    Each language's briefs are in a folder named by its code, side by side.
    """
    here = current().code
    return tuple(
        Translation(code, native_name(code), f"../{code}/{stem}{PREVIEW.suffix}", code == here)
        for code in languages
    )


def _edition(report: CountryReport) -> EditionView | None:
    edition = report.edition
    if not edition.name and not edition.previous:
        return None
    date = edition.previous_date.isoformat() if edition.previous_date else ""
    return EditionView(edition.name, edition.previous, date)


def _terms() -> dict[str, str]:
    forms = dict(current().forms)
    forms["re-trafficking"] = forms["re_trafficking"]  # the key team templates used before 0.2
    return forms


def _country_view(
    report: CountryReport,
    notes: _Notes,
    ranks: Mapping[str, int],
    orders: Mapping[str, str] | None = None,
) -> CountryView:
    a, profile = report.assessment, report.profile
    names = findings.country_names(profile)
    language = current()

    def w(text: str) -> str:  # generated and framework text: terms and names fill placeholders
        if isinstance(text, Quoted) and "{" not in text:
            return text  # a sentence that quotes a source's title: keep its language
        return language.fill(" ".join(text.split()), **names)

    timeline = _timeline(a, notes)
    components = tuple(_component_view(c, profile, a.framework, notes, w) for c in a.components)
    by_id = {c.id: c for c in components}
    headline = [r for r in report.recommendations if r.headline]
    others = [r for r in report.recommendations if not r.headline]
    follow = _follow_up(report, notes)
    since = {i.id: i for i in follow.items if i.recorded} if follow else {}
    return CountryView(
        slug=profile.slug,
        country=names["name"],
        name_in_text=names["country"],
        in_country=names["in_country"],
        of_country=names["of_country"],
        evidence_lang=current().code if translated(profile.slug) else profile.language,
        iso3=profile.iso3,
        region=_region(profile),
        roles=findings.join_words([_(ROLE_LABELS[role]) for role in profile.roles]),
        as_of=profile.as_of.isoformat() if profile.sources else "",
        summary=said(profile.summary, profile),
        index=_index(a, ranks.get(profile.slug), w, (orders or {}).get(profile.slug, "")),
        anchors=_anchors(profile, notes),
        key_messages=tuple(w(m) for m in report.key_messages),
        timeline=timeline,
        where_support_stops=w(findings.where_support_stops(a)),
        headline=_recs(headline, profile, notes, by_id, w, since),
        closing=w(findings.closing(a, headline)),
        measures=tuple(
            MeasureView(
                findings.measure_name(name),
                m.status,
                said(m.evidence, profile),
                notes.cite(profile, m.sources),
                _(MEASURE_STATUS_LABELS[m.status]),
            )
            for name, m in sorted(
                profile.measures, key=lambda nm: MEASURE_ORDER.index(nm[1].status)
            )
        ),
        bound_by=_bound_by(profile, a.framework, notes),
        commitments=_commitments(profile, a.framework, notes),
        institutions=tuple(
            _institution(_(INSTITUTION_LABELS[cast(Institution, role)]), entry, profile, notes)
            for role, entry in profile.institutions
            if entry is not None and entry.named
        ),
        components=components,
        risks=_risks(a, profile, notes, by_id, w),
        recommendations=_recs([*headline, *others], profile, notes, by_id, w, since),
        data_gaps=tuple(w(g.message) for g in a.data_gaps),
        figures=tuple(
            _figure(name, f, profile, notes)
            for name, f in profile.key_figures
            if name not in OPTIONAL_FIGURES or f.known
        ),
        claims=tuple(
            ClaimView(
                said(c.claim, profile),
                c.verdict,
                _(VERDICT_LABELS[c.verdict]),
                said(c.evidence, profile),
                notes.cite(profile, c.sources),
            )
            for c in profile.claims
        ),
        notes=notes.of(profile),
        quote=_quote(profile, notes),
        subnational=tuple(
            SubnationalView(
                said(sub.name, profile),
                tuple(_(INSTITUTION_LABELS[f]) for f in sub.functions),
                said(sub.differs, profile),
                notes.cite(profile, sub.sources),
            )
            for sub in profile.subnational
        ),
        has_evidence=bool(profile.sources),
        lead_notes=notes.cite(profile, findings.lead_sources(a)),
        follow_up=follow,
        reply=_reply(report, notes),
        reply_requested=RequestView(report.request.institution, report.request.sent.isoformat())
        if report.request and not profile.reply
        else None,
    )


FOLLOW_UP_LABELS = {
    "met": N_("Met"),
    "partly_met": N_("Partly met"),
    "not_met": N_("Not met"),
    "no_information": N_("No information"),
}


def _follow_up(report: CountryReport, notes: _Notes) -> FollowUpView | None:
    followed, profile = report.follow_up, report.profile
    if followed is None:
        return None
    items = tuple(
        FollowUpItemView(
            id=item.id,
            status=item.status,
            status_label=_(FOLLOW_UP_LABELS[item.status]),
            text=" ".join(item.text.split()) or item.id,
            institution=" ".join(item.institution.split()),
            evidence=said(item.evidence, profile),
            notes=notes.cite(profile, item.sources),
            headline=item.headline,
            recorded=item.recorded,
        )
        for item in followed.items
    )
    counts = tuple(
        (status, _(FOLLOW_UP_LABELS[status]), followed.count(status)) for status in STATUSES
    )
    now = {r.id for r in report.recommendations if r.headline}
    return FollowUpView(
        edition=followed.edition,
        edition_date=followed.edition_date.isoformat() if followed.edition_date else "",
        summary=findings.follow_up_summary(followed),
        counts_line=findings.follow_up_counts(followed),
        counts=counts,
        items=items,
        headline=tuple(i for i in items if i.headline),
        not_repeated=tuple(i for i in items if i.headline and i.id not in now),
    )


def _reply(report: CountryReport, notes: _Notes) -> ReplyView | None:
    reply = report.profile.reply
    if reply is None:
        return None
    return ReplyView(
        institution=said(reply.institution, report.profile, tag=True),
        date=reply.date.isoformat(),
        text=said(reply.text, report.profile, tag=True),  # a government's words: not translated
        notes=notes.cite(report.profile, reply.sources),
        in_writing=reply.received_in_writing,
        sent=report.request.sent.isoformat() if report.request else "",
    )


MEASURE_STATUS_LABELS = {
    "in_place": N_("in place"),
    "partial": N_("partial"),
    "absent": N_("not in place"),
    "unknown": N_("not documented"),
}
MEASURE_ORDER = ("in_place", "partial", "absent", "unknown")


def _quote(profile: Profile, notes: _Notes) -> QuoteView | None:
    """The first published survivor quote, for page 1 (None when the profile has none)."""
    for q in profile.survivor_quotes:
        if not is_placeholder(q.quote):
            return QuoteView(
                said(q.quote, profile, tag=True),  # as published: never translated
                said(q.context, profile),
                said(q.page, profile, tag=True),
                notes.cite(profile, (q.source,)),
            )
    return None


def _index(a: Assessment, rank: int | None, w: Callable[[str], str], order: str = "") -> IndexView:
    index = a.index
    number = current().number
    shown = "n/a" if index.value is None else number(index.value)  # "n/a": templates test it
    return IndexView(
        value=shown,
        number=index.value or 0.0,
        low=shown,
        high="n/a" if index.high is None else number(index.high),
        coverage=current().percent(index.coverage, 0),
        ranked=index.ranked,
        rank=rank if index.ranked else None,
        band=index.band or "n/a",
        band_label=index.band_label,
        lowered_by=tuple(w(c.reason) for c in index.caps),
        order=order if index.ranked else "",
    )


_ARTICLE = re.compile(r"^(?:(?:the|le|la|les|el|los|las)\s+|l['\u2019])", re.IGNORECASE)
"""An article an institution's name may start with, in the languages the tool ships."""


def _institution(
    role: str, entry: InstitutionEntry, profile: Profile, notes: _Notes
) -> InstitutionView:
    """An institution as "Who acts" lists it, its name said once.

    A note that starts by repeating the name ("Parliament" with the note "Parliament (House of
    Commons and House of Lords)") is folded into the name, so no line reads "Parliament
    (Parliament (...))"; a note that says something else stays a note.
    """
    name = keep_lang(said(entry.name, profile), findings.capital)
    note = said(entry.note, profile)
    cited = notes.cite(profile, entry.sources)
    base = name.split(" (", 1)[0]
    paren = name[len(base) :].strip()
    bare = _ARTICLE.sub("", base).casefold()
    start = _ARTICLE.sub("", note)
    if not note or not start.casefold().startswith(bare):
        return InstitutionView(role, name, note, cited, entry.held_by)
    raw = start[len(bare) :].rstrip()  # its spacing kept: French writes " ;"
    kept = bool(paren) and raw.lstrip().startswith(paren)
    if kept:
        raw = raw.lstrip()[len(paren) :]
    rest = raw.strip()
    folded = name
    if not rest:
        note = ""
    elif rest.startswith((",", ";")):  # the note's fuller words replace a short bracket
        folded, note = (name if kept or not paren else base) + raw, ""
    elif rest.startswith("(") and rest.endswith(")"):
        folded = findings.semicolons([name[:-1], rest[1:]]) if paren else f"{name} {rest}"
        note = ""
    elif rest[:1].islower():  # a sentence about the body ("the Home Office runs..."): said once
        folded, note = findings.capital(note), ""
    if isinstance(name, Quoted) and folded is not name:  # quoted in the profile's language
        folded = Quoted(folded, name.lang)
    return InstitutionView(role, folded, note, cited, entry.held_by)


def _binds(fw: Framework, iid: str) -> bool:
    """Whether an instrument is a treaty (an id the framework does not know is listed as one)."""
    return iid not in fw.instruments or fw.instruments[iid].binding


def _commitments(profile: Profile, fw: Framework, notes: _Notes) -> tuple[LawView, ...]:
    """The political commitments among the profile's instruments (not treaties: not binding)."""
    return tuple(
        LawView(fw.instruments[iid].name, str(entry.since), notes.cite(profile, entry.sources))
        for iid, entry in profile.instruments.items()
        if not _binds(fw, iid)
    )


def _bound_by(profile: Profile, fw: Framework, notes: _Notes) -> tuple[LawView, ...]:
    instruments = [
        LawView(
            fw.instruments[iid].name if iid in fw.instruments else iid,
            str(entry.since),
            notes.cite(profile, entry.sources),
        )
        for iid, entry in profile.instruments.items()
        if _binds(fw, iid)
    ]
    laws = [  # a law under its own name, tagged with the profile's language
        LawView(said(law.title, profile, tag=True), "", notes.cite(profile, law.sources))
        for law in profile.laws.values()
    ]
    return (*instruments, *laws)


def _anchors(profile: Profile, notes: _Notes) -> tuple[AnchorView, ...]:
    tip, gsi = profile.anchors.tip_tier, profile.anchors.gsi_government_response
    return (
        AnchorView(
            _("US TIP report"),
            tip_words(tip.value, profile),
            str(tip.year or ""),
            notes.cite(profile, tip.sources),
            tip.value != "unknown",
        ),
        AnchorView(
            _("Global Slavery Index"),
            gsi_words(gsi.score),
            str(gsi.year or "") if isinstance(gsi.score, int) else "",
            notes.cite(profile, gsi.sources),
            gsi.score != "unknown",
        ),
    )


_TIER = re.compile(r"^Tier (\d)( Watch List)?$")


def tip_words(value: str, profile: Profile) -> str:
    """A TIP tier as the brief's language names it ("Tier 2" is "Catégorie 2" in French).

    A rating the TIP report does not use is quoted as the profile gives it, tagged.
    """
    flat = " ".join(value.split())
    tier = _TIER.match(flat)
    if flat == "unknown":
        return pgettext("figure", "unknown")
    if tier and tier[2]:
        return _("Tier %(tier)s Watch List", tier=tier[1])
    if tier:
        return _("Tier %(tier)s", tier=tier[1])
    if flat == "Special Case":
        return pgettext("TIP report", "Special Case")
    return said(value, profile, tag=True)


def gsi_words(score: int | str) -> str:
    """The GSI government-response rating: "55/100", "not rated" or "rating not found".

    "Rating not found", not "unknown": the index may rate the country where the sources read do
    not give the figure, and a bare "unknown" beside a cited country study reads as if it did not.
    """
    if isinstance(score, int):
        return _("%(score)s/100", score=score)
    return _("not rated") if score == "not_rated" else _("rating not found")


STAGE_COMPONENTS = {
    "identification": "identification",
    "reflection": "reflection_period",
    "decision": "timeliness",
}
"""The part of aftercare whose level says how well a stage of the timeline is provided."""


def _stage_status(assessment: Assessment, stage_id: str, status: StageStatus) -> StageStatus:
    """A stage's badge: "provided" only where its part of aftercare meets the standard.

    A decision made after a median of 526 days, or a recovery period a level short, is
    provided but not as every country owes it: "partial", never "provided" beside the failure.
    """
    cid = STAGE_COMPONENTS.get(stage_id)
    if status != "provided" or cid is None or cid not in assessment.framework.components:
        return status
    result = assessment.component(cid)
    return "partial" if result.level is not None and result.gap else status


def _timeline(assessment: Assessment, notes: _Notes) -> tuple[StageView, ...]:
    profile = assessment.profile
    out = []
    for stage_id in STAGES:
        stage = getattr(profile.timeline, stage_id)
        status = _stage_status(assessment, stage_id, stage.status)
        out.append(
            StageView(
                id=stage_id,
                label=_(STAGE_LABELS[stage_id]),
                status=status,
                status_label=_(STATUS_LABELS[status]),
                duration=_duration(stage.duration, profile),
                support=said(stage.support, profile),
                notes=notes.cite(profile, stage.sources),
                duration_given=" ".join(stage.duration.split()).casefold() not in DURATION_WORDS,
            )
        )
    return tuple(out)


DURATION_WORDS = frozenset({"unknown", "none"})
"""A stage's duration when the sources give none, or say there is none: the tool's words."""


def _duration(text: str, profile: Profile) -> str:
    """A stage's duration as the brief prints it: the sources' words, or the tool's."""
    word = " ".join(text.split()).casefold()
    if word == "unknown":
        return pgettext("duration", "unknown")
    return pgettext("duration", "none") if word == "none" else said(text, profile)


def _component_view(
    c: ComponentResult, profile: Profile, fw: Framework, notes: _Notes, w: Callable[[str], str]
) -> ComponentView:
    label = (
        pgettext("level", "n/a")
        if not c.applicable
        else pgettext("level", "unknown")
        if c.level is None
        else str(c.level)
    )
    return ComponentView(
        id=c.id,
        name=w(c.name),
        applicable=c.applicable,
        level=c.level,
        level_label=label,
        level_text=w(c.level_text),
        target=c.target,
        gap=c.gap,
        priority_words=findings.gap_in_words(c.gap, len(c.risks)),
        peer=_("%(country)s (%(level)s)", country=c.peer.country, level=c.peer.level)
        if c.peer
        else "",
        evidence=said(c.evidence, profile),
        notes=notes.cite(profile, c.sources),
        standards=fw.components[c.id].standards,
        level_words=_(
            "The standard's level %(level)s reads: “%(words)s”",
            level=c.level,
            words=w(c.level_text).rstrip("."),
        )
        if c.level is not None and c.level_text
        else "",
    )


def _risks(
    a: Assessment,
    profile: Profile,
    notes: _Notes,
    by_id: Mapping[str, ComponentView],
    w: Callable[[str], str],
) -> tuple[RiskView, ...]:
    risks = sorted(a.risks, key=lambda r: ("present", "absent", "unknown").index(r.status))
    return tuple(
        RiskView(
            w(r.name),
            r.status,
            _(RISK_LABELS[r.status]),
            said(r.evidence, profile),
            notes.cite(profile, r.sources),
            tuple(by_id[c].name for c in r.weak_mitigators),
        )
        for r in risks
    )


def _recs(
    recs: Sequence[Recommendation],
    profile: Profile,
    notes: _Notes,
    by_id: Mapping[str, ComponentView],
    w: Callable[[str], str],
    since: Mapping[str, FollowUpItemView],
) -> tuple[RecommendationView, ...]:
    out = []
    mine = ("profile", "team")
    for i, r in enumerate(recs, 1):
        own = _own_words(profile, r) if r.origin in mine else None
        component = by_id[r.component] if r.component else None
        cited = notes.cite(profile, r.sources) if r.sources else ()
        function = _(INSTITUTION_LABELS[r.institution])
        named = said(r.institution_name, profile, tag=True)
        who = keep_lang(named, findings.capital) or function
        label = "" if not r.standard else _("Binding:") if r.binding else _("Good practice:")
        out.append(
            RecommendationView(
                number=i,
                text=w(own[0] if own else r.text),
                institution=who,
                horizon=_(HORIZON_LABELS[r.horizon]),
                priority=r.priority,
                component=component.name if component else _("Evidence"),
                component_id=r.component or "",
                standard=r.standard,
                binding=r.binding,
                indicator=w(own[1] if own else r.indicator),
                why=w(r.why),
                notes=cited or (component.notes if component else ()),
                headline=r.headline,
                text_lang=current().code if own or r.origin not in mine else profile.language,
                evidence=_clause(profile, r.clause),
                thin=r.uncertain,
                function=function,
                named=bool(r.institution_name),
                standard_label=label,
                recommended_by=r.recommended_by,
                milestone=r.horizon == "long_term",
                since=since.get(r.id),
            )
        )
    return tuple(out)


def _own_words(profile: Profile, r: Recommendation) -> tuple[str, str] | None:
    """A recommendation of the profile's, (text, indicator), in its translation if it has both."""
    text, indicator = (
        translation_of(profile.slug, r.text),
        translation_of(profile.slug, r.indicator),
    )
    return (text, indicator) if text and indicator else None


def _clause(profile: Profile, clause: str) -> str:
    """A clause of the profile's evidence, quoted as a reason, in the brief's language.

    Its counterpart in the profile's translation (see ``findings.translated_clause``), found
    in the text field it was taken from; else the clause as written, tagged with its language
    when the rest of the country's evidence is translated.
    """
    if not clause or not translated(profile.slug):
        return clause
    core = clause.rstrip("…").strip().rstrip(".").casefold()
    for _key, text in profile_overlay.fields(profile.model_dump()):
        if core and core in " ".join(text.split()).casefold():
            found = findings.translated_clause(profile, text, clause)
            if found:
                return found
    return evidence(profile.slug, profile.language, clause)


def _region(profile: Profile) -> str:
    """The country's world region in the brief's language.

    CLDR's name of a UN region (``Asie du Sud-Est``), else the profile's translation, else the
    profile's words, tagged with their language.
    """
    if profile.language.split("-")[0] == current().code.split("-")[0]:
        return profile.region
    named = region_name(profile.region, current().code)
    return named or said(profile.region, profile, tag=True)


def _figure(name: str, figure: KeyFigure, profile: Profile, notes: _Notes) -> FigureView:
    language = current()
    if figure.known and isinstance(figure.value, int | float):
        number = figure.value if isinstance(figure.value, int) else round(figure.value, 2)
        value = language.number(number)
        if figure.unit == "%":
            value = language.percent(figure.value / 100)
        elif figure.unit:
            value = _("%(value)s %(unit)s", value=value, unit=figure.unit)
        if figure.proxy:
            value = _("%(value)s (proxy)", value=value)
    else:
        value = pgettext("figure", "unknown")
    return FigureView(
        findings.capital(findings.figure_name(name)),
        said(figure.counts, profile),
        value,
        str(figure.year or ""),
        said(figure.note, profile),
        notes.cite(profile, figure.sources),
        known=figure.known,
        id=name,
        form=figure.form,
        form_label=_(FORM_LABELS[figure.form]) if figure.known else "",
    )


FORM_LABELS = {
    "sex": N_("sex trafficking only"),
    "labour": N_("labour trafficking only"),
    "all": N_("all forms of trafficking"),
    "unspecified": N_("form of trafficking not stated"),
}


def _filled(text: str) -> str:
    """A generated sentence with its terms filled, keeping what it quotes in another language.

    A figure's own words, quoted from a profile that has no translation, keep their ``lang``.
    """
    if isinstance(text, Quoted) and "{" not in text:
        return text
    return current().fill(text)


def _method(fw: Framework) -> MethodView:
    language = current()

    def w(text: str) -> str:
        return language.fill(" ".join(text.split()))

    return MethodView(
        framework=f"{fw.name} {fw.version}",
        description=w(fw.description),
        method=_(METHOD_WORDS, coverage=language.percent(fw.index.rank_coverage, 0)),
        bands=tuple((b.id, language.number(b.min), b.label) for b in fw.index.bands),
        caps=tuple(w(c.reason) for c in fw.index.caps),
        levels=tuple((level, w(text)) for level, text in sorted(fw.levels.items())),
        rank_coverage=language.percent(fw.index.rank_coverage, 0),
    )


def _comparison(
    reports: Sequence[CountryReport], views: tuple[CountryView, ...], notes: _Notes
) -> Comparison:
    fw = reports[0].assessment.framework
    language = current()
    ranked = sorted(
        (v for v in views if v.index.rank is not None),
        key=lambda v: (v.index.rank, -v.index.number, v.country),
    )
    matrix = []
    for cid, spec in fw.components.items():
        results = [r.assessment.component(cid) for r in reports]
        levels = tuple(c.level for c in results)
        known = [c.level for c in results if c.level is not None]
        shared = len(known) >= 2 and all(lvl < spec.target for lvl in known)
        cells = tuple(
            pgettext("level", "n/a")
            if not c.applicable
            else ("?" if c.level is None else str(c.level))
            for c in results
        )
        name = language.fill(" ".join(spec.name.split()))
        matrix.append(MatrixRow(cid, name, spec.target, cells, levels, shared))
    timeline = tuple(
        TimelineRow(stage, _(STAGE_LABELS[stage]), tuple(v.timeline[i] for v in views))
        for i, stage in enumerate(STAGES)
    )
    years = sorted({int(f.year) for v in views for f in v.figures if f.year})
    assessments = [r.assessment for r in reports]
    exposure = comparative.exposure_evidence(reports)
    return Comparison(
        lead=language.fill(comparative.lead_finding(assessments)),
        ranking=tuple(ranked),
        unranked=tuple(v for v in views if v.index.rank is None),
        timeline=timeline,
        figures=_figure_rows(views),
        vintages=f"{years[0]}-{years[-1]}" if len(years) > 1 else "".join(map(str, years)),
        matrix=tuple(matrix),
        shared_gaps=tuple(
            language.fill(line) for line in comparative.shared_gap_lines(assessments)
        ),
        conclusion=tuple(_filled(line) for line in comparative.conclusion(reports)),
        findings=tuple(
            language.fill(line) for line in comparative.findings_beyond_twelve_months(assessments)
        ),
        ordering=language.fill(comparative.ordering(reports)),
        claims=tuple(
            ComparedClaim(view.country, claim, view.evidence_lang)
            for view in views
            for claim in view.claims
        ),
        exposure_lead=language.fill(comparative.exposure_lead(exposure)),
        exposure=tuple(
            EvidenceLine(
                findings.country_names(line.profile)["name"],
                language.fill(line.strength),
                line.text,
                notes.cite(line.profile, line.sources),
                current().code if translated(line.profile.slug) else line.profile.language,
            )
            for line in exposure
        ),
        exposure_at=comparative.findings_count(reports),
    )


def _figure_rows(views: Sequence[CountryView]) -> tuple[FigureRow, ...]:
    """Key figures side by side, those that isolate sex trafficking first.

    A labour-only figure is never shown as a country's re-trafficking proxy: its cell says
    what it counts instead of giving the number.
    """
    order = list(KeyFigures.model_fields)
    ids = [i for i in order if any(f.id == i for v in views for f in v.figures)]
    rows = []
    for fid in ids:
        cells = []
        for v in views:
            cell = next((f for f in v.figures if f.id == fid), None)
            if cell is None:
                cell = FigureView(
                    findings.capital(findings.figure_name(fid)),
                    "",
                    pgettext("figure", "unknown"),
                    "",
                    "",
                    (),
                    known=False,
                    id=fid,
                )
            elif fid == "re_trafficking_measure" and cell.form == "labour":
                cell = replace(
                    cell, value=_("not shown: it counts labour trafficking only"), known=False
                )
            cells.append(cell)
        rows.append(FigureRow(cells[0].label, tuple(cells), fid))
    sex_first = sorted(rows, key=lambda row: -sum(c.form == "sex" and c.known for c in row.cells))
    return tuple(sex_first)
