"""The /mijngegevens part about group offers: sign-ups, their reminders, "te laat" and whether
the youth was there."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.export_words import plain, when
from storage.offer_models import (
    Booking,
    Offer,
    OfferInvitation,
    OfferMissed,
    OfferReminder,
    OfferSession,
)

BOOKING_STATUS = {
    "booked": "you have a seat",
    "waiting": "on the waiting list",
    "cancelled": "you cancelled",
}
ATTENDED = {"True": "you were there", "False": "you were not there"}


async def group_sessions(session: AsyncSession, youth_id: int) -> list[dict[str, Any]]:
    """The youth's sign-ups for group offers (seats, waiting-list places, cancelled ones)."""
    found = await session.execute(
        select(Booking, OfferSession, Offer)
        .join(OfferSession, OfferSession.id == Booking.session_id)
        .join(Offer, Offer.id == OfferSession.offer_id)
        .where(Booking.youth_id == youth_id)
        .order_by(Booking.id)
    )
    rows = list(found.tuples())
    reminders = (
        await session.scalars(
            select(OfferReminder)
            .where(OfferReminder.booking_id.in_([b.id for b, _, _ in rows]))
            .order_by(OfferReminder.due_at, OfferReminder.id)
        )
    ).all()
    return [
        {
            "id": b.id,
            "what": o.title,
            "starts_at": when(s.starts_at),
            "minutes": s.minutes,
            "place": f"{o.place}, {o.address}",
            "status": plain(BOOKING_STATUS, b.state),
            "signed_up_at": when(b.created_at),
            "last_change": when(b.updated_at),
            "said_late": b.late,
            "attended": plain(ATTENDED, None if b.attended is None else str(b.attended)),
            "reminders": [
                {
                    "id": r.id,
                    "due_at": when(r.due_at),
                    "status": r.status,
                    "sent_at": when(r.sent_at),
                }
                for r in reminders
                if r.booking_id == b.id
            ],
        }
        for b, s, o in rows
    ]


async def group_invitations(session: AsyncSession, youth_id: int) -> list[dict[str, Any]]:
    """The group sessions a coach invited the youth to."""
    invited = await session.execute(
        select(OfferInvitation, OfferSession, Offer)
        .join(OfferSession, OfferSession.id == OfferInvitation.session_id)
        .join(Offer, Offer.id == OfferSession.offer_id)
        .where(OfferInvitation.youth_id == youth_id)
        .order_by(OfferInvitation.id)
    )
    return [
        {
            "id": i.id,
            "what": o.title,
            "starts_at": when(s.starts_at),
            "invited_at": when(i.created_at),
        }
        for i, s, o in invited.tuples()
    ]


async def group_missed(session: AsyncSession, youth_id: int) -> list[dict[str, Any]]:
    """The offers after which we wrote "we hebben je gemist" (once per offer)."""
    missed = await session.execute(
        select(OfferMissed, Offer)
        .join(Offer, Offer.id == OfferMissed.offer_id)
        .where(OfferMissed.youth_id == youth_id)
        .order_by(OfferMissed.id)
    )
    return [
        {"id": m.id, "what": o.title, "sent_at": when(m.created_at)} for m, o in missed.tuples()
    ]
