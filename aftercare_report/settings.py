"""The resolved settings of a run, and the brand: plain frozen dataclasses.

Apart from :mod:`aftercare_report.config` (which finds the project file and applies
command-line options) and :mod:`aftercare_report.project_file` (which validates the file), so
both can build them without importing each other.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from aftercare_report.errors import Finding
from aftercare_report.limits import DEFAULT_STALE_YEARS, Limits

CONFIG_NAME = "aftercare-report.toml"


Paper = Literal["a4", "letter"]
"""Page sizes the brief layout is made for."""


DEFAULT_FONT = (
    "'DejaVu Sans','Noto Sans','Noto Sans Thai','Noto Sans Khmer','Noto Sans Lao',"
    "'Noto Sans Myanmar','Noto Sans Devanagari','Noto Sans Bengali','Noto Sans Ethiopic',"
    "'Noto Sans Arabic',sans-serif"
)
"""Body text in DejaVu Sans (Noto Sans where it is missing), then a Noto font for each script
DejaVu lacks, all from Debian's ``fonts-noto-core``: naming them picks one font per script
rather than whichever fontconfig falls back to. No space after the commas: WeasyPrint 70 splits
an SVG ``font-family`` (the chart's) at commas and strips quotes but not spaces, so after
``", "`` it finds only the first family."""


@dataclass(frozen=True)
class TeamFont:
    """A font file a team ships in a template folder (``[brand] fonts``), embedded in briefs.

    Attributes:
        file: Path of the font, relative to a template folder, as the project file names it.
        family: CSS family name: given in the project file, or read from the font.
        weight: CSS ``font-weight`` read from the font (``700``), or ``""`` for a variable font.
        style: CSS ``font-style`` read from the font: ``normal``, ``italic`` or ``oblique``.
        scripts: The scripts it is for, other than Latin, Greek and Cyrillic (``Khmer``);
            empty for a font of the body text.
        ranges: The code points of those scripts it covers, as a CSS ``unicode-range``
            (``U+1780-17DD, U+17E0-17E9``): a font for a script draws that script only, and
            other text (Latin, digits, punctuation) stays in the body font, bold included.
    """

    file: str
    family: str
    weight: str = "400"
    style: str = "normal"
    scripts: tuple[str, ...] = ()
    ranges: str = ""


@dataclass(frozen=True)
class Brand:
    """How a team's briefs look and who signs them.

    Attributes:
        organisation: Publisher named on the cover and in PDF metadata.
        logo: File name of a logo inside a template folder, or "" for none.
        primary: Main colour (CSS colour) for headings and bars.
        accent: Second colour for highlights.
        font: CSS font-family list for body text; the families of ``fonts`` come first.
        paper: ``a4`` or ``letter``: the page size of the PDF.
        fonts: The team's own font files, declared with ``@font-face`` for every brief.
        review_statement: Who reviewed the briefs, and when (``[project] review_statement``);
            "" when nobody did, and page 1 then says the brief was not reviewed by survivors.
    """

    organisation: str = "aftercare-report"
    logo: str = ""
    primary: str = "#1f4e79"
    accent: str = "#c0504d"
    font: str = DEFAULT_FONT
    paper: Paper = "a4"
    fonts: tuple[TeamFont, ...] = ()
    review_statement: str = ""


@dataclass(frozen=True)
class ReplyRequest:
    """A record that a country's page-2 steps were sent to an institution for its reply.

    Attributes:
        institution: To whom they were sent.
        sent: When.
        line: The line of the project file that records it (0 if unknown), for messages.
    """

    institution: str
    sent: dt.date
    line: int = 0


@dataclass(frozen=True)
class Edition:
    """Which edition of the briefs this is, and what is known of the previous one.

    Attributes:
        name: The edition, as the masthead shows it ("2027", "3"), or "" when the project
            names none.
        previous: The previous edition's name, which profiles' ``follow_up`` refers to, or "".
        previous_date: The previous edition's publication date, or None.
        previous_json: The previous edition's JSON as published (a folder of ``<slug>.json``
            or one comparative JSON), kept in the project: the record of its recommendation
            ids, or None.
        requests: By profile slug: to whom, and when, the page-2 steps were sent for a reply.
    """

    name: str = ""
    previous: str = ""
    previous_date: dt.date | None = None
    previous_json: Path | None = None
    requests: Mapping[str, ReplyRequest] = field(default_factory=dict)


@dataclass(frozen=True)
class Project:
    """The resolved settings of a run: the project file's, with command-line overrides applied.

    Attributes:
        path: The project file, or None (bundled defaults).
        profiles: Profile files or folders (empty means the bundled profiles).
        templates: Template folders, searched before the bundled ones.
        framework: Framework file, or None for the bundled one.
        out: Output folder.
        language: Language code: the project's, or the first of ``languages``.
        languages: Every language to build, ``language`` first (``[project] languages``, or
            ``--language fr,en``); empty means ``language`` alone.
        published: The languages briefs are published in side by side, each in
            ``out/<lang>/`` and linked to the others: the project's and the run's, when either
            has several (a run of one language of a bilingual project writes into its folder).
            Empty: one language, written into ``out`` itself.
        stale_years: Sources this many years older than ``as_of`` are flagged.
        brand: The brand.
        terms: The team's terms by language code, each a mapping of forms (only those changed).
        ignore: Codes of warnings and data gaps ``validate`` leaves out.
        copy_hosts: Hosts the team knows hold copies, each with the original to cite instead
            (``[validate.copy_hosts]``), added to the canonical-source rule.
        limits: Time, memory and output limits of rendering and PDF making.
        allow_scripts: Templates may put scripts in briefs (``[security] allow_scripts``).
        review: Notes and warnings on the project file's settings, at their lines, which
            ``validate`` shows: settings that weaken protection (so a change to one is seen in
            review), which text each team font sets, a team font family without a weight the
            brief uses (a build prints these warnings too).
        edition: The edition and the previous one (``[edition]``).
    """

    path: Path | None = None
    profiles: tuple[Path, ...] = ()
    templates: tuple[Path, ...] = ()
    framework: Path | None = None
    out: Path = Path("out")
    language: str = "en"
    languages: tuple[str, ...] = ()
    published: tuple[str, ...] = ()
    stale_years: int = DEFAULT_STALE_YEARS
    brand: Brand = field(default_factory=Brand)
    terms: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    ignore: frozenset[str] = frozenset()
    copy_hosts: Mapping[str, str] = field(default_factory=dict)
    limits: Limits = field(default_factory=Limits)
    allow_scripts: bool = False
    review: tuple[Finding, ...] = ()
    edition: Edition = field(default_factory=Edition)

    @property
    def every_language(self) -> tuple[str, ...]:
        """The languages to build, the project's (or the run's first) first."""
        return self.languages or (self.language,)

    def out_for(self, language: str) -> Path:
        """The folder the briefs in ``language`` are written to."""
        return self.out / language if self.published else self.out

    @property
    def root(self) -> Path | None:
        """The project folder (of the project file), or None without a project file."""
        return self.path.parent if self.path else None


BUNDLED = "bundled"
"""In ``profiles``, the profiles shipped with the tool."""
