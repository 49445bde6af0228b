"""Inbound events: stored once (unique per source id) before the channel is acknowledged."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Select, bindparam, exists, func, select, text, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from storage.models import Inbound

MAX_ATTEMPTS = 5


def without_nul(value: Any) -> Any:
    """The payload without NUL characters: PostgreSQL's JSONB and text cannot hold them."""
    if isinstance(value, str):
        return value.replace("\x00", "")
    if isinstance(value, dict):
        return {without_nul(k): without_nul(v) for k, v in value.items()}
    if isinstance(value, list):
        return [without_nul(v) for v in value]
    return value


async def store(
    session: AsyncSession,
    rows: Sequence[tuple[str, str, str, dict[str, Any]]],
    now: datetime,
) -> int:
    """Insert (source, external_id, youth_key, payload) rows; duplicates are ignored.

    Returns how many were new.
    """
    if not rows:
        return 0
    values = [
        {
            "source": source,
            "external_id": external_id,
            "youth_key": key,
            "payload": without_nul(payload),
            "status": "pending",
            "attempts": 0,
            "received_at": now,
        }
        for source, external_id, key, payload in rows
    ]
    insert = pg_insert if session.bind.dialect.name == "postgresql" else sqlite_insert
    stmt = (
        insert(Inbound)
        .values(values)
        .on_conflict_do_nothing(index_elements=["source", "external_id"])
    )
    result = await session.execute(stmt)
    return int(getattr(result, "rowcount", 0) or 0)


async def lock_key(session: AsyncSession, key: str) -> None:
    """Serialise one youth's processing across instances (PostgreSQL advisory lock).

    SQLite needs nothing: BEGIN IMMEDIATE already makes every writer wait its turn.
    """
    if session.bind.dialect.name == "postgresql":
        await session.execute(text("SELECT pg_advisory_xact_lock(hashtext(:k))"), {"k": key})


async def next_pending(session: AsyncSession, key: str) -> Inbound | None:
    return (await next_and_more(session, key))[0]


def next_and_more_statement() -> Select[tuple[Inbound, bool]]:
    later = aliased(Inbound)
    more = (
        exists()
        .where(
            later.youth_key == bindparam("key"), later.status == "pending", later.id > Inbound.id
        )
        .correlate(Inbound)
    )
    return (
        select(Inbound, more)
        .where(Inbound.youth_key == bindparam("key"), Inbound.status == "pending")
        .order_by(Inbound.id)
        .limit(1)
    )


# Built once: building a statement (and its cache key) costs more than SQLite running it.
NEXT_AND_MORE = next_and_more_statement()
# (The row in the session is not updated: nothing reads it after it is done.)
DONE = (
    update(Inbound)
    .where(Inbound.id == bindparam("row_id"))
    .values(status="done", processed_at=bindparam("now"))
    .execution_options(synchronize_session=False)
)


async def next_and_more(session: AsyncSession, key: str) -> tuple[Inbound | None, bool]:
    """The youth's oldest pending row, and whether another one waits behind it."""
    found = (await session.execute(NEXT_AND_MORE, {"key": key})).one_or_none()
    return (found[0], bool(found[1])) if found is not None else (None, False)


async def pending_keys(session: AsyncSession, limit: int = 1000) -> list[str]:
    stmt = (
        select(Inbound.youth_key, func.min(Inbound.id).label("first"))
        .where(Inbound.status == "pending")
        .group_by(Inbound.youth_key)
        .order_by("first")
        .limit(limit)
    )
    return [row[0] for row in (await session.execute(stmt)).all()]


async def record_failure(session: AsyncSession, row_id: int, error: str, now: datetime) -> bool:
    """Count a failed attempt; after MAX_ATTEMPTS the row is set aside. True if set aside."""
    row = await session.get(Inbound, row_id)
    if row is None:
        return False
    row.attempts += 1
    row.error = error[:2000]
    if row.attempts >= MAX_ATTEMPTS:
        row.status = "failed"
        row.processed_at = now
        return True
    return False


async def count_by_status(session: AsyncSession) -> dict[str, int]:
    stmt = select(Inbound.status, func.count()).group_by(Inbound.status)
    return {status: int(n) for status, n in (await session.execute(stmt)).all()}


async def mark_done(session: AsyncSession, row: Inbound, now: datetime) -> None:
    await session.execute(DONE, {"row_id": row.id, "now": now})
