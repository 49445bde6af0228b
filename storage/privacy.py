"""Data rights in the database: erasing everything about one youth, and when it goes.

(`storage.export` gathers every row about the youth, the right of access.) `erase` removes
them (the right to erasure, and retention), keeping only what holds nothing personal: a
tombstone of the case (partnership, dates, "gewist") for the counts, and the audit log,
which never holds content. Media files on disk are the caller's: `erase` returns their
stored names.
"""

from __future__ import annotations

import uuid
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
    media = [
        str(m.media["path"])
        for m in (
            await session.execute(select(Message).where(Message.youth_id == youth.id))
        ).scalars()
        if m.media and m.media.get("path")
    ]
    name = ""
    cases = list((await session.execute(select(Case).where(Case.youth_id == youth.id))).scalars())
    for case in cases:
        name = name or str((case.answers or {}).get("name") or "")
        await session.execute(delete(Note).where(Note.case_id == case.id))
        await session.execute(delete(CaseEvent).where(CaseEvent.case_id == case.id))
        for part in (CaseProfile, CaseNeed, CaseSignal):
            await session.execute(delete(part).where(part.case_id == case.id))
        case.municipality = case.referral = case.age = case.six_month_result = None
        case.answers, case.status, case.outcome = {}, "closed", ERASED
        case.closed_at = case.closed_at or now
        case.urgent, case.flag, case.flagged_at, case.unread = False, None, None, 0
        case.last_youth_message_at, case.updated_at = None, now
        session.add(CaseEvent(case_id=case.id, worker_id=None, kind="erased",
                              data={"reason": reason}, created_at=now))  # fmt: skip
    name = name or str((youth.state.get("answers") or {}).get("name") or "")
    for model in (Message, OutboxJob, CheckIn, Consent, Appointment, SafetyEvent, Booking):
        await session.execute(delete(model).where(model.youth_id == youth.id))
    await session.execute(delete(Inbound).where(Inbound.youth_key == youth_key(youth)))
    if youth.channel == "whatsapp":  # early statuses: their wamids hold the number
        await session.execute(
            delete(ChannelStatus).where(ChannelStatus.recipient == youth.channel_user_id)
        )
    if name:  # worker notifications name the youth ("Nieuw bericht van Noor")
        for job in (
            await session.execute(select(OutboxJob).where(OutboxJob.worker_id.is_not(None)))
        ).scalars():
            if name in str(job.payload.get("text", "")):
                await session.delete(job)
    youth.channel, youth.channel_user_id = ERASED, uuid.uuid4().hex
    youth.state, youth.lang, youth.quiet_hours, youth.checkin_rhythm = {}, "nl", None, None
    youth.paused_until = youth.last_automated_at = None
    youth.stopped, youth.unreachable, youth.updated_at = True, True, now
    youth.erase_requested_at = None
    return media
