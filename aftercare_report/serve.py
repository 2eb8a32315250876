"""Preview briefs live: build into a temporary folder, serve it on localhost, rebuild on change.

:func:`serve` builds the project's HTML briefs with the ordinary pipeline into a temporary folder,
serves them with the standard library's ``ThreadingHTTPServer``, watches the profiles, templates,
framework and project file with ``watchfiles``, and rebuilds when one changes (the pipeline
renders HTML in milliseconds and its manifest reuses every PDF whose inputs did not change).

Open pages update themselves: served pages (never the files on disk) load ``/__reload.js``, which
listens to ``/__events`` (Server-Sent Events) and, when a build changed the page, fetches it again
and puts it in place of the old one (a reload, when what comes back is not a page). Built briefs
carry a policy that forbids every script; served pages get the same policy as an HTTP header
instead, allowing scripts from this origin only, so the one script that runs is ours. When a
build fails, every page shows the error (escaped, with its file and line) until a build succeeds.
"""

from __future__ import annotations

import collections
import concurrent.futures
import contextlib
import html
import io
import ipaddress
import os
import re
import socket
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, unquote, urlsplit

from aftercare_report import inert, outputs
from aftercare_report.config import TRANSLATIONS
from aftercare_report.confine import Refused, read_inside
from aftercare_report.errors import AftercareError, UsageError, display_path, printable
from aftercare_report.i18n import ENGLISH, Language, _, native_name, resolve, using
from aftercare_report.limits import OUTPUT_BYTES
from aftercare_report.live import Live
from aftercare_report.outputs import FORMATS, PREVIEW, Format
from aftercare_report.resources import DEFAULT_FRAMEWORK, bundled

if TYPE_CHECKING:
    from watchfiles import Change

    from aftercare_report.config import Project

SERVED_CSP = inert.CSP + "; script-src 'self'; connect-src 'self'"
"""The policy of a served page: the brief's own, plus scripts and events from this server."""

RELOAD_JS = """\
// aftercare-report serve: show each new build in this page (never part of a brief).
// The page is fetched again and its head and body put in place of these: no new document is
// made, so the new text shows sooner than after a reload and the reader keeps their place.
// Scripts in the fetched page never run (a parsed document's scripts are inert); this one
// goes on listening. Anything but a web page in answer (the brief is gone) reloads instead.
(() => {
  const own = (src) => new URL(src, location.href).searchParams.get("since") || "0";
  let since = own(document.currentScript.src);
  const page = encodeURIComponent(location.pathname);
  const show = async () => {
    const response = await fetch(location.href, { cache: "no-store" });
    if (!(response.headers.get("Content-Type") || "").startsWith("text/html")) {
      throw new Error("not a web page");
    }
    const fresh = new DOMParser().parseFromString(await response.text(), "text/html");
    const script = fresh.querySelector('script[src^="/__reload.js"]');
    if (script === null) throw new Error("not a served page");
    const root = document.documentElement;
    for (const { name } of [...root.attributes]) root.removeAttribute(name);
    for (const { name, value } of fresh.documentElement.attributes) root.setAttribute(name, value);
    document.head.replaceWith(document.adoptNode(fresh.head));
    document.body.replaceWith(document.adoptNode(fresh.body));
    since = own(script.getAttribute("src"));
  };
  const listen = () => {
    const query = "since=" + encodeURIComponent(since) + "&page=" + page;
    const events = new EventSource("/__events?" + query);
    events.addEventListener("reload", () => {
      events.close();
      show().then(listen, () => location.reload());
    });
    events.addEventListener("error", () => {
      // A refusal (503: every stream slot taken) closes the stream for good; ask again later.
      if (events.readyState === EventSource.CLOSED) setTimeout(listen, 2000);
    });
  };
  listen();
})();
"""
_BRIEF = re.compile(
    r"^/(?:(?P<lang>[a-z]{2,3}(?:-[A-Za-z0-9]{1,8})?)/)?(?P<stem>[a-z0-9][a-z0-9_-]{0,79})"
    r"(?P<suffix>\.[a-z]{1,8})$"
)
_LANGUAGE_INDEX = re.compile(r"^/(?P<lang>[a-z]{2,3}(?:-[A-Za-z0-9]{1,8})?)/(?:index\.html)?$")
_TITLE = re.compile(r"<title>([^<]{1,300})</title>")
# An editor's save is a burst of events (write, rename, chmod) within a millisecond or two:
# they are grouped until none has come for _STEP_MS (at most _DEBOUNCE_MS), so one save is
# one rebuild, and the rebuild starts a few milliseconds after the save, not a fixed delay.
_STEP_MS = 15
_DEBOUNCE_MS = 300
_WAKE_MS = 200  # the watcher reports "no change" this often, so the first report means it runs
_GIVEN_SECONDS = 1.0  # most the rest of a build waits for the open page to load again
_KEEPALIVE = 15.0  # seconds between SSE comments: a closed tab is noticed when a write fails


@dataclass(frozen=True)
class ServeOptions:
    """How to serve.

    Attributes:
        host: Address to bind; loopback unless the user asks otherwise.
        port: TCP port (0 picks a free one).
        formats: Formats made with every rebuild besides the web page; the others are made
            when a page asks for them.
        jobs: Worker processes for rendering and PDFs.
    """

    host: str = "127.0.0.1"
    port: int = 8000
    formats: tuple[str, ...] = ()
    jobs: int = 2


def is_loopback(host: str) -> bool:
    """Whether ``host`` is this machine only (``127.0.0.1``, ``::1``, ``localhost``)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True)
class Served:
    """A brief the preview serves.

    Attributes:
        lang: Its language's folder (``fr``), or "" when briefs are in one language.
        stem: Its file name without suffix.
        title: Its title, as its web page gives it.
    """

    lang: str
    stem: str
    title: str

    @property
    def path(self) -> str:
        """Its web page's path under the served folder, without the leading slash."""
        return f"{self.lang}/{self.stem}" if self.lang else self.stem


class Preview:
    """The latest build of a project in a folder of its own, and what pages need to know of it.

    Builds run one at a time (a change and a PDF asked for at once wait for each other).
    Pages wait on :attr:`changed` for the generation to move on.
    """

    def __init__(
        self, load: Callable[[], Project], out: Path, options: ServeOptions, name: str
    ) -> None:
        self._load = load
        self.out = out
        self.options = options
        self.name = name
        self.changed = threading.Condition()
        self.generation = 0
        self.briefs: tuple[Served, ...] = ()
        self.error: str | None = None
        self.project: Project | None = None
        self.closing = False
        self.viewed: collections.Counter[str] = collections.Counter()
        """Pages open in a browser (``thailand``, ``fr/thailand``), with how many tabs show each."""
        self._changed_at: dict[str, int] = {}  # a brief's stem: the generation that changed it
        self._all_at = 0  # the last generation that changed every page (an error, the list)
        self._opened: collections.Counter[str] = collections.Counter()  # event streams, ever
        self._shown: set[str] = set()  # pages told to reload before the build ended
        self._building = threading.Lock()
        self._live = Live(out, self.formats, options.jobs, name)
        self._maker = concurrent.futures.ThreadPoolExecutor(1, "serve-maker")
        """The thread that makes formats on demand (its workers live as long as it does)."""

    @property
    def formats(self) -> tuple[str, ...]:
        """The formats every rebuild makes: the page, and those asked for."""
        return outputs.choose([PREVIEW.name, *self.options.formats])

    @property
    def translations(self) -> Path | None:
        """The project's catalogs, for the words of the index and error pages."""
        from aftercare_report.config import translations_folder

        try:
            return translations_folder(self.project) if self.project else None
        except AftercareError:
            return None

    @property
    def languages(self) -> tuple[str, ...]:
        """The languages served, each in a folder of its own (empty: one language, no folder)."""
        return self.project.every_language if self.project and self.project.published else ()

    def rebuild(self) -> str | None:
        """Load the project again and build its briefs; return the error message, if any.

        Only the briefs whose inputs changed are made again (see :mod:`live`); pages are told
        to reload only when a brief, the list of briefs or the error changed.
        """
        briefs, error = self.briefs, None
        try:
            with self._building:
                self.project = self._load()
                first = {page for page, tabs in self.viewed.items() if tabs}
                self._shown = set()
                result = self._live.build(self.project, first, self._written)
            made = {self._page(w.path) for w in result.written if not w.unchanged} - self._shown
            pages = {w.path for w in result.written if w.format == PREVIEW.name}
            # Country briefs by title, then the comparison, as a reader looks for them.
            served = (self._served(path) for path in pages)
            briefs = tuple(sorted(served, key=lambda b: (b.stem == self.name, b.title)))
        except AftercareError as exc:
            error, made = str(exc), set()
        with self.changed:
            everything = (briefs, error) != (self.briefs, self.error)
            self.briefs, self.error = briefs, error
            self._moved(made, everything=everything)
        return error

    def _page(self, path: Path) -> str:
        """The page a file of a brief belongs to: its path below the folder, without suffix."""
        return path.relative_to(self.out).with_suffix("").as_posix()

    def _written(self, pages: set[str]) -> None:
        """Let these pages reload now, and give them the machine while they do.

        The build goes on with the other briefs once each page has loaded again (its reload
        script listens again) or after a second: on two cores, rendering the rest while the
        browser lays out the page would slow the page the user is looking at.
        """
        with self.changed:
            if self.error is not None:  # pages that show an error wait for the whole build
                return
            opened = {page: self._opened[page] for page in pages}
            self._moved(pages)
            self._shown |= pages  # the end of the build does not reload them again

            def back() -> bool:
                return self.closing or all(self._opened[p] > n for p, n in opened.items())

            self.changed.wait_for(back, _GIVEN_SECONDS)

    def _moved(self, pages: set[str], *, everything: bool = False) -> None:
        """Start a new generation in which ``pages`` (or every page) changed; wake them."""
        if pages or everything:
            self.generation += 1
            self._changed_at.update(dict.fromkeys(pages, self.generation))
            if everything:
                self._all_at = self.generation
            self.changed.notify_all()

    def _served(self, page: Path) -> Served:
        lang = page.parent.name if self.languages else ""
        try:
            title = _TITLE.search(read_inside(page, self.out, OUTPUT_BYTES).decode())
        except (Refused, UnicodeDecodeError):
            title = None
        return Served(lang, page.stem, html.unescape(title[1]) if title else page.stem)

    def find(self, lang: str, stem: str) -> Served | None:
        """The brief served as ``stem`` in the language ``lang`` ("" with one language)."""
        return next((b for b in self.briefs if (b.lang, b.stem) == (lang, stem)), None)

    def output(self, brief: Served, fmt: Format) -> bytes:
        """Return a brief in a format: built with every rebuild, or made now.

        A PDF made now is reused while its inputs are unchanged (the manifest says so).

        Raises:
            AftercareError: The file could not be made.
        """
        name = f"{brief.path}{fmt.suffix}"
        if fmt.name not in self.formats:
            with self._building:
                project = self.project or self._load()
                # Made on a thread that lives as long as the preview: the workers it starts
                # are killed when the thread that forked them ends (PR_SET_PDEATHSIG follows
                # the thread), and a request's thread ends with the request, so every second
                # PDF failed with "the worker process stopped before the task reached it".
                self._maker.submit(self._live.output, project, brief.path, fmt.name).result()
        try:
            return read_inside(self.out / name, self.out, OUTPUT_BYTES)
        except Refused as exc:
            raise AftercareError(f"{name}: {exc}") from None

    def wait(self, since: int, timeout: float, page: str = "") -> int:
        """Wait up to ``timeout`` seconds for ``page`` to change after generation ``since``.

        Args:
            since: The generation the page shows.
            timeout: Seconds to wait at most.
            page: The brief the page shows (``thailand``, ``fr/thailand``); "" for a page that
                shows every brief (an index), which changes with every generation.

        Returns:
            The generation that changed the page, or ``since`` if none did.
        """

        def moved() -> bool:
            if not page:
                return self.generation > since
            return max(self._all_at, self._changed_at.get(page, 0)) > since

        with self.changed:
            self.changed.wait_for(lambda: moved() or self.closing, timeout)
            return self.generation if moved() else since

    @contextlib.contextmanager
    def viewing(self, page: str) -> Iterator[None]:
        """Count ``page`` as open (its brief is made first) while the block runs."""
        with self.changed:
            self.viewed[page] += 1
            self._opened[page] += 1
            self.changed.notify_all()
        try:
            yield
        finally:
            with self.changed:
                self.viewed[page] -= 1
                if not self.viewed[page]:
                    del self.viewed[page]

    def close(self) -> None:
        """Let every waiting page go, and stop the workers."""
        with self.changed:
            self.closing = True
            self.changed.notify_all()
        self._maker.shutdown(wait=True)
        self._live.close()


def watched(project: Project) -> tuple[Path, ...]:
    """Return the files and folders a build of ``project`` reads: what to watch."""
    paths = [
        *(project.profiles or (bundled("profiles"),)),
        *project.templates,
        project.framework or DEFAULT_FRAMEWORK,
    ]
    if project.path:
        paths.append(project.path)
    if project.root and (project.root / TRANSLATIONS).is_dir():
        paths.append(project.root / TRANSLATIONS)  # the team's catalogs and framework overlays
    return tuple(dict.fromkeys(p.resolve() for p in paths))


def _relevant(targets: Iterable[Path]) -> Callable[[object, str], bool]:
    """A watchfiles filter: changes to the watched files or inside the watched folders."""
    chosen = tuple(targets)

    def accept(change: object, path: str) -> bool:
        changed = Path(path)
        if any(part.startswith(".") for part in changed.parts[-1:]):
            return False  # editors' swap and backup files (.x.swp, .#x), our own temp files
        return any(changed == t or changed.is_relative_to(t) or _beside(changed, t) for t in chosen)

    return accept


def _beside(changed: Path, target: Path) -> bool:
    """Whether ``changed`` is named after the file ``target`` beside it (its translation)."""
    return changed.parent == target.parent and changed.name.startswith(target.stem + ".")


def serve(
    load: Callable[[], Project],
    options: ServeOptions,
    report: Callable[[str], None],
    *,
    name: str = "comparative",
    ready: Callable[[str], None] | None = None,
) -> None:
    """Build, serve and rebuild on every change until Ctrl-C.

    Args:
        load: Loads the project with the command line's overrides (again after each change,
            so edits of the project file count).
        options: Address, port, PDFs, workers.
        report: Prints one line to the terminal.
        name: File name of the comparative brief.
        ready: Called with the server's URL once it listens (default: ``report`` it).

    Raises:
        AftercareError: The project cannot be loaded at the start.
        OSError: The address cannot be bound (the port is in use, say).
    """
    load()  # a project file that does not load is an error at once, not a page
    with tempfile.TemporaryDirectory(prefix="aftercare-serve-") as tmp:
        preview = Preview(load, Path(tmp), options, name)
        server: ThreadingHTTPServer | None = None
        try:
            while True:
                targets = watched(preview.project or load())
                for changes in _watch(targets):
                    if server is None:  # the watcher runs now: no later change goes unseen
                        _report_build(preview.rebuild(), report)
                        server = _start(preview, options, ready or report)
                    elif changes:
                        names = sorted({display_path(Path(p)) for _, p in changes})
                        report(f"changed: {', '.join(names[:5])}; rebuilding")
                        _report_build(preview.rebuild(), report)
                        if preview.project and watched(preview.project) != targets:
                            break  # the project file named other inputs: watch those
        except KeyboardInterrupt:
            report("Stopped.")
        finally:
            preview.close()
            if server is not None:
                server.shutdown()
                server.server_close()


def _watch(targets: tuple[Path, ...]) -> Iterator[set[tuple[Change, str]]]:
    """The changes to ``targets``, in batches (empty ones too, every ``_WAKE_MS``).

    Raises:
        AftercareError: The watcher cannot go on (it stops at a file name that is not UTF-8).
    """
    import watchfiles

    try:
        yield from watchfiles.watch(
            *_folders(targets),
            watch_filter=_relevant(targets),
            recursive=False,
            debounce=_DEBOUNCE_MS,
            step=_STEP_MS,
            rust_timeout=_WAKE_MS,
            yield_on_timeout=True,
        )
    except RuntimeError as exc:
        raise AftercareError(f"cannot watch the project's files: {printable(str(exc))}") from None


def _start(
    preview: Preview, options: ServeOptions, ready: Callable[[str], None]
) -> ThreadingHTTPServer:
    try:
        server = _server(preview, options)
    except OSError as exc:  # a name that does not resolve, a port in use, no such address
        reason = exc.strerror or str(exc)
        raise UsageError(
            f"--host {printable(options.host)} --port {options.port}: cannot listen there: {reason}"
        ) from None
    threading.Thread(target=server.serve_forever, name="serve", daemon=True).start()
    host, port = str(server.server_address[0]), server.server_address[1]
    url = f"http://{'[' + host + ']' if ':' in host else host}:{port}/"
    ready(f"Serving the briefs on {url} (Ctrl-C stops)")
    return server


def _folders(targets: Iterable[Path]) -> list[Path]:
    """Each folder to watch, on its own: every folder below a watched one, none through a link.

    The folder of a watched file is watched (editors save by writing a new file and renaming
    it over the old one, which ends a watch on the file itself), but not what is below it: the
    project file's folder is the whole project, and a recursive watch would follow a link in it
    to ``/`` (and stop at the first folder it may not read).
    """
    folders: set[Path] = set()
    for target in targets:
        if not target.is_dir():
            folders.add(target.parent)
            continue
        folders.update(Path(walked[0]) for walked in os.walk(target, followlinks=False))
    for folder in folders:
        try:
            str(folder).encode("utf-8")
        except UnicodeEncodeError:  # the watcher takes names as UTF-8 text
            raise AftercareError(
                f"cannot watch the project's files: the folder name '{printable(str(folder))}' "
                "is not UTF-8 text: rename it"
            ) from None
    return sorted(folders)


def _report_build(error: str | None, report: Callable[[str], None]) -> None:
    report(f"build failed:\n{error}" if error else "built")


def allowed_hosts(host: str) -> frozenset[str]:
    """The names a request's ``Host`` may give, besides IP addresses, when serving on ``host``.

    A page on another site can point a name of its own at this machine (DNS rebinding) and then
    read the briefs from its scripts; its requests carry that name. So every binding checks the
    name: ``localhost``, the name given with ``--host``, and, when other machines can connect,
    this machine's own names. An address (``127.0.0.1``, ``[::1]``, ``192.0.2.7``) cannot be
    rebound, so it is always accepted.
    """
    names = {"localhost", host.strip("[]").lower()}
    if not is_loopback(host):
        names |= {socket.gethostname().lower(), socket.getfqdn().lower()}
    return frozenset(names)


def _server(preview: Preview, options: ServeOptions) -> ThreadingHTTPServer:
    attributes = {"preview": preview, "hosts": allowed_hosts(options.host)}
    handler = type("Handler", (_Handler,), attributes)
    server_class = _Server6 if ":" in options.host else _Server
    return server_class((options.host.strip("[]"), options.port), handler)


class _Server(ThreadingHTTPServer):
    """One thread per connection, at most :attr:`max_connections` at a time.

    Each thread reserves its stack's address space, and workers forked for a build inherit the
    mappings: a few hundred idle connections would push a worker past its memory limit and fail
    every build until they closed. A connection over the cap is answered 503 and closed (an
    event stream's browser retries by itself); an idle one is closed after
    :attr:`_Handler.timeout` seconds.
    """

    daemon_threads = True  # an open event stream never holds up Ctrl-C
    request_queue_size = 64  # a burst is accepted and answered (503 over the cap), not dropped
    max_connections = 32
    """Open pages (one event stream each) and requests at once; a browser opens six a host."""
    max_streams = 24
    """Event streams at once: the other slots stay free for pages and downloads, so open
    streams (a tab each) can never leave the analyst without an answer."""

    def server_activate(self) -> None:
        """Listen, with the connection slots counted from here."""
        self.slots = threading.BoundedSemaphore(self.max_connections)
        self.streams = threading.BoundedSemaphore(self.max_streams)
        super().server_activate()

    def process_request(self, request: Any, client_address: Any) -> None:
        """Serve a connection in a thread of its own if a slot is free; else answer 503."""
        if not self.slots.acquire(blocking=False):
            with contextlib.suppress(OSError):
                request.sendall(_BUSY)
            self.shutdown_request(request)
            return
        super().process_request(request, client_address)

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        """Serve the connection, then free its slot."""
        try:
            super().process_request_thread(request, client_address)
        finally:
            self.slots.release()


_BUSY = (
    b"HTTP/1.0 503 Service Unavailable\r\nContent-Type: text/plain\r\nRetry-After: 1\r\n"
    b"Content-Length: 34\r\nConnection: close\r\n\r\ntoo many connections; try again.\r\n"
)


class _HeaderDeadline(io.RawIOBase):
    """A connection's bytes, with the request line and headers due within ``seconds``.

    A socket's timeout restarts with every byte, so a client sending a header a byte at a time
    would hold its connection slot for ever; each read here waits only for what is left of the
    request's time. The body and event streams have the plain timeout again.
    """

    def __init__(self, connection: socket.socket, seconds: float) -> None:
        super().__init__()
        self.connection, self.seconds = connection, seconds
        self.deadline: float | None = None

    def start(self) -> None:
        """A request begins: its headers are due within ``seconds`` from now."""
        self.deadline = time.monotonic() + self.seconds

    def stop(self) -> None:
        """The headers are in."""
        self.deadline = None
        self.connection.settimeout(self.seconds)

    def readable(self) -> bool:
        """Always: this is a reader."""
        return True

    def readinto(self, buffer: Any) -> int:
        """Read what is there, waiting no longer than the request has left."""
        if self.deadline is not None:
            left = self.deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("the request's headers took too long")
            self.connection.settimeout(left)
        return self.connection.recv_into(buffer)


class _Server6(_Server):
    address_family = socket.AF_INET6


class _Handler(BaseHTTPRequestHandler):
    """Answers GET and HEAD for the index, the briefs, the reload script and the event stream."""

    preview: Preview
    hosts: frozenset[str]
    server_version = "aftercare-report-serve"
    head_only = False
    timeout = 10.0
    """Seconds a connection may send nothing (or a stalled write wait) before it is closed;
    an event stream writes a comment every ``_KEEPALIVE`` seconds and reads nothing."""

    def setup(self) -> None:
        """Read the connection through :class:`_HeaderDeadline`."""
        super().setup()
        self._reader = _HeaderDeadline(self.connection, self.timeout)
        self.rfile = io.BufferedReader(self._reader)

    def handle_one_request(self) -> None:
        """Read and answer one request; its request line and headers must arrive in time."""
        self._reader.start()
        super().handle_one_request()

    def parse_request(self) -> bool:
        """Read the headers and parse the request; once they are in, the deadline is off."""
        try:
            return super().parse_request()
        finally:
            self._reader.stop()

    def do_HEAD(self) -> None:
        """Answer HEAD as GET would, headers only: link checkers ask with HEAD."""
        self.head_only = True
        self.do_GET()

    def do_GET(self) -> None:
        """Route a GET request."""
        if not self._host_allowed():
            self._send(HTTPStatus.MISDIRECTED_REQUEST, "text/plain", b"unknown host name\n")
            return
        if not self._same_origin():
            self._send(HTTPStatus.FORBIDDEN, "text/plain", b"requests from other sites: no\n")
            return
        path, _, query = self.path.partition("?")
        preview, languages = self.preview, self.preview.languages
        index = _LANGUAGE_INDEX.match(path)
        brief = _BRIEF.match(path)
        if path == "/__reload.js":
            self._send(HTTPStatus.OK, "text/javascript", RELOAD_JS.encode())
        elif path == "/__events":
            self._events(_since(query), _listening(query))
        elif preview.error is not None and (path == "/" or path.endswith(PREVIEW.suffix) or index):
            page = error_page(preview.error, preview.generation, self._language(path))
            self._send(HTTPStatus.INTERNAL_SERVER_ERROR, "text/html", page.encode())
        elif path in ("/", "/index.html") and languages:
            self._redirect(f"/{languages[0]}/")  # the project's language first
        elif path in ("/", "/index.html") or (index and index["lang"] in languages):
            lang = index["lang"] if index else ""
            page = index_page(
                [b for b in preview.briefs if b.lang == lang],
                preview.generation,
                preview.formats,
                languages,
                self._language(path),
            )
            self._send(HTTPStatus.OK, "text/html", page.encode())
        elif (
            brief
            and (found := preview.find(brief["lang"] or "", brief["stem"])) is not None
            and (fmt := outputs.of(path)) is not None
        ):
            self._brief(found, fmt)
        else:
            self._send(HTTPStatus.NOT_FOUND, "text/plain", b"not found\n")

    def _language(self, path: str) -> Language:
        """The language a page at ``path`` is written in: its folder's, or the project's."""
        languages = self.preview.languages
        first = path.strip("/").split("/")[0]
        project = self.preview.project
        if project is None:
            return ENGLISH
        code = first if first in languages else project.language
        return resolve(code, project.terms, self.preview.translations)

    def _redirect(self, location: str) -> None:
        self.send_response(HTTPStatus.FOUND)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()

    def _host_allowed(self) -> bool:
        # On every binding (see allowed_hosts): a name that is not this machine's is refused,
        # and so is a header that is more than a name and a port (evil@localhost, no browser's).
        given = self.headers.get("Host", "")
        if any(c in given for c in "@/\\?# \t") or given.rpartition("]")[2].count(":") > 1:
            return False
        try:
            name = urlsplit("//" + given).hostname or ""
        except ValueError:
            return False
        try:
            ipaddress.ip_address(name)
        except ValueError:
            return name.lower() in self.hosts
        return True

    def _same_origin(self) -> bool:
        # A page of another site may not open event streams (each holds a slot) or make the
        # preview render (an <img src=".../thailand.pdf"> costs seconds of CPU): its requests
        # carry its Origin, or Sec-Fetch-Site. Only going to a page (a link the analyst
        # follows, a bookmark) is let through from elsewhere.
        origin = self.headers.get("Origin")
        if origin is not None and origin != "http://" + self.headers.get("Host", ""):
            return False
        if self.headers.get("Sec-Fetch-Site") not in ("cross-site", "same-site"):
            return True
        followed = self.headers.get("Sec-Fetch-Mode") == "navigate"
        return followed and self.headers.get("Sec-Fetch-Dest") == "document"

    def _brief(self, brief: Served, fmt: Format) -> None:
        if fmt == PREVIEW:
            generation = self.preview.generation
            try:
                built = read_inside(
                    self.preview.out / (brief.path + fmt.suffix), self.preview.out, OUTPUT_BYTES
                )
            except Refused:
                self._send(HTTPStatus.NOT_FOUND, "text/plain", b"not found\n")
                return
            page = served_page(built.decode(), generation)
            self._send(HTTPStatus.OK, fmt.media_type, page.encode())
            return
        try:
            data = self.preview.output(brief, fmt)
        except AftercareError as exc:
            page = error_page(str(exc), self.preview.generation, self._language(f"/{brief.lang}"))
            self._send(HTTPStatus.INTERNAL_SERVER_ERROR, "text/html", page.encode())
            return
        self._send(HTTPStatus.OK, fmt.media_type, data, download=brief.stem + fmt.suffix)

    def _events(self, since: int, page: str) -> None:
        """Tell the page to reload once its brief (or every page) changed after ``since``."""
        lang, _, stem = page.rpartition("/")
        if page and self.preview.find(lang, stem) is None:
            page = ""  # not a brief of this preview: nothing to count it as
        server: Any = self.server
        if not server.streams.acquire(blocking=False):
            self._send(HTTPStatus.SERVICE_UNAVAILABLE, "text/plain", b"too many open pages\n")
            return
        try:
            self._stream(since, page)
        finally:
            server.streams.release()

    def _stream(self, since: int, page: str) -> None:
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        if self.head_only:
            return
        with self.preview.viewing(page) if page else contextlib.nullcontext():
            try:
                while not self.preview.closing:
                    latest = self.preview.wait(since, _KEEPALIVE, page)
                    if latest > since:
                        self.wfile.write(f"event: reload\ndata: {latest}\n\n".encode())
                        self.wfile.flush()
                        return
                    self.wfile.write(b": still here\n\n")
                    self.wfile.flush()
            except (BrokenPipeError, ConnectionResetError):
                return  # the page was closed or reloaded

    def _send(self, status: HTTPStatus, mime: str, body: bytes, download: str = "") -> None:
        self.send_response(status)
        charset = "; charset=utf-8" if mime.startswith("text/") or mime in _UTF8 else ""
        self.send_header("Content-Type", mime + charset)
        if download and mime not in _SHOWN:  # a browser would save it under the URL's name anyway
            self.send_header("Content-Disposition", f'attachment; filename="{download}"')
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Content-Security-Policy", SERVED_CSP)
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        if not self.head_only:
            self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        """Keep the terminal for builds and errors, not one line per request."""


def _since(query: str) -> int:
    match = re.search(r"(?:^|&)since=(\d{1,12})(?:&|$)", query)
    return int(match[1]) if match else 0


def _listening(query: str) -> str:
    """The brief whose page listens (``page=/fr/thailand.html``: ``fr/thailand``); "" if none."""
    match = re.search(r"(?:^|&)page=([^&]{1,300})(?:&|$)", query)
    brief = _BRIEF.match(unquote(match[1])) if match else None
    if not brief or brief["suffix"] != PREVIEW.suffix:
        return ""
    return f"{brief['lang']}/{brief['stem']}" if brief["lang"] else brief["stem"]


def served_page(built: str, generation: int) -> str:
    """Return a built brief as served: its own policy swapped for the header, reload added.

    The ``<meta>`` policy of the brief forbids every script and would apply on top of the
    header's, so it is taken out of the served copy only; the file on disk keeps it.
    """
    script = f'<script src="/__reload.js?since={generation}"></script>'
    # In the policy's place: a brief must begin with the bundled head and its policy (the build
    # checks it), so there, and only there, the script is among tags, never inside a value
    # (a '</body>' written in an attribute would put it there: the rest would become markup).
    for allow_scripts in (False, True):
        policy = inert.csp_meta(allow_scripts=allow_scripts)
        if policy in built:
            return built.replace(policy, script, 1)
    return built  # not a brief's head: served as it is, without reloading


_UTF8 = frozenset({"application/json"})
"""Media types of text outside ``text/``, sent with their charset."""
_SHOWN = frozenset({"text/html", "application/pdf", "application/json", "text/markdown"})
"""Media types a browser shows rather than saves."""


def index_page(
    briefs: Sequence[Served],
    generation: int,
    built: Iterable[str] = (),
    languages: Sequence[str] = (),
    language: Language = ENGLISH,
) -> str:
    """Return the page that links every brief of one language in every format.

    Args:
        briefs: The briefs, each with its title.
        generation: The build the page shows (for the reload script).
        built: Formats made with every rebuild; the others are made when their link is opened.
        languages: Every language served, for the language switch (empty: one language).
        language: The language of the briefs listed, and of the page.
    """
    made = set(built) | {PREVIEW.name}
    later = [f for f in FORMATS.values() if f.name not in made]
    lang = language.code
    with using(language):
        title = _("Briefs") + " — aftercare-report serve"
        switch = _switch(languages, lang, _("Languages"))
        heading = _("Briefs") if briefs else _("No briefs yet")
        labels = ", ".join(f.label for f in later)
        later_note = _("%(formats)s: made when first opened.", formats=labels)
    items = "\n".join(_index_item(b) for b in briefs)
    body = f"{switch}<h1>{html.escape(heading)}</h1>"
    if items:
        body += f"\n<ul>\n{items}\n</ul>"
        body += f"\n<p>{html.escape(later_note)}</p>" if later else ""
    return _page(title, body, generation, lang)


def _switch(languages: Sequence[str], lang: str, label: str) -> str:
    """Links to the index of each language served, this one marked."""
    if not languages:
        return ""
    links = []
    for code in languages:
        name = html.escape(native_name(code))
        if code == lang:
            links.append(f'<strong lang="{code}">{name}</strong>')
        else:
            links.append(f'<a href="/{code}/" hreflang="{code}" lang="{code}">{name}</a>')
    return f'<nav aria-label="{html.escape(label)}">{" · ".join(links)}</nav>\n'


def _index_item(brief: Served) -> str:
    # A stem is a profile's file name: quoted and escaped in a link; a title escaped as text.
    href, text = html.escape(quote(f"/{brief.path}")), html.escape(printable(brief.title))
    others = " · ".join(
        f'<a href="{href}{f.suffix}">{html.escape(f.label)}</a>'
        for f in FORMATS.values()
        if f != PREVIEW
    )
    return f'<li><a href="{href}{PREVIEW.suffix}">{text}</a>: {others}</li>'


def error_page(message: str, generation: int, language: Language = ENGLISH) -> str:
    """Return the page shown while the latest build fails: the error, escaped, line by line.

    The page is in ``language``; the error as the tool reports it in the terminal, in English.
    """
    text = html.escape(printable_lines(message))
    try:
        heading, title, advice = _error_words(language)
    except AftercareError:  # the team's catalog is what failed: say so in English
        heading, title, advice = _error_words(ENGLISH)
        language = ENGLISH
    body = (
        f"<h1>{html.escape(heading)}</h1>\n<p>{html.escape(advice)}</p>\n"
        f'<pre lang="en">{text}</pre>'
    )
    return _page(title, body, generation, language.code)


def _error_words(language: Language) -> tuple[str, str, str]:
    """The error page's heading, title and advice in ``language`` (its catalogs are read)."""
    with using(language):
        heading, title = _("The build failed"), _("Build failed") + " — aftercare-report serve"
        advice = _(
            "Fix the file named below and save: this page reloads when the next build succeeds."
        )
    return heading, title, advice


def printable_lines(message: str) -> str:
    """Escape control characters in each line of a message, keeping the line breaks."""
    return "\n".join(printable(line) for line in message.splitlines())


def _page(title: str, body: str, generation: int, lang: str = "en") -> str:
    return (
        f'<!DOCTYPE html>\n<html lang="{html.escape(lang)}">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{html.escape(title)}</title>\n"
        "<style>body{font-family:sans-serif;margin:2rem auto;max-width:50rem;padding:0 1rem}"
        "pre{white-space:pre-wrap;background:#f6f6f6;padding:1rem;border-left:4px solid #b00}"
        "</style>\n</head>\n<body>\n<main>\n"
        f"{body}\n</main>\n"
        f'<script src="/__reload.js?since={generation}"></script>\n</body>\n</html>\n'
    )
