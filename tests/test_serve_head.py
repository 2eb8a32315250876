"""serve answers HEAD as it answers GET, without a body: link checkers ask with HEAD."""

from __future__ import annotations

import http.client
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from .serving import make_project, serving


def ask(url: str, method: str, path: str) -> tuple[int, dict[str, str], bytes]:
    where = urlsplit(url)
    connection = http.client.HTTPConnection(where.hostname or "", where.port, timeout=30)
    try:
        connection.request(method, path)
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


@pytest.mark.slow
def test_head_gives_the_headers_of_get_and_no_body(tmp_path: Path) -> None:
    make_project(tmp_path)
    with serving(tmp_path) as url:
        for path in ("/", "/testland.html", "/__reload.js"):
            status, headers, body = ask(url, "GET", path)
            head_status, head_headers, head_body = ask(url, "HEAD", path)
            assert (head_status, head_body) == (status, b"") and status == 200, path
            assert head_headers["Content-Type"] == headers["Content-Type"]
            assert head_headers["Content-Security-Policy"] == headers["Content-Security-Policy"]
            if path != "/testland.html":  # a brief carries the build's number, which may move
                assert head_headers["Content-Length"] == str(len(body))
        assert ask(url, "HEAD", "/nope.html")[0] == 404
