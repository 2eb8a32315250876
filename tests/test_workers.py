"""Worker processes: time and memory limits, the task's own errors, nothing left running."""

from __future__ import annotations

import dataclasses
import multiprocessing
import os
import signal
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from aftercare_report import build, pipeline
from aftercare_report.build import BuildOptions
from aftercare_report.config import Project
from aftercare_report.errors import BuildError, TemplateError
from aftercare_report.pdf import PdfResult
from aftercare_report.workers import Pool, Task, run_all

from .conftest import all_gone, descendants


def _sleep(seconds: float) -> str:
    time.sleep(seconds)
    return "slept"


def _allocate(megabytes: int) -> int:
    return len(bytearray(megabytes * 1024 * 1024))


def _fail() -> None:
    raise TemplateError("country.html:3: no_such_field is undefined (rendering testland)")


def _address_space_mb() -> int:
    with Path("/proc/self/status").open() as status:
        for line in status:
            if line.startswith("VmSize:"):
                return int(line.split()[1]) // 1024
    return 0


def task(run: object, *args: object, seconds: float = 10) -> Task[object]:
    return Task(run, args, "country.html: rendering testland", seconds, "[limits] x")  # type: ignore[arg-type]


def test_results_come_back_in_order() -> None:
    results = run_all([task(_sleep, 0.2), task(_sleep, 0.0)], workers=2, memory_bytes=2**32)
    assert results == ["slept", "slept"]


def test_a_task_past_its_time_limit_is_stopped_and_named() -> None:
    start = time.monotonic()
    with pytest.raises(BuildError) as caught:
        run_all([task(_sleep, 60, seconds=0.5)], workers=1, memory_bytes=2**32)
    assert time.monotonic() - start < 5
    assert "country.html: rendering testland: stopped after 0.5 s" in str(caught.value)
    assert "[limits] x" in str(caught.value)
    assert not multiprocessing.active_children()


def test_a_task_past_its_memory_limit_is_stopped_and_named() -> None:
    limit = (_address_space_mb() + 300) * 1024 * 1024
    with pytest.raises(BuildError, match="testland: ran out of memory at the limit"):
        run_all([task(_allocate, 2000)], workers=1, memory_bytes=limit)
    assert not multiprocessing.active_children()


def test_the_tasks_own_error_reaches_the_caller() -> None:
    with pytest.raises(TemplateError, match="no_such_field"):
        run_all([task(_fail), task(_sleep, 30)], workers=2, memory_bytes=2**32)
    assert not multiprocessing.active_children()  # the sleeping one was killed, not awaited


@pytest.mark.slow
def test_ctrl_c_stops_every_worker() -> None:
    import signal
    import threading

    # A run started in the background by a non-interactive shell has SIGINT ignored.
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    timer = threading.Timer(0.5, lambda: signal.raise_signal(signal.SIGINT))
    timer.start()
    try:
        with pytest.raises(KeyboardInterrupt):
            run_all([task(_sleep, 30), task(_sleep, 30)], workers=2, memory_bytes=2**32)
    finally:
        signal.signal(signal.SIGINT, previous)
    assert not multiprocessing.active_children()


def test_a_pool_runs_the_most_urgent_task_first_and_takes_tasks_while_running() -> None:
    with Pool(1, 2**32) as pool:
        pool.start()  # forked before any task exists, as a build does before loading
        pool.submit("late", task(_sleep, 0.0), priority=5)
        pool.submit("first", task(_sleep, 0.0), priority=-1)
        order = []
        for key, _ in pool.completed():
            order.append(key)
            if key == "first":
                pool.submit("added", task(_sleep, 0.0), priority=0)
    assert order == ["first", "added", "late"]


# --- workers forked by the first worker (a pool with a warm-up) -------------------------------


def _where(seconds: float) -> tuple[int, int]:
    time.sleep(seconds)
    return os.getpid(), os.getppid()


def test_a_warm_pool_warms_once_and_its_first_worker_forks_the_others(tmp_path: Path) -> None:
    log = tmp_path / "warm.log"

    def warm() -> None:
        with log.open("a") as f:
            f.write(f"{os.getpid()}\n")

    before = descendants(os.getpid())
    with Pool(3, 2**32, warm) as pool:
        pool.start()
        for n in range(3):
            pool.submit(n, task(_where, 0.5))  # all three at once: one on each worker
        where = dict(pool.completed())
        workers = descendants(os.getpid()) - before
    pids = {pid for pid, _ in where.values()}
    head = int(log.read_text())  # the warm-up ran once, in the first worker
    assert len(pids) == 3 and head in pids
    assert sorted(parent for _, parent in where.values()) == sorted([os.getpid(), head, head])
    assert all_gone(workers | pids), "a worker outlived the pool"


def _stop_self(subject: str, pool: int, marker: Path) -> None:
    if os.getppid() == pool:  # forked by the pool itself: the first worker
        marker.write_text(subject)
        os.kill(os.getpid(), signal.SIGKILL)
    time.sleep(30)


def test_when_the_first_worker_dies_its_task_is_named_not_a_forked_one(tmp_path: Path) -> None:
    # The forked worker dies with the first one; the failure is the first one's task.
    marker = tmp_path / "first.txt"
    before = descendants(os.getpid())
    with pytest.raises(BuildError) as caught, Pool(2, 2**32, lambda: None) as pool:
        pool.start()
        for subject in ("rendering alpha", "rendering beta"):
            args = (subject, os.getpid(), marker)
            pool.submit(subject, Task(_stop_self, args, subject, 30, "[limits] x"))
        list(pool.completed())
    first = marker.read_text()
    assert str(caught.value).startswith(f"{first}: the worker process stopped (signal 9)")
    assert all_gone(descendants(os.getpid()) - before)


def test_a_forked_worker_past_its_time_limit_is_stopped(tmp_path: Path) -> None:
    before = descendants(os.getpid())
    start = time.monotonic()
    with (
        pytest.raises(BuildError, match=r"stopped after 0\.5 s"),
        Pool(2, 2**32, lambda: None) as pool,
    ):
        pool.start()
        pool.submit("a", task(_where, 0.0))
        pool.submit("b", task(_sleep, 60, seconds=0.5))
        pool.submit("c", task(_sleep, 60, seconds=0.5))
        list(pool.completed())
    assert time.monotonic() - start < 5
    assert all_gone(descendants(os.getpid()) - before)


@pytest.mark.slow  # seconds of work: the fast set stays under a minute
def test_a_pool_closed_while_its_first_worker_warms_up_leaves_no_process() -> None:
    before = descendants(os.getpid())
    with Pool(3, 2**32, lambda: time.sleep(0.5)) as pool:
        pool.start()
        started = descendants(os.getpid()) - before
    assert started, "no worker was started"
    time.sleep(1)  # when the first worker would have forked the others
    assert all_gone(descendants(os.getpid()) - before)


def test_a_worker_killed_before_its_task_reaches_it_is_a_clear_error() -> None:
    before = descendants(os.getpid())
    with (
        pytest.raises(BuildError, match="worker process stopped"),
        Pool(2, 2**32, lambda: time.sleep(0.3)) as pool,
    ):
        pool.start()
        os.kill(pool.workers[0].process.pid, signal.SIGKILL)  # type: ignore[attr-defined]
        time.sleep(0.2)
        pool.submit("a", task(_sleep, 0.0))
        pool.submit("b", task(_sleep, 0.0))
        list(pool.completed())
    assert all_gone(descendants(os.getpid()) - before)


# --- the order a build hands work to its workers ------------------------------------------


class _Recording(Pool):
    """Renders templates for real and stands in for the makers: a PDF is a one-page result."""

    def __init__(self, size: int) -> None:
        super().__init__(size, 2**32)
        self.submitted: list[tuple[str, str, float]] = []
        self.stems: list[str] = []

    def submit(self, key: object, task: Task[Any], priority: float = 0.0) -> None:
        kind, i, fmt = key  # type: ignore[misc]
        self.submitted.append((fmt or kind, self.stems[i], priority))
        if fmt:
            task = dataclasses.replace(task, run=_one_page, args=())
        super().submit(key, task, priority)


def _one_page() -> PdfResult:
    return PdfResult(b"%PDF-1.7", 1, ())


@pytest.mark.parametrize("jobs", [1, 2])
@pytest.mark.slow  # seconds of work: the fast set stays under a minute
def test_the_longest_pdf_starts_as_soon_as_its_html_exists_when_a_worker_is_free(
    jobs: int, tmp_path: Path
) -> None:
    project = Project(out=tmp_path)
    briefs = pipeline.plan(pipeline.analyse(project, ["thailand", "india", "nigeria"]), project)
    options = BuildOptions(out=tmp_path, formats=("html", "pdf"), workers=jobs)
    with _Recording(jobs) as pool:
        pool.stems = [b.stem for b in briefs]
        setting = build.Setting(build.templates(()), options)
        build._Making(briefs, setting, {}, pool, tmp_path).run(lambda _: None)
    html = [p for kind, _, p in pool.submitted if kind == "render"]
    pdf = {stem: p for kind, stem, p in pool.submitted if kind == "pdf"}
    assert pool.submitted[0][:2] == ("render", "comparative")  # the biggest is rendered first
    assert set(pdf) == {"comparative", "thailand", "india", "nigeria"}
    others = [p for stem, p in pdf.items() if stem != "comparative"]
    assert all(p > max(html) for p in others)  # the countries' PDFs wait for all HTML
    # With a second worker to render the rest, the comparison's 17 pages start at once;
    # with one, every HTML still comes first (a broken template is found before any PDF).
    assert (pdf["comparative"] < min(html)) is (jobs > 1)


class _Counting(_Recording):
    """Counts the briefs whose rendering is submitted and whose PDF is not made yet."""

    def __init__(self, size: int) -> None:
        super().__init__(size)
        self.open: set[int] = set()
        self.most_open = 0

    def submit(self, key: object, task: Task[Any], priority: float = 0.0) -> None:
        super().submit(key, task, priority)
        kind, i, _ = key  # type: ignore[misc]
        if kind == "render":
            self.open.add(i)
            self.most_open = max(self.most_open, len(self.open))

    def completed(self, progress: Any = lambda _: None) -> Iterator[tuple[Any, Any]]:
        for key, result in super().completed(progress):
            if key[1] != "render" and key[2] == "pdf":
                self.open.discard(key[1])
            yield key, result


@pytest.mark.slow
def test_the_building_process_holds_a_few_briefs_at_a_time_however_many_are_built(
    tmp_path: Path,
) -> None:
    """A template writing 20 MB per brief times 249 profiles must not sit in one process."""
    project = Project(out=tmp_path)
    countries = ["thailand", "india", "nigeria", "united-kingdom", "united-states"]
    briefs = pipeline.plan(pipeline.analyse(project, countries), project)
    options = BuildOptions(out=tmp_path, formats=("html", "pdf"), workers=1)
    with _Counting(1) as pool:
        pool.stems = [b.stem for b in briefs]
        setting = build.Setting(build.templates(()), options)
        made = build._Making(briefs, setting, {}, pool, tmp_path).run(lambda _: None)
    assert len(made) == 2 * len(briefs) == 12  # every brief made in both formats
    assert pool.most_open == 1 + build._OPEN_BRIEFS < len(briefs)
    # Each output went to its spool file as it was made: the process keeps names and hashes.
    assert sorted(f.name for f in tmp_path.iterdir()) == sorted(o.name for o in made.values())
    assert all(o.file is not None and o.file.stat().st_size == o.size for o in made.values())
