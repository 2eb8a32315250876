"""``serve`` holds its slots against slow and foreign clients (security reviews 8 L4 and 9 L1).

A connection sending its headers a byte at a time, open event streams and pages of other
sites must not leave the analyst's own preview without an answer.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from aftercare_report import serve


class _Preview:
    """What the handler asks of a preview, with no build behind it."""

    languages: tuple[str, ...] = ()
    briefs: tuple[serve.Served, ...] = ()
    formats: tuple[str, ...] = ()
    error = None
    closing = False
    generation = 0
    project = None
    last: _Preview | None = None

    def __init__(self) -> None:
        self.viewed: list[str] = []

    def find(self, lang: str, stem: str) -> serve.Served | None:
        return serve.Served(lang, stem, stem.title()) if stem == "thailand" else None

    def wait(self, since: int, timeout: float, page: str = "") -> int:
        time.sleep(min(timeout, 0.05))
        return since

    @contextmanager
    def viewing(self, page: str) -> Iterator[None]:
        self.viewed.append(page)
        yield


@contextmanager
def running(**limits: Any) -> Iterator[tuple[str, int]]:
    server_class = type("Server", (serve._Server,), limits)
    _Preview.last = _Preview()
    attributes = {"preview": _Preview.last, "hosts": frozenset({"localhost"}), "timeout": 0.5}
    handler = type("Handler", (serve._Handler,), attributes)
    server = server_class(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    try:
        yield server.server_address[:2]
    finally:
        attributes["preview"].closing = True
        server.shutdown()
        server.server_close()


def ask(address: tuple[str, int], request: bytes) -> bytes:
    with socket.create_connection(address, timeout=5) as connection:
        connection.sendall(request)
        return connection.recv(200)


RELOAD = b"GET /__reload.js HTTP/1.0\r\nHost: localhost\r\n\r\n"


def test_an_image_or_script_of_another_site_cannot_make_the_preview_render() -> None:
    # Security review 10a, L7: <img src="http://127.0.0.1:8765/thailand.pdf"> started a render.
    with running() as address:
        host = f"Host: localhost:{address[1]}\r\n".encode()
        embedded = (
            b"Sec-Fetch-Site: cross-site\r\nSec-Fetch-Mode: no-cors\r\nSec-Fetch-Dest: image\r\n"
        )
        answer = ask(address, b"GET /thailand.pdf HTTP/1.0\r\n" + host + embedded + b"\r\n")
        assert answer.startswith(b"HTTP/1.0 403")
        followed = b"Sec-Fetch-Site: cross-site\r\nSec-Fetch-Mode: navigate\r\n"
        followed += b"Sec-Fetch-Dest: document\r\n"
        answer = ask(address, b"GET /__reload.js HTTP/1.0\r\n" + host + followed + b"\r\n")
        assert answer.startswith(b"HTTP/1.0 200")  # a link the analyst follows still works


def test_only_a_brief_of_the_preview_is_counted_as_open() -> None:
    with running() as address:
        for page in (b"/nope-1.html", b"/thailand.html"):
            request = (
                b"GET /__events?since=0&page=" + page + b" HTTP/1.0\r\nHost: localhost\r\n\r\n"
            )
            with socket.create_connection(address, timeout=5) as stream:
                stream.sendall(request)
                assert stream.recv(100).startswith(b"HTTP/1.0 200")
        preview = _Preview.last
        assert preview is not None
        deadline = time.monotonic() + 5
        while len(preview.viewed) < 1 and time.monotonic() < deadline:
            time.sleep(0.02)  # the stream counts its page just after its headers
        time.sleep(0.1)
        assert preview.viewed == ["thailand"]  # no entry per made-up page


def test_headers_sent_a_byte_at_a_time_lose_the_connection_at_the_deadline() -> None:
    with running() as address:
        connection = socket.create_connection(address, timeout=5)
        connection.sendall(b"GET / HTTP/1.1\r\nHost: localhost\r\nX-Slow: ")
        connection.settimeout(0.1)
        started, closed = time.monotonic(), False
        while not closed and time.monotonic() - started < 3:
            try:
                connection.sendall(b"a")  # a byte each 0.1 s: well within the idle timeout
                closed = connection.recv(100) == b""
            except TimeoutError:
                continue  # still open: nothing to read yet
            except OSError:
                closed = True  # reset by the server
        held = time.monotonic() - started
        connection.close()
        assert closed and held < 2  # 0.5 s for the whole header, however it trickles


def test_open_event_streams_leave_slots_for_pages() -> None:
    with running(max_connections=4, max_streams=2) as address:
        streams = []
        try:
            for _ in range(2):
                stream = socket.create_connection(address, timeout=5)
                stream.sendall(b"GET /__events?since=0 HTTP/1.1\r\nHost: localhost\r\n\r\n")
                assert stream.recv(100).startswith(b"HTTP/1.0 200")
                streams.append(stream)
            third = ask(address, b"GET /__events?since=0 HTTP/1.0\r\nHost: localhost\r\n\r\n")
            assert third.startswith(b"HTTP/1.0 503")  # told to come back, not held
            assert ask(address, RELOAD).startswith(b"HTTP/1.0 200")  # the analyst's page loads
        finally:
            for stream in streams:
                stream.close()


def test_a_page_of_another_site_may_not_open_event_streams_or_ask_for_anything() -> None:
    with running() as address:
        host = f"localhost:{address[1]}".encode()
        foreign = b"Origin: http://127.0.0.2:8799\r\n"
        for path in (b"/__events?since=0", b"/__reload.js", b"/"):
            answer = ask(
                address,
                b"GET " + path + b" HTTP/1.0\r\nHost: " + host + b"\r\n" + foreign + b"\r\n",
            )
            assert answer.startswith(b"HTTP/1.0 403"), (path, answer)
        own = b"Origin: http://" + host + b"\r\n"
        answer = ask(
            address, b"GET /__reload.js HTTP/1.0\r\nHost: " + host + b"\r\n" + own + b"\r\n"
        )
        assert answer.startswith(b"HTTP/1.0 200")


def test_the_preview_watches_no_folder_through_a_link(tmp_path: Path) -> None:
    # Security review 13a, L2: a link to / in the project folder made serve watch the whole
    # disk, and stop with an internal error at /proc.
    (tmp_path / "templates" / "parts").mkdir(parents=True)
    (tmp_path / "link").symlink_to("/")
    (tmp_path / "templates" / "usr").symlink_to("/usr")
    config = tmp_path / "aftercare-report.toml"
    config.write_text("")
    watched = serve._folders([config, tmp_path / "templates"])
    assert watched == [tmp_path, tmp_path / "templates", tmp_path / "templates" / "parts"]
