"""What every inbox action shares: its dependencies, the partnership's walls, the one
rule for acting on a case that is not yours (`may_act`), and reaching the youth.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from core.bus import Bus
from core.entry_links import Addresses
from core.i18n import Translator
from core.lexicon import load_lexicon
from core.outgoing import send_calendar, send_reply, send_text
from core.runtime import Runtime
from flows.appointments import Intro, appointment_message
from flows.assignment import Candidate
from flows.context import Context
from flows.directory import Directory, Partnership
from inbox.errors import Forbidden, Invalid, NotFound
from storage import casework, outbox, workers
from storage.appointments import view_of
from storage.clock import utcnow
from storage.db import Database
from storage.models import Appointment, Case, Worker, Youth
from storage.workers import WorkerView

NOT_YOURS = "Deze jongere is aan een collega toegewezen."


def storable(text: str) -> str:
    """A worker's text as typed, unless it holds a NUL character (no database keeps those)."""
    if "\x00" in text:
        raise Invalid(
            "Je tekst bevat een onzichtbaar teken dat we niet kunnen bewaren. Typ hem opnieuw."
        )
    return text


LOCAL = Addresses("http://127.0.0.1:8080")  # the web chat of `make run`, without PUBLIC_URL


@dataclass
class Base:
    """The dependencies and shared rules of every action (`Inbox` is built on this)."""

    db: Database
    directory: Directory
    translator: Translator
    bus: Bus
    notify_outbox: Callable[[], None]
    timezone: str = "Europe/Brussels"
    clock: Callable[[], datetime] = utcnow
    # Where the posters' links point (instap.app sets it; the bot's name may come from getMe).
    entry_addresses: Addresses = LOCAL

    # --- helpers ----------------------------------------------------------------------------

    def partnership(self, worker: WorkerView) -> Partnership:
        return self.directory.partnership(worker.partnership_id)

    def runtime(self) -> Runtime:
        """What the bot's check-in planning reads (bot.ticks.checkins.keep_planned)."""
        tz = self.translator.tz
        return Runtime(self.directory, load_lexicon(), self.translator, tz, self.clock)

    def context(self, youth: Youth, now: datetime) -> Context:
        return Context(
            now=now.astimezone(self.translator.tz),
            lang=youth.lang,
            directory=self.directory,
            lexicon=load_lexicon(),
        )

    def changed(self, partnership_id: str, case_id: int | None = None) -> None:
        """Tell open inbox pages of this partnership that something changed."""
        self.bus.publish(f"inbox:{partnership_id}", {"type": "case", "case_id": case_id})

    async def acting(self, session: AsyncSession, worker: WorkerView) -> Worker:
        row = await workers.get(session, worker.id)
        if row is None:
            raise NotFound("Je account bestaat niet meer.")
        return row

    async def own_case(self, session: AsyncSession, worker: WorkerView, case_id: int) -> Case:
        case = await casework.case_in(session, worker.partnership_id, case_id)
        if case is None:
            raise NotFound("Deze aanmelding bestaat niet (of niet in jouw partnerschap).")
        return case

    async def colleague(self, session: AsyncSession, worker: WorkerView, worker_id: int) -> Worker:
        other = await workers.get(session, worker_id)
        if other is None or other.partnership_id != worker.partnership_id:
            raise NotFound("Die collega bestaat niet in jouw partnerschap.")
        return other

    async def may_act(
        self, session: AsyncSession, worker: WorkerView, case: Case, *, host_id: int | None = None
    ) -> None:
        """The one rule for acting on a case, checked by every action that changes it or
        reaches the youth (reply, status, assign, signals, check-ins, appointments): its
        worker, whoever covers for them while they are away, a coordinator, or (for one
        appointment, `host_id`) the colleague the youth meets. A waiting case is anyone's in
        the partnership. Any other colleague may read the case (audited) and leave a note
        for the team, never more."""
        if not await self.can_act(session, worker, case, host_id=host_id):
            raise Forbidden(NOT_YOURS)

    async def can_act(
        self, session: AsyncSession, worker: WorkerView, case: Case, *, host_id: int | None = None
    ) -> bool:
        """`may_act` as a question: the case page tells a colleague before they try."""
        if worker.is_coordinator or case.worker_id in (None, worker.id) or host_id == worker.id:
            return True
        return await self.covering(session, worker, case)

    async def covering(self, session: AsyncSession, worker: WorkerView, case: Case) -> bool:
        answering = await casework.answering_worker(session, case)
        return answering is not None and answering.id == worker.id

    # --- reaching the youth -----------------------------------------------------------------

    async def tell_about_appointment(
        self, session: AsyncSession, appointment: Appointment, intro: Intro, now: datetime
    ) -> None:
        """The youth hears about a change to an appointment at once, in their language."""
        youth = await session.get(Youth, appointment.youth_id)
        worker = await session.get(Worker, appointment.worker_id)
        assert youth is not None and worker is not None
        view = view_of(appointment, worker.first_name)
        reply = appointment_message(view, self.context(youth, now), intro=intro)
        await send_reply(
            session,
            self.translator,
            youth,
            reply,
            now,
            purpose="message",
            params=(worker.first_name,),
        )
        if intro in ("new", "moved"):
            await send_calendar(session, self.translator, youth, view, now)

    async def say_to_youth(
        self,
        session: AsyncSession,
        youth: Youth,
        worker: Worker | None,
        text: str,
        ref: str | None,
        now: datetime,
    ) -> None:
        message = await outbox.add_message(
            session, youth, direction="out", author="worker" if worker else "bot", text=text,
            buttons=None, now=now,
        )  # fmt: skip
        message.worker_id = worker.id if worker else None
        message.client_ref = ref
        await session.flush()  # a duplicate ref fails here, before the outbox job exists
        await send_text(session, youth, message, now, worker.first_name if worker else "")


def candidate(worker: Worker, open_cases: int) -> Candidate:
    view = workers.view(worker)
    return Candidate(
        id=worker.id,
        first_name=worker.first_name,
        languages=frozenset(view.languages),
        municipalities=frozenset(view.municipalities),
        capacity=worker.capacity,
        open_cases=open_cases,
        absent=worker.absent,
        role=worker.role,
    )
