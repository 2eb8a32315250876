"""The build manifest: what each output was made from, so unchanged PDFs are not made again.

``out/manifest.json`` lists every output with the hash of everything it depends on (its HTML,
stylesheets, template-folder files, attachments, PDF variant and the tool version) and the hash of
the file written. A later build, or a CI shard, compares hashes and skips WeasyPrint — the slow
part — for PDFs whose inputs did not change and whose file is still the one recorded.
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

from aftercare_report import __version__
from aftercare_report.pdf import PdfRequest

MANIFEST_NAME = "manifest.json"
MANIFEST_VERSION = 1


@dataclass(frozen=True)
class Entry:
    """One output in the manifest.

    Attributes:
        format: ``html``, ``pdf`` or ``json``.
        input: Hash of everything the output depends on.
        sha256: Hash of the file as written.
        size: Bytes.
        pages: Page count (PDF only).
        warnings: Rendering warnings (PDF only), kept so ``--strict`` sees them on reuse.
    """

    format: str
    input: str
    sha256: str
    size: int
    pages: int | None = None
    warnings: tuple[str, ...] = ()


def sha256(data: bytes) -> str:
    """Return the hex SHA-256 of ``data``."""
    return hashlib.sha256(data).hexdigest()


def folder_digest(folders: Iterable[Path]) -> str:
    """Hash every file under the template folders (CSS may pull fonts or images from them)."""
    digest = hashlib.sha256()
    for folder in folders:
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            digest.update(str(path.relative_to(folder)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


FONT_FOLDERS = (Path("/usr/share/fonts"), Path("/usr/local/share/fonts"), Path.home() / ".fonts")


@functools.cache
def rendering_stack() -> str:
    """Fingerprint what renders PDFs besides our inputs: library versions and installed fonts.

    Installing the Thai fonts or HarfBuzz subsetting changes a PDF without changing any input
    file; without this, a cached PDF full of empty glyph boxes would be reused.
    """
    digest = hashlib.sha256(__version__.encode())
    for package in ("weasyprint", "pydyf", "fonttools", "tinycss2", "cssselect2", "pyphen"):
        try:
            digest.update(f"{package}={metadata.version(package)}\0".encode())
        except metadata.PackageNotFoundError:
            digest.update(f"{package}=none\0".encode())
    for folder in FONT_FOLDERS:
        if folder.is_dir():
            for path in sorted(p for p in folder.rglob("*") if p.is_file()):
                digest.update(f"{path}\0{path.stat().st_size}\0".encode())
    for library in sorted(Path("/usr/lib").glob("*/libharfbuzz-subset.so*")):
        digest.update(str(library).encode())
    return digest.hexdigest()


def pdf_input_key(request: PdfRequest, folders_digest: str) -> str:
    """Hash everything a PDF depends on; absolute paths are left out so CI runners agree."""
    head = f"{rendering_stack()}\0{request.variant}\0{folders_digest}\0"
    digest = hashlib.sha256(head.encode())
    digest.update(request.html.encode())
    for text, _ in request.stylesheets:
        digest.update(b"\0css\0" + text.encode())
    for name, data in request.attachments:
        digest.update(b"\0att\0" + name.encode() + b"\0" + data)
    meta = (request.title, request.subject, request.author, request.date.isoformat(), request.lang)
    digest.update(json.dumps([*meta, *request.keywords]).encode())
    return digest.hexdigest()


def read(out: Path) -> dict[str, Entry]:
    """Return the manifest of an output folder; empty when there is none or it is unreadable."""
    try:
        raw = json.loads((out / MANIFEST_NAME).read_text(encoding="utf-8"))
        if raw.get("schema_version") != MANIFEST_VERSION:
            return {}
        return {
            name: Entry(**{**fields, "warnings": tuple(fields.get("warnings", ()))})
            for name, fields in raw["outputs"].items()
        }
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        # A damaged manifest only costs a full rebuild; it must never stop one.
        return {}


def reusable(out: Path, name: str, entry: Entry | None, key: str) -> bool:
    """Whether ``out/name`` was made from the same inputs and is still the file recorded.

    A PDF that was rendered with warnings (missing glyphs, refused URLs) is always made again,
    so its warnings are current rather than replayed from an old run.
    """
    if entry is None or entry.input != key or entry.warnings:
        return False
    try:
        return sha256((out / name).read_bytes()) == entry.sha256
    except OSError:
        return False


def render(entries: dict[str, Entry]) -> bytes:
    """Return the manifest JSON, keys sorted, so it is reproducible too."""
    body: dict[str, Any] = {
        "schema_version": MANIFEST_VERSION,
        "generator": f"aftercare-report {__version__}",
        "outputs": {name: asdict(entries[name]) for name in sorted(entries)},
    }
    return (json.dumps(body, indent=2, ensure_ascii=False) + "\n").encode()
