"""End to end through storage: store inbound web-chat events, process them, drain the outbox.

On a temporary SQLite file, and on PostgreSQL too when BENCH_POSTGRES_URL is set (a
`postgresql+asyncpg://` URL of a role that may CREATE DATABASE: the benchmark runs in a
scratch database it creates and drops, never in the database the URL names).

1. store:   N events, one per transaction, in arrival order (youths interleaved), via
            `storage.inbound.store`, with the payload the web chat writes.
2. process: `Dispatcher.notify` for every youth, then `Dispatcher.idle`: one task per youth
            (in order), youths in parallel, each event one transaction in `Engine`.
            Latency is per event (`Engine.process_next`), including the wait for the pool
            and, on SQLite, for the single write lock. The note gives the SQL statements
            and the CPU time (this process, all threads) per event.
3. send:    `Sender.drain_once` until nothing is due, with only the web channel and rate
            limits raised out of the way (the default 30/s overall would measure the limiter,
            not the system). Latency is per job (`Sender.deliver`: deliver + mark sent).

Half of the youths complete the intake (12 events) and then chat on, a crisis message among
them; the other half are signposted (too young) and ask for help. Buttons are pressed as the
web chat sends them, as `{"type": "button", "data": …}` frames.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import itertools
import os
import secrets
import tempfile
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy import event, func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from bench.common import ROOT, Result, lexicon
from bot.channels.sender import Sender
from bot.channels.webchat import WebChannel
from bot.dispatcher import Dispatcher
from bot.engine import Engine
from config.partnerships import load_directory
from core.bus import Bus
from core.i18n import Translator
from core.runtime import Runtime
from storage import inbound
from storage.clock import utcnow
from storage.db import Database
from storage.models import Case, Message, OutboxJob, SafetyEvent, Youth
from storage.outbox import Job

POSTGRES_ENV = "BENCH_POSTGRES_URL"
UNLIMITED = 1e9  # jobs per second: the token buckets never make a delivery wait

Frame = dict[str, Any]
Row = tuple[str, str, str, dict[str, Any]]


@dataclass(frozen=True)
class Load:
    events: int
    youths: int


FULL = Load(events=2000, youths=200)
QUICK = Load(events=200, youths=20)

# --- the traffic --------------------------------------------------------------------------

PLACES = ("3630", "Maasmechelen", "ik woon in Leut", "Heusden-Zolder", "3550", "Ieper", "Kessel-Lo")
AFTER_INTAKE = (
    "Wanneer belt de coach mij?",
    "Dank je! Ik kijk ernaar uit.",
    "ik zie het niet meer zitten",
    "/hulp",
    "Mag ik ook naar het kantoor komen?",
)


def say(words: str) -> Frame:
    return {"type": "text", "text": words}


def press(data: str) -> Frame:
    return {"type": "button", "data": data}


def registering(i: int) -> Iterator[Frame]:
    """A full intake (12 events) to a case, then questions for the coach."""
    yield from (
        say("hallo"),
        say("Noor"),
        say("19"),
        say(PLACES[i % len(PLACES)]),
        press("needs:work"),
        press("needs:done"),
        say("Ik zoek al een tijd werk in de buurt, liefst iets met mensen."),
        say("via een vriend"),
        say("ja"),
        press("reach:any"),
        press("reach:done"),
        say("ja"),
    )
    yield from (say(t) for t in itertools.cycle(AFTER_INTAKE))


def signposted(i: int) -> Iterator[Frame]:
    """Too young: signposted elsewhere, asks for help, a crisis message, tries again."""
    yield from (say("hoi"), say("Jonas"), say("16"), say("/hulp"), say("ik wil niet meer leven"))
    yield from (say(t) for t in itertools.cycle(("/start", "Jonas", "16")))


def lengths(load: Load) -> list[int]:
    """Events per youth: registering youths 4 above the average, signposted ones 4 below."""
    average = load.events // load.youths
    if average < 8:
        raise ValueError("the pipeline benchmark needs at least 8 events per youth")
    counts = [average + (4 if i % 2 == 0 else -4) for i in range(load.youths)]
    if load.youths % 2:
        counts[-1] = average
    counts[-1] += load.events - sum(counts)
    return counts


def user_id(i: int) -> str:
    """Shaped like the web chat's keyed hash of the browser token."""
    return hashlib.sha256(f"bench-youth-{i}".encode()).hexdigest()[:40]


def traffic(load: Load) -> list[Row]:
    """(source, external_id, key, payload) rows in arrival order: youths interleaved."""
    counts = lengths(load)
    scripts = [(registering if i % 2 == 0 else signposted)(i) for i in range(load.youths)]
    rows: list[Row] = []
    for turn in range(max(counts)):
        for i, script in enumerate(scripts):
            if turn < counts[i]:
                user, client_id = user_id(i), f"b{turn}"
                frame = {**next(script), "client_id": client_id}
                payload = {"user_id": user, "frame": frame}
                rows.append(("web", f"{user}:{client_id}", f"web:{user}", payload))
    return rows


# --- timed subclasses ---------------------------------------------------------------------


class TimedEngine(Engine):
    def __init__(self, db: Database, runtime: Runtime, sender: Sender) -> None:
        super().__init__(db, runtime, sender.notify)
        self.latencies: list[float] = []

    async def process_next(self, key: str) -> bool:
        t0, before = time.perf_counter(), self.handled
        more = await super().process_next(key)
        if self.handled > before:
            self.latencies.append(time.perf_counter() - t0)
        return more


class TimedSender(Sender):
    def __init__(self, db: Database) -> None:
        super().__init__(
            db,
            {"web": WebChannel(Bus())},
            overall_rate=UNLIMITED,
            chat_rate=UNLIMITED,
            chat_burst=UNLIMITED,
        )
        self.latencies: list[float] = []

    async def deliver(self, job: Job) -> None:
        t0 = time.perf_counter()
        await super().deliver(job)
        self.latencies.append(time.perf_counter() - t0)


# --- the run ------------------------------------------------------------------------------


def runtime() -> Runtime:
    """As instap.app.build() wires it, from the repository's partnerships file."""
    tz = "Europe/Brussels"
    directory = load_directory(ROOT / "partnerships.toml")
    return Runtime(directory, lexicon(), Translator(tz), ZoneInfo(tz))


async def count(db: Database, model: type[Any]) -> int:
    async with db.transaction() as session:
        return int((await session.execute(select(func.count()).select_from(model))).scalar_one())


async def outbox_status(db: Database) -> dict[str, int]:
    stmt = select(OutboxJob.status, func.count()).group_by(OutboxJob.status)
    async with db.transaction() as session:
        return {status: int(n) for status, n in (await session.execute(stmt)).all()}


def problems(statuses: dict[str, int], good: str) -> str:
    bad = {s: n for s, n in statuses.items() if s != good}
    return f"; NOT {good}: {bad}" if bad else ""


@contextlib.contextmanager
def counting_statements(db: Database) -> Iterator[list[int]]:
    """Count the SQL statements sent meanwhile (BEGIN among them; COMMIT is no statement)."""
    counted = [0]

    def count(*_: Any) -> None:
        counted[0] += 1

    event.listen(db.engine.sync_engine, "before_cursor_execute", count)
    try:
        yield counted
    finally:
        event.remove(db.engine.sync_engine, "before_cursor_execute", count)


async def bench(url: str, label: str, load: Load) -> list[Result]:
    db = Database(url)
    try:
        await db.migrate()
        rows = traffic(load)

        # 1. store, one event per transaction (as the web chat does before its ack)
        latencies: list[float] = []
        start = time.perf_counter()
        for row in rows:
            t0 = time.perf_counter()
            async with db.transaction() as session:
                await inbound.store(session, [row], utcnow())
            latencies.append(time.perf_counter() - t0)
        stored = Result(
            f"pipeline[{label}] store", len(rows), time.perf_counter() - start, latencies
        )

        # 2. process every youth's events: in order per youth, youths in parallel
        sender = TimedSender(db)
        engine = TimedEngine(db, runtime(), sender)
        dispatcher = Dispatcher(db, engine)
        keys = list(dict.fromkeys(key for _, _, key, _ in rows))
        with counting_statements(db) as statements:
            cpu, start = time.process_time(), time.perf_counter()
            for key in keys:
                dispatcher.notify(key)
            await dispatcher.idle()
            seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
        async with db.transaction() as session:
            statuses = await inbound.count_by_status(session)
        cases, alerts = await count(db, Case), await count(db, SafetyEvent)
        youths, messages = await count(db, Youth), await count(db, Message)
        note = (
            f"{len(rows):,} events, {youths} youths → {cases} cases, {alerts} safety alerts, "
            f"{messages:,} timeline messages; per event {statements[0] / len(rows):.1f} SQL "
            f"statements, {cpu / len(rows) * 1000:.2f} ms CPU{problems(statuses, 'done')}"
        )
        processed = Result(f"pipeline[{label}] process", len(rows), seconds, engine.latencies, note)

        # 3. drain the outbox through the web channel
        jobs = sum((await outbox_status(db)).values())
        start = time.perf_counter()
        while await sender.drain_once():
            pass
        seconds = time.perf_counter() - start
        note = f"{jobs:,} outbox jobs{problems(await outbox_status(db), 'sent')}"
        sent = Result(f"pipeline[{label}] send", jobs, seconds, sender.latencies, note)
        return [stored, processed, sent]
    finally:
        await db.dispose()


@contextlib.asynccontextmanager
async def scratch_postgres(url: str) -> AsyncIterator[str]:
    """A fresh database next to the one `url` names, dropped afterwards."""
    base = make_url(url)
    name = f"instap_bench_{secrets.token_hex(4)}"
    admin = create_async_engine(base, isolation_level="AUTOCOMMIT")
    try:
        async with admin.connect() as conn:
            await conn.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            yield base.set(database=name).render_as_string(hide_password=False)
        finally:
            async with admin.connect() as conn:
                await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        await admin.dispose()


L = TypeVar("L")  # what a benchmark is given to do (a count, a Load)


async def on_each_database(
    measure: Callable[[str, str, L], Awaitable[list[Result]]], load: L
) -> list[Result]:
    """Run a database benchmark on a scratch SQLite file, and on PostgreSQL when configured."""
    with tempfile.TemporaryDirectory(prefix="instap-bench-") as folder:
        path = Path(folder) / "bench.db"
        results = await measure(f"sqlite+aiosqlite:///{path}", "sqlite", load)
    postgres = os.environ.get(POSTGRES_ENV)
    if postgres:
        async with scratch_postgres(postgres) as url:
            results += await measure(url, "postgres", load)
    return results


def run(quick: bool = False) -> list[Result]:
    return asyncio.run(on_each_database(bench, QUICK if quick else FULL))
