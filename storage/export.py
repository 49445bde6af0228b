"""The /mijngegevens file: everything stored about one youth, in the documented export format.

The format is "instap-export", version 1, described field by field in docs/export-format.md.
Field names are plain English words and stay the same whatever language the youth chose
(the file is the machine-readable copy; the chat summary is the plain-Dutch one). Internal
codes are translated into plain facts, but nothing stored about the youth is left out: every
row about them appears with its id, and the conversation state as "where you are" facts.
Change a field's name or meaning only with a new version, recorded in that document.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from flows.state import State
from storage.export_offers import group_invitations, group_missed, group_sessions
from storage.export_report import for_the_report
from storage.export_words import plain, when
from storage.models import (
    Appointment,
    AuditEntry,
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
from storage.privacy import Deletion, youth_key

FORMAT, VERSION = "instap-export", 1

CHAT_APPS = {"telegram": "Telegram", "whatsapp": "WhatsApp", "web": "web chat"}
RHYTHMS = {
    "week": "every week",
    "2weeks": "every two weeks",
    "month": "every month",
    "none": "no check-ins",
}
REGISTRATION_STATUS = {
    "waiting": "waiting for a coach",
    "active": "with a coach",
    "paused": "paused",
    "closed": "closed",
}
OUTCOMES = {
    "work": "found work",
    "training": "started a training",
    "other_help": "helped elsewhere",
    "no_contact": "no contact",
    "moved": "moved away",
    "other": "other",
    "erased": "erased",
}
FLAGS = {"aandacht": "needs attention", "uit_beeld": "out of view"}
APPOINTMENT_STATUS = {
    "proposed": "proposed",
    "confirmed": "you said you come",
    "wants_change": "you asked to move it",
    "cancelled": "cancelled",
    "done": "took place",
    "no_show": "you did not come",
}
CHECK_IN_KINDS = {"checkin": "check-in", "recontact": "message after a long silence"}
CONSENT_ABOUT = {"intake": "keeping and sharing your registration", "checkins": "check-ins"}
DELIVERY = {
    "received": "received",
    "pending": "waiting to be sent",
    "sending": "being sent",
    "sent": "sent",
    "failed": "could not be delivered",
}
DELETION_RULES = {
    "unfinished_intake": "a while after an unfinished registration",
    "open_case": "not while your registration is open",
    "closed_case": "a while after your registration was closed",
}
HAPPENED = {
    "claimed": "a coach took your registration",
    "assigned": "a coach was chosen for you",
    "auto_assigned": "a coach was chosen for you",
    "requeued": "back in the queue",
    "status": "status changed",
    "flag": "marking changed",
    "urgent": "urgency changed",
    "reopened": "opened again after you wrote",
    "appointment": "appointment",
    "rhythm": "check-in rhythm changed",
    "stopped": "you stopped the messages",
    "restarted": "you started again",
    "paused": "you paused",
    "unpaused": "pause ended",
    "erased": "erased",
    "six_month": "you told us how you are doing, half a year later",
    "profile": "your details for the report changed",
}
# Your answer half a year after closing (flows.sixmonths), in plain words.
SIX_MONTHS_LATER = {
    "work": "working",
    "training": "in education or training",
    "looking": "still looking",
    "other": "something else",
    "unknown": "rather not say",
}
AUDITED = {
    "view_case": "looked at your file",
    "view_audit": "looked at who looked at your file",
    "view_media": "opened a voice message, photo or file you sent",
    "view_appointments": "looked at your appointments",
    "claim": "took your registration",
    "assign": "chose a coach for you",
    "reply": "sent you a message",
    "note": "wrote a note",
    "status_waiting": "put your registration back in the queue",
    "status_active": "set your registration to active",
    "status_paused": "paused your registration",
    "status_closed": "closed your registration",
    "clear_urgent": "followed up an urgent message",
    "clear_flag": "removed a marking",
    "checkins": "changed your check-ins",
    "appointment_new": "planned an appointment",
    "profile": "changed your details for the report",
    "view_profile": "looked at your details for the report",
    "export": "downloaded your data",
    "export_by_youth": "you asked for your data (/mijngegevens)",
    "erase_requested": "you asked to erase everything (/vergeetmij)",
}
SENT_KINDS = {
    "message": "message",
    "edit": "changed message",
    "document": "file",
    "callback_answer": "answer to a button you pressed",
    "fetch_media": "fetching your voice message, photo or file",
}
STEPS = {
    "new": "not started",
    "name": "registering: your name",
    "age": "registering: your age",
    "place": "registering: where you live",
    "place_confirm": "registering: where you live",
    "needs": "registering: what you want help with",
    "needs_text": "registering: what you want help with",
    "referral": "registering: how you found us",
    "consent": "registering: your permission",
    "reach": "registering: when we can reach you",
    "summary": "registering: checking it all",
    "edit_pick": "registering: changing an answer",
    "resume_ask": "registering: paused",
    "done": "registered",
    "ended": "sent to another service",
}


def message_kind(message: Message) -> str:
    """What the youth would call this message: typed, a button, a command, a voice message…"""
    if message.media:
        return str(message.media.get("kind") or "file")
    if message.author == "youth" and message.text.startswith("▸ "):
        return "button"
    if message.author == "youth" and message.text.startswith("/"):
        return "command"
    return "text"


def sender(message: Message) -> str:
    return {"youth": "you", "worker": "coach"}.get(message.author, "instap")


def youth_sent(message: dict[str, Any]) -> bool:
    """A message the youth would count as theirs: typed or recorded, not a tap or command."""
    return message["from"] == "you" and message["kind"] not in ("button", "command")


def answers(data: Mapping[str, Any], partnerships: Mapping[str, str]) -> dict[str, Any]:
    """The registration answers in plain words (an unknown key is kept as it is)."""
    known = {
        "name": "name",
        "age": "age",
        "municipality": "municipality",
        "place_via": "place_as_you_typed_it",
        "needs": "help_with",
        "needs_text": "help_with_in_your_words",
        "referral": "how_you_found_us",
        "consent": "you_agreed_to_share",
        "reach": "when_we_can_reach_you",
        "entry_point": "poster_or_link_you_came_through",
    }
    out: dict[str, Any] = {}
    for key, value in data.items():
        if key == "partnership_id":
            out["partnership"] = partnerships.get(value, value) if value else None
        else:
            out[known.get(key, key)] = list(value) if isinstance(value, tuple) else value
    return out


PROFILE = {"first_name": "first_name", "last_name": "last_name", "username": "username",
           "language_code": "language_setting"}  # fmt: skip


def profile(deliveries: list[Inbound]) -> dict[str, list[str]]:
    """What the chat app told us about you with each delivery (Telegram sends your profile
    name, username and language along; the web chat sends nothing of the kind)."""
    seen: dict[str, list[str]] = {name: [] for name in PROFILE.values()}
    for row in deliveries:
        update = row.payload if row.source == "telegram" else {}
        for part in ("message", "edited_message", "callback_query", "my_chat_member"):
            sender = (update.get(part) or {}).get("from")
            if isinstance(sender, dict):
                for key, name in PROFILE.items():
                    value = sender.get(key)
                    if value and str(value) not in seen[name]:
                        seen[name].append(str(value))
    return seen


def as_sent(payload: Mapping[str, Any]) -> dict[str, Any]:
    """What went to the chat app, as it went; a file is named, not repeated (it is an
    earlier copy of this file or an appointment for your calendar, both in here already)."""
    out = dict(payload)
    if isinstance(out.get("content"), str):
        out["content"] = f"(the file {out.get('filename', '')}: {len(out['content'])} characters)"
    return out


def chat(state: State, partnerships: Mapping[str, str]) -> dict[str, Any]:
    """What the chat remembers between two messages, as plain facts."""
    where = plain(STEPS, state.resume_step if state.step == "resume_ask" else state.step)
    return {
        "where_you_are": f"{where} (changing an answer)" if state.editing else where,
        "answers_so_far": answers(state.to_json()["answers"], partnerships),
        "places_to_choose_from": [c.municipality for c in state.candidates],
        "you_said_stop": state.stopped,
        "last_automatic_reply_at": state.auto_reply_at or None,
        "appointment_you_are_moving": state.appt_change or None,
        "times_you_chose_for_it": list(state.appt_dayparts),
        "check_in_waiting_for_your_note": state.checkin_note or None,
    }


async def export(
    session: AsyncSession,
    youth: Youth,
    deletion: Deletion,
    now: datetime,
    partnerships: Mapping[str, str],
) -> dict[str, Any]:
    """Everything stored about a youth, in export format version 1 (see module docstring)."""
    names = {w.id: w.first_name for w in (await session.execute(select(Worker))).scalars()}

    async def rows(model: Any, *where: Any) -> list[Any]:
        return list(
            (await session.execute(select(model).where(*where).order_by(model.id))).scalars()
        )

    cases = await rows(Case, Case.youth_id == youth.id)
    appointments = await rows(Appointment, Appointment.youth_id == youth.id)
    reminders = await rows(
        Reminder, Reminder.appointment_id.in_([a.id for a in appointments] or [0])
    )
    deliveries = await rows(Inbound, Inbound.youth_key == youth_key(youth))
    audited = await rows(AuditEntry, AuditEntry.case_id.in_([c.id for c in cases] or [0]))
    return {
        "format": FORMAT,
        "version": VERSION,
        "made_at": now.isoformat(),
        "you": {
            "id": youth.id,
            "chat_app": plain(CHAT_APPS, youth.channel),
            **({"phone_number": youth.channel_user_id} if youth.channel == "whatsapp" else {}),
            "language": youth.lang,
            "first_contact": when(youth.created_at),
            "last_change": when(youth.updated_at),
            "check_ins": plain(RHYTHMS, youth.checkin_rhythm),
            "quiet_hours": youth.quiet_hours,
            "paused_until": when(youth.paused_until),
            "last_check_in_or_follow_up_at": when(youth.last_automated_at),
            "you_stopped_messages": youth.stopped,
            "we_cannot_reach_you": youth.unreachable,
            "appointment_reminders": youth.reminders,
            "you_asked_to_erase_at": when(youth.erase_requested_at),
        },
        "chat": chat(State.from_json(youth.state), partnerships),
        "registrations": [
            {
                "id": c.id,
                "partnership": partnerships.get(c.partnership_id, c.partnership_id),
                "started_at": when(c.created_at),
                "status": plain(REGISTRATION_STATUS, c.status),
                "outcome": plain(OUTCOMES, c.outcome),
                "closed_at": when(c.closed_at),
                "half_a_year_later_asked_at": when(c.six_month_asked_at),
                "half_a_year_later": plain(SIX_MONTHS_LATER, c.six_month_result),
                "half_a_year_later_answered_at": when(c.six_month_answered_at),
                "coach": names.get(c.worker_id or 0),
                "coach_since": when(c.claimed_at),
                "urgent": c.urgent,
                "marked": plain(FLAGS, c.flag),
                "marked_at": when(c.flagged_at),
                "messages_your_coach_has_not_read": c.unread,
                "your_last_message_at": when(c.last_youth_message_at),
                "last_change": when(c.updated_at),
                "your_answers": answers(c.answers or {}, partnerships),
                **await for_the_report(session, c.id, names),
                "history": [
                    {
                        "id": e.id,
                        "at": when(e.created_at),
                        "what": plain(HAPPENED, e.kind),
                        "by": names.get(e.worker_id or 0),
                        "details": e.data,
                    }
                    for e in await rows(CaseEvent, CaseEvent.case_id == c.id)
                ],
                "notes_by_coaches": [
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
                "from": sender(m),
                "coach": names.get(m.worker_id or 0) if m.author == "worker" else None,
                "kind": message_kind(m),
                "text": m.text,
                "status": plain(DELIVERY, m.delivery),
            }
            for m in await rows(Message, Message.youth_id == youth.id)
        ],
        "appointments": [
            {
                "id": a.id,
                "registration": a.case_id,
                "starts_at": when(a.starts_at),
                "minutes": a.minutes,
                "place": a.place,
                "kind": a.kind,
                "note": a.note,
                "status": plain(APPOINTMENT_STATUS, a.state),
                "you_said_you_are_late": a.late,
                "what_you_asked_for": a.wish or None,
                "with": names.get(a.worker_id),
                "times_moved": a.version - 1,
                "made_at": when(a.created_at),
                "last_change": when(a.updated_at),
                "reminders": [
                    {
                        "id": r.id,
                        "due_at": when(r.due_at),
                        "status": r.status,
                        "sent_at": when(r.sent_at),
                    }
                    for r in reminders
                    if r.appointment_id == a.id
                ],
            }
            for a in appointments
        ],
        "group_sessions": await group_sessions(session, youth.id),
        "group_invitations": await group_invitations(session, youth.id),
        "we_missed_you": await group_missed(session, youth.id),
        "check_ins": [
            {
                "id": c.id,
                "kind": plain(CHECK_IN_KINDS, c.kind),
                "status": c.status,
                "planned_for": when(c.due_at),
                "sent_at": when(c.sent_at),
                "answered_at": when(c.answered_at),
                "how_you_felt": c.score,
                "your_note": c.note,
                "why_not_sent": c.reason,
            }
            for c in await rows(CheckIn, CheckIn.youth_id == youth.id)
        ],
        "permissions": [
            {
                "id": c.id,
                "about": plain(CONSENT_ABOUT, c.kind),
                "text_version": c.version,
                "you_said_yes": c.given,
                "chat_app": plain(CHAT_APPS, c.channel),
                "at": when(c.created_at),
            }
            for c in await rows(Consent, Consent.youth_id == youth.id)
        ],
        "crisis_messages": [
            {
                "id": s.id,
                "at": when(s.created_at),
                "about": s.category,
                "matched_phrase": s.phrase_id,
            }
            for s in await rows(SafetyEvent, SafetyEvent.youth_id == youth.id)
        ],
        "still_to_send": [
            {
                "id": j.id,
                "what": j.kind,
                "status": plain(DELIVERY, j.status),
                "not_before": when(j.not_before),
            }
            for j in await rows(
                OutboxJob, OutboxJob.youth_id == youth.id, OutboxJob.status != "sent"
            )
        ],
        "sent_to_you": [
            {
                "id": j.id,
                "what": plain(SENT_KINDS, j.kind),
                "status": plain(DELIVERY, j.status),
                "made_at": when(j.created_at),
                "sent_at": when(j.sent_at),
                "message": j.message_id,
                "exactly_as_sent": as_sent(j.payload),
            }
            for j in await rows(OutboxJob, OutboxJob.youth_id == youth.id)
        ],
        "who_looked_at_your_file": [
            {
                "id": a.id,
                "at": when(a.at),
                "registration": a.case_id,
                "who": names.get(a.worker_id or 0),
                "what": plain(AUDITED, a.action),
            }
            for a in audited
        ],
        "from_your_chat_app": {
            "profile": profile(deliveries),
            "deliveries": [
                {
                    "id": d.id,
                    "received_at": when(d.received_at),
                    "handled_at": when(d.processed_at),
                    "status": d.status,
                }
                for d in deliveries
            ],
        },
        "erasure": {"on": when(deletion.at), "rule": plain(DELETION_RULES, deletion.rule)},
    }
