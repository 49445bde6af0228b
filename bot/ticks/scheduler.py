"""One APScheduler that only ticks: the work itself is rows (reminders, check-ins)."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from apscheduler.schedulers.asyncio import AsyncIOScheduler

log = logging.getLogger(__name__)
TICK_SECONDS = 10


Job = Callable[[], Awaitable[object]]
NIGHTLY_HOUR = 3  # local time: the retention job runs when nobody is chatting


def ticking(
    ticks: dict[str, Job], nightly: dict[str, Job] | None = None, timezone: str = "Europe/Brussels"
) -> AsyncIOScheduler:
    """Run each tick every few seconds and each nightly job at 3u: no job store, nothing pickled."""
    scheduler = AsyncIOScheduler(timezone=timezone)
    for name, tick in ticks.items():
        scheduler.add_job(
            safely(name, tick), "interval", seconds=TICK_SECONDS, coalesce=True,
            max_instances=1, misfire_grace_time=None, id=name,
        )  # fmt: skip
    for name, job in (nightly or {}).items():
        scheduler.add_job(
            safely(name, job), "cron", hour=NIGHTLY_HOUR, coalesce=True, max_instances=1,
            misfire_grace_time=None, id=name,
        )  # fmt: skip
    return scheduler


def safely(name: str, tick: Callable[[], Awaitable[object]]) -> Callable[[], Awaitable[None]]:
    async def run() -> None:
        try:
            await tick()
        except Exception:
            log.exception("%s tick failed; the next tick tries again", name)

    return run
