"""The reminder tick: due reminder rows become outbox messages, each exactly once.

APScheduler only calls `tick` every few seconds; the work itself is rows. One transaction
claims due reminders (`FOR UPDATE SKIP LOCKED` on PostgreSQL, so instances never share
one), writes the message and its outbox job, and marks the reminder sent: a crash before
the commit leaves the reminder due, a crash after it leaves the message in the outbox.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Literal
from zoneinfo import ZoneInfo

from bot.ticks.base import OutboxTick
from core.outgoing import send_reply
from core.planning import pacing_of
from core.whatsapp_templates import REMINDER
from flows.appointments import appointment_message
from flows.context import Context
from flows.pacing import Pacing, held_because
from storage import appointments
from storage.appointments import view_of
from storage.models import Case, Worker, Youth

log = logging.getLogger(__name__)


class Reminders(OutboxTick):
    async def tick(self) -> int:
        """Send what is due; returns how many reminders went to the outbox."""
        now = self.runtime.clock()
        late: list[float] = []  # seconds past due, observed once committed
        async with self.db.transaction() as session:
            for reminder, appointment in await appointments.claim_due(session, now):
                youth = await session.get(Youth, appointment.youth_id)
                case = await session.get(Case, appointment.case_id)
                worker = await session.get(Worker, appointment.worker_id)
                if (
                    youth is None
                    or case is None
                    or worker is None
                    or reminder.version != appointment.version
                    or appointment.state not in appointments.OPEN_STATES
                    or appointment.starts_at <= now  # it has started: too late to remind
                    or not youth.reminders
                ):
                    reminder.status = "skipped"
                    continue
                partnership = self.runtime.directory.partnership(case.partnership_id)
                pacing = pacing_of(youth, case, partnership)
                verdict = sendable(now, pacing, self.runtime.timezone, appointment.starts_at)
                if isinstance(verdict, datetime):
                    reminder.due_at = verdict
                    continue
                if verdict == "skip":
                    reminder.status = "skipped"
                    continue
                ctx = Context(
                    now=now.astimezone(self.runtime.timezone),
                    lang=youth.lang,
                    directory=self.runtime.directory,
                    lexicon=self.runtime.lexicon,
                )
                reply = appointment_message(
                    view_of(appointment, worker.first_name), ctx, intro="reminder"
                )
                when = self.runtime.translator.param(appointment.starts_at, youth.lang)
                await send_reply(
                    session, self.runtime.translator, youth, reply, now,
                    purpose=REMINDER, params=(worker.first_name, when),
                )  # fmt: skip
                late.append((now - reminder.due_at).total_seconds())
                reminder.status, reminder.sent_at = "sent", now
        for seconds in late:
            self.metrics.reminder_late(seconds)
        if late:
            self.on_outbox()
        return len(late)


def sendable(
    now: datetime, pacing: Pacing, tz: ZoneInfo, starts_at: datetime
) -> Literal["send", "skip"] | datetime:
    """Whether a due reminder goes out now, is skipped, or waits for the quiet hours' end.

    Quiet hours may have changed since it was planned: then it goes when they end, if that
    is still before the start. Paused, stopped or blocked: skipped.
    """
    held = held_because(now, pacing, tz, capped=False)
    if held == "quiet":
        later = pacing.quiet.next_open(now, tz)
        if later < starts_at:
            return later
    return "send" if held is None else "skip"
