"""When a test is about to hit pytest-timeout, print what every asyncio task is waiting on.

pytest-timeout's traceback shows only the event loop idling in select(); the task that hangs
(a shutdown that never ends, a lock wait) is invisible. Shortly before the timeout this prints
each unfinished task's stack to stderr, which the failure report shows under "Captured stderr".
"""

from __future__ import annotations

import asyncio
import sys
import threading
import traceback
from collections.abc import Iterator

import pytest

AHEAD = 20.0  # seconds before the timeout


def unfinished_tasks() -> list[asyncio.Task[object]]:
    # Read from another thread, for a diagnosis only: a snapshot of the module's weak set.
    every = list(getattr(asyncio.tasks, "_all_tasks", ()))
    return [task for task in every if not task.done()]


def dump(nodeid: str) -> None:
    lines = [f"\n=== watchdog: {nodeid} is about to time out; unfinished asyncio tasks ==="]
    for task in unfinished_tasks():
        lines.append(f"--- {task.get_name()}: {task.get_coro()!r}")
        for frame in task.get_stack():
            lines.extend(traceback.format_stack(frame, limit=1))
    lines.append("=== threads ===")
    for ident, frame in sys._current_frames().items():
        lines.append(f"--- thread {ident}")
        lines.extend(traceback.format_stack(frame, limit=8))
    sys.stderr.write("".join(line if line.endswith("\n") else line + "\n" for line in lines))


def timeout_of(item: pytest.Item) -> float:
    marker = item.get_closest_marker("timeout")
    if marker is not None and marker.args:
        return float(marker.args[0])
    configured = item.config.getini("timeout")
    return float(configured) if configured else 0.0


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item: pytest.Item) -> Iterator[None]:
    seconds = timeout_of(item)
    timer = None
    if seconds > AHEAD:
        timer = threading.Timer(seconds - AHEAD, dump, args=(item.nodeid,))
        timer.daemon = True
        timer.start()
    try:
        yield
    finally:
        if timer is not None:
            timer.cancel()
