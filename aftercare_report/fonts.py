"""Which characters the fonts a brief can use cover: the installed fonts and the team's own.

WeasyPrint lays text out with Pango, which falls back to any installed font that has a glyph,
so a character renders if *some* font fontconfig knows covers it, or a team font of
``[brand] fonts`` does; the CSS font stack only decides which one wins. Text no font covers
renders as empty boxes, which :mod:`aftercare_report.script_coverage` reports before anything
renders.

fontconfig is asked through its command-line tools rather than by reading fonts with fontTools:
one ``fc-list`` call gives the character sets of every installed font in about 20 ms (fontconfig
keeps them in its cache), where reading 300 cmaps takes seconds; and a team's font file arrives in
pull requests like the rest of the templates, so it is read by ``fc-query`` in a process a timeout
stops, not expanded in ours (fontTools would build a dict of every code point a hostile cmap
claims). That process runs under a memory and CPU limit as well as a timeout (a 2 MB WOFF can
inflate to gigabytes), on a private copy of the bytes that were checked, and once per font file
per process: the same bytes are never queried twice. WeasyPrint is never imported here:
``validate`` uses this module.
"""

from __future__ import annotations

import bisect
import functools
import hashlib
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from aftercare_report.confine import Refused, hidden, read_input
from aftercare_report.errors import Finding, InputError, display_path
from aftercare_report.limits import ASSET_BYTES
from aftercare_report.settings import Project, TeamFont

FONT_SUFFIXES = (".ttf", ".otf", ".woff", ".woff2")
"""Font files WeasyPrint embeds and browsers load from ``@font-face``."""
FAMILY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 _-]{0,62}$")
"""Family names safe to write into CSS unescaped (a font's own name is untrusted text)."""
OUTLINE_FORMATS = frozenset({"TrueType", "CFF"})
"""Font formats Pango renders (since 1.44 it no longer draws bitmap or Type 1 fonts)."""
QUERY_SECONDS = 10
"""Longest ``fc-query`` may take on one team font before it is refused (wall clock and CPU)."""
QUERY_MEMORY_KB = 256 * 1024
"""Address space ``fc-query`` may use on one team font: every installed font (the largest Noto
fonts included) reads in under 128 MB, and a WOFF zlib bomb that would take gigabytes stops."""
CHARSET_RANGES = 10_000
"""Most separate ranges of code points a team font's character set may hold: the installed
fonts have at most a few hundred (a script is a few runs); a font that maps every other code
point makes hundreds of thousands, which every command would read and merge in this process."""
LIST_SECONDS = 60
"""Longest ``fc-list`` may take (it rebuilds fontconfig's cache when fonts were just added)."""

# fontconfig's weights of the CSS weights WeasyPrint's @font-face accepts (100, 200 ... 900).
_WEIGHTS = {0: 100, 40: 200, 50: 300, 80: 400, 100: 500, 180: 600, 200: 700, 205: 800, 210: 900}
_STYLES = {0: "normal", 100: "italic", 110: "oblique"}


class FontError(Exception):
    """A font file cannot be used; the message says why, for the person who named it."""


@dataclass(frozen=True)
class Coverage:
    """The code points some font covers, as sorted, disjoint, non-adjacent ranges.

    Attributes:
        starts: First code point of each range.
        ends: Last code point of each range.
        known: False when the installed fonts could not be listed (no ``fc-list``).
    """

    starts: tuple[int, ...] = ()
    ends: tuple[int, ...] = ()
    known: bool = True

    def covers(self, char: str) -> bool:
        """Whether some font has a glyph for ``char``."""
        point = ord(char)
        i = bisect.bisect_right(self.starts, point) - 1
        return i >= 0 and self.ends[i] >= point

    def __or__(self, other: Coverage) -> Coverage:
        """The characters either covers."""
        ranges = zip((*self.starts, *other.starts), (*self.ends, *other.ends), strict=True)
        merged = _merge(ranges)
        return Coverage(*merged, known=self.known and other.known)


def _merge(ranges: Iterable[tuple[int, int]]) -> tuple[tuple[int, ...], tuple[int, ...]]:
    starts: list[int] = []
    ends: list[int] = []
    for start, end in sorted(ranges):
        if ends and start <= ends[-1] + 1:
            ends[-1] = max(ends[-1], end)
        else:
            starts.append(start)
            ends.append(end)
    return tuple(starts), tuple(ends)


def charset_coverage(charsets: Iterable[str]) -> Coverage:
    """Return what fontconfig character sets cover together.

    Args:
        charsets: Each as fontconfig prints ``%{charset}``: hex ranges, ``20-7e a0 ...``.

    Raises:
        ValueError: A set is not in that form.
    """
    tokens = {token for charset in charsets for token in charset.split()}  # fonts share ranges
    ranges = []
    for token in tokens:
        first, _, last = token.partition("-")
        ranges.append((int(first, 16), int(last or first, 16)))
    return Coverage(*_merge(ranges))


@functools.cache
def installed() -> Coverage:
    """Return what the fonts fontconfig knows cover; once per process.

    ``known`` is False when ``fc-list`` is missing or fails (no fontconfig tools installed).
    """
    command = shutil.which("fc-list")
    if command is None:
        return Coverage(known=False)
    try:
        done = subprocess.run(
            [command, "--format", "%{fontformat}\\t%{charset}\\n"],
            capture_output=True,
            text=True,
            timeout=LIST_SECONDS,
            check=True,
        )
        lines = (line.partition("\t") for line in done.stdout.splitlines())
        return charset_coverage(charset for kind, _, charset in lines if kind in OUTLINE_FORMATS)
    except (OSError, subprocess.SubprocessError, ValueError):
        return Coverage(known=False)


@dataclass(frozen=True)
class FontFile:
    """What fontconfig reads from one font file.

    Attributes:
        family: Its family name (the first, usually English, one).
        weight: CSS ``font-weight``.
        style: CSS ``font-style``.
        coverage: The characters it has glyphs for.
    """

    family: str
    weight: str
    style: str
    coverage: Coverage


def locate(file: str, folders: Sequence[Path]) -> Path:
    """Return the font ``file`` from the first folder that has it (see :func:`load`).

    Raises:
        FontError: As :func:`load`, for finding it.
    """
    return _find(file, folders)[0]


def load(file: str, folders: Sequence[Path]) -> FontFile:
    """Find the font ``file`` in the template folders and read it with fontconfig.

    Template folders are searched in order, as templates are. The file must be a regular,
    visible font file of at most ``ASSET_BYTES`` inside its folder, reached through no symlink.

    Raises:
        FontError: Naming what is wrong: not a font file name, hidden, leaving the folder, not
            found (with the folders tried), a symlink, not a regular file, too large, or not a
            font fontconfig reads within its limits.
    """
    return query_data(_find(file, folders)[1])


def _find(file: str, folders: Sequence[Path]) -> tuple[Path, bytes]:
    name = Path(file)
    if name.suffix.lower() not in FONT_SUFFIXES:
        raise FontError(f"not a font file: use {', '.join(FONT_SUFFIXES)}")
    if name.is_absolute() or ".." in name.parts or hidden(name):
        raise FontError("give a path inside a template folder, with no hidden parts")
    for folder in folders:
        candidate = folder / name
        if os.path.lexists(candidate):
            try:  # a symlink, a FIFO or a 10 GB file is refused unread
                return candidate.resolve(), read_input(candidate, ASSET_BYTES, folder)
            except Refused as exc:
                raise FontError(f"refused: {display_path(candidate)}: {exc}") from None
    tried = ", ".join(display_path(f) for f in folders) or "none: set [project] templates"
    raise FontError(f"not found in the template folders ({tried})")


def query(path: Path) -> FontFile:
    """Read the font file at ``path`` with fontconfig (see :func:`query_data`).

    Raises:
        FontError: It is not a regular file of at most ``ASSET_BYTES``, or as
            :func:`query_data`.
    """
    try:
        return query_data(read_input(path, ASSET_BYTES))
    except Refused as exc:
        raise FontError(f"refused: {display_path(path)}: {exc}") from None


_queried: dict[str, FontFile | str] = {}
"""What fontconfig read from each font's bytes (by SHA-256), or why it could not: a command
that checks the project file and then the profiles' coverage reads each font once."""


def query_data(data: bytes) -> FontFile:
    """Read a font's family, weight, style and coverage with ``fc-query`` (its first face).

    ``fc-query`` reads a private copy of these very bytes (so what is read is what was checked)
    in a process limited to ``QUERY_MEMORY_KB`` of memory and ``QUERY_SECONDS`` of time. The
    answer, or the refusal, is kept per content for the rest of the process.

    Raises:
        FontError: fontconfig's tools are missing, or cannot read the data as a font within
            those limits.
    """
    key = hashlib.sha256(data).hexdigest()
    if key not in _queried:
        try:
            _queried[key] = _query(data)
        except FontError as exc:
            _queried[key] = str(exc)
    found = _queried[key]
    if isinstance(found, str):
        raise FontError(found)
    return found


def _query(data: bytes) -> FontFile:
    command = shutil.which("fc-query")
    if command is None:
        raise FontError("fc-query not found: install fontconfig to use fonts of your own")
    fmt = "%{family[0]}\\t%{weight}\\t%{slant}\\t%{charset}\\n"
    with tempfile.NamedTemporaryFile(prefix="aftercare-font-") as copy:
        copy.write(data)
        copy.flush()
        done = _limited([command, "--index", "0", "--format", fmt, copy.name])
    parts = done.stdout.partition("\n")[0].split("\t")
    if done.returncode != 0 or len(parts) != 4 or not parts[3].strip():
        raise FontError(
            "fontconfig cannot read it as a font within "
            f"{QUERY_MEMORY_KB // 1024} MB and {QUERY_SECONDS} s (is it a TrueType or OpenType "
            "font?)"
        )
    family, weight, slant, charset = parts
    if charset.count(" ") >= CHARSET_RANGES:
        raise FontError(
            f"its character set is in more than {CHARSET_RANGES:,} pieces (a real font's is in "
            "a few hundred): is it made to cover every other character?"
        )
    try:
        coverage = charset_coverage([charset])
    except ValueError:
        raise FontError("fontconfig cannot read its character set") from None
    return FontFile(family, _css_weight(weight), _css_style(slant), coverage)


def _limited(args: list[str]) -> subprocess.CompletedProcess[str]:
    """Run a command under a memory and CPU limit and a timeout.

    The limits are set by ``sh`` before it runs the command: ``preexec_fn`` is not safe in a
    process with threads (``serve`` has them).
    """
    limits = f'ulimit -v {QUERY_MEMORY_KB} && ulimit -t {QUERY_SECONDS} && exec "$@"'
    try:
        return subprocess.run(
            ["/bin/sh", "-c", limits, "sh", *args],
            capture_output=True,
            text=True,
            errors="replace",
            timeout=QUERY_SECONDS,
        )
    except subprocess.TimeoutExpired:
        raise FontError(f"fontconfig took over {QUERY_SECONDS} s to read it") from None
    except OSError as exc:
        raise FontError(f"fc-query failed: {exc.strerror}") from None


def _css_weight(text: str) -> str:
    """Return fontconfig's weight (``200``) as a CSS font-weight (``700``).

    A variable font (``[0 210]``) gets none: WeasyPrint's ``@font-face`` takes single weights
    only, and the font then keeps the weights it has.
    """
    values = re.findall(r"\d+(?:\.\d+)?", text)
    if len(values) != 1:
        return ""
    weight = float(values[0])
    return str(_WEIGHTS[min(_WEIGHTS, key=lambda w: abs(w - weight))])


def _css_style(text: str) -> str:
    match = re.search(r"\d+", text)
    return _STYLES.get(int(match[0]), "normal") if match else "normal"


def team_coverage(fonts: Sequence[TeamFont], folders: Sequence[Path]) -> Coverage:
    """Return what the installed fonts and a team's fonts cover together.

    Args:
        fonts: The team's fonts (``[brand] fonts``).
        folders: The template folders they are found in, searched in order.

    Raises:
        FontError: A team font cannot be found or read (the message names it).
    """
    coverage = installed()
    for font in fonts:
        try:
            coverage |= load(font.file, folders).coverage
        except FontError as exc:
            raise FontError(f"'{font.file}': {exc}") from None
    return coverage


def available(project: Project) -> Coverage:
    """What the installed fonts and the project's ``[brand] fonts`` cover together.

    Team fonts are found in the template folders as the templates are (command-line folders
    first), so the font checked is the font the briefs embed.

    Raises:
        InputError: A team font cannot be found or read.
    """
    try:
        return team_coverage(project.brand.fonts, project.templates)
    except FontError as exc:
        where = display_path(project.path) if project.path else "[brand] fonts"
        raise InputError([Finding(where, 0, 0, "brand.fonts", str(exc), code="font")]) from None


BODY_SCRIPTS = frozenset({"Latn", "Grek", "Cyrl"})
"""Scripts the body font (DejaVu Sans) sets: a team font that covers only these is the body
font; one that also covers another script is for that script only."""
SCRIPT_CHARS = 16
"""Fewest characters of a script a font must cover to be for it: a Latin font with a few
symbols of another script (a currency sign, an ornament) stays a body font."""


def script_spans(coverage: Coverage) -> dict[str, tuple[tuple[int, int], ...]]:
    """The scripts other than Latin, Greek and Cyrillic a font covers, with its ranges of each.

    Read from the character set fontconfig gave (see :func:`query_data`) and fontTools' Unicode
    script data, so the font itself is not parsed again in this process.

    Returns:
        Each script's name (``Khmer``) and the code points the font covers of it, for scripts
        of which it covers at least :data:`SCRIPT_CHARS` characters.
    """
    from fontTools import unicodedata as ucd
    from fontTools.unicodedata import Scripts

    starts, codes = Scripts.RANGES, Scripts.VALUES
    found: dict[str, list[tuple[int, int]]] = {}
    for first, last in zip(coverage.starts, coverage.ends, strict=True):
        i = bisect.bisect_right(starts, first) - 1
        while i < len(starts) and starts[i] <= last:
            end = starts[i + 1] - 1 if i + 1 < len(starts) else 0x10FFFF
            if codes[i] not in BODY_SCRIPTS and codes[i] not in ("Zyyy", "Zinh", "Zzzz"):
                found.setdefault(codes[i], []).append((max(first, starts[i]), min(last, end)))
            i += 1
    return {
        ucd.script_name(code): tuple(spans)
        for code, spans in sorted(found.items())
        if sum(last - first + 1 for first, last in spans) >= SCRIPT_CHARS
    }


def unicode_range(spans: Iterable[tuple[int, int]]) -> str:
    """Code point ranges as a CSS ``unicode-range`` value: ``U+1780-17DD, U+19E0-19FF``."""
    return ", ".join(f"U+{a:X}" if a == b else f"U+{a:X}-{b:X}" for a, b in sorted(spans))


def font_face(font: TeamFont, url: str) -> str:
    """Return the ``@font-face`` rule declaring a team font found at the relative ``url``.

    The family passed :data:`FAMILY` and the weight, style and ranges were made here, so nothing
    in the rule comes from the font or the project file unchecked. A font for a script (see
    :func:`script_spans`) declares only that script's code points with ``unicode-range``.
    """
    weight = f" font-weight: {font.weight};" if font.weight else ""
    ranges = f" unicode-range: {font.ranges};" if font.ranges else ""
    return (
        f"@font-face {{ font-family: '{font.family}'; src: url(\"{quote(url)}\");{weight} "
        f"font-style: {font.style};{ranges} }}\n"
    )


def font_stack(stack: str, fonts: Sequence[TeamFont] = ()) -> str:
    """Return a CSS font stack with the team's families first (each once), commas unspaced.

    WeasyPrint 70 reads an SVG ``font-family`` (the chart's) by splitting at commas and
    stripping quotes but not spaces, so after ``", "`` it finds only the first family and
    falls back to fontconfig's default for the rest: ``'A','B'`` works in SVG and CSS alike.
    """
    families = [family.strip() for family in stack.split(",") if family.strip()]
    named = {family.strip("'\"").casefold() for family in families}
    team = dict.fromkeys(f"'{f.family}'" for f in fonts if f.family.casefold() not in named)
    return ",".join([*team, *families])
