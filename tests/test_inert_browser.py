"""Every hostile payload, in headless Chromium: nothing runs and nothing is fetched (issue 23).

Each payload of ``hostile/html-payloads.txt`` is put into a team template and built. A payload
the build refuses is also loaded as if the check had let it through (the bundled brief with the
payload in its body), to show the policy alone stops it; one the build accepts is loaded as
built. The page is served by a local server that counts every other request; the payload's
links are clicked. Its script would set ``document.title``; an alert, a changed title, a
request or a navigation away fails the test. Payloads marked "navigates" (a meta refresh) can
only be stopped by the check, so their policy-alone page may navigate.

Without Chromium or its driver the test is skipped on a workstation and fails under CI=true.
"""

from __future__ import annotations

import http.server
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings

from aftercare_report.cli import cli
from aftercare_report.inert import problems

from .hostile import Payload, html_payloads
from .test_browser import browser  # noqa: F401  (the fixture: headless Chromium)
from .test_inert import document
from .test_inert_fuzz import CSP, active_element, bodies

pytestmark = pytest.mark.slow

PAYLOADS = html_payloads()
MARK = "void(document.title='PWNED')"
CLICK = """
for (const a of document.querySelectorAll('#payload a, #payload area')) {
  const href = a.getAttribute('href') || a.getAttribute('xlink:href') || '';
  if (!/^(https?:|mailto:|#)/.test(href)) a.dispatchEvent(new MouseEvent('click'));
}
"""
"""Click the payload's links that lead nowhere a reader may go (web links would leave the test)."""
PAGE = "/__page__"


class _Server(http.server.ThreadingHTTPServer):
    page = b""
    requests: list[str] = []  # noqa: RUF012  (reset per payload)


class _Handler(http.server.BaseHTTPRequestHandler):
    server: _Server

    def do_GET(self) -> None:
        if self.path == PAGE:
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(self.server.page)
            return
        if self.path != "/favicon.ico":  # the browser's own request, not the page's
            self.server.requests.append(self.path)
        self.send_response(404)
        self.end_headers()

    do_POST = do_GET

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def counting() -> Iterator[_Server]:
    server = _Server(("127.0.0.1", 0), _Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield server
    finally:
        server.shutdown()


@pytest.fixture(scope="module")
def bundled_brief(tmp_path_factory: pytest.TempPathFactory) -> str:
    out = tmp_path_factory.mktemp("plain")
    result = CliRunner().invoke(cli, ["build", "thailand", "--format", "html", "--out", str(out)])
    assert result.exit_code == 0, result.output
    return (out / "thailand.html").read_text(encoding="utf-8")


def _build(tmp_path: Path, html: str) -> tuple[bool, str]:
    """Build the Thailand brief with ``html`` in its masthead: (refused, the page or message)."""
    folder = tmp_path / "tpl"
    folder.mkdir()
    (folder / "country.html").write_text(
        '{% extends "default:country.html" %}{% block masthead %}{{ super() }}'
        '<div id="payload">{% raw %}' + html + "{% endraw %}</div>{% endblock %}",
        encoding="utf-8",
    )
    args = ["build", "thailand", "--format", "html", "--templates", str(folder)]
    result = CliRunner().invoke(cli, [*args, "--out", str(tmp_path / "out")])
    if result.exit_code != 0:
        assert "active content" in result.stderr, result.stderr
        return True, result.stderr
    return False, (tmp_path / "out" / "thailand.html").read_text(encoding="utf-8")


def _through_the_check(brief: str, html: str) -> str:
    """The bundled brief with ``html`` at the start of its body, as if the check had missed it."""
    body = brief.index(">", brief.index("<body")) + 1
    return f'{brief[:body]}<div id="payload">{html}</div>{brief[body:]}'


def _ran(driver: Any, url: str) -> str:
    """What the open page did that it should not have: "" if nothing."""
    from selenium.common.exceptions import NoAlertPresentException, UnexpectedAlertPresentException

    try:
        title = driver.title
        driver.execute_script(CLICK)
        time.sleep(0.4)  # SVG animations start, clicked links navigate
        if "PWNED" in (title, driver.title):
            return "its script ran"
        if driver.title != title:
            return f"its title changed to {driver.title!r} (a javascript: link replaced it?)"
        if driver.current_url.split("#")[0] != url:
            return f"it navigated to {driver.current_url}"
    except UnexpectedAlertPresentException:
        return "it opened an alert"
    try:
        driver.switch_to.alert.dismiss()
        return "it opened an alert"
    except NoAlertPresentException:
        return ""


@pytest.mark.parametrize("payload", PAYLOADS, ids=[p.name for p in PAYLOADS])
def test_no_payload_runs_or_fetches_in_chromium(
    browser: Any,  # noqa: F811
    counting: _Server,
    bundled_brief: str,
    tmp_path: Path,
    payload: Payload,
) -> None:
    base = f"http://127.0.0.1:{counting.server_port}/"
    html = payload.filled(MARK, base)
    refused, built = _build(tmp_path, html)
    assert refused == payload.refused, built
    page = _through_the_check(bundled_brief, html) if refused else built
    counting.page, counting.requests = page.encode(), []
    browser.get("about:blank")
    browser.get(base + PAGE.lstrip("/"))
    what = _ran(browser, base + PAGE.lstrip("/"))
    if payload.navigates and refused and what.startswith("it navigated"):
        return  # only the check can stop a refresh, and it did
    assert what == "", f"{payload.name}: {what}"
    assert counting.requests == [], f"{payload.name} fetched {counting.requests}"


def test_the_harness_sees_a_script_run_a_link_run_and_a_fetch(
    browser: Any,  # noqa: F811
    counting: _Server,
) -> None:
    base = f"http://127.0.0.1:{counting.server_port}/"
    url = base + PAGE.lstrip("/")
    pages = {
        f'<img src="data:," onerror="{MARK}">': "its script ran",
        f'<div id="payload"><a href="javascript:{MARK}">x</a></div>': "its script ran",
        f'<meta http-equiv="refresh" content="0; url={base}away">': f"it navigated to {base}away",
    }
    for html, seen in pages.items():
        counting.page, counting.requests = f"<!DOCTYPE html><title>t</title>{html}".encode(), []
        browser.get("about:blank")
        browser.get(url)
        time.sleep(0.3)
        assert _ran(browser, url) == seen
    counting.page, counting.requests = f'<img src="{base}pixel.gif">'.encode(), []
    browser.get(url)
    assert counting.requests == ["/pixel.gif"]


DOM = """
const doc = new DOMParser().parseFromString(arguments[0], 'text/html');
const head = [...doc.head.children].slice(0, 2).map(e => Object.fromEntries(
  [...e.attributes].map(a => [a.name, a.value])));
const all = [...doc.querySelectorAll('*')].map(e => [e.namespaceURI, e.localName,
  Object.fromEntries([...e.attributes].map(a => [a.name, a.value]))]);
return [head, all];
"""
"""Chromium's own parser's reading of a document: its head's first two elements, and every
element with its namespace, name and attributes."""


@settings(max_examples=400, deadline=None, suppress_health_check=list(HealthCheck))
@given(body=bodies)
def test_chromium_reads_whatever_the_check_accepts_as_inert(
    browser: Any,  # noqa: F811
    body: str,
) -> None:
    page = document(body)
    if problems(page):
        return
    head, elements = browser.execute_script(DOM, page)
    assert head == [{"charset": "utf-8"}, {"http-equiv": "Content-Security-Policy", "content": CSP}]
    found = [p for ns, name, attrs in elements for p in active_element(ns, name, attrs)]
    assert found == [], body


def test_chromium_makes_an_html_image_of_svg_style_and_the_comparison_sees_it(
    browser: Any,  # noqa: F811
) -> None:
    page = document('<svg><style><img src="data:," onerror="x()"></style></svg>')
    _, elements = browser.execute_script(DOM, page)
    found = [p for ns, name, attrs in elements for p in active_element(ns, name, attrs)]
    assert "onerror= on <img>" in found and problems(page)
