"""Group offers for the engine: what a tap or /aanbod needs looked up, and booking effects applied."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from core.offer_changes import plan_reminders
from core.outgoing import send_reply
from core.runtime import Runtime
from flows.lookups import Needs
from flows.model import BookSeat, CancelBooking, LateForSession
from flows.views import OfferView
from storage import offer_reminders, offers
from storage.models import Youth


async def lookup(
    session: AsyncSession, want: Needs, youth_id: int, now: datetime
) -> tuple[OfferView | None, tuple[OfferView, ...]]:
    """The session an ofr: button names and, for /aanbod, the partnership's next sessions."""
    named = (
        await offers.session_view(session, want.offer, want.partnership, youth_id)
        if want.offer
        else None
    )
    listed = (
        await offers.upcoming(session, want.partnership, youth_id, now, want.profile)
        if want.offers
        else ()
    )
    return named, listed


async def apply(
    session: AsyncSession, runtime: Runtime, youth: Youth,
    effect: BookSeat | CancelBooking | LateForSession, now: datetime,
) -> None:  # fmt: skip
    """Book, cancel or note "te laat", and tell the youth who tapped (a seat, or the waiting list).

    A seat gets its reminders planned; a cancel withdraws them. A seat freed by a cancel goes
    to the first waiting youth, who is told through the outbox (unless they chose /stop: they
    keep the seat, without a message) and gets the reminders.
    """
    if isinstance(effect, LateForSession):
        await offer_reminders.note_late(session, effect.session_id, youth.id, now)
        return
    if isinstance(effect, BookSeat):
        got = await offers.book(session, effect.session_id, youth.id, now)
        said = effect.seated if got == "booked" else effect.waiting
        if got == "booked":
            await plan_reminders(session, runtime, effect.session_id, youth, now)
        await send_reply(session, runtime.translator, youth, said, now)
        return
    moved_up = await offers.cancel(session, effect.session_id, youth.id, now)
    mine = await offers.booking_of(session, effect.session_id, youth.id)
    if mine is not None:
        await offer_reminders.withdraw(session, mine.id)
    other = await session.get(Youth, moved_up) if moved_up is not None else None
    if other is not None:
        await plan_reminders(session, runtime, effect.session_id, other, now)
    if other is not None and not other.stopped:
        await send_reply(session, runtime.translator, other, effect.promoted, now)
