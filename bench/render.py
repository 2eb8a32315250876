"""Benchmark: aftercare-report's build against bare WeasyPrint on the same HTML, and start-up.

Prints seconds per brief for (a) the tool's serial PDF path, (b) bare WeasyPrint rendering the
very same HTML and CSS, (c) the tool's parallel build; the overhead ratios; and the start-up time
of `aftercare-report --help` against importing click, jinja2, yaml and rich. All baselines are
measured in the same run, so the ratios hold on a noisy machine. Run:

    .venv/bin/python bench/render.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def best_of(repeat: int, func) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return min(times)


def startup(repeat: int) -> tuple[float, float]:
    def run(args: list[str]) -> None:
        subprocess.run(args, check=True, capture_output=True)

    exe = [sys.executable, "-m", "aftercare_report", "--help"]
    base = [sys.executable, "-c", "import click, jinja2, yaml, rich"]
    return best_of(repeat, lambda: run(exe)), best_of(repeat, lambda: run(base))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    import weasyprint

    from aftercare_report import build, pipeline
    from aftercare_report.config import Project
    from aftercare_report.pdf_render import make_pdf
    from aftercare_report.templating import render, templates

    project = Project()
    briefs = pipeline.plan(pipeline.analyse(project), project)
    tpl = templates(())
    printed = [
        render(tpl, b.template, b.context, inline_css=False, subject=b.subject) for b in briefs
    ]
    requests = [
        build.pdf_request(tpl, b, "pdf/ua-1", h) for b, h in zip(briefs, printed, strict=True)
    ]
    n = len(requests)

    def bare() -> None:
        for r in requests:
            css = [weasyprint.CSS(string=text) for text, _ in r.stylesheets]
            weasyprint.HTML(string=r.html, base_url=str(r.roots[0])).write_pdf(stylesheets=css)

    def tool_serial() -> None:
        for r in requests:
            make_pdf(r)

    def tool_build(workers: int) -> None:
        with tempfile.TemporaryDirectory() as out:
            build.build(briefs, build.BuildOptions(Path(out), ("pdf",), workers=workers))

    pages = sum(make_pdf(r).pages for r in requests)
    t_bare = best_of(args.repeat, bare)
    t_serial = best_of(args.repeat, tool_serial)
    t_build1 = best_of(args.repeat, lambda: tool_build(1))
    t_build2 = best_of(args.repeat, lambda: tool_build(2))
    t_help, t_imports = startup(max(args.repeat, 5))

    print(f"{n} briefs, {pages} PDF pages, best of {args.repeat}")

    def row(label: str, seconds: float, extra: str = "") -> None:
        ratio = f"x{seconds / t_bare:.2f} of bare" if label != "bare WeasyPrint" else ""
        print(f"{label:<34}{seconds / n:6.3f} s/brief  {ratio}{extra}")

    row("bare WeasyPrint", t_bare)
    row("make_pdf (fetcher, tags, metadata)", t_serial)
    row("build, 1 worker (HTML+PDF+write)", t_build1)
    row("build, 2 workers", t_build2, f"  (speed-up x{t_build1 / t_build2:.2f})")
    print(
        f"start-up: --help {t_help * 1000:.0f} ms, imports alone {t_imports * 1000:.0f} ms, "
        f"ratio x{t_help / t_imports:.2f}"
    )


if __name__ == "__main__":
    main()
