"""Hostile inputs too large to keep in tests/hostile/, made when a test needs them."""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass
from pathlib import Path

HOSTILE = Path(__file__).resolve().parent / "hostile"


def woff_bomb(path: Path, megabytes: int = 400) -> Path:
    """Write a WOFF whose ``glyf`` table inflates to ``megabytes`` MB of zeros (about 2 MB).

    FreeType inflates every table of a WOFF before fontconfig reads it: without a limit,
    ``fc-query`` takes as much memory as the table claims.
    """
    size = megabytes * 1024 * 1024
    packer = zlib.compressobj(1)
    chunk = b"\0" * (1 << 20)
    bomb = b"".join(packer.compress(chunk) for _ in range(megabytes)) + packer.flush()
    small = zlib.compress(b"\0" * 64)
    tags = [b"cmap", b"glyf", b"head", b"hhea", b"hmtx", b"loca", b"maxp", b"name", b"post"]
    header_size = 44 + 20 * len(tags)
    entries, body, offset = [], b"", header_size
    for tag in tags:
        data, length = (bomb, size) if tag == b"glyf" else (small, 64)
        entries.append(struct.pack(">4sIIII", tag, offset, len(data), length, 0))
        padded = data + b"\0" * (-len(data) % 4)
        body += padded
        offset += len(padded)
    sfnt = 12 + 16 * len(tags) + size + 64 * (len(tags) - 1)
    header = struct.pack(
        ">4sIIHHIHHIIIII",
        b"wOFF",
        0x00010000,
        header_size + len(body),
        len(tags),
        0,
        sfnt,
        1,
        0,
        0,
        0,
        0,
        0,
        0,
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(header + b"".join(entries) + body)
    return path


def deep_json(levels: int = 100_000) -> str:
    """JSON nested ``levels`` deep (400 kB at the default): Python's parser recurses on it."""
    return "[" * levels + "]" * levels


@dataclass(frozen=True)
class Payload:
    """One entry of ``hostile/html-payloads.txt`` (see its header)."""

    name: str
    html: str
    refused: bool
    navigates: bool

    def filled(
        self, js: str = "void(document.title='PWNED')", url: str = "https://evil.example/"
    ) -> str:
        """The payload with its placeholders filled in."""
        host = url.split("//", 1)[-1].rstrip("/")
        return self.html.replace("__JS__", js).replace("__URL__", url).replace("__HOST__", host)


def html_payloads() -> list[Payload]:
    """Every payload of ``hostile/html-payloads.txt``, in order."""
    text = (HOSTILE / "html-payloads.txt").read_text(encoding="utf-8")
    found = []
    for block in text.split("\n## ")[1:]:
        head, _, body = block.partition("\n")
        name, _, marks = head.partition(" (")
        found.append(Payload(name, body.rstrip("\n"), "refused" in marks, "navigates" in marks))
    return found
