"""Group offers as the inbox reads them: the partnership's offers with their next sessions,
one session with who signed up, the attendance the leader saves, and what a youth attended.

Only inside the partnership: every read takes the worker's partnership, and a youth is named
by the first name of their case with that partnership (no other case, no other partnership).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Case
from storage.offer_models import Booking, Offer, OfferSession
from storage.offers import locked

NEXT = 3  # sessions shown under each offer on the list


@dataclass(frozen=True)
class SessionLine:
    """A session as the list shows it: when, seats taken of the capacity, how many wait."""

    id: int
    starts_at: datetime
    minutes: int
    booked: int
    waiting: int
    cancelled: bool


@dataclass(frozen=True)
class OfferLine:
    offer: Offer
    leader: str  # the leader's first name
    sessions: tuple[SessionLine, ...]  # the next ones, earliest first


@dataclass(frozen=True)
class Person:
    """A youth on a session's list: first name only, and whether they were there."""

    youth_id: int
    case_id: int
    first_name: str
    attended: bool | None


@dataclass(frozen=True)
class SessionDetail:
    offer: Offer
    session: OfferSession
    booked: tuple[Person, ...]  # in tap order
    waiting: tuple[Person, ...]  # the waiting list, in order


@dataclass(frozen=True)
class Attended:
    title: str
    starts_at: datetime


def first_name(answers: dict[str, object] | None) -> str:
    """The first word of the name the youth gave at intake ("?" if none)."""
    words = str((answers or {}).get("name") or "").split()
    return words[0] if words else "?"


async def offers_of(
    session: AsyncSession, partnership_id: str, leaders: dict[int, str], now: datetime
) -> list[OfferLine]:
    """The partnership's offers (newest first) with their next sessions and counts."""
    offers = await session.scalars(
        select(Offer).where(Offer.partnership_id == partnership_id).order_by(Offer.id.desc())
    )
    lines = []
    for offer in list(offers):
        rows = await session.scalars(
            select(OfferSession)
            .where(OfferSession.offer_id == offer.id, OfferSession.starts_at > now)
            .order_by(OfferSession.starts_at, OfferSession.id)
            .limit(NEXT)
        )
        sessions = tuple([await session_line(session, row) for row in list(rows)])
        lines.append(OfferLine(offer, leaders.get(offer.leader_id, "?"), sessions))
    return lines


async def session_line(session: AsyncSession, row: OfferSession) -> SessionLine:
    result = await session.execute(
        select(Booking.state, func.count())
        .where(Booking.session_id == row.id)
        .group_by(Booking.state)
    )
    counts = {state: int(n) for state, n in result.all()}
    return SessionLine(
        row.id, row.starts_at, row.minutes, counts.get("booked", 0), counts.get("waiting", 0),
        row.cancelled,
    )  # fmt: skip


async def session_of(
    session: AsyncSession, partnership_id: str, session_id: int
) -> tuple[OfferSession, Offer] | None:
    """A session of the partnership, with its offer; None for any other."""
    found = (
        await session.execute(
            select(OfferSession, Offer)
            .join(Offer, Offer.id == OfferSession.offer_id)
            .where(OfferSession.id == session_id, Offer.partnership_id == partnership_id)
        )
    ).first()
    return (found[0], found[1]) if found is not None else None


async def detail(
    session: AsyncSession, partnership_id: str, session_id: int
) -> SessionDetail | None:
    """The session with who signed up and who waits (youths of this partnership only)."""
    found = await session_of(session, partnership_id, session_id)
    if found is None:
        return None
    row, offer = found
    people = await session.execute(
        select(Booking, Case)
        .join(Case, Case.youth_id == Booking.youth_id)
        .where(
            Booking.session_id == row.id,
            Booking.state.in_(("booked", "waiting")),
            Case.partnership_id == partnership_id,
        )
        .order_by(Booking.created_at, Booking.id, Case.id.desc())
    )
    seen: set[int] = set()
    booked: list[Person] = []
    waiting: list[Person] = []
    for booking, case in people.tuples():
        if booking.youth_id in seen:  # a second (older) case with the partnership
            continue
        seen.add(booking.youth_id)
        person = Person(booking.youth_id, case.id, first_name(case.answers), booking.attended)
        (booked if booking.state == "booked" else waiting).append(person)
    return SessionDetail(offer, row, tuple(booked), tuple(waiting))


async def save_attendance(
    session: AsyncSession, session_id: int, present: Collection[int], walk_ins: int,
    names: Collection[str] = (),
) -> None:  # fmt: skip
    """Who of the booked youths came (the rest did not), how many came without a chat, and
    the first names of those of them who agreed to be named (they are counted all the same)."""
    row, _ = await locked(session, session_id)
    row.walk_ins = walk_ins
    row.walk_in_names = list(names)
    bookings = await session.scalars(
        select(Booking).where(Booking.session_id == session_id, Booking.state == "booked")
    )
    for booking in bookings:
        booking.attended = booking.youth_id in present
    await session.flush()


async def attended_by(session: AsyncSession, case: Case) -> list[Attended]:
    """The sessions of the case's partnership the youth was at, newest first."""
    rows = await session.execute(
        select(Offer.title, OfferSession.starts_at)
        .join(OfferSession, OfferSession.offer_id == Offer.id)
        .join(Booking, Booking.session_id == OfferSession.id)
        .where(
            Booking.youth_id == case.youth_id,
            Booking.attended.is_(True),
            Offer.partnership_id == case.partnership_id,
        )
        .order_by(OfferSession.starts_at.desc())
        .limit(50)
    )
    return [Attended(title, starts_at) for title, starts_at in rows.tuples()]
