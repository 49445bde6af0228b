"""The queue reads open work through indexes: every statement a coordinator's filtered queue
view runs is explained on both databases, and none scans the cases, the check-ins or the
case events whole (PostgreSQL with sequential scans off: could an index be used at all?)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event

from core.bus import Bus
from core.i18n import Translator
from inbox.service import Inbox
from inbox.service.queue import ask_from
from storage import workers
from storage.clock import utcnow
from storage.db import Database
from tests.inbox.queue_population import add_youths
from tests.support.dialog import directory
from tests.support.inbox import add_worker

WATCHED = ("cases", "checkins", "case_events")


@contextmanager
def statements(db: Database) -> Iterator[list[tuple[str, Any]]]:
    """The SELECTs run meanwhile, with their parameters."""
    seen: list[tuple[str, Any]] = []

    def keep(conn: Any, cursor: Any, sql: str, params: Any, context: Any, many: bool) -> None:
        if sql.lstrip().upper().startswith("SELECT"):
            seen.append((sql, params))

    event.listen(db.engine.sync_engine, "before_cursor_execute", keep)
    try:
        yield seen
    finally:
        event.remove(db.engine.sync_engine, "before_cursor_execute", keep)


async def full_scans(db: Database, sql: str, params: Any) -> list[str]:
    async with db.engine.connect() as conn:
        if db.engine.dialect.name == "sqlite":
            plan = (await conn.exec_driver_sql("EXPLAIN QUERY PLAN " + sql, params)).all()
            lines = [str(row[-1]) for row in plan]
            scans = [line for line in lines for table in WATCHED
                     if re.match(rf"SCAN {table}\b", line)]  # fmt: skip
            # An index on cases must narrow to open work (status), or be the primary key.
            history = [line for line in lines if line.startswith("SEARCH cases ")
                       and "status=" not in line and "rowid=" not in line]  # fmt: skip
            return scans + history
        await conn.exec_driver_sql("SET enable_seqscan = off")
        plan = (await conn.exec_driver_sql("EXPLAIN " + sql, params)).all()
        lines = [str(row[0]) for row in plan]
        return [line for line in lines for table in WATCHED if f"Seq Scan on {table} " in line]


async def test_the_queue_reads_cases_and_checkins_through_indexes(db: Database) -> None:
    jan = await add_worker(db, "Jan", role="coordinator")
    await add_youths(db, ["Yassin", "Yara", "Noor"], days_ago=10)
    async with db.transaction() as session:
        await workers.of_partnership(session, "wam")
    inbox = Inbox(
        db=db, directory=directory(), translator=Translator(), bus=Bus(),
        notify_outbox=lambda: None, clock=utcnow,
    )  # fmt: skip
    asks = [
        {},
        {"q": "yas", "municipality": "Maasmechelen", "promise": "late", "need": "work"},
        {"channel": "telegram", "flag": "dringend", "status": "waiting", "worker": str(jan.id)},
    ]
    first = await inbox.queue(jan, ask_from({"limit": "1"}, coordinator=True))
    cursors = {"wachtend": first.cursors["waiting"] or "", "team": first.cursors["team"] or ""}
    asks.append({**cursors, "limit": "1"})
    for query in asks:
        with statements(db) as seen:
            await inbox.queue(jan, ask_from(query, coordinator=True))
        assert seen
        for sql, params in seen:
            assert await full_scans(db, sql, params) == [], sql
