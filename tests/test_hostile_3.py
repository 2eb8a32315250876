"""The third security review: one test per finding, each with its hostile input.

A1: a template's image used hundreds of times; A5: source URLs that read as one host and go to
another; A6: a catalog whose widths multiply; A8: crashes where a message is due. (A7, the
template links, is in ``test_inert.py``.)
"""

from __future__ import annotations

import io
import os
import tracemalloc
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from aftercare_report import assets, build, docx_render, i18n, pipeline, translations
from aftercare_report.cli import cli
from aftercare_report.config import Project
from aftercare_report.errors import InputError, TemplateError
from aftercare_report.limits import MB, Limits

from .conftest import VALID

HOSTILE = Path(__file__).resolve().parent / "hostile"


def png(size: int) -> bytes:
    """A real PNG of about ``size`` bytes (noise does not compress)."""
    from PIL import Image

    side = int((size / 3) ** 0.5) + 1
    out = io.BytesIO()
    Image.frombytes("RGB", (side, side), os.urandom(side * side * 3)).save(out, "PNG")
    return out.getvalue()


def images(count: int) -> str:
    return "<p>x</p>" + '<img src="big.png" alt="x">' * count


# A1. A template's image used many times ----------------------------------------------------------


def test_inlining_counts_the_size_of_the_page_before_making_it(tmp_path: Path) -> None:
    (tmp_path / "big.png").write_bytes(png(200_000))
    tracemalloc.start()
    try:
        with pytest.raises(TemplateError) as caught:
            assets.inline_images(images(400), tmp_path, "country.html", 2 * MB)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert str(caught.value).startswith("country.html: the images and fonts it uses would make")
    assert "more than 2 MB ([limits] html_mb) after 8 uses" in str(caught.value)
    assert peak < 4 * MB  # 400 copies would be 107 MB


def test_a_stylesheet_url_used_many_times_is_counted_before_it_is_inlined(tmp_path: Path) -> None:
    (tmp_path / "big.png").write_bytes(png(200_000))
    css = "a { b: url(big.png) }\n" * 400
    with pytest.raises(TemplateError, match=r"^brief.css: the images and fonts it uses"):
        assets.inline_css_urls(css, tmp_path, tmp_path, "brief.css", 2 * MB)
    assert (
        assets.inline_css_urls(css[:44], tmp_path, tmp_path, "brief.css", 2 * MB).count(
            "data:image/png;base64,"
        )
        == 2
    )


@pytest.fixture(scope="module")
def testland(tmp_path_factory: pytest.TempPathFactory) -> pipeline.Brief:
    project = Project(out=tmp_path_factory.mktemp("out"))
    (brief,) = pipeline.plan(pipeline.analyse(project, [str(VALID)]), project)
    return brief


def test_a_word_brief_takes_each_image_once_however_often_it_is_used(
    testland: pipeline.Brief, tmp_path: Path
) -> None:
    picture = png(200_000)
    (tmp_path / "big.png").write_bytes(picture)
    options = build.BuildOptions(out=tmp_path / "out", template_dirs=(tmp_path,))
    setting = build.Setting(build.templates((tmp_path,)), options)
    request = docx_render.request(testland, images(400), setting)
    assert len(request.html) < 20_000  # not 400 data URIs of 270 kB
    assert request.images == (("big.png", picture),)
    small = build.BuildOptions(out=tmp_path / "out", limits=Limits(html_mb=1))
    with pytest.raises(TemplateError, match=r"more than 1 MB \(\[limits\] html_mb\) after"):
        many = "".join(f'<img src="{i}.png" alt="">' for i in range(6))
        for i in range(6):
            (tmp_path / f"{i}.png").write_bytes(png(200_000))
        docx_render.request(testland, many, build.Setting(build.templates((tmp_path,)), small))


@pytest.mark.slow
def test_a_word_brief_with_an_image_used_400_times_holds_it_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "big.png").write_bytes(png(1_000_000))
    (tmp_path / "templates" / "country.html").write_text(
        '{% extends "default:country.html" %}\n{% block closing %}{{ super() }}'
        '{% for i in range(400) %}<img src="big.png" alt="x">{% endfor %}{% endblock %}\n'
    )
    command = ["build", str(VALID), "--templates", "templates", "--out", "out"]
    tracemalloc.start()
    try:
        result = CliRunner().invoke(cli, [*command, "--format", "docx", "--jobs", "1"])
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert result.exit_code == 0, result.output
    assert peak < 100 * MB  # the building process; 400 data URIs of the image are 530 MB
    with zipfile.ZipFile(tmp_path / "out" / "testland.docx") as archive:
        media = [n for n in archive.namelist() if n.startswith("word/media/")]
        body = archive.read("word/document.xml").decode()
    assert len(media) == 2  # the chart and the team's image, once
    assert body.count('descr="x"') == 400
    html = CliRunner().invoke(cli, [*command, "--format", "html"])
    assert html.exit_code == 1
    assert "country.html: the images and fonts it uses would make the brief more than 20 MB" in (
        html.stderr
    )


# A6. A catalog whose widths multiply --------------------------------------------------------------


@pytest.mark.parametrize(
    ("fixture", "problem"),
    [
        ("widths.po", "the widths and precisions of its placeholders add up to over 1,000"),
        ("long.po", "the translation is 6,047 characters, over 4 times its message's 42 (+100)"),
    ],
)
def test_a_catalog_whose_sentences_would_expand_is_refused_at_its_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fixture: str, problem: str
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "aftercare-report.toml").write_text('[project]\nlanguage = "fr"\n')
    (tmp_path / "translations").mkdir()
    (tmp_path / "translations" / "fr.po").write_bytes((HOSTILE / fixture).read_bytes())
    with pytest.raises(InputError) as caught:
        translations.check_catalog(Path("translations/fr.po"), "fr")
    (finding,) = caught.value.findings
    assert (finding.path, finding.line) == ("translations/fr.po", 8)
    assert finding.message.startswith(problem)
    result = CliRunner().invoke(cli, ["translations", "check", "fr"])
    assert result.exit_code == 1
    assert f"translations/fr.po:8:1: {problem}" in result.output


def test_a_sentence_is_measured_before_it_is_filled_in() -> None:
    language = i18n.Language("fr")
    assert language._format("%(a)s %(b)5d", {"a": "x", "b": 3}, "m") == "x     3"
    tracemalloc.start()
    try:
        with pytest.raises(InputError) as caught:
            language._format("%(a)s" * 100, {"a": "x" * 1000}, "Aftercare for %(a)s")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert "the fr translation of “Aftercare for %(a)s” would be 100,500 characters" in str(
        caught.value
    )
    assert peak < 50_000  # never made
