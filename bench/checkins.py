"""The check-in scheduler tick (`bot.ticks.checkins.CheckIns.tick`): sending what is due, and idling.

On a temporary SQLite file, and on PostgreSQL too when BENCH_POSTGRES_URL is set (as in
bench.pipeline: a scratch database next to the one the URL names, dropped afterwards).

N youths (200 quick, 2000 full) each have an open case at "wam", a weekly rhythm, the
afternoon as their day part and a last message four days ago (older than the three days
that would skip a weekly check-in, younger than the 21 drift days that would flag the case
"uit beeld"). Each has one check-in planned and due now. The Runtime clock stands still on a
Wednesday at 14:00 in Brussels, outside the default quiet hours (21-09).

1. send: `tick()` until it returns 0 (`claim_due` takes at most 100 rows a tick). Every
         check-in becomes a message with its outbox job, and the next one is planned a week
         later. Latency is per check-in (`CheckIns.handle`: decide, message, outbox job,
         next plan), inside the tick's transaction; the commit is only in the total.
2. idle: `tick()` with nothing due: N planned check-ins a week ahead and N open cases, so
         only the drift query per partnership and `claim_due` run. This is what every
         instance pays every 10 seconds (bot.ticks.scheduler.TICK_SECONDS). Latency is per tick.
"""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bench.common import BRUSSELS, ROOT, Result, lexicon
from bench.pipeline import count, on_each_database, outbox_status
from bot.ticks.checkins import CheckIns
from config.partnerships import load_directory
from core.i18n import Translator
from core.runtime import Runtime
from storage import checkins, registrations, youths
from storage.db import Database
from storage.models import Case, CheckIn, Message, Youth

FULL = 2000
QUICK = 200
# A Wednesday afternoon: a weekday, at the "afternoon" moment, outside the quiet hours.
NOW = datetime(2026, 11, 18, 14, 0, tzinfo=BRUSSELS).astimezone(UTC)
HEARD = NOW - timedelta(days=4)  # the youth's last message
PARTNERSHIP = "wam"
WARM = 20  # youths sent a check-in before the measurement, then deleted
IDLE_TICKS = 20  # per round
IDLE_ROUNDS = 5


class TimedCheckIns(CheckIns):
    def __init__(self, db: Database, runtime: Runtime) -> None:
        super().__init__(db, runtime, lambda: None)  # no Sender: the outbox jobs stay pending
        self.latencies: list[float] = []

    async def handle(
        self, session: AsyncSession, row: CheckIn, now: datetime, touched: list[tuple[str, int]]
    ) -> int:
        t0 = time.perf_counter()
        sent = await super().handle(session, row, now, touched)
        self.latencies.append(time.perf_counter() - t0)
        return sent


def runtime() -> Runtime:
    """As instap.app.build() wires it, with the clock standing still at NOW."""
    tz = "Europe/Brussels"
    directory = load_directory(ROOT / "partnerships.toml")
    return Runtime(directory, lexicon(), Translator(tz), ZoneInfo(tz), lambda: NOW)


async def populate(db: Database, first: int, n: int) -> list[int]:
    """N youths with an open case and a check-in due now, in one transaction; their ids."""
    ids: list[int] = []
    async with db.transaction() as session:
        for i in range(first, first + n):
            youth = await youths.get_or_create(session, "telegram", str(700_000 + i), "nl", HEARD)
            ids.append(youth.id)
            youth.state = {"step": "done"}
            youth.checkin_rhythm = "week"
            answers = {
                "name": f"Noor{i}",
                "age": 19,
                "municipality": "Maasmechelen",
                "needs": ["work"],
                "language": "nl",
                "reach": ["afternoon"],
            }
            case = await registrations.open_case(session, youth, PARTNERSHIP, answers, HEARD)
            case.last_youth_message_at = HEARD
            await checkins.plan(session, youth, case.id, "checkin", NOW, HEARD)
    return ids


async def warm_up(db: Database, ticker: TimedCheckIns) -> None:
    """Send a few check-ins first (statement caches, translations), then delete those youths.

    The scheduler ticks every 10 seconds for the life of the process: it is always warm.
    """
    ids = await populate(db, 0, WARM)
    while await ticker.tick():
        pass
    async with db.transaction() as session:  # cases, check-ins, messages, outbox: cascade
        await session.execute(delete(Youth).where(Youth.id.in_(ids)))
    ticker.latencies.clear()


async def checkin_status(db: Database) -> dict[str, int]:
    stmt = select(CheckIn.status, func.count()).group_by(CheckIn.status)
    async with db.transaction() as session:
        return {status: int(n) for status, n in (await session.execute(stmt)).all()}


async def flagged_cases(db: Database) -> int:
    async with db.transaction() as session:
        stmt = select(func.count()).select_from(Case).where(Case.flag.is_not(None))
        return int((await session.execute(stmt)).scalar_one())


async def idle_ticks(ticker: CheckIns, ticks: int, label: str) -> Result:
    latencies: list[float] = []
    start = time.perf_counter()
    for _ in range(ticks):
        t0 = time.perf_counter()
        if await ticker.tick():
            raise RuntimeError("an idle tick sent a check-in: the benchmark measures sending")
        latencies.append(time.perf_counter() - t0)
    return Result(f"checkins[{label}] idle tick", ticks, time.perf_counter() - start, latencies)


async def bench(url: str, label: str, n: int) -> list[Result]:
    db = Database(url)
    try:
        await db.migrate()
        ticker = TimedCheckIns(db, runtime())
        await warm_up(db, ticker)
        await populate(db, WARM, n)

        # 1. send: tick until nothing is due
        ticks = 0
        start = time.perf_counter()
        while await ticker.tick():
            ticks += 1
        seconds = time.perf_counter() - start
        statuses = await checkin_status(db)
        sent = statuses.get("sent", 0)
        jobs = sum((await outbox_status(db)).values())
        messages, flagged = await count(db, Message), await flagged_cases(db)
        expected = {"sent": n, "planned": n}  # and the next ones planned a week later
        note = (
            f"{n:,} youths, {ticks} ticks + 1 empty → {sent:,} check-ins sent, {messages:,} "
            f"messages, {jobs:,} outbox jobs, {statuses.get('planned', 0):,} planned next week"
            f"{'' if statuses == expected else f'; NOT as expected: check-ins {statuses}'}"
            f"{f'; {flagged} cases flagged' if flagged else ''}"
        )
        sending = Result(f"checkins[{label}] send", sent, seconds, ticker.latencies, note)

        # 2. idle: nothing due, N planned rows and N open cases to look past
        await idle_ticks(ticker, 3, label)  # warm up
        rounds = [await idle_ticks(ticker, IDLE_TICKS, label) for _ in range(IDLE_ROUNDS)]
        idle = max(rounds, key=lambda r: r.rate)  # as bench.common.best_of, for a coroutine
        partnerships = len(ticker.runtime.directory.partnerships)
        idle.note = (
            f"best of {IDLE_ROUNDS} rounds of {IDLE_TICKS} ticks; {n:,} check-ins planned a week "
            f"ahead, {n:,} open cases: {partnerships} drift queries + claim_due per tick"
        )
        return [sending, idle]
    finally:
        await db.dispose()


def run(quick: bool = False) -> list[Result]:
    return asyncio.run(on_each_database(bench, QUICK if quick else FULL))
