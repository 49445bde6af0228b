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
) -> dict[int, bool]:
    """For each message with buttons (oldest first): are its buttons live now?"""
    found: dict[int, bool] = {}
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
            found[message.id] = message.id == newest_question
    return found


def appointment_live(
    message: Message, appointment: Appointment | None, version: int, now: datetime
) -> bool:
    if appointment is None or appointment.version != version:
        return False
    if now >= appointment.starts_at + timedelta(minutes=appointment.minutes):
        return False
    if appointment.state in WAITING:
        return True
    # A reminder of a confirmed appointment asks again; an answer after it closes it.
    return appointment.state in ANSWERED and appointment.updated_at < message.created_at
