"""The timeline of messages and the outbox of deliveries that carries them to a channel.

A job's payload is stored as given: core/outgoing.py builds it (`Outgoing.to_json()`) and
reads it back; here it is only JSON.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, exists, or_, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from storage import deliveries
from storage.indexes import OPEN_JOBS
from storage.models import Message, OutboxJob, Worker, Youth

LEASE = timedelta(seconds=30)


@dataclass(frozen=True)
class Job:
    """A claimed delivery, detached from the session."""

    id: int
    youth_id: int | None  # None: a notification to a worker
    channel: str
    kind: str
    payload: dict[str, Any]
    message_id: int | None
    attempts: int
    reclaimed: bool = False  # its last claim ran out mid-send: it may have gone out already


async def add_message(
    session: AsyncSession,
    youth: Youth,
    *,
    direction: str,
    author: str,
    text: str,
    buttons: list[list[dict[str, str]]] | None,
    now: datetime,
    delivery: str = "pending",
) -> Message:
    message = Message(
        youth_id=youth.id,
        direction=direction,
        author=author,
        text=text,
        buttons={"rows": buttons} if buttons else None,
        delivery=delivery,
        created_at=now,
    )
    session.add(message)
    await session.flush()
    return message


async def enqueue(
    session: AsyncSession,
    youth: Youth,
    kind: str,
    payload: dict[str, Any],
    now: datetime,
    message: Message | None = None,
    not_before: datetime | None = None,
) -> None:
    """A job for the youth, due now or (quiet hours) at `not_before`."""
    session.add(
        OutboxJob(
            youth_id=youth.id,
            channel=youth.channel,
            kind=kind,
            message_id=message.id if message else None,
            payload=payload,
            status="pending",
            attempts=0,
            timeouts=0,
            not_before=not_before or now,
            created_at=now,
        )
    )


async def enqueue_for_worker(
    session: AsyncSession, worker: Worker, kind: str, payload: dict[str, Any], now: datetime
) -> None:
    """A job for a worker's linked Telegram (a note that names no case content)."""
    session.add(
        OutboxJob(
            youth_id=None, worker_id=worker.id, channel="telegram", kind=kind, payload=payload,
            status="pending", attempts=0, timeouts=0, not_before=now, created_at=now,
        )
    )  # fmt: skip


async def claim(
    session: AsyncSession,
    now: datetime,
    channels: set[str],
    limit: int = 50,
    busy: Collection[int] = (),
) -> list[Job]:
    """Claim the first due job of each youth (one youth's messages go out in order).
    `busy`: jobs this sender is delivering right now, whatever their lease says."""
    earlier = aliased(OutboxJob)
    due = or_(
        and_(OutboxJob.status == "pending", OutboxJob.not_before <= now),
        and_(OutboxJob.status == "sending", OutboxJob.claimed_until < now),
    )
    blocked = exists().where(
        earlier.youth_id == OutboxJob.youth_id,
        earlier.id < OutboxJob.id,
        earlier.status.in_(("pending", "sending")),
    )
    stmt = (
        select(OutboxJob)
        # The open jobs' partial index, in id order: never the sent ones (all of history).
        .where(text(f"outbox.{OPEN_JOBS}"), due, ~blocked)
        .where(OutboxJob.channel.in_(channels), OutboxJob.id.not_in(busy))
        .order_by(OutboxJob.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    jobs = list((await session.execute(stmt)).scalars())
    youth_ids = {j.youth_id for j in jobs if j.youth_id is not None}
    unreachable = set(
        (await session.execute(
            select(Youth.id).where(Youth.id.in_(youth_ids), Youth.unreachable)
        )).scalars()
    )  # fmt: skip
    for job in [j for j in jobs if j.youth_id in unreachable]:
        # The youth blocked the bot: nothing to try until they write again.
        job.status, job.last_error = "failed", "youth unreachable"
    jobs = [j for j in jobs if j.youth_id not in unreachable]
    reclaimed = {j.id for j in jobs if j.status == "sending"}
    for job in jobs:
        job.status = "sending"
        job.claimed_until = now + LEASE
        job.attempts += 1
    return [
        Job(
            j.id,
            j.youth_id,
            j.channel,
            j.kind,
            dict(j.payload),
            j.message_id,
            j.attempts,
            reclaimed=j.id in reclaimed,
        )
        for j in jobs
    ]


async def mark_sent(
    session: AsyncSession, job: Job, channel_message_id: str | None, now: datetime
) -> None:
    await session.execute(
        update(OutboxJob).where(OutboxJob.id == job.id).values(status="sent", sent_at=now)
    )
    if job.kind == "edit" and channel_message_id not in (None, job.payload.get("target")):
        # A channel that cannot edit (WhatsApp) sent the new buttons as a new message:
        # a tap on them names that message now.
        await session.execute(
            update(Message)
            .where(Message.youth_id == job.youth_id)
            .where(Message.channel_message_id == str(job.payload.get("target")))
            .values(channel_message_id=channel_message_id)
        )
    if job.message_id is None:
        return
    if job.kind == "fetch_media":  # the "message id" is where the file was stored
        message = await session.get(Message, job.message_id)
        if message is not None:
            message.media = {**(message.media or {}), "state": "stored", "path": channel_message_id}
        return
    await session.execute(
        update(Message)
        .where(Message.id == job.message_id)
        .values(delivery="sent", channel_message_id=channel_message_id)
    )
    if channel_message_id is not None:
        await deliveries.catch_up(session, job.message_id, channel_message_id)


async def mark_failed(session: AsyncSession, job: Job, error: str, *, unreachable: bool) -> None:
    await session.execute(
        update(OutboxJob).where(OutboxJob.id == job.id).values(status="failed", last_error=error)
    )
    if job.message_id is not None and job.kind != "fetch_media":
        await session.execute(
            update(Message).where(Message.id == job.message_id).values(delivery="failed")
        )
    if unreachable:
        await session.execute(
            update(Youth).where(Youth.id == job.youth_id).values(unreachable=True)
        )


async def retry_at(
    session: AsyncSession,
    job: Job,
    when: datetime,
    error: str,
    *,
    timed_out: bool = False,
    counts: bool = True,
) -> None:
    """Put a job back for later; `counts=False` when the channel only asked us to wait."""
    values: dict[str, Any] = {"status": "pending", "not_before": when, "last_error": error}
    if timed_out:
        values["timeouts"] = OutboxJob.timeouts + 1
    if not counts:
        values["attempts"] = OutboxJob.attempts - 1
    await session.execute(update(OutboxJob).where(OutboxJob.id == job.id).values(**values))


async def release_all_claims(session: AsyncSession) -> list[str]:
    """At start on SQLite (one instance only): claims left by a dead process are free again.
    Returns the channel of each (it may have been sent already)."""
    released = await session.execute(
        update(OutboxJob)
        .where(OutboxJob.status == "sending")
        .values(status="pending")
        .returning(OutboxJob.channel)
    )
    return list(released.scalars())


async def messages_since(session: AsyncSession, youth_id: int, after_id: int) -> list[Message]:
    stmt = (
        select(Message)
        .where(Message.youth_id == youth_id, Message.id > after_id)
        .order_by(Message.id)
        .limit(500)
    )
    return list((await session.execute(stmt)).scalars())


async def message_by_ref(session: AsyncSession, youth: Youth, ref: str | None) -> Message | None:
    """The youth's message a channel refers to: our id on the web, the channel's on Telegram."""
    if ref is None:
        return None
    if youth.channel == "web":
        if not ref.isdigit():
            return None
        stmt = select(Message).where(Message.youth_id == youth.id, Message.id == int(ref))
    else:
        stmt = select(Message).where(
            Message.youth_id == youth.id, Message.channel_message_id == ref
        )
    return (await session.execute(stmt.limit(1))).scalar_one_or_none()


async def with_buttons(session: AsyncSession, youth_id: int, limit: int = 200) -> list[Message]:
    """The youth's newest bot messages that carry buttons, oldest first."""
    stmt = (
        select(Message)
        .where(Message.youth_id == youth_id, Message.direction == "out")
        .where(Message.buttons.is_not(None))
        .order_by(Message.id.desc())
        .limit(limit)
    )
    found = (await session.execute(stmt)).scalars()
    return [m for m in reversed(list(found)) if (m.buttons or {}).get("rows")]


async def button_label(session: AsyncSession, youth: Youth, ref: str | None, data: str) -> str:
    """The label of a pressed button, found on the message that carried it."""
    message = await message_by_ref(session, youth, ref)
    rows = (message.buttons or {}).get("rows", []) if message else []
    for row in rows:
        for button in row:
            if button.get("data") == data:
                return str(button["text"]).removeprefix("✅ ")
    return data
