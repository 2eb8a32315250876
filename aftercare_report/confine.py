"""Open untrusted files safely: inside their allowed folder, regular files only, size-capped.

A pull request can add a symlink (``leak.html -> /proc/self/environ``), a FIFO that hangs a
reader, or a file the size of the disk. Every read of a profile, template, asset, output or the
manifest goes through :func:`read_regular`: the path is resolved and checked inside its folder
*before* it is opened, the open never follows a symlink and never blocks, and only a regular file
is read, never more than its limit.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from aftercare_report.limits import TEMPLATE_FOLDER_FILES

_SYSTEM = (Path("/proc"), Path("/sys"), Path("/dev"))
"""Pseudo file systems: their files look regular but read the kernel's state or block."""


class Refused(Exception):
    """A file was not read; the message says why, in words for the person who named it."""


def hidden(relative: str | Path) -> bool:
    """Whether any part of a relative path is hidden (``.git/config``, ``a/.env``)."""
    return any(part.startswith(".") for part in Path(relative).parts if part not in (".", ""))


def inside(path: Path, root: Path) -> Path:
    """Resolve ``path`` (symlinks and ``..``) and return it if it lies inside ``root``.

    Raises:
        Refused: It resolves outside ``root`` or into a pseudo file system.
    """
    real, base = path.resolve(), root.resolve()
    if not real.is_relative_to(base):
        raise Refused(f"it leads outside the folder {base.name or base}")
    if any(real.is_relative_to(system) for system in _SYSTEM):
        raise Refused("it leads to a system file")
    return real


def read_regular(path: Path, max_bytes: int) -> bytes:
    """Read a regular file without following a final symlink and without blocking.

    Args:
        path: The file (resolve and confine it first with :func:`inside`).
        max_bytes: Largest size read; one byte more is an error, whatever ``st_size`` says.

    Raises:
        Refused: A symlink, FIFO, device, folder or socket; too large; unreadable.
    """
    flags = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        reason = "it is a symlink" if exc.errno == errno.ELOOP else (exc.strerror or str(exc))
        raise Refused(reason) from None
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise Refused("it is not a regular file (a FIFO, device, socket or folder)")
        chunks, size = [], 0
        while size <= max_bytes:
            chunk = os.read(fd, min(1 << 20, max_bytes + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    except OSError as exc:
        raise Refused(exc.strerror or str(exc)) from None
    finally:
        os.close(fd)
    if size > max_bytes:
        raise Refused(f"it is larger than the limit of {max_bytes:,} bytes")
    return b"".join(chunks)


def read_inside(path: Path, root: Path, max_bytes: int) -> bytes:
    """Read ``path`` if it resolves to a regular file inside ``root`` (see :func:`inside`)."""
    return read_regular(inside(path, root), max_bytes)


def folder_files(folder: Path) -> list[Path]:
    """List every entry under ``folder`` without following symlinked folders, sorted.

    Raises:
        Refused: The folder holds more than ``TEMPLATE_FOLDER_FILES`` entries.
    """
    found: list[Path] = []
    for parent, folders, files in os.walk(folder, followlinks=False):
        folders.sort()
        for name in [*folders, *files]:
            found.append(Path(parent) / name)
            if len(found) > TEMPLATE_FOLDER_FILES:
                raise Refused(f"it holds more than {TEMPLATE_FOLDER_FILES:,} files")
    return sorted(found)


def secret_risk(folder: Path, project_root: Path | None, project_file: str) -> str | None:
    """Say why a template folder could expose secrets, or return None when it cannot.

    Templates can include any file in their folders and the PDF fetcher can embed it, so a
    folder must not be or hold the project root (CI's checkout keeps a token in ``.git/config``),
    a ``.git``, any hidden file or the project file.

    Args:
        folder: A team's template folder.
        project_root: The folder of the project file, if any.
        project_file: The project file's name.
    """
    real = folder.resolve()
    if project_root is not None and project_root.resolve().is_relative_to(real):
        return "it is or contains the project folder"
    if (real / ".git").exists():
        return "it holds .git (where CI's checkout keeps its token)"
    try:
        entries = folder_files(real)
    except Refused as exc:
        return str(exc)
    for entry in entries:
        relative = entry.relative_to(real)
        if hidden(relative):
            return f"it holds the hidden file or folder '{relative}'"
        if entry.name == project_file:
            return f"it holds the project file '{relative}'"
    return None
