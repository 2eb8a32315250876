"""Run untrusted work in worker processes that a wall clock and a memory limit can stop.

Rendering a team's templates and making PDFs run code a pull request controls. A worker
process gets an address-space limit (``RLIMIT_AS``) when it starts and each task a wall-clock
deadline the parent enforces: a task that passes it, or a worker that dies, stops the whole
build with a message naming what was being made, and every worker is killed. Ctrl-C and SIGTERM
(see :func:`aftercare_report.cli.main`) do the same. A worker also dies on its own if the parent
does (``PR_SET_PDEATHSIG``) and when it has used more CPU time than its task may take
(``RLIMIT_CPU``), so no worker outlives a killed build.

Workers are forked: they start in milliseconds with everything the parent imported, and the
tasks need not be importable by name. When a pool has a warm-up (the WeasyPrint import) and more
than one worker, only the first is forked from the parent; once warm, it forks the others, which
share its warm-up instead of repeating it (see :meth:`Pool.start`).
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import heapq
import multiprocessing
import os
import resource
import select
import signal
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from typing import Any, Generic, Protocol, TypeVar

from aftercare_report.errors import AftercareError, BuildError

T = TypeVar("T")

_PR_SET_PDEATHSIG = 1
_POLL = 0.2
_CPU_MARGIN = 5
"""Seconds of CPU time a task may use beyond its wall-clock limit before the kernel stops it
(the parent normally stops it first; this only matters when the parent is gone)."""


@dataclass(frozen=True)
class Task(Generic[T]):
    """One piece of untrusted work.

    Attributes:
        run: What to call in the worker; raises :class:`AftercareError` for expected failures.
        args: Its arguments.
        subject: What is being made, for messages (``rendering profiles/thailand.yaml``).
        seconds: Wall-clock limit.
        limit_name: The setting that raises the limit (``[limits] pdf_seconds``).
        done: Shown in the progress display when the task has finished.
    """

    run: Callable[..., T]
    args: tuple[Any, ...]
    subject: str
    seconds: float
    limit_name: str
    done: str = ""


def run_all(
    tasks: Sequence[Task[T]],
    *,
    workers: int,
    memory_bytes: int,
    progress: Callable[[str], None] = lambda _: None,
) -> list[T]:
    """Run tasks in up to ``workers`` processes and return their results in order.

    Args:
        tasks: The work.
        workers: Most processes at once.
        memory_bytes: Address-space limit of each worker.
        progress: Called with a task's ``done`` text when it finishes.

    Raises:
        AftercareError: The first task's own error, or a :class:`BuildError` naming the task
            that passed its time limit, ran out of memory or whose worker died. Every worker
            is stopped before this returns or raises, also on KeyboardInterrupt.
    """
    if not tasks:
        return []
    with Pool(min(workers, len(tasks)), memory_bytes) as pool:
        for index, task in enumerate(tasks):
            pool.submit(index, task)
        results = dict(pool.completed(progress))
    return [results[i] for i in range(len(tasks))]


class Pool:
    """Worker processes that take tasks as they come, most urgent first.

    A build starts its pool before it loads and assesses anything, so the workers fork and
    import WeasyPrint (``warm``) on the other core meanwhile; each brief's PDF is then handed
    over the moment its HTML exists. Use it as a context manager: leaving it kills every worker.

    Args:
        size: Number of worker processes.
        memory_bytes: Address-space limit of each worker.
        warm: Called in each worker once, before its first task (an import, say).
    """

    def __init__(
        self, size: int, memory_bytes: int, warm: Callable[[], None] | None = None
    ) -> None:
        self.size = max(1, size)
        self.memory_bytes = memory_bytes
        self.warm = warm
        self.workers: list[_Worker] = []
        self.idle: list[_Worker] = []
        self.queue: list[tuple[float, int, object, Task[Any]]] = []
        self.busy: dict[Connection, tuple[_Worker, object, Task[Any], float]] = {}
        self._order = 0

    def __enter__(self) -> Pool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def start(self) -> None:
        """Fork every worker now, rather than when the first task arrives.

        With a warm-up and more than one worker, this process forks only the first; once warm,
        that one forks the others (a zygote, as Android starts its apps). Each would otherwise
        import WeasyPrint itself, about a second of CPU, while this process loads and assesses
        the profiles: on two cores, three processes share them and every repeat delays the first
        PDF. The pool talks to every worker directly either way; a worker forked by another dies
        with it (and so with this process).
        """
        if self.warm is not None and not self.workers and self.size > 1 and _pidfds_work():
            self._start_family()
        while len(self.workers) < self.size:
            self.idle.append(self._start())

    def submit(self, key: object, task: Task[Any], priority: float = 0.0) -> None:
        """Queue ``task``; lower ``priority`` runs first, ties in order of submission."""
        self._order += 1
        heapq.heappush(self.queue, (priority, self._order, key, task))

    def completed(
        self, progress: Callable[[str], None] = lambda _: None
    ) -> Iterator[tuple[Any, Any]]:
        """Yield ``(key, result)`` as tasks finish, until none is queued or running.

        The caller may :meth:`submit` more tasks between two results (a PDF once its HTML
        is back); they are picked up at once.

        Raises:
            AftercareError: As :func:`run_all`.
        """
        while self.queue or self.busy:
            self._dispatch()
            deadline = min(end for _, _, _, end in self.busy.values())
            # Wake up often: a Ctrl-C or SIGTERM delivered to another thread (the progress
            # display's) only runs its handler here when this thread next runs Python code.
            timeout = min(_POLL, max(0.0, deadline - time.monotonic()))
            ready = wait(list(self.busy), timeout=timeout)
            # A worker that forked others dies before they do (they die with it): when both
            # are gone, the first one's task is what failed.
            ready.sort(key=lambda c: self.busy[c][0].forked)  # type: ignore[index]
            for conn in ready:
                _adopt(self.busy[conn][0])  # type: ignore[index]
                if not conn.poll():  # type: ignore[union-attr]
                    continue  # that was a forked worker's pid; its result is still to come
                worker, key, task, _ = self.busy.pop(conn)  # type: ignore[call-overload]
                result = _outcome(worker, task, self.memory_bytes)
                self.idle.append(worker)
                progress(task.done)
                yield key, result
            self._check_deadlines()

    def _dispatch(self) -> None:
        while self.queue and (self.idle or len(self.workers) < self.size):
            worker = self.idle.pop() if self.idle else self._start()
            _, _, key, task = heapq.heappop(self.queue)
            _adopt(worker)  # as early as it can be: its pid is then certainly its own
            try:
                worker.conn.send((task.run, task.args, task.seconds))
            except OSError:  # it died before this task reached it: killed, or the task too big
                if _said_memory(worker):
                    raise _out_of_memory(task, self.memory_bytes) from None
                raise BuildError(
                    f"{task.subject}: the worker process stopped before the task reached it"
                ) from None
            self.busy[worker.conn] = (worker, key, task, time.monotonic() + task.seconds)

    def _check_deadlines(self) -> None:
        now = time.monotonic()
        for _, _, task, end in self.busy.values():
            if now >= end:
                setting = task.limit_name.rpartition(" ")[2]
                raise BuildError(
                    f"{task.subject}: stopped after {task.seconds:g} s, its time limit "
                    f"({task.limit_name} in the project file raises it, when the run allows "
                    f"it: --allow {setting}=SECONDS)"
                )

    def _start(self) -> _Worker:
        context = multiprocessing.get_context("fork")
        parent, child = context.Pipe()
        process = context.Process(
            target=_serve, args=(child, self.memory_bytes, os.getpid(), self.warm), daemon=True
        )
        process.start()
        child.close()
        worker = _Worker(process, parent)
        self.workers.append(worker)
        return worker

    def _start_family(self) -> None:
        """Fork the first worker, which forks the others once warm (see :meth:`start`)."""
        context = multiprocessing.get_context("fork")
        pipes = [context.Pipe() for _ in range(self.size)]
        (head_end, head_child), others = pipes[0], pipes[1:]
        args = (head_child, self.memory_bytes, os.getpid(), self.warm)
        process = context.Process(
            target=_serve, args=args, kwargs={"others": [c for _, c in others]}, daemon=True
        )
        process.start()
        for _, child in pipes:
            child.close()
        head = _Worker(process, head_end)
        self.workers.append(head)
        self.idle.append(head)
        for end, _ in others:
            worker = _Worker(_Forked(end, process), end)
            self.workers.append(worker)
            self.idle.append(worker)

    def close(self) -> None:
        """Kill every worker and wait for it (finished, failed or interrupted)."""
        # Kill, not ask: a worker may be deep in a runaway task, and the caller is done with
        # all of them. Forked workers go first, while the worker that forked them still lives
        # (until then their pids cannot be reused); one it had not forked yet never will be.
        for worker in sorted(self.workers, key=lambda w: not w.forked):
            if worker.process.is_alive():
                worker.process.kill()
        for worker in self.workers:  # a family's head first, so the rest have their answer
            worker.process.join()
            worker.conn.close()
        self.workers.clear()
        self.idle.clear()
        self.busy.clear()


class _Process(Protocol):
    """What the pool needs of a worker process: ``multiprocessing``'s, or :class:`_Forked`."""

    @property
    def exitcode(self) -> int | None: ...

    def is_alive(self) -> bool: ...

    def kill(self) -> None: ...

    def join(self, timeout: float | None = None) -> None: ...


@dataclass(frozen=True)
class _Worker:
    process: _Process
    conn: Connection

    @property
    def forked(self) -> bool:
        """Forked by another worker, not by this process."""
        return isinstance(self.process, _Forked)


@dataclass
class _Forked:
    """A worker that another worker forked, watched, killed and awaited through a pidfd.

    It is not this process's child, so ``multiprocessing`` cannot wait for it; a pidfd is a
    handle that cannot outlive the process it names, so a reused pid is never signalled by
    mistake. The worker sends its pid as the first message on its pipe; until it has, it may
    not exist yet (the first worker is still warming up), and it cannot outlive the first one.

    Attributes:
        conn: The pool's end of its pipe.
        head: The worker that forks it.
    """

    conn: Connection
    head: _Process
    pidfd: int | None = None
    gone: bool = False
    exitcode: int | None = field(default=None, init=False)

    def adopt(self, timeout: float = 0.0) -> None:
        """Read the pid message if it has come (``timeout`` seconds at most).

        Raises:
            EOFError, OSError: The pipe closed first (the worker died or never started).
        """
        if self.pidfd is not None or self.gone or not self.conn.poll(timeout):
            return
        kind, pid = self.conn.recv()
        if kind != "pid":  # pragma: no cover - the worker's first message is always its pid
            raise OSError(f"a forked worker sent {kind!r} before its pid")
        try:
            self.pidfd = os.pidfd_open(pid)
        except ProcessLookupError:
            self.gone = True

    def is_alive(self) -> bool:
        with contextlib.suppress(EOFError, OSError):
            self.adopt()
        if self.pidfd is None:
            # Not adopted: alive only while its head is (it dies with it, or never forks).
            return not self.gone and bool(self.head.is_alive())
        return not self._exited(0)

    def kill(self) -> None:
        if self.pidfd is not None and not self._exited(0):
            with contextlib.suppress(ProcessLookupError):
                signal.pidfd_send_signal(self.pidfd, signal.SIGKILL)

    def join(self, timeout: float | None = None) -> None:
        with contextlib.suppress(EOFError, OSError):
            self.adopt(0.0 if self.head.exitcode is not None else 0.2)
        if self.pidfd is not None:
            self._exited(timeout)
            os.close(self.pidfd)
            self.pidfd, self.gone = None, True

    def _exited(self, timeout: float | None) -> bool:
        assert self.pidfd is not None
        poller = select.poll()
        poller.register(self.pidfd, select.POLLIN)
        return bool(poller.poll(None if timeout is None else int(timeout * 1000)))


def _adopt(worker: _Worker) -> None:
    """Read a forked worker's pid if it has come (a closed pipe is reported when read)."""
    if isinstance(worker.process, _Forked):
        with contextlib.suppress(EOFError, OSError):
            worker.process.adopt()


def _pidfds_work() -> bool:
    """Whether this system has pidfds (Linux 5.3 or later), which :class:`_Forked` needs."""
    try:
        os.close(os.pidfd_open(os.getpid()))
    except (AttributeError, OSError):
        return False
    return hasattr(signal, "pidfd_send_signal")


def _outcome(worker: _Worker, task: Task[T], memory_bytes: int) -> T:
    try:
        kind, value = worker.conn.recv()
    except (EOFError, OSError):
        worker.process.join(1)
        code = worker.process.exitcode
        why = f"signal {-code}" if code is not None and code < 0 else f"exit code {code}"
        if worker.forked:
            why = "or the worker that forked it"  # not this process's child: no exit status
        msg = f"{task.subject}: the worker process stopped ({why}); it may have run out of time"
        raise BuildError(f"{msg} or memory") from None
    if kind == "ok":
        return value  # type: ignore[no-any-return]
    if kind == "error":
        raise value
    if kind == "memory":
        raise _out_of_memory(task, memory_bytes)
    raise BuildError(f"{task.subject}: failed in the worker: {value}")


def _out_of_memory(task: Task[Any], memory_bytes: int) -> BuildError:
    mb = memory_bytes // (1024 * 1024)
    return BuildError(
        f"{task.subject}: ran out of memory at the limit of {mb:,} MB "
        "([limits] memory_mb in the project file raises it, when the run allows it: "
        "--allow memory_mb=MB)"
    )


def _said_memory(worker: _Worker) -> bool:
    """Whether a worker that stopped reading its task said it had no memory to receive it."""
    try:
        return bool(worker.conn.poll(1)) and worker.conn.recv() == ("memory", None)
    except (EOFError, OSError):
        return False


def _serve(
    conn: Connection,
    memory_bytes: int,
    parent: int,
    warm: Callable[[], None] | None = None,
    others: Sequence[Connection] = (),
) -> None:
    """Worker main loop: limit this process, warm up, fork ``others``, run tasks until EOF.

    Args:
        conn: This worker's end of its pipe to the pool.
        memory_bytes: Address-space limit.
        parent: The pool's process id.
        warm: Called once, before the first task.
        others: Pipe ends of workers to fork once warm; each shares the warm-up.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent stops us on Ctrl-C
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    _die_with_parent(parent)
    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    if warm is not None:
        # A failed warm-up is not fatal: the first task meets the same failure and reports it.
        with contextlib.suppress(Exception):
            warm()
    # Everything inherited from the parent (its modules, profiles, reports: some 85,000 objects)
    # lives as long as this worker. Frozen, the collector no longer walks it on every full
    # collection, which a PDF's layout triggers many times: a fifth of a brief's time (paired
    # forks of the same parent, median of 9), and the pages stay shared with the parent.
    gc.freeze()
    head = os.getpid()
    for own in others:
        if os.fork() == 0:
            # The new worker keeps only its own pipe, dies with this one, and never returns
            # into the multiprocessing machinery it inherited (os._exit, not an exception).
            for other in (conn, *others):
                if other is not own:
                    other.close()
            code = 1
            try:
                _die_with_parent(head)
                own.send(("pid", os.getpid()))
                _run_tasks(own)
                code = 0
            finally:
                os._exit(code)
        own.close()
    _run_tasks(conn)


def _run_tasks(conn: Connection) -> None:
    """Run each task that comes through ``conn`` and send back its outcome, until EOF."""
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        except MemoryError:  # a task too large to receive under the limit; the rest of it is
            conn.send(("memory", None))  # still in the pipe, so this worker takes no more
            return
        run, args, seconds = job
        _limit_cpu(seconds)
        try:
            reply: tuple[str, Any] = ("ok", run(*args))
        except AftercareError as exc:
            reply = ("error", exc)
        except MemoryError:
            reply = ("memory", None)
        except Exception as exc:
            reply = ("crash", f"{type(exc).__name__}: {exc}")
        try:
            conn.send(reply)
        except MemoryError:
            conn.send(("memory", None))


def _die_with_parent(parent: int) -> None:
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):  # not Linux: the CPU limit still ends orphans
        pass
    if os.getppid() != parent:  # the parent died before the signal was armed
        os._exit(1)


def _limit_cpu(seconds: float) -> None:
    used = resource.getrusage(resource.RUSAGE_SELF)
    spent = used.ru_utime + used.ru_stime
    _, hard = resource.getrlimit(resource.RLIMIT_CPU)
    soft = int(spent + seconds + _CPU_MARGIN)
    if hard != resource.RLIM_INFINITY:
        soft = min(soft, hard)
    resource.setrlimit(resource.RLIMIT_CPU, (soft, hard))
