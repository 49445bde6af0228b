"""Which bot messages still have buttons that mean something (the web chat greys the rest).

An appointment's answer buttons stay live until it is confirmed or answered, moved,
cancelled or over, whatever came after them; a group offer's buttons ("Ik kom", "Toch niet")
always (a session that is full, cancelled or over gets the flows' kind answer); every other
question's buttons only on the newest such question, until the youth moved past it by writing. Telegram keeps every
keyboard; a press on a dead one gets the flows' kind answer there.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from flows.appointments import read_press
from flows.offers import BUTTONS as OFFER
from storage.models import Appointment, Message

ANSWERED = ("confirmed",)
WAITING = ("proposed", "wants_change")
LIVE = (
    ""  # the buttons work; otherwise why they do not: answered | moved | cancelled | over | older
)


def appointment_of(rows: list[list[dict[str, Any]]]) -> tuple[int, int] | None:
    """The (appointment id, version) that an appointment's answer buttons refer to, if any."""
    for row in rows:
        for button in row:
            press = read_press(str(button.get("data", "")))
            if press is not None and press.kind == "appt" and press.version is not None:
                return press.appointment_id, press.version
    return None


def is_offer(rows: list[list[dict[str, Any]]]) -> bool:
    """Whether these are a group offer's buttons: each session's own, live on every list."""
    return any(str(b.get("data", "")).startswith(OFFER) for row in rows for b in row)


def newest_question(messages: list[Message]) -> int | None:
    """The newest message with buttons that are not an appointment's or an offer's (oldest
    first given)."""
    questions = [
        m.id for m in messages if appointment_of(rows_of(m)) is None and not is_offer(rows_of(m))
    ]
    return questions[-1] if questions else None


def passed_by(after: list[Message]) -> bool:
    """Whether the youth moved past a question: they wrote or tapped (not a /command), and
    got an answer. A multi-select tick writes nothing, so its question stays live."""
    wrote = False
    for message in after:
        if message.direction == "in" and not message.text.startswith("/"):
            wrote = True
        elif message.direction == "out" and wrote:
            return True
    return False


def liveness(
    messages: list[Message], appointments: dict[int, Appointment], now: datetime, *,
    passed: bool = False,
) -> dict[int, str]:  # fmt: skip
    """For each message with buttons (oldest first): LIVE, or why its buttons are dead.

    `passed`: the newest question was answered another way (see `passed_by`)."""
    newest = None if passed else newest_question(messages)
    found: dict[int, str] = {}
    for message in messages:
        target = appointment_of(rows_of(message))
        if is_offer(rows_of(message)):
            found[message.id] = LIVE
        elif target is None:
            found[message.id] = LIVE if message.id == newest else "older"
        else:
            found[message.id] = appointment_live(
                message, appointments.get(target[0]), target[1], now
            )
    return found


def rows_of(message: Message) -> list[list[dict[str, Any]]]:
    return list((message.buttons or {}).get("rows", []))


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
