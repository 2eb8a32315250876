"""The command line through click's CliRunner: exit codes, stdout and stderr apart."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from aftercare_report import __version__
from aftercare_report.cli import cli

from .conftest import INVALID, VALID


@pytest.fixture
def run() -> object:
    runner = CliRunner()

    def invoke(*args: str) -> object:
        return runner.invoke(cli, list(args), catch_exceptions=False)

    return invoke


def test_version_and_help(run) -> None:  # type: ignore[no-untyped-def]
    result = run("--version")
    assert result.exit_code == 0 and __version__ in result.stdout
    result = run("--help")
    assert result.exit_code == 0 and "validate" in result.stdout and "Examples" in result.stdout


def test_validate_bundled_profiles_passes(run) -> None:  # type: ignore[no-untyped-def]
    result = run("validate")
    assert result.exit_code == 0, result.output
    assert "5 files checked: 0 errors" in result.stdout
    assert result.stderr == ""


def test_validate_invalid_profile_exits_1_with_located_message(run) -> None:  # type: ignore[no-untyped-def]
    result = run("validate", str(INVALID / "level-out-of-range.yaml"))
    assert result.exit_code == 1
    assert "level-out-of-range.yaml:12:12: components.identification.level: 7 is not one of" in (
        result.stdout
    )
    assert "Traceback" not in result.output
    assert "1 error" in result.stdout


def test_validate_json_is_a_list_of_findings(run) -> None:  # type: ignore[no-untyped-def]
    result = run("validate", "--format", "json", str(INVALID / "unknown-key.yaml"))
    assert result.exit_code == 1
    findings = json.loads(result.stdout)
    unknown = next(f for f in findings if f["code"] == "unknown-key")
    assert unknown == {
        "path": unknown["path"],
        "line": 13,
        "column": 5,
        "key": "components.identification.evidnce",
        "severity": "error",
        "code": "unknown-key",
        "message": "unknown key 'evidnce'; did you mean 'evidence'?",
    }
    assert unknown["path"].endswith("unknown-key.yaml")


def test_validate_github_annotations(run) -> None:  # type: ignore[no-untyped-def]
    result = run("validate", "--format", "github", str(INVALID / "level-out-of-range.yaml"))
    assert result.exit_code == 1
    first = result.stdout.splitlines()[0]
    assert first.startswith("::error file=") and ",line=12,col=12," in first
    assert first.endswith("::7 is not one of 0, 1, 2, 3, 4, unknown, not_applicable")


def test_warnings_fail_only_with_strict_and_data_gaps_never(  # type: ignore[no-untyped-def]
    run, tmp_path: Path
) -> None:
    # Testland's unknown levels are honest data gaps: they never fail, even with --strict.
    result = run("validate", "--strict", str(VALID))
    assert result.exit_code == 0, result.stdout
    assert "data-gap: The level of" in result.stdout
    # ...and so are the steps left out of the brief for want of a named institution.
    assert "data-gap: the step 'legal-free-legal-aid' is left out of the brief" in result.stdout
    assert "0 errors, 0 warnings, 7 data gaps. All valid." in result.stdout
    # A claim without a source is a likely mistake: a warning, which --strict fails.
    text = VALID.read_text().replace(
        "    evidence: No data on outcomes after shelter exit.\n    sources: [report-2023]",
        "    evidence: No data on outcomes after shelter exit.\n    sources: []",
    )
    unsourced = tmp_path / "testland.yaml"
    unsourced.write_text(text)
    assert run("validate", str(unsourced)).exit_code == 0
    strict = run("validate", "--strict", str(unsourced))
    assert strict.exit_code == 1 and "warning: The verdict on the claim" in strict.stdout
    ignored = run("validate", "--strict", "--ignore", "unsourced", str(unsourced))
    assert ignored.exit_code == 0 and "0 warnings" in ignored.stdout


def test_project_file_can_ignore_codes(run, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    ignore = "ignore = ['unknown-level', 'unnamed-institution']"
    (tmp_path / "aftercare-report.toml").write_text(f"[validate]\n{ignore}\n")
    monkeypatch.chdir(tmp_path)
    result = run("validate", str(VALID))
    assert result.exit_code == 0 and "0 data gaps" in result.stdout


def test_bundled_profiles_pass_the_readme_ci_line(run) -> None:  # type: ignore[no-untyped-def]
    result = run("validate", "--strict", "--format", "github")
    assert result.exit_code == 0, result.stdout[-2000:]
    assert "::notice file=" in result.stdout and "::error" not in result.stdout


def test_missing_path_is_a_clear_error(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    result = run("validate", str(tmp_path / "nope.yaml"))
    assert result.exit_code == 1
    assert "nope.yaml: no such file or folder" in result.stderr
    assert result.stdout == ""


def test_usage_error_exits_2(run) -> None:  # type: ignore[no-untyped-def]
    result = run("validate", "--format", "xml")
    assert result.exit_code == 2
    assert "Invalid value for '--format'" in result.stderr


def test_broken_framework_exits_1_without_traceback(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    framework = tmp_path / "fw.yaml"
    framework.write_text("schema_version: 2\nname: x\n")
    result = run("validate", "--framework", str(framework))
    assert result.exit_code == 1
    assert "fw.yaml:1:1: id: required key 'id' is missing" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_format_1_profile_gets_one_message_that_says_what_changed(
    run,
    tmp_path: Path,  # type: ignore[no-untyped-def]
) -> None:
    old = tmp_path / "old.yaml"
    old.write_text("schema_version: 1\ncountry: Oldland\niso3: OLD\ncomponents: {}\n")
    result = run("validate", str(old))
    assert result.exit_code == 1
    (line, *_) = result.stdout.splitlines()
    assert line.startswith(f"{old}:1:17: schema_version: this profile is in format 1")
    assert "timeline" in line and f"aftercare-report migrate {old} rewrites it" in line
    assert "required key" not in result.stdout  # one message, not a wall of missing keys


def test_debug_shows_the_traceback(tmp_path: Path) -> None:
    framework = tmp_path / "fw.yaml"
    framework.write_text("schema_version: 1\n")
    result = CliRunner().invoke(cli, ["--debug", "validate", "--framework", str(framework)])
    assert result.exit_code == 1 and result.exception is not None
    assert type(result.exception).__name__ == "InputError"


def test_schema_names_the_framework_components(run) -> None:  # type: ignore[no-untyped-def]
    result = run("schema")
    assert result.exit_code == 0
    schema = json.loads(result.stdout)
    components = schema["properties"]["components"]
    assert "non_punishment" in components["properties"]
    assert components["additionalProperties"] is False


def test_checked_in_schema_matches_the_generated_one(run) -> None:  # type: ignore[no-untyped-def]
    checked_in = Path(__file__).parent.parent / "schema" / "profile.schema.json"
    assert checked_in.read_text() == run("schema").stdout, (
        "run: aftercare-report schema > schema/profile.schema.json"
    )


def test_python_m_entry_point() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "aftercare_report", "--version"], capture_output=True, text=True
    )
    assert done.returncode == 0 and __version__ in done.stdout


@pytest.mark.parametrize(
    "command", [[], ["validate"], ["gaps"], ["list"], ["build"], ["compare"], ["schema"]]
)
def test_help_keeps_examples_on_their_own_lines(command: list[str]) -> None:
    result = CliRunner().invoke(cli, [*command, "--help"], env={"COLUMNS": "80"})
    assert result.exit_code == 0
    assert "\\b" not in result.stdout and "\b" not in result.stdout
    assert max(len(line) for line in result.stdout.splitlines()) <= 80
    if command != ["schema"]:
        assert "\n  Examples:\n    aftercare-report " in result.stdout


@pytest.mark.slow  # seconds of work: the fast set stays under a minute
def test_a_reader_that_stops_early_gets_no_error_message() -> None:
    # `aftercare-report translations check es | head -1`: the pipe closes under the tool, which
    # stops quietly (status 1, as rich does) instead of reporting an internal error.
    import subprocess
    import sys

    command = [sys.executable, "-m", "aftercare_report", "translations", "check", "es"]
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE) as tool:
        assert tool.stdout is not None and tool.stderr is not None
        tool.stdout.readline()
        tool.stdout.close()  # as `head -1` does after its line
        errors = tool.stderr.read().decode()
        assert tool.wait(timeout=60) in (0, 1)
    assert "internal error" not in errors and "Traceback" not in errors


def test_github_annotations_put_the_warnings_of_misreading_first(capsys) -> None:  # type: ignore[no-untyped-def]
    # Security review 16a, I1: GitHub shows ten warnings a step; twelve stale sources before a
    # look-alike host pushed it out of what a reviewer sees.
    from aftercare_report import console
    from aftercare_report.catalog import Checked
    from aftercare_report.errors import Finding, Severity

    stale = [
        Finding("p.yaml", i, 1, "sources", "old", Severity.WARNING, "stale-source")
        for i in range(1, 13)
    ]
    host = Finding("p.yaml", 40, 1, "url", "Cyrillic", Severity.WARNING, "look-alike")
    console.print_findings(Checked((), (*stale, host), 1), "github", strict=True)
    warnings = [line for line in capsys.readouterr().out.splitlines() if line.startswith("::warn")]
    assert ",line=40," in warnings[0] and len(warnings) == 13
