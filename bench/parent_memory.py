"""Benchmark: the building process's peak memory against the number of briefs (review 4, F1).

A pull request can add a template that writes just under ``[limits] html_mb`` per brief and a
profile for every country; the workers stay within their limits, but a build that kept every
finished output (or every brief's HTML waiting for its PDF) in the building process grew by
about 20 MB per brief. This builds a project of ``--few`` and of ``--many`` country briefs with
such a template (about ``--mb`` MB of HTML each) and prints the building process's peak RSS for
both, and the ratio: near x1 means the process is bounded by construction, near
``many / few`` means it holds every brief.

Run: ``.venv/bin/python bench/parent_memory.py [--few 3] [--many 24] [--mb 19]``; add
``--python /work/main/.venv/bin/python`` to measure another checkout's code.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

TEMPLATE = """{% extends "default:country.html" %}
{% block closing %}{{ super() }}
<p>{% for i in range(REPEAT) %}{% for j in range(1000) %}{{ "x" * 190 }}{% endfor %}{% endfor %}
</p>{% endblock %}
"""
# Runs the command-line tool in this process and prints its own peak RSS (workers excluded).
MEASURE = """
import resource, sys
from aftercare_report.cli import main
sys.argv[0] = "aftercare-report"
try:
    main()
except SystemExit as exc:
    code = exc.code
else:
    code = 0
print("PEAK_KB", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, "EXIT", code)
"""
COUNTRIES = [
    ("Peru", "PER"), ("Nepal", "NPL"), ("Kenya", "KEN"), ("Chile", "CHL"), ("Ghana", "GHA"),
    ("Laos", "LAO"), ("Mali", "MLI"), ("Chad", "TCD"), ("Togo", "TGO"), ("Cuba", "CUB"),
    ("Fiji", "FJI"), ("Iraq", "IRQ"), ("Iran", "IRN"), ("Oman", "OMN"), ("Qatar", "QAT"),
    ("Benin", "BEN"), ("Gabon", "GAB"), ("Haiti", "HTI"), ("Italy", "ITA"), ("Japan", "JPN"),
    ("Libya", "LBY"), ("Malta", "MLT"), ("Niger", "NER"), ("Spain", "ESP"), ("Sudan", "SDN"),
    ("Syria", "SYR"), ("Tonga", "TON"), ("Yemen", "YEM"), ("Egypt", "EGY"), ("Nauru", "NRU"),
]  # fmt: skip


def project(folder: Path, python: str, count: int, megabytes: int) -> list[str]:
    """Make a project of ``count`` skeleton profiles and the big template; return its command."""
    tool = [python, "-m", "aftercare_report"]
    subprocess.run([*tool, "init", str(folder)], check=True, capture_output=True)
    (folder / "profiles").mkdir(exist_ok=True)
    for name, _ in COUNTRIES[:count]:
        subprocess.run(
            [*tool, "new", name, "--to", "profiles"],
            cwd=folder,
            check=True,
            capture_output=True,
        )
    repeat = megabytes * 1024 * 1024 // (190 * 1000)
    (folder / "templates").mkdir(exist_ok=True)
    (folder / "templates" / "country.html").write_text(TEMPLATE.replace("REPEAT", str(repeat)))
    return [python, "-c", MEASURE, "build", "--format", "html"]


def peak(folder: Path, python: str, count: int, megabytes: int) -> int:
    """The building process's peak RSS, in MB, for ``count`` briefs."""
    command = project(folder, python, count, megabytes)
    done = subprocess.run(command, cwd=folder, capture_output=True, text=True)
    last = done.stdout.strip().splitlines()[-1] if done.stdout.strip() else ""
    if not last.startswith("PEAK_KB") or not last.endswith("EXIT 0"):
        sys.exit(f"build of {count} briefs failed:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
    return int(last.split()[1]) // 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--few", type=int, default=3)
    parser.add_argument("--many", type=int, default=24)
    parser.add_argument("--mb", type=int, default=19)
    parser.add_argument("--python", default=sys.executable)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        few = peak(Path(tmp) / "few", args.python, args.few, args.mb)
        many = peak(Path(tmp) / "many", args.python, args.many, args.mb)
    print(f"{args.few:>3} briefs of {args.mb} MB: building process peak {few:>6} MB")
    print(f"{args.many:>3} briefs of {args.mb} MB: building process peak {many:>6} MB")
    print(f"ratio x{many / few:.2f} for x{args.many / args.few:.1f} the briefs")


if __name__ == "__main__":
    main()
