"""The manifest is a cache, not an authority: forged, linked or special files are never reused."""

from __future__ import annotations

import dataclasses
import json
import os
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from aftercare_report import manifest
from aftercare_report.cli import cli


def sealed(name: str, data: bytes, key: str = "inputs") -> manifest.Entry:
    entry = manifest.Entry("pdf", key, manifest.sha256(data), len(data), 3)
    return dataclasses.replace(entry, seal=manifest.seal(name, entry))


def test_an_entry_we_made_is_reused(tmp_path: Path) -> None:
    (tmp_path / "a.pdf").write_bytes(b"%PDF real")
    assert manifest.reusable(tmp_path, "a.pdf", sealed("a.pdf", b"%PDF real"), "inputs")


def test_a_forged_file_with_its_hash_in_the_manifest_is_not_reused(tmp_path: Path) -> None:
    (tmp_path / "a.pdf").write_bytes(b"%PDF forged")
    real = sealed("a.pdf", b"%PDF real")
    forged = dataclasses.replace(real, sha256=manifest.sha256(b"%PDF forged"), size=11)
    assert not manifest.reusable(tmp_path, "a.pdf", forged, "inputs")


def test_an_entry_whose_warnings_were_emptied_is_not_reused(tmp_path: Path) -> None:
    # Security review 10a, L3: emptied warnings let --strict pass on a PDF that had some.
    (tmp_path / "a.pdf").write_bytes(b"%PDF real")
    entry = manifest.Entry("pdf", "inputs", manifest.sha256(b"%PDF real"), 9, 3, ("refused",))
    real = dataclasses.replace(entry, seal=manifest.seal("a.pdf", entry))
    assert not manifest.reusable(tmp_path, "a.pdf", real, "inputs")  # made again, warned again
    emptied = dataclasses.replace(real, warnings=())
    assert not manifest.reusable(tmp_path, "a.pdf", emptied, "inputs")


def test_an_entry_whose_page_count_was_edited_is_not_reused(tmp_path: Path) -> None:
    (tmp_path / "a.pdf").write_bytes(b"%PDF real")
    real = sealed("a.pdf", b"%PDF real")
    assert manifest.reusable(tmp_path, "a.pdf", real, "inputs")
    assert not manifest.reusable(tmp_path, "a.pdf", dataclasses.replace(real, pages=999), "inputs")


def test_other_inputs_are_not_reused(tmp_path: Path) -> None:
    (tmp_path / "a.pdf").write_bytes(b"%PDF real")
    assert not manifest.reusable(tmp_path, "a.pdf", sealed("a.pdf", b"%PDF real"), "changed")


def test_a_symlinked_output_is_not_read(tmp_path: Path) -> None:
    (tmp_path / "real.pdf").write_bytes(b"%PDF real")
    (tmp_path / "a.pdf").symlink_to(tmp_path / "real.pdf")
    assert not manifest.reusable(tmp_path, "a.pdf", sealed("a.pdf", b"%PDF real"), "inputs")


def test_a_fifo_output_or_manifest_does_not_hang(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "a.pdf")
    os.mkfifo(tmp_path / manifest.MANIFEST_NAME)
    start = time.monotonic()
    assert not manifest.reusable(tmp_path, "a.pdf", sealed("a.pdf", b"x"), "inputs")
    with pytest.warns(manifest.CacheWarning, match="not a regular file"):
        assert manifest.read(tmp_path) == {}
    assert time.monotonic() - start < 1


def test_a_manifest_linked_to_dev_zero_is_ignored(tmp_path: Path) -> None:
    (tmp_path / manifest.MANIFEST_NAME).symlink_to("/dev/zero")
    with pytest.warns(manifest.CacheWarning, match="it is a symlink"):
        assert manifest.read(tmp_path) == {}


def test_folder_digest_never_reads_special_or_outside_files(tmp_path: Path) -> None:
    (tmp_path / "brief.css").write_text("p {}")
    os.mkfifo(tmp_path / "pipe")
    (tmp_path / "kmsg").symlink_to("/proc/kmsg")
    (tmp_path / "secret").symlink_to("/etc/hostname")
    start = time.monotonic()
    first = manifest.folder_digest([tmp_path])
    assert time.monotonic() - start < 1
    (tmp_path / "brief.css").write_text("p { color: red }")
    assert manifest.folder_digest([tmp_path]) != first


def run_build(out: Path, *countries: str) -> object:
    args = ["build", *countries, "--format", "html,json", "--out", str(out)]
    return CliRunner().invoke(cli, args)


def test_stale_temp_files_of_a_killed_build_are_removed(tmp_path: Path) -> None:
    tmp_path.mkdir(exist_ok=True)
    stale = tmp_path / ".thailand.pdf.k2x9_q1z.tmp"
    stale.write_bytes(b"x" * 1000)
    ours_not = tmp_path / ".notes.tmp"
    ours_not.write_text("keep")
    result = run_build(tmp_path, "thailand")
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    assert not stale.exists() and ours_not.exists()


@pytest.mark.slow
def test_the_manifest_is_read_again_under_the_lock(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Another build that finished while this one rendered must keep its entries.
    assert run_build(tmp_path, "thailand").exit_code == 0  # type: ignore[attr-defined]
    real_read = manifest.read
    calls = []

    def read_then_race(out: Path) -> dict[str, manifest.Entry]:
        calls.append(out)
        if len(calls) == 1:  # the first read, before rendering; then india.json appears
            entries = real_read(out)
            assert run_build(tmp_path, "india").exit_code == 0  # type: ignore[attr-defined]
            return entries
        return real_read(out)

    monkeypatch.setattr(manifest, "read", read_then_race)
    assert run_build(tmp_path, "thailand").exit_code == 0  # type: ignore[attr-defined]
    monkeypatch.undo()
    entries = real_read(tmp_path)
    assert {"thailand.json", "india.json", "thailand.html", "india.html"} <= set(entries)


@pytest.mark.slow  # seconds of work: the fast set stays under a minute
def test_a_folder_where_an_output_goes_stops_the_build_before_any_brief_is_replaced(
    tmp_path: Path,
) -> None:
    # Security review 10a, L5: thailand.html was replaced, then thailand.json failed.
    out = tmp_path / "out"
    args = ["build", "thailand", "--format", "html,json", "--out", str(out)]
    assert CliRunner().invoke(cli, args).exit_code == 0
    before = (out / "thailand.html").read_bytes()
    (out / "thailand.json").unlink()
    (out / "thailand.json").mkdir()  # planted in the output folder
    (out / "manifest.json").unlink()  # so that every brief is made again
    config = tmp_path / "aftercare-report.toml"
    config.write_text('[project]\nprofiles = ["bundled"]\n\n[brand]\norganisation = "Acme v2"\n')
    result = CliRunner().invoke(cli, ["--config", str(config), *args])
    assert result.exit_code == 1
    assert "thailand.json: cannot write: not a file" in " ".join(result.output.split())
    assert (out / "thailand.html").read_bytes() == before  # the old edition, whole


@pytest.mark.slow  # seconds of work: the fast set stays under a minute
def test_clean_removes_the_briefs_of_languages_no_longer_published(tmp_path: Path) -> None:
    # Security review 10a, L6: briefs/en/ and briefs/fr/ stayed beside the new briefs/.
    import shutil

    from .conftest import VALID

    (tmp_path / "profiles").mkdir()
    shutil.copy(VALID, tmp_path / "profiles" / "testland.yaml")
    config = tmp_path / "aftercare-report.toml"
    both = '[project]\nprofiles = ["profiles"]\nout = "briefs"\nlanguages = ["en", "fr"]\n'
    config.write_text(both)
    args = ["--config", str(config), "build", "--format", "html", "--clean"]
    assert CliRunner().invoke(cli, args).exit_code == 0
    briefs = tmp_path / "briefs"
    assert (briefs / "fr" / "testland.html").is_file()
    (briefs / "fr" / "notes.txt").write_text("kept: not the tool's")
    config.write_text(both.replace('languages = ["en", "fr"]', 'language = "en"'))
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    left = sorted(str(p.relative_to(briefs)) for p in briefs.rglob("*") if p.is_file())
    assert left == ["fr/notes.txt", "manifest.json", "testland.html"]
    assert "removed" in result.output
    # And back: the English-only briefs go when the project is published in two languages.
    config.write_text(both)
    assert CliRunner().invoke(cli, args).exit_code == 0
    assert not (briefs / "testland.html").exists() and (briefs / "en" / "testland.html").is_file()


def test_a_planted_folder_of_many_files_justifies_no_large_manifest(tmp_path: Path) -> None:
    # Security review 10a, L4: 5,000 files let a 2-million-value manifest be parsed (419 MB).
    for i in range(5000):
        (tmp_path / f"f{i}.html").touch()
    values = ",".join(["[]"] * 300_000)  # 1.2 MB: within the old bound of 2 million values
    (tmp_path / manifest.MANIFEST_NAME).write_text(f'{{"schema_version": 2, "x": [{values}]}}')
    with pytest.warns(manifest.CacheWarning, match="values its folder justifies"):
        assert manifest.read(tmp_path) == {}


def test_the_template_digest_reads_a_file_linked_many_times_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Security review 11a, L: one 10 MB file and 1,990 links cost 43 s a build.
    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / "big.css").write_bytes(b"x" * 1000)
    for i in range(50):
        (folder / f"link-{i}.css").symlink_to("big.css")
    reads = []
    original = manifest.read_regular

    def counted(path: Path, limit: int) -> bytes:
        reads.append(path)
        return original(path, limit)

    monkeypatch.setattr(manifest, "read_regular", counted)
    first = manifest.folder_digest([folder, folder])
    assert len(reads) == 1
    (folder / "big.css").write_bytes(b"y" * 1000)
    assert manifest.folder_digest([folder, folder]) != first  # still the content's digest


def test_a_language_folder_that_is_a_symlink_is_never_written_through(tmp_path: Path) -> None:
    # Security review 11a, M3: briefs/fr -> /any/dir had index.html overwritten there.
    import shutil

    from .conftest import VALID

    (tmp_path / "profiles").mkdir()
    shutil.copy(VALID, tmp_path / "profiles" / "index.yaml")
    config = tmp_path / "aftercare-report.toml"
    config.write_text(
        '[project]\nprofiles = ["profiles"]\nout = "briefs"\nlanguages = ["en", "fr"]\n'
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "index.html").write_text("keep me")
    (tmp_path / "briefs").mkdir()
    (tmp_path / "briefs" / "fr").symlink_to(elsewhere)
    result = CliRunner().invoke(cli, ["--config", str(config), "build", "--format", "html"])
    assert result.exit_code == 1 and "briefs/fr: a symlink" in " ".join(result.output.split())
    assert (elsewhere / "index.html").read_text() == "keep me"
    assert sorted(p.name for p in elsewhere.iterdir()) == ["index.html"]


@pytest.mark.parametrize("package", ["jinja2", "markdown-it-py", "babel", "idna"])
def test_a_new_version_of_a_library_that_renders_briefs_makes_them_again(
    monkeypatch: pytest.MonkeyPatch, package: str
) -> None:
    # Security review 12a, L6: an upgraded Jinja or Markdown reader kept old briefs as current.
    versions = dict(manifest._installed())
    before = manifest.rendering_stack()
    monkeypatch.setattr(manifest, "_installed", lambda: {**versions, package: "999"})
    assert manifest.rendering_stack() != before


def test_fonts_of_the_users_folder_and_pythons_version_make_briefs_again(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # Security review 13a, I4 and 15a, Info: a font installed in ~/.local/share/fonts, or a
    # Python whose Unicode data differs, left PDFs "unchanged".
    before = manifest.rendering_stack()
    monkeypatch.setattr(manifest.sys, "version", "3.99.0")
    assert manifest.rendering_stack() != before
    monkeypatch.undo()
    fonts = tmp_path / "fonts"
    fonts.mkdir()
    monkeypatch.setattr(manifest, "FONT_FOLDERS", (*manifest.FONT_FOLDERS, fonts))
    before = manifest.rendering_stack()
    (fonts / "Team.ttf").write_bytes(b"\0" * 10)
    assert manifest.rendering_stack() != before
    assert any(".local/share/fonts" in str(f) for f in manifest.FONT_FOLDERS)


@pytest.mark.parametrize("name", ["a\x00.html", "../a.pdf", "sub/a.pdf", "a\nb.pdf", ".."])
def test_a_manifest_naming_no_file_of_its_folder_is_ignored(tmp_path: Path, name: str) -> None:
    (tmp_path / "a.pdf").write_bytes(b"%PDF real")
    entries = {"a.pdf": sealed("a.pdf", b"%PDF real"), name: sealed(name, b"%PDF real")}
    (tmp_path / manifest.MANIFEST_NAME).write_bytes(manifest.render(entries))
    with pytest.warns(manifest.CacheWarning, match="not in the manifest's format"):
        assert manifest.read(tmp_path) == {}


@pytest.mark.slow  # seconds of work: the fast set stays under a minute
def test_a_manifest_with_a_nul_in_a_name_is_replaced_by_the_next_build(tmp_path: Path) -> None:
    # Security review 15a, L1: a name with a NUL broke every later build with an internal
    # error, after the new briefs were in place, and the manifest stayed.
    assert run_build(tmp_path, "thailand").exit_code == 0  # type: ignore[attr-defined]
    path = tmp_path / manifest.MANIFEST_NAME
    data = json.loads(path.read_text())
    data["outputs"]["a\x00.html"] = data["outputs"]["thailand.html"]
    path.write_text(json.dumps(data))
    result = run_build(tmp_path, "thailand")  # type: ignore[attr-defined]
    assert result.exit_code == 0, result.output
    assert "a\x00.html" not in json.loads(path.read_text())["outputs"]


def test_an_entrys_seal_never_seals_a_build_record() -> None:
    # Security review 15a, Info: one key seals both; the same text must not seal both.
    entry = sealed("a.pdf", b"%PDF real")
    told = json.dumps([entry.pages, list(entry.warnings)])
    same_text = {"pdf": f"{entry.input}\0{entry.sha256}\0{entry.size}\0{told}"}
    assert manifest.seal_build("a.pdf", same_text) != entry.seal
