"""Group offers for the engine: what a tap or /aanbod needs looked up, and booking effects applied."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from core.i18n import Translator
from core.outgoing import send_reply
from flows.lookups import Needs
from flows.model import BookSeat, CancelBooking
from flows.views import OfferView
from storage import offers
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
    listed = await offers.upcoming(session, want.partnership, youth_id, now) if want.offers else ()
    return named, listed


async def apply(
    session: AsyncSession, translator: Translator, youth: Youth,
    effect: BookSeat | CancelBooking, now: datetime,
) -> None:  # fmt: skip
    """Book or cancel, and tell the youth who tapped (a seat, or the waiting list).

    A seat freed by a cancel goes to the first waiting youth, who is told through the outbox
    (unless they chose /stop: they keep the seat, without a message).
    """
    if isinstance(effect, BookSeat):
        got = await offers.book(session, effect.session_id, youth.id, now)
        said = effect.seated if got == "booked" else effect.waiting
        await send_reply(session, translator, youth, said, now)
        return
    moved_up = await offers.cancel(session, effect.session_id, youth.id, now)
    other = await session.get(Youth, moved_up) if moved_up is not None else None
    if other is not None and not other.stopped:
        await send_reply(session, translator, other, effect.promoted, now)
