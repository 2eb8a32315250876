"""`build` and `compare` without PDFs (fast): what is written, exit codes, no WeasyPrint."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from aftercare_report.cli import cli


def invoke(*args: str) -> object:
    return CliRunner().invoke(cli, list(args))


@pytest.mark.slow  # seconds of work: the fast set stays under a minute
def test_build_html_and_json(tmp_path: Path) -> None:
    result = invoke("build", "thailand", "india", "--format", "html,json", "--out", str(tmp_path))
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == [
        "comparative.html",
        "comparative.json",
        "india.html",
        "india.json",
        "manifest.json",
        "thailand.html",
        "thailand.json",
    ]
    assert "Wrote 6 files." in result.stdout
    data = json.loads((tmp_path / "comparative.json").read_text())
    assert [c["slug"] for c in data["countries"]] == ["thailand", "india"]


def test_compare_builds_only_the_comparison(tmp_path: Path) -> None:
    result = invoke("compare", "GBR", "Nigeria", "--format", "html", "--out", str(tmp_path))
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["comparative.html", "manifest.json"]
    html = (tmp_path / "comparative.html").read_text()
    assert "United Kingdom" in html and "Nigeria" in html


def test_compare_needs_two_countries(tmp_path: Path) -> None:
    result = invoke("compare", "thailand", "--out", str(tmp_path))
    assert result.exit_code == 2
    assert "at least two countries" in result.stderr
    assert not tmp_path.exists() or not any(tmp_path.iterdir())


def test_bad_format_is_a_usage_error(tmp_path: Path) -> None:
    result = invoke("build", "--format", "html,odt", "--out", str(tmp_path))
    assert result.exit_code == 2
    from aftercare_report.outputs import FORMATS

    assert f"odt: choose from {', '.join(FORMATS)}, all" in result.stderr


def test_unknown_country_builds_nothing(tmp_path: Path) -> None:
    result = invoke("build", "thailand", "atlantis", "--out", str(tmp_path))
    assert result.exit_code == 1
    assert "atlantis: no profile for this country" in result.stderr
    assert not tmp_path.exists() or not any(tmp_path.iterdir())


@pytest.mark.slow
def test_html_only_build_does_not_import_weasyprint(tmp_path: Path) -> None:
    code = (
        "import sys\nfrom aftercare_report.cli import cli\n"
        f"args = ['build', 'thailand', '--format', 'html,json', '--out', {str(tmp_path)!r}]\n"
        "try:\n    cli(args)\n"
        "except SystemExit as e:\n    assert not e.code, e.code\n"
        "assert 'weasyprint' not in sys.modules\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_a_draft_replaces_its_country_among_the_peers(tmp_path: Path) -> None:
    draft = tmp_path / "thailand-draft.yaml"
    bundled = Path(__file__).resolve().parent.parent / "profiles" / "thailand.yaml"
    draft.write_text(bundled.read_text())
    result = invoke("gaps", str(draft), "--json")
    assert result.exit_code == 0, result.output
    assert "thailand" not in json.loads(result.stdout)["peers"]
    twice = invoke("compare", str(draft), "thailand", "--out", str(tmp_path / "out"))
    assert twice.exit_code == 1 and "chosen twice" in twice.stderr


def test_profile_names_the_build_uses_are_refused(tmp_path: Path) -> None:
    valid = Path(__file__).resolve().parent / "profiles" / "valid" / "testland.yaml"
    (tmp_path / "comparative.yaml").write_text(valid.read_text())
    result = invoke("validate", str(tmp_path / "comparative.yaml"))
    assert result.exit_code == 1
    assert "a name the build uses for its own outputs" in result.stdout


def test_help_names_every_declared_format_and_the_request_defaults() -> None:
    from aftercare_report.outputs import DEFAULT_FORMATS, FORMATS
    from aftercare_report.pipeline import BuildRequest

    shown = " ".join(invoke("build", "--help").output.split())
    for fmt in FORMATS.values():
        assert f"{fmt.name}: {fmt.summary}" in shown
    # The options default to None; their help gives the request's defaults, which must agree.
    request = BuildRequest()
    assert f"[default: {','.join(DEFAULT_FORMATS)}]" in shown
    assert request.formats == DEFAULT_FORMATS
    assert f"[default: {request.variant}]" in shown
    assert f"in parallel [default: {request.jobs}]" in shown
    assert f"[default: {request.name}]" in shown


def _no_forged_command(output: str) -> None:
    for line in output.splitlines():
        assert not line.lstrip().startswith("::"), line


def test_a_newline_in_a_country_forges_no_ci_command(tmp_path: Path) -> None:
    valid = Path(__file__).resolve().parent / "profiles" / "valid" / "testland.yaml"
    path = tmp_path / "testland.yaml"
    path.write_text(valid.read_text().replace("country: Testland", 'country: "T\\n::error::x"'))
    for args in (
        ["gaps", str(path)],
        ["list", "--profiles", str(tmp_path)],
        ["validate", str(path)],
    ):
        result = invoke(*args)
        assert result.exit_code == 1  # type: ignore[attr-defined]
        _no_forged_command(result.output)  # type: ignore[attr-defined]
        assert "T\\n:" in result.output  # type: ignore[attr-defined]


def test_a_newline_in_a_file_name_forges_no_ci_command(tmp_path: Path) -> None:
    valid = Path(__file__).resolve().parent / "profiles" / "valid" / "testland.yaml"
    folder = tmp_path / "profiles"
    folder.mkdir()
    (folder / "t\n::error::x.yaml").write_text(valid.read_text())
    out = tmp_path / "out"
    result = invoke("build", "--profiles", str(folder), "--format", "json", "--out", str(out))
    # Refused (no brief can bear the name), and the message naming it forges nothing either.
    assert result.exit_code == 1, result.output  # type: ignore[attr-defined]
    _no_forged_command(result.output)  # type: ignore[attr-defined]
    assert "t\\n:" in result.output  # type: ignore[attr-defined]
    assert not out.exists()


@pytest.mark.slow
def test_a_runaway_template_is_stopped_and_named(tmp_path: Path) -> None:
    templates = tmp_path / "tpl"
    templates.mkdir()
    (templates / "country.html").write_text(
        "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}"
    )
    project = tmp_path / "project"
    project.mkdir()
    (project / "aftercare-report.toml").write_text("[limits]\nrender_seconds = 1\n")
    args = ["--config", str(project / "aftercare-report.toml"), "build", "thailand"]
    args += ["--format", "html", "--templates", str(templates), "--out", str(tmp_path / "out")]
    result = invoke(*args)
    assert result.exit_code == 1  # type: ignore[attr-defined]
    message = result.stderr  # type: ignore[attr-defined]
    assert "country.html: rendering profiles/thailand.yaml: stopped after 1 s" in message
    assert "render_seconds" in message
