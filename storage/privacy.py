"""Data rights in the database: everything about one youth as a document, and erasing it.

`export` gathers every row that is about the youth (the right of access); `erase` removes
them (the right to erasure, and retention), keeping only what holds nothing personal: a
tombstone of the case (partnership, dates, "gewist") for the counts, and the audit log,
which never holds content. Media files on disk are the caller's: `erase` returns their
stored names.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import (
    Appointment,
    Case,
    CaseEvent,
    CheckIn,
    Consent,
    Inbound,
    Message,
    Note,
    OutboxJob,
    Reminder,
    SafetyEvent,
    Worker,
    Youth,
)

ERASED = "erased"  # Youth.channel of an erased youth; Case.outcome of its case


def youth_key(youth: Youth) -> str:
    """The inbound key of a youth's updates (see bot.incoming)."""
    return f"{youth.channel}:{youth.channel_user_id}"


def when(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


@dataclass(frozen=True)
class Deletion:
    """When the youth's data goes: a date, or a rule while that date is not known yet."""

    at: datetime | None
    rule: str  # unfinished_intake | open_case | closed_case


async def export(
    session: AsyncSession, youth: Youth, deletion: Deletion, now: datetime
) -> dict[str, Any]:
    """Everything stored about a youth, as plain JSON-able data (ids included, for checking)."""
    cases = list(
        (
            await session.execute(select(Case).where(Case.youth_id == youth.id).order_by(Case.id))
        ).scalars()
    )
    case_ids = [c.id for c in cases]
    names = {w.id: w.first_name for w in (await session.execute(select(Worker))).scalars()}

    async def rows(model: Any, *where: Any) -> list[Any]:
        return list(
            (await session.execute(select(model).where(*where).order_by(model.id))).scalars()
        )

    messages = await rows(Message, Message.youth_id == youth.id)
    appointments = await rows(Appointment, Appointment.youth_id == youth.id)
    reminders = await rows(
        Reminder, Reminder.appointment_id.in_([a.id for a in appointments] or [0])
    )
    return {
        "generated_at": now.isoformat(),
        "about_you": {
            "id": youth.id,
            "channel": youth.channel,
            "language": youth.lang,
            "first_contact": when(youth.created_at),
            "last_change": when(youth.updated_at),
            "conversation_state": youth.state,
            "check_in_rhythm": youth.checkin_rhythm,
            "quiet_hours": youth.quiet_hours,
            "paused_until": when(youth.paused_until),
            "stopped": youth.stopped,
            "unreachable": youth.unreachable,
            "appointment_reminders": youth.reminders,
        },
        "cases": [
            {
                "id": c.id,
                "partnership": c.partnership_id,
                "status": c.status,
                "outcome": c.outcome,
                "answers": c.answers,
                "coach": names.get(c.worker_id or 0),
                "urgent": c.urgent,
                "flag": c.flag,
                "created_at": when(c.created_at),
                "closed_at": when(c.closed_at),
                "history": [
                    {
                        "id": e.id,
                        "at": when(e.created_at),
                        "what": e.kind,
                        "data": e.data,
                        "by": names.get(e.worker_id or 0),
                    }
                    for e in await rows(CaseEvent, CaseEvent.case_id == c.id)
                ],
                "notes_by_workers": [
                    {
                        "id": n.id,
                        "at": when(n.created_at),
                        "by": names.get(n.worker_id),
                        "text": n.text,
                    }
                    for n in await rows(Note, Note.case_id == c.id)
                ],
            }
            for c in cases
        ],
        "messages": [
            {
                "id": m.id,
                "at": when(m.created_at),
                "from": m.author,
                "text": m.text,
                "attachment": (m.media or {}).get("kind"),
                "delivery": m.delivery,
            }
            for m in messages
        ],
        "appointments": [
            {
                "id": a.id,
                "case": a.case_id,
                "starts_at": when(a.starts_at),
                "minutes": a.minutes,
                "place": a.place,
                "kind": a.kind,
                "note": a.note,
                "state": a.state,
                "late": a.late,
                "your_wish": a.wish,
                "with": names.get(a.worker_id),
                "reminders": [
                    {"id": r.id, "due_at": when(r.due_at), "status": r.status}
                    for r in reminders
                    if r.appointment_id == a.id
                ],
            }
            for a in appointments
        ],
        "check_ins": [
            {
                "id": c.id,
                "kind": c.kind,
                "status": c.status,
                "due_at": when(c.due_at),
                "sent_at": when(c.sent_at),
                "answered_at": when(c.answered_at),
                "score": c.score,
                "note": c.note,
            }
            for c in await rows(CheckIn, CheckIn.youth_id == youth.id)
        ],
        "consents": [
            {
                "id": c.id,
                "kind": c.kind,
                "text_version": c.version,
                "given": c.given,
                "channel": c.channel,
                "at": when(c.created_at),
            }
            for c in await rows(Consent, Consent.youth_id == youth.id)
        ],
        "safety_messages": [
            {"id": s.id, "at": when(s.created_at), "kind": s.category}
            for s in await rows(SafetyEvent, SafetyEvent.youth_id == youth.id)
        ],
        "still_to_send": [
            {"id": j.id, "kind": j.kind, "status": j.status}
            for j in await rows(
                OutboxJob, OutboxJob.youth_id == youth.id, OutboxJob.status != "sent"
            )
        ],
        "deleted": {"on": when(deletion.at), "rule": deletion.rule},
        "case_ids": case_ids,
    }


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
        case.answers, case.status, case.outcome = {}, "closed", ERASED
        case.closed_at = case.closed_at or now
        case.urgent, case.flag, case.flagged_at, case.unread = False, None, None, 0
        case.last_youth_message_at, case.updated_at = None, now
        session.add(CaseEvent(case_id=case.id, worker_id=None, kind="erased",
                              data={"reason": reason}, created_at=now))  # fmt: skip
    name = name or str((youth.state.get("answers") or {}).get("name") or "")
    for model in (Message, OutboxJob, CheckIn, Consent, Appointment, SafetyEvent):
        await session.execute(delete(model).where(model.youth_id == youth.id))
    await session.execute(delete(Inbound).where(Inbound.youth_key == youth_key(youth)))
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
