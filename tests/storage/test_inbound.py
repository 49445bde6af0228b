"""Inbound events: stored once per source id, handed out per youth in arrival order."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, text

from storage import inbound
from storage.clock import utcnow
from storage.db import Database
from storage.models import Inbound

NOOR = "telegram:4242"
SAM = "telegram:5151"


def update(update_id: int, chat_id: int = 4242, text: str = "Hoi") -> dict[str, Any]:
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "chat": {"id": chat_id, "type": "private", "first_name": "Noor"},
            "text": text,
        },
    }


def row(update_id: int, key: str = NOOR, text: str = "Hoi") -> tuple[str, str, str, dict[str, Any]]:
    chat_id = int(key.removeprefix("telegram:"))
    return ("telegram", str(update_id), key, update(update_id, chat_id, text))


async def store(db: Database, *rows: tuple[str, str, str, dict[str, Any]]) -> int:
    async with db.transaction() as session:
        return await inbound.store(session, list(rows), utcnow())


async def all_rows(db: Database) -> list[Inbound]:
    async with db.sessions() as session:
        return list((await session.execute(select(Inbound).order_by(Inbound.id))).scalars())


async def test_store_counts_new_rows_and_ignores_duplicates(db: Database) -> None:
    assert await store(db) == 0
    assert await store(db, row(1), row(2, text="Ik zoek werk")) == 2
    # A redelivery of update 2 next to a new update 3: only 3 is new.
    assert await store(db, row(2, text="Ik zoek werk"), row(3)) == 1
    assert await store(db, row(1), row(2), row(3)) == 0

    rows = await all_rows(db)
    assert [r.external_id for r in rows] == ["1", "2", "3"]
    assert rows[1].payload["message"]["text"] == "Ik zoek werk"
    assert all(r.status == "pending" and r.attempts == 0 for r in rows)
    assert all(r.received_at.tzinfo is not None for r in rows)


async def test_the_same_external_id_from_another_source_is_a_different_event(
    db: Database,
) -> None:
    assert await store(db, ("telegram", "7", NOOR, {"update_id": 7})) == 1
    assert await store(db, ("web", "7", "web:noor", {"text": "Hoi"})) == 1
    assert len(await all_rows(db)) == 2


async def test_concurrent_stores_of_one_update_keep_it_once(db: Database) -> None:
    # On PostgreSQL all ten transactions are open before any inserts, so nine of them meet
    # the first one's uncommitted row. SQLite takes its one write lock at BEGIN: no overlap.
    barrier = asyncio.Barrier(10)

    async def deliver() -> int:
        async with db.transaction() as session:
            if not db.is_sqlite:
                await session.execute(text("SELECT 1"))
                await barrier.wait()
            return await inbound.store(session, [row(99)], utcnow())

    counts = await asyncio.gather(*(deliver() for _ in range(10)))
    assert sum(counts) == 1
    assert sorted(counts) == [0] * 9 + [1]
    assert [r.external_id for r in await all_rows(db)] == ["99"]


async def test_next_pending_is_the_oldest_pending_row_of_that_youth(db: Database) -> None:
    await store(db, row(10, SAM), row(11, NOOR, "eerste"), row(12, NOOR, "tweede"))
    async with db.transaction() as session:
        first = await inbound.next_pending(session, NOOR)
        assert first is not None
        assert first.payload["message"]["text"] == "eerste"
        await inbound.mark_done(session, first, utcnow())
    async with db.transaction() as session:
        second = await inbound.next_pending(session, NOOR)
        assert second is not None
        assert second.payload["message"]["text"] == "tweede"
        await inbound.mark_done(session, second, utcnow())
    async with db.transaction() as session:
        assert await inbound.next_pending(session, NOOR) is None
        other = await inbound.next_pending(session, SAM)
        assert other is not None and other.external_id == "10"
        assert await inbound.next_pending(session, "telegram:0") is None


async def test_pending_keys_are_ordered_by_their_first_pending_row(db: Database) -> None:
    lina = "web:lina"
    await store(db, row(1, SAM), row(2, NOOR), row(3, SAM), row(4, NOOR))
    await store(db, ("web", "lina:1", lina, {"text": "Hallo"}))
    async with db.transaction() as session:
        assert await inbound.pending_keys(session) == [SAM, NOOR, lina]
        assert await inbound.pending_keys(session, limit=2) == [SAM, NOOR]
        # Sam's first row is handled: Sam's next pending row (3) now comes after Noor's (2).
        first = await inbound.next_pending(session, SAM)
        assert first is not None
        await inbound.mark_done(session, first, utcnow())
    async with db.transaction() as session:
        assert await inbound.pending_keys(session) == [NOOR, SAM, lina]


async def test_mark_done_takes_the_row_out_of_the_pending_work(db: Database) -> None:
    await store(db, row(1))
    done_at = utcnow()
    async with db.transaction() as session:
        pending = await inbound.next_pending(session, NOOR)
        assert pending is not None
        await inbound.mark_done(session, pending, done_at)
    async with db.transaction() as session:
        assert await inbound.pending_keys(session) == []
        assert await inbound.next_pending(session, NOOR) is None
        assert await inbound.count_by_status(session) == {"done": 1}
    (stored,) = await all_rows(db)
    assert stored.status == "done"
    assert stored.processed_at is not None
    assert abs(stored.processed_at - done_at) < timedelta(milliseconds=1)
    # A redelivery after processing is still a duplicate: nothing runs twice.
    assert await store(db, row(1)) == 0


async def test_record_failure_sets_a_row_aside_after_max_attempts(db: Database) -> None:
    await store(db, row(1, NOOR, "boem"), row(2, NOOR, "daarna"))
    async with db.sessions() as session:
        failing = await inbound.next_pending(session, NOOR)
        assert failing is not None
        failing_id = failing.id
    now: datetime = utcnow()
    for attempt in range(1, inbound.MAX_ATTEMPTS):
        async with db.transaction() as session:
            set_aside = await inbound.record_failure(session, failing_id, f"fout {attempt}", now)
            assert set_aside is False
        async with db.sessions() as session:
            again = await inbound.next_pending(session, NOOR)
            assert again is not None and again.id == failing_id  # retried, still first
            assert again.attempts == attempt
            assert again.error == f"fout {attempt}"

    async with db.transaction() as session:
        assert await inbound.record_failure(session, failing_id, "x" * 5000, now) is True
    async with db.sessions() as session:
        failed = await session.get(Inbound, failing_id)
        assert failed is not None
        assert failed.status == "failed"
        assert failed.attempts == inbound.MAX_ATTEMPTS
        assert failed.error == "x" * 2000
        assert failed.processed_at is not None
        # The youth's next event is no longer held up by the broken one.
        following = await inbound.next_pending(session, NOOR)
        assert following is not None
        assert following.payload["message"]["text"] == "daarna"
        assert await inbound.count_by_status(session) == {"failed": 1, "pending": 1}


async def test_record_failure_of_an_unknown_row_is_a_no_op(db: Database) -> None:
    async with db.transaction() as session:
        assert await inbound.record_failure(session, 123456, "weg", utcnow()) is False


async def test_the_next_row_says_whether_another_of_that_youth_waits_behind_it(
    db: Database,
) -> None:
    await store(db, row(10, NOOR, "eerste"), row(11, SAM), row(12, NOOR, "tweede"))
    async with db.transaction() as session:
        first, more = await inbound.next_and_more(session, NOOR)
        assert first is not None and first.external_id == "10" and more
        await inbound.mark_done(session, first, utcnow())
        second, more = await inbound.next_and_more(session, NOOR)
        assert second is not None and second.external_id == "12" and not more
        await inbound.mark_done(session, second, utcnow())
        assert await inbound.next_and_more(session, NOOR) == (None, False)
        other, more = await inbound.next_and_more(session, SAM)
        assert other is not None and other.external_id == "11" and not more
