"""Appointment actions for workers: plan, move, cancel, mark as held or missed, follow up.

The youth hears about each change at once, in their language, with one-tap buttons; the
reminders are rows planned here and sent by the reminder tick (bot/ticks/reminders.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from core.outgoing import send_reply
from core.planning import pacing_of
from flows.appointments import (
    KINDS,
    AppointmentProblem,
    Intro,
    reminder_times,
    validate_new,
)
from flows.model import N_, Reply, msg
from flows.views import AppointmentView
from inbox.errors import Conflict, Invalid, NotFound
from inbox.service import Inbox, storable
from storage import appointments, casework, workers
from storage.appointments import view_of
from storage.models import Appointment, Case, Worker, Youth
from storage.workers import WorkerView

FOLLOW_UP = N_("Jammer dat het vandaag niet lukte. Zullen we een nieuw moment zoeken?")
MARKS = ("done", "no_show")


@dataclass(frozen=True)
class DayItem:
    appointment: AppointmentView
    case_id: int
    youth_name: str
    late: bool
    wish: dict[str, object]


@dataclass
class Appointments:
    inbox: Inbox

    async def appointment(
        self, session: AsyncSession, worker: WorkerView, appointment_id: int
    ) -> Appointment:
        """An appointment of my partnership that I may act on (`Inbox.may_act`)."""
        found = await appointments.in_partnership(session, worker.partnership_id, appointment_id)
        if found is None:
            raise NotFound("Deze afspraak bestaat niet (of niet in jouw partnerschap).")
        case = await self.inbox.own_case(session, worker, found.case_id)
        await self.inbox.may_act(session, worker, case, host_id=found.worker_id)
        return found

    async def tell_youth(
        self, session: AsyncSession, appointment: Appointment, intro: Intro, now: datetime
    ) -> None:
        await self.inbox.tell_about_appointment(session, appointment, intro, now)

    async def reminders_for(
        self, session: AsyncSession, appointment: Appointment, now: datetime
    ) -> list[tuple[int, datetime]]:
        """When the reminders go out: outside the youth's (or else the partnership's) quiet hours."""
        partnership = self.inbox.directory.partnership(appointment.partnership_id)
        youth = await session.get(Youth, appointment.youth_id)
        assert youth is not None
        return reminder_times(
            appointment.starts_at,
            partnership.reminders_minutes_before,
            tz=self.inbox.translator.tz,
            quiet=pacing_of(youth, None, partnership).quiet.as_tuple(),
            now=now,
        )

    def start(
        self, day: date, at: time, minutes: int, place: str, note: str, now: datetime
    ) -> datetime:
        storable(place + note)
        try:
            return validate_new(day, at, minutes, place, note, self.inbox.translator.tz, now)
        except AppointmentProblem as problem:
            raise Invalid(str(problem)) from problem

    async def create(
        self,
        worker: WorkerView,
        case_id: int,
        *,
        day: date,
        at: time,
        minutes: int,
        place: str,
        kind: str,
        note: str = "",
        with_id: int | None = None,
    ) -> int:
        """Plan an appointment; the youth gets it at once with buttons to confirm or move."""
        if kind not in dict(KINDS):
            raise Invalid("Kies wat voor afspraak het is.")
        now = self.inbox.clock()
        starts_at = self.start(day, at, minutes, place.strip(), note.strip(), now)
        async with self.inbox.db.transaction() as session:
            case = await self.inbox.own_case(session, worker, case_id)
            await self.inbox.may_act(session, worker, case)
            if case.status == "closed":
                raise Conflict("Deze aanmelding is afgesloten.")
            host = await self.inbox.colleague(session, worker, with_id or worker.id)
            appointment = await appointments.create(
                session, case, host, starts_at=starts_at, minutes=minutes, place=place.strip(),
                kind=kind, note=note.strip(), now=now,
            )  # fmt: skip
            await appointments.plan_reminders(
                session, appointment, await self.reminders_for(session, appointment, now)
            )
            await self.tell_youth(session, appointment, "new", now)
            await casework.add_event(
                session,
                case.id,
                worker.id,
                "appointment",
                {"id": appointment.id, "what": "new"},
                now,
            )
            await casework.audit(session, worker.id, "appointment_new", case.id, now)
            new_id = appointment.id
        self.inbox.notify_outbox()
        self.inbox.changed(worker.partnership_id, case_id)
        return new_id

    async def move(self, worker: WorkerView, appointment_id: int, *, day: date, at: time) -> None:
        """A new time: old reminders go, new ones are planned, the youth hears it."""
        now = self.inbox.clock()
        async with self.inbox.db.transaction() as session:
            appointment = await self.appointment(session, worker, appointment_id)
            if appointment.state not in appointments.OPEN_STATES:
                raise Conflict("Deze afspraak kan niet meer verzet worden.")
            starts_at = self.start(
                day, at, appointment.minutes, appointment.place, appointment.note, now
            )
            await appointments.move(session, appointment, starts_at, now)
            await appointments.plan_reminders(
                session, appointment, await self.reminders_for(session, appointment, now)
            )
            await self.tell_youth(session, appointment, "moved", now)
            await self.note_event(session, worker, appointment, "moved", now)
        self.inbox.notify_outbox()
        self.inbox.changed(worker.partnership_id, appointment.case_id)

    async def cancel(self, worker: WorkerView, appointment_id: int) -> None:
        now = self.inbox.clock()
        async with self.inbox.db.transaction() as session:
            appointment = await self.appointment(session, worker, appointment_id)
            if appointment.state not in appointments.OPEN_STATES:
                raise Conflict("Deze afspraak kan niet meer geannuleerd worden.")
            await appointments.set_state(session, appointment, "cancelled", now)
            await self.tell_youth(session, appointment, "cancelled", now)
            await self.note_event(session, worker, appointment, "cancelled", now)
        self.inbox.notify_outbox()
        self.inbox.changed(worker.partnership_id, appointment.case_id)

    async def mark(self, worker: WorkerView, appointment_id: int, state: str) -> None:
        """Afterwards: held ("geweest") or missed ("niet gekomen")."""
        if state not in MARKS:
            raise Invalid("Kies geweest of niet gekomen.")
        now = self.inbox.clock()
        async with self.inbox.db.transaction() as session:
            appointment = await self.appointment(session, worker, appointment_id)
            if appointment.starts_at > now:
                raise Conflict("Die afspraak moet nog beginnen.")
            if appointment.state == "cancelled":
                raise Conflict("Die afspraak was geannuleerd.")
            await appointments.set_state(session, appointment, state, now)
            await self.note_event(session, worker, appointment, state, now)
        self.inbox.changed(worker.partnership_id, appointment.case_id)

    async def follow_up(self, worker: WorkerView, appointment_id: int) -> None:
        """One click after a missed appointment: a gentle message to find a new moment."""
        now = self.inbox.clock()
        async with self.inbox.db.transaction() as session:
            appointment = await self.appointment(session, worker, appointment_id)
            if appointment.state != "no_show":
                raise Conflict("Een opvolgbericht kan alleen na 'niet gekomen'.")
            youth = await session.get(Youth, appointment.youth_id)
            assert youth is not None
            await send_reply(session, self.inbox.translator, youth, Reply((msg(FOLLOW_UP),)), now)
            await self.note_event(session, worker, appointment, "follow_up", now)
        self.inbox.notify_outbox()
        self.inbox.changed(worker.partnership_id, appointment.case_id)

    async def note_event(
        self,
        session: AsyncSession,
        worker: WorkerView,
        appointment: Appointment,
        what: str,
        now: datetime,
    ) -> None:
        data = {"id": appointment.id, "what": what}
        await casework.add_event(session, appointment.case_id, worker.id, "appointment", data, now)
        await casework.audit(session, worker.id, f"appointment_{what}", appointment.case_id, now)

    async def of_case(self, worker: WorkerView, case_id: int) -> list[AppointmentView]:
        async with self.inbox.db.transaction() as session:
            case = await self.inbox.own_case(session, worker, case_id)
            rows = await appointments.of_case(session, case.id)
            names = {w.id: w.first_name for w in await self.team(session, worker)}
        return [view_of(a, names.get(a.worker_id, "?")) for a in rows]

    async def day(self, worker: WorkerView, day: date) -> list[DayItem]:
        """My appointments on one (local) day; a day far out of range is refused (Invalid).

        Each youth shown gets one audit row per look."""
        check_agenda_day(day)
        tz = self.inbox.translator.tz
        start = datetime.combine(day, time(0), tzinfo=tz)
        async with self.inbox.db.transaction() as session:
            rows = await appointments.of_worker_between(
                session, worker.id, start, start + timedelta(days=1)
            )
            now = self.inbox.clock()
            for case_id in dict.fromkeys(a.case_id for a, _ in rows):
                await casework.audit(session, worker.id, "view_agenda", case_id, now)
        return [
            DayItem(
                view_of(a, worker.first_name),
                a.case_id,
                str(answers.get("name") or "?"),
                a.late,
                dict(a.wish),
            )
            for a, answers in rows
        ]

    async def team(self, session: AsyncSession, worker: WorkerView) -> list[Worker]:
        return await workers.of_partnership(session, worker.partnership_id)


FIRST_AGENDA_DAY, LAST_AGENDA_DAY = date(2000, 1, 1), date(2999, 12, 31)


def check_agenda_day(day: date) -> None:
    """An agenda day the calendar can hold with a day either side (not year 1 or 9999)."""
    if not FIRST_AGENDA_DAY <= day <= LAST_AGENDA_DAY:
        raise Invalid(f"Kies een dag tussen {FIRST_AGENDA_DAY.year} en {LAST_AGENDA_DAY.year}.")


# --- appointments of a case, with what the youth said ----------------------------------------


@dataclass(frozen=True)
class CaseAppointments:
    youth_name: str
    items: list[DayItem]
    unreachable: bool  # the youth blocked the bot: appointment messages do not arrive


async def case_appointments(
    planner: Appointments, worker: WorkerView, case_id: int, *, audit: bool
) -> CaseAppointments:
    """A case's appointments, earliest first, with "te laat" and the youth's wish to move.

    `audit`: this read is the visit itself, so it goes in the audit trail; False where the
    visit is already logged (the case page, its timeline, the message after an action).
    (`Appointments.of_case` gives the views only; the inbox also shows the youth's answers.)
    """
    inbox = planner.inbox
    async with inbox.db.transaction() as session:
        case = await inbox.own_case(session, worker, case_id)
        if audit:
            await casework.audit_view(
                session, worker.id, case.id, inbox.clock(), "view_appointments"
            )
        names = {w.id: w.first_name for w in await planner.team(session, worker)}
        return await appointments_in(session, case, names)


async def appointments_in(
    session: AsyncSession, case: Case, names: Mapping[int, str]
) -> CaseAppointments:
    """A case's appointments in the caller's transaction; `names`: the team's first names."""
    name = str((case.answers or {}).get("name") or "?")
    youth = await session.get(Youth, case.youth_id)
    unreachable = bool(youth is not None and youth.unreachable)
    items = [
        DayItem(view_of(a, names.get(a.worker_id, "?")), a.case_id, name, a.late, dict(a.wish))
        for a in await appointments.of_case(session, case.id)
    ]
    return CaseAppointments(name, items, unreachable)
