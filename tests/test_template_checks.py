"""Mistakes in a team's templates are errors with the place and a hint, before a brief ships."""

from __future__ import annotations

import base64
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from aftercare_report.cli import cli
from aftercare_report.limits import MB

from .conftest import VALID

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)


def build(project: Path, template: str, *args: str) -> tuple[int, str]:
    """Build Testland's HTML brief with ``template`` as the team's country.html."""
    (project / "templates").mkdir(exist_ok=True)
    (project / "templates" / "country.html").write_text(template)
    command = ["build", str(VALID), "--templates", "templates", "--out", "out", *args]
    result = CliRunner().invoke(cli, [*command] if args else [*command, "--format", "html"])
    return result.exit_code, result.stderr


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)  # messages name files relative to the working folder
    return tmp_path


SUBJECT = f"(rendering {VALID})"


def test_a_block_the_parent_lacks_is_an_error_with_did_you_mean(project: Path) -> None:
    code, err = build(
        project,
        '{% extends "default:country.html" %}\n{% block key_mesages %}<p>Ours</p>{% endblock %}\n',
    )
    assert code == 1
    assert err.strip() == (
        "error: templates/country.html:2: block 'key_mesages' is not defined in "
        "default:country.html, so its content would never show; did you mean 'key_messages'? "
        + SUBJECT
    )


def test_extending_its_own_name_hints_at_default(project: Path) -> None:
    code, err = build(project, '{% extends "country.html" %}\n{% block closing %}x{% endblock %}\n')
    assert code == 1
    assert err.strip() == (
        "error: templates/country.html:1: country.html extends itself; write "
        '{% extends "default:country.html" %} to extend the bundled country.html ' + SUBJECT
    )
    assert "recursion" not in err


def test_an_unknown_attribute_names_the_line_and_the_closest_field(project: Path) -> None:
    code, err = build(
        project,
        '{% extends "default:country.html" %}\n{% block closing %}\n'
        "{% for c in brief.countries %}<p>{{ c.sumary }}</p>{% endfor %}\n{% endblock %}\n",
    )
    assert code == 1
    assert err.strip() == (
        "error: templates/country.html:3: CountryView has no field 'sumary'; did you mean "
        f"'summary'? {SUBJECT}"
    )


@pytest.mark.slow  # seconds of work: the fast set stays under a minute
def test_a_missing_image_is_named_once_as_the_team_wrote_it(project: Path) -> None:
    code, err = build(
        project,
        '{% extends "default:country.html" %}\n{% block closing %}'
        '<img src="extra/missing.png" alt="">{% endblock %}\n',
    )
    assert code == 1
    assert err.strip() == f"error: country.html: not found: templates/extra/missing.png {SUBJECT}"


@pytest.mark.slow  # seconds of work: the fast set stays under a minute
def test_the_html_brief_inlines_the_images_and_fonts_templates_use(project: Path) -> None:
    (project / "templates" / "img").mkdir(parents=True)
    (project / "templates" / "img" / "map.png").write_bytes(PNG)
    (project / "templates" / "fonts").mkdir()
    (project / "templates" / "fonts" / "team.woff2").write_bytes(b"wOF2 not really a font")
    (project / "templates" / "brief.css").write_text(  # a team's own stylesheet
        '@font-face { font-family: Team; src: url("fonts/team.woff2") format("woff2"); }\n'
        ".masthead { background: url(img/map.png) no-repeat; }\n"
    )
    code, err = build(
        project,
        '{% extends "default:country.html" %}\n'
        "{% block closing %}<img src='img/map.png' alt='Map'><img src=\"img/map.png#x\" "
        'alt="Map again">{{ super() }}{% endblock %}\n',
    )
    assert code == 0, err
    page = (project / "out" / "testland.html").read_text()
    png = "data:image/png;base64," + base64.b64encode(PNG).decode()
    assert page.count(f'src="{png}"') == 2
    relative = re.findall(r'(?:src|href)="(?!data:|https?:|#|mailto:)[^"]*"', page)
    assert relative == []
    assert "url(img/" not in page and 'url("fonts/' not in page


def test_a_stylesheet_url_leaving_its_folder_is_refused(project: Path, tmp_path: Path) -> None:
    from aftercare_report import assets
    from aftercare_report.errors import TemplateError

    folder = project / "templates"
    folder.mkdir()
    (project / "secret.png").write_bytes(PNG)
    with pytest.raises(TemplateError, match=r"brief.css: refused: templates/../secret.png: it "):
        assets.inline_css_urls(
            "a { background: url(../secret.png) }", folder, folder, "brief.css", MB
        )
    css = assets.inline_css_urls(
        "a { b: url(data:x); c: url('https://x/y.png') }", folder, folder, "x", MB
    )
    assert css == "a { b: url(data:x); c: url('https://x/y.png') }"


@pytest.mark.slow
def test_a_missing_image_in_the_pdf_is_named_once_as_the_team_wrote_it(project: Path) -> None:
    template = (
        '{% extends "default:country.html" %}\n{% block closing %}'
        '<img src="extra/missing.png" alt="">{% endblock %}\n'
    )
    code, err = build(project, template, "--format", "pdf", "--jobs", "1")
    assert code == 0, err  # a warning for the PDF alone; --strict fails on it
    assert err.count("not found: templates/extra/missing.png") == 1, err
    assert "__aftercare_templates__" not in err
    code, err = build(project, template, "--format", "pdf", "--jobs", "1", "--strict")
    assert code == 1 and err.count("not found: templates/extra/missing.png") == 1, err


def test_templates_extending_each_other_in_a_loop_are_named(project: Path) -> None:
    (project / "templates").mkdir()
    (project / "templates" / "base.html").write_text('{% extends "country.html" %}\n')
    code, err = build(project, '{% extends "base.html" %}\n')
    assert code == 1
    assert err.strip() == (
        "error: templates/country.html -> templates/base.html -> templates/country.html: "
        f"templates that extend each other in a loop {SUBJECT}"
    )
