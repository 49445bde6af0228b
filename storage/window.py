"""The 24-hour window of WhatsApp: messages kept while it is closed, freed when the youth writes.

A business may write freely only within 24 hours of the youth's last message. Outside it a
message is kept ("held": its outbox job waits, its timeline row says so) and an approved
template announces it (core/window.py); the youth's next message frees everything kept, in
the order it was written.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Message, OutboxJob

# Which channels have a window, and how long it is open after the youth's last message.
WINDOWS = {"whatsapp": timedelta(hours=24)}
# Our clock and Meta's, and the minutes a job may wait in the outbox: close a little early.
MARGIN = timedelta(minutes=10)


async def last_written(session: AsyncSession, youth_id: int) -> datetime | None:
    """When the youth last wrote (a message, a tap) as our timeline has it."""
    stmt = select(func.max(Message.created_at)).where(
        Message.youth_id == youth_id, Message.direction == "in"
    )
    return (await session.execute(stmt)).scalar_one_or_none()


def closes_at(channel: str, last: datetime | None) -> datetime | None:
    """When the window closes (closed already if in the past); None: this channel has none."""
    length = WINDOWS.get(channel)
    if length is None:
        return None
    if last is None:
        return datetime.min.replace(tzinfo=UTC)
    return last + length - MARGIN


async def is_open(session: AsyncSession, youth_id: int, channel: str, now: datetime) -> bool:
    if channel not in WINDOWS:
        return True
    end = closes_at(channel, await last_written(session, youth_id))
    return end is not None and now < end


async def hold(session: AsyncSession, job_id: int, message_id: int | None, error: str) -> None:
    """Keep a job until the youth writes; its timeline row says it is kept."""
    await session.execute(
        update(OutboxJob)
        .where(OutboxJob.id == job_id)
        .values(status="held", last_error=error, attempts=OutboxJob.attempts - 1)
    )
    if message_id is not None:
        await session.execute(
            update(Message).where(Message.id == message_id).values(delivery="held")
        )


async def replace(session: AsyncSession, job_id: int, error: str) -> None:
    """A job a template carries in its place (a reminder): never sent itself."""
    await session.execute(
        update(OutboxJob).where(OutboxJob.id == job_id).values(status="replaced", last_error=error)
    )


async def release(session: AsyncSession, youth_id: int, now: datetime) -> int:
    """The youth wrote: everything kept goes out now, in order. Returns how many."""
    held = list(
        (
            await session.execute(
                select(OutboxJob.id, OutboxJob.message_id).where(
                    OutboxJob.youth_id == youth_id, OutboxJob.status == "held"
                )
            )
        ).all()
    )
    if not held:
        return 0
    await session.execute(
        update(OutboxJob)
        .where(OutboxJob.id.in_([job for job, _ in held]))
        .values(status="pending", not_before=now)
    )
    messages = [message for _, message in held if message is not None]
    if messages:
        await session.execute(
            update(Message)
            .where(Message.id.in_(messages), Message.delivery == "held")
            .values(delivery="pending")
        )
    return len(held)


async def templates_since(
    session: AsyncSession, youth_id: int, since: datetime | None
) -> list[dict[str, Any]]:
    """The template jobs for this youth since they last wrote (that did not fail)."""
    stmt = select(OutboxJob.payload).where(
        OutboxJob.youth_id == youth_id,
        OutboxJob.kind == "template",
        OutboxJob.status != "failed",
    )
    if since is not None:
        stmt = stmt.where(OutboxJob.created_at >= since)
    return [dict(p) for p in (await session.execute(stmt)).scalars()]


async def kept_count(session: AsyncSession, youth_id: int) -> int:
    stmt = select(func.count()).where(OutboxJob.youth_id == youth_id, OutboxJob.status == "held")
    return int((await session.execute(stmt)).scalar_one())
