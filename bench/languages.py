"""Two languages in one build against one build per language: what sharing the load saves.

``build --language fr,en`` reads, checks and assesses the profiles once and starts the workers
once; the alternative a team had before is one build per language. Both make the same web pages
of every bundled brief, from a cold output folder, in turn and in the same run (the machine's
speed moves between minutes, so only the ratio means something); then the unchanged rebuild of
both languages. Run: ``.venv/bin/python bench/languages.py [rounds]``.
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TOOL = [sys.executable, "-m", "aftercare_report", "-q", "build", "--format", "html"]


def _seconds(*commands: list[str]) -> float:
    start = time.perf_counter()
    for command in commands:
        subprocess.run(command, check=True)
    return time.perf_counter() - start


def main(rounds: int) -> None:
    """Print the median seconds of each way and their ratio."""
    together, apart, unchanged = [], [], []
    for _ in range(rounds):
        folder = Path(tempfile.mkdtemp(prefix="aftercare-bench-"))
        try:
            one = [*TOOL, "--language", "fr,en", "--out", str(folder / "one")]
            together.append(_seconds(one))
            unchanged.append(_seconds(one))
            french = [*TOOL, "--language", "fr", "--out", str(folder / "two" / "fr")]
            english = [*TOOL, "--language", "en", "--out", str(folder / "two" / "en")]
            apart.append(_seconds(french, english))
        finally:
            shutil.rmtree(folder)
    a, b, c = (statistics.median(x) for x in (together, apart, unchanged))
    print(f"fr,en in one build     {a:6.2f} s (median of {rounds})")
    print(f"one build per language {b:6.2f} s")
    print(f"ratio                  x{a / b:.2f}")
    print(f"unchanged rebuild      {c:6.2f} s (x{c / a:.2f} of a full build)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 3)
