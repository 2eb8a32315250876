"""Terminal presentation: findings, errors and tables, for people, programs and GitHub Actions.

Rich drops colour by itself when output is not a terminal (and honours ``NO_COLOR``), so the
same code serves an analyst's terminal and a CI log.
"""

from __future__ import annotations

import json

from rich.console import Console
from rich.markup import escape

from aftercare_report.catalog import Checked
from aftercare_report.errors import AftercareError, Finding, InputError, Severity

# Findings are never wrapped: `path:line:col:` must stay on one line for editors to jump to it.
stdout = Console(highlight=False, soft_wrap=True)
stderr = Console(stderr=True, highlight=False, soft_wrap=True)

_STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "yellow"}


def print_error(exc: AftercareError) -> None:
    """Print an error the tool stopped on, to standard error, without a traceback."""
    if isinstance(exc, InputError):
        for finding in exc.findings:
            stderr.print(_styled(finding))
        n = len(exc.findings)
        stderr.print(
            f"[bold red]error:[/] {n} problem{'s' * (n != 1)} in the input; nothing built."
        )
    else:
        stderr.print(f"[bold red]error:[/] {escape(str(exc))}")


def _styled(finding: Finding) -> str:
    text = escape(finding.format())
    if finding.severity is Severity.WARNING:
        head, sep, tail = text.partition(f" {escape(finding.message)}")
        text = f"{head} warning:{sep}{tail}" if sep else text
    return f"[{_STYLE[finding.severity]}]{text}[/]"


def print_findings(checked: Checked, fmt: str, *, strict: bool) -> None:
    """Print validation findings and a summary in the chosen format.

    Args:
        checked: The result of validating profiles.
        fmt: ``text``, ``json`` or ``github``.
        strict: Whether warnings fail the run (changes the summary's wording).
    """
    if fmt == "json":
        stdout.out(json.dumps([_as_dict(f) for f in checked.findings], indent=2), highlight=False)
    elif fmt == "github":
        for finding in checked.findings:
            stdout.out(github_annotation(finding), highlight=False)
        stdout.out(_summary(checked, strict), highlight=False)
    else:
        for finding in checked.findings:
            stdout.print(_styled(finding))
        ok = not checked.errors and not (strict and checked.warnings)
        colour = "green" if ok else "bold red"
        stdout.print(f"[{colour}]{escape(_summary(checked, strict))}[/]")


def _summary(checked: Checked, strict: bool) -> str:
    errors, warnings = len(checked.errors), len(checked.warnings)
    head = f"{plural(checked.files, 'file')} checked: {plural(errors, 'error')}, "
    head += plural(warnings, "warning")
    if errors:
        return f"{head}. Fix the errors above."
    if warnings and strict:
        return f"{head}. Warnings fail with --strict."
    return f"{head}. All valid."


def _as_dict(finding: Finding) -> dict[str, object]:
    return {
        "path": finding.path,
        "line": finding.line,
        "column": finding.column,
        "key": finding.key,
        "severity": str(finding.severity),
        "code": finding.code,
        "message": finding.message,
    }


def github_annotation(finding: Finding) -> str:
    """Return a GitHub Actions workflow command that annotates the finding's line in a diff."""
    level = "error" if finding.severity is Severity.ERROR else "warning"
    props = [f"file={_escape_property(finding.path)}"]
    if finding.line:
        props += [f"line={finding.line}", f"col={finding.column}"]
    if finding.key:
        props.append(f"title={_escape_property(finding.key)}")
    return f"::{level} {','.join(props)}::{_escape_data(finding.message)}"


def _escape_data(text: str) -> str:
    # Per the workflow-command spec: %, CR and LF must be percent-encoded in the message.
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def plural(n: int, word: str) -> str:
    """Return ``"1 file"`` / ``"2 files"``."""
    return f"{n} {word}{'s' * (n != 1)}"
