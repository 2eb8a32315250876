"""Every bound on untrusted work in one place: time, memory, output and input sizes.

Profiles, templates and the project file arrive in pull requests and CI builds them with secrets
nearby, so each step that reads or runs them has a limit. The defaults fit the bundled briefs many
times over (a country brief renders in under a millisecond to about 100 kB of HTML and makes a
7-page PDF in about a second); a team changes the run-time ones in ``[limits]`` of the project
file.
"""

from __future__ import annotations

from dataclasses import dataclass

MB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """Run-time limits of a build, settable in ``[limits]`` of the project file.

    Attributes:
        render_seconds: Wall-clock time one brief's templates may take to render.
        pdf_seconds: Wall-clock time one PDF may take to make.
        memory_mb: Address space of each worker process (rendering and PDF making).
        html_mb: Largest output of one brief in one format (the HTML a template produces, the
            JSON, the images a PDF embeds and the PDF itself).
    """

    render_seconds: float = 30.0
    pdf_seconds: float = 120.0
    memory_mb: int = 2048
    html_mb: int = 20

    @property
    def memory_bytes(self) -> int:
        """``memory_mb`` in bytes, for ``setrlimit``."""
        return self.memory_mb * MB

    @property
    def html_chars(self) -> int:
        """``html_mb`` as a number of characters (at least one byte each)."""
        return self.html_mb * MB


DEFAULT_STALE_YEARS = 5
"""Sources older than this many years before a profile's ``as_of`` are flagged (a bound on
the age of evidence; here, not in :mod:`aftercare_report.evidence`, so the project settings can
name it without importing the profile model)."""

PROJECT_FILE_BYTES = 256 * 1024
"""Largest project file read; a real one is under 2 kB."""
INPUT_BYTES = 2 * MB
"""Largest profile, framework, overlay or catalog read (a country profile is about 100 kB, a
catalog about 50 kB)."""
MAX_PROFILES = 300
"""Most profile files one run reads (ISO 3166 has 249 countries and territories). Counted from
the file list before any is parsed: the building process holds every profile it reads, so memory
and time grow with their number. A constant, not a ``[limits]`` setting, so that a pull
request cannot raise it; split a larger collection into several projects."""
PROFILE_TOTAL_BYTES = 64 * MB
"""Most bytes of profiles and their translations one run reads (a bundled profile is about 50 kB
and a translation about 30 kB: every country with four translations is about 45 MB). Summed from
the files' sizes before any is parsed; a constant like ``MAX_PROFILES``."""
PUBLISHED_JSON_BYTES = 50 * MB
"""Largest published JSON read back (a country's is about 100 kB; a comparison of 100
countries about 10 MB)."""
PUBLISHED_FILES = 2000
"""Most JSON files read from one folder of published briefs."""
PUBLISHED_VALUES = 1_000_000
"""Most JSON values (objects, arrays, items) one published JSON may hold, counted before it is
parsed: a country's holds about 2,000, a comparison of every country about 450,000. Parsing
costs up to about 100 bytes of memory per value, far more than the text (``[{},{},...]``)."""
PUBLISHED_TOTAL_VALUES = 2_000_000
"""Most JSON values read from all the files of one edition (every country's brief and their
comparison hold about 900,000)."""
PUBLISHED_TOTAL_BYTES = 200 * MB
"""Most bytes of JSON read from all the files of one edition."""
REVISION_BYTES = 500 * MB
"""Most bytes of a project read out of git at one revision (``diff``); a project is a few MB."""
REVISION_FILES = 20000
"""Most files of a project read out of git at one revision."""
TEMPLATE_BYTES = 2 * MB
"""Largest template or stylesheet read."""
ASSET_BYTES = 10 * MB
"""Largest image or font a brief may use (the logo, files fetched for the PDF)."""
OUTPUT_BYTES = 200 * MB
"""Largest output or manifest read back to compare hashes (a 55-page PDF is about 1 MB)."""
TEMPLATE_FOLDER_FILES = 2000
"""Most files a template folder may hold (it is walked to check and hash it)."""

MAX_SEQUENCE = 1_000_000
"""Longest string or list a template may make by repetition (``'x' * n``)."""
MAX_POWER_BITS = 4096
"""Largest integer, in bits, a template may make with ``**``."""
MAX_WIDTH = 1000
"""Widest padding a template may ask of ``center``, ``format``, ``indent`` and the like."""

MAX_LINE = 200
"""Longest one-line field (a country name, a unit, an organisation, a font list)."""
MAX_URL = 2000
"""Longest URL accepted in a sources registry."""
MAX_SOURCES = 300
"""Most sources one registry may list (a bundled profile lists about 30)."""
MAX_ITEMS = 100
"""Most entries in a profile's other lists and mappings (claims, laws, recommendations...)."""
MAX_REFS = 50
"""Most source ids one claim may cite."""
MAX_TERMS = 100
"""Most entries in ``[terms]``."""
MAX_TEAM_FONTS = 20
"""Most font files in ``[brand] fonts`` (a family in four styles for a few scripts)."""
MAX_LANGUAGES = 20
"""Most languages one project builds (``[project] languages``): each is a full build."""
MAX_SUGGEST = 500
"""Most candidates a did-you-mean hint compares against."""
MAX_HINTS = 20
"""Most did-you-mean hints given per file: past that, one more hint helps nobody."""
MAX_FINDINGS = 1000
"""Most findings of one kind reported per file; one more finding counts the rest."""
MAX_HINT_WORD = 80
"""Longest unknown word a did-you-mean hint is sought for."""
