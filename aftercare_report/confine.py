"""Open untrusted files safely: inside their allowed folder, regular files only, size-capped.

A pull request can add a symlink (``leak.html -> /proc/self/environ``), a FIFO that hangs a
reader, or a file the size of the disk. Inputs (profiles, the framework, catalogs, overlays,
fonts, the project file, and the digest of them all) are read with :func:`read_input`, which
follows no symlink at all below the folder they belong to; templates, assets, outputs and the
manifest go through :func:`read_regular` after :func:`inside` has resolved and checked the path.
Either way the open never blocks and only a regular file is read, never more than its limit.
"""

from __future__ import annotations

import contextlib
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


def stamp(path: Path) -> tuple[int, int, int, int] | None:
    """What tells a file's versions apart without reading it, or None when it is not there.

    Modification and change times in nanoseconds, size and inode: an editor's save (a new
    file renamed over the old one) changes the inode, a write in place the times and size.
    """
    try:
        found = path.stat()
    except OSError:
        return None
    return found.st_mtime_ns, found.st_ctime_ns, found.st_size, found.st_ino


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
        return _read_fd(fd, max_bytes)
    finally:
        os.close(fd)


def _read_fd(fd: int, max_bytes: int) -> bytes:
    """Read an open regular file, at most ``max_bytes``."""
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
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
    if size > max_bytes:
        raise Refused(f"it is larger than the limit of {max_bytes:,} bytes")
    return b"".join(chunks)


def read_input(path: Path, max_bytes: int, root: Path | None = None) -> bytes:
    """Read an input file (profile, framework, catalog, overlay, font, project file) safely.

    The one way inputs are read: no symlink is followed from ``root`` down to the file (a pull
    request can add links, not the folders above its checkout), the path may not leave ``root``
    (``..`` is taken as written), nothing under ``/proc``, ``/sys`` or ``/dev`` is opened, the
    open never blocks (a FIFO) and only a regular file of at most ``max_bytes`` is read. Each
    folder is opened relative to the one before it, so a link swapped in between the check and
    the read is refused too.

    Args:
        path: The file, as named.
        max_bytes: Largest size read.
        root: The folder the untrusted part of the path starts at (the project folder, a
            template folder); by default the file's own folder.

    Raises:
        Refused: A symlink on the way, outside ``root``, a system file, not a regular file, too
            large or unreadable.
    """
    # Lexically absolute, not resolved: resolving would follow the very links refused here.
    absolute = Path(os.path.abspath(path))  # noqa: PTH100
    base = Path(os.path.abspath(root)) if root is not None else absolute.parent  # noqa: PTH100
    if not absolute.is_relative_to(base) or absolute == base:
        raise Refused(f"it is outside the folder {base.name or base}")
    if any(absolute.is_relative_to(system) for system in _SYSTEM):
        raise Refused("it is a system file")
    *folders, name = absolute.relative_to(base).parts
    try:
        fd = os.open(base, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    except OSError as exc:
        raise Refused(exc.strerror or str(exc)) from None
    try:
        for part, flags in [*((f, os.O_DIRECTORY) for f in folders), (name, os.O_NONBLOCK)]:
            child = _open_below(fd, part, flags)
            os.close(fd)
            fd = child
        return _read_fd(fd, max_bytes)
    finally:
        os.close(fd)


def _open_below(dir_fd: int, name: str, flags: int) -> int:
    """Open ``name`` in the folder ``dir_fd`` without following a link."""
    try:
        return os.open(name, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC | flags, dir_fd=dir_fd)
    except OSError as exc:
        if exc.errno in (errno.ELOOP, errno.ENOTDIR) and _is_link(name, dir_fd):
            raise Refused(f"'{name}' is a symlink; inputs are read only as regular files") from None
        raise Refused(exc.strerror or str(exc)) from None


def _is_link(name: str, dir_fd: int) -> bool:
    try:
        return stat.S_ISLNK(os.stat(name, dir_fd=dir_fd, follow_symlinks=False).st_mode)
    except OSError:
        return False


def write_new(root: Path, relative: Path, data: bytes, *, replace: bool = False) -> Path:
    """Write a file the user will own below ``root``, never through a symlink.

    ``root`` is created if needed (the user named it); folders below it are created or must be
    real folders, and the file itself must not be a symlink, even a dangling one (a pull request
    or a shared checkout can plant ``templates -> /etc`` or ``briefs.yml -> ~/.bashrc``).
    Without ``replace`` the file is created only if nothing is there; with it, a new file is
    written beside the old one and renamed over it, which replaces the entry, never what it
    points at.

    Args:
        root: The folder the path starts at (created if missing).
        relative: The file's path inside ``root``, without ``..``.
        data: The content.
        replace: Replace a regular file that is there.

    Returns:
        The path written.

    Raises:
        FileExistsError: Something is there and ``replace`` is not set.
        Refused: A symlink or something other than a folder or regular file on the way.
        OSError: The file system refused the write.
    """
    *folders, name = relative.parts
    root.mkdir(parents=True, exist_ok=True)
    fd = os.open(root, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        for folder in folders:
            with contextlib.suppress(FileExistsError):
                os.mkdir(folder, dir_fd=fd)
            child = _open_below(fd, folder, os.O_DIRECTORY)
            os.close(fd)
            fd = child
        _write_below(fd, name, data, replace)
    finally:
        os.close(fd)
    return root / relative


def check_writable(root: Path, relative: Path) -> None:
    """Refuse at once what :func:`write_new` would refuse on the way to ``relative``.

    A command that writes several files checks them all first, so a symlink planted at the
    last one stops it before the first is written, not half way (nothing is created here).

    Raises:
        Refused: A symlink on the way or at the file, a non-folder where a folder must be, or
            something other than a regular file at the file.
    """
    here = root
    *folders, name = relative.parts
    for depth, part in enumerate([*folders, name]):
        here = here / part
        try:
            mode = here.lstat().st_mode
        except FileNotFoundError:
            return  # nothing further down exists yet: write_new creates it
        if stat.S_ISLNK(mode):
            raise Refused(f"'{part}' is a symlink; nothing is written through one")
        if depth < len(folders) and not stat.S_ISDIR(mode):
            raise Refused(f"'{part}' is not a folder")
    if not stat.S_ISREG(here.lstat().st_mode):
        raise Refused(f"'{name}' is not a regular file")


def _write_below(dir_fd: int, name: str, data: bytes, replace: bool) -> None:
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
    try:
        mode = os.stat(name, dir_fd=dir_fd, follow_symlinks=False).st_mode
    except FileNotFoundError:
        mode = None
    if mode is not None and stat.S_ISLNK(mode):
        raise Refused(f"'{name}' is a symlink; nothing is written through one")
    if mode is not None and not replace:
        raise FileExistsError(errno.EEXIST, "already exists", name)
    if mode is not None and not stat.S_ISREG(mode):
        raise Refused(f"'{name}' is not a regular file")
    target = f".{name}.{os.getpid()}.tmp" if mode is not None else name
    fd = os.open(target, flags, 0o644, dir_fd=dir_fd)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    if target != name:  # rename replaces the entry, even a link planted since the check
        os.rename(target, name, src_dir_fd=dir_fd, dst_dir_fd=dir_fd)


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
    if ".git" in real.parts or ((real / "HEAD").is_file() and (real / "objects").is_dir()):
        return "it is a git folder (where CI's checkout keeps its token)"
    root = project_root.resolve() if project_root is not None else None
    if root is not None and real.is_relative_to(root) and hidden(real.relative_to(root)):
        return f"it is the hidden folder '{real.relative_to(root)}' (through a link)"
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
        if entry.is_symlink() and entry.is_dir() and not entry.resolve().is_relative_to(real):
            # no template can read through it, and `serve` would watch all it leads to
            return f"it holds '{relative}', a link to a folder outside it"
        if entry.name == project_file:
            return f"it holds the project file '{relative}'"
    return None
