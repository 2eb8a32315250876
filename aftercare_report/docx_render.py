"""Word briefs: the print HTML made into a real Word document, styled by a reference document.

The brief's print HTML (what the PDF is made from, so a team's template overrides reach Word too)
is read with the standard library's parser and written with python-docx: headings in Word's
heading styles (the navigation pane and a table of contents work), numbered lists that restart
where the brief's do, tables whose header row repeats on every page, the levels chart as a
picture with its text alternative, source numbers linked to the numbered sources, and the web
links of the sources. The look comes from a reference document, ``reference.docx`` in the
template folders (a team's own first, like Pandoc's and Quarto's ``reference-doc``); the brand
colours and font of the project file are put over it when the project sets them.

Profile text only ever enters runs as text (python-docx escapes it), links only to web and mail
addresses, and the reference document may not load anything from elsewhere. The same inputs give
the same bytes: the package's dates are the brief's, its zip entries carry one fixed time.

python-docx and Pillow are imported only by :func:`make_docx`, which runs in a worker.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import datetime as dt
import io
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import TYPE_CHECKING, Any

from aftercare_report import assets, colours
from aftercare_report.confine import Refused, read_regular
from aftercare_report.errors import TemplateError, display_path
from aftercare_report.limits import ASSET_BYTES
from aftercare_report.outputs import Made
from aftercare_report.settings import Brand

if TYPE_CHECKING:
    from docx.document import Document as WordDocument
    from docx.table import _Cell
    from docx.text.paragraph import Paragraph

    from aftercare_report.build import Brief, Setting

REFERENCE = "reference.docx"
"""The reference document's name in the template folders."""


@dataclass(frozen=True)
class DocxRequest:
    """Everything needed to make one Word brief, picklable for a worker.

    Attributes:
        html: The brief rendered for print, its images named as the template named them.
        images: Each image the HTML uses by a relative ``src``, once, by that name: the
            document holds one copy of it however often it is used.
        reference: The reference document's bytes.
        reference_name: Where it came from, for messages.
        title: Document title (core properties).
        subject: Its subject.
        author: The organisation.
        keywords: Keywords.
        lang: The brief's language (every style's, and the core properties').
        date: The evidence date: the document's created and modified dates.
        primary: Brand colour for headings (``#1f4e79``), or "" to keep the reference's.
        accent: Second brand colour, or "".
        font: Body font family, or "" to keep the reference's.
        page_numbers: The footer's "Page %(page)s of %(pages)s", in the brief's language.
    """

    html: str
    images: tuple[tuple[str, bytes], ...]
    reference: bytes
    reference_name: str
    title: str
    subject: str
    author: str
    keywords: tuple[str, ...]
    lang: str
    date: dt.date
    primary: str = ""
    accent: str = ""
    font: str = ""
    page_numbers: str = "Page %(page)s of %(pages)s"

    def fingerprint(self) -> Sequence[bytes]:
        """Everything the document depends on (its key in the manifest)."""
        meta = [self.title, self.subject, self.author, *self.keywords, self.lang]
        meta += [self.date.isoformat(), self.primary, self.accent, self.font, self.page_numbers]
        images = [part for name, data in self.images for part in (name.encode(), data)]
        return (self.html.encode(), *images, self.reference, "\0".join(meta).encode())


def request(brief: Brief, html: str, setting: Setting) -> DocxRequest:
    """Gather what the Word maker needs: the print HTML, the reference document, the brand.

    Args:
        brief: The brief.
        html: The brief rendered for print.
        setting: The template folders (the reference document, images).

    Raises:
        TemplateError: The reference document or an image is missing or refused.
    """
    from aftercare_report.i18n import current, using
    from aftercare_report.i18n_templates import PAGE_NUMBERS

    ctx, tpl = brief.context, setting.tpl
    path = tpl.find(REFERENCE)
    try:
        reference = read_regular(path, ASSET_BYTES)
    except Refused as exc:
        raise TemplateError(f"{display_path(path)}: refused: {exc}") from None
    limit = setting.options.limits.html_chars
    images = assets.images_used(html, tpl.folders[0], brief.subject, limit)
    default, brand = Brand(), ctx.brand
    with using(brief.language):
        page_numbers = current().translations.gettext(PAGE_NUMBERS)
    return DocxRequest(
        html=html,
        images=tuple(images.items()),
        reference=reference,
        reference_name=display_path(path),
        title=ctx.title,
        subject=ctx.subtitle,
        author=brand.organisation,
        keywords=("survivor aftercare", "trafficking", *(c.country for c in ctx.countries)),
        lang=ctx.lang,
        date=brief.date,
        primary=_hex(brand.primary) if brand.primary != default.primary else "",
        accent=_hex(brand.accent) if brand.accent != default.accent else "",
        font=_first_family(brand.font) if brand.font != default.font else "",
        page_numbers=page_numbers,
    )


def _hex(css: str) -> str:
    colour = colours.parse(css)
    return colours.hex_of(colour) if colour else ""


def _first_family(css: str) -> str:
    first = css.split(",")[0].strip().strip("'\"")
    return first if re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9 _-]{0,62}", first) else ""


# --- the HTML, as a small tree -------------------------------------------------------------


@dataclass
class Node:
    """An element of the print HTML (text children are strings)."""

    tag: str
    attrs: dict[str, str] = field(default_factory=dict)
    children: list[Node | str] = field(default_factory=list)

    @property
    def classes(self) -> set[str]:
        """Its CSS classes."""
        return set(self.attrs.get("class", "").split())

    def text(self) -> str:
        """All the text inside, white space as written."""
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)

    def find(self, tag: str) -> Node | None:
        """The first element called ``tag`` inside, depth first."""
        for child in self.children:
            if isinstance(child, Node):
                if child.tag == tag:
                    return child
                found = child.find(tag)
                if found is not None:
                    return found
        return None


_VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta"})
_VOID |= {"source", "track", "wbr"}
_SKIPPED = frozenset({"head", "style", "script", "template", "noscript"})


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("root")
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, {k: v or "" for k, v in attrs})
        self.stack[-1].children.append(node)
        if tag not in _VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.stack[-1].children.append(Node(tag, {k: v or "" for k, v in attrs}))

    def handle_endtag(self, tag: str) -> None:
        for i in range(len(self.stack) - 1, 0, -1):
            if self.stack[i].tag == tag:
                del self.stack[i:]
                return

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


def parse_html(html: str) -> Node:
    """Read HTML into a tree of :class:`Node`."""
    builder = _TreeBuilder()
    builder.feed(html)
    builder.close()
    return builder.root


# --- making the document -------------------------------------------------------------------

_HEADINGS = {"h1": "Title", "h2": "Heading 1", "h3": "Heading 2", "h4": "Heading 3"}
_PARAGRAPH_STYLES = {
    "masthead__subtitle": "Subtitle",
    "section-lead": "Lead",
    "standing": "Standing",
    "muted": "Lead",
    "masthead__organisation": "Masthead",
    "masthead__kind": "Masthead",
}
_BADGES = {
    "provided": "D9ECD9",
    "absent": "D9ECD9",
    "supported": "D9ECD9",
    "partial": "FDE9C9",
    "medium": "FDE9C9",
    "unsupported": "FDE9C9",
    "not_provided": "B2182B",
    "present": "B2182B",
    "high": "B2182B",
    "contradicted": "B2182B",
    "low": "E5EEF7",
}
_LEVELS = {"0": "B2182B", "1": "EF8A62", "2": "FDDBC7", "3": "92C5DE", "4": "2166AC"}
_WHITE_ON = frozenset({"B2182B", "2166AC"})
_LEVEL = re.compile(r"level-(\d|unknown)")
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
"""Characters XML 1.0 cannot hold (python-docx would refuse the whole document)."""
_SPACE = re.compile(r"\s+")
_WEB = re.compile(r"^(https?|mailto):", re.I)
CHART_WIDTH_CM = 16.5
TEXT_WIDTH_CM = 17.8
CHAR_CM = 0.22
"""About how wide a character of table text is (9 pt)."""
"""The width of the text on an A4 page with the reference document's margins."""
_BREAK_BEFORE = frozenset({"gap-words", "stage__duration", "figure-counts"})
"""Inline elements the stylesheet sets on a line of their own."""


def make_docx(request: DocxRequest) -> Made:
    """Make the Word brief (runs in a worker, where python-docx is imported).

    Raises:
        TemplateError: The reference document is not a Word document, or loads remote content.
    """
    import docx

    try:
        document = docx.Document(io.BytesIO(request.reference))
    except Exception as exc:  # python-docx raises what zipfile and lxml raise
        msg = f"{request.reference_name}: not a Word document (.docx): {exc}"
        raise TemplateError(msg) from None
    _clear_body(document)
    _apply_brand(document, request)
    writer = _Writer(document, request)
    writer.blocks(parse_html(request.html))
    _footer(document, request)
    _properties(document, request)
    missing = tuple(dict.fromkeys(writer.missing_glyphs))
    package = _reproducible(document, request.date)
    from aftercare_report import docx_inert  # lxml, like python-docx, only in the worker

    found = docx_inert.problems(package)  # what is published, whatever python-docx kept
    if found:
        raise TemplateError(
            f"{request.reference_name}: the Word brief would load or run something when opened: "
            + "; ".join(found[:5])
        )
    return Made(package, missing_glyphs=missing)


def _clear_body(document: WordDocument) -> None:
    body = document.element.body
    for child in list(body):
        if not child.tag.endswith("}sectPr"):
            body.remove(child)


def _apply_brand(document: WordDocument, request: DocxRequest) -> None:
    """The brief's language on every style; the project's brand over the reference's."""
    from docx.oxml.ns import qn
    from docx.shared import RGBColor

    styles = document.styles
    defaults = styles.element.find(qn("w:docDefaults"))
    run_defaults = (
        defaults.find(qn("w:rPrDefault")).find(qn("w:rPr")) if defaults is not None else None
    )
    if run_defaults is not None:
        _set_lang(run_defaults, request.lang)
        if request.font:
            fonts = run_defaults.get_or_add_rFonts()
            for attribute in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
                fonts.set(qn(attribute), request.font)
    for style in styles:
        if style.type == 1 and request.font and style.font.name:  # paragraph styles naming a font
            style.font.name = request.font
        if request.primary and style.name in ("Title", "Heading 1", "Heading 2", "Heading 3"):
            style.font.color.rgb = RGBColor.from_string(request.primary.lstrip("#").upper())


def _set_lang(run_properties: Any, lang: str) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    element = run_properties.find(qn("w:lang"))
    if element is None:
        element = OxmlElement("w:lang")
        run_properties.append(element)
    for attribute in ("w:val", "w:bidi", "w:eastAsia"):
        element.set(qn(attribute), lang)


class _Writer:
    """Writes the tree of the print HTML into the document, block by block."""

    def __init__(self, document: WordDocument, request: DocxRequest) -> None:
        self.document = document
        self.request = request
        self.images = dict(request.images)
        self.missing_glyphs: list[str] = []
        self._bookmarks = 0

    # Blocks ---------------------------------------------------------------------------------

    def blocks(self, node: Node, container: Any = None) -> None:
        """Write every block inside ``node`` (into a table cell when given)."""
        target = container or self.document
        for child in node.children:
            if isinstance(child, str):
                if child.strip():
                    self.inline_paragraph([child], target)
                continue
            self.block(child, target)

    def block(self, node: Node, target: Any) -> None:
        """Write one block element."""
        tag, classes = node.tag, node.classes
        if tag in _SKIPPED or "skip-link" in classes or "visually-hidden" in classes:
            return
        if tag in _HEADINGS:
            paragraph = self._paragraph(target, _HEADINGS[tag])
            self.inline(node, paragraph)
        elif tag == "p" or tag == "summary":
            style = next((_PARAGRAPH_STYLES[c] for c in classes if c in _PARAGRAPH_STYLES), "")
            self.inline(node, self._paragraph(target, style or None))
        elif tag in ("ul", "ol"):
            self.list(node, target, ordered=tag == "ol")
        elif tag == "table":
            self.table(node, target)
        elif tag == "figure" and node.find("svg") is not None:
            self.chart(node, target)
        elif tag == "figcaption":
            self.inline(node, self._paragraph(target, "Caption"))
        elif tag == "img":
            self.image(node, self._paragraph(target, None))
        elif tag == "br":
            return
        elif _has_blocks(node):
            self.blocks(node, target)
        else:
            self.inline(node, self._paragraph(target, None))

    def inline_paragraph(self, children: Sequence[Node | str], target: Any) -> None:
        """A paragraph of loose inline content."""
        self.inline(Node("span", children=list(children)), self._paragraph(target, None))

    def _paragraph(self, target: Any, style: str | None) -> Paragraph:
        paragraph: Paragraph = target.add_paragraph()
        self._style(paragraph, style)
        return paragraph

    def _style(self, paragraph: Paragraph, style: str | None) -> None:
        if style:  # a team's reference document without this style: Normal it is
            with contextlib.suppress(KeyError):
                paragraph.style = self.document.styles[style]

    def list(self, node: Node, target: Any, *, ordered: bool) -> None:
        """A list: each item a paragraph in List Number or List Bullet, numbers restarting."""
        style = "List Number" if ordered else "List Bullet"
        items = [c for c in node.children if isinstance(c, Node) and c.tag == "li"]
        number = None
        if ordered and items:
            start = items[0].attrs.get("value") or node.attrs.get("start") or "1"
            number = self._numbering(style, int(start) if start.isdigit() else 1)
        for item in items:
            blocks = [c for c in item.children if isinstance(c, Node) and _is_block(c)]
            loose = [c for c in item.children if not (isinstance(c, Node) and _is_block(c))]
            first = self._paragraph(target, style)
            if number is not None:
                _number(first, number)
            anchor = item.attrs.get("id", "")
            if anchor:
                self._bookmark(first, anchor)
            if any(isinstance(c, Node) or c.strip() for c in loose):
                self.inline(Node("span", children=loose), first)
                rest = blocks
            elif blocks and blocks[0].tag == "p":
                self.inline(blocks[0], first)
                rest = blocks[1:]
            else:
                rest = blocks
            for block in rest:
                if block.tag == "p":
                    self.inline(block, self._paragraph(target, "List Continue"))
                else:
                    self.block(block, target)

    def _numbering(self, style: str, start: int) -> int | None:
        """A new numbering instance of ``style``'s list, starting at ``start``."""
        from docx.oxml import OxmlElement
        from docx.oxml.ns import qn

        try:
            ppr = self.document.styles[style].element.pPr
        except KeyError:
            return None
        num_pr = ppr.numPr if ppr is not None else None
        if num_pr is None or num_pr.numId is None:
            return None
        numbering = self.document.part.numbering_part.element
        abstract = numbering.num_having_numId(num_pr.numId.val).abstractNumId.val
        num = numbering.add_num(abstract)
        override = OxmlElement("w:lvlOverride")
        override.set(qn("w:ilvl"), "0")
        start_override = OxmlElement("w:startOverride")
        start_override.set(qn("w:val"), str(start))
        override.append(start_override)
        num.append(override)
        return int(num.numId)

    def table(self, node: Node, target: Any) -> None:
        """A table: header rows repeat on each page, level cells keep their colour."""
        from docx.oxml import OxmlElement
        from docx.oxml.ns import qn

        rows: list[tuple[Node, bool]] = []
        for section in node.children:
            if isinstance(section, Node) and section.tag in ("thead", "tbody", "tfoot", "tr"):
                for row in [section] if section.tag == "tr" else section.children:
                    if isinstance(row, Node) and row.tag == "tr":
                        rows.append((row, section.tag == "thead"))
        if not rows:
            return
        width = max(len(_cells(row)) for row, _ in rows)
        table = target.add_table(rows=len(rows), cols=width)
        with contextlib.suppress(KeyError):
            table.style = self.document.styles["Brief Table"]
        caption = node.find("caption")
        if caption is not None:
            properties = table._tbl.tblPr
            element = OxmlElement("w:tblCaption")
            element.set(qn("w:val"), _clean(caption.text()))
            properties.append(element)
        _widths(table, [[_SPACE.sub(" ", c.text()).strip() for c in _cells(r)] for r, _ in rows])
        for (row, head), word_row in zip(rows, table.rows, strict=True):
            if head:
                properties = word_row._tr.get_or_add_trPr()
                properties.append(OxmlElement("w:tblHeader"))
            for cell_node, cell in zip(_cells(row), word_row.cells, strict=False):
                self.cell(cell_node, cell, bold=head or cell_node.tag == "th")

    def cell(self, node: Node, cell: _Cell, *, bold: bool) -> None:
        """One table cell: its text (bold for header cells), its level colour."""
        level = next((c[6:] for c in sorted(node.classes) if _LEVEL.fullmatch(c)), None)
        if level in _LEVELS or level == "unknown":
            _shade(cell._tc.get_or_add_tcPr(), _LEVELS.get(level or "", "F1F1F1"))
        paragraph = cell.paragraphs[0]
        if _has_blocks(node):
            self.blocks(node, cell)
            if not paragraph.text and len(cell.paragraphs) > 1:
                paragraph._p.getparent().remove(paragraph._p)
        else:
            self.inline(node, paragraph, bold=bold, white=_LEVELS.get(level or "") in _WHITE_ON)

    def chart(self, node: Node, target: Any) -> None:
        """The levels chart: a picture drawn from its SVG, with the SVG's title and description."""
        from docx.shared import Cm

        from aftercare_report import svg_picture

        svg = node.find("svg")
        assert svg is not None
        picture = svg_picture.draw(svg)
        self.missing_glyphs.extend(picture.missing_glyphs)
        paragraph = self._paragraph(target, None)
        run = paragraph.add_run()
        shape = run.add_picture(io.BytesIO(picture.png), width=Cm(CHART_WIDTH_CM))
        _describe(shape, picture.title, picture.description)
        caption = node.find("figcaption")
        if caption is not None:
            self.inline(caption, self._paragraph(target, "Caption"))

    def image(self, node: Node, paragraph: Paragraph) -> None:
        """An image the template named by a relative ``src``, or gave as a ``data:`` URI."""
        from docx.shared import Cm

        src = node.attrs.get("src", "")
        name = assets.relative(src)
        data = self.images.get(name) if name is not None else _data_uri(src)
        if data is None:
            return
        run = paragraph.add_run()
        try:
            shape = run.add_picture(io.BytesIO(data), height=Cm(1.5))
        except Exception:  # not an image python-docx can size (SVG): leave it out
            return
        _describe(shape, node.attrs.get("alt", ""), "")

    # Inline ---------------------------------------------------------------------------------

    def inline(
        self, node: Node, paragraph: Paragraph, *, bold: bool = False, white: bool = False
    ) -> None:
        """Write the inline content of ``node`` as runs of ``paragraph``."""
        state = _Run(bold=bold, white=white)
        self._inline(node, paragraph, state, paragraph)
        _trim(paragraph)

    def _inline(self, node: Node, paragraph: Paragraph, state: _Run, holder: Any) -> None:
        for child in node.children:
            if isinstance(child, str):
                self._text(child, paragraph, state, holder)
                continue
            tag, classes = child.tag, child.classes
            if tag in _SKIPPED or "visually-hidden" in classes:
                continue
            if tag == "br":
                paragraph.add_run().add_break()
                continue
            if tag == "img":
                self.image(child, paragraph)
                continue
            if classes & _BREAK_BEFORE and paragraph.runs:
                paragraph.add_run().add_break()
            inner = state.inside(child)
            if tag == "a" and child.attrs.get("href"):
                link = self._hyperlink(paragraph, child.attrs["href"])
                if link is not None:
                    self._inline(child, paragraph, inner, link)
                    continue
            self._inline(child, paragraph, inner, holder)

    def _text(self, text: str, paragraph: Paragraph, state: _Run, holder: Any) -> None:
        text = _SPACE.sub(" ", _clean(text))
        if not text:
            return
        if (not paragraph.runs and holder is paragraph) or _ends_with_space(paragraph):
            text = text.lstrip()
            if not text:
                return
        run = paragraph.add_run(text) if holder is paragraph else _link_run(paragraph, holder, text)
        state.apply(run)

    def _hyperlink(self, paragraph: Paragraph, href: str) -> Any:
        """A hyperlink element to a web or mail address, or to a bookmark (``#note-3``)."""
        from docx.opc.constants import RELATIONSHIP_TYPE
        from docx.oxml import OxmlElement
        from docx.oxml.ns import qn

        link = OxmlElement("w:hyperlink")
        if href.startswith("#") and re.fullmatch(r"#[A-Za-z][A-Za-z0-9_-]{0,38}", href):
            link.set(qn("w:anchor"), _bookmark_name(href[1:]))
        elif _WEB.match(href) and not _CONTROL.search(href):
            rel = paragraph.part.relate_to(href, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
            link.set(qn("r:id"), rel)
        else:
            return None
        paragraph._p.append(link)
        return link

    def _bookmark(self, paragraph: Paragraph, name: str) -> None:
        from docx.oxml import OxmlElement
        from docx.oxml.ns import qn

        self._bookmarks += 1
        start, end = OxmlElement("w:bookmarkStart"), OxmlElement("w:bookmarkEnd")
        start.set(qn("w:id"), str(self._bookmarks))
        start.set(qn("w:name"), _bookmark_name(name))
        end.set(qn("w:id"), str(self._bookmarks))
        paragraph._p.insert(0 if paragraph._p.pPr is None else 1, start)
        paragraph._p.append(end)


@dataclass(frozen=True)
class _Run:
    """How the text inside an inline element looks."""

    bold: bool = False
    italic: bool = False
    superscript: bool = False
    code: bool = False
    link: bool = False
    white: bool = False
    shading: str = ""
    lang: str = ""

    def inside(self, node: Node) -> _Run:
        """The look of the text inside ``node``, nested in this one."""
        tag, classes = node.tag, node.classes
        changes: dict[str, Any] = {}
        if tag in ("strong", "b", "th") or classes & {"rec__label", "figure-label", "badge"}:
            changes["bold"] = True
        if tag in ("em", "i", "cite") or classes & {"level-text", "unknown"}:
            changes["italic"] = True
        if tag == "sup" or "ref" in classes:
            changes["superscript"] = True
        if tag in ("code", "kbd", "samp"):
            changes["code"] = True
        if tag == "a" and node.attrs.get("href"):
            changes["link"] = True
        if node.attrs.get("lang"):
            changes["lang"] = node.attrs["lang"]
        # badge--stage-not_provided: the variant after the family names the colour.
        variants = [
            c.split("-", 3)[3] for c in classes if c.startswith("badge--") and c.count("-") >= 3
        ]
        badge = variants[0] if variants else "badge" if "badge" in classes else ""
        if badge:
            colour = _BADGES.get(badge, "EEEEEE")
            changes["shading"], changes["white"] = colour, colour in _WHITE_ON
        return _Run(**{**self.__dict__, **changes})

    def apply(self, run: Any) -> None:
        """Give a run this look."""
        from docx.shared import RGBColor

        font = run.font
        font.bold = self.bold or None
        font.italic = self.italic or None
        font.superscript = self.superscript or None
        if self.code:
            font.name = "DejaVu Sans Mono"
        if self.link:
            try:
                run.style = run.part.document.styles["Hyperlink"]
            except (KeyError, AttributeError):
                font.underline = True
        if self.white:
            font.color.rgb = RGBColor(0xFF, 0xFF, 0xFF)
        properties = run._r.get_or_add_rPr()
        if self.shading:
            _shade(properties, self.shading)
        if self.lang:
            _set_lang(properties, self.lang)


def _link_run(paragraph: Paragraph, link: Any, text: str) -> Any:
    """A run inside a hyperlink element."""
    from docx.text.run import Run

    run = paragraph.add_run(text)
    link.append(run._r)  # moves it from the paragraph into the link
    return Run(run._r, paragraph)


def _ends_with_space(paragraph: Paragraph) -> bool:
    texts = [t.text for t in paragraph._p.iter() if t.tag.endswith("}t") and t.text]
    return not texts or texts[-1].endswith(" ")


def _trim(paragraph: Paragraph) -> None:
    texts = [t for t in paragraph._p.iter() if t.tag.endswith("}t") and t.text]
    if texts:
        texts[-1].text = texts[-1].text.rstrip()


def _number(paragraph: Paragraph, number: int) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    properties = paragraph._p.get_or_add_pPr()
    num_pr = OxmlElement("w:numPr")
    level, num_id = OxmlElement("w:ilvl"), OxmlElement("w:numId")
    level.set(qn("w:val"), "0")
    num_id.set(qn("w:val"), str(number))
    num_pr.append(level)
    num_pr.append(num_id)
    properties.append(num_pr)


def _widths(table: Any, texts: list[list[str]]) -> None:
    """Column widths that follow the text: long evidence wide, a level or a year narrow.

    Word and LibreOffice would otherwise give every column the same width, and a table of
    evidence would run to twice its length on paper.
    """
    from docx.shared import Cm

    columns = max(len(row) for row in texts)
    least, weights = [], []
    for i in range(columns):
        cells = [row[i] for row in texts if i < len(row) and row[i]]
        word = max((len(w) for t in cells for w in t.split()), default=1)
        least.append(max(1.4, min(word, 24) * CHAR_CM + 0.35))  # the longest word fits
        weights.append(min(sum(len(t) for t in cells) / len(cells), 70.0) if cells else 1.0)
    spare = max(TEXT_WIDTH_CM - sum(least), 0.0)
    widths = [w + spare * weight / sum(weights) for w, weight in zip(least, weights, strict=True)]
    scale = TEXT_WIDTH_CM / sum(widths)
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=True):
        column.width = Cm(width * scale)
        for cell in column.cells:
            cell.width = Cm(width * scale)


def _shade(properties: Any, colour: str) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), colour)
    properties.append(shading)


def _describe(shape: Any, title: str, description: str) -> None:
    """Give a picture its text alternative (Word's alt text: title and description)."""
    doc_pr = shape._inline.docPr
    doc_pr.set("title", _clean(title))
    doc_pr.set("descr", _clean(description or title))


def _bookmark_name(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_]", "_", name)[:40]


def _clean(text: str) -> str:
    return _CONTROL.sub("", text)


def _cells(row: Node) -> list[Node]:
    return [c for c in row.children if isinstance(c, Node) and c.tag in ("th", "td")]


_BLOCKS = frozenset({"p", "ul", "ol", "table", "figure", "section", "article", "div", "h1", "h2"})
_BLOCKS |= {"h3", "h4", "header", "footer", "main", "details", "summary", "figcaption", "body"}
_BLOCKS |= {"html", "blockquote", "nav", "aside"}


def _is_block(node: Node) -> bool:
    return node.tag in _BLOCKS


def _has_blocks(node: Node) -> bool:
    return any(isinstance(c, Node) and _is_block(c) for c in node.children)


def _data_uri(src: str) -> bytes | None:
    match = re.fullmatch(r"data:image/(png|jpeg|gif);base64,([A-Za-z0-9+/=\s]+)", src)
    if not match:
        return None
    try:
        return base64.b64decode(match[2])
    except binascii.Error:
        return None


def _footer(document: WordDocument, request: DocxRequest) -> None:
    """The organisation, and "Page X of Y" with Word's fields, in the brief's language."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    footer = document.sections[0].footer
    paragraph = footer.paragraphs[0] if footer.paragraphs else footer.add_paragraph()
    paragraph.text = ""
    paragraph.add_run(_clean(request.author) + "\t")
    for piece in re.split(r"(%\((?:page|pages)\)s)", request.page_numbers):
        if piece in ("%(page)s", "%(pages)s"):
            run = paragraph.add_run()
            field = OxmlElement("w:fldSimple")
            field.set(qn("w:instr"), "PAGE" if piece == "%(page)s" else "NUMPAGES")
            field.append(run._r)
            run._r.append(_text_element("1"))
            paragraph._p.append(field)
        elif piece:
            paragraph.add_run(_clean(piece))


def _text_element(text: str) -> Any:
    from docx.oxml import OxmlElement

    element = OxmlElement("w:t")
    element.text = text
    return element


def _properties(document: WordDocument, request: DocxRequest) -> None:
    """Title, author, language and dates: the brief's, never the clock's."""
    when = dt.datetime(request.date.year, request.date.month, request.date.day, tzinfo=dt.UTC)
    core = document.core_properties
    core.title = _clean(request.title)
    core.subject = _clean(request.subject)
    core.author = core.last_modified_by = _clean(request.author)
    core.keywords = _clean(", ".join(request.keywords))
    core.language = request.lang
    core.created = core.modified = when
    if core.last_printed is not None:
        core.last_printed = when
    core.revision = 1
    core.comments = ""
    core.category = ""


ZIP_TIME = (1980, 1, 1, 0, 0, 0)


def _reproducible(document: WordDocument, date: dt.date) -> bytes:
    """The package's bytes with every zip entry at one time (the brief's date, or 1980)."""
    raw = io.BytesIO()
    document.save(raw)
    stamp = (max(date.year, 1980), date.month, date.day, 0, 0, 0)
    out = io.BytesIO()
    with zipfile.ZipFile(raw) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=stamp)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            target.writestr(entry, source.read(info.filename))
    return out.getvalue()
