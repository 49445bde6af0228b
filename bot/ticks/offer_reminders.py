"""The group-session reminder tick: due offer reminders become outbox messages, each once.

Like `bot.ticks.reminders`: one transaction claims due rows (`FOR UPDATE SKIP LOCKED` on
PostgreSQL), writes the message and its outbox job and marks the row sent. A reminder of a
cancelled seat or session, a moved session, a session that began, or a youth who paused,
stopped or turned reminders off is skipped. Outside WhatsApp's 24-hour window it goes as
the generic "message" template.
"""

from __future__ import annotations

from datetime import datetime

from bot.ticks.base import OutboxTick
from bot.ticks.reminders import sendable
from core.outgoing import send_reply
from core.planning import pacing_of
from core.whatsapp_templates import MESSAGE
from flows.offers import reminder
from storage import offer_reminders, offers
from storage.models import Youth
from storage.offer_models import Offer

TEMPLATE_PARAMS = ("Instap",)


class OfferReminders(OutboxTick):
    async def tick(self) -> int:
        """Send what is due; returns how many reminders went to the outbox."""
        now = self.runtime.clock()
        sent = 0
        async with self.db.transaction() as session:
            for due, booking, row in await offer_reminders.claim_due(session, now):
                youth = await session.get(Youth, booking.youth_id)
                offer = await session.get(Offer, row.offer_id)
                if (
                    youth is None
                    or offer is None
                    or booking.state != "booked"
                    or row.cancelled
                    or row.starts_at != due.starts_at  # moved since it was planned
                    or row.starts_at <= now  # it has started: too late to remind
                    or not youth.reminders
                ):
                    due.status = "skipped"
                    continue
                partnership = self.runtime.directory.partnership(offer.partnership_id)
                pacing = pacing_of(youth, None, partnership)
                verdict = sendable(now, pacing, self.runtime.timezone, row.starts_at)
                if isinstance(verdict, datetime):  # quiet now: when the quiet hours end
                    due.due_at = verdict
                    continue
                if verdict == "skip":  # paused, stopped or blocked
                    due.status = "skipped"
                    continue
                view = await offers.view_of(session, row, offer, youth.id)
                await send_reply(
                    session, self.runtime.translator, youth, reminder(view), now,
                    purpose=MESSAGE, params=TEMPLATE_PARAMS,
                )  # fmt: skip
                due.status, due.sent_at = "sent", now
                sent += 1
        if sent:
            self.on_outbox()
        return sent
