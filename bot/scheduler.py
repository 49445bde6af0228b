"""One APScheduler that only ticks: the work itself is rows (reminders, check-ins)."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from apscheduler.schedulers.asyncio import AsyncIOScheduler

log = logging.getLogger(__name__)
TICK_SECONDS = 10


def ticking(ticks: dict[str, Callable[[], Awaitable[object]]]) -> AsyncIOScheduler:
    """Run each tick every few seconds: no job store, nothing pickled, no misfire skipping."""
    scheduler = AsyncIOScheduler()
    for name, tick in ticks.items():
        scheduler.add_job(
            safely(name, tick), "interval", seconds=TICK_SECONDS, coalesce=True,
            max_instances=1, misfire_grace_time=None, id=name,
        )  # fmt: skip
    return scheduler


def safely(name: str, tick: Callable[[], Awaitable[object]]) -> Callable[[], Awaitable[None]]:
    async def run() -> None:
        try:
            await tick()
        except Exception:
            log.exception("%s tick failed; the next tick tries again", name)

    return run
