"""The build manifest: what each output was made from, so costly outputs are not made again.

``out/manifest.json`` lists every output with the hash of everything it depends on (for a PDF:
its HTML, stylesheets, template-folder files, attachments, PDF variant, the tool and library
versions) and the hash of the file written. A later build, or a CI shard, compares hashes and
skips the maker (WeasyPrint, the slow part) for outputs of reusable formats whose inputs did not
change and whose file is still the one recorded. Which formats are reusable, and what their key
is made of, their declarations say (:mod:`aftercare_report.outputs`).
"""

from __future__ import annotations

import fcntl
import functools
import hashlib
import hmac
import json
import os
import re
import secrets
import shutil
import stat
import sys
import tempfile
import warnings
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from aftercare_report import __version__
from aftercare_report.confine import Refused, folder_files, hidden, inside, read_regular
from aftercare_report.errors import display_path, printable
from aftercare_report.limits import ASSET_BYTES, OUTPUT_BYTES
from aftercare_report.outputs import FORMATS

MANIFEST_NAME = "manifest.json"
MANIFEST_VERSION = 2
KEY_VARIABLE = "AFTERCARE_REPORT_CACHE_KEY"
"""A secret that seals manifest entries; CI sets it from its secrets so runners share a cache."""
TEMP_FILE = re.compile(r"^\..+\.[a-z0-9_]{8}\.tmp$")
"""Names :func:`build.write_atomic` gives its temporary files (``.thailand.pdf.x1y2z3_4.tmp``)."""
SPOOL_PREFIX = ".aftercare-spool."
SPOOL_DIR = re.compile(r"^\.aftercare-spool\.[a-z0-9_]{8}$")
"""Names of the folders a build keeps its finished outputs in until it writes them all."""


@dataclass(frozen=True)
class Entry:
    """One output in the manifest.

    Attributes:
        format: The name of its format (see :data:`outputs.FORMATS`).
        input: Hash of everything the output depends on.
        sha256: Hash of the file as written.
        size: Bytes.
        pages: Page count (PDF only).
        warnings: Rendering warnings (PDF only), kept so ``--strict`` sees them on reuse.
        seal: A keyed hash of all the above and the name (see :func:`seal`).
    """

    format: str
    input: str
    sha256: str
    size: int
    pages: int | None = None
    warnings: tuple[str, ...] = ()
    seal: str = ""


def seal(name: str, entry: Entry) -> str:
    """Return the keyed hash that makes an entry trustworthy for reuse.

    The output folder may come from a cache or a pull request: anyone can replace
    ``thailand.pdf`` and write its SHA-256 into the manifest. A seal under a key they do not
    hold (``AFTERCARE_REPORT_CACHE_KEY``, or a random key kept in the user's cache folder)
    cannot be forged, so a forged entry is simply made again.
    """
    # Everything reuse trusts: the page count is printed and the warnings decide --strict.
    told = json.dumps([entry.pages, list(entry.warnings)], ensure_ascii=False)
    message = f"{name}\0{entry.format}\0{entry.input}\0{entry.sha256}\0{entry.size}\0{told}"
    return _sealed("entry", message)


def _sealed(kind: str, message: str) -> str:
    """The keyed hash of a message of one kind: an entry's never reads as a build record's."""
    return hmac.new(_key(), f"{kind}\0{message}".encode(), hashlib.sha256).hexdigest()


KEY_BYTES = 32
"""Shortest seal key used: a shorter one (an empty file, a short CI secret) is guessable."""


@functools.cache
def _key() -> bytes:
    given = os.environ.get(KEY_VARIABLE)
    if given and len(given.encode()) >= KEY_BYTES:
        return given.encode()
    if given:
        warnings.warn(
            f"{KEY_VARIABLE} is shorter than {KEY_BYTES} bytes, so seals made with it could be "
            "forged; it is not used (set it to a long random secret, e.g. from "
            "'openssl rand -hex 32')",
            CacheWarning,
            stacklevel=3,
        )
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return _kept_key(base / "aftercare-report" / "manifest.key")


def _kept_key(path: Path) -> bytes:
    """The random key kept at ``path``; made (or remade, if too short) when needed.

    A key file that is empty or short is replaced, never used: a seal under an empty key can
    be forged by anyone.
    """
    try:
        key = read_regular(path, 1024)
        if len(key) >= KEY_BYTES:
            return key
    except Refused:
        pass
    key = secrets.token_bytes(KEY_BYTES)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(key)
        if os.path.lexists(path) and _usable_key(path):
            temp.unlink()  # another build made one first: use the same key
            return read_regular(path, 1024)
        temp.replace(path)  # replaces a short key, or a link, never writes through it
    except (OSError, Refused):
        pass  # no writable cache folder: seals last for this run only
    return key


def _usable_key(path: Path) -> bool:
    try:
        return len(read_regular(path, 1024)) >= KEY_BYTES
    except Refused:
        return False


def sha256(data: bytes) -> str:
    """Return the hex SHA-256 of ``data``."""
    return hashlib.sha256(data).hexdigest()


def folder_digest(folders: Iterable[Path]) -> str:
    """Hash every file under the template folders (CSS may pull fonts or images from them).

    Symlinks are not followed out of their folder, hidden files are left out, and special
    files (FIFOs, devices) are never opened: none of them can reach a brief, and reading
    ``/proc/kmsg`` would hang the build. Each is hashed by its kind instead of its content.
    """
    digest = hashlib.sha256()
    hashed: dict[Path, bytes] = {}  # by real path: a file linked 2,000 times is read once
    for folder in folders:
        for path in folder_files(folder):
            relative = path.relative_to(folder)
            if not hidden(relative):
                content = _content(path, folder, hashed)
                digest.update(str(relative).encode() + b"\0" + content + b"\0")
    return digest.hexdigest()


def _content(path: Path, folder: Path, hashed: dict[Path, bytes]) -> bytes:
    try:
        real = inside(path, folder)
        if real in hashed:
            return hashed[real]
        hashed[real] = _hashed(real)
        return hashed[real]
    except (Refused, OSError) as exc:
        return f"<refused: {exc}>".encode()


def _hashed(real: Path) -> bytes:
    try:
        mode = real.stat().st_mode
        if stat.S_ISDIR(mode):
            return b"<folder>"
        if not stat.S_ISREG(mode):
            return b"<special file>"
        return hashlib.sha256(read_regular(real, ASSET_BYTES)).digest()
    except (Refused, OSError) as exc:
        return f"<refused: {exc}>".encode()


FONT_FOLDERS = (
    Path("/usr/share/fonts"),
    Path("/usr/local/share/fonts"),
    Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share") / "fonts",
    Path.home() / ".fonts",
    Path("/etc/fonts"),  # fontconfig's configuration: which font stands in for which
)
"""Where fontconfig finds fonts and its rules, as a PDF's layout depends on them."""


@functools.cache
def _installed() -> dict[str, str]:
    """Installed distributions and their versions, from the ``name-version.dist-info`` folders.

    What ``importlib.metadata.version`` finds, read from folder names alone: importing it and
    asking for six packages took a tenth of a no-op rebuild. The first folder on ``sys.path``
    wins, as it does for imports.
    """
    found: dict[str, str] = {}
    for entry in sys.path:
        try:
            names = [path.name for path in Path(entry or ".").iterdir()]
        except OSError:  # a zip file, or a folder that is gone
            continue
        for name in names:
            if name.endswith(".dist-info"):
                project, _, version = name.removesuffix(".dist-info").partition("-")
                found.setdefault(project.lower().replace("_", "-"), version)
    return found


def rendering_stack() -> str:
    """Fingerprint what renders briefs besides our inputs: library versions and installed fonts.

    Installing the Thai fonts or HarfBuzz subsetting changes a PDF without changing any input
    file; without this, a cached PDF full of empty glyph boxes would be reused.
    """
    # Python's own version too: its Unicode data decides scripts, widths and escapes.
    digest = hashlib.sha256(f"{__version__}\0{sys.version}".encode())
    versions = _installed()
    makers = ("weasyprint", "pydyf", "fonttools", "tinycss2", "cssselect2", "pyphen")
    # and what renders and escapes every format: templates, translations, Markdown, hosts
    text = ("jinja2", "markupsafe", "babel", "markdown-it-py", "idna", "pyyaml", "pydantic")
    for package in (*makers, *text, "python-docx", "lxml", "pillow"):
        digest.update(f"{package}={versions.get(package, 'none')}\0".encode())
    for folder in FONT_FOLDERS:
        if folder.is_dir():
            for path in sorted(p for p in folder.rglob("*") if p.is_file()):
                digest.update(f"{path}\0{path.stat().st_size}\0".encode())
    for library in sorted(Path("/usr/lib").glob("*/libharfbuzz-subset.so*")):
        digest.update(str(library).encode())
    return digest.hexdigest()


def input_key(fmt: str, fingerprint: Iterable[bytes], folders_digest: str) -> str:
    """Hash everything an output of a reusable format depends on.

    Args:
        fmt: The format's name: outputs of two formats never share a key.
        fingerprint: The maker's request, piece by piece (its ``fingerprint()``).
        folders_digest: The template folders' files (see :func:`folder_digest`).
    """
    head = f"{rendering_stack()}\0{fmt}\0{folders_digest}\0"
    digest = hashlib.sha256(head.encode())
    for piece in fingerprint:
        digest.update(len(piece).to_bytes(8, "big") + piece)
    return digest.hexdigest()


class CacheWarning(UserWarning):
    """The manifest or the seal key could not be used; the build goes on without them.

    Issued with :func:`warnings.warn`: the command line prints it once, a program embedding the
    tool sees Python's usual warning.
    """


MANIFEST_BASE_BYTES = 1024 * 1024
"""Size any manifest may have, whatever the folder holds."""
MANIFEST_BYTES_PER_FILE = 4 * 1024
"""More size allowed per file in the output folder: an entry is about 400 bytes and each build
record adds about 100 per output (room for 36 records of builds of different inputs)."""
MANIFEST_BASE_VALUES = 2000
"""Values (lists, objects and items) any manifest may hold."""
MANIFEST_VALUES_PER_FILE = 48
"""More values allowed per file in the output folder: an entry holds about 12, and each build
record one per output. Parsed JSON takes about 100 bytes a value, so a planted folder of 5,000
files justifies at most about 25 MB in the building process."""
MANIFEST_FILES_COUNTED = 5000
"""Most files of the output folder that earn a manifest more room (300 briefs in 5 formats)."""
MANIFEST_DEPTH = 8
"""Deepest nesting of a manifest (it needs four levels)."""


def read(out: Path) -> dict[str, Entry]:
    """Return the manifest of an output folder; empty when there is none or it is unreadable.

    A manifest that exists but cannot be used is ignored with a :class:`CacheWarning` (see
    :func:`_load`): it only costs a full rebuild, which writes a new one. So is one with an
    entry whose fields are not all of their type (a seal that is a number or not ASCII would
    break the comparison of seals).
    """
    outputs = _load(out).get("outputs", {})
    entries = {n: _entry(f) for n, f in outputs.items()} if isinstance(outputs, dict) else None
    if entries is None or None in entries.values() or not all(map(_file_name, entries)):
        _ignored(out, "its entries are not in the manifest's format")
        return {}
    return {name: entry for name, entry in entries.items() if entry is not None}


_HASH = re.compile(r"[0-9a-f]{64}")
_NAME = re.compile(r"[^\x00-\x1f\x7f/\\]{1,255}")


def _file_name(name: str) -> bool:
    """Whether an entry names a file of the folder itself (no path, NUL or control character)."""
    return bool(_NAME.fullmatch(name)) and name not in (".", "..")


_FIELD_TYPES: dict[str, tuple[type, ...]] = {
    "format": (str,),
    "input": (str,),
    "sha256": (str,),
    "size": (int,),
    "pages": (int, type(None)),
    "warnings": (list,),
    "seal": (str,),
}
"""Each field of a manifest entry as JSON holds it (``warnings`` is a list of strings)."""


def _entry(fields: Any) -> Entry | None:
    """An entry from its JSON fields, or None if any is missing, unknown or of another type."""
    if not isinstance(fields, dict) or not {"format", "input", "sha256", "size"} <= set(fields):
        return None
    for key, value in fields.items():
        kinds = _FIELD_TYPES.get(key)
        if kinds is None or isinstance(value, bool) or not isinstance(value, kinds):
            return None
    if not all(isinstance(w, str) for w in fields.get("warnings", [])):
        return None
    if fields["size"] < 0 or not _HASH.fullmatch(fields["sha256"]):
        return None
    if "seal" in fields and not fields["seal"].isascii():
        return None
    return Entry(**{**fields, "warnings": tuple(fields.get("warnings", ()))})


def _load(out: Path) -> dict[str, Any]:
    """Parse the manifest of ``out``, or return ``{}`` (warning why, unless there is none).

    The manifest sits in the output folder, which may come from a cache or a pull request, and
    JSON takes many times its size once parsed, so it is bounded by what the folder can justify
    before it is parsed: only a regular file (never a symlink: linked to ``/dev/zero`` it would
    eat memory, a FIFO would hang the build), of a size and a count of values (counted in C,
    strings included, so an overestimate) that grow with the files the folder holds. Its nesting
    is checked as it is parsed (the parser stops at Python's recursion limit) and after.
    """
    path = out / MANIFEST_NAME
    if not os.path.lexists(path):
        return {}
    files = _files_in(out)
    try:
        data = read_regular(path, MANIFEST_BASE_BYTES + MANIFEST_BYTES_PER_FILE * files)
    except Refused as exc:
        return _ignored(out, str(exc))
    most = MANIFEST_BASE_VALUES + MANIFEST_VALUES_PER_FILE * files
    if data.count(b",") + data.count(b"[") + data.count(b"{") > most:
        return _ignored(out, f"it holds more than the {most:,} values its folder justifies")
    try:
        raw = json.loads(data.decode("utf-8"))
    except RecursionError:
        return _ignored(out, "it is nested too deeply")
    except ValueError as exc:
        return _ignored(out, f"it is not valid JSON ({str(exc)[:80]})")
    deepest = _depth(raw)
    if deepest > MANIFEST_DEPTH:
        return _ignored(out, f"it is nested {deepest} levels deep, more than {MANIFEST_DEPTH}")
    if not isinstance(raw, dict) or raw.get("schema_version") != MANIFEST_VERSION:
        return {}  # another version's manifest: rebuilt without a word, as after an upgrade
    try:  # a lone surrogate ("\ud800") parses, and breaks every seal computed with it
        json.dumps(raw, ensure_ascii=False).encode()
    except UnicodeEncodeError:
        return _ignored(out, "it holds text that is not Unicode")
    return raw


def _files_in(out: Path) -> int:
    """How many regular files ``out`` holds, up to ``MANIFEST_FILES_COUNTED``."""
    files = 0
    try:
        with os.scandir(out) as entries:
            for entry in entries:
                files += entry.is_file(follow_symlinks=False)
                if files >= MANIFEST_FILES_COUNTED:
                    break
    except OSError:
        pass
    return files


def _depth(value: Any) -> int:
    """How deeply lists and objects nest in parsed JSON (without recursion)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, dict | list):
            deepest = max(deepest, depth)
            items = node.values() if isinstance(node, dict) else node
            stack.extend((item, depth + 1) for item in items)
    return deepest


def _ignored(out: Path, reason: str) -> dict[str, Any]:
    name = out / MANIFEST_NAME
    warnings.warn(
        f"{printable(display_path(name))} was ignored ({reason}): every output is checked or "
        "made again, and a new manifest is written",
        CacheWarning,
        stacklevel=3,
    )
    return {}


def reusable(out: Path, name: str, entry: Entry | None, key: str) -> bool:
    """Whether ``out/name`` was made from the same inputs and is still the file recorded.

    All three must hold: the entry's input hash is the one just computed, its seal is ours
    (see :func:`seal`), and the file on disk - a regular file, not a symlink - has the recorded
    hash. A PDF that was rendered with warnings (missing glyphs, refused URLs) is always made
    again, so its warnings are current rather than replayed from an old run.
    """
    if entry is None or entry.input != key or entry.warnings:
        return False
    if not hmac.compare_digest(entry.seal, seal(name, entry)):
        return False
    try:
        return sha256(read_regular(out / name, OUTPUT_BYTES)) == entry.sha256
    except Refused:
        return False


def _ours(out: Path, name: str, entry: Entry) -> bool:
    """Whether ``out/name`` is, byte for byte, the file a sealed entry says we wrote."""
    fmt = FORMATS.get(entry.format)
    if Path(name).name != name or name == MANIFEST_NAME:
        return False
    if fmt is None or fmt.suffix != Path(name).suffix:
        return False
    if not hmac.compare_digest(entry.seal, seal(name, entry)):
        return False
    try:
        return sha256(read_regular(out / name, OUTPUT_BYTES)) == entry.sha256
    except Refused:
        return False


def removable(out: Path, entries: dict[str, Entry], stems: frozenset[str]) -> list[str]:
    """Return outputs of briefs no longer planned that ``--clean`` may delete.

    Only files the manifest proves we wrote: a sealed entry, a regular file (never a symlink)
    whose bytes are the ones recorded. A file someone edited, replaced or added by hand stays.

    Args:
        out: The output folder.
        entries: The manifest's entries.
        stems: File stems of every brief the build plans.
    """
    return sorted(
        name
        for name, entry in entries.items()
        if Path(name).stem not in stems and _ours(out, name, entry)
    )


def seal_build(digest: str, outputs: dict[str, str]) -> str:
    """Return the keyed hash of a build record: its input digest and each output's hash."""
    message = digest + "".join(f"\0{name}\0{outputs[name]}" for name in sorted(outputs))
    return _sealed("build", message)


def read_builds(out: Path) -> dict[str, dict[str, str]]:
    """Return the manifest's build records: input digest -> {output name: its SHA-256}.

    Records whose seal does not hold are left out; a record not in the manifest's format
    (fields missing or of another type) makes the manifest ignored, with one warning.
    """
    builds = _load(out).get("builds", {})
    records = {d: _build(r) for d, r in builds.items()} if isinstance(builds, dict) else None
    if records is None or None in records.values():
        _ignored(out, "its build records are not in the manifest's format")
        return {}
    return {
        digest: outputs
        for digest, (outputs, sealed) in ((d, r) for d, r in records.items() if r is not None)
        if hmac.compare_digest(sealed, seal_build(digest, outputs))
    }


def _build(record: Any) -> tuple[dict[str, str], str] | None:
    """A build record's outputs and seal, or None if it is not in the manifest's format."""
    if not isinstance(record, dict) or set(record) != {"outputs", "seal"}:
        return None
    outputs, sealed = record["outputs"], record["seal"]
    if not isinstance(sealed, str) or not sealed.isascii() or not isinstance(outputs, dict):
        return None
    if not all(isinstance(k, str) and isinstance(v, str) for k, v in outputs.items()):
        return None
    return dict(outputs), sealed


def up_to_date(out: Path, digest: str) -> dict[str, Entry] | None:
    """Return the outputs of an earlier build with these very inputs, if all are still on disk.

    Every output the sealed record names must be a sealed manifest entry with the same hash,
    and the file on disk must have those bytes (it is read and hashed: a file edited by hand
    is made again). PDFs rendered with warnings never count, so their warnings stay current.

    Args:
        out: The output folder.
        digest: The digest of every input of the build (see :mod:`aftercare_report.inputs`).
    """
    record = read_builds(out).get(digest)
    if not record:
        return None
    entries = read(out)
    found = {}
    for name, expected in record.items():
        entry = entries.get(name)
        if entry is None or entry.sha256 != expected or entry.warnings:
            return None
        if not _ours(out, name, entry):
            return None
        found[name] = entry
    return found


def on_disk(out: Path, name: str) -> bytes | None:
    """Return the bytes of ``out/name`` if it is a regular file (never a symlink), else None."""
    try:
        return read_regular(out / name, OUTPUT_BYTES)
    except Refused:
        return None


@contextmanager
def locked(out: Path) -> Iterator[None]:
    """Hold the output folder's lock: one build at a time writes files and the manifest.

    The lock is taken on the folder itself, so no lock file is left among the outputs (and
    none can be deleted under a waiting build).
    """
    out.mkdir(parents=True, exist_ok=True)
    fd = os.open(out, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


@contextmanager
def spool(out: Path) -> Iterator[Path]:
    """Hold a private folder in ``out`` for a build's finished outputs, and remove it after.

    Each output goes to a file here the moment it is made, so the building process holds a few
    outputs at a time, not every one of the build (a template can write 20 MB per brief); the
    files are renamed over the old ones only once every output is made, so a failed build still
    changes nothing. The folder is in ``out``, on the same file system, so renaming is atomic.
    It stays locked while the build runs: another build's :func:`remove_stale_temps` removes a
    killed build's folder, never a running one's.
    """
    out.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(dir=out, prefix=SPOOL_PREFIX))
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        os.close(fd)


def remove_stale_temps(out: Path) -> list[Path]:
    """Delete temporary files and spool folders a killed build left in ``out`` (lock held).

    Only names of our own pattern are touched, and only regular files or symlinks (unlinking
    never follows them); with the lock held no other build is writing. A spool folder is
    removed only when no running build holds its lock (see :func:`spool`).
    """
    removed = []
    for path in out.iterdir():
        mode = path.lstat().st_mode
        if TEMP_FILE.match(path.name):
            if stat.S_ISREG(mode) or stat.S_ISLNK(mode):
                path.unlink(missing_ok=True)
                removed.append(path)
        elif SPOOL_DIR.match(path.name) and stat.S_ISDIR(mode) and _abandoned(path):
            shutil.rmtree(path, ignore_errors=True)  # rmtree never follows symlinks inside
            removed.append(path)
    return removed


def _abandoned(folder: Path) -> bool:
    """Whether no running build holds ``folder``'s lock."""
    try:
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    finally:
        os.close(fd)
    return True


def kept(out: Path, entries: dict[str, Entry]) -> dict[str, Entry]:
    """Return the entries whose files still exist as regular files in ``out``."""
    out_entries = {}
    for name, entry in entries.items():
        try:
            if Path(name).name == name and stat.S_ISREG((out / name).lstat().st_mode):
                out_entries[name] = entry
        except (OSError, ValueError):  # ValueError: a NUL in the name (read() refuses one)
            continue
    return out_entries


def render(entries: dict[str, Entry], builds: dict[str, dict[str, str]] | None = None) -> bytes:
    """Return the manifest JSON, keys sorted, so it is reproducible too.

    Build records whose outputs have since changed are dropped: they could never match again.
    """
    current = {
        digest: outputs
        for digest, outputs in (builds or {}).items()
        if all(name in entries and entries[name].sha256 == h for name, h in outputs.items())
    }
    body: dict[str, Any] = {
        "schema_version": MANIFEST_VERSION,
        "generator": f"aftercare-report {__version__}",
        "outputs": {name: asdict(entries[name]) for name in sorted(entries)},
        "builds": {
            digest: {"outputs": current[digest], "seal": seal_build(digest, current[digest])}
            for digest in sorted(current)
        },
    }
    return (json.dumps(body, indent=2, ensure_ascii=False) + "\n").encode()
