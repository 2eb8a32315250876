"""A PDF carries no link but to the web and within itself, and no attachment but the profile.

The inert check refuses other links before a PDF is made (tests/test_inert.py); here the maker
is handed them anyway, as if a check had missed one, and the PDF's annotations are read back.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pypdf
import pytest
from click.testing import CliRunner

from aftercare_report.cli import cli
from aftercare_report.pdf import PdfRequest
from aftercare_report.resources import bundled

pytestmark = pytest.mark.slow

LINKS = [
    "https://example.org/report",
    "http://example.org/plain",
    "#sources",
    "javascript:app.alert(1)",
    "JavaScript:app.alert(2)",
    "file:///etc/passwd",
    "relative.html",
    "../../../../etc/passwd",
    "mailto:team@example.org",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
]


def annotations(pdf: Path | bytes) -> list[dict[str, object]]:
    """Every link annotation of a PDF: its URI action, or that it goes within the document."""
    reader = pypdf.PdfReader(io.BytesIO(pdf) if isinstance(pdf, bytes) else pdf)
    found = []
    for page in reader.pages:
        for ref in page.get("/Annots") or []:
            annot = ref.get_object()
            if annot.get("/Subtype") != "/Link":
                continue
            action = annot.get("/A")
            action = action.get_object() if action is not None else {}
            found.append(
                {
                    "uri": str(action.get("/URI", "")),
                    "kind": str(action.get("/S", "")),
                    "internal": "/Dest" in annot or action.get("/S") == "/GoTo",
                }
            )
    return found


def test_the_maker_keeps_only_web_and_internal_links() -> None:
    from aftercare_report.pdf_render import make_pdf

    anchors = "".join(f'<p><a href="{href}">link {i}</a></p>' for i, href in enumerate(LINKS))
    attached = '<a rel="attachment" href="base.html">a</a><link rel="attachment" href="brief.css">'
    html = (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>t</title></head>'
        f'<body><h1 id="sources">Links</h1>{anchors}{attached}</body></html>'
    )
    request = PdfRequest(
        html=html,
        stylesheets=(),
        roots=(bundled("templates").resolve(),),
        title="t",
        subject="s",
        keywords=(),
        author="a",
        date=dt.date(2026, 1, 1),
        attachments=(("testland.yaml", b"country: Testland\n"),),
    )
    made = make_pdf(request)
    uris = {a["uri"] for a in annotations(made.data) if a["uri"]}
    assert uris == {"https://example.org/report", "http://example.org/plain"}
    assert any(a["internal"] for a in annotations(made.data)), "#sources stays a link"
    assert list(pypdf.PdfReader(io.BytesIO(made.data)).attachments) == ["testland.yaml"]
    left_out = [w for w in made.warnings if "left out" in w]
    assert any("javascript:" in w for w in left_out) and any("file:" in w for w in left_out)


def test_the_bundled_pdf_links_only_to_the_web_and_within_itself(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli, ["build", "thailand", "--format", "pdf", "--out", str(tmp_path)]
    )
    assert result.exit_code == 0, result.output
    found = annotations(tmp_path / "thailand.pdf")
    assert found and any(a["internal"] for a in found)
    external = [str(a["uri"]) for a in found if not a["internal"]]
    assert external and all(u.startswith(("https://", "http://")) for u in external), external
