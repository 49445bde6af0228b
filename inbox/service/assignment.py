"""Who answers a case: claiming it, assigning it to a colleague (the youth and their
appointments follow), and auto-assignment where the partnership wants it.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from core.outgoing import notify_worker, send_reply
from flows.assignment import WaitingCase, auto_assign
from flows.model import N_, Reply, msg
from inbox.errors import Conflict
from inbox.service.base import Base, candidate
from storage import appointments, casework, workers
from storage.models import Case, Worker, Youth
from storage.workers import WorkerView

HANDOVER = N_("{new} neemt het nu over van {old}. Je kunt gewoon hier blijven schrijven.")
HANDED_OVER = N_("Je afspraak van {when} gaat gewoon door, nu met {name}.")
ASSIGNED = N_("{name} is aan jou toegewezen. Open de inbox.")


class Assignment(Base):
    """Taking and giving cases."""

    async def claim(self, worker: WorkerView, case_id: int) -> None:
        now = self.clock()
        async with self.db.transaction() as session:
            case = await self.own_case(session, worker, case_id)
            me = await self.acting(session, worker)
            if not await casework.claim(session, case.id, me, now):
                taken = await casework.summary_of(session, case)
                who = taken.worker_name or "Een collega"
                raise Conflict(f"{who} heeft deze aanmelding al genomen.")
            await casework.audit(session, worker.id, "claim", case.id, now)
        self.changed(worker.partnership_id, case_id)

    async def assign(
        self, worker: WorkerView, case_id: int, to_id: int, *, handover: bool = True
    ) -> None:
        """Give a case to a colleague; the youth hears who takes over when someone had it."""
        now = self.clock()
        async with self.db.transaction() as session:
            case = await self.own_case(session, worker, case_id)
            await self.may_act(session, worker, case)
            if case.status == "closed":
                raise Conflict("Deze aanmelding is afgesloten.")
            to = await self.colleague(session, worker, to_id)
            if case.worker_id == to.id:
                return
            me = await self.acting(session, worker)
            previous = await casework.assign(session, case, to, me, now)
            await casework.audit(session, worker.id, "assign", case.id, now)
            if to.id != me.id:
                await self.tell_assignee(session, to, case, now)
            if handover and previous is not None:
                youth = await session.get(Youth, case.youth_id)
                assert youth is not None
                text = self.translator.gettext(HANDOVER, youth.lang).format(
                    new=to.first_name, old=previous.first_name
                )
                await self.say_to_youth(session, youth, None, text, None, now)
            if previous is not None:
                await self.hand_over_appointments(session, case, previous, to, me, now)
        self.notify_outbox()
        self.changed(worker.partnership_id, case_id)

    async def hand_over_appointments(
        self, session: AsyncSession, case: Case, previous: Worker, to: Worker, me: Worker,
        now: datetime,
    ) -> None:  # fmt: skip
        """The appointments the previous worker had with the youth go on with the new one.

        The youth hears it, so "Dat past niet" and the reminders name the right person.
        An appointment with another colleague (a VDAB visit with Lisa) stays as it is.
        """
        youth = await session.get(Youth, case.youth_id)
        assert youth is not None
        moved = [
            a
            for a in await appointments.upcoming_of_case(session, case.id, now)
            if a.worker_id == previous.id
        ]
        for appointment in moved:
            await appointments.hand_over(session, appointment, to, now)
            said = Reply((msg(HANDED_OVER, when=appointment.starts_at, name=to.first_name),))
            await send_reply(session, self.translator, youth, said, now)
            data = {"id": appointment.id, "what": "handed_over", "worker": to.first_name}
            await casework.add_event(session, case.id, me.id, "appointment", data, now)
        if moved:
            await casework.audit(session, me.id, "appointments_handed_over", case.id, now)

    async def auto_assign(self, partnership_id: str) -> int:
        """Where the partnership wants it: give waiting cases to the least-loaded workers."""
        if not self.directory.partnership(partnership_id).auto_assign:
            return 0
        now = self.clock()
        async with self.db.transaction() as session:
            waiting = await casework.queue(session, partnership_id)
            team = await workers.of_partnership(session, partnership_id)
            load = await casework.open_load(session, partnership_id)
            cases = [WaitingCase(c.id, c.created_at, c.language, c.municipality) for c in waiting]
            pairs = auto_assign(cases, [candidate(w, load.get(w.id, 0)) for w in team])
            by_id = {w.id: w for w in team}
            for case_id, worker_id in pairs:
                if await casework.claim(session, case_id, by_id[worker_id], now):
                    await casework.add_event(session, case_id, None, "auto_assigned", {}, now)
                    row = await casework.case_in(session, partnership_id, case_id)
                    if row is not None:
                        await self.tell_assignee(session, by_id[worker_id], row, now)
        if pairs:
            self.notify_outbox()
        if pairs:
            self.changed(partnership_id)
        return len(pairs)

    async def tell_assignee(
        self, session: AsyncSession, to: Worker, case: Case, now: datetime
    ) -> None:
        name = str((case.answers or {}).get("name") or "?")
        text = self.translator.gettext(ASSIGNED, "nl").format(name=name)
        await notify_worker(session, to, text, now)
