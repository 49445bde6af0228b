"""Data rights in the database: erasing everything about one youth, and when it goes.

(`storage.export` gathers every row about the youth, the right of access.) `erase` removes
them (the right to erasure, and retention), keeping only what holds nothing personal: a
tombstone of the case (partnership, dates, "gewist") for the counts, and the audit log,
which never holds content. Media files on disk are the caller's: `erase` returns their
stored names.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import (
    Appointment,
    Case,
    CaseEvent,
    CaseNeed,
    CaseProfile,
    CaseSignal,
    ChannelStatus,
    CheckIn,
    Consent,
    Inbound,
    Message,
    Note,
    OutboxJob,
    SafetyEvent,
    Youth,
)
from storage.offer_models import Booking

ERASED = "erased"  # Youth.channel of an erased youth; Case.outcome of its case


def youth_key(youth: Youth) -> str:
    """The inbound key of a youth's updates (see bot.incoming)."""
    return f"{youth.channel}:{youth.channel_user_id}"


@dataclass(frozen=True)
class Deletion:
    """When the youth's data goes: a date, or a rule while that date is not known yet."""

    at: datetime | None
    rule: str  # unfinished_intake | open_case | closed_case


async def erase(session: AsyncSession, youth: Youth, reason: str, now: datetime) -> list[str]:
    """Erase everything about a youth; returns the stored names of their media files.

    The case stays as a tombstone without content ("gewist op verzoek" in the inbox), so
    the partnership's counts still add up. The youth row stays as an anonymous stub: a
    returning youth starts afresh.
    """
    return await erase_all(session, [youth], reason, now)


async def erase_all(
    session: AsyncSession, youths: Sequence[Youth], reason: str, now: datetime
) -> list[str]:
    """Erase these youths as `erase` does one: a statement per table for them all."""
    ids = [y.id for y in youths]
    stored = select(Message.media).where(Message.youth_id.in_(ids), Message.media.is_not(None))
    media = [
        str(m["path"]) for m in (await session.execute(stored)).scalars() if m and m.get("path")
    ]
    cases = (
        await session.execute(
            select(Case.id, Case.youth_id, Case.answers)
            .where(Case.youth_id.in_(ids))
            .order_by(Case.id)
        )
    ).all()
    names: dict[int, str] = {}
    for _case_id, youth_id, answers in cases:  # their first case's name, else the intake's
        names[youth_id] = names.get(youth_id) or str((answers or {}).get("name") or "")
    for youth in youths:
        names[youth.id] = names.get(youth.id) or str(
            (youth.state.get("answers") or {}).get("name") or ""
        )
    case_ids = [c.id for c in cases]
    for part in (Note, CaseEvent, CaseProfile, CaseNeed, CaseSignal):
        await session.execute(delete(part).where(part.case_id.in_(case_ids)))
    if case_ids:
        await session.execute(
            update(Case)
            .where(Case.id.in_(case_ids))
            .values(
                municipality=None,
                referral=None,
                age=None,
                six_month_result=None,
                answers={},
                status="closed",
                outcome=ERASED,
                closed_at=func.coalesce(Case.closed_at, now),
                urgent=False,
                flag=None,
                flagged_at=None,
                unread=0,
                last_youth_message_at=None,
                updated_at=now,
            )
            .execution_options(synchronize_session="fetch")
        )
        events = [
            {"case_id": c, "worker_id": None, "kind": "erased", "data": {"reason": reason},
             "created_at": now}
            for c in case_ids
        ]  # fmt: skip
        await session.execute(insert(CaseEvent), events)
    for model in (Message, OutboxJob, CheckIn, Consent, Appointment, SafetyEvent, Booking):
        await session.execute(delete(model).where(model.youth_id.in_(ids)))
    keys = [youth_key(y) for y in youths]
    await session.execute(delete(Inbound).where(Inbound.youth_key.in_(keys)))
    numbers = [y.channel_user_id for y in youths if y.channel == "whatsapp"]
    if numbers:  # early statuses: their wamids hold the number
        await session.execute(delete(ChannelStatus).where(ChannelStatus.recipient.in_(numbers)))
    said = [n for n in names.values() if n]
    if said:  # worker notifications name the youth ("Nieuw bericht van Noor")
        for job in (
            await session.execute(select(OutboxJob).where(OutboxJob.worker_id.is_not(None)))
        ).scalars():
            if any(n in str(job.payload.get("text", "")) for n in said):
                await session.delete(job)
    stubs: list[dict[str, Any]] = [
        {"id": y.id, "channel": ERASED, "channel_user_id": uuid.uuid4().hex, "state": {},
         "lang": "nl", "quiet_hours": None, "checkin_rhythm": None, "paused_until": None,
         "last_automated_at": None, "stopped": True, "unreachable": True, "updated_at": now,
         "erase_requested_at": None}
        for y in youths
    ]  # fmt: skip
    await session.execute(update(Youth), stubs)  # by primary key, one executemany
    for youth in youths:
        session.expire(youth)  # what it held is gone: read again if needed
    return media
