"""Worker processes: time and memory limits, the task's own errors, nothing left running."""

from __future__ import annotations

import multiprocessing
import time
from pathlib import Path

import pytest

from aftercare_report.errors import BuildError, TemplateError
from aftercare_report.workers import Pool, Task, run_all


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
