"""The wheel of the running tool, so a team's CI and pre-commit install exactly this version.

``init`` puts it in the project (``tools/``) with a requirements file that pins its sha256:
CI then installs it with ``pip --require-hashes`` and never asks a package index for the
tool's name, which anyone could register there. An installed tool rebuilds its wheel from the
files pip recorded for it; a source checkout (an editable install) builds it with hatchling.
Both are reproducible: the same tool gives the same bytes, so re-running ``init`` changes
nothing.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import importlib.metadata
import json
import tempfile
import zipfile
from pathlib import Path

from aftercare_report import __version__
from aftercare_report.errors import UsageError

DISTRIBUTION = "aftercare-report"
_NOT_IN_WHEEL = frozenset({"INSTALLER", "REQUESTED", "RECORD", "direct_url.json"})
"""Files pip adds to ``dist-info`` when it installs; a wheel has none of them (RECORD is
written anew)."""
_EPOCH = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip can hold: no clock in the bytes


def wheel_name() -> str:
    """The file name of this version's wheel: ``aftercare_report-0.1.0-py3-none-any.whl``."""
    return f"aftercare_report-{__version__}-py3-none-any.whl"


@functools.cache  # the running tool does not change while it runs
def wheel_bytes() -> bytes:
    """The wheel of the running tool, as bytes (its name is :func:`wheel_name`).

    Raises:
        UsageError: The tool is not installed as a distribution (run from a bare source tree),
            or a source checkout lacks hatchling to build it.
    """
    dist = _distribution()
    source = _editable_source(dist)
    with tempfile.TemporaryDirectory() as tmp:
        target = Path(tmp) / wheel_name()
        if source is None:
            _rebuild(dist, target)
        else:
            _build(source, target)
        return target.read_bytes()


def dependencies() -> list[str]:
    """The tool's own requirements, as its wheel declares them (extras left out)."""
    required = _distribution().requires or []
    return sorted(r for r in required if "extra ==" not in r)


def _distribution() -> importlib.metadata.Distribution:
    try:
        return importlib.metadata.distribution(DISTRIBUTION)
    except importlib.metadata.PackageNotFoundError:
        raise UsageError(
            "aftercare-report is not installed (pip install it), so there is no wheel to put "
            "in the project; or give --tool-source"
        ) from None


def _editable_source(dist: importlib.metadata.Distribution) -> Path | None:
    """The source checkout of an editable install, or None for an installed wheel."""
    text = dist.read_text("direct_url.json")
    if not text:
        return None
    info = json.loads(text)
    if not info.get("dir_info", {}).get("editable"):
        return None
    url = str(info.get("url", ""))
    return Path(url.removeprefix("file://")) if url.startswith("file://") else None


def _build(source: Path, target: Path) -> None:
    """Build the wheel of a source checkout with hatchling (a development dependency)."""
    try:
        from hatchling.builders.wheel import WheelBuilder
    except ImportError:
        raise UsageError(
            f"this is a source checkout ({source}): install hatchling to build its wheel, "
            "or give --tool-source"
        ) from None
    with tempfile.TemporaryDirectory() as tmp:
        (built,) = WheelBuilder(str(source)).build(directory=tmp, versions=["standard"])
        Path(built).replace(target)


def _rebuild(dist: importlib.metadata.Distribution, target: Path) -> None:
    """Zip the files pip installed for the tool back into a wheel, with a new RECORD."""
    entries: list[tuple[str, bytes]] = []
    for file in dist.files or []:
        name = file.as_posix()
        if name.startswith("..") or "__pycache__" in name or name.endswith(".pyc"):
            continue  # the console script and byte code are made by the installer
        if ".dist-info/" in name and name.rsplit("/", 1)[-1] in _NOT_IN_WHEEL:
            continue
        entries.append((name, Path(str(file.locate())).read_bytes()))
    record = f"aftercare_report-{__version__}.dist-info/RECORD"
    lines = [f"{name},sha256={_digest(data)},{len(data)}" for name, data in sorted(entries)]
    entries.append((record, ("\n".join([*lines, f"{record},,"]) + "\n").encode()))
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in sorted(entries, key=lambda e: (e[0] == record, e[0])):
            info = zipfile.ZipInfo(name, _EPOCH)
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, data)


def _digest(data: bytes) -> str:
    # RECORD's form (PEP 376): urlsafe base64 of the SHA-256, without padding.
    return base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
