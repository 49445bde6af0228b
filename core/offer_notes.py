"""What a worker's side sends a youth about group offers: an invitation, and "we hebben je gemist".

Both go through the outbox (paced per channel; a kept WhatsApp message is announced with the
"message" template in the worker's name). An invitation found in the youth's quiet hours is
due when they end.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from core.i18n import Translator
from core.outgoing import send_reply, send_session_calendar
from core.planning import pacing_of
from flows.directory import Partnership
from flows.offers import invitation, missed
from flows.views import OfferView
from storage.models import Case, Youth
from storage.offer_invites import first_miss


async def invite(
    session: AsyncSession, translator: Translator, partnership: Partnership, youth: Youth,
    case: Case, view: OfferView, sender: str, now: datetime,
) -> None:  # fmt: skip
    """The invitation with its buttons and the .ics, after the youth's quiet hours."""
    due = pacing_of(youth, case, partnership).quiet.next_open(now, translator.tz)
    later = due if due > now else None
    await send_reply(
        session, translator, youth, invitation(view), now, purpose="message", params=(sender,),
        not_before=later,
    )  # fmt: skip
    await send_session_calendar(session, translator, youth, view, now, later)


async def tell_missed(
    session: AsyncSession, translator: Translator, youth: Youth, offer_id: int, title: str,
    sender: str, now: datetime,
) -> bool:  # fmt: skip
    """The gentle note after a missed session, once per offer; none when stopped or paused."""
    paused = youth.paused_until is not None and youth.paused_until > now
    if youth.stopped or youth.unreachable or paused:
        return False
    if not await first_miss(session, offer_id, youth.id, now):
        return False
    await send_reply(
        session, translator, youth, missed(title), now, purpose="message", params=(sender,)
    )
    return True
