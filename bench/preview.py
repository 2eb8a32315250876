"""Benchmark: how long a saved edit takes to show in the browser, beside a cold HTML build.

It makes a team project with ``aftercare-report init`` and the bundled profiles copied into it
(as a team does to edit one), a team catalog (``translations/en.po``) with one English message
of its own, and starts ``serve`` on it. Headless Chromium (as ``tests/test_browser.py`` drives
it) opens the Thailand brief. Then it edits, in turn, a profile field (the summary), a template
block (the team's ``country.html`` override) and a catalog message ("Key findings"), each
``--edits`` times, saving as an editor does (write a new file, rename it over the old one), and
measures from the rename to the new text being in the page, polling the page's text. The
next save comes once the server has finished building (the other briefs too), as a person
reads the page before saving again.

Baseline, measured in the same run: a cold ``aftercare-report build --format html`` of the
same project (a new process, imports included, an empty output folder), best and median of
``--cold`` runs. Ratios are the median time to visible against the median cold build.

Run (needs chromium, chromium-driver and selenium, as the browser tests):

    .venv/bin/python bench/preview.py [--edits 12] [--cold 5] [--jobs 2]
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
EXE = [sys.executable, "-m", "aftercare_report"]
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
ENV["PYTHONUNBUFFERED"] = "1"

CATALOG = """\
msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\\n"
"Language: en\\n"

msgid "Key findings"
msgstr "{text}"
"""
TEMPLATE_BLOCK = re.compile(r"\{% block closing %\}.*?\{% endblock %\}", re.S)


def project(folder: Path) -> Path:
    """A team project with the bundled profiles copied in and a team catalog; return it."""
    subprocess.run([*EXE, "init", str(folder)], check=True, capture_output=True, env=ENV)
    for profile in (ROOT / "profiles").glob("*.yaml"):
        if "." in profile.stem:
            continue  # a translation (thailand.fr.yaml): this project is in English
        shutil.copy(profile, folder / "profiles" / profile.name)
    toml = folder / "aftercare-report.toml"
    text = toml.read_text().replace('profiles = ["profiles", "bundled"]', 'profiles = ["profiles"]')
    toml.write_text(text)
    (folder / "translations").mkdir()
    (folder / "translations" / "en.po").write_text(CATALOG.format(text="Key findings"))
    return folder


def save(path: Path, text: str) -> float:
    """Save as an editor does (a new file renamed over the old one); return the time after."""
    tmp = path.with_name(f".{path.name}.swp")
    tmp.write_text(text)
    tmp.replace(path)
    return time.perf_counter()


def edits(folder: Path) -> dict[str, Callable[[str], tuple[Path, str]]]:
    """For each kind of input, a function from a marker to the file and its edited text."""
    profile = folder / "profiles" / "thailand.yaml"
    template = folder / "templates" / "country.html"
    catalog = folder / "translations" / "en.po"
    original = {p: p.read_text() for p in (profile, template, catalog)}

    def profile_edit(marker: str) -> tuple[Path, str]:
        text = original[profile].replace("summary: >-\n  ", f"summary: >-\n  {marker} ", 1)
        assert text != original[profile]
        return profile, text

    def template_edit(marker: str) -> tuple[Path, str]:
        block = f"{{% block closing %}}\n{{{{ super() }}}}\n<p>{marker}</p>\n{{% endblock %}}"
        text = TEMPLATE_BLOCK.sub(lambda _: block, original[template], count=1)
        assert text != original[template]
        return template, text

    def catalog_edit(marker: str) -> tuple[Path, str]:
        return catalog, CATALOG.format(text=f"Key findings {marker}")

    return {"profile field": profile_edit, "template block": template_edit, "catalog": catalog_edit}


class Server:
    """``serve`` running in ``folder``, with the builds it has reported so far."""

    def __init__(self, folder: Path, jobs: int) -> None:
        command = [*EXE, "serve", "--port", "0", "--jobs", str(jobs)]
        self.process = subprocess.Popen(
            command, cwd=folder, env=ENV, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL
        )
        self.url = ""
        self.builds = 0  # "built" and "build failed" lines
        self.ready = threading.Event()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stderr is not None
        for raw in self.process.stderr:
            line = raw.decode(errors="replace")
            match = re.search(r"on (http://\S+/) ", line)
            if match:
                self.url = match[1]
                self.ready.set()
            elif line.startswith(("built", "build failed")):
                self.builds += 1
        self.ready.set()

    def idle(self, builds: int, timeout: float = 60) -> None:
        """Wait until the server has reported ``builds`` builds (the last edit's is done)."""
        end = time.monotonic() + timeout
        while self.builds < builds and time.monotonic() < end:
            time.sleep(0.01)


@contextmanager
def serving(folder: Path, jobs: int) -> Iterator[Server]:
    """Run ``serve`` on a free port in ``folder``; yield it; stop it with Ctrl-C."""
    server = Server(folder, jobs)
    server.ready.wait(120)
    if not server.url:
        server.process.kill()
        raise SystemExit("serve did not start")
    try:
        yield server
    finally:
        server.process.send_signal(signal.SIGINT)
        try:
            server.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.process.kill()


def browser() -> Any:
    """Headless Chromium, as the browser tests start it."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"):
        options.add_argument(flag)
    options.add_argument("--window-size=1200,900")
    driver = Service(executable_path=shutil.which("chromedriver") or "/usr/bin/chromedriver")
    return webdriver.Chrome(options=options, service=driver)


_SHOWN = "return !!document.body && document.body.innerText.includes(arguments[0])"


def visible_after(driver: Any, path: Path, text: str, marker: str, timeout: float = 30) -> float:
    """Save ``text`` to ``path``; return seconds until ``marker`` is in the open page."""
    saved = save(path, text)
    end = saved + timeout
    while time.perf_counter() < end:
        try:
            if driver.execute_script(_SHOWN, marker):
                return time.perf_counter() - saved
        except Exception:  # the page is between two documents
            pass
    raise NotShown(f"did not show within {timeout:g} s of saving {path.name}")


class NotShown(Exception):
    """An edit that never reached the page (the server does not watch that file, say)."""


def cold_builds(folder: Path, runs: int) -> list[float]:
    """Seconds of ``build --format html`` as a new process into an empty folder, ``runs`` times."""
    times = []
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as out:
            start = time.perf_counter()
            subprocess.run(
                [*EXE, "-q", "build", "--format", "html", "--out", out],
                cwd=folder,
                check=True,
                capture_output=True,
                env=ENV,
            )
            times.append(time.perf_counter() - start)
    return times


def p90(values: list[float]) -> float:
    """The 90th percentile (nearest rank)."""
    ordered = sorted(values)
    return ordered[max(0, -(-len(ordered) * 9 // 10) - 1)]


def main() -> None:
    """Measure and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--edits", type=int, default=12, help="edits of each kind (>= 10)")
    parser.add_argument("--cold", type=int, default=5, help="cold builds for the baseline")
    parser.add_argument("--jobs", type=int, default=2, help="serve --jobs")
    args = parser.parse_args()
    load = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="bench-preview-") as tmp:
        folder = project(Path(tmp) / "briefs")
        cold = cold_builds(folder, args.cold)
        results: dict[str, list[float]] = {}
        failed: dict[str, str] = {}
        driver = browser()
        try:
            with serving(folder, args.jobs) as server:
                driver.get(server.url + "thailand.html")
                builds = 1
                for kind, edit in edits(folder).items():
                    results[kind] = []
                    for n in range(args.edits):
                        marker = f"Bench{kind[:3].title()}{n}x{time.monotonic_ns() % 10**6}"
                        path, text = edit(marker)
                        try:
                            seconds = visible_after(driver, path, text, marker)
                        except NotShown as exc:
                            failed[kind] = str(exc)
                            driver.get(server.url + "thailand.html")
                            break
                        results[kind].append(seconds)  # every edit counts, the first too
                        # A person reads the page before saving again: the next save comes
                        # once this one's build has finished (the other briefs too).
                        builds += 1
                        server.idle(builds)
                        time.sleep(0.2)
        finally:
            driver.quit()
        cold += cold_builds(folder, args.cold)  # before and after: load hits both sides alike
    base = statistics.median(cold)
    python = platform.python_version()
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {python}")
    print(f"load average at the start: {load[0]:.2f} / {load[1]:.2f} / {load[2]:.2f}")
    print(f"serve --jobs {args.jobs}; Thailand brief open; {args.edits} edits of each kind")
    print()
    print(f"{'save to visible (s)':<20} {'min':>6} {'median':>7} {'p90':>6} {'max':>6}  vs cold")
    for kind, times in results.items():
        if kind in failed:
            print(f"{kind:<20} never: {failed[kind]}")
            continue
        med = statistics.median(times)
        print(
            f"{kind:<20} {min(times):6.3f} {med:7.3f} {p90(times):6.3f} {max(times):6.3f}"
            f"  x{med / base:.2f}"
        )
    print(
        f"{'cold build --format html':<20} {min(cold):6.3f} {base:7.3f} {p90(cold):6.3f}"
        f" {max(cold):6.3f}  (baseline, {len(cold)} runs, 6 briefs)"
    )
    targets = all(
        k not in failed and statistics.median(results[k]) <= 0.3 and p90(results[k]) <= 0.5
        for k in ("profile field", "template block")
    )
    print()
    verdict = "met" if targets else "NOT met"
    print(f"target (profile and template edits: median <= 0.3 s, p90 <= 0.5 s): {verdict}")


if __name__ == "__main__":
    main()
