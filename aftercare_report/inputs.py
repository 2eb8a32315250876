"""The digest of everything a build reads, so an unchanged build can check its outputs and stop.

A build records this digest in the manifest with the hash of each file it wrote. The next build
with the same digest only hashes those files on disk and returns: no profile is parsed, no
template rendered, no worker started, WeasyPrint never imported.

Correctness comes first, so the digest is deliberately wide: every byte of the project file, of
each profile file (and every YAML file in a profile folder, as a build reads them, up to the bytes
it reads), of profiles named on the command line,
of the framework and its translations (the team's catalogs and overlays), of every file in the
template folders (the team's and the bundled ones), of
the tool's own package, the rendering stack (library versions, fonts), and the settings and
options of the run. A change anywhere costs one full build (whose PDFs may still be reused
one by one), never a stale brief. Each file is read once per build, however many times the
project names its folder and whatever the number of languages.
"""

from __future__ import annotations

import glob
import hashlib
import secrets
from collections.abc import Iterable, Sequence
from pathlib import Path

from aftercare_report import manifest
from aftercare_report.config import TRANSLATIONS, Project
from aftercare_report.confine import Refused, read_input
from aftercare_report.limits import INPUT_BYTES, PROFILE_TOTAL_BYTES, PUBLISHED_JSON_BYTES
from aftercare_report.resources import DEFAULT_FRAMEWORK, bundled

_PACKAGE = Path(__file__).resolve().parent


def digest(
    project: Project,
    options: str,
    named: Sequence[str],
    hashed: dict[tuple[str, int], bytes] | None = None,
) -> str:
    """Return the hex digest of every input of a build.

    Args:
        project: Settings with command-line overrides applied (all of them are hashed).
        options: The build's options as text (countries, formats, variant, shard...).
        named: Countries and peers as given: those naming files or folders are read too.
        hashed: Files hashed already, kept by the caller across the digests of one build (its
            languages read the same files): each file is read once per build.
    """
    hasher = hashlib.sha256()
    hashed = {} if hashed is None else hashed

    def add(label: str, data: bytes) -> None:
        hasher.update(f"{label}\0{len(data)}\0".encode("utf-8", "surrogateescape") + data)

    def read(path: Path, root: Path | None = None, limit: int = INPUT_BYTES) -> bytes:
        key = (str(path.absolute()), limit)
        if key not in hashed:
            hashed[key] = _read(path, root, limit)
        return hashed[key]

    add("project", repr(project).encode())
    add("options", options.encode())
    if project.path is not None:
        add("project-file", read(project.path))
    framework = project.framework or DEFAULT_FRAMEWORK
    add("framework", read(framework))
    # The team's catalogs and framework overlays, and overlays beside a framework of its own.
    overlays = sorted(framework.parent.glob(f"{glob.escape(framework.stem)}.*.yaml"))
    for path in _files([*([project.root / TRANSLATIONS] if project.root else []), *overlays]):
        add(f"translation {path}", read(path, _within(path, project.root)))
    profile_paths = project.profiles or (bundled("profiles"),)
    total = 0
    for path in _files([*profile_paths, *(Path(n) for n in named)], _YAML):
        total += _size(path)
        if total > PROFILE_TOTAL_BYTES:
            # More than a build reads: stop reading, and never call the outputs unchanged (a
            # file beside a profile that the build does not read counts here, so what follows
            # it may be a profile the build reads).
            add("profiles", secrets.token_bytes(32))
            break
        add(f"profile {path}", read(path))
    record = project.edition.previous_json  # the previous edition, which follow-ups quote
    for path in _files([record] if record else []):  # read up to what the build reads
        add(f"edition {path}", read(path, _within(path, project.root), PUBLISHED_JSON_BYTES))
    add("templates", manifest.folder_digest([*project.templates, bundled("templates")]).encode())
    add("tool", _tool_digest().encode())
    add("stack", manifest.rendering_stack().encode())
    return hasher.hexdigest()


_YAML = (".yaml", ".yml")


def _files(paths: Iterable[Path], suffixes: tuple[str, ...] = ()) -> list[Path]:
    """Files and the files directly inside folders (as profile folders are read), in order.

    A file comes with the files named after it beside it (``thailand.fr.yaml`` beside
    ``thailand.yaml``: its translations, read with it). A folder named twice (``profiles``
    and ``./profiles``, or a hundred times) is listed once.

    Args:
        paths: Files and folders.
        suffixes: In folders, only files with these (as profile folders are read); all if
            empty.
    """
    found: list[Path] = []
    listed: set[Path] = set()
    for path in paths:
        if path.is_dir():
            if path.resolve() in listed:
                continue
            listed.add(path.resolve())
            found.extend(
                sorted(
                    p
                    for p in path.iterdir()
                    if not p.is_dir() and (not suffixes or p.suffix in suffixes)
                )
            )
        elif path.exists() or path.is_symlink():
            found.append(path)
            beside = f"{glob.escape(path.stem)}.*"  # .yaml or .yml, whatever the profile's is
            found.extend(
                sorted(
                    p for p in path.parent.glob(beside) if p.suffix in _YAML and p.stem != path.stem
                )
            )
    return found


def _size(path: Path) -> int:
    """A file's size as listed (a link's own), 0 if it is gone."""
    try:
        return path.lstat().st_size
    except OSError:
        return 0


def _within(path: Path, root: Path | None) -> Path | None:
    """``root`` if ``path`` lies in it (a catalog of the project), else None (a bundled file)."""
    if root is None or not path.absolute().is_relative_to(root.absolute()):
        return None
    return root


def _read(path: Path, root: Path | None = None, limit: int = INPUT_BYTES) -> bytes:
    """The file's SHA-256, or why it is not read (the full build then reports it).

    Read as the build reads inputs (:func:`confine.read_input`): no symlink is followed and
    only regular files are opened, so a profile linked to ``/proc/kmsg`` cannot hang the check.
    """
    try:
        return hashlib.sha256(read_input(path, limit, root)).digest()
    except Refused as exc:
        # A file refused here changes the digest when it changes all the same: a build that
        # reads it with a larger limit must not find its outputs "unchanged".
        try:
            found = path.lstat()
            seen = f"{found.st_size}\0{found.st_mtime_ns}\0{found.st_ino}"
        except OSError:
            seen = "missing"
        return f"<refused: {exc}>\0{seen}".encode()


def _tool_digest() -> str:
    """Hash the tool's own files: a changed line of code must not reuse old outputs.

    The tool's own files are not untrusted input (an installation may link them), so they are
    read directly.
    """
    hasher = hashlib.sha256()
    for path in sorted(_PACKAGE.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            data = hashlib.sha256(path.read_bytes()).digest()
            hasher.update(str(path.relative_to(_PACKAGE)).encode() + b"\0" + data)
    return hasher.hexdigest()
