"""Slow end-to-end checks of the PDFs a user gets from `aftercare-report build`."""

from __future__ import annotations

import hashlib
import http.server
import json
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

import pypdf
import pytest
from click.testing import CliRunner

from aftercare_report import catalog, report
from aftercare_report.cli import cli
from aftercare_report.model import Framework

from .conftest import PROFILES, TESTS, all_gone, cli_in_subprocess, descendants

pytestmark = pytest.mark.slow

COUNTRIES = ("united-states", "united-kingdom", "thailand", "india", "nigeria")


def build(*args: str) -> object:
    return CliRunner().invoke(cli, ["build", *args], catch_exceptions=False)


def words(text: str) -> str:
    """Text with hyphenation and line breaks undone, for searching extracted PDF text."""
    return re.sub(r"\s+", " ", text.replace("\u00ad", "").replace("-\n", "")).strip()


def pdf_text(path: Path) -> str:
    return words(" ".join(page.extract_text() or "" for page in pypdf.PdfReader(path).pages))


@pytest.fixture(scope="module")
def bundled_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("out")
    result = build("--out", str(out))
    assert result.exit_code == 0, result.output
    return out


def test_build_writes_every_brief_in_every_format(bundled_out: Path) -> None:
    for stem in (*COUNTRIES, "comparative"):
        for ext in ("html", "pdf", "json"):
            assert (bundled_out / f"{stem}.{ext}").stat().st_size > 1000, (stem, ext)
    assert not list(bundled_out.glob(".*.tmp"))


def test_pdf_text_has_key_messages_recommendations_and_sources(
    bundled_out: Path, framework: Framework
) -> None:
    profiles = catalog.load_profiles([], framework)
    for rep in report.analyse(profiles, framework):  # default terms, as the briefs
        text = pdf_text(bundled_out / f"{rep.profile.slug}.pdf")
        for message in rep.key_messages:
            assert words(message)[:60] in text, (rep.profile.slug, message)
        for rec in rep.recommendations:
            assert words(rec.text)[:50] in text, (rep.profile.slug, rec.id)
        for source in rep.profile.sources.values():
            assert words(source.title)[:40] in text, (rep.profile.slug, source.title)


def test_page_counts_are_in_range(bundled_out: Path) -> None:
    for stem in COUNTRIES:
        pages = len(pypdf.PdfReader(bundled_out / f"{stem}.pdf").pages)
        assert 3 <= pages <= 16, (stem, pages)
    assert 4 <= len(pypdf.PdfReader(bundled_out / "comparative.pdf").pages) <= 20


def _outline(reader: pypdf.PdfReader, items: list[object]) -> Iterator[tuple[str, int]]:
    for item in items:
        if isinstance(item, list):
            yield from _outline(reader, item)
        else:
            yield item.title, reader.get_destination_page_number(item)  # type: ignore[attr-defined]


def test_bookmarks_point_at_the_pages_of_their_headings(bundled_out: Path) -> None:
    # The PDF outline is the brief's table of contents: every entry lands on its heading.
    reader = pypdf.PdfReader(bundled_out / "thailand.pdf")
    pages = [words(p.extract_text() or "") for p in reader.pages]
    outline = list(_outline(reader, reader.outline))
    titles = [title for title, _ in outline]
    assert titles[:6] == [
        "Aftercare for survivors in Thailand",
        "Key findings",
        "Where support stops",
        "What to do first",
        "What this means",
        "Annex: the evidence behind this brief",
    ]
    for title, index in outline:
        assert words(title)[:30] in pages[index], (title, index + 1)


def test_pdf_metadata_and_attachment(bundled_out: Path) -> None:
    reader = pypdf.PdfReader(bundled_out / "thailand.pdf")
    meta = reader.metadata
    assert meta is not None and meta.title == "Aftercare for survivors in Thailand"
    assert "Thailand" in (meta.get("/Keywords") or "")
    assert meta.get("/CreationDate", "").startswith("D:20250929")
    assert list(reader.attachments) == ["thailand.yaml"]
    attached = reader.attachments["thailand.yaml"][0]
    assert attached == (PROFILES.parent.parent / "profiles" / "thailand.yaml").read_bytes()
    assert "/StructTreeRoot" in reader.trailer["/Root"]  # tagged PDF (pdf/ua-1)


def test_two_builds_are_byte_identical(bundled_out: Path, tmp_path: Path) -> None:
    result = build("thailand", "india", "--out", str(tmp_path))
    assert result.exit_code == 0, result.output
    for name in ("thailand.pdf", "thailand.html", "thailand.json", "india.pdf"):
        assert (tmp_path / name).read_bytes() == (bundled_out / name).read_bytes(), name


def test_failed_build_leaves_earlier_files_intact(tmp_path: Path) -> None:
    assert build("thailand", "--out", str(tmp_path)).exit_code == 0
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    broken = TESTS / "templates" / "broken"
    result = CliRunner().invoke(
        cli, ["build", "thailand", "--out", str(tmp_path), "--templates", str(broken)]
    )
    assert result.exit_code == 1
    assert "country.html:3" in result.stderr and "Traceback" not in result.output
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before


class _Counter(http.server.BaseHTTPRequestHandler):
    hits: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        self.hits.append(self.path)
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"root:x:0:0:leaked")

    def log_message(self, *args: object) -> None:
        pass


def test_hostile_template_gets_nothing_into_the_pdf(tmp_path: Path) -> None:
    server = http.server.HTTPServer(("127.0.0.1", 0), _Counter)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    templates = tmp_path / "templates"
    shutil.copytree(TESTS / "templates" / "hostile", templates)
    url = f"http://127.0.0.1:{server.server_port}"
    page = templates / "country.html"
    page.write_text(
        page.read_text().replace(
            "{{ super() }}",
            f'<img src="{url}/tracker.png" alt="t"><link rel="attachment" href="{url}/a">\n'
            "{{ super() }}",
        )
    )
    out = tmp_path / "out"
    args = ["build", "thailand", "--format", "pdf", "--out", str(out), "--templates"]
    result = CliRunner().invoke(cli, [*args, str(templates)])
    server.shutdown()
    # Refused before any PDF is made: file: links and remote loads are active content.
    assert result.exit_code == 1
    assert "a file: load in <img src>=file:///etc/passwd is refused" in result.stderr
    assert f"a remote load in <img src>={url}/tracker.png is refused" in result.stderr
    assert "<link> is refused" in result.stderr
    assert _Counter.hits == []
    assert not (out / "thailand.pdf").exists()


def test_relative_paths_out_of_the_templates_reach_nothing(tmp_path: Path) -> None:
    # What passes the scan (relative images) still meets the confined fetcher; relative
    # links and <link> are refused by the scan (tests/test_pdf_links.py makes a PDF of them
    # anyway, to show the maker drops them too).
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "country.html").write_text(
        '{% extends "default:country.html" %}{% block closing %}'
        '<img src="../../../../../../etc/hostname" alt="y">'
        '<img src="../../../../../../etc/passwd" alt="z">'
        "{{ super() }}{% endblock %}"
    )
    out = tmp_path / "out"
    args = ["build", "thailand", "--format", "pdf", "--out", str(out), "--templates"]
    result = CliRunner().invoke(cli, [*args, str(templates)])
    assert result.exit_code == 0, result.output
    pdf = out / "thailand.pdf"
    assert list(pypdf.PdfReader(pdf).attachments) == ["thailand.yaml"]
    assert b"root:x:0:0" not in pdf.read_bytes()
    assert "refused to fetch" in result.stderr
    strict = CliRunner().invoke(cli, [*args, str(templates), "--strict"])
    assert strict.exit_code == 1 and "refused to fetch" in strict.stderr


def test_profile_text_stays_literal_in_the_pdf(tmp_path: Path) -> None:
    result = build(
        str(PROFILES / "hostile" / "testland.yaml"), "--format", "pdf", "--out", str(tmp_path)
    )
    assert result.exit_code == 0, result.output
    text = pdf_text(tmp_path / "testland.pdf")
    assert "<script>alert('x')</script>" in text
    assert "{{ 7*7 }}" in text and "{% include 'base.html' %}" in text


def test_archival_variant(tmp_path: Path) -> None:
    result = build(
        "thailand", "--format", "pdf", "--pdf-variant", "pdf/a-3b", "--out", str(tmp_path)
    )
    assert result.exit_code == 0, result.output
    reader = pypdf.PdfReader(tmp_path / "thailand.pdf")
    xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data()
    assert b"pdfaid:part" in xmp and b"3" in xmp


def test_thai_and_devanagari_render_without_missing_glyphs(tmp_path: Path) -> None:
    text = (
        (PROFILES / "valid" / "testland.yaml")
        .read_text()
        .replace("  Testland funds shelters", "  ประเทศไทย และ भारत: Testland funds shelters")
    )
    profile = tmp_path / "scripts.yaml"
    profile.write_text(text)
    result = build(str(profile), "--format", "pdf", "--strict", "--out", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    assert "ประเทศไทย" in pdf_text(tmp_path / "out" / "scripts.pdf")


def test_unchanged_inputs_reuse_the_pdf_without_weasyprint(tmp_path: Path) -> None:
    assert build("thailand", "--out", str(tmp_path)).exit_code == 0
    pdf = tmp_path / "thailand.pdf"
    before = pdf.stat().st_mtime_ns
    check = "assert 'weasyprint' not in sys.modules, 'weasyprint imported for a cached build'"
    done = cli_in_subprocess(["build", "thailand", "--out", str(tmp_path)], check)
    assert done.returncode == 0, done.stderr
    assert "0 files, 3 unchanged" in done.stdout
    assert pdf.stat().st_mtime_ns == before
    # --force renders again; reproducible output means the same bytes, so nothing is rewritten.
    pdf.unlink()
    forced = build("thailand", "--out", str(tmp_path), "--force")
    assert forced.exit_code == 0 and "Wrote 1 file, 2 unchanged" in forced.stdout
    assert pdf.is_file()


def test_force_keeps_the_manifest_entries_of_other_shards(tmp_path: Path) -> None:
    for shard in ("1/2", "2/2"):
        assert build("--format", "json", "--shard", shard, "--out", str(tmp_path)).exit_code == 0
    forced = build("--format", "json", "--shard", "1/2", "--force", "--out", str(tmp_path))
    assert forced.exit_code == 0
    assert len(json.loads((tmp_path / "manifest.json").read_text())["outputs"]) == 6


def test_a_changed_profile_is_rendered_again(tmp_path: Path) -> None:
    profiles = tmp_path / "profiles"
    profiles.mkdir()
    source = PROFILES / "valid" / "testland.yaml"
    (profiles / "testland.yaml").write_text(source.read_text())
    out = tmp_path / "out"
    args = ["--profiles", str(profiles), "--format", "pdf", "--out", str(out)]
    assert build(*args).exit_code == 0
    (profiles / "testland.yaml").write_text(
        source.read_text().replace("Testland funds shelters", "Testland now funds shelters")
    )
    result = build(*args)
    assert result.exit_code == 0 and "Wrote 1 file." in result.stdout


def test_shards_split_the_work_and_share_a_manifest(tmp_path: Path) -> None:
    first = build("--format", "json", "--shard", "1/2", "--out", str(tmp_path))
    second = build("--format", "json", "--shard", "2/2", "--out", str(tmp_path))
    assert first.exit_code == 0 and second.exit_code == 0
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert sorted(manifest["outputs"]) == sorted(f"{s}.json" for s in (*COUNTRIES, "comparative"))
    bad = build("--shard", "3/2", "--out", str(tmp_path))
    assert bad.exit_code == 2 and "K/N" in bad.stderr


def test_no_file_outside_the_templates_reaches_the_pdf_by_any_url(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_bytes(b"TOPSECRET-CI-TOKEN-42\n")
    templates = tmp_path / "templates"
    templates.mkdir()
    jpeg = _tiny_jpeg()
    (templates / "logo.jpg").write_bytes(jpeg)
    (templates / "logo.jpg#").mkdir()  # so that "logo.jpg#/../" resolves on disk
    (templates / "linked.png").symlink_to(secret)
    (templates / "other.html").write_text("<p>a team's private template</p>")
    (templates / "country.html").write_text(
        '{% extends "default:country.html" %}{% block closing %}'
        '<img src="logo.jpg#/../../secret.txt" alt="a"><img src="linked.png" alt="b">'
        '<img src="logo.jpg" alt="c"><img src="other.html" alt="d">'
        "{{ super() }}{% endblock %}"
    )
    out = tmp_path / "out"
    result = CliRunner().invoke(
        cli,
        ["build", "thailand", "--format", "pdf", "--out", str(out), "--templates", str(templates)],
    )
    assert result.exit_code == 0, result.output
    raw = (out / "thailand.pdf").read_bytes()
    reader = pypdf.PdfReader(out / "thailand.pdf")
    assert b"TOPSECRET" not in raw
    for page in reader.pages:
        for image in page.images:
            assert b"TOPSECRET" not in image.data
    assert list(reader.attachments) == ["thailand.yaml"]
    assert "refused to fetch" in result.stderr


def _tiny_jpeg() -> bytes:
    from io import BytesIO

    from PIL import Image

    buffer = BytesIO()
    Image.new("RGB", (4, 4), "red").save(buffer, "JPEG")
    return buffer.getvalue()


def test_a_forged_pdf_with_a_fixed_manifest_is_made_again(tmp_path: Path) -> None:
    assert build("thailand", "--format", "pdf", "--out", str(tmp_path)).exit_code == 0
    pdf = tmp_path / "thailand.pdf"
    real = pdf.read_bytes()
    forged = real + b"%forged: another PDF in its place\n"
    pdf.write_bytes(forged)
    data = json.loads((tmp_path / "manifest.json").read_text())
    entry = data["outputs"]["thailand.pdf"]
    entry["sha256"], entry["size"] = hashlib.sha256(forged).hexdigest(), len(forged)
    (tmp_path / "manifest.json").write_text(json.dumps(data))
    result = build("thailand", "--format", "pdf", "--strict", "--out", str(tmp_path))
    assert result.exit_code == 0, result.output
    assert "Wrote 1 file." in result.stdout
    assert pdf.read_bytes() == real


def _start_pdf_build(out: Path) -> tuple[subprocess.Popen[bytes], set[int]]:
    args = [sys.executable, "-m", "aftercare_report", "build", "--format", "pdf"]
    process = subprocess.Popen([*args, "--jobs", "2", "--force", "--out", str(out)])
    # The build forks one worker, which forks the second once it has imported WeasyPrint.
    deadline = time.monotonic() + 60
    while len(descendants(process.pid)) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    workers = descendants(process.pid)
    assert len(workers) >= 2, "the build started no workers"
    return process, workers


def test_sigterm_stops_the_build_and_its_workers(tmp_path: Path) -> None:
    process, workers = _start_pdf_build(tmp_path)
    start = time.monotonic()
    process.send_signal(signal.SIGTERM)
    assert process.wait(10) == 130
    assert time.monotonic() - start < 5
    assert all_gone(workers)
    assert not list(tmp_path.glob(".*.tmp"))


def test_sigkill_leaves_no_worker_and_the_next_build_cleans_up(tmp_path: Path) -> None:
    process, workers = _start_pdf_build(tmp_path)
    (tmp_path / ".thailand.pdf.abc12345.tmp").write_bytes(b"half a pdf")  # as if killed mid-write
    process.kill()
    process.wait(10)
    assert all_gone(workers), "workers outlived their killed parent"
    result = build("thailand", "--format", "json", "--out", str(tmp_path))
    assert result.exit_code == 0, result.output
    assert not list(tmp_path.glob(".*.tmp"))


def test_two_builds_at_once_lose_no_manifest_entry(tmp_path: Path) -> None:
    args = [sys.executable, "-m", "aftercare_report", "build", "--format", "html,json"]
    runs = [
        subprocess.Popen([*args, country, "--out", str(tmp_path)], stdout=subprocess.DEVNULL)
        for country in ("thailand", "india", "nigeria")
    ]
    assert [r.wait(120) for r in runs] == [0, 0, 0]
    outputs = json.loads((tmp_path / "manifest.json").read_text())["outputs"]
    assert {f"{c}.{f}" for c in ("thailand", "india", "nigeria") for f in ("html", "json")} <= set(
        outputs
    )


def test_the_fetcher_serves_no_hidden_special_or_outside_file(tmp_path: Path) -> None:
    import os

    from aftercare_report.pdf_render import ConfinedFetcher, virtual_base

    (tmp_path / "logo.png").write_bytes(b"\x89PNG")
    (tmp_path / ".env").write_text("TOKEN=SECRET")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "config").write_text("SECRET")
    os.mkfifo(tmp_path / "pipe.png")
    (tmp_path / "environ.png").symlink_to("/proc/self/environ")
    fetcher = ConfinedFetcher([tmp_path])
    assert fetcher.fetch(virtual_base(0) + "logo.png").read() == b"\x89PNG"
    for name in (".env", ".git/config", "pipe.png", "environ.png", "sub/../.env"):
        with pytest.raises(ValueError, match="refused"):
            fetcher.fetch(virtual_base(0) + name)


def test_an_image_under_many_addresses_cannot_swell_the_pdf_past_the_limit(
    tmp_path: Path,
) -> None:
    # Security review 16a, M1: a 7 MB image under 40 addresses made 297 MB PDFs; the building
    # process received each whole, and only the worker's memory stopped a larger one.
    import os

    from PIL import Image

    templates = tmp_path / "templates"
    templates.mkdir()
    noise = Image.frombytes("RGB", (600, 600), os.urandom(600 * 600 * 3))
    noise.save(templates / "big.jpg", quality=95)  # about 0.5 MB
    (templates / "country.html").write_text(
        '{% extends "default:country.html" %}\n{% block closing %}{{ super() }}\n'
        '{% if medium == "print" %}{% for i in range(4) %}'
        '<img src="big.jpg?{{ i }}" alt="x" style="width:1cm">{% endfor %}{% endif %}\n'
        "{% endblock %}\n"
    )
    config = tmp_path / "aftercare-report.toml"
    config.write_text("[limits]\nhtml_mb = 1\n")  # lowering a limit needs no --allow
    out = tmp_path / "out"
    args = ["--config", str(config), "build", "thailand", "--format", "pdf", "--out", str(out)]
    result = CliRunner().invoke(cli, [*args, "--templates", str(templates)])
    assert result.exit_code == 1, result.output
    said = " ".join(result.output.split())
    assert "the images passed the limit of 1 MB ([limits] html_mb)" in said
    assert "use one address per image" in said
    assert not (out / "thailand.pdf").exists()
    (templates / "country.html").write_text(  # the same image under one address: embedded once
        (templates / "country.html").read_text().replace("big.jpg?{{ i }}", "big.jpg")
    )
    assert CliRunner().invoke(cli, [*args, "--templates", str(templates)]).exit_code == 0
    assert (out / "thailand.pdf").stat().st_size < 1024 * 1024
