"""A team's own template strings: extracted, translated, and warned about while untranslated."""

from __future__ import annotations

from pathlib import Path

import pytest

from aftercare_report.templating import team_messages

from .conftest import run_in, team_project

OVERRIDE = """\
{% extends "default:country.html" %}
{% block closing %}{{ super() }}
<p>{{ _("Prepared by our team with the survivor advisory group.") }}</p>
<p>{{ ngettext("%(num)s partner", "%(num)s partners", 3) }} {{ pgettext("org", "Board") }}</p>
<p>{{ _(brief.title) }}</p>
{% endblock %}
"""


run = run_in


@pytest.fixture
def team(tmp_path: Path) -> Path:
    return team_project(tmp_path, {"country.html": OVERRIDE}, 'language = "fr"\n')


def test_the_messages_of_team_templates_are_found_with_their_lines(team: Path) -> None:
    found = [(m.id, m.context, m.path.name, m.line) for m in team_messages([team / "templates"])]
    assert found == [
        ("Prepared by our team with the survivor advisory group.", None, "country.html", 3),
        (("%(num)s partner", "%(num)s partners"), None, "country.html", 4),
        ("Board", "org", "country.html", 4),
    ]  # _(brief.title) is a value, not a message: nothing to translate ahead of time


def test_an_untranslated_team_string_is_a_warning_naming_its_template_line(team: Path) -> None:
    built = run(team, "build", "--format", "html")
    assert built.exit_code == 0, built.output
    assert (
        "warning: templates/country.html:3: “Prepared by our team with the survivor advisory "
        "group.” is not translated into French, so briefs print it in English: run "
        "'aftercare-report translations update fr', then translate it"
    ) in " ".join(built.output.split())
    strict = run(team, "build", "--format", "html", "--strict", "--out", "strict")
    assert strict.exit_code == 1 and "warnings are errors with --strict" in strict.output
    assert not (team / "strict").exists()


def test_init_and_update_extract_the_team_strings_and_check_follows_them(team: Path) -> None:
    assert run(team, "translations", "init", "fr").exit_code == 0
    catalog = (team / "translations" / "fr.po").read_text()
    assert '#: templates/country.html:3\nmsgid "Prepared by our team' in catalog
    assert 'msgctxt "org"\nmsgid "Board"' in catalog
    checked = run(team, "translations", "check", "fr")
    assert checked.exit_code == 1
    assert "templates/country.html:3:1: warning: “Prepared by our team" in checked.output
    assert "translate it in translations/fr.po:" in checked.output
    # A string added later comes in with `update`.
    override = team / "templates" / "country.html"
    override.write_text(
        OVERRIDE.replace("{% endblock %}", '{{ _("Funded by donors.") }}\n{% endblock %}')
    )
    assert run(team, "translations", "update", "fr").exit_code == 0
    assert 'msgid "Funded by donors."' in (team / "translations" / "fr.po").read_text()


@pytest.mark.slow  # seconds of work: the fast set stays under a minute
def test_a_translated_team_string_is_printed_translated(team: Path) -> None:
    run(team, "translations", "init", "fr")
    po = team / "translations" / "fr.po"
    text = po.read_text().replace(
        'msgid "Prepared by our team with the survivor advisory group."\nmsgstr ""',
        'msgid "Prepared by our team with the survivor advisory group."\n'
        'msgstr "Préparé par notre équipe."',
    )
    po.write_text(text)
    built = run(team, "build", "--format", "html")
    assert "Prepared by our team" not in built.output
    assert "Préparé par notre équipe." in (team / "out" / "testland.html").read_text()


def test_a_message_written_in_many_places_is_warned_of_once(team: Path) -> None:
    (team / "templates" / "extra.html").write_text('{{ _("Our partners") }}\n' * 40)
    built = run(team, "build", "--format", "html")
    warned = [line for line in built.output.splitlines() if "“Our partners”" in line]
    assert len(warned) == 1, built.output
    assert "templates/extra.html:1:" in warned[0]
    assert "written in 40 places" in " ".join(built.output.split())


def test_a_build_names_twenty_untranslated_messages_and_counts_the_rest(team: Path) -> None:
    text = "".join(f'{{{{ _("Partner {i}") }}}}\n' for i in range(45))
    (team / "templates" / "extra.html").write_text(text)
    built = run(team, "build", "--format", "html")
    output = " ".join(built.output.split())
    # the override's three come first, then 17 of extra.html's 45: 20 are named
    assert "“Partner 16”" in output and "“Partner 17”" not in output
    assert "28 more messages of the team's templates are not translated into French" in output


def test_an_expression_nested_too_deeply_is_a_located_error_not_an_internal_one(
    team: Path,
) -> None:
    deep = "{{ _('a') ~ " + "(" * 100_000 + "x" + ")" * 100_000 + " }}\n"
    (team / "templates" / "extra.html").write_text(deep)
    built = run(team, "build", "--format", "html")
    assert built.exit_code == 1
    assert "templates/extra.html: an expression is nested too deeply to read" in built.output
    assert "internal error" not in built.output


def test_reading_a_large_templates_messages_is_held_to_the_render_limit(team: Path) -> None:
    (team / "templates" / "extra.html").write_text('{{ _("a") }}\n' * 150_000)  # 1.8 MB
    config = team / "aftercare-report.toml"
    config.write_text(config.read_text() + "[limits]\nrender_seconds = 0.5\n")
    built = run(team, "build", "--format", "html")
    assert built.exit_code == 1
    assert "reading the messages of the team's templates: stopped after" in built.output
    assert not (team / "briefs").exists() and not (team / "out").exists()


def test_links_and_folders_named_twice_are_read_for_messages_once(team: Path) -> None:
    # Security review 11a, M1: 300 links to a 2 MB template, in a folder named five times, took
    # the building process to 5.8 GB.
    from aftercare_report.templating import team_sources

    templates = team / "templates"
    (templates / "big.html").write_text('{{ _("a") }}\n' * 1000)
    for i in range(300):
        (templates / f"link-{i}.html").symlink_to("big.html")
    for i in range(3):
        (team / f"t{i}").symlink_to("templates")
    folders = [templates, *(team / f"t{i}" for i in range(3))]
    read = [path.name for path, _ in team_sources(folders)]
    assert sorted(read) == ["big.html", "country.html"]


def test_the_team_templates_read_for_messages_are_bounded_together(team: Path) -> None:
    from aftercare_report.errors import TemplateError
    from aftercare_report.templating import TEAM_TEMPLATE_CHARACTERS, team_sources

    text = '{{ _("a") }}\n' * (1024 * 1024 // 13)  # 1 MB each, distinct files
    for i in range(TEAM_TEMPLATE_CHARACTERS // len(text) + 1):
        (team / "templates" / f"part-{i}.html").write_text(text + str(i))
    with pytest.raises(TemplateError, match="hold more than"):
        team_sources([team / "templates"])


def test_translations_init_writes_nothing_when_a_profile_cannot_be_read(team: Path) -> None:
    # Security review 13a, L4: fr.po and framework.fr.yaml were written, then it failed.
    (team / "elsewhere.yaml").write_text("country: X\n")
    (team / "profiles" / "testland.fr.yaml").symlink_to(team / "elsewhere.yaml")
    result = run(team, "translations", "init", "fr")
    assert result.exit_code == 1, result.output
    assert "symlink" in result.output
    translations = team / "translations"
    assert not translations.exists() or not any(translations.iterdir())
