"""Reminders of booked group sessions: rows with a due time, claimed once by a tick.

Like an appointment's reminders (storage.appointments): `claim_due` locks due rows
`FOR UPDATE SKIP LOCKED` on PostgreSQL, so two instances never send the same one. A row
remembers the start it was planned for; a moved or cancelled session makes it stale.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.offer_models import Booking, OfferReminder, OfferSession


async def plan(
    session: AsyncSession, booking: Booking, starts_at: datetime,
    due: Sequence[tuple[int, datetime]],
) -> None:  # fmt: skip
    """New pending reminders for a seat (earlier pending ones of the booking are withdrawn)."""
    await withdraw(session, booking.id)
    session.add_all(
        OfferReminder(booking_id=booking.id, starts_at=starts_at, offset_minutes=offset,
                      due_at=at, status="pending")
        for offset, at in due
    )  # fmt: skip
    await session.flush()


async def withdraw(session: AsyncSession, booking_id: int) -> None:
    """The booking's pending reminders will not go out (cancelled)."""
    await session.execute(
        update(OfferReminder)
        .where(OfferReminder.booking_id == booking_id, OfferReminder.status == "pending")
        .values(status="cancelled")
    )


async def withdraw_session(session: AsyncSession, session_id: int) -> None:
    """Every pending reminder of a session (cancelled or moved: plan again after a move)."""
    await session.execute(
        update(OfferReminder)
        .where(
            OfferReminder.status == "pending",
            OfferReminder.booking_id.in_(
                select(Booking.id).where(Booking.session_id == session_id)
            ),
        )
        .values(status="cancelled")
    )


async def claim_due(
    session: AsyncSession, now: datetime, limit: int = 100
) -> list[tuple[OfferReminder, Booking, OfferSession]]:
    """Due reminders with their booking and session, locked for this transaction."""
    reminders = (
        await session.scalars(
            select(OfferReminder)
            .where(OfferReminder.status == "pending", OfferReminder.due_at <= now)
            .order_by(OfferReminder.due_at, OfferReminder.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
    ).all()
    out = []
    for reminder in reminders:
        booking = await session.get(Booking, reminder.booking_id)
        row = await session.get(OfferSession, booking.session_id) if booking else None
        if booking is not None and row is not None:
            out.append((reminder, booking, row))
    return out


async def note_late(session: AsyncSession, session_id: int, youth_id: int, now: datetime) -> bool:
    """The youth said they will be late: noted on their seat (False: they have none)."""
    booking = await session.scalar(
        select(Booking).where(
            Booking.session_id == session_id, Booking.youth_id == youth_id,
            Booking.state == "booked",
        )
    )  # fmt: skip
    if booking is None:
        return False
    booking.late, booking.updated_at = True, now
    return True
