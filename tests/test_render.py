"""Rendering: profile text stays data, templates stay in their sandbox, errors say where."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from aftercare_report import catalog, context, report
from aftercare_report.config import Brand
from aftercare_report.errors import TemplateError
from aftercare_report.model import Framework
from aftercare_report.templating import render, templates

from .conftest import PROFILES, TESTS

HOSTILE = PROFILES / "hostile" / "testland.yaml"


def country_html(framework: Framework, path: Path, folders: tuple[Path, ...] = ()) -> str:
    (profile,) = catalog.load_profiles([path], framework)
    (rep,) = report.analyse([profile], framework)
    ctx = context.country_context(rep, Brand())
    return render(templates(folders), "country.html", ctx, medium="screen", subject=str(path))


def test_profile_text_is_escaped_never_evaluated(framework: Framework) -> None:
    html = country_html(framework, HOSTILE)
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in html
    assert "{{ 7*7 }}" in html
    assert "{% include &#39;base.html&#39; %}" in html
    assert "<img src=x" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html


def test_html_is_self_contained_and_accessible(framework: Framework, testland) -> None:  # type: ignore[no-untyped-def]
    html = country_html(framework, PROFILES / "valid" / "testland.yaml")
    assert re.search(r'<html lang="en"', html)
    assert "<style>" in html and 'rel="stylesheet"' not in html
    assert html.count("<h1") == 1
    assert "<th" in html and "<caption" in html
    assert "Testland" in html


def test_override_changes_one_block_and_keeps_the_rest(framework: Framework) -> None:
    html = country_html(
        framework, PROFILES / "valid" / "testland.yaml", (TESTS / "templates" / "override",)
    )
    assert "Prepared by the Testland Coalition." in html
    assert "What we do not know" in html  # the rest of the default brief is still there


def test_template_error_names_template_line_and_profile(framework: Framework) -> None:
    with pytest.raises(TemplateError) as caught:
        country_html(
            framework, PROFILES / "valid" / "testland.yaml", (TESTS / "templates" / "broken",)
        )
    message = str(caught.value)
    assert "templates/broken/country.html:3" in message
    assert "no_such_field" in message
    assert "testland.yaml" in message


def test_sandbox_refuses_python_internals(framework: Framework, tmp_path: Path) -> None:
    (tmp_path / "country.html").write_text("{{ brief.__class__.__mro__[1].__subclasses__() }}")
    with pytest.raises(TemplateError) as caught:
        country_html(framework, PROFILES / "valid" / "testland.yaml", (tmp_path,))
    assert "country.html:1" in str(caught.value)


def test_template_syntax_error_is_located(framework: Framework, tmp_path: Path) -> None:
    (tmp_path / "country.html").write_text("<p>\n{% if brief.title %}\n<p>unclosed\n")
    with pytest.raises(TemplateError) as caught:
        country_html(framework, PROFILES / "valid" / "testland.yaml", (tmp_path,))
    assert re.search(r"country\.html:\d+: .*(endif|end of template)", str(caught.value))


def test_missing_template_folder_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(TemplateError, match="template folder not found"):
        templates((tmp_path / "nope",))


def test_stylesheet_cannot_close_the_style_element(framework: Framework, tmp_path: Path) -> None:
    (tmp_path / "brief.css").write_text("body { color: red } </style><script>alert(1)</script>")
    html = country_html(framework, PROFILES / "valid" / "testland.yaml", (tmp_path,))
    # Inside <style> only "</style" ends the raw text; with "</" escaped the script stays inert.
    assert html.count("</style>") == html.count("<style>") == 2  # the brief's, the page footer's
    assert "</style><script>" not in html


def test_symlinked_template_cannot_include_files_outside_its_folder(
    framework: Framework, tmp_path: Path
) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOPSECRET-CI-TOKEN")
    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / "leak.html").symlink_to(secret)
    (folder / "country.html").write_text(
        '{% extends "default:country.html" %}{% block closing %}'
        '{% include "leak.html" %}{{ super() }}{% endblock %}'
    )
    with pytest.raises(TemplateError) as caught:
        country_html(framework, PROFILES / "valid" / "testland.yaml", (folder,))
    assert "template 'leak.html' refused: it leads outside" in str(caught.value)
    assert "TOPSECRET" not in str(caught.value)
    assert "country.html:1" in str(caught.value)


def test_missing_include_names_the_including_template(framework: Framework, tmp_path: Path) -> None:
    (tmp_path / "country.html").write_text("<p>\n{% include 'nowhere.html' %}\n")
    with pytest.raises(TemplateError) as caught:
        country_html(framework, PROFILES / "valid" / "testland.yaml", (tmp_path,))
    assert re.search(r"country\.html:2: template 'nowhere.html' not found", str(caught.value))


def write_project_with_git(root: Path) -> None:
    (root / ".git").mkdir()
    (root / ".git" / "config").write_text(
        "[http]\nextraheader = AUTHORIZATION: basic SECRET-TOKEN\n"
    )
    (root / "aftercare-report.toml").write_text('[project]\ntemplates = ["."]\n')
    (root / "country.html").write_text(
        '{% extends "default:country.html" %}{% block closing %}'
        '{% include ".git/config" %}{% endblock %}'
    )


def test_the_project_folder_cannot_be_a_template_folder(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from aftercare_report.cli import cli

    write_project_with_git(tmp_path)
    out = tmp_path.parent / f"{tmp_path.name}-out"
    config = str(tmp_path / "aftercare-report.toml")
    args = ["--config", config, "build", "thailand", "--format", "html", "--out", str(out)]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 1
    assert "cannot be a template folder: it is or contains the project folder" in result.stderr
    assert "aftercare-report.toml: project.templates:" in result.stderr
    assert "SECRET-TOKEN" not in result.output
    assert not out.exists() or "SECRET-TOKEN" not in "".join(p.read_text() for p in out.iterdir())


@pytest.mark.parametrize(
    ("extra", "reason"),
    [
        (".git/config", "holds .git"),
        (".env", "hidden file"),
        ("aftercare-report.toml", "project file"),
    ],
)
def test_template_folders_holding_secrets_are_refused(
    tmp_path: Path, extra: str, reason: str
) -> None:
    (tmp_path / extra).parent.mkdir(parents=True, exist_ok=True)
    (tmp_path / extra).write_text("SECRET")
    with pytest.raises(TemplateError, match=reason):
        templates((tmp_path,))


def test_hidden_templates_are_never_loaded(framework: Framework, tmp_path: Path) -> None:
    (tmp_path / "country.html").write_text('{% include ".secret.html" %}')
    tpl = templates((tmp_path,))
    (tmp_path / ".secret.html").write_text("SECRET")  # appears after the folder was checked
    with pytest.raises(TemplateError) as caught:
        (profile,) = catalog.load_profiles([PROFILES / "valid" / "testland.yaml"], framework)
        (rep,) = report.analyse([profile], framework)
        ctx = context.country_context(rep, Brand())
        render(tpl, "country.html", ctx, medium="print", subject="testland")
    assert "hidden files and folders are never templates" in str(caught.value)
    assert "SECRET" not in str(caught.value)


@pytest.mark.parametrize(
    ("expression", "refusal"),
    [
        ("{{ 'x' * 10**10 }}", "repetition"),
        ("{{ [0] * 10**9 }}", "repetition"),
        ("{{ 10**(10**10) }}", "power"),
        ("{{ '%999999999d' % 1 }}", "format width"),
        ("{{ '%*d' % (10**9, 1) }}", "format width"),
        ("{{ '%999999999d'|format(1) }}", "format width"),
        ("{{ '%(k)999999999s' % {'k': 1} }}", "format width"),  # review 12b, L2: named
        ("{{ '{:>999999999}'.format(1) }}", "format spec"),
        ("{{ 'x'|center(10**9) }}", "width"),
        ("{{ 'x'.rjust(10**9) }}", "width"),
        ("{{ 'x'|indent(10**9) }}", "width"),
        ("{{ range(10**9)|list }}", "Range too big"),
        ("{{ lipsum(10**9) }}", "lipsum"),
    ],
)
def test_sandbox_refuses_time_and_memory_bombs(
    framework: Framework, tmp_path: Path, expression: str, refusal: str
) -> None:
    (tmp_path / "country.html").write_text(f"<p>\n{expression}\n")
    with pytest.raises(TemplateError, match=refusal) as caught:
        country_html(framework, PROFILES / "valid" / "testland.yaml", (tmp_path,))
    assert "country.html:2" in str(caught.value)


def test_html_output_has_a_size_limit(framework: Framework, tmp_path: Path) -> None:
    (tmp_path / "country.html").write_text(
        "{% for i in range(100000) %}{{ 'x' * 1000 }}{% endfor %}"
    )
    (profile,) = catalog.load_profiles([PROFILES / "valid" / "testland.yaml"], framework)
    (rep,) = report.analyse([profile], framework)
    ctx = context.country_context(rep, Brand())
    with pytest.raises(TemplateError, match="limit of 1 MB"):
        render(
            templates((tmp_path,)),
            "country.html",
            ctx,
            medium="print",
            subject="t",
            max_chars=1024 * 1024,
        )


def test_an_oversized_logo_is_refused_with_its_limit(framework: Framework, tmp_path: Path) -> None:
    from aftercare_report.limits import ASSET_BYTES

    with (tmp_path / "logo.png").open("wb") as logo:
        logo.truncate(ASSET_BYTES + 1)  # sparse: a 10 MB file costs no disk
    (profile,) = catalog.load_profiles([PROFILES / "valid" / "testland.yaml"], framework)
    (rep,) = report.analyse([profile], framework)
    ctx = context.country_context(rep, Brand(logo="logo.png"))
    with pytest.raises(TemplateError, match=r"logo\.png: refused: it is larger than the limit"):
        render(templates((tmp_path,)), "country.html", ctx, medium="screen", subject="t")


def test_a_fifo_template_is_refused_without_being_read(
    framework: Framework, tmp_path: Path
) -> None:
    import os

    os.mkfifo(tmp_path / "pipe.html")  # opening it for reading would block forever
    (tmp_path / "country.html").write_text('{% include "pipe.html" %}')
    with pytest.raises(TemplateError, match=r"template 'pipe\.html' refused: it is not a regular"):
        country_html(framework, PROFILES / "valid" / "testland.yaml", (tmp_path,))
