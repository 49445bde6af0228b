"""Channel-neutral events, effects and messages that flows consume and produce."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Literal

from flows.state import State


def N_(msgid: str) -> str:
    """Mark a string for extraction; the adapter translates it later."""
    return msgid


# --- messages -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Labels:
    """A list of msgids, translated one by one and joined with commas."""

    items: tuple[str, ...]


Param = str | int | date | datetime | Labels


@dataclass(frozen=True)
class Msg:
    """One translatable text: a gettext msgid (Dutch source) and its placeholders."""

    msgid: str
    params: Mapping[str, Param] = field(default_factory=dict)
    # A text that is not ours to translate (a partnership's contact text, a summary line
    # built from the youth's own answers) is passed verbatim.
    verbatim: bool = False


def msg(msgid: str, **params: Param) -> Msg:
    return Msg(msgid, params)


def raw(text: str) -> Msg:
    return Msg(text, {}, verbatim=True)


@dataclass(frozen=True)
class Button:
    label: Msg
    data: str  # ≤ 64 bytes: Telegram's callback_data limit
    checked: bool = False  # shown with a tick: a multi-select choice that is on


@dataclass(frozen=True)
class Reply:
    """A message to the youth: one or more paragraphs and optional button rows."""

    parts: tuple[Msg, ...]
    buttons: tuple[tuple[Button, ...], ...] = ()
    # Replace the buttons of the message whose button was just pressed (a multi-select
    # toggle) instead of sending a new message.
    edit: bool = False


# --- events -------------------------------------------------------------------------------

MediaKind = Literal[
    "sticker",
    "photo",
    "voice",
    "video",
    "video_note",
    "document",
    "location",
    "contact",
    "animation",
    "audio",
    "forward",
    "other",
]


@dataclass(frozen=True)
class TextIn:
    text: str


@dataclass(frozen=True)
class ButtonIn:
    data: str


@dataclass(frozen=True)
class CommandIn:
    name: str  # lower case, without the slash
    args: str = ""


@dataclass(frozen=True)
class MediaIn:
    kind: MediaKind
    caption: str = ""
    file_ref: str = ""  # the channel's reference to fetch the file (Telegram file_id)


@dataclass(frozen=True)
class EditedIn:
    text: str


@dataclass(frozen=True)
class BlockedIn:
    """The youth blocked the bot (Telegram my_chat_member 'kicked')."""


@dataclass(frozen=True)
class GroupIn:
    """Something arrived from a group chat: intake happens only in private."""


Event = TextIn | ButtonIn | CommandIn | MediaIn | EditedIn | BlockedIn | GroupIn


# --- effects ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Send:
    reply: Reply


@dataclass(frozen=True)
class SetLanguage:
    lang: str


@dataclass(frozen=True)
class CreateCase:
    partnership_id: str
    answers: Mapping[str, Any]


@dataclass(frozen=True)
class CountUncovered:
    """A demand from a place no partnership covers: counted without anything personal."""

    place: str


@dataclass(frozen=True)
class CountSignpost:
    """A youth outside the age range was signposted elsewhere (counted, nothing personal)."""

    reason: Literal["too_young", "too_old", "no_consent"]


@dataclass(frozen=True)
class RecordConsent:
    kind: str
    version: str
    given: bool


@dataclass(frozen=True)
class SafetyAlert:
    category: str
    phrase_id: str


@dataclass(frozen=True)
class SetStopped:
    stopped: bool


@dataclass(frozen=True)
class SetReminders:
    """The youth turns appointment reminders on or off (/herinneringen)."""

    on: bool


@dataclass(frozen=True)
class SetRhythm:
    """How often the youth wants a check-in: week | 2weeks | month | none."""

    rhythm: str


@dataclass(frozen=True)
class SetPause:
    """/pauze: no automated messages until then (None: the pause ends now)."""

    until: datetime | None


@dataclass(frozen=True)
class CheckinAnswer:
    checkin_id: int
    score: int  # 1 (😞) … 5 (😄)


@dataclass(frozen=True)
class CheckinNote:
    """What the youth added after a check-in answer, for the worker."""

    checkin_id: int
    text: str


@dataclass(frozen=True)
class ExportData:
    """/mijngegevens: the engine gathers everything stored and sends a summary and a file."""


@dataclass(frozen=True)
class Forget:
    """/vergeetmij confirmed: erase everything about the youth once this reply is out."""


@dataclass(frozen=True)
class MarkUnreachable:
    pass


@dataclass(frozen=True)
class AppointmentAnswer:
    """The youth answered an appointment: the engine stores it and tells the worker."""

    appointment_id: int
    answer: Literal["confirmed", "wants_change", "late"]
    dayparts: tuple[str, ...] = ()  # keys of flows.intake_questions.REACH: when would suit better
    reason: str = ""  # why it does not suit, as the youth typed it (may be empty)


@dataclass(frozen=True)
class SixMonthAnswer:
    """The youth answered the six-month question (flows.sixmonths; None: not understood, hinted).

    Either way the message belongs to that question: it does not reopen the closed case.
    """

    case_id: int
    result: str | None  # work | training | looking | other | unknown


@dataclass(frozen=True)
class BookSeat:
    """Book the youth for an offer's session: `seated` is said if they got a seat, else `waiting`.

    Only the database knows, under its lock, whether the last seat is still free.
    """

    session_id: int
    seated: Reply
    waiting: Reply


@dataclass(frozen=True)
class CancelBooking:
    """Cancel the youth's booking; `promoted` goes to the first waiting youth if a seat came free."""

    session_id: int
    promoted: Reply


@dataclass(frozen=True)
class LateForSession:
    """The youth tapped "Ik ben te laat" on a group session's reminder: noted on their seat."""

    session_id: int


Effect = (
    Send
    | BookSeat
    | CancelBooking
    | LateForSession
    | SetLanguage
    | CreateCase
    | CountUncovered
    | CountSignpost
    | RecordConsent
    | SafetyAlert
    | SetStopped
    | MarkUnreachable
    | SetReminders
    | AppointmentAnswer
    | SetRhythm
    | SetPause
    | CheckinAnswer
    | CheckinNote
    | ExportData
    | Forget
    | SixMonthAnswer
)


# --- transitions --------------------------------------------------------------------------


@dataclass(frozen=True)
class Transition:
    """What one step of a flow decides: the youth's next state and the effects, in order."""

    state: State
    effects: tuple[Effect, ...] = ()


def say(*parts: Msg, buttons: tuple[tuple[Button, ...], ...] = (), edit: bool = False) -> Send:
    """Send a reply of these paragraphs (and buttons)."""
    return Send(Reply(tuple(parts), buttons, edit))
