"""The project's error types and the located findings they carry.

Every problem the tool reports is a :class:`Finding` that knows where it is (file, line, column,
key path) from the moment it is found; the CLI only formats findings and maps errors to exit codes.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from aftercare_report.resources import bundled_name


class Severity(StrEnum):
    """How bad a finding is.

    Errors fail validation; warnings (likely mistakes) fail only with ``--strict``; data gaps are
    honest unknowns (no source documents it) that the briefs report and never fail a run; notes
    say what the tool decided (a team profile replacing a bundled one).
    """

    ERROR = "error"
    WARNING = "warning"
    DATA_GAP = "data-gap"
    NOTE = "note"


@dataclass(frozen=True, order=True)
class Finding:
    """One located problem in an input file.

    Attributes:
        path: The file, as the user named it.
        line: 1-based line, or 0 when the problem concerns the whole file.
        column: 1-based column, or 0 when unknown.
        key: Dotted key path inside the document (``components.shelter.level``), or ``""``.
        message: What is wrong, in words a profile author understands.
        severity: Error or warning.
        code: A stable short identifier for machines (``unknown-key``, ``stale-source``...).
    """

    path: str
    line: int
    column: int
    key: str
    message: str
    severity: Severity = Severity.ERROR
    code: str = "invalid"

    def format(self) -> str:
        """Return the finding as ``path:line:col: key: message``, on one line.

        Keys and values come from untrusted files: control characters are shown escaped so a
        crafted key cannot start a new line that a CI log reads as a workflow command.
        """
        where = f"{self.path}:{self.line}:{self.column}" if self.line else self.path
        key = f" {self.key}:" if self.key else ""
        return printable(f"{where}:{key} {self.message}")


def printable(text: str) -> str:
    """Return ``text`` with control characters escaped (``\\n``, ``\\x1b``), for one-line output.

    The one rule for every line the tool prints: what could break the line, drive the terminal
    or reorder the text is shown escaped; letters of every script, joiners and no-break spaces
    are printed as they are.
    """
    return "".join(c.encode("unicode_escape").decode("ascii") if unsafe(c) else c for c in text)


_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff\u2028\u2029\u202a-\u202e\u2066-\u2069]")
"""The characters :func:`unsafe` names, as one pattern: searched in C, so a profile of many
fields is checked without a Python call per character."""


def unsafe(char: str) -> bool:
    """Whether a character may not be printed as it is.

    Control characters, line and paragraph separators, lone surrogates and bidi overrides.
    """
    return unicodedata.category(char) in ("Cc", "Cs", "Zl", "Zp") or char in _BIDI_CONTROLS


def sorted_findings(findings: Iterable[Finding]) -> list[Finding]:
    """Return findings in reading order: by file, then line and column, without duplicates."""
    # A key of plain tuples sorts in C; the dataclass's own ordering is ten times slower, which
    # shows with a file of 20,000 findings.
    return sorted(set(findings), key=_reading_order)


def _reading_order(f: Finding) -> tuple[str, int, int, str, str, str, str]:
    return (f.path, f.line, f.column, f.key, f.message, f.severity.value, f.code)


class AftercareError(Exception):
    """Base of every error the tool reports without a traceback.

    Attributes:
        exit_code: The process exit code the CLI uses for this error.
    """

    exit_code = 1


class InputError(AftercareError):
    """Invalid input (profile, framework, config): carries all findings of the failed files."""

    def __init__(self, findings: Iterable[Finding]) -> None:
        self.findings = sorted_findings(findings)
        super().__init__("\n".join(f.format() for f in self.findings))

    def __reduce__(self) -> tuple[type[InputError], tuple[list[Finding]]]:
        # Rebuilt from its findings, not its message, when it comes back from a worker process.
        return (InputError, (self.findings,))


class TemplateError(AftercareError):
    """A template failed to load or render; the message names the template, line and profile.

    Attributes:
        problem: What went wrong, without the place.
        template: The template file (as shown to the user), or ``""``.
        line: Its line, or 0.
        subject: What was being rendered (``profiles/thailand.yaml``), or ``""``.
        problems: Each piece of active content found, when that is the problem.
    """

    def __init__(
        self,
        problem: str,
        *,
        template: str = "",
        line: int = 0,
        subject: str = "",
        problems: tuple[str, ...] = (),
    ) -> None:
        self.problem, self.template, self.line = problem, template, line
        self.subject, self.problems = subject, problems
        where = f"{template}:{line}: " if template and line else f"{template}: " if template else ""
        rendering = f" (rendering {subject})" if subject else ""
        super().__init__(f"{where}{problem}{rendering}")

    def about(self, subject: str) -> TemplateError:
        """The same error, saying what was being rendered (unless it says so already)."""
        if self.subject:
            return self
        return TemplateError(
            self.problem,
            template=self.template,
            line=self.line,
            subject=subject,
            problems=self.problems,
        )

    def __reduce__(self) -> tuple[Any, ...]:
        # Rebuilt with its fields when it comes back from a worker process.
        fields = (self.template, self.line, self.subject, self.problems)
        return (_template_error, (self.problem, *fields))


def _template_error(
    problem: str, template: str, line: int, subject: str, problems: tuple[str, ...]
) -> TemplateError:
    return TemplateError(problem, template=template, line=line, subject=subject, problems=problems)


class BuildError(AftercareError):
    """Producing or writing an output failed."""


class UsageError(AftercareError):
    """The command asks for something that cannot be done (exit code 2, like a usage error)."""

    exit_code = 2


def display_path(path: Path) -> str:
    """Return ``path`` relative to the working directory when it lies below it, for messages.

    Symlinks are not followed: a message names the file as the user named it. A file shipped
    with the tool, elsewhere, is named as the tool knows it: ``bundled:thailand.yaml``.
    """
    try:
        return str(path.absolute().relative_to(Path.cwd()))
    except ValueError:
        return bundled_name(path) or str(path)
