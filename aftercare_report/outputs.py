"""What a build makes and reports: output formats, and the files written, kept or removed.

Apart from :mod:`aftercare_report.build` so that an unchanged build can report its files
without importing the renderer.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

OutputFormat = Literal["html", "pdf", "json"]
FORMATS: tuple[OutputFormat, ...] = ("html", "pdf", "json")


@dataclass(frozen=True)
class Written:
    """A file the build wrote.

    Attributes:
        path: Where.
        format: ``html``, ``pdf`` or ``json``.
        pages: Page count for PDFs.
        size: Bytes.
        unchanged: The file already had this content (it was not rewritten).
        removed: ``--clean`` deleted the file: its brief is no longer built.
    """

    path: Path
    format: OutputFormat
    pages: int | None
    size: int
    unchanged: bool = False
    removed: bool = False


@dataclass(frozen=True)
class BuildResult:
    """What a build wrote, and what WeasyPrint warned about."""

    written: tuple[Written, ...]
    warnings: tuple[str, ...]
