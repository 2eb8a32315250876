"""Keep a generated section of a document in step with the code it is generated from.

The section sits between two marker comments; ``sync`` rewrites it, or with ``--check`` reports
(exit 1) that it is out of date, so a test or CI can refuse a document that drifted.
"""

from __future__ import annotations

import sys
from pathlib import Path


def updated(text: str, start: str, end: str, body: str) -> str:
    """Return ``text`` with ``body`` between the ``start`` and ``end`` markers."""
    head, _, rest = text.partition(start)
    _, _, tail = rest.partition(end)
    return f"{head}{start}\n{body}\n{end}{tail}"


def sync(path: Path, start: str, end: str, body: str, argv: list[str]) -> int:
    """Rewrite the section in ``path``; with ``--check`` in ``argv``, say if it is current."""
    text = path.read_text(encoding="utf-8")
    new = updated(text, start, end, body)
    if "--check" in argv:
        if new != text:
            print(f"{path.name}: the generated section is out of date; run {sys.argv[0]}")
            return 1
        return 0
    path.write_text(new, encoding="utf-8")
    return 0
