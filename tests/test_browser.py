"""In a real browser: `serve` shows each edit in the open brief, axe-core finds no serious
or critical accessibility violation in the HTML briefs, and every brief reads on a phone.

Headless Chromium (Debian's ``chromium`` and ``chromium-driver``) through Selenium, and axe-core
from npm in ``.cache/node_modules``: scripts/bootstrap installs all three. Where one is missing
the tests are skipped on a workstation, and fail in CI (``CI=true``), which must run them.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from aftercare_report import serve
from aftercare_report.cli import cli

from .serving import SUMMARY, make_project, serving

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
AXE = ROOT / ".cache" / "node_modules" / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
DRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"


def _unavailable(reason: str) -> None:
    message = f"{reason}; run scripts/bootstrap"
    if os.environ.get("CI") == "true":
        pytest.fail(message)  # CI must run the browser tests, never skip them quietly
    pytest.skip(message)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        _unavailable("selenium is not installed")
    for path in (CHROMIUM, DRIVER):
        if not Path(path).is_file():
            _unavailable(f"{path} is missing (Debian packages chromium, chromium-driver)")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"):
        options.add_argument(flag)
    options.add_argument("--window-size=1200,900")
    driver = webdriver.Chrome(options=options, service=Service(executable_path=DRIVER))
    driver.set_script_timeout(60)
    try:
        yield driver
    finally:
        driver.quit()


def test_the_open_brief_shows_each_edit_in_place(browser: Any, tmp_path: Path) -> None:
    """Edits show in the open page without a reload: the reader keeps their place, a failed
    build shows its error in the page, and the next good save brings the brief back."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    def shows(text: str) -> None:
        WebDriverWait(browser, 30).until(lambda b: text in b.find_element(By.TAG_NAME, "body").text)

    profile = make_project(tmp_path)
    original = profile.read_text()
    with serving(tmp_path) as url:
        browser.get(url + "testland.html")
        shows(SUMMARY)
        browser.execute_script("window.scrollTo(0, 400)")
        place = browser.execute_script("return window.scrollY")
        assert place > 0, "the brief is taller than the window"
        for text in ("Testland keeps cases open.", "Testland keeps cases open for a year."):
            profile.write_text(original.replace(SUMMARY, text))
            shows(text)  # the second edit too: the page listens again after the first
            assert browser.execute_script("return window.scrollY") == place
        title = browser.title
        assert "Testland" in title
        errors = [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]
        assert errors == [], "the update script runs within the served page's policy"
        profile.write_text(original.replace("summary:", "summary: [", 1))
        shows("The build failed")
        assert "testland.yaml" in browser.find_element(By.TAG_NAME, "pre").text
        profile.write_text(original)
        shows(SUMMARY)
        assert browser.title == title, "the head is the new page's too"
        errors = [e["message"] for e in browser.get_log("browser") if e["level"] == "SEVERE"]
        assert all("status of 500" in e for e in errors), errors  # the failed build's page


@pytest.fixture(scope="module")
def briefs(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    out = tmp_path_factory.mktemp("briefs")
    result = CliRunner().invoke(cli, ["build", "--format", "html", "--out", str(out)])
    assert result.exit_code == 0, result.output
    return sorted(out.glob("*.html"))


def test_axe_finds_no_serious_or_critical_violations(browser: Any, briefs: list[Path]) -> None:
    if not AXE.is_file():
        _unavailable(f"axe-core is missing at {AXE} (npm install --prefix .cache/node_modules)")
    axe = AXE.read_text(encoding="utf-8")
    # The harness itself finds what it should: an image without alt text is critical.
    browser.get("data:text/html,<html lang=en><title>t</title><main><img src=x.png></main>")
    assert [v["rule"] for v in _serious(browser, axe)] == ["image-alt"]
    found = {}
    pages = briefs[0].parent / "serve"
    pages.mkdir(exist_ok=True)  # what `serve` shows besides briefs: its index and a failed build
    testland = serve.Served("", "testland", "Testland")
    (pages / "index.html").write_text(serve.index_page([testland], 1))
    (pages / "error.html").write_text(serve.error_page("profiles/x.yaml:3:1: <bad>", 1))
    for brief in [*briefs, pages / "index.html", pages / "error.html"]:
        browser.get(brief.as_uri())
        bad = _serious(browser, axe)
        if bad:
            found[brief.name] = bad
    assert len(briefs) == 6 and not found, json.dumps(found, indent=2)


def _serious(browser: Any, axe: str) -> list[dict[str, Any]]:
    """Run axe-core on the open page; return its serious and critical violations."""
    browser.execute_script(axe)  # by the driver: the brief's own policy forbids every script
    results = browser.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {resultTypes: ['violations']}).then(done, e => done(String(e)));"
    )
    assert isinstance(results, dict), results
    return [
        {"rule": v["id"], "help": v["help"], "where": [n["target"] for n in v["nodes"][:3]]}
        for v in results["violations"]
        if v["impact"] in ("serious", "critical")
    ]


@pytest.fixture(scope="module")
def every_language(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    out = tmp_path_factory.mktemp("languages")
    for language in ("en", "fr", "es"):
        args = ["build", "--format", "html", "--language", language]
        result = CliRunner().invoke(cli, [*args, "--out", str(out / language)])
        assert result.exit_code == 0, result.output
    return sorted(out.glob("*/*.html"))


LAYOUT = """
const visible = (cell, table) => {
  for (let e = cell; e && e !== table.parentElement; e = e.parentElement) {
    if (e.getBoundingClientRect().width <= 2) return false;  // a visually hidden header
  }
  return cell.offsetParent !== null;
};
const found = [];
for (const table of document.querySelectorAll('table')) {
  const box = table.closest('.scroll') || table.parentElement;  // a region may scroll sideways
  const spills = getComputedStyle(box).overflowX === 'visible'
    && table.getBoundingClientRect().right > box.getBoundingClientRect().right + 1;
  const name = (e) => e.textContent.trim().slice(0, 40);
  if (spills) found.push('wider than its column: ' + name(table.caption || table));
  for (const row of table.rows) {
    const cells = [...row.cells].filter(c => visible(c, table));
    for (const cell of cells) {
      if (cell.scrollWidth > cell.clientWidth + 1) found.push('clipped: ' + name(cell));
    }
    for (let i = 1; i < cells.length; i++) {
      const a = cells[i - 1].getBoundingClientRect(), b = cells[i].getBoundingClientRect();
      const beside = Math.abs(a.top - b.top) < 1;  // cells of one line of a table
      if (beside && b.left < a.right - 1) found.push('overlaps: ' + name(cells[i]));
    }
  }
}
const page = document.documentElement;
return {scrolls: page.scrollWidth > page.clientWidth, found: found.slice(0, 5)};
"""


@pytest.mark.parametrize("width", [390, 1280])
def test_every_brief_reads_on_a_phone_and_a_desktop(
    browser: Any, every_language: list[Path], width: int
) -> None:
    browser.set_window_size(width, 900)
    inner = browser.execute_script("return window.innerWidth")
    browser.set_window_size(2 * width - inner, 900)  # the page itself is `width` wide
    assert browser.execute_script("return window.innerWidth") == width
    problems = {}
    for brief in every_language:
        browser.get(brief.as_uri())
        layout = browser.execute_script(LAYOUT)
        if layout["scrolls"] or layout["found"]:
            problems[f"{brief.parent.name}/{brief.name}"] = layout
    assert len(every_language) == 18 and not problems, json.dumps(problems, indent=2)
