"""A case's state: its status (closing cancels the appointments to come), the signals a
worker clears ("dringend", the flag) and the youth's check-in rhythm and quiet hours.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from core.planning import keep_planned
from flows.checkins import RHYTHMS
from flows.pacing import parse_quiet_hours
from inbox.errors import Conflict, Invalid
from inbox.service.assignment import Assignment
from inbox.service.base import storable
from storage import appointments, casework
from storage.casework import OUTCOMES, STATUSES
from storage.models import Case, Worker, Youth
from storage.workers import WorkerView

SIGNALS = ("urgent", "flag")  # what a worker can clear on a case
MAX_FOLLOW_UP = 500  # "Opgevolgd": a short note of what was done
NEED_FOLLOW_UP = "Schrijf kort wat je deed (bijvoorbeeld: gebeld, ze is veilig bij haar zus)."
RHYTHM_KEYS = tuple(key for key, _ in RHYTHMS)
BAD_SIGNAL = "Kies wat je wilt weghalen: 'dringend' of de markering."
BAD_RHYTHM = (
    "Kies hoe vaak de jongere een check-in krijgt: elke week, om de twee weken, "
    "elke maand of liever niet."
)
BAD_QUIET = (
    "We begrijpen de stille uren '{text}' niet. Schrijf ze zoals 21:00-09:00, "
    "of laat het vak leeg voor de standaard."
)
SAME_QUIET = "De stille uren beginnen en eindigen op hetzelfde uur. Kies twee verschillende uren."


class Status(Assignment):
    """Status, signals and check-ins; a case set back to waiting may be auto-assigned."""

    async def set_status(
        self, worker: WorkerView, case_id: int, status: str, outcome: str | None
    ) -> None:
        if status not in STATUSES:
            raise Invalid(f"Onbekende status: {status!r}.")
        if status == "closed" and outcome not in OUTCOMES:
            raise Invalid("Kies een resultaat om de aanmelding af te sluiten.")
        now = self.clock()
        async with self.db.transaction() as session:
            case = await self.own_case(session, worker, case_id)
            await self.may_act(session, worker, case)
            me = await self.acting(session, worker)
            if status == "waiting":
                await casework.unassign(session, case, me, "status", now)
            else:
                await casework.set_status(
                    session, case, status, outcome if status == "closed" else None, me, now
                )
            if status == "closed":
                await self.cancel_appointments(session, case, me, now)
            await casework.audit(session, worker.id, f"status_{status}", case.id, now)
        self.notify_outbox()
        self.changed(worker.partnership_id, case_id)
        await self.auto_assign(worker.partnership_id)

    async def cancel_appointments(
        self, session: AsyncSession, case: Case, me: Worker, now: datetime
    ) -> None:
        """A closed case keeps no appointment to come: each is cancelled, the youth told."""
        upcoming = await appointments.upcoming_of_case(session, case.id, now)
        for appointment in upcoming:
            await appointments.set_state(session, appointment, "cancelled", now)  # reminders go
            await self.tell_about_appointment(session, appointment, "cancelled", now)
            data = {"id": appointment.id, "what": "cancelled", "reason": "closed"}
            await casework.add_event(session, case.id, me.id, "appointment", data, now)
        if upcoming:
            await casework.audit(session, me.id, "appointments_closed", case.id, now)

    async def clear_signal(
        self, worker: WorkerView, case_id: int, signal: str, note: str = ""
    ) -> bool:
        """The worker followed up: take away "dringend" (saying in `note` what they did) or
        the flag. False: nothing to clear."""
        if signal not in SIGNALS:
            raise Invalid(BAD_SIGNAL)
        note = storable(" ".join(note.split()))
        if len(note) > MAX_FOLLOW_UP:
            raise Invalid(f"Houd het kort: hooguit {MAX_FOLLOW_UP} tekens.")
        now = self.clock()
        async with self.db.transaction() as session:
            case = await self.own_case(session, worker, case_id)
            await self.may_act(session, worker, case)
            me = await self.acting(session, worker)
            if signal == "urgent":
                if case.urgent and not note:
                    raise Invalid(NEED_FOLLOW_UP)
                changed = await casework.set_urgent(session, case, False, me, now, note)
            else:
                changed = await casework.set_flag(session, case, None, me, now)
            if changed:
                await casework.audit(session, worker.id, f"clear_{signal}", case.id, now)
        if changed:
            self.changed(worker.partnership_id, case_id)
        return changed

    async def set_checkins(
        self, worker: WorkerView, case_id: int, rhythm: str, quiet_hours: str | None
    ) -> bool:
        """Set how often the youth gets a check-in and their own quiet hours (None or empty:
        the partnership's); the next check-in is planned again. False: nothing changed."""
        if rhythm not in RHYTHM_KEYS:
            raise Invalid(BAD_RHYTHM)
        text = (quiet_hours or "").strip()
        quiet: str | None = None
        if text:
            parsed = parse_quiet_hours(text)
            if parsed is None:
                shown = text if len(text) <= 20 else text[:20] + "…"
                raise Invalid(BAD_QUIET.format(text=shown))
            if parsed.start == parsed.end:
                raise Invalid(SAME_QUIET)
            quiet = str(parsed)
        now = self.clock()
        async with self.db.transaction() as session:
            case = await self.own_case(session, worker, case_id)
            await self.may_act(session, worker, case)
            if case.status == "closed":
                raise Conflict("Deze aanmelding is afgesloten. Heropen ze eerst.")
            me = await self.acting(session, worker)
            youth = await session.get(Youth, case.youth_id)
            assert youth is not None
            if (youth.checkin_rhythm, youth.quiet_hours) == (rhythm, quiet):
                return False
            data: dict[str, str] = {"rhythm": rhythm, "by": "worker"}
            if youth.quiet_hours != quiet:
                data["quiet_hours"] = quiet or ""
            youth.checkin_rhythm, youth.quiet_hours, youth.updated_at = rhythm, quiet, now
            await session.flush()
            await keep_planned(session, self.runtime(), youth, now, replan=True)
            await casework.add_event(session, case.id, me.id, "rhythm", data, now)
            await casework.audit(session, worker.id, "checkins", case.id, now)
        self.changed(worker.partnership_id, case_id)
        return True
