"""The `cases` tag: the queue, a case with its timeline, and what a worker does on a case."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field
from pydantic_core import PydanticCustomError

from flows.checkins import RHYTHMS
from inbox.schemas.base import Id, Moment, OneOf, Request, Response, bounded
from inbox.schemas.team import Worker
from inbox.service import Promise
from storage.casework import FLAGS, OUTCOMES, STATUSES
from storage.timeline import CURSOR, MAX_PAGE

RHYTHM_KEYS = tuple(key for key, _ in RHYTHMS)
RFC3339 = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt ][0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,9})?([Zz]|[+-][0-9]{2}:[0-9]{2})"
)


def since(raw: object) -> datetime:
    """An RFC 3339 date-time with an offset (a 'Z' or +01:00), as UTC."""
    try:
        if not isinstance(raw, str) or not RFC3339.fullmatch(raw):
            raise ValueError(raw)
        return datetime.fromisoformat(raw).astimezone(UTC)
    except (ValueError, OverflowError):
        raise PydanticCustomError(
            "refused", "moet een tijdstip zijn zoals 2026-11-20T14:00:00Z."
        ) from None


Since = Annotated[datetime, BeforeValidator(since)]  # the timeline's `after`
# The timeline's `before`: a cursor as the `Link` header gave it (storage.timeline.Cursor).
TimelineCursor = Annotated[str, bounded(40, 1, pattern=f"^{CURSOR.pattern}$")]
TimelineLimit = Annotated[int, Field(ge=1, le=MAX_PAGE)]

# --- what a worker sends ------------------------------------------------------------------------


class Reply(Request):
    text: Annotated[str, bounded(4000, 1)] = Field(description="The message to the youth.")
    ref: Annotated[str, bounded(64, 1)] | None = Field(
        None, description="A one-time reference: a repeated request is sent once."
    )


class Note(Request):
    text: Annotated[str, bounded(10_000, 1)] = Field(description="Private to the team.")


class Status(Request):
    status: Annotated[str, OneOf(STATUSES)]
    outcome: Annotated[str, OneOf(OUTCOMES)] | None = Field(
        None, description="Required when the status is `closed`."
    )


class Assign(Request):
    worker_id: Id = Field(description="A colleague in the same partnership.")


class ClearSignal(Request):
    clear: Literal["urgent", "flag"] = Field(
        description="urgent: followed up (opgevolgd); flag: seen (gezien)."
    )
    note: Annotated[str, bounded(500)] = Field(
        "", description="What was done; needed to clear 'urgent', kept on the timeline."
    )


class SetCheckins(Request):
    rhythm: Annotated[str, OneOf(RHYTHM_KEYS)] = Field(
        description="How often the youth gets a check-in."
    )
    quiet_hours: Annotated[str, bounded(16)] | None = Field(
        description="The youth's own quiet hours, like 22:00-07:00; null or empty: the "
        "partnership's."
    )


# --- what the API answers -----------------------------------------------------------------------


def number_or_none(value: object) -> object:
    """An age from the intake answers is a number or unknown (never true or "19")."""
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def strings(values: Any) -> list[str]:
    return [str(v) for v in values]


class CaseSummary(Response):
    id: int
    partnership_id: str
    status: Annotated[str, OneOf(STATUSES)]
    name: str
    age: Annotated[int | None, BeforeValidator(number_or_none)]
    municipality: str
    language: str
    channel: str
    needs: Annotated[list[str], BeforeValidator(strings)]
    worker_id: int | None
    worker_name: str
    unread: int
    urgent: bool
    created_at: Moment
    last_youth_message_at: Moment | None
    flag: Annotated[str, OneOf(FLAGS)] | None = Field(
        description="aandacht: a low check-in; uit_beeld: no word for a long time; terug: the "
        "youth wrote again after the case was closed (it reopened)."
    )
    paused_until: Moment | None = Field(
        description="The youth paused automated messages until then (may be past)."
    )
    stopped: bool = Field(description="The youth chose /stop.")
    unreachable: bool = Field(description="The youth blocked the bot.")


class LowScore(Response):
    case: CaseSummary
    score: int = Field(ge=1, le=5)
    answered_at: Moment


class QueuedCase(Response):
    case: CaseSummary
    waiting_since: Moment
    promise: Promise = Field(
        description="Waiting time against the first-response promise; urgent_hour / "
        "urgent_late: a crisis case, answered within the hour (of working time)."
    )
    deadline: Moment


class QueueTotals(Response):
    waiting: int = Field(default=0, description="Waiting cases, with the filters.")
    mine: int = Field(default=0, description="My open cases (and those I cover), filtered.")
    team: int = Field(default=0, description="Coordinators: the open cases, filtered.")


# The queue's query: a page of each list after `cursor`, narrowed by the filters.
Cursor = Annotated[str, bounded(2000, pattern=r"^[A-Za-z0-9_-]*$")]
Limit = Annotated[int, Field(ge=1, le=100)]
SearchText = Annotated[str, bounded(120)]
QueueStatus = Literal["waiting", "active", "paused"]
QueueFlag = Literal["dringend", "aandacht", "uit_beeld", "terug"]
QueuePromise = Literal["late", "almost_late"]
Channel = Literal["telegram", "whatsapp", "web"]
Language = Literal["nl", "en", "fr"]


class Queue(Response):
    waiting: list[QueuedCase] = Field(
        description="Nobody took these yet; urgent first, then oldest first. One page."
    )
    mine: list[CaseSummary] = Field(description="Mine, and those I cover for. One page.")
    team: list[CaseSummary] = Field(description="Coordinators: the open cases. One page.")
    totals: QueueTotals = Field(description="How many each whole list holds, with the filters.")
    next: str | None = Field(
        default=None,
        description="Give as cursor for the next page of every list not yet read to the end; "
        "null: this was the last page.",
    )
    unread: int = Field(description="Youth messages not yet read on my open cases.")
    low: list[LowScore] = Field(
        description="A low check-in answer in the last 7 days: my cases (coordinators: the "
        "partnership's); the newest per case."
    )


class TimelineItem(Response):
    kind: Literal["message", "note", "event"]
    id: int
    at: Moment
    author: Literal["youth", "bot", "worker", "system"]
    text: str
    worker_name: str
    delivery: str
    data: dict[str, Any] | None


class CheckinAnswer(Response):
    id: int
    sent_at: Moment
    score: int | None = Field(ge=1, le=5, description="1 (😞) to 5 (😄); null: no answer.")
    note: str = Field(description="What the youth added.")
    answered_at: Moment | None


def known_rhythm(value: object) -> object:
    return value if value in RHYTHM_KEYS else None


class Checkins(Response):
    rhythm: Annotated[Annotated[str, OneOf(RHYTHM_KEYS)] | None, BeforeValidator(known_rhythm)] = (
        Field(description="null: the youth never chose.")
    )
    quiet_hours: str | None = Field(
        description="The youth's own, like 22:00-10:00; null: the partnership's."
    )
    default_quiet_hours: str = Field(description="The partnership's quiet hours.")
    answers: list[CheckinAnswer] = Field(description="Newest first.")


NO_CHECKINS: dict[str, object] = {
    "rhythm": None,
    "quiet_hours": None,
    "default_quiet_hours": "",
    "answers": [],
}


def checkins_or_none(value: object) -> object:
    return NO_CHECKINS if value is None else value


class Suggestion(Response):
    worker_id: int
    score: float = Field(ge=0, le=1)
    reasons: list[str]


class Case(Response):
    case: CaseSummary
    answers: dict[str, Any] = Field(description="The intake answers.")
    timeline: list[TimelineItem] = Field(description="The newest 50 items, oldest first.")
    timeline_older: str | None = Field(
        description="The cursor for the items before these (`getTimeline?before=`); "
        "null: the timeline starts here."
    )
    colleagues: list[Worker]
    suggestions: list[Suggestion]
    quick_replies: list[str]
    answering: Worker | None
    promise: Promise | None
    checkins: Annotated[Checkins, BeforeValidator(checkins_or_none)]


class AuditEntry(Response):
    at: Moment
    action: str
    worker: str
