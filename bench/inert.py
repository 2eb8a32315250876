"""Benchmark: what the inert check of issue 23 costs, against rendering the same brief.

Rows (best of ``--repeat`` runs each, measured in turn so a busy machine moves both sides):

- for each bundled brief, the check of its HTML (``inert.problems``) against rendering its
  template to that HTML (the Jinja step that precedes it in the same worker), and against
  tinyhtml5 parsing it (the WHATWG parser WeasyPrint ships, which the tests compare it with);
- for each hostile output of ``tests/test_inert_bounds.py``, the check at 1 MB against the
  check at 100 kB: x10 is linear, x100 quadratic.

Run: ``.venv/bin/python bench/inert.py [--repeat 5]``
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def best_of(repeat: int, func: Callable[[], object]) -> float:
    """Smallest wall-clock time of ``repeat`` calls: the least disturbed by other load."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return min(times)


def brief_rows(repeat: int) -> None:
    import tinyhtml5

    from aftercare_report import inert, pipeline
    from aftercare_report.config import Project
    from aftercare_report.templating import render, templates

    project = Project()
    briefs = pipeline.plan(pipeline.analyse(project), project)
    tpl = templates(())
    print(f"{'brief':<16}{'kB':>5}{'render':>10}{'check':>10}{'ratio':>8}{'tinyhtml5':>11}")
    for b in briefs:
        name = b.kind + ".html"
        html = render(tpl, name, b.context, subject=b.stem)
        r = best_of(repeat, lambda b=b, name=name: render(tpl, name, b.context, subject=b.stem))
        c = best_of(repeat, lambda html=html: inert.problems(html))
        t = best_of(max(1, repeat // 2), lambda html=html: tinyhtml5.parse(html))
        print(
            f"{b.stem:<16}{len(html) / 1000:>5.0f}{r * 1000:>8.1f}ms{c * 1000:>8.1f}ms"
            f"{c / r:>7.2f}x{t * 1000:>9.1f}ms"
        )


def hostile_rows(repeat: int) -> None:
    from aftercare_report import inert
    from tests.test_inert import document
    from tests.test_inert_bounds import HOSTILE

    print(f"\n{'hostile output':<28}{'100 kB':>10}{'1 MB':>10}{'ratio':>8}")
    for name, make in HOSTILE.items():
        small, big = document(make(100_000)), document(make(1_000_000))
        s = best_of(repeat, lambda small=small: inert.problems(small))
        b = best_of(max(1, repeat // 2), lambda big=big: inert.problems(big))
        print(f"{name:<28}{s * 1000:>8.1f}ms{b * 1000:>8.1f}ms{b / s:>7.1f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    brief_rows(args.repeat)
    hostile_rows(args.repeat)


if __name__ == "__main__":
    main()
