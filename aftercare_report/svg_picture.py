"""Draw a brief's SVG chart as a PNG picture, for formats that cannot show SVG (Word).

Word and LibreOffice need a bitmap beside, or instead of, an SVG, and no library the tool already
has renders SVG to one (WeasyPrint lays SVG out only inside a PDF). The levels chart uses a small
part of SVG: rectangles, lines, text, groups moved by ``translate`` and hatch patterns made of
lines. This module draws that part with Pillow (already installed with WeasyPrint), at three
pixels per SVG unit; anything else in the SVG is left out, and its text alternative (``<title>``
and ``<desc>``) always goes with the picture. Text is set in the SVG's font family as fontconfig
finds it, or in a font that covers it; characters no font has are reported, as the PDF's are.
"""

from __future__ import annotations

import functools
import io
import re
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from aftercare_report import colours

if TYPE_CHECKING:
    from PIL import Image, ImageFont

    from aftercare_report.docx_render import Node

SCALE = 3
"""Pixels per SVG unit: a 660-unit chart becomes 1980 pixels, sharp when printed at 16 cm."""
MAX_PIXELS = 4000 * 4000
"""Largest picture drawn: a hostile viewBox cannot ask for gigabytes."""
_NUMBER = re.compile(r"-?\d*\.?\d+(?:[eE][-+]?\d+)?")


@dataclass(frozen=True)
class Picture:
    """A drawn chart.

    Attributes:
        png: The PNG bytes.
        title: The SVG's title: the picture's alt text title.
        description: Its description: the alt text.
        missing_glyphs: Characters no installed font has (drawn as boxes).
    """

    png: bytes
    title: str
    description: str
    missing_glyphs: tuple[str, ...] = ()


@dataclass(frozen=True)
class _Style:
    """What an element inherits from the groups around it."""

    fill: str = "#000000"
    stroke: str = "none"
    stroke_width: float = 1.0
    font_size: float = 16.0
    font_style: str = "normal"
    font_family: str = "sans-serif"
    anchor: str = "start"
    dx: float = 0.0
    dy: float = 0.0

    def inside(self, node: Node) -> _Style:
        attrs = node.attrs
        changes: dict[str, Any] = {}
        for name, key in (("fill", "fill"), ("stroke", "stroke"), ("font-style", "font_style")):
            if name in attrs:
                changes[key] = attrs[name]
        for name, key in (("stroke-width", "stroke_width"), ("font-size", "font_size")):
            if name in attrs and _NUMBER.match(attrs[name]):
                changes[key] = float(_NUMBER.findall(attrs[name])[0])
        if "font-family" in attrs:
            changes["font_family"] = attrs["font-family"]
        if "text-anchor" in attrs:
            changes["anchor"] = attrs["text-anchor"]
        move = re.fullmatch(
            r"\s*translate\(\s*([-\d.eE]+)[\s,]+([-\d.eE]+)\s*\)\s*", attrs.get("transform", "")
        )
        if move:
            changes["dx"], changes["dy"] = self.dx + float(move[1]), self.dy + float(move[2])
        return replace(self, **changes)


def draw(svg: Node) -> Picture:
    """Draw an ``<svg>`` element of the brief.

    Args:
        svg: The element, as the Word maker reads the print HTML.
    """
    from PIL import Image

    box = [float(n) for n in _NUMBER.findall(svg.attrs.get("viewBox", ""))]
    width, height = (
        (box[2], box[3]) if len(box) == 4 else (_size(svg, "width"), _size(svg, "height"))
    )
    pixels = (max(1, round(width * SCALE)), max(1, round(height * SCALE)))
    if pixels[0] * pixels[1] > MAX_PIXELS:
        pixels = (min(pixels[0], 4000), min(pixels[1], 4000))
    image = Image.new("RGB", pixels, "white")
    canvas = _Canvas(image, _patterns(svg))
    canvas.children(svg, _Style().inside(svg))
    out = io.BytesIO()
    image.save(out, "PNG", optimize=True)
    title = svg.find("title")
    desc = svg.find("desc")
    return Picture(
        out.getvalue(),
        " ".join((title.text() if title else "").split()),
        " ".join((desc.text() if desc else "").split()),
        tuple(dict.fromkeys(canvas.missing)),
    )


def _size(node: Node, name: str) -> float:
    found = _NUMBER.findall(node.attrs.get(name, ""))
    return float(found[0]) if found else 100.0


def _patterns(svg: Node) -> dict[str, Node]:
    return {n.attrs["id"]: n for n in _walk(svg) if n.tag == "pattern" and n.attrs.get("id")}


def _walk(node: Node) -> Iterator[Node]:
    for child in node.children:
        if not isinstance(child, str):
            yield child
            yield from _walk(child)


class _Canvas:
    def __init__(self, image: Image.Image, patterns: dict[str, Node]) -> None:
        from PIL import ImageDraw

        self.image = image
        self.draw = ImageDraw.Draw(image)
        self.patterns = patterns
        self.missing: list[str] = []

    def children(self, node: Node, style: _Style) -> None:
        for child in node.children:
            if isinstance(child, str) or child.tag in ("defs", "title", "desc", "pattern"):
                continue
            inner = style.inside(child)
            if child.tag == "g":
                self.children(child, inner)
            elif child.tag == "rect":
                self.rect(child, inner)
            elif child.tag == "line":
                self.line(child, inner)
            elif child.tag == "path":
                self.path(child, inner)
            elif child.tag == "text":
                self.text(child, inner)

    def _xy(self, x: float, y: float, style: _Style) -> tuple[float, float]:
        return (x + style.dx) * SCALE, (y + style.dy) * SCALE

    def rect(self, node: Node, style: _Style) -> None:
        x, y = self._xy(_number(node, "x"), _number(node, "y"), style)
        w, h = _number(node, "width") * SCALE, _number(node, "height") * SCALE
        if w <= 0 or h <= 0:
            return
        box = (round(x), round(y), round(x + w) - 1, round(y + h) - 1)
        pattern = re.fullmatch(r"url\(#([^)]+)\)", style.fill)
        if pattern and pattern[1] in self.patterns:
            self._tile(self.patterns[pattern[1]], box)
        elif _colour(style.fill):
            self.draw.rectangle(box, fill=_colour(style.fill))
        if _colour(style.stroke):
            width = max(1, round(style.stroke_width * SCALE))
            self.draw.rectangle(box, outline=_colour(style.stroke), width=width)

    def _tile(self, pattern: Node, box: tuple[int, int, int, int]) -> None:
        from PIL import Image

        w = max(1, round(_number(pattern, "width") * SCALE))
        h = max(1, round(_number(pattern, "height") * SCALE))
        tile = Image.new("RGB", (w, h), "white")
        _Canvas(tile, self.patterns).children(pattern, _Style().inside(pattern))
        width, height = box[2] - box[0] + 1, box[3] - box[1] + 1
        area = Image.new("RGB", (width, height))
        # The pattern is anchored to the picture (patternUnits="userSpaceOnUse").
        for ty in range(-(box[1] % h), height, h):
            for tx in range(-(box[0] % w), width, w):
                area.paste(tile, (tx, ty))
        self.image.paste(area, box[:2])

    def line(self, node: Node, style: _Style) -> None:
        start = self._xy(_number(node, "x1"), _number(node, "y1"), style)
        end = self._xy(_number(node, "x2"), _number(node, "y2"), style)
        colour = _colour(style.stroke)
        if colour:
            self.draw.line(
                [start, end], fill=colour, width=max(1, round(style.stroke_width * SCALE))
            )

    def path(self, node: Node, style: _Style) -> None:
        """Straight lines only (``M x,y L x,y``): what the hatch patterns draw."""
        colour = _colour(style.stroke)
        if not colour:
            return
        points: list[tuple[float, float]] = []
        width = max(1, round(style.stroke_width * SCALE))
        for command, x, y in re.findall(
            r"([ML])\s*(-?[\d.]+)[\s,]+(-?[\d.]+)", node.attrs.get("d", "")
        ):
            if command == "M" and len(points) > 1:
                self.draw.line(points, fill=colour, width=width)
            points = [] if command == "M" else points
            points.append(self._xy(float(x), float(y), style))
        if len(points) > 1:
            self.draw.line(points, fill=colour, width=width)

    def text(self, node: Node, style: _Style) -> None:
        words = " ".join(node.text().split())
        colour = _colour(style.fill)
        if not words or not colour:
            return
        font, missing = _font(
            style.font_family, style.font_style != "normal", style.font_size, words
        )
        self.missing.extend(missing)
        x, y = self._xy(_number(node, "x"), _number(node, "y"), style)
        anchor = {"middle": "ms", "end": "rs"}.get(style.anchor, "ls")
        self.draw.text((x, y), words, fill=colour, font=font, anchor=anchor)


def _number(node: Node, name: str) -> float:
    found = _NUMBER.findall(node.attrs.get(name, "0"))
    return float(found[0]) if found else 0.0


@functools.cache
def _colour(value: str) -> str:
    """A CSS colour as ``#rrggbb``, or "" for none (or what is not a colour)."""
    if not value or value == "none" or value.startswith("url("):
        return ""
    parsed = colours.parse(value)
    return colours.hex_of(parsed) if parsed else ""


def _font(
    family: str, italic: bool, size: float, text: str
) -> tuple[ImageFont.FreeTypeFont | ImageFont.ImageFont, list[str]]:
    """The font to set ``text`` in, and the characters no font has."""
    from PIL import ImageFont

    pixels = max(1, round(size * SCALE))
    families = [f.strip().strip("'\"") for f in family.split(",") if f.strip()]
    first = _matching(tuple(families), italic)
    path = first
    if first is None or not _covers(first, text):
        path = _covering(text, italic) or first
    if path is None:
        return ImageFont.load_default(pixels), []
    missing = [c for c in text if not c.isspace() and not _covers(path, c)]
    return ImageFont.truetype(path, pixels), missing


@functools.cache
def _matching(families: tuple[str, ...], italic: bool) -> str | None:
    """The file of the first family fontconfig has (``DejaVu Sans``), else of ``sans-serif``."""
    style = ":style=Italic" if italic else ""
    for name in (*families, "sans-serif"):
        found = _fc_match(f"{name}{style}", "%{family}\t%{file}")
        if found and "\t" in found:
            matched, path = found.split("\t", 1)
            if name in ("sans-serif", "serif") or name.casefold() in matched.casefold().split(","):
                return path
    return None


@functools.cache
def _covering(text: str, italic: bool) -> str | None:
    """A font file that has every character of ``text``, if fontconfig knows one."""
    points = sorted({ord(c) for c in text if not c.isspace()})
    charset = " ".join(f"{p:x}" for p in points)
    style = ":style=Italic" if italic else ""
    path = _fc_match(f":charset={charset}{style}", "%{file}")
    return path if path and _covers(path, text) else None


def _fc_match(pattern: str, fmt: str) -> str | None:
    command = shutil.which("fc-match")
    if command is None:
        return None
    try:
        done = subprocess.run(
            [command, "--format", fmt, pattern], capture_output=True, text=True, timeout=10
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip() or None


def _covers(path: str, text: str) -> bool:
    cmap = _cmap(path)
    return all(c.isspace() or ord(c) in cmap for c in text)


@functools.cache
def _cmap(path: str) -> frozenset[int]:
    from fontTools.ttLib import TTFont, TTLibError

    try:
        with TTFont(path, lazy=True, fontNumber=0) as font:
            return frozenset(font.getBestCmap() or {})
    except (OSError, TTLibError, KeyError, AssertionError):
        return frozenset()
