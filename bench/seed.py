"""A database at real size for the inbox benchmarks (bench/inbox.py), by bulk insert.

On top of the report benchmark's demo data (storage.demo at BENCH scale, seeded and on SQLite
cached by bench.report), it adds what the inbox views read at the issue's size:

- two accounts that can log in: the demo worker sara and the demo coordinator jan (WAM),
  with the password PASSWORD; sara gets MINE of the running cases;
- waiting cases up to one per 50 youths (2,000 at 100,000), registered over the last days
  (storage.demo_life makes each: youth, case, needs, consents, the bot's thanks);
- messages up to 20 per youth on average (2 million at 100,000) on the claimed cases, and
  LONG of sara's cases with 500 messages each, with notes, events and check-ins beside them;
- ANALYZE at the end, as a database in use has its statistics.

On PostgreSQL the rows go in by COPY (asyncpg's copy_records_to_table), on SQLite by
executemany in one transaction. `python -m bench.seed --youths N --url URL` fills an empty
database (migrations, demo data, then the above) and prints what it made.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, cast

from sqlalchemy import Table, func, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from bench.common import NOW, directory
from inbox.accounts import DEMO, add_account
from instap.demo import demo_partnership
from storage import demo
from storage.db import Database
from storage.demo_life import FROM_WORKER, FROM_YOUTH, Life, live
from storage.models import Case, CaseEvent, CheckIn, Message, Note, Worker, Youth
from storage.types import UTCDateTime

PARTNERSHIP = "wam"
PASSWORD = "bench-wachtwoord-2026"  # only ever on a benchmark's own database
WORKER = "sara"
COORDINATOR = "jan"
MESSAGES_PER_YOUTH = 20
YOUTHS_PER_WAITING = 50
LONG = 3  # sara's cases with LONG_MESSAGES messages each
LONG_MESSAGES = 500
MINE = 25  # running cases of sara's
BATCH = 50_000  # rows per executemany / COPY
SEED = 16


@dataclass(frozen=True)
class Seeded:
    """What the database holds after seeding, and how long the added part took."""

    youths: int
    messages: int
    waiting: int
    rows: int
    seconds: float


def now() -> datetime:
    return NOW.astimezone(UTC)


async def insert_rows(session: AsyncSession, model: type[Any], rows: list[dict[str, Any]]) -> None:
    """Bulk insert in batches: COPY on PostgreSQL, executemany elsewhere."""
    table = cast(Table, model.__table__)
    postgres = session.bind.dialect.name == "postgresql"
    for at in range(0, len(rows), BATCH):
        batch = rows[at : at + BATCH]
        if postgres:
            await copy(session, table, batch)
        else:
            await demo.bulk(session, model, batch)


def for_copy(column: Any, value: Any) -> Any:
    """A value as COPY wants it: UTC columns naive, JSON as its text."""
    if value is None:
        return None
    if isinstance(column.type, UTCDateTime):
        return value.astimezone(UTC).replace(tzinfo=None)
    if isinstance(value, dict | list):  # only JSON columns hold these
        return json.dumps(value)
    return value


async def copy(session: AsyncSession, table: Table, rows: list[dict[str, Any]]) -> None:
    names = list(rows[0])
    columns = [table.c[name] for name in names]
    records = [tuple(for_copy(c, row[c.name]) for c in columns) for row in rows]
    raw = await (await session.connection()).get_raw_connection()
    driver: Any = raw.driver_connection  # asyncpg, inside this session's transaction
    await driver.copy_records_to_table(table.name, records=records, columns=names)


async def count(session: AsyncSession, stmt: Any) -> int:
    return int(await session.scalar(stmt) or 0)


async def accounts(db: Database) -> int:
    """sara (worker) and jan (coordinator) with PASSWORD; their id is sara's."""
    wanted = {WORKER, COORDINATOR}
    for username, first, full, role, organisation in DEMO:
        if username in wanted:
            await add_account(
                db, directory(), partnership_id=PARTNERSHIP, username=username,
                first_name=first, full_name=full, role=role, password=PASSWORD,
                organisation=organisation,
            )  # fmt: skip
    async with db.transaction() as session:
        return await count(session, select(Worker.id).where(Worker.username == WORKER))


async def give_sara(session: AsyncSession, sara: int) -> list[int]:
    """MINE running cases become sara's (the demo data was made before she existed)."""
    ids = list(
        (
            await session.execute(
                select(Case.id)
                .where(Case.partnership_id == PARTNERSHIP, Case.status == "active")
                .order_by(Case.id.desc())
                .limit(MINE)
            )
        ).scalars()
    )
    await session.execute(update(Case).where(Case.id.in_(ids)).values(worker_id=sara))
    return ids


async def add_waiting(session: AsyncSession, rng: random.Random, target: int) -> int:
    """New youths whose cases wait, registered over the last ten days; how many."""
    have = await count(
        session,
        select(func.count()).select_from(Case).where(Case.status == "waiting"),
    )
    missing = max(0, target - have)
    if not missing:
        return 0
    wam = demo_partnership(directory(), PARTNERSHIP)
    places = [m.name for m in wam.municipalities]
    youth_id = await demo.next_id(session, Youth.id)
    case_id = await demo.next_id(session, Case.id)
    rows = demo.Rows()
    for n in range(missing):
        registered = now() - timedelta(minutes=30 + rng.uniform(0, 10 * 24 * 60))
        life = Life(youth_id + n, case_id + n, registered, rng.choice(places))
        # `now` just after registering: nobody answered yet, so the case waits.
        live(rng, life, wam, [], registered + timedelta(minutes=1), (0, 0), rows.add)
    for model, batch in rows.tables():
        await insert_rows(session, model, batch)
    await demo.move_sequences(session)
    return missing


def message(youth: int, worker: int, n: int, at: datetime, rng: random.Random) -> dict[str, Any]:
    out = n % 2 == 1
    text = rng.choice(FROM_WORKER[1:] if out else FROM_YOUTH).format(name="Noor", worker="Sara")
    return {
        "youth_id": youth, "direction": "out" if out else "in",
        "author": "worker" if out else "youth", "text": text, "delivery": "sent",
        "channel_message_id": None, "worker_id": worker if out else None, "media": None,
        "client_ref": None, "created_at": at,
    }  # fmt: skip


def spread(rng: random.Random, start: datetime, end: datetime, k: int) -> list[datetime]:
    seconds = max(60.0, (end - start).total_seconds())
    return sorted(start + timedelta(seconds=rng.uniform(0, seconds)) for _ in range(k))


async def add_messages(
    session: AsyncSession, rng: random.Random, target: int, long_cases: Sequence[int]
) -> int:
    """Messages on claimed cases until `target` in all, LONG_MESSAGES on each long case."""
    have = await count(session, select(func.count()).select_from(Message))
    stmt = select(Case.id, Case.youth_id, Case.worker_id, Case.claimed_at, Case.closed_at).where(
        Case.worker_id.is_not(None), Case.claimed_at.is_not(None)
    )
    claimed = [tuple(row) for row in (await session.execute(stmt)).all()]
    if not claimed:
        return 0
    by_id = {row[0]: row for row in claimed}
    per_case: Counter[int] = Counter({case_id: LONG_MESSAGES for case_id in long_cases})
    rest = max(0, target - have - sum(per_case.values()))
    per_case.update(rng.choices([row[0] for row in claimed], k=rest))
    rows: list[dict[str, Any]] = []
    added = 0
    for case_id, k in per_case.items():
        _, youth, worker, claimed_at, closed_at = by_id[case_id]
        for n, at in enumerate(spread(rng, claimed_at, closed_at or now(), k)):
            rows.append(message(youth, worker, n, at, rng))
        if len(rows) >= BATCH:
            await insert_rows(session, Message, rows)
            added, rows = added + len(rows), []
    await insert_rows(session, Message, rows)
    return added + len(rows)


async def beside_long(session: AsyncSession, rng: random.Random, long_cases: Sequence[int]) -> int:
    """Notes, events and check-ins on the long cases, so their timeline has every kind."""
    notes, events, checkins = [], [], []
    for case_id in long_cases:
        case = await session.get(Case, case_id)
        assert case is not None and case.worker_id is not None and case.claimed_at is not None
        for at in spread(rng, case.claimed_at, now(), 20):
            notes.append({"case_id": case_id, "worker_id": case.worker_id, "created_at": at,
                          "text": "Bench: een notitie bij een lang gesprek."})  # fmt: skip
        for at in spread(rng, case.claimed_at, now(), 10):
            events.append({"case_id": case_id, "worker_id": case.worker_id, "kind": "status",
                           "data": {"status": "active", "outcome": None}, "created_at": at})  # fmt: skip
        for at in spread(rng, case.claimed_at, now(), 10):
            checkins.append({
                "youth_id": case.youth_id, "case_id": case_id, "kind": "checkin",
                "status": "answered", "due_at": at, "sent_at": at, "answered_at": at,
                "score": rng.randint(1, 5), "note": None, "reason": None, "created_at": at,
            })  # fmt: skip
    await insert_rows(session, Note, notes)
    await insert_rows(session, CaseEvent, events)
    await insert_rows(session, CheckIn, checkins)
    return len(notes) + len(events) + len(checkins)


async def totals(db: Database) -> tuple[int, int, int, int]:
    """Youths, messages, waiting cases and all rows."""
    async with db.transaction() as session:
        youths = await count(session, select(func.count()).select_from(Youth))
        messages = await count(session, select(func.count()).select_from(Message))
        waiting = await count(
            session, select(func.count()).select_from(Case).where(Case.status == "waiting")
        )
        names = await session.run_sync(
            lambda s: s.get_bind().dialect.get_table_names(s.connection())
        )
        rows = 0
        for name in names:
            rows += await count(session, text(f'SELECT count(*) FROM "{name}"'))
    return youths, messages, waiting, rows


async def analyze(db: Database) -> None:
    async with db.engine.connect() as conn:  # outside a transaction
        await conn.execute(text("ANALYZE"))
        await conn.commit()


async def add_inbox_data(db: Database, youths: int) -> Seeded:
    """On a database with the demo data for `youths`: what the inbox views need (see above)."""
    t0 = time.perf_counter()
    rng = random.Random(SEED)
    sara = await accounts(db)
    async with db.transaction() as session:
        mine = await give_sara(session, sara)
        await add_waiting(session, rng, youths // YOUTHS_PER_WAITING)
        long_cases = mine[:LONG]
        await add_messages(session, rng, youths * MESSAGES_PER_YOUTH, long_cases)
        await beside_long(session, rng, long_cases)
    await analyze(db)
    seconds = time.perf_counter() - t0
    return Seeded(*await totals(db), seconds)


async def seed(url: str, youths: int) -> Seeded:
    """An empty database at `url`, filled: demo data (bench.report) and the inbox's data."""
    from bench.report import seed as demo_seed  # bench.report imports nothing from here

    t0 = time.perf_counter()
    await demo_seed(url, youths)
    db = Database(url)
    try:
        seeded = await add_inbox_data(db, youths)
    finally:
        await db.dispose()
    seconds = time.perf_counter() - t0
    return Seeded(seeded.youths, seeded.messages, seeded.waiting, seeded.rows, seconds)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.seed", description=__doc__)
    parser.add_argument("--youths", type=int, default=100_000)
    parser.add_argument(
        "--url", required=True, help="an empty database, e.g. sqlite+aiosqlite:///x.db"
    )
    args = parser.parse_args(argv)
    s = asyncio.run(seed(args.url, args.youths))
    print(
        f"seeded in {s.seconds:.0f} s: {s.youths:,} youths, {s.messages:,} messages, "
        f"{s.waiting:,} waiting cases, {s.rows:,} rows; log in as {WORKER} or {COORDINATOR} "
        f"with {PASSWORD!r}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
