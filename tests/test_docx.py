"""Word briefs: real styles, lists, tables and metadata; the same bytes twice; text stays text."""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner

from aftercare_report.cli import cli

from .conftest import VALID, load_script

ROOT = Path(__file__).resolve().parent.parent
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def build_docx(out: Path, *args: str) -> dict[str, bytes]:
    result = CliRunner().invoke(cli, ["build", *args, "--format", "docx", "--out", str(out)])
    assert result.exit_code == 0, result.output
    return {p.stem: p.read_bytes() for p in sorted(out.glob("*.docx"))}


@pytest.fixture(scope="module")
def thailand(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    return build_docx(tmp_path_factory.mktemp("docx"), "thailand")["thailand"]


@pytest.mark.slow  # seconds of work: the fast set stays under a minute
def test_two_builds_give_the_same_bytes(thailand: bytes, tmp_path: Path) -> None:
    assert build_docx(tmp_path, "thailand", "--force")["thailand"] == thailand
    with zipfile.ZipFile(io.BytesIO(thailand)) as archive:
        assert {info.date_time for info in archive.infolist()} == {(2025, 9, 29, 0, 0, 0)}


def test_a_word_brief_has_headings_numbered_steps_tables_chart_and_metadata(
    thailand: bytes,
) -> None:
    document = docx.Document(io.BytesIO(thailand))
    paragraphs = document.paragraphs
    headings = [p.text for p in paragraphs if p.style.name == "Heading 1"]
    assert headings[:4] == [
        "Key findings",
        "Where support stops",
        "What to do first",
        "What this means",
    ]
    assert [p.text for p in paragraphs if p.style.name == "Title"] == [
        "Aftercare for survivors in Thailand"
    ]
    # The five steps of page 2: numbered 1-5 in a list of their own, restarting at 1.
    steps = paragraphs[[p.text for p in paragraphs].index("What to do first") + 1 :]
    numbered = [p for p in steps if p._p.pPr is not None and p._p.pPr.numPr is not None]
    first = numbered[0]._p.pPr.numPr.numId.val
    assert sum(p._p.pPr.numPr.numId.val == first for p in numbered) == 5
    numbering = document.part.numbering_part.element
    start = numbering.num_having_numId(first).find(f"{W}lvlOverride/{W}startOverride")
    assert start is not None and start.get(f"{W}val") == "1"
    # Tables repeat their header row and carry their caption for screen readers.
    assert len(document.tables) >= 4
    for table in document.tables:
        assert table.rows[0]._tr.trPr.find(f"{W}tblHeader") is not None
        assert table._tbl.tblPr.find(f"{W}tblCaption") is not None
    # The chart is a picture with its text alternative.
    (chart,) = document.inline_shapes
    description = chart._inline.docPr.get("descr")
    assert description.startswith("Identification and referral: level 2, standard 3.")
    # Sources are a numbered list with working web links, and source numbers link to them.
    links = [r.target_ref for r in document.part.rels.values() if r.is_external]
    assert links and all(url.startswith(("https://", "http://")) for url in links)
    body = document.element.body.xml
    assert 'w:anchor="note_1"' in body and 'w:name="note_1"' in body
    core = document.core_properties
    assert core.title == "Aftercare for survivors in Thailand"
    assert core.author == "aftercare-report" and core.language == "en"
    assert core.created.date().isoformat() == "2025-09-29" == core.modified.date().isoformat()
    assert 'w:lang w:val="en"' in document.styles.element.xml


@pytest.mark.slow  # seconds of work: the fast set stays under a minute
def test_profile_text_enters_as_text(tmp_path: Path) -> None:
    hostile = '</w:t></w:r><w:r><w:t>injected</w:t> <b>bold?</b> & "quotes"'
    summary = "summary: >-\n  Testland funds shelters but closes cases when survivors leave them."
    profile = tmp_path / "testland.yaml"
    profile.write_text(VALID.read_text().replace(summary, f"summary: {json.dumps(hostile)}"))
    made = build_docx(tmp_path / "out", "--profiles", str(profile))["testland"]
    document = docx.Document(io.BytesIO(made))
    texts = [p.text for p in document.paragraphs]
    assert '</w:t></w:r><w:r><w:t>injected</w:t> <b>bold?</b> & "quotes"' in texts


@pytest.mark.slow
def test_the_brand_of_the_project_file_colours_the_headings(tmp_path: Path) -> None:
    (tmp_path / "aftercare-report.toml").write_text(
        "[brand]\norganisation = 'Coalition'\nprimary = '#6a1b4d'\n"
    )
    result = CliRunner().invoke(
        cli,
        [
            "--config",
            str(tmp_path / "aftercare-report.toml"),
            "build",
            "thailand",
            "--format",
            "docx",
            "--out",
            str(tmp_path / "out"),
        ],
    )
    assert result.exit_code == 0, result.output
    document = docx.Document(tmp_path / "out" / "thailand.docx")
    assert str(document.styles["Heading 1"].font.color.rgb) == "6A1B4D"
    assert document.core_properties.author == "Coalition"


@pytest.mark.slow  # seconds of work: the fast set stays under a minute
def test_a_reference_document_that_loads_remote_content_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "templates"
    folder.mkdir()
    source = ROOT / "templates" / "reference.docx"
    with (
        zipfile.ZipFile(source) as original,
        zipfile.ZipFile(folder / "reference.docx", "w") as out,
    ):
        for info in original.infolist():
            data = original.read(info.filename)
            if info.filename == "word/settings.xml":
                data = data.replace(
                    b"</w:settings>", b'<w:attachedTemplate r:id="x"/></w:settings>'
                )
            out.writestr(info, data)
    args = ["build", "thailand", "--format", "docx", "--templates", str(folder)]
    result = CliRunner().invoke(cli, [*args, "--out", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert "word/settings.xml: an attached template" in result.stderr


def test_the_bundled_reference_document_is_made_by_its_script() -> None:
    module = load_script("reference_docx")
    assert module.TARGET.read_bytes() == module.reference(), "run: scripts/reference_docx.py"


@pytest.mark.slow
def test_libreoffice_reads_every_bundled_word_brief(tmp_path: Path) -> None:
    bundled = build_docx(tmp_path / "out")
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.fail(
            "LibreOffice is missing (Debian libreoffice-writer-nogui): run scripts/bootstrap"
        )
    for stem, data in bundled.items():
        (tmp_path / f"{stem}.docx").write_bytes(data)
    profile = (tmp_path / "lo-profile").as_uri()
    command = [soffice, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf"]
    command += ["--outdir", str(tmp_path), *sorted(str(p) for p in tmp_path.glob("*.docx"))]
    done = subprocess.run(command, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    for stem, data in bundled.items():
        pdf = tmp_path / f"{stem}.pdf"
        assert pdf.is_file(), f"{stem}: LibreOffice made no PDF: {done.stdout} {done.stderr}"
        text = " ".join(
            subprocess.run(
                ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
            ).stdout.split()
        )
        document = docx.Document(io.BytesIO(data))
        for heading in [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]:
            assert " ".join(heading.split()) in text, (stem, heading)
        paragraphs = [p.text for p in document.paragraphs]
        if stem != "comparative":
            at = paragraphs.index("What to do first")
            steps = [p for p in document.paragraphs[at + 1 :] if p.style.name == "List Number"][:5]
            assert len(steps) == 5
            for step in steps:
                assert " ".join(step.text.split())[:60] in text, (stem, step.text)
        sources = paragraphs[paragraphs.index("Sources") + 2 :]
        titles = [re.split(r"\. ", s)[0] for s in sources[:3]]
        for title in titles:
            assert " ".join(title.split())[:40] in text, (stem, title)
