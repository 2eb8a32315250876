"""Editions: the follow-up of the previous edition's recommendations, the government's reply,
and the edition in the masthead. The project in tests/editions is a made-up demonstration
(Testland is fictional; so are its 2024 edition, the follow-up and the Ministry's reply)."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner, Result

from aftercare_report import config, inputs
from aftercare_report.cli import cli
from aftercare_report.model import PriorityStep, Profile
from aftercare_report.recommend import team_step_ids

from .conftest import TESTS, VALID

DEMO = TESTS / "editions"


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


@pytest.fixture
def demo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the demonstration project, as the working directory."""
    root = tmp_path / "demo"
    shutil.copytree(DEMO, root)
    monkeypatch.chdir(root)
    return root


def edit(path: Path, change: dict[str, object]) -> None:
    data = yaml.safe_load(path.read_text())
    for key, value in change.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False))


def html(root: Path, *args: str) -> str:
    result = run("build", "--format", "html", *args)
    assert result.exit_code == 0, result.output
    return (root / "briefs" / "testland.html").read_text()


def section(text: str, id_: str) -> str:
    """The HTML of the section with this id."""
    match = re.search(rf'<section[^>]* id="{id_}".*?</section>', text, re.S)
    assert match, id_
    return match[0]


def test_the_follow_up_ids_are_checked_against_the_edition_they_name(demo: Path) -> None:
    valid = run("validate")
    assert valid.exit_code == 0, valid.output
    assert "8 other recommendations of edition '2024' are not followed up" in valid.stdout
    profile = demo / "profiles" / "testland.yaml"
    data = yaml.safe_load(profile.read_text())
    data["follow_up"]["items"][0]["recommendation"] = "testland-casework"
    edit(profile, {"follow_up": data["follow_up"]})
    wrong = run("validate")
    assert wrong.exit_code == 1
    assert (
        "follow_up.items[0].recommendation: 'testland-casework' is not a recommendation "
        "edition '2024' published; did you mean 'testland-caseworker'?" in wrong.stdout
    )
    assert "the page-2 step 'testland-caseworker' of edition '2024' is not followed up" in (
        wrong.stdout
    )
    data["follow_up"]["edition"] = "2023"
    edit(profile, {"follow_up": data["follow_up"]})
    other = run("validate")
    assert other.exit_code == 1
    assert "follows up edition '2023', but the project's previous edition is '2024'" in other.stdout


def test_without_the_previous_edition_kept_the_ids_cannot_be_checked(demo: Path) -> None:
    project_file = demo / "aftercare-report.toml"
    project_file.write_text(
        project_file.read_text().replace('previous_json = "published/2024"\n', "")
    )
    result = run("validate")
    assert result.exit_code == 0, result.output
    assert "the ids cannot be checked: the project keeps no JSON of edition '2024'" in result.stdout
    brief = html(demo)
    assert "Of the 4 recommendations of edition 2024 followed up here" in brief


def test_a_reply_says_how_it_came(tmp_path: Path) -> None:
    text = VALID.read_text()
    base = "reply:\n  institution: the Ministry of Care\n  date: 2025-06-10\n  text: We will.\n"
    cases = {
        "neither": base,
        "both": base + "  sources: [report-2023]\n  received_in_writing: true\n",
    }
    for name, reply in cases.items():
        path = tmp_path / f"{name}.yaml"
        path.write_text(
            text.replace("sources:\n  report-2023:", reply + "sources:\n  report-2023:")
        )
        result = run("validate", str(path))
        assert result.exit_code == 1, name
        assert "give the reply's sources, or received_in_writing: true" in result.stdout, name
    path = tmp_path / "in-writing.yaml"
    written = base + "  received_in_writing: true\n"
    path.write_text(text.replace("sources:\n  report-2023:", written + "sources:\n  report-2023:"))
    assert run("validate", str(path)).exit_code == 0


def test_page_two_shows_since_the_last_edition_and_the_reply_beside_the_steps(demo: Path) -> None:
    brief = html(demo)
    main = brief.split('class="annex"', 1)[0]
    assert main.index('id="since"') < main.index('id="what-to-do"')
    since = section(main, "since")
    assert (
        "Of 12 recommendations in edition 2024: 1 met, 1 partly met, 1 not met and 9 unknown."
        in (since)
    )
    assert "<li>" not in since  # both 2024 page-2 steps are page-2 steps again: marked there
    steps_and_reply = section(main, "what-to-do")
    steps = re.findall(r'<li class="rec".*?</li>', steps_and_reply, re.S)
    assert "survivor advisory body" in steps[0] and "Since 2024: Not met" in steps[0]
    assert "caseworker" in steps[1] and "Since 2024: Partly met" in steps[1]
    assert "The response of the Ministry of Care" in steps_and_reply
    assert "The Ministry will extend the caseworker pilot" in steps_and_reply
    assert "These steps were sent on <time" in steps_and_reply
    assert re.search(r"Edition 2025 \(previous edition: <time[^>]*>15 July 2024</time>\)", brief)
    annex = section(brief, "follow-up")
    assert "A9. What became of the recommendations of edition 2024" in annex
    assert (
        "Of the 12 recommendations of edition 2024, 1 was met, 1 was partly met, 1 was not met"
        in (annex)
    )
    assert annex.count("<tr id=") == 12 and annex.count("Not followed up in this brief.") == 8
    assert annex.count("Page 2:") == 2


@pytest.mark.slow  # seconds of work: the fast set stays under a minute
def test_a_last_page_two_step_no_longer_recommended_is_listed_with_its_status(demo: Path) -> None:
    record = demo / "published" / "2024" / "testland.json"
    data = json.loads(record.read_text())
    for rec in data["recommendations"]:
        if rec["id"] == "consent-open-shelters":  # met since: no longer recommended
            rec["headline"] = True
    record.write_text(json.dumps(data))
    since = section(html(demo), "since")
    (item,) = re.findall(r"<li>.*?</li>", since, re.S)
    assert "Met" in item and "End mandatory and closed shelter stays" in item
    assert run("build", "--format", "md").exit_code == 0
    md = (demo / "briefs" / "testland.md").read_text()
    assert "- **Met:** End mandatory and closed shelter stays" in md


@pytest.mark.slow  # seconds of work: the fast set stays under a minute
def test_a_request_without_a_reply_is_said_and_nothing_is_said_without_either(demo: Path) -> None:
    edit(demo / "profiles" / "testland.yaml", {"reply": None})
    asked = section(html(demo), "what-to-do")
    assert re.search(
        r"These steps were sent to the Ministry of Care on <time[^>]*>20 May 2025</time>; "
        r"no reply was received\.",
        asked,
    )
    project_file = demo / "aftercare-report.toml"
    text = project_file.read_text()
    project_file.write_text(text[: text.index("[edition.requests]")])
    silent = section(html(demo), "what-to-do")
    assert "reply" not in silent.lower() and "were sent" not in silent


def test_the_json_carries_the_edition_the_follow_up_and_the_reply(demo: Path) -> None:
    assert run("build", "--format", "json").exit_code == 0
    data = json.loads((demo / "briefs" / "testland.json").read_text())
    assert data["edition"] == {"name": "2025", "previous": "2024", "previous_date": "2024-07-15"}
    follow = data["follow_up"]
    assert follow["edition"] == "2024" and follow["known"]
    assert follow["counts"] == {"met": 1, "partly_met": 1, "not_met": 1, "no_information": 9}
    first = follow["items"][0]
    assert first["recommendation"] == "testland-caseworker" and first["headline"]
    assert first["status"] == "partly_met" and first["sources"] == ["review-2025"]
    assert data["reply"]["institution"] == "the Ministry of Care"
    assert data["reply"]["date"] == "2025-06-10" and not data["reply"]["received_in_writing"]
    assert data["reply_requested"] == {"institution": "the Ministry of Care", "sent": "2025-05-20"}


def test_without_editions_the_json_says_none(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # no project file: no edition named
    plain = json.loads(run("gaps", "thailand", "--json").stdout)
    assert plain["edition"] is plain["follow_up"] is plain["reply"] is None
    assert plain["reply_requested"] is None


@pytest.mark.slow  # seconds of work: the fast set stays under a minute
def test_the_comparative_counts_the_follow_up_per_country(demo: Path) -> None:
    other = demo / "profiles" / "otherland.yaml"
    other.write_text(VALID.read_text().replace("Testland", "Otherland").replace("TST", "OTH"))
    assert run("build", "--format", "html").exit_code == 0
    comparative = (demo / "briefs" / "comparative.html").read_text()
    table = section(comparative, "follow-up")
    rows = re.findall(r"<tr><th scope=\"row\">(.*?)</th>(.*?)</tr>", table, re.S)
    cells = {name: re.findall(r"<td[^>]*>(.*?)</td>", rest) for name, rest in rows}
    assert cells["Testland"] == ["2024", "1", "1", "1", "9"]
    assert cells["Otherland"] == ["No follow-up recorded."]


@pytest.mark.slow  # seconds of work: the fast set stays under a minute
def test_markdown_and_french_briefs_carry_the_follow_up(demo: Path) -> None:
    assert run("build", "--format", "md").exit_code == 0
    md = (demo / "briefs" / "testland.md").read_text()
    assert "## Since the last edition" in md and "Since 2024: Partly met · Who:" in md
    assert "> **The response of the Ministry of Care:**" in md
    assert "### A9. What became of the recommendations of edition 2024" in md
    french = html(demo, "--language", "fr")
    assert "Depuis la dernière édition" in french and "Édition 2025" in french
    assert "Sur les 12 recommandations de l&#39;édition 2024\u00a0: 1 mise en œuvre" in french
    assert "Depuis 2024\u00a0: Non mise en œuvre" in french
    assert 'La réponse de <span lang="en">the Ministry of Care</span>' in french


def test_a_changed_previous_edition_is_an_input_of_the_build(demo: Path) -> None:
    project = config.load_project(demo / "aftercare-report.toml")
    before = inputs.digest(project, "", ())
    record = demo / "published" / "2024" / "testland.json"
    record.write_text(record.read_text().replace("Give every survivor", "Give each survivor"))
    assert inputs.digest(project, "", ()) != before


def test_the_previous_edition_must_be_kept_inside_the_project(demo: Path) -> None:
    project_file = demo / "aftercare-report.toml"
    project_file.write_text(project_file.read_text().replace('"published/2024"', '"../elsewhere"'))
    result = run("validate")
    assert result.exit_code == 1
    assert "edition.previous_json: '../elsewhere' is outside the project folder" in result.stdout


def test_team_steps_keep_their_ids_when_reordered(testland: Profile) -> None:
    step = {
        "text": "Do it.",
        "institution": "lead_agency",
        "horizon": "immediate",
        "indicator": "Done.",
        "sources": ["report-2023"],
    }
    social = PriorityStep.model_validate({**step, "component": "social"})
    social2 = PriorityStep.model_validate({**step, "component": "social", "text": "Also."})
    named = PriorityStep.model_validate({**step, "component": "legal", "id": "testland-legal"})
    assert team_step_ids([social, named, social2]) == [
        "team-social",
        "testland-legal",
        "team-social-2",
    ]
    assert team_step_ids([named, "testland-caseworker", social]) == [
        "testland-legal",
        "testland-caseworker",
        "team-social",
    ]


def test_two_recommendations_of_one_profile_may_not_share_an_id(tmp_path: Path) -> None:
    text = VALID.read_text()
    twice = text.replace(
        "claims:\n",
        "priorities:\n  - id: testland-caseworker\n    text: Do it.\n    component: social\n"
        "    institution: lead_agency\n    horizon: immediate\n    indicator: Done.\n"
        "    sources: [report-2023]\nclaims:\n",
    )
    path = tmp_path / "twice.yaml"
    path.write_text(twice)
    result = run("validate", str(path))
    assert result.exit_code == 1
    assert "priorities[0].id: 'testland-caseworker' names another recommendation" in result.stdout


@pytest.mark.slow
def test_the_pdf_shows_the_follow_up_and_the_reply_in_the_main_part(demo: Path) -> None:
    import pypdf

    from .test_pdf import words

    assert run("build", "--format", "pdf").exit_code == 0
    reader = pypdf.PdfReader(demo / "briefs" / "testland.pdf")
    pages = [words(page.extract_text() or "") for page in reader.pages]
    annex = next(i for i, t in enumerate(pages) if "Annex: the evidence behind this brief" in t)
    assert annex <= 2, f"the annex starts on page {annex + 1}"
    main = " ".join(pages[:annex])
    assert "Edition 2025 (previous edition: 15 July 2024)" in pages[0]
    assert "Since the last edition" in main and "1 partly met" in main
    # The reply stands on the page of the steps it answers.
    steps = next(i for i, t in enumerate(pages) if "What to do first" in t)
    assert "The response of the Ministry of Care" in pages[steps] + pages[steps + 1][:400]
    rest = " ".join(pages[annex:])
    assert "A9. What became of the recommendations of edition 2024" in rest


def test_a_profile_recommendation_may_not_take_a_framework_id(tmp_path: Path) -> None:
    path = tmp_path / "clash.yaml"
    path.write_text(
        VALID.read_text().replace("- id: testland-caseworker", "- id: consent-open-shelters")
    )
    result = run("validate", str(path))
    assert result.exit_code == 1
    assert "'consent-open-shelters' is the id of a recommendation of the framework" in result.stdout


def test_misleading_characters_in_the_previous_edition_are_warned_of(demo: Path) -> None:
    # Security review 18a, M1: the previous edition's recommendations reach page 2's
    # follow-up, but only profiles were read for bidi and look-alike characters.
    record = demo / "published" / "2024" / "testland.json"
    record.write_text(
        record.read_text().replace("Give every survivor", "Give \u202eevery survivor")
    )
    result = run("validate", "--strict")
    assert result.exit_code == 1
    assert "published/2024" in result.stdout and "U+202E" in result.stdout


def test_misleading_characters_in_a_team_framework_and_english_catalog_are_warned_of(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from aftercare_report.resources import DEFAULT_FRAMEWORK

    monkeypatch.chdir(tmp_path)
    (tmp_path / "profiles").mkdir()
    shutil.copy(VALID, tmp_path / "profiles")
    framework = DEFAULT_FRAMEWORK.read_text()
    name = next(line for line in framework.splitlines() if line.strip().startswith("name:"))
    (tmp_path / "framework.yaml").write_text(framework.replace(name, name + " \u200b", 1))
    (tmp_path / "translations").mkdir()
    (tmp_path / "translations" / "en.po").write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        'msgid "Not met"\nmsgstr "Not \u202e.tem"\n'
    )
    (tmp_path / "aftercare-report.toml").write_text(
        '[project]\nprofiles = ["profiles"]\nframework = "framework.yaml"\n'
    )
    result = run("validate", "--strict")
    assert result.exit_code == 1
    assert "framework.yaml" in result.stdout and "U+200B" in result.stdout
    assert "translations/en.po" in result.stdout and "U+202E" in result.stdout
