"""Which bot messages still have buttons that mean something (the web chat greys the rest).

An appointment's answer buttons stay live until it is confirmed or answered, moved,
cancelled or over; every other question's buttons only on the newest such question. Telegram
keeps every keyboard; a press on a dead one gets the flows' kind answer there.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from storage.models import Appointment, Message

ANSWERED = ("confirmed",)
WAITING = ("proposed", "wants_change")
LIVE = (
    ""  # the buttons work; otherwise why they do not: answered | moved | cancelled | over | older
)


def appointment_of(rows: list[list[dict[str, Any]]]) -> tuple[int, int] | None:
    """The (appointment id, version) that appt:… answer buttons refer to, if any."""
    for row in rows:
        for button in row:
            head, _, rest = str(button.get("data", "")).partition(":")
            fields = rest.split(":")
            if head == "appt" and len(fields) == 3 and fields[1].isdigit() and fields[2].isdigit():
                return int(fields[1]), int(fields[2])
    return None


def liveness(
    messages: list[Message], appointments: dict[int, Appointment], now: datetime
) -> dict[int, str]:
    """For each message with buttons (oldest first): LIVE, or why its buttons are dead."""
    found: dict[int, str] = {}
    newest_question = None
    for message in messages:
        rows = (message.buttons or {}).get("rows", [])
        target = appointment_of(rows)
        if target is None:
            newest_question = message.id
            continue
        found[message.id] = appointment_live(message, appointments.get(target[0]), target[1], now)
    for message in messages:
        if message.id not in found:
            found[message.id] = LIVE if message.id == newest_question else "older"
    return found


def appointment_live(
    message: Message, appointment: Appointment | None, version: int, now: datetime
) -> str:
    if appointment is None or appointment.state == "cancelled":
        return "cancelled"
    if appointment.version != version:
        return "moved"
    if appointment.state in ("done", "no_show") or now >= appointment.starts_at + timedelta(
        minutes=appointment.minutes
    ):
        return "over"
    if appointment.state in WAITING:
        return LIVE
    # A reminder of a confirmed appointment asks again; an answer after it closes it.
    if appointment.state in ANSWERED and appointment.updated_at < message.created_at:
        return LIVE
    return "answered"
