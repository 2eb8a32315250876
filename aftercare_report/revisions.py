"""The two sides ``diff`` compares: git revisions, built folders, JSON files, the working tree.

A git revision is read with ``git archive`` into a temporary folder, never checked out: the
project file, profiles, framework and translations as they were at that revision, assessed by
this tool exactly as ``build`` assesses them. What a revision holds is untrusted (a pull
request), so only regular files are taken from the archive, within a size limit, and the
project and its profiles are then read and validated as any other input. A built folder or a
JSON file is an edition as it was published (see :mod:`aftercare_report.editions`).
"""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath
from typing import IO, TYPE_CHECKING

from aftercare_report import editions
from aftercare_report.config import TRANSLATIONS, Project, load_project
from aftercare_report.editions import Published
from aftercare_report.errors import Finding, InputError, UsageError, display_path, printable
from aftercare_report.limits import (
    INPUT_BYTES,
    PUBLISHED_JSON_BYTES,
    REVISION_BYTES,
    REVISION_FILES,
)

if TYPE_CHECKING:
    from aftercare_report.diff import EditionDiff

WORKING_TREE = "the working tree"
"""How the project as it is on disk is named, when NEW is not given."""


@dataclass(frozen=True)
class Side:
    """One side of a comparison.

    Attributes:
        label: What it is, as a reviewer reads it ("HEAD~1 (3f2a9c1)", "out/").
        countries: Its countries as published, by ISO3 code.
        commit: The git commit it was read from ("" for a folder, a file or the working tree).
    """

    label: str
    countries: Published
    commit: str = ""


def side(spec: str | None, project: Callable[[], Project], allowed: Sequence[str] = ()) -> Side:
    """Read one side: a folder or JSON file if ``spec`` names one, else a git revision.

    Args:
        spec: A built output folder, a JSON file, a git revision, or None for the project as
            it is on disk.
        project: Loads the project of the working directory (its file says where the project
            lies in the repository, and assesses the working tree); called only when needed,
            so two folders compare anywhere.
        allowed: What the run allows a project file to weaken (``--allow``), for revisions.

    Raises:
        UsageError: A revision git does not know, or no git repository or project to read
            it from.
        InputError: Invalid profiles, project file or JSON on that side.
    """
    if spec is None:
        return Side(WORKING_TREE, assessed(project()))
    path = Path(spec)
    if path.exists() or path.is_symlink():
        if _names_a_revision(spec):
            # A pull request can add a folder named HEAD (or main) holding the old edition's
            # JSON, to stand for the revision CI compares: "no change" then hides its own.
            raise UsageError(
                f"{spec!r} is both a file or folder and a git revision: write './{spec}' for "
                f"the file or folder, or '{spec}^{{commit}}' for the revision"
            )
        return Side(display_path(path), editions.read(path))
    return at_revision(spec, project(), allowed)


def _names_a_revision(spec: str) -> bool:
    """Whether git, in the working folder's repository, reads ``spec`` as a commit."""
    if spec.startswith(("-", "./", "/", "../")):
        return False  # written as a path ("./HEAD")
    try:
        done = subprocess.run(
            ["git", "rev-parse", "--verify", "--quiet", "--end-of-options", f"{spec}^{{commit}}"],
            capture_output=True,
            check=False,
        )
    except FileNotFoundError:
        return False
    return done.returncode == 0


def compare(
    old: str, new: str | None, project: Callable[[], Project], allowed: Sequence[str] = ()
) -> EditionDiff:
    """Compare two sides (see :func:`side`): what changed in the assessments.

    Args:
        old: The old side: a git revision, a built folder or a JSON file.
        new: The new side, or None for the project as it is on disk.
        project: Loads the project of the working directory, when a side needs it.
        allowed: What the run allows a project file to weaken (``--allow``).
    """
    from aftercare_report.diff import compare as compare_sides

    before, after = side(old, project, allowed), side(new, project, allowed)
    found = compare_sides(before.countries, after.countries, before.label, after.label)
    if before.commit and (after.commit or new is None):
        return replace(found, files=_changed_files(project(), before, after))
    return found


FILES_SHOWN = 20
"""Changed files a comparison names one by one; the rest are counted."""


def _changed_files(project: Project, before: Side, after: Side) -> tuple[str, ...]:
    """The files of the project's folder that differ between two sides read from git."""
    assert project.path is not None  # a side was read from git, so the project is in one
    folder = project.path.parent
    top = _git(folder, "rev-parse", "--show-toplevel").strip()
    inside = folder.resolve().relative_to(Path(top).resolve()).as_posix()
    sides = [before.commit, *([after.commit] if after.commit else [])]
    listed = _git(top, "diff", "--name-only", "-z", *sides, "--", inside or ".")
    names = [printable(name) for name in listed.split("\0") if name]  # escapes, bidi controls
    # What changes wording without an assessment first (templates, catalogs, the project file),
    # so that twenty other files cannot push a template out of the names shown.
    top_real = Path(top).resolve()
    shaping = [
        p.resolve().relative_to(top_real).as_posix() + "/"
        for p in (*project.templates, folder / TRANSLATIONS)
        if p.resolve().is_relative_to(top_real)
    ]
    names.sort(key=lambda name: not name.startswith(tuple(shaping)) and not name.endswith(".toml"))
    if len(names) > FILES_SHOWN:
        names = [*names[:FILES_SHOWN], f"and {len(names) - FILES_SHOWN:,} more"]
    return tuple(names)


def assessed(project: Project) -> Published:
    """Assess every profile of a project as ``build`` does, and return them as published.

    The countries go through the very JSON a build writes, so a revision and a built folder
    compare like with like.
    """
    from aftercare_report import export, i18n, pipeline

    with i18n.using(pipeline.language(project)):
        reports = pipeline.analyse(project)
        data = [json.loads(json.dumps(export.report_json(r))) for r in reports]
    where = project.path or Path()
    return {
        r.profile.iso3: editions.countries(d, where)[0] for r, d in zip(reports, data, strict=True)
    }


def at_revision(revision: str, project: Project, allowed: Sequence[str] = ()) -> Side:
    """Assess the project as it was at a git revision, without checking it out.

    A revision from before the project file existed has no briefs: every country is new.

    Raises:
        UsageError: No git, no repository, or an unknown revision.
        InputError: Its project file or profiles are invalid (named ``REV:path``).
    """
    if project.path is None:
        raise UsageError(
            f"{revision!r} is not a file or folder, and a git revision needs a project: run "
            "diff inside a project (aftercare-report.toml) kept in git, or compare two built "
            "folders or JSON files"
        )
    top = _git(project.path.parent, "rev-parse", "--show-toplevel").strip()
    inside = project.path.resolve().relative_to(Path(top).resolve())
    commit = _commit(top, revision)
    label = f"{revision} ({commit[:7]})" if not commit.startswith(revision) else commit[:7]
    if not _git(top, "ls-tree", "--name-only", commit, "--", inside.as_posix(), check=False):
        return Side(f"{label}, before the project", {}, commit)  # every country is new since
    with tempfile.TemporaryDirectory(prefix="aftercare-report-diff-") as tmp:
        folder = Path(tmp)
        _extract(top, commit, inside.parent, folder)
        config = folder / inside.name
        try:
            return Side(label, assessed(load_project(config, tuple(allowed))), commit)
        except InputError as exc:
            raise InputError(
                _renamed(exc, folder, f"{revision}:{_prefix(inside.parent)}")
            ) from None


def _prefix(folder: PurePosixPath | Path) -> str:
    text = PurePosixPath(folder).as_posix()
    return "" if text in ("", ".") else f"{text}/"


def _renamed(exc: InputError, folder: Path, name: str) -> list[Finding]:
    """The findings of ``exc``, naming files as ``REV:path`` rather than the temporary copy."""
    out = []
    for finding in exc.findings:
        path = finding.path
        for base in {str(folder), str(folder.resolve()), display_path(folder)}:
            if path == base or path.startswith(base + os.sep):
                path = name + path[len(base) + 1 :]
                break
        out.append(replace(finding, path=path))
    return out


def _commit(top: str, revision: str) -> str:
    if revision.startswith("-"):
        raise UsageError(f"{revision!r}: not a revision, folder or file")
    spec = f"{revision}^{{commit}}"
    found = _git(top, "rev-parse", "--verify", "--quiet", "--end-of-options", spec, check=False)
    if not found.strip():
        raise UsageError(
            f"{revision!r} is neither a file, a folder nor a git revision of {top} (a shallow "
            "clone may not have it: fetch it, e.g. actions/checkout with fetch-depth: 2)"
        )
    return found.strip()


def _git(cwd: Path | str, *args: str, check: bool = True) -> str:
    try:
        done = subprocess.run(
            ["git", "-C", str(cwd), *args], capture_output=True, text=True, check=False
        )
    except FileNotFoundError:
        raise UsageError("comparing git revisions needs git, which is not installed") from None
    if check and done.returncode != 0:
        message = done.stderr.strip().splitlines()[-1] if done.stderr.strip() else "git failed"
        raise UsageError(f"git {args[0]}: {message}")
    return done.stdout


def _extract(top: str, commit: str, inside: Path, folder: Path) -> None:
    """Write the regular files of the project folder at ``commit`` into ``folder``.

    Read from git's objects as they are (``ls-tree``, then ``cat-file --batch``), not through
    ``git archive``, which applies the revision's own ``.gitattributes``: a pull request's
    ``export-ignore`` would hide its changed profiles from the comparison, and
    ``export-subst`` would rewrite them. Links, submodules and files larger than any input are
    left out, and the sizes are known before any file is read, so the limits hold first.
    """
    tree = f"{commit}:{inside.as_posix()}" if inside.as_posix() not in ("", ".") else commit
    wanted = _blobs(_git(top, "ls-tree", "-r", "-z", "--long", tree))
    if not wanted:
        return
    with tempfile.TemporaryFile() as ids:
        ids.write(b"".join(oid.encode() + b"\n" for oid, _ in wanted))
        ids.seek(0)
        command = ["git", "-C", top, "cat-file", "--batch"]
        with subprocess.Popen(command, stdin=ids, stdout=subprocess.PIPE) as proc:
            assert proc.stdout is not None
            try:
                for oid, name in wanted:
                    _write_blob(proc.stdout, oid, folder.joinpath(*name.parts))
            finally:
                proc.stdout.close()
                proc.wait()


def _blobs(listing: str) -> list[tuple[str, PurePosixPath]]:
    """The regular files of an ``ls-tree -r -z --long`` listing worth reading, within limits.

    Raises:
        UsageError: More files or bytes than :data:`REVISION_FILES` or :data:`REVISION_BYTES`.
    """
    wanted = []
    total = 0
    for entry in filter(None, listing.split("\0")):
        meta, _, path = entry.partition("\t")
        mode, kind, oid, size = meta.split()
        name = PurePosixPath(path)
        if kind != "blob" or mode not in ("100644", "100755") or not size.isdigit():
            continue  # a link, a submodule
        if name.is_absolute() or {"..", ".git"} & set(name.parts):
            continue
        if int(size) > max(INPUT_BYTES, PUBLISHED_JSON_BYTES):
            continue  # larger than anything the tool reads: its loader would refuse it
        total += int(size)
        wanted.append((oid, name))
        if total > REVISION_BYTES or len(wanted) > REVISION_FILES:
            raise UsageError(
                f"the project at this revision holds more than {REVISION_FILES:,} files "
                f"or {REVISION_BYTES // 2**20:,} MB"
            )
    return wanted


def _write_blob(stream: IO[bytes], oid: str, target: Path) -> None:
    """Copy the next object of a ``cat-file --batch`` stream (it must be ``oid``) to ``target``."""
    header = stream.readline().split()
    if len(header) != 3 or header[0].decode() != oid or header[1] != b"blob":
        raise UsageError(f"git cat-file: unexpected answer for {oid[:12]}")
    size = int(header[2])
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("wb") as out:
        left = size
        while left:
            chunk = stream.read(min(left, 1 << 20))
            if not chunk:
                raise UsageError(f"git cat-file: {oid[:12]} ended early")
            out.write(chunk)
            left -= len(chunk)
    stream.read(1)  # the newline after each object
