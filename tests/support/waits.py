"""Waiting on a fake server's state without sleeping: what the Bot API and WhatsApp test
servers share (tests/botapi, tests/waapi)."""

from __future__ import annotations

import asyncio
import contextlib
import inspect
from collections.abc import AsyncIterator, Awaitable, Callable, Sized
from contextlib import asynccontextmanager
from typing import Protocol

import pytest


class WaitTimeout(AssertionError):
    """A wait_* condition did not come true in time."""


class Changes:
    """A state that wakes its waiters on every change; `wait_until` fails with the transcript."""

    violations: list[str]

    def __init__(self) -> None:
        self._changed = asyncio.Event()

    def notify(self) -> None:
        """Wake everything waiting for a change (long polls, webhook workers, waits)."""
        self._changed.set()
        self._changed = asyncio.Event()

    async def wait_change(self, seconds: float) -> None:
        """Return after the next notify() or after `seconds`, whichever comes first."""
        event = self._changed
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(seconds):  # not wait_for: on 3.11 it may eat a cancel
                await event.wait()

    def transcript_text(self) -> str:
        raise NotImplementedError

    async def wait_until(
        self,
        predicate: Callable[[], bool | Awaitable[bool]],
        timeout: float = 30.0,  # noqa: ASYNC109 - a deadline for the condition, not I/O
        *,
        what: str = "condition",
    ) -> None:
        """Wait until predicate() is true; raise WaitTimeout with the transcript if not."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            outcome = predicate()
            if inspect.isawaitable(outcome):
                outcome = await outcome
            if outcome:
                return
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise WaitTimeout(
                    f"timed out after {timeout}s waiting for {what}\n"
                    f"--- transcript ---\n{self.transcript_text()}\n"
                    f"--- violations ---\n{self.violations}"
                )
            await self.wait_change(min(remaining, 0.1))


class FakeServer(Protocol):
    calls: Sized
    violations: list[str]

    async def start(self) -> None: ...
    async def stop(self) -> None: ...
    def transcript_text(self) -> str: ...


@asynccontextmanager
async def checked(
    server: FakeServer, label: str, totals: dict[str, int], more: Callable[[], str] = str
) -> AsyncIterator[None]:
    """Run a test server for one test; fail the test if any request broke the spec, and add
    its calls to the run's totals (printed by `summary_line`)."""
    await server.start()
    try:
        yield
    finally:
        await server.stop()
    totals["servers"] += 1
    totals["calls"] += len(server.calls)
    totals["violations"] += len(server.violations)
    if server.violations:
        listing = "\n".join(f"  - {v}" for v in server.violations)
        pytest.fail(
            f"{len(server.violations)} {label} violation(s):\n{listing}\n"
            f"--- transcript ---\n{server.transcript_text()}{more()}",
            pytrace=False,
        )


def summary_line(reporter: pytest.TerminalReporter, label: str, totals: dict[str, int]) -> None:
    if totals["servers"]:
        reporter.write_line(
            f"{label} test server: {totals['calls']} calls in {totals['servers']} tests, "
            f"{totals['violations']} spec violations"
        )
