"""A profile's text in another language (profiles/<slug>.<lang>.yaml), checked against it."""

from __future__ import annotations

import pickle
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from markupsafe import escape

from aftercare_report import catalog, i18n, profile_overlay, translations
from aftercare_report.cli import cli
from aftercare_report.errors import InputError
from aftercare_report.model import Framework, Profile

from .conftest import VALID

SUMMARY_FR = (
    "Le Testland finance des foyers mais clôt les dossiers quand les personnes survivantes les "
    "quittent."
)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    shutil.copy(VALID, tmp_path / "testland.yaml")
    return tmp_path


def _profile(folder: Path, framework: Framework) -> Profile:
    (profile,) = catalog.load_profiles([folder / "testland.yaml"], framework)
    return profile


def test_a_translation_is_named_after_its_profile_and_read_with_it(folder: Path) -> None:
    (folder / "testland.fr.yaml").write_text(f"summary: {SUMMARY_FR}\n")
    (folder / "congo.dr.yaml").write_text("not: a translation: no congo.yaml beside it\n")
    assert profile_overlay.language_of(folder / "testland.fr.yaml") == "fr"
    assert profile_overlay.language_of(folder / "congo.dr.yaml") is None
    assert profile_overlay.language_of(folder / "testland.yaml") is None
    assert profile_overlay.paths_for(folder / "testland.yaml") == {
        "fr": folder / "testland.fr.yaml"
    }
    files = catalog.profile_files([folder])
    assert folder / "testland.fr.yaml" not in files and folder / "congo.dr.yaml" in files


def test_a_translation_gives_text_by_the_profiles_keys(folder: Path, framework: Framework) -> None:
    (folder / "testland.fr.yaml").write_text(
        "language: fr\n"
        f"summary: {SUMMARY_FR}\n"
        "components:\n  identification:\n    evidence: Données sur l'identification au Testland.\n"
    )
    profile = _profile(folder, framework)
    found = profile_overlay.load(folder / "testland.fr.yaml", profile)
    assert found.language == "fr"
    assert found.texts[("summary",)] == SUMMARY_FR
    table = found.by_text()
    assert table["Evidence for identification in Testland."] == (
        "Données sur l'identification au Testland."
    )
    assert table[" ".join(profile.summary.split())] == SUMMARY_FR


def test_everything_a_translation_may_not_do_is_an_error_at_its_line(
    folder: Path, framework: Framework
) -> None:
    profile = _profile(folder, framework)
    (folder / "testland.fr.yaml").write_text(
        "language: es\n"  # 1: the file name says fr
        "summary: ''\n"  # 2: empty
        "components:\n"
        "  identification:\n"
        "    level: 4\n"  # 5: a level is not text
        "    evidence: En 2019, un bureau existe.\n"  # 6: a number the original lacks
        "  helth:\n"  # 7: misspelt
        "    evidence: x\n"
        "key_figures:\n"
        "  victims_identified:\n"
        "    value: 12\n"  # 11: a figure
    )
    with pytest.raises(InputError) as caught:
        profile_overlay.load(folder / "testland.fr.yaml", profile)
    found = {(f.line, f.code): f.message for f in caught.value.findings}
    assert found[1, "wrong-language"] == "this translation is in 'fr' (its file name), not 'es'"
    assert found[2, "invalid"].startswith("empty: translate it, or leave the key out")
    assert found[5, "unknown-key"].startswith("not a text field: levels, figures")
    assert found[6, "changed-fact"].startswith("numbers differ from the original's (none)")
    assert found[7, "unknown-key"] == "'helth' is not in the profile; did you mean 'health'?"
    assert found[11, "unknown-key"].startswith("not a text field")


def test_validate_reports_a_broken_translation(folder: Path) -> None:
    (folder / "testland.fr.yaml").write_text("summary: 45 jours\n")
    result = CliRunner().invoke(cli, ["validate", str(folder)])
    assert result.exit_code == 1
    assert "testland.fr.yaml:1:10: summary: numbers differ" in result.output


def test_check_lists_what_a_translation_leaves_in_the_original(
    folder: Path, framework: Framework
) -> None:
    (folder / "testland.fr.yaml").write_text(f"summary: {SUMMARY_FR}\n")
    profile = _profile(folder, framework)
    (report,) = translations.check_profiles("fr", [profile])
    assert report.catalog == folder / "testland.fr.yaml"
    assert report.untranslated == report.total - 1 and report.untranslated > 20
    lines = [f.line for f in report.findings]
    assert lines == sorted(lines), "in the order of the profile"
    evidence = next(f for f in report.findings if f.key == "components.identification.evidence")
    assert evidence.message == "not translated in testland.fr.yaml: quoted in 'en'"
    assert "summary" not in {f.key for f in report.findings}
    assert translations.check_profiles("en", [profile]) == []  # written in English already


def test_a_brief_quotes_the_translation_and_tags_what_it_leaves_out() -> None:
    table = {"testland": {"Evidence in English.": "Données en français."}}
    assert i18n.evidence("testland", "en", "Evidence  in\nEnglish.") == "Evidence  in\nEnglish."
    with i18n.using(i18n.Language("fr")), i18n.translating(table):
        assert i18n.translated("testland") and not i18n.translated("india")
        assert i18n.evidence("testland", "en", "Evidence  in\nEnglish.") == "Données en français."
        left = i18n.evidence("testland", "en", "Other <text>.")
        assert str(escape(left)) == '<span lang="en">Other &lt;text&gt;.</span>'
        assert i18n.evidence("india", "en", "Untouched.") == "Untouched."  # no translation
    copy = pickle.loads(pickle.dumps(left))
    assert (copy, copy.lang) == ("Other <text>.", "en")


def test_a_translation_of_an_earlier_profile_is_a_warning(folder: Path) -> None:
    (folder / "testland.fr.yaml").write_text(
        f"translated_as_of: 2023-01-01\nsummary: {SUMMARY_FR}\n"
    )
    result = CliRunner().invoke(cli, ["validate", str(folder), "--strict"])
    assert result.exit_code == 1
    assert (
        "testland.fr.yaml:1:19: translated_as_of: warning: translated from the profile as of "
        "2023-01-01; it is now as of 2024-06-30"
    ) in result.output
    (folder / "testland.fr.yaml").write_text(
        f"translated_as_of: 2024-06-30\nsummary: {SUMMARY_FR}\n"
    )
    assert "translated_as_of" not in CliRunner().invoke(cli, ["validate", str(folder)]).output


def test_init_starts_a_translation_of_each_team_profile(tmp_path: Path) -> None:
    (tmp_path / "profiles").mkdir()
    shutil.copy(VALID, tmp_path / "profiles" / "testland.yaml")
    (tmp_path / "aftercare-report.toml").write_text(
        '[project]\nprofiles = ["profiles", "bundled"]\n'
    )
    runner = CliRunner()
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(tmp_path)
        result = runner.invoke(cli, ["translations", "init", "fr"])
        assert result.exit_code == 0, result.output
        skeleton = (tmp_path / "profiles" / "testland.fr.yaml").read_text()
        assert "profiles/testland.fr.yaml" in result.output
        assert not (tmp_path / "profiles" / "thailand.fr.yaml").exists()  # bundled: not ours
        assert "# Testland funds shelters but closes cases" in skeleton
        assert (
            '  identification:\n    # Evidence for identification in Testland.\n    # evidence: ""'
            in skeleton
        )
        assert runner.invoke(cli, ["validate", "profiles"]).exit_code == 0  # as written: valid
        filled = skeleton.replace(
            '# Evidence for identification in Testland.\n    # evidence: ""',
            "evidence: Données sur l'identification au Testland.",
        )
        (tmp_path / "profiles" / "testland.fr.yaml").write_text(filled)
        checked = runner.invoke(cli, ["translations", "check", "fr"])
    assert "profiles/testland.fr.yaml: 1 of" in checked.output


def test_words_a_translation_quotes_from_its_source_keep_their_language() -> None:
    original = 'The NRM "authorized a 45-day period" (TIP 2022); "often" in TIP 2025.'
    french = "Le MNO « authorized a 45-day period » (TIP 2022) ; « souvent » dans le TIP 2025."
    with i18n.using(i18n.Language("fr")), i18n.translating({"th": {original: french}}):
        shown = i18n.evidence("th", "en", original)
    assert shown == french
    assert str(escape(shown)) == (
        'Le MNO « <span lang="en">authorized a 45-day period</span> » (TIP 2022) ; '
        "« souvent » dans le TIP 2025."  # translated, so French
    )
    assert pickle.loads(pickle.dumps(shown)).spans == shown.spans  # type: ignore[attr-defined]


def test_a_translation_beside_a_profile_named_by_path_is_an_input_of_the_build(
    folder: Path,
) -> None:
    from aftercare_report import inputs
    from aftercare_report.config import Project

    project = Project(profiles=(folder / "testland.yaml",))
    before = inputs.digest(project, "", ())
    (folder / "testland.fr.yaml").write_text(f"summary: {SUMMARY_FR}\n")
    assert inputs.digest(project, "", ()) != before


def test_serve_rebuilds_when_a_translation_beside_a_watched_profile_changes(
    folder: Path,
) -> None:
    from aftercare_report import serve

    accept = serve._relevant([folder / "testland.yaml"])
    assert accept(None, str(folder / "testland.fr.yaml"))
    assert not accept(None, str(folder / "other.yaml"))
