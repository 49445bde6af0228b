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

from sqlalchemy import delete, select
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
    """Erase these youths as `erase` does one, a statement per table for them all."""
    ids = [y.id for y in youths]
    stored = select(Message.media).where(Message.youth_id.in_(ids), Message.media.is_not(None))
    media = [
        str(m["path"]) for m in (await session.execute(stored)).scalars() if m and m.get("path")
    ]
    cases = list((await session.execute(select(Case).where(Case.youth_id.in_(ids)))).scalars())
    names: dict[int, str] = {}
    for case in sorted(cases, key=lambda c: c.id):  # their first case's name, else the intake's
        names[case.youth_id] = names.get(case.youth_id) or str(
            (case.answers or {}).get("name") or ""
        )
    for youth in youths:
        names[youth.id] = names.get(youth.id) or str(
            (youth.state.get("answers") or {}).get("name") or ""
        )
    case_ids = [c.id for c in cases]
    for part in (Note, CaseEvent, CaseProfile, CaseNeed, CaseSignal):
        await session.execute(delete(part).where(part.case_id.in_(case_ids)))
    for case in cases:
        case.municipality = case.referral = case.age = case.six_month_result = None
        case.answers, case.status, case.outcome = {}, "closed", ERASED
        case.closed_at = case.closed_at or now
        case.urgent, case.flag, case.flagged_at, case.unread = False, None, None, 0
        case.last_youth_message_at, case.updated_at = None, now
        session.add(CaseEvent(case_id=case.id, worker_id=None, kind="erased",
                              data={"reason": reason}, created_at=now))  # fmt: skip
    for model in (Message, OutboxJob, CheckIn, Consent, Appointment, SafetyEvent, Booking):
        await session.execute(delete(model).where(model.youth_id.in_(ids)))
    await session.execute(
        delete(Inbound).where(Inbound.youth_key.in_([youth_key(y) for y in youths]))
    )
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
    for youth in youths:
        youth.channel, youth.channel_user_id = ERASED, uuid.uuid4().hex
        youth.state, youth.lang, youth.quiet_hours, youth.checkin_rhythm = {}, "nl", None, None
        youth.paused_until = youth.last_automated_at = None
        youth.stopped, youth.unreachable, youth.updated_at = True, True, now
        youth.erase_requested_at = None
    return media
