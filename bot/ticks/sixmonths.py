"""The six-month tick: a closed case's question goes out once, 182 days after closing.

One transaction claims the candidates (`FOR UPDATE SKIP LOCKED` on PostgreSQL), asks
flows.sixmonths.decide, and either waits (pause, quiet hours, day part: looked at again on
a later tick), skips for good or writes the question with its outbox job. Skipping and
sending both set Case.six_month_asked_at, so a case is asked at most once, also across
restarts and two instances.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.ticks.base import OutboxTick
from core.outgoing import send_reply
from core.planning import pacing_of
from flows import sixmonths as flow
from flows.state import State
from storage import sixmonths
from storage.models import Case, Youth

log = logging.getLogger(__name__)


class SixMonths(OutboxTick):
    async def tick(self) -> int:
        """Ask what is due. Returns how many questions went out."""
        now = self.runtime.clock()
        sent = 0
        async with self.db.transaction() as session:
            await sixmonths.give_up_late(session, now)
            after: tuple[datetime, int] | None = None
            while batch := await sixmonths.claim_due(session, now, after):
                for case in batch:
                    sent += await self.handle(session, case, now)
                last = batch[-1]
                assert last.closed_at is not None
                after = (last.closed_at, last.id)
        if sent:
            self.on_outbox()
        return sent

    async def handle(self, session: AsyncSession, case: Case, now: datetime) -> int:
        youth = await session.get(Youth, case.youth_id)
        assert case.closed_at is not None
        if youth is None:
            case.six_month_asked_at = now
            return 0
        partnership = self.runtime.directory.partnership(case.partnership_id)
        answers = case.answers or {}
        decision = flow.decide(
            now, case.closed_at, youth.checkin_rhythm or "none",
            pacing_of(youth, case, partnership), self.runtime.timezone,
            answers.get("reach") or (), newer_case=await sixmonths.has_newer_case(session, case),
            erased=youth.erase_requested_at is not None,
        )  # fmt: skip
        if decision.action == "wait":
            return 0
        case.six_month_asked_at = now
        if decision.action == "skip":
            log.info("six-month question for case %s skipped: %s", case.id, decision.reason)
            return 0
        name = str(answers.get("name") or "")
        question = flow.question(case.id, name, partnership.short_name)
        await send_reply(session, self.runtime.translator, youth, question, now)
        youth.last_automated_at = now
        # The next text may be the answer typed instead of tapped (flows.sixmonths.on_text).
        state = replace(State.from_json(youth.state), asking=flow.pending(case.id))
        youth.state = state.to_json()
        await session.flush()
        return 1
