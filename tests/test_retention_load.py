"""The nightly retention job never holds the database: a worker keeps working beside it.

Before, the job erased every overdue youth in one transaction (70–94 s at 100,000 youths
on SQLite), and meanwhile every other writer failed with "database is locked". Now it
erases in short transactions: here a few thousand overdue youths go while a worker
opens the queue and replies, and the erasure tick runs, in the same process (the nightly
job) or from another one (`instap retention --apply`, its own Database on the file).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, insert, select

from bot.ticks.privacy import Privacy
from core.bus import Bus
from core.i18n import Translator
from core.lexicon import load_lexicon
from core.runtime import Runtime
from inbox.service import Inbox
from storage.db import Database
from storage.models import AuditEntry, Case, Message, Youth
from tests.support.clock import BRUSSELS, Clock
from tests.support.dialog import directory
from tests.support.inbox import add_case, add_worker

OVERDUE = 3000  # half unfinished intakes idle 40 days, half cases closed 400 days ago
KEPT = 900  # a third each: a recent intake, a case closed 100 days ago, an old open case
BATCHES = OVERDUE // 200  # the job erases 200 youths per short transaction


def youth(n: int, at: Any) -> dict[str, Any]:
    state = {"answers": {"partnership_id": "wam", "name": f"Jongere {n}"}}
    return {"id": n, "channel": "telegram", "channel_user_id": f"u{n}", "lang": "nl",
            "state": state, "stopped": False, "unreachable": False, "reminders": True,
            "created_at": at, "updated_at": at}  # fmt: skip


def case(n: int, at: Any, closed: Any | None) -> dict[str, Any]:
    return {"id": n, "youth_id": n, "partnership_id": "wam", "answers": {"name": f"Jongere {n}"},
            "status": "closed" if closed else "waiting", "outcome": "work" if closed else None,
            "closed_at": closed, "urgent": False, "unread": 0, "created_at": at, "updated_at": at}  # fmt: skip


def message(n: int, at: Any) -> dict[str, Any]:
    return {"youth_id": n, "direction": "in", "author": "youth", "text": f"geheim {n}",
            "delivery": "received", "created_at": at}  # fmt: skip


async def seed(db: Database, clock: Clock) -> tuple[set[int], set[int]]:
    """The overdue youths and the ones to keep, with their cases and messages."""
    now, day = clock.now, timedelta(days=1)
    youths, cases, messages = [], [], []
    for n in range(1, OVERDUE + KEPT + 1):
        k = n - OVERDUE
        if n <= OVERDUE and n % 2:  # an unfinished intake, idle past the 30 days
            youths.append(youth(n, now - 40 * day))
        elif n <= OVERDUE:  # closed past the 365 days
            youths.append(youth(n, now - 500 * day))
            cases.append(case(n, now - 500 * day, now - 400 * day))
        elif k % 3 == 0:  # an intake of last week
            youths.append(youth(n, now - 5 * day))
        else:  # closed 100 days ago, or open for 500 days: both stay
            youths.append(youth(n, now - 500 * day))
            cases.append(case(n, now - 500 * day, now - 100 * day if k % 3 == 1 else None))
        messages.append(message(n, now - 500 * day))
    async with db.transaction() as session:
        for model, rows in ((Youth, youths), (Case, cases), (Message, messages)):
            await session.execute(insert(model), rows)
    return set(range(1, OVERDUE + 1)), set(range(OVERDUE + 1, OVERDUE + KEPT + 1))


async def keep_doing(work: Callable[[], Awaitable[Any]], done: asyncio.Event,
                     finished: list[float], errors: list[str]) -> None:  # fmt: skip
    """Repeat `work` until `done`, noting when each one finished; an error is recorded."""
    while not done.is_set():
        try:
            await work()
        except Exception as exc:  # what failed is the finding
            errors.append(repr(exc))
        finished.append(time.monotonic())
        await asyncio.sleep(0)


@pytest.mark.parametrize("job_process", ["same", "other"])
async def test_retention_beside_a_working_worker(tmp_path: Path, job_process: str) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'instap.db'}"
    server = Database(url)
    await server.migrate()
    job_db = server if job_process == "same" else Database(url)
    try:
        clock = Clock()
        runtime = Runtime(directory(), load_lexicon(), Translator(), BRUSSELS, clock)
        overdue, kept = await seed(server, clock)
        sara = await add_worker(server, "Sara")
        own = await add_case(server, "Noor", chat="noor")
        inbox = Inbox(server, directory(), Translator(), Bus(), lambda: None, clock=clock)
        ticks = Privacy(server, runtime, tmp_path / "media", lambda p, c: None)
        job = Privacy(job_db, runtime, tmp_path / "media", lambda p, c: None)

        async def request() -> None:
            await inbox.queue(sara)
            await inbox.reply(sara, own, "Hoe gaat het met je?")

        done = asyncio.Event()
        finished: dict[str, list[float]] = {"request": [], "tick": []}
        errors: list[str] = []
        workers = [
            asyncio.create_task(keep_doing(request, done, finished["request"], errors)),
            asyncio.create_task(keep_doing(ticks.tick, done, finished["tick"], errors)),
        ]
        try:
            started = time.monotonic()
            erased = await job.retention(apply=True)
            ended = time.monotonic()
        finally:
            done.set()
            await asyncio.gather(*workers)

        assert errors == []  # never "database is locked"
        # The worker's requests and the tick went on between the job's batches, not after it:
        # one transaction for the whole job let none through until it ended (no timed bound:
        # a slow machine slows both sides alike).
        for what in ("request", "tick"):
            during = [t for t in finished[what] if started < t < ended]
            assert len(during) >= 3, (what, len(during), BATCHES)
        assert erased == OVERDUE
        async with server.transaction() as session:
            rows = (await session.execute(select(Youth.id, Youth.channel))).all()
            gone = {y for y, channel in rows if channel == "erased"}
            texts = set((await session.execute(select(Message.text))).scalars())
            audits = await session.scalar(
                select(func.count()).where(AuditEntry.action == "erased_retention")
            )
        assert gone == overdue
        assert {f"geheim {n}" for n in kept} <= texts
        assert not {f"geheim {n}" for n in overdue} & texts
        assert audits == OVERDUE // 2  # one per erased case; an unfinished intake has none
    finally:
        if job_db is not server:
            await job_db.dispose()
        await server.dispose()
