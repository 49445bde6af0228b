"""A group session moved or cancelled after sign-up: reminders re-planned or withdrawn, and
every youth with a seat or on the waiting list told once (a repeat changes nothing, tells
nobody). Also where a seat's reminders are planned (the bot's taps use it too).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from core.outgoing import send_reply
from core.planning import pacing_of
from core.runtime import Runtime
from flows.appointments import reminder_times
from flows.model import Reply
from flows.offers import called_off, moved
from flows.views import OfferView
from storage import offer_reminders, offers
from storage.models import Youth
from storage.offer_models import Offer, OfferSession


async def plan_reminders(
    session: AsyncSession, runtime: Runtime, session_id: int, youth: Youth, now: datetime
) -> None:
    """The youth's seat is reminded at the partnership's offsets, outside their quiet hours.

    Also for a session moved after sign-up: call it again for each seat (the old ones go).
    """
    row, offer = await offers.locked(session, session_id)
    booking = await offers.booking_of(session, session_id, youth.id)
    if booking is None or booking.state != "booked" or row.cancelled:
        return
    partnership = runtime.directory.partnership(offer.partnership_id)
    due = reminder_times(
        row.starts_at, partnership.reminders_minutes_before, tz=runtime.timezone,
        quiet=pacing_of(youth, None, partnership).quiet.as_tuple(), now=now,
    )  # fmt: skip
    await offer_reminders.plan(session, booking, row.starts_at, due)


async def move_session(
    session: AsyncSession, runtime: Runtime, session_id: int, starts_at: datetime, minutes: int,
    sender: str, now: datetime,
) -> int | None:  # fmt: skip
    """A new start (and length): how many youths were told; None when nothing changed."""
    row, offer = await offers.locked(session, session_id)
    if row.cancelled or (row.starts_at == starts_at and row.minutes == minutes):
        return None
    row.starts_at, row.minutes = starts_at, minutes
    await session.flush()
    await offer_reminders.withdraw_session(session, session_id)
    people = await everyone(session, session_id)
    for youth in people:
        await plan_reminders(session, runtime, session_id, youth, now)
    return await tell(session, runtime, people, row, offer, moved, sender, now)


async def cancel_session(
    session: AsyncSession, runtime: Runtime, session_id: int, sender: str, now: datetime
) -> int | None:
    """The session does not go on: how many youths were told; None if it was already off."""
    row, offer = await offers.locked(session, session_id)
    if row.cancelled:
        return None
    row.cancelled = True
    await session.flush()
    await offer_reminders.withdraw_session(session, session_id)
    people = await everyone(session, session_id)
    return await tell(session, runtime, people, row, offer, called_off, sender, now)


async def everyone(session: AsyncSession, session_id: int) -> list[Youth]:
    """The youths with a seat, then those on the waiting list, in tap order."""
    ids = [*await offers.queue(session, session_id, "booked")]
    ids += await offers.queue(session, session_id, "waiting")
    found = [await session.get(Youth, youth_id) for youth_id in ids]
    return [youth for youth in found if youth is not None]


async def tell(
    session: AsyncSession, runtime: Runtime, people: list[Youth], row: OfferSession,
    offer: Offer, reply_of: Callable[[OfferView], Reply], sender: str, now: datetime,
) -> int:  # fmt: skip
    """One message each (not to a youth who chose /stop), in the worker's name."""
    told = 0
    for youth in people:
        if youth.stopped:
            continue
        view = await offers.view_of(session, row, offer, youth.id)
        await send_reply(
            session, runtime.translator, youth, reply_of(view), now, purpose="message",
            params=(sender,),
        )  # fmt: skip
        told += 1
    return told
