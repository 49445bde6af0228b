"""The SQLite driver: what a short transaction (on the event loop's thread) stores, and waits for."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from storage import inbound
from storage.clock import utcnow
from storage.db import Database
from storage.models import Inbound


def event(n: int) -> tuple[str, str, str, dict[str, object]]:
    return ("web", f"noor:{n}", "web:noor", {"user_id": "noor", "frame": {"type": "text"}})


@pytest.fixture
async def sqlite_db(tmp_path: Path) -> Database:
    database = Database(f"sqlite+aiosqlite:///{tmp_path}/instap.db")
    await database.migrate()
    return database


def stored_elsewhere(path: Path) -> list[str]:
    """What another process reading the file sees."""
    reader = sqlite3.connect(path)
    try:
        return [r[0] for r in reader.execute("SELECT external_id FROM inbound ORDER BY id")]
    finally:
        reader.close()


@pytest.mark.parametrize("short", [True, False])
async def test_a_committed_transaction_is_in_the_file_and_a_failed_one_is_not(
    sqlite_db: Database, tmp_path: Path, short: bool
) -> None:
    async with sqlite_db.transaction(short=short) as session:
        await inbound.store(session, [event(1)], utcnow())
    with pytest.raises(RuntimeError):
        async with sqlite_db.transaction(short=short) as session:
            await inbound.store(session, [event(2)], utcnow())
            raise RuntimeError("the flow failed halfway")
    async with sqlite_db.transaction(short=short) as session:
        pending = await inbound.next_pending(session, "web:noor")
        assert pending is not None and pending.external_id == "noor:1"
    await sqlite_db.dispose()
    assert stored_elsewhere(tmp_path / "instap.db") == ["noor:1"]


async def test_a_short_transaction_waits_for_another_processs_write_lock_off_the_loop(
    sqlite_db: Database, tmp_path: Path
) -> None:
    other = sqlite3.connect(tmp_path / "instap.db", isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another process (the CLI) is writing

    async def store() -> None:
        async with sqlite_db.transaction(short=True) as session:
            await inbound.store(session, [event(1)], utcnow())

    task = asyncio.create_task(store())
    # The loop goes on while the write waits: were it waiting on the loop's thread, the
    # first turn would only come back after busy_timeout, with "database is locked".
    for _ in range(20):
        await asyncio.sleep(0)
    assert not task.done()
    other.execute("COMMIT")
    other.close()
    await task
    async with sqlite_db.transaction(short=True) as session:
        assert (await session.execute(select(func.count()).select_from(Inbound))).scalar() == 1
        # and the connection waits for locks as configured again
        assert (await session.execute(text("PRAGMA busy_timeout"))).scalar() == 30000
    await sqlite_db.dispose()
