"""The check that a Word brief loads nothing from elsewhere when it is opened.

A ``.docx`` is a zip of XML parts. Word, LibreOffice and other readers fetch what a part
points to when the file opens: an image, a font, a frame or a sub-document whose relationship
is ``TargetMode="External"``, the attached template named in the settings, and fields such
as ``INCLUDEPICTURE``, ``INCLUDETEXT``, ``LINK`` or ``DDE`` when fields are updated. The
reference document comes from a team's template folder, which a pull request can change, so
:func:`problems` reads the package as it will be published, every part of it (main document,
headers, footers, footnotes, comments, settings, glossary, images in SVG), with real XML
namespaces, not prefixes (``<x:attachedTemplate>`` is the same element as
``<w:attachedTemplate>``). What passes:

- external relationships only of the hyperlink type, to web or mail addresses (a link loads
  nothing until a reader follows it), and used only by hyperlink elements: a picture that
  names such a relationship (``<a:blip r:link="...">``) is fetched on opening whatever type
  its relationship claims;
- fields whose name is on a list of fields that only show what is in the document (page
  numbers, references, dates, document properties...), the name read as Word reads it, from the
  instruction text of all the field's runs joined with nothing between them;
- no element that loads or runs: attached templates, mail-merge data sources, alternative
  format chunks, sub-documents, frames, ActiveX controls, OLE objects;
- no attribute holding an address other than the schemas' own names.
"""

from __future__ import annotations

import io
import posixpath
import re
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Iterator

from aftercare_report import inert

_OPC = "http://schemas.openxmlformats.org/package/2006/relationships"
_HYPERLINK = {
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink",
    "http://purl.oclc.org/ooxml/officeDocument/relationships/hyperlink",
}
_WORD = {
    "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "http://purl.oclc.org/ooxml/wordprocessingml/main",
}
_OFFICE = "urn:schemas-microsoft-com:office:office"
_RELATIONSHIP_NAMES = {
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "http://purl.oclc.org/ooxml/officeDocument/relationships",
}
"""The namespace of the attributes that name a relationship (``r:id``, ``r:link``, ``r:embed``)."""
_LINKS = {
    (namespace, local)
    for namespace in (
        *_WORD,
        "http://schemas.openxmlformats.org/drawingml/2006/main",
        "http://purl.oclc.org/ooxml/drawingml/main",
    )
    for local in ("hyperlink", "hlinkClick", "hlinkHover")
}
"""Elements that make a link a reader follows: the only users an external relationship may have."""
_LINK_TARGET = re.compile(r"(?:https?://|mailto:)[^\s\\]", re.IGNORECASE)
_ADDRESS = re.compile(r"://|^\s*(?:\\\\|//|[a-z][a-z0-9+.-]*:(?![0-9]))", re.IGNORECASE)
"""A relationship target that names a place: a URL, a protocol-relative or UNC path, any scheme."""
_PLACE = re.compile(
    r"://|^\s*(?:\\\\|//|/\\|\\/|(?:https?|file|mhtml|mk|ms-[a-z-]+|its|res|smb|javascript|"
    r"vbscript|search(?:-ms)?|jar|ldap|ftp|onenote):)",
    re.IGNORECASE,
)
"""An attribute value that names a place (attribute values also hold names like
``dcterms:W3CDTF``, so only schemes that load count, and anything with ``://``): also
``http:\\host``, ``http:host``, ``/\\host`` and ``\\/host``, which a browser reads as another
host (see ``inert._OTHER_HOST``)."""
_SCHEMA_NAMES = (
    "http://schemas.openxmlformats.org/",
    "http://schemas.microsoft.com/",
    "http://purl.oclc.org/ooxml/",
    "http://www.w3.org/",
    "http://purl.org/",
    "urn:schemas-microsoft-com:",
)
"""Addresses that name a schema or a kind of content, which no reader fetches."""

_LOADS = {
    "attachedTemplate": "an attached template (fetched when the document opens)",
    "mailMerge": "a mail merge with a data source",
    "altChunk": "an alternative format chunk (imported, with what it loads, on opening)",
    "subDoc": "a sub-document",
    "frameset": "a frame set",
    "frame": "a frame",
    "control": "an ActiveX control",
    "object": "an embedded or linked object",
}
"""Elements of the Word namespace that load or run something, and what they are."""

SAFE_FIELDS = frozenset(
    (  # noqa: SIM905 (a list to read, not to format one word a line)
        "PAGE NUMPAGES SECTIONPAGES SECTION PAGEREF REF NOTEREF STYLEREF SEQ TOC TC TOA TA XE "
        "INDEX DATE TIME CREATEDATE SAVEDATE PRINTDATE EDITTIME TITLE AUTHOR SUBJECT KEYWORDS "
        "COMMENTS LASTSAVEDBY DOCPROPERTY NUMWORDS NUMCHARS REVNUM SYMBOL LISTNUM AUTONUM "
        "AUTONUMLGL AUTONUMOUT ADVANCE EQ BIDIOUTLINE FORMTEXT FORMCHECKBOX FORMDROPDOWN "
        "BIBLIOGRAPHY CITATION"
    ).split()
)
"""Fields that show what is in the document or its properties, and load nothing. Any other
field is refused: ``INCLUDEPICTURE``, ``INCLUDETEXT``, ``LINK``, ``DDE``, ``DDEAUTO``,
``IMPORT``, ``DATABASE``, ``RD``, ``EMBED``, ``MACROBUTTON``, ``ADDIN``..."""

MAX_PROBLEMS = 20


def problems(package: bytes) -> list[str]:
    """Return what in a Word package would load or run anything when it is opened.

    Args:
        package: The ``.docx`` file's bytes.

    Returns:
        One message per problem, naming the part (at most :data:`MAX_PROBLEMS`).
    """
    found: list[str] = []
    try:
        with zipfile.ZipFile(io.BytesIO(package)) as archive:
            parts = []
            binary: dict[str, bytes] = {}
            for info in archive.infolist():
                lowered = info.filename.lower()
                if any(part in lowered for part in _ACTIVE_PARTS):
                    found.append(
                        f"{info.filename}: an Office add-in or macro part, which Word may load "
                        "or run: a reference document holds styles, headers and footers only"
                    )
                    continue
                data = archive.read(info)
                if _wide_xml(data):
                    found.append(
                        f"{info.filename}: an XML part in UTF-16 or UTF-32, which this check "
                        "does not read: save the reference document again in Word or LibreOffice "
                        "(they write UTF-8)"
                    )
                elif data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
                    parts.append((info.filename, data))  # not an image or other binary part
                elif data.startswith(b"\x1f\x8b") or info.filename.lower().endswith(".svgz"):
                    found.append(
                        f"{info.filename}: a compressed part (gzip, as in .svgz), which readers "
                        "unpack and this check cannot read: save the image uncompressed"
                    )
                else:
                    binary[info.filename] = data[:64]  # judged by its use, once rels are read
    except zipfile.BadZipFile as exc:
        return [f"not a Word package: {exc}"]
    trees: dict[str, ET.Element] = {}
    for name, data in parts:
        root, problem = _tree(data)
        if root is None:
            found.append(f"{name}: {problem}")
        else:
            trees[name] = root
    uses = _uses({name: root for name, root in trees.items() if name.endswith(".rels")})
    found += (problem for name, head in binary.items() if (problem := _binary(name, head, uses)))
    external = {name: _external_ids(root) for name, root in trees.items() if name.endswith(".rels")}
    for name, root in trees.items():
        if name.endswith(".rels"):
            found += (f"{name}: {p}" for p in _relationships(root))
        else:
            links = external.get(_rels_of(name), set())
            found += (f"{name}: {p}" for p in _elements(root, links))
        found += (f"{name}: {p}" for p in _fields(root))
        if len(found) >= MAX_PROBLEMS:
            break
    return found[:MAX_PROBLEMS]


_ACTIVE_PARTS = ("webextension", "taskpane", "vbaproject", "vbadata", "activex")
"""Parts of an Office add-in (shown in a task pane on opening), of macros or of controls."""
_RASTER = (
    b"\x89PNG\r\n\x1a\n",
    b"\xff\xd8\xff",  # JPEG
    b"GIF87a",
    b"GIF89a",
    b"BM",
    b"II*\x00",  # TIFF
    b"MM\x00*",
    b"\xd7\xcd\xc6\x9a",  # WMF, placeable
    b"\x01\x00\x09\x00",  # WMF
    b"\x02\x00\x09\x00",
)
"""How the images Word keeps begin (EMF and WebP are recognised further in)."""
_OPAQUE_USES = frozenset({"printerSettings", "font"})
"""Relationships to parts a reader takes as bytes of their own (printer settings, embedded
fonts), never as XML or as an image."""
_IMAGE_USES = frozenset({"image", "thumbnail"})


def _uses(rels: dict[str, ET.Element]) -> dict[str, set[str]]:
    """For each part of the package, the types of the internal relationships that target it."""
    uses: dict[str, set[str]] = {}
    for name, root in rels.items():
        folder = name.rpartition("_rels/")[0]  # the source part's folder ("" for the package)
        for element in root.iter():
            if _Name(element.tag).localname != "Relationship":
                continue
            if element.get("TargetMode", "Internal") != "Internal":
                continue
            target = element.get("Target", "")
            path = target.lstrip("/") if target.startswith("/") else folder + target
            part = posixpath.normpath(path)
            kind = element.get("Type", "").rstrip("/").rsplit("/", 1)[-1]
            uses.setdefault(part, set()).add(kind)
    return uses


def _binary(name: str, head: bytes, uses: dict[str, set[str]]) -> str:
    """Why a part that is not UTF-8 XML may not be in the package, or "" if it may.

    Readers take a part as what its relationships say it is, and read XML in any encoding they
    detect (EBCDIC, a header LibreOffice then follows out of the document): so a part that does
    not start as UTF-8 XML passes only as an image that starts as one, or as printer settings
    or a font, which no reader parses as XML.
    """
    kinds = uses.get(name, set())
    if kinds and kinds <= _OPAQUE_USES:
        return ""
    image = (
        head.startswith(_RASTER)
        or (head.startswith(b"\x01\x00\x00\x00") and head[40:44] == b" EMF")
        or (head.startswith(b"RIFF") and head[8:12] == b"WEBP")
    )
    if kinds <= _IMAGE_USES and image:
        return ""
    used = ", ".join(sorted(kinds)) or "no relationship"
    return (
        f"{name}: neither UTF-8 XML nor an image ({used}), so this check cannot read it while a "
        "reader may (XML in another encoding, or a part of another kind): save the reference "
        "document again in Word or LibreOffice"
    )


_WIDE = (
    b"\xff\xfe",  # UTF-16 and UTF-32 (little-endian) byte-order marks
    b"\xfe\xff",
    b"\x00\x00\xfe\xff",
    b"<\x00",  # '<' in UTF-16 or UTF-32 without a mark
    b"\x00<",
    b"\x00\x00\x00<",
)


def _wide_xml(data: bytes) -> bool:
    """Whether a part is text in UTF-16 or UTF-32: XML a reader parses and this check would skip.

    Readers take an XML part in any encoding it declares; python-docx copies a part it does not
    know byte for byte, so a UTF-16 ``footnotes.xml`` with an ``INCLUDEPICTURE`` field would be
    published unread. No image format starts with these bytes (EMF starts ``01 00 00 00``).
    """
    head = data.lstrip(b" \t\r\n")
    for blank in (b" \x00", b"\t\x00", b"\r\x00", b"\n\x00", b"\x00 ", b"\x00\n"):
        while head.startswith(blank):
            head = head[2:]
    return head.startswith(_WIDE)


def _rels_of(part: str) -> str:
    """A part's relationships part: ``word/_rels/header1.xml.rels`` for ``word/header1.xml``."""
    folder, _, file = part.rpartition("/")
    return f"{folder}/_rels/{file}.rels" if folder else f"_rels/{file}.rels"


def _external_ids(root: ET.Element) -> set[str]:
    """The ids of a relationships part's external relationships."""
    return {
        element.get("Id", "")
        for element in root.iter()
        if _Name(element.tag).localname == "Relationship"
        and element.get("TargetMode", "Internal") != "Internal"
    }


class _NoDoctype(ET.TreeBuilder):
    """Builds a part's tree, and stops at a document type declaration."""

    def doctype(self, name: str, pubid: str | None, system: str | None) -> None:
        raise _Doctype


class _Doctype(Exception):
    pass


def _tree(data: bytes) -> tuple[ET.Element | None, str]:
    """A part's XML tree, or None and why it is refused."""
    # Expat resolves no external entity, and a part with a document type is refused unread.
    try:
        return ET.fromstring(data, ET.XMLParser(target=_NoDoctype())), ""
    except _Doctype:
        return None, "a document type declaration (which can name files to load)"
    except ET.ParseError as exc:
        return None, f"not well-formed XML ({exc})"


def _relationships(root: ET.Element) -> Iterator[str]:
    for element in root.iter():
        tag = _Name(element.tag)
        if tag.namespace != _OPC or tag.localname not in ("Relationships", "Relationship"):
            yield f"'{element.tag}' is not an element of a relationships part"
            continue
        if tag.localname == "Relationships":
            continue
        kind = element.get("Type", "")
        target = element.get("Target", "")
        mode = element.get("TargetMode", "Internal")
        shown = f"{kind.rsplit('/', 1)[-1] or '?'} relationship to {target[:80]!r}"
        if mode == "External":
            if kind not in _HYPERLINK or not _LINK_TARGET.match(target):
                yield (
                    f"an external {shown}, loaded when the document opens; only hyperlinks "
                    "to web or mail addresses may point outside the document"
                )
            elif problem := inert.link_problem(target):  # the rules of a template's <a href>
                yield f"a {shown}: {problem}"
        elif mode != "Internal":
            yield f"a {shown} with target mode {mode!r}"
        elif _ADDRESS.search(target):
            yield f"a {shown} that names a place outside the document"


_STYLE_LOADS = re.compile(r"@import|url\s*\(|image(?:-set)?\s*\(|\\", re.IGNORECASE)
"""What in a style sheet's text could load something (a backslash: a CSS escape hiding one)."""


def _elements(root: ET.Element, external: set[str]) -> Iterator[str]:
    """What in a part loads: refused elements, addresses, and external relationships it uses.

    Args:
        root: The part.
        external: The ids of the part's external relationships (each is a hyperlink to the
            web, or :func:`_relationships` refuses it).
    """
    for element in root.iter():
        tag = _Name(element.tag)
        if tag.localname == "style" and _STYLE_LOADS.search(element.text or ""):
            yield (
                "a <style> whose text could load something (@import, url(), image() or a CSS "
                "escape): keep images' styles to plain colours and shapes"
            )
        refused = tag.namespace in _WORD and tag.localname in _LOADS
        if refused:
            yield f"{_LOADS[tag.localname]} is refused"
        elif tag.namespace == _OFFICE and tag.localname == "OLEObject":
            yield "an OLE object is refused"
            refused = True
        for attribute, value in element.attrib.items():
            name = _Name(attribute)
            if _PLACE.search(value) and not value.startswith(_SCHEMA_NAMES):
                shown = f"{name.localname}={value[:80]!r}"
                yield f"attribute {shown} of <{tag.localname}> names a place"
            elif (
                not refused  # said once: the element itself is refused
                and value in external  # by any attribute: VML's o:relid names one too
                and (tag.namespace, tag.localname) not in _LINKS
            ):
                yield (
                    f"<{tag.localname}> uses the external relationship {value!r} "
                    f"({name.localname}): fetched when the document opens; an address outside "
                    "the document may only be a link"
                )


def _fields(root: ET.Element) -> Iterator[str]:
    """Each field whose name is not a safe one, read as Word reads it.

    A complex field runs from ``fldChar begin`` to ``separate`` (or ``end``); its instruction
    is the text of every ``instrText`` in between, joined with nothing between them (``
    INCLUDE`` and ``PICTURE`` make ``INCLUDEPICTURE``). Fields nest: a field inside another's
    instruction is judged on its own, and one standing before the outer field's name (which
    would make that name) is refused.
    """
    open_fields: list[list[str] | None] = []  # each field's instruction; None: its result
    made_name: list[bool] = []
    for element in root.iter():
        tag = _Name(element.tag)
        pieces = open_fields[-1] if open_fields else None
        if pieces is not None and tag.localname == "AlternateContent":
            # Word reads one branch, the check would read them all joined: a safe name in a
            # branch no reader takes could cover a refused one in the branch Word takes.
            yield "a field whose instruction has alternative content (mc:AlternateContent)"
            continue
        if tag.namespace not in _WORD:
            continue
        if pieces is not None and tag.localname in ("del", "delInstrText", "moveFrom"):
            yield "a field whose instruction holds deleted text (tracked changes): accept them"
            continue
        if tag.localname == "fldSimple":
            for key, value in element.attrib.items():  # any namespace: no reader's guess
                if _Name(key).localname == "instr":
                    yield from _judge(value, made=False)
        elif tag.localname == "instrText" and pieces is not None:
            pieces.append(element.text or "")
        elif tag.localname == "fldChar":
            kind = _attribute(element, "fldCharType")
            if kind == "begin":
                if pieces is not None:  # a field inside another's instruction
                    made_name[-1] = made_name[-1] or not "".join(pieces).strip()
                open_fields.append([])
                made_name.append(False)
            elif kind in ("separate", "end") and open_fields:
                open_fields.pop()
                made = made_name.pop()
                if pieces is not None:
                    yield from _judge("".join(pieces), made=made)
                if kind == "separate" and pieces is not None:  # its result, up to its end
                    open_fields.append(None)
                    made_name.append(False)
    for pieces, made in zip(open_fields, made_name, strict=True):
        if pieces is not None:  # a field that never ends is judged all the same
            yield from _judge("".join(pieces), made=made)


def _judge(instruction: str, *, made: bool) -> Iterator[str]:
    name = re.match(r"\s*([^\s\\\"]*)", instruction)
    word = name[1].upper() if name else ""
    if made:
        yield f"a field whose name another field makes ({instruction.strip()[:60]!r})"
    elif word not in SAFE_FIELDS:
        yield (
            f"field {instruction.strip()[:60]!r}: only fields that show what is in the "
            "document may be used (PAGE, NUMPAGES, REF, TOC, DATE...); fields that load or "
            "run something (INCLUDEPICTURE, INCLUDETEXT, LINK, DDE...) are refused"
        )


def _attribute(element: ET.Element, local: str) -> str:
    """A Word attribute of an element, whatever prefix the part gives its namespace."""
    return next(
        (
            value
            for key, value in element.attrib.items()
            if _Name(key).localname == local and _Name(key).namespace in _WORD
        ),
        "",
    )


class _Name:
    """An element's or attribute's namespace and local name, from ElementTree's ``{ns}name``."""

    def __init__(self, name: str) -> None:
        namespace, _, local = name[1:].rpartition("}") if name.startswith("{") else ("", "", name)
        self.namespace = namespace
        self.localname = local
