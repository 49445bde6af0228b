"""The check-in tick: due check-ins and re-contacts become messages, each exactly once.

Like reminders, the work is rows (storage.checkins): one transaction claims due rows
(`FOR UPDATE SKIP LOCKED` on PostgreSQL), asks flows.checkins.decide what to do, writes the
message with its outbox job and plans the next one. The same tick finds cases that drifted
out of view (no word from the youth for the partnership's drift_days), flags them, tells
the worker and plans the one gentle re-contact.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.signals import Signals
from bot.ticks.base import OutboxTick
from core.outgoing import send_reply
from core.planning import OPEN, keep_planned, pacing_of
from core.runtime import Runtime
from flows.checkins import (
    Decision,
    checkin_message,
    decide,
    in_day_part,
    recontact_message,
)
from storage import casework, checkins
from storage.db import Database
from storage.models import Appointment, Case, CheckIn, Youth

log = logging.getLogger(__name__)


class CheckIns(OutboxTick):
    def __init__(self, db: Database, runtime: Runtime, on_outbox: Callable[[], None]) -> None:
        super().__init__(db, runtime, on_outbox)
        self.signals = Signals(runtime.translator)
        self.on_case: Callable[[str, int], None] = lambda partnership, case: None

    async def tick(self) -> int:
        """Flag drifting cases; send what is due. Returns how many messages went out."""
        now = self.runtime.clock()
        sent = 0
        touched: list[tuple[str, int]] = []
        async with self.db.transaction() as session:
            for case in await self.drifted(session, now):
                await self.out_of_view(session, case, now)
                touched.append((case.partnership_id, case.id))
            for row in await checkins.claim_due(session, now):
                sent += await self.handle(session, row, now, touched)
        if sent:
            self.on_outbox()
        for partnership_id, case_id in touched:
            self.on_case(partnership_id, case_id)
        return sent

    async def drifted(self, session: AsyncSession, now: datetime) -> list[Case]:
        """Open cases without a word from the youth for their partnership's drift days."""
        found: list[Case] = []
        for partnership in self.runtime.directory.partnerships:
            last = func.coalesce(Case.last_youth_message_at, Case.created_at)
            stmt = (
                select(Case)
                .where(
                    Case.partnership_id == partnership.id,
                    Case.status.in_(OPEN),
                    (Case.flag.is_(None)) | (Case.flag != "uit_beeld"),
                    last < now - timedelta(days=partnership.drift_days),
                )
                .with_for_update(skip_locked=True)
            )
            drift = timedelta(days=partnership.drift_days)
            for case in (await session.execute(stmt)).scalars():
                heard = case.last_youth_message_at or case.created_at
                if case.flagged_at is None or case.flagged_at < heard + drift:
                    found.append(case)  # (a worker who cleared "uit beeld" saw it: not again)
        return found

    async def out_of_view(self, session: AsyncSession, case: Case, now: datetime) -> None:
        await self.signals.flag(session, case, "uit_beeld", now)
        youth = await session.get(Youth, case.youth_id)
        heard = case.last_youth_message_at or case.created_at
        if youth is None or youth.stopped or youth.unreachable:
            return
        if not await checkins.recontacted_since(session, youth.id, heard):
            partnership = self.runtime.directory.partnership(case.partnership_id)
            quiet = pacing_of(youth, case, partnership).quiet
            dayparts = (case.answers or {}).get("reach") or ()
            due = in_day_part(now, dayparts, quiet, self.runtime.timezone)
            await checkins.plan(session, youth, case.id, "recontact", due, now)

    async def handle(
        self, session: AsyncSession, row: CheckIn, now: datetime, touched: list[tuple[str, int]]
    ) -> int:
        youth = await session.get(Youth, row.youth_id)
        case = await casework.case_of_youth(session, row.youth_id)
        if youth is None or case is None:
            row.status, row.reason = "dropped", "no_case"
            return 0
        partnership = self.runtime.directory.partnership(case.partnership_id)
        pacing = pacing_of(youth, case, partnership)
        rhythm = youth.checkin_rhythm or "none"
        decision = decide(
            now, "recontact" if row.kind == "recontact" else "checkin", rhythm, pacing,
            self.runtime.timezone, await self.contacts(session, youth, case, now),
            await checkins.unanswered_in_a_row(session, youth.id, case.last_youth_message_at),
        )  # fmt: skip
        if decision.action == "recontact":  # two check-ins unanswered: out of view
            await self.signals.flag(session, case, "uit_beeld", now)
            touched.append((case.partnership_id, case.id))
            row.kind = "recontact"
            decision = decide(now, "recontact", rhythm, pacing, self.runtime.timezone)
        if decision.action == "defer":  # to the first moment in the youth's day parts after it
            assert decision.at is not None
            dayparts = (case.answers or {}).get("reach") or ()
            row.due_at = in_day_part(decision.at, dayparts, pacing.quiet, self.runtime.timezone)
            return 0
        return await self.act(session, row, decision, youth, now)

    async def act(
        self, session: AsyncSession, row: CheckIn, decision: Decision, youth: Youth, now: datetime
    ) -> int:
        if decision.action in ("drop", "skip"):
            row.status = "dropped" if decision.action == "drop" else "skipped"
            row.reason = decision.reason
            await session.flush()
            if decision.action == "skip":
                await keep_planned(session, self.runtime, youth, now)
            return 0
        reply = checkin_message(row.id) if row.kind == "checkin" else recontact_message()
        await send_reply(session, self.runtime.translator, youth, reply, now)
        row.status, row.sent_at = "sent", now
        youth.last_automated_at = now
        await session.flush()
        if row.kind == "checkin":
            await keep_planned(session, self.runtime, youth, now)
        return 1

    async def contacts(
        self, session: AsyncSession, youth: Youth, case: Case, now: datetime
    ) -> list[datetime]:
        """Moments of real contact: the last message either way, appointments near now."""
        found = [case.last_youth_message_at, await checkins.last_worker_message(session, youth.id)]
        stmt = select(Appointment.starts_at).where(
            Appointment.youth_id == youth.id,
            Appointment.state != "cancelled",
            Appointment.starts_at >= now - timedelta(days=7),
            Appointment.starts_at <= now + timedelta(days=7),
        )
        found += list((await session.execute(stmt)).scalars())
        return [moment for moment in found if moment is not None]
