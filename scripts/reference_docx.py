"""Write templates/reference.docx: the look of Word briefs, made to match the PDF's.

A team that wants its own look copies this file into its template folder, opens it in Word or
LibreOffice and changes the styles (Pandoc's and Quarto's ``reference-doc`` work the same way):
the briefs take every style from it. Run again after changing this script; the file it writes is
the same byte for byte each time (a test checks the bundled one is current).

    python scripts/reference_docx.py            # write templates/reference.docx
    python scripts/reference_docx.py --check    # exit 1 if it is out of date
"""

from __future__ import annotations

import datetime as dt
import io
import sys
from pathlib import Path
from typing import Any

import docx
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from aftercare_report.docx_render import _reproducible  # noqa: E402

TARGET = ROOT / "templates" / "reference.docx"
PRIMARY = "1F4E79"  # brief.css --primary
INK = "1A1A1A"
MUTED = "555555"
RULE = "C9D1DA"
TINT = "F2F5F9"
FONT = "DejaVu Sans"  # the first family of brief.css; Word substitutes a sans where it lacks it
DATE = dt.date(2026, 1, 1)


def reference() -> bytes:
    """The reference document's bytes."""
    document = docx.Document()
    _defaults(document)
    styles = document.styles
    _paragraph(styles["Normal"], size=10, colour=INK, after=4, line=1.2)
    _paragraph(styles["Title"], size=22, colour=PRIMARY, bold=True, after=2, border=None)
    _paragraph(styles["Subtitle"], size=12, colour="333333", after=6, italic=False)
    _paragraph(
        styles["Heading 1"],
        size=13,
        colour=PRIMARY,
        bold=True,
        before=14,
        after=4,
        border=("bottom", PRIMARY, 12),
    )
    _paragraph(styles["Heading 2"], size=11.5, colour=PRIMARY, bold=True, before=12, after=3)
    _paragraph(styles["Heading 3"], size=10, colour=INK, bold=True, before=9, after=2)
    _paragraph(styles["Caption"], size=9, colour=MUTED, bold=False, after=8)
    for name in ("List Bullet", "List Number", "List Continue"):
        _paragraph(styles[name], after=3)
    lead = styles.add_style("Lead", WD_STYLE_TYPE.PARAGRAPH)
    lead.base_style = styles["Normal"]
    _paragraph(lead, colour=MUTED, size=9.5)
    standing = styles.add_style("Standing", WD_STYLE_TYPE.PARAGRAPH)
    standing.base_style = styles["Normal"]
    _paragraph(standing, size=9.5, before=6, after=6, border=("left", PRIMARY, 18), shade=TINT)
    masthead = styles.add_style("Masthead", WD_STYLE_TYPE.PARAGRAPH)
    masthead.base_style = styles["Normal"]
    _paragraph(masthead, size=9, colour=PRIMARY, bold=True, after=0)
    link = styles.add_style("Hyperlink", WD_STYLE_TYPE.CHARACTER)
    link.font.color.rgb = RGBColor.from_string(PRIMARY)
    link.font.underline = True
    _footer_style(styles["Footer"])
    _table_style(styles.add_style("Brief Table", WD_STYLE_TYPE.TABLE))
    _page(document)
    core = document.core_properties
    when = dt.datetime(DATE.year, DATE.month, DATE.day, tzinfo=dt.UTC)
    core.title = "aftercare-report: reference document for Word briefs"
    core.author = core.last_modified_by = "aftercare-report"
    core.created = core.modified = when
    core.revision = 1
    core.comments = "The styles of Word briefs. Change them here; the content is replaced."
    document.add_paragraph("Title", style="Title")
    document.add_paragraph(
        "The briefs take their styles from this document: Title, Subtitle, Heading 1-3, Normal, "
        "Lead, Standing, Masthead, Caption, List Bullet, List Number, List Continue, Hyperlink, "
        "Footer and the table style Brief Table. Its text is replaced."
    )
    return _reproducible(document, DATE)


def _defaults(document: Any) -> None:
    """DejaVu Sans everywhere (no theme fonts, which would be Calibri and Cambria)."""
    defaults = document.styles.element.find(qn("w:docDefaults"))
    run = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    fonts = run.get_or_add_rFonts()
    for key in list(fonts.attrib):
        del fonts.attrib[key]
    for attribute in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attribute), FONT)
    for style in document.styles.element.findall(qn("w:style")):
        properties = style.find(qn("w:rPr"))
        if properties is None:
            continue
        font = properties.find(qn("w:rFonts"))
        if font is not None and any("Theme" in key for key in font.attrib):
            properties.remove(font)
        colour = properties.find(qn("w:color"))
        if colour is not None:
            for key in [k for k in colour.attrib if "theme" in k.lower()]:
                del colour.attrib[key]


def _paragraph(
    style: Any,
    *,
    size: float | None = None,
    colour: str | None = None,
    bold: bool | None = None,
    italic: bool | None = None,
    before: float | None = None,
    after: float | None = None,
    line: float | None = None,
    border: tuple[str, str, int] | bool | None = False,
    shade: str | None = None,
) -> None:
    font, layout = style.font, style.paragraph_format
    if size is not None:
        font.size = Pt(size)
    if colour is not None:
        font.color.rgb = RGBColor.from_string(colour)
    if bold is not None:
        font.bold = bold
    if italic is not None:
        font.italic = italic
    if before is not None:
        layout.space_before = Pt(before)
    if after is not None:
        layout.space_after = Pt(after)
    if line is not None:
        layout.line_spacing = line
    properties = style.element.get_or_add_pPr()
    if border is not False:
        old = properties.find(qn("w:pBdr"))
        if old is not None:
            properties.remove(old)
        if border:
            side, border_colour, eighths = border
            edges = OxmlElement("w:pBdr")
            edge = OxmlElement(f"w:{side}")
            for key, value in (
                ("val", "single"),
                ("sz", str(eighths)),
                ("space", "4"),
                ("color", border_colour),
            ):
                edge.set(qn(f"w:{key}"), value)
            edges.append(edge)
            properties.append(edges)
    if shade:
        shading = OxmlElement("w:shd")
        for key, value in (("val", "clear"), ("color", "auto"), ("fill", shade)):
            shading.set(qn(f"w:{key}"), value)
        properties.append(shading)


def _footer_style(style: Any) -> None:
    _paragraph(style, size=7.5, colour=MUTED, after=0)
    stops = style.paragraph_format.tab_stops
    for stop in list(stops):
        stops._pPr.tabs.remove(stop._tab)  # Letter-width stops of the default template
    stops.add_tab_stop(Cm(21.0 - 1.6 - 1.6), WD_TAB_ALIGNMENT.RIGHT)


def _table_style(style: Any) -> None:
    """Rules between rows, a heavier one under the header, text a little smaller: brief.css."""
    style.base_style = None
    style.font.size = Pt(9)
    element = style.element
    table = OxmlElement("w:tblPr")
    borders = OxmlElement("w:tblBorders")
    for side in ("top", "bottom", "insideH"):
        edge = OxmlElement(f"w:{side}")
        for key, value in (("val", "single"), ("sz", "4"), ("space", "0"), ("color", RULE)):
            edge.set(qn(f"w:{key}"), value)
        borders.append(edge)
    table.append(borders)
    margins = OxmlElement("w:tblCellMar")
    for side, width in (("top", 40), ("left", 80), ("bottom", 40), ("right", 80)):
        edge = OxmlElement(f"w:{side}")
        edge.set(qn("w:w"), str(width))
        edge.set(qn("w:type"), "dxa")
        margins.append(edge)
    table.append(margins)
    element.append(table)
    header = OxmlElement("w:tblStylePr")
    header.set(qn("w:type"), "firstRow")
    run = OxmlElement("w:rPr")
    run.append(OxmlElement("w:b"))
    colour = OxmlElement("w:color")
    colour.set(qn("w:val"), PRIMARY)
    run.append(colour)
    header.append(run)
    cell = OxmlElement("w:tcPr")
    cell_borders = OxmlElement("w:tcBorders")
    bottom = OxmlElement("w:bottom")
    for key, value in (("val", "single"), ("sz", "12"), ("space", "0"), ("color", PRIMARY)):
        bottom.set(qn(f"w:{key}"), value)
    cell_borders.append(bottom)
    cell.append(cell_borders)
    header.append(cell)
    element.append(header)


def _page(document: Any) -> None:
    """A4, with the PDF's margins (brief.css @page)."""
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(1.7), Cm(1.6)
    section.left_margin = section.right_margin = Cm(1.6)
    section.footer.is_linked_to_previous = False
    section.footer.paragraphs[0].style = document.styles["Footer"]


def main() -> int:
    """Write the reference document, or with --check say whether it is current."""
    data = reference()
    if "--check" in sys.argv:
        current = TARGET.is_file() and TARGET.read_bytes() == data
        if not current:
            print(f"{TARGET}: out of date; run python scripts/reference_docx.py")
        return 0 if current else 1
    TARGET.write_bytes(data)
    print(f"wrote {TARGET.relative_to(ROOT)} ({len(io.BytesIO(data).getvalue()):,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
