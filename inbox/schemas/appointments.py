"""The `appointments` tag: appointments with a youth, and a worker's day."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal, Self

from pydantic import BeforeValidator, Field
from pydantic_core import PydanticCustomError

from flows.appointments import KINDS, MINUTES_MAX, NOTE_MAX, PLACE_MAX, STATES
from inbox.appointments import DayItem
from inbox.schemas.base import WHOLE, Id, Moment, OneOf, Request, Response, bounded

KIND_KEYS = tuple(key for key, _ in KINDS)
DATE_PATTERN = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
TIME_PATTERN = r"^([01][0-9]|2[0-3]):[0-5][0-9]$"


def local_day(raw: object) -> date:
    """A local date from the query (YYYY-MM-DD)."""
    try:
        if not isinstance(raw, str) or len(raw) != 10:
            raise ValueError(raw)
        return date.fromisoformat(raw)
    except ValueError:
        raise PydanticCustomError("refused", "moet een datum zijn zoals 2026-11-20.") from None


Day = Annotated[date, BeforeValidator(local_day)]  # the agenda's `day`

# --- what a worker sends ------------------------------------------------------------------------

LocalDate = Annotated[str, bounded(10, pattern=DATE_PATTERN)]
LocalTime = Annotated[str, bounded(5, pattern=TIME_PATTERN)]


class NewAppointment(Request):
    date: LocalDate = Field(description="Local date (Europe/Brussels).")
    time: LocalTime = Field(description="Local time, HH:MM (24 h).")
    minutes: Annotated[int, Field(ge=1, le=MINUTES_MAX), WHOLE] = Field(
        description="How long it lasts."
    )
    place: Annotated[str, bounded(PLACE_MAX, 1)] = Field(
        description="A location, an address, a phone call or a video link."
    )
    kind: Annotated[str, OneOf(KIND_KEYS)]
    note: Annotated[str, bounded(NOTE_MAX)] = Field(
        "", description="For the youth; sent with the appointment."
    )
    worker_id: Id | None = Field(
        None, description="With whom (a colleague); yourself when left out."
    )


class MoveAppointment(Request):
    date: LocalDate = Field(description="Local date (Europe/Brussels).")
    time: LocalTime = Field(description="Local time, HH:MM (24 h).")


class MarkAppointment(Request):
    state: Literal["done", "no_show"] = Field(description="done: geweest; no_show: niet gekomen.")


# --- what the API answers -----------------------------------------------------------------------


class Wish(Response):
    """The youth asked to move it: when suits them better, and why."""

    dayparts: list[str]
    reason: str


class NoWish(Response):
    """The youth did not ask to move it."""


class Appointment(Response):
    id: int
    case_id: int
    youth_name: str
    starts_at: Moment = Field(description="UTC; shown in Europe/Brussels.")
    ends_at: Moment
    minutes: int
    place: str
    kind: Annotated[str, OneOf(KIND_KEYS)]
    worker_name: str = Field(description="With whom (a colleague's first name).")
    note: str = Field(description="What the youth reads with the appointment.")
    state: Annotated[str, OneOf(STATES)]
    late: bool = Field(description="The youth said they are late.")
    wish: Wish | NoWish
    version: int = Field(description="+1 each time it is moved.")

    @classmethod
    def of(cls, item: DayItem) -> Self:
        a, wish = item.appointment, item.wish
        dayparts = wish.get("dayparts")
        return cls(
            id=a.id,
            case_id=item.case_id,
            youth_name=item.youth_name,
            starts_at=a.starts_at,
            ends_at=a.ends_at,
            minutes=a.minutes,
            place=a.place,
            kind=a.kind,
            worker_name=a.worker_name,
            note=a.note,
            state=a.state,
            late=item.late,
            wish=Wish(
                dayparts=[str(d) for d in dayparts] if isinstance(dayparts, list) else [],
                reason=str(wish.get("reason") or ""),
            )
            if wish
            else NoWish(),
            version=a.version,
        )


class NewId(Response):
    id: int
