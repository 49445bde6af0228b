"""The timeline of messages and the outbox of deliveries that carries them to a channel.

A job's payload is stored as given: core/outgoing.py builds it (`Outgoing.to_json()`) and
reads it back; here it is only JSON.

A claim is a short lease held by one sender (`claimed_by`), renewed by its heartbeat while the
job is in flight, so a dead instance's jobs are taken over within seconds. The sender records
that it calls the channel (`called_at`) in a committed transaction of its own right before the
call, and the result right after: a job taken over with `called_at` set may have arrived
already, and is counted (`duplicates`).
"""

from __future__ import annotations

import logging
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, exists, func, or_, select, text, true, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from storage import counters, deliveries
from storage.indexes import OPEN_JOBS
from storage.models import Message, OutboxJob, Worker, Youth

log = logging.getLogger(__name__)
# A claim lapses this long after its sender's last sign of life; the sender renews it every
# RENEW while the job is in flight (bot/channels/sender.py), so a few renewals may fail.
LEASE = timedelta(seconds=4)
RENEW = timedelta(seconds=1)


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
    owner: str | None = None  # the sender that claimed it; None: any (a test's own job)


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
    owner: str | None = None,
) -> list[Job]:
    """Claim the first due job of each youth (one youth's messages go out in order) for the
    sender `owner`. `busy`: jobs this sender is delivering right now, whatever their lease says.
    A job whose lease lapsed while its sender was calling the channel is counted as a possible
    duplicate."""
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
    doubtful = [j for j in jobs if j.status == "sending" and j.called_at is not None]
    for job in doubtful:
        log.warning(
            "outbox job %s: its sender %s stopped while calling the channel; sending again "
            "(it may arrive twice)", job.id, job.claimed_by,
        )  # fmt: skip
    await counters.add(session, counters.OUTBOX_DUPLICATES, len(doubtful))
    for job in jobs:
        job.status, job.claimed_by, job.called_at = "sending", owner, None
        job.claimed_until = now + LEASE
        job.attempts += 1
    return [
        Job(j.id, j.youth_id, j.channel, j.kind, dict(j.payload), j.message_id, j.attempts, owner)
        for j in jobs
    ]


def held(job: Job) -> ColumnElement[bool]:
    """The job's row, as long as the sender that claimed it still holds it."""
    mine = OutboxJob.claimed_by == job.owner if job.owner is not None else true()
    return and_(OutboxJob.id == job.id, mine)


async def renew(session: AsyncSession, owner: str, ids: Collection[int], now: datetime) -> set[int]:
    """Extend the leases of this sender's jobs in flight (one statement); the ids it still
    holds (a job missing was taken over after its lease lapsed: never send it)."""
    if not ids:
        return set()
    stmt = (
        update(OutboxJob)
        .where(OutboxJob.id.in_(ids), OutboxJob.claimed_by == owner)
        .where(OutboxJob.status == "sending")
        .values(claimed_until=now + LEASE)
        .returning(OutboxJob.id)
        .execution_options(synchronize_session=False)
    )
    return set((await session.execute(stmt)).scalars())


async def calling(session: AsyncSession, job: Job, now: datetime) -> bool:
    """Record, right before the channel is called, that it is (the lease runs a full LEASE
    from now). False when the lease lapsed or another sender holds the job: do not call."""
    stmt = (
        update(OutboxJob)
        .where(held(job), OutboxJob.status == "sending", OutboxJob.claimed_until > now)
        .values(called_at=now, claimed_until=now + LEASE)
        .execution_options(synchronize_session=False)
    )
    return int(getattr(await session.execute(stmt), "rowcount", 0) or 0) == 1


async def duplicates(session: AsyncSession) -> int:
    """Deliveries sent again after their sender died while calling the channel, in total:
    each may have arrived twice (instap_outbox_duplicates_total)."""
    return await counters.value(session, counters.OUTBOX_DUPLICATES)


async def mark_sent(
    session: AsyncSession, job: Job, channel_message_id: str | None, now: datetime
) -> None:
    stmt = update(OutboxJob).where(held(job)).values(status="sent", sent_at=now, called_at=None)
    if not await recorded(session, stmt, job):
        return
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
    stmt = update(OutboxJob).where(held(job))
    if not await recorded(session, stmt.values(status="failed", last_error=error), job):
        return
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
    await recorded(
        session, update(OutboxJob).where(held(job)).values(called_at=None, **values), job
    )


async def recorded(session: AsyncSession, stmt: Any, job: Job) -> bool:
    """Run a result's update of the job's row; False when another sender holds the job now
    (it took over after this one's lease lapsed, and records its own result)."""
    result = await session.execute(stmt.execution_options(synchronize_session=False))
    if int(getattr(result, "rowcount", 0) or 0) == 1:
        return True
    log.warning("outbox job %s was taken over by another sender; its result is theirs", job.id)
    return False


async def release_all_claims(session: AsyncSession) -> None:
    """At start on SQLite (one instance only): claims left by a dead process are free again;
    those it was calling the channel for may have arrived already (counted)."""
    calling_then = (OutboxJob.status == "sending") & OutboxJob.called_at.is_not(None)
    doubtful = await session.scalar(
        select(func.count()).select_from(OutboxJob).where(text(f"outbox.{OPEN_JOBS}"), calling_then)
    )
    await counters.add(session, counters.OUTBOX_DUPLICATES, int(doubtful or 0))
    await session.execute(
        update(OutboxJob)
        .where(OutboxJob.status == "sending")
        .values(status="pending", called_at=None, claimed_by=None)
    )


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
