"""`serve`: briefs built into a temporary folder, served on loopback, rebuilt on change."""

from __future__ import annotations

import urllib.error
import urllib.request
from pathlib import Path

import pytest

from aftercare_report import inert, serve

from .serving import SUMMARY, eventually, fetch, make_project, serving


@pytest.mark.slow
def test_a_profile_change_appears_in_the_served_page_and_an_error_too(tmp_path: Path) -> None:
    # One server for the whole story: starting one costs about a second of the fast set.
    profile = make_project(tmp_path)
    with serving(tmp_path, "--jobs", "1") as url:
        _served_pages_allow_only_our_reload_script(url)
        _only_this_machines_names_are_answered(url)  # no DNS rebinding
        status, index = fetch(url)
        assert status == 200
        assert 'href="/testland.html"' in index and 'href="/testland.pdf"' in index
        status, page = fetch(url + "testland.html")
        assert status == 200 and SUMMARY in page
        text = profile.read_text().replace(SUMMARY, "Testland now keeps cases open.")
        profile.write_text(text)
        eventually(lambda: "Testland now keeps cases open." in fetch(url + "testland.html")[1])

        profile.write_text(text.replace("level: 3", "level: 7 <b>", 1))  # a failed build
        eventually(lambda: fetch(url + "testland.html")[0] == 500)
        page = fetch(url + "testland.html")[1]
        assert "profiles/testland.yaml:11:12: components.identification.level" in page
        assert "&lt;b&gt;" in page and "<b>" not in page  # escaped
        assert fetch(url)[0] == 500  # every page shows it
        profile.write_text(text)
        eventually(lambda: fetch(url + "testland.html")[0] == 200)
    assert not list(tmp_path.glob("out*")), "serve writes nothing into the project"


def _served_pages_allow_only_our_reload_script(url: str) -> None:
    with urllib.request.urlopen(url + "testland.html", timeout=30) as response:
        policy = response.headers["Content-Security-Policy"]
        page = response.read().decode()
    assert policy == inert.CSP + "; script-src 'self'; connect-src 'self'"
    assert '<script src="/__reload.js?since=' in page
    assert inert.csp_meta() not in page  # it would forbid the script on top of the header
    status, script = fetch(url + "__reload.js")
    assert status == 200 and "EventSource" in script
    assert fetch(url + "../aftercare-report.toml")[0] == 404
    assert fetch(url + "manifest.json")[0] == 404


def test_served_page_swaps_the_policy_and_adds_the_script_only_in_memory() -> None:
    built = f"<html><head>{inert.csp_meta()}</head><body><p>x</p></body></html>"
    served = serve.served_page(built, 3)
    assert inert.csp_meta() in built and inert.csp_meta() not in served
    script = '<script src="/__reload.js?since=3"></script>'
    assert served == f"<html><head>{script}</head><body><p>x</p></body></html>"


def test_a_body_end_written_in_a_value_does_not_move_the_reload_script_into_it() -> None:
    # Security review 13a, M1: the script went before the last '</body>' of the text, inside a
    # title attribute, and the rest of the value became markup (a meta refresh elsewhere).
    payload = "<p title=\"</body><meta http-equiv=refresh content='0;url=https://e.example/'>\">"
    built = f"<html><head>{inert.csp_meta()}</head><body>{payload}x</p>"
    served = serve.served_page(built, 3)
    assert served.endswith(f"<body>{payload}x</p>")  # the value is as it was built
    assert served.count("<script") == 1 and "<head><script src=" in served


def test_loopback_addresses() -> None:
    assert serve.is_loopback("127.0.0.1") and serve.is_loopback("::1")
    assert serve.is_loopback("localhost")
    assert not serve.is_loopback("0.0.0.0") and not serve.is_loopback("192.168.1.4")


def _only_this_machines_names_are_answered(url: str) -> None:
    hosts = [("attacker.example", 421), ("localhost:1", 200), ("[::1]:8", 200)]
    hosts += [("evil@localhost", 421), ("localhost/x", 421)]  # review 16a, I2: no browser's
    hosts += [("localhost:80:80", 421), ("[::1]:8:8", 421)]  # review 17a
    for host, status in hosts:
        request = urllib.request.Request(url, headers={"Host": host})
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                assert response.status == status
        except urllib.error.HTTPError as exc:
            assert exc.code == status, host


@pytest.mark.slow
def test_a_pdf_link_makes_the_pdf_when_opened(tmp_path: Path) -> None:
    make_project(tmp_path)
    with serving(tmp_path, "--jobs", "1") as url:
        status, _ = fetch(url)
        assert status == 200
        pdf = urllib.request.urlopen(url + "testland.pdf", timeout=120)
        with pdf:
            assert pdf.headers["Content-Type"] == "application/pdf"
            assert pdf.read(5) == b"%PDF-"


@pytest.mark.slow
def test_the_index_links_every_brief_in_every_format(tmp_path: Path) -> None:
    from aftercare_report.outputs import FORMATS

    make_project(tmp_path)
    with serving(tmp_path, "--format", "md") as url:
        _, index = fetch(url)
        for fmt in FORMATS.values():
            assert f'href="/testland{fmt.suffix}"' in index, fmt.name
        assert "made when first opened" in index and "Markdown" not in index.split("<p>")[-1]
        built = urllib.request.urlopen(url + "testland.md", timeout=60)  # made with the rebuild
        with built:
            assert built.headers["Content-Type"] == "text/markdown; charset=utf-8"
            assert built.read().startswith(b"---\ntitle:")
        word = urllib.request.urlopen(url + "testland.docx", timeout=120)  # made when opened
        with word:
            assert word.headers["Content-Type"] == FORMATS["docx"].media_type
            assert 'filename="testland.docx"' in word.headers["Content-Disposition"]
            assert word.read(2) == b"PK"
        data = urllib.request.urlopen(url + "testland.json", timeout=60)
        with data:
            assert data.headers["Content-Type"] == "application/json; charset=utf-8"
        status, _ = fetch(url + "testland.odt")
        assert status == 404


BAD_CATALOG = (
    'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
    'msgid "Briefs"\nmsgstr "<img src=x>"\n'
)


def test_the_error_page_of_a_bad_catalog_is_in_english(tmp_path: Path) -> None:
    # Security review 15a, L2: the error page was made in the project's language, whose bad
    # catalog raised inside every request: no page at all, a traceback per request.
    from aftercare_report.i18n import resolve

    (tmp_path / "en.po").write_text(BAD_CATALOG)
    page = serve.error_page(
        "en.po:6:1: the translation adds markup", 1, resolve("en", {}, tmp_path)
    )
    assert "<h1>The build failed</h1>" in page and "en.po:6:1: the translation adds" in page


@pytest.mark.slow
def test_serve_answers_with_the_error_while_a_team_catalog_is_bad(tmp_path: Path) -> None:
    make_project(tmp_path)
    (tmp_path / "translations").mkdir()
    (tmp_path / "translations" / "en.po").write_text(BAD_CATALOG)
    with serving(tmp_path, "--jobs", "1") as url:
        eventually(lambda: fetch(url)[0] == 500)
        page = fetch(url)[1]
        assert "translations/en.po:5:1: the translation adds markup" in page, page
