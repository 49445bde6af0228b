"""Group offers: offers, their sessions (weekly series too) and bookings with a waiting list.

A seat is given exactly once: `book` and `cancel` lock the session row first (FOR UPDATE on
PostgreSQL; on SQLite the process has one writer), so two taps, or two instances at once,
never hand out the same last seat.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from flows.views import OfferView, Profile
from storage.offer_models import Booking, Offer, OfferSession

KINDS = ("groepswerk", "atelier", "netwerkmoment", "infosessie")
CAPACITY = range(1, 201)
AGES = range(18, 31)  # "voor wie": from … to …, the ages Instap serves
SHOWN = 5  # sessions listed by /aanbod


class OfferProblem(ValueError):
    """Input that cannot become an offer or a session; the message is plain Dutch."""


@dataclass(frozen=True)
class ForWhom:
    """An offer's "voor wie": each part left empty means anyone."""

    needs: tuple[str, ...] = ()
    municipalities: tuple[str, ...] = ()
    age_min: int | None = None
    age_max: int | None = None

    def ages_ok(self) -> bool:
        given = [a for a in (self.age_min, self.age_max) if a is not None]
        in_range = all(a in AGES for a in given)
        return in_range and (len(given) < 2 or given[0] <= given[1])


def fits(offer: Offer, youth: Profile) -> bool:
    """Whether the youth's intake answers fit the offer's "voor wie" (no criteria: everyone).

    A criterion the youth gave no answer to (no age, place unknown) does not fit.
    """
    places = {m.casefold() for m in offer.for_municipalities}
    if places and youth.municipality.casefold() not in places:
        return False
    if offer.for_needs and not set(offer.for_needs) & set(youth.needs):
        return False
    if youth.age is None:
        return offer.age_min is None and offer.age_max is None
    return (offer.age_min or youth.age) <= youth.age <= (offer.age_max or youth.age)


async def create_offer(
    session: AsyncSession, *, partnership_id: str, title: str, description: str, kind: str,
    place: str, address: str, capacity: int, leader_id: int, now: datetime, open: bool = True,
    for_whom: ForWhom | None = None,
) -> Offer:  # fmt: skip
    """Add an offer after checking its kind, capacity and ages ("voor wie": none = everyone)."""
    whom = for_whom or ForWhom()
    if kind not in KINDS:
        raise OfferProblem(f"Onbekende soort: {kind}.")
    if capacity not in CAPACITY:
        raise OfferProblem("Het aantal plaatsen ligt tussen 1 en 200.")
    if not whom.ages_ok():
        raise OfferProblem("De leeftijd ligt tussen 18 en 30, 'van' niet hoger dan 'tot'.")
    offer = Offer(
        partnership_id=partnership_id, title=title.strip(), description=description.strip(),
        kind=kind, place=place.strip(), address=address.strip(), capacity=capacity,
        leader_id=leader_id, open=open, created_at=now, for_needs=list(whom.needs),
        for_municipalities=list(whom.municipalities), age_min=whom.age_min,
        age_max=whom.age_max,
    )  # fmt: skip
    session.add(offer)
    await session.flush()
    return offer


def weekly_starts(first: datetime, count: int) -> list[datetime]:
    """The same local hour each week from `first` (aware, Europe/Brussels), in UTC.

    Adding days to an aware datetime keeps its wall-clock time, so "elke vrijdag 14u" stays
    14u across the change to and from summer time.
    """
    if first.tzinfo is None:
        raise OfferProblem("Een tijd zonder tijdzone.")
    return [(first + timedelta(weeks=week)).astimezone(UTC) for week in range(count)]


async def add_sessions(
    session: AsyncSession, offer: Offer, starts: list[datetime], minutes: int, now: datetime
) -> list[OfferSession]:
    """Add sessions (one, or a weekly series from `weekly_starts`); none in the past."""
    if not 0 < minutes <= 12 * 60:
        raise OfferProblem("Een sessie duurt tussen 1 minuut en 12 uur.")
    if any(start <= now for start in starts):
        raise OfferProblem("Die sessie ligt in het verleden.")
    rows = [OfferSession(offer_id=offer.id, starts_at=s, minutes=minutes) for s in starts]
    session.add_all(rows)
    await session.flush()
    return rows


async def book(session: AsyncSession, session_id: int, youth_id: int, now: datetime) -> str:
    """A seat if one is free, else a place on the waiting list: "booked" or "waiting".

    A second tap returns what the first one gave; a cancelled booking becomes a new one
    (at the back of the waiting list if the session is full).
    """
    offer_session, offer = await locked(session, session_id)
    found = await booking_of(session, session_id, youth_id)
    if found is not None and found.state != "cancelled":
        return found.state
    taken = await seats_taken(session, session_id)
    state = "booked" if taken < offer.capacity and not offer_session.cancelled else "waiting"
    if found is None:
        session.add(
            Booking(session_id=session_id, youth_id=youth_id, state=state, created_at=now,
                    updated_at=now)
        )  # fmt: skip
    else:
        found.state, found.created_at, found.updated_at = state, now, now
    await session.flush()
    return state


async def cancel(
    session: AsyncSession, session_id: int, youth_id: int, now: datetime
) -> int | None:
    """Cancel the youth's booking; a freed seat goes to the first waiting youth (returned)."""
    offer_session, _ = await locked(session, session_id)
    found = await booking_of(session, session_id, youth_id)
    if found is None or found.state == "cancelled":
        return None
    freed = found.state == "booked"
    found.state, found.updated_at = "cancelled", now
    if not freed or offer_session.cancelled or offer_session.starts_at <= now:
        return None
    first = await session.scalar(
        select(Booking)
        .where(Booking.session_id == session_id, Booking.state == "waiting")
        .order_by(Booking.created_at, Booking.id)
        .limit(1)
    )
    if first is None:
        return None
    first.state, first.updated_at = "booked", now
    await session.flush()
    return first.youth_id


async def locked(session: AsyncSession, session_id: int) -> tuple[OfferSession, Offer]:
    """The session row, locked until the transaction ends, and its offer."""
    row = await session.scalar(
        select(OfferSession).where(OfferSession.id == session_id).with_for_update()
    )
    if row is None:
        raise LookupError(f"offer session {session_id}")
    offer = await session.get(Offer, row.offer_id)
    assert offer is not None  # the foreign key
    return row, offer


async def booking_of(session: AsyncSession, session_id: int, youth_id: int) -> Booking | None:
    found: Booking | None = await session.scalar(
        select(Booking).where(Booking.session_id == session_id, Booking.youth_id == youth_id)
    )
    return found


async def seats_taken(session: AsyncSession, session_id: int) -> int:
    taken = await session.scalar(
        select(func.count())
        .select_from(Booking)
        .where(Booking.session_id == session_id, Booking.state == "booked")
    )
    return int(taken or 0)


async def queue(session: AsyncSession, session_id: int, state: str) -> list[int]:
    """The youths booked (or waiting) for a session, in tap order."""
    rows = await session.scalars(
        select(Booking.youth_id)
        .where(Booking.session_id == session_id, Booking.state == state)
        .order_by(Booking.created_at, Booking.id)
    )
    return list(rows)


async def upcoming(
    session: AsyncSession, partnership_id: str, youth_id: int, now: datetime,
    youth: Profile | None = None,
) -> tuple[OfferView, ...]:  # fmt: skip
    """The partnership's next open sessions (at most `SHOWN`) whose "voor wie" fits the youth.

    Invitation-only offers are never listed (their invitations still book through a button).
    """
    profile = youth or Profile()
    rows = await session.execute(
        select(OfferSession, Offer)
        .join(Offer, Offer.id == OfferSession.offer_id)
        .where(
            Offer.partnership_id == partnership_id,
            Offer.open.is_(True),
            OfferSession.cancelled.is_(False),
            OfferSession.starts_at > now,
        )
        .order_by(OfferSession.starts_at, OfferSession.id)
    )
    fitting = [(s, o) for s, o in rows.tuples() if fits(o, profile)][:SHOWN]
    return tuple([await view_of(session, s, o, youth_id) for s, o in fitting])


async def session_view(
    session: AsyncSession, session_id: int, partnership_id: str, youth_id: int
) -> OfferView | None:
    """The session a button names, if it belongs to the youth's partnership."""
    row = await session.get(OfferSession, session_id)
    offer = await session.get(Offer, row.offer_id) if row is not None else None
    if row is None or offer is None or offer.partnership_id != partnership_id:
        return None
    return await view_of(session, row, offer, youth_id)


async def view_of(
    session: AsyncSession, row: OfferSession, offer: Offer, youth_id: int
) -> OfferView:
    mine = await booking_of(session, row.id, youth_id)
    return OfferView(
        session_id=row.id, title=offer.title, place=offer.place, address=offer.address,
        starts_at=row.starts_at, minutes=row.minutes,
        seats_left=max(0, offer.capacity - await seats_taken(session, row.id)),
        cancelled=row.cancelled, mine=mine.state if mine is not None else "",
    )  # fmt: skip
