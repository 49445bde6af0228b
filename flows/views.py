"""What the flows are shown of stored data: read-only snapshots the engine looks up.

Storage returns these (never ORM rows); the engine puts them in `flows.context.Context` or
passes them to a flow function.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class AppointmentView:
    """What the flows know of one appointment (storage returns this, not an ORM row)."""

    id: int
    starts_at: datetime  # timezone-aware, UTC
    minutes: int
    place: str
    kind: str  # one of flows.appointments.KINDS
    worker_name: str
    note: str
    state: str  # one of flows.appointments.STATES
    version: int  # +1 each time the appointment is moved

    @property
    def ends_at(self) -> datetime:
        return self.starts_at + timedelta(minutes=self.minutes)


@dataclass(frozen=True)
class CheckinView:
    """A check-in the youth answers (by button, or typed while it is the open one)."""

    id: int
    score: int | None = None


@dataclass(frozen=True)
class SixMonthView:
    """The six-month question a button or a typed answer refers to (asked on this youth's case)."""

    case_id: int
    answered: bool = False


@dataclass(frozen=True)
class ConsentView:
    """The newest answer the youth gave for one kind of consent."""

    kind: str  # intake | checkins
    given: bool
    at: datetime


@dataclass(frozen=True)
class Stored:
    """What the engine found about the youth, for the plain-language summary of /mijngegevens."""

    sent_by_you: int  # typed or recorded by the youth (not taps on buttons, not commands)
    from_coach: int  # written by a coach in the inbox (not our automatic messages)
    appointments: int
    checkins: int
    consents: int
    has_answers: bool
    coach: str | None
    delete_on: datetime | None
    rule: str  # unfinished_intake | open_case | closed_case
    keep_days: int  # after closing, for open_case


@dataclass(frozen=True)
class Profile:
    """What an offer's "voor wie" is matched against: the youth's intake answers."""

    age: int | None = None
    municipality: str = ""  # "" when the youth does not know
    needs: tuple[str, ...] = ()


@dataclass(frozen=True)
class OfferView:
    """One session of a group offer, as a youth sees it (with their own booking, if any)."""

    session_id: int
    title: str
    place: str
    address: str
    starts_at: datetime  # timezone-aware, UTC
    minutes: int
    seats_left: int
    cancelled: bool = False
    mine: str = ""  # "" (no booking) | booked | waiting | cancelled
