"""Appointments on the case page (plan, move, cancel, mark, follow up) and my agenda."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from datetime import date, time, timedelta
from typing import Any

from aiohttp import web

from flows.model import N_
from inbox import auth
from inbox.api import case_appointments
from inbox.appointments import DayItem, check_agenda_day
from inbox.errors import Conflict, Forbidden, Invalid, NotFound
from inbox.pages.base import Screen, Site, id_param
from inbox.pages.case import CasePage
from inbox.pages.formats import LANG, gettext
from inbox.pages.labels import APPOINTMENT_LABELS
from inbox.schemas.base import MAX_ID
from storage import appointments as stored_appointments
from storage.workers import WorkerView

OK_APPOINTMENT = N_("De afspraak is gepland. {name} krijgt ze meteen.")
OK_MOVED = N_("De afspraak is verzet. {name} krijgt het nieuwe moment.")
OK_CANCELLED = N_("De afspraak is geannuleerd. {name} krijgt een bericht.")
OK_MARKED = N_("Bewaard: {state}.")
OK_FOLLOW_UP = N_("Je opvolgbericht is onderweg.")
BAD_DATE = N_("Kies een geldige datum.")
BAD_TIME = N_("Kies een geldig uur.")
BAD_MINUTES = N_("De duur moet een getal (in minuten) zijn.")
BAD_COLLEAGUE = N_("Kies een collega uit je eigen partnerschap.")


class AppointmentPages(Screen):
    """The Afspraken card's actions and the agenda of one day."""

    def __init__(self, site: Site, case: CasePage) -> None:
        super().__init__(site)
        self.case = case  # a refused plan or move shows the case again, the form kept
        self.appointments = site.appointments

    async def appointments_fragment(self, request: web.Request) -> web.StreamResponse:
        """The Afspraken list alone, for the live refresh of the case page."""
        worker = auth.require_worker(request)
        planned = await case_appointments(self.appointments, worker, id_param(request), audit=True)
        return self.render(
            request, "_appointments.html", appointments=planned.items, youth=planned.youth_name,
            unreachable=planned.unreachable, moving={},
        )  # fmt: skip

    async def new_appointment(self, request: web.Request) -> web.StreamResponse:
        worker = auth.require_worker(request)
        case_id = id_param(request)
        form = await request.post()
        values = {
            key: str(form.get(key, ""))[:limit]
            for key, limit in (
                ("date", 20), ("time", 20), ("minutes", 20), ("kind", 40),
                ("place", 10_000), ("with", 40), ("note", 10_000),
            )
        }  # fmt: skip
        try:
            team = {w.id: w for w, _ in await self.inbox.team(worker)}
            raw = values["with"]
            colleague = team.get(int(raw)) if raw.isdigit() and int(raw) <= MAX_ID else None
            if raw and colleague is None:
                raise Invalid(gettext(BAD_COLLEAGUE))
            minutes = values["minutes"].strip()
            if not re.fullmatch(r"-?[0-9]{1,6}", minutes):
                raise Invalid(gettext(BAD_MINUTES))
            await self.appointments.create(
                worker, case_id, day=form_date(values["date"]), at=form_time(values["time"]),
                minutes=int(minutes), place=values["place"], kind=values["kind"],
                note=values["note"], with_id=colleague.id if colleague else None,
            )  # fmt: skip
        except Invalid as error:
            return await self.case.page(
                request, status=422, appointment=values, appointment_error=str(error)
            )
        except (Conflict, Forbidden) as error:
            raise self.back(request, case_id, error=str(error)) from None
        name = await self.youth_name(worker, case_id)
        raise self.back(request, case_id, ok=gettext(OK_APPOINTMENT).format(name=name))

    async def youth_name(self, worker: WorkerView, case_id: int) -> str:
        return (await case_appointments(self.appointments, worker, case_id, audit=False)).youth_name

    async def appointment_case(self, worker: WorkerView, appointment_id: int) -> int:
        """The case of an appointment of my partnership (NotFound for any other)."""
        async with self.db.transaction() as session:
            found = await stored_appointments.in_partnership(
                session, worker.partnership_id, appointment_id
            )
            if found is None:
                raise NotFound("Deze afspraak bestaat niet (of niet in jouw partnerschap).")
            return found.case_id

    async def on_appointment(
        self, request: web.Request, action: Callable[[WorkerView, int, int], Awaitable[str]]
    ) -> web.StreamResponse:
        """Do `action` on an appointment, then back to its case with a message."""
        worker = auth.require_worker(request)
        appointment_id = id_param(request, "aid")
        case_id = await self.appointment_case(worker, appointment_id)
        try:
            ok = await action(worker, appointment_id, case_id)
        except (Conflict, Invalid, Forbidden) as error:
            raise self.back(request, case_id, error=str(error)) from None
        raise self.back(request, case_id, ok=ok)

    async def move_appointment(self, request: web.Request) -> web.StreamResponse:
        worker = auth.require_worker(request)
        appointment_id = id_param(request, "aid")
        case_id = await self.appointment_case(worker, appointment_id)
        form = await request.post()
        values = {"id": str(appointment_id)} | {
            key: str(form.get(key, ""))[:20] for key in ("date", "time")
        }
        try:
            await self.appointments.move(
                worker, appointment_id, day=form_date(values["date"]), at=form_time(values["time"])
            )
        except Invalid as error:
            return await self.case.page(
                request, status=422, moving=values | {"error": str(error)}, case_id=case_id
            )
        except (Conflict, Forbidden) as error:
            raise self.back(request, case_id, error=str(error)) from None
        name = await self.youth_name(worker, case_id)
        raise self.back(request, case_id, ok=gettext(OK_MOVED).format(name=name))

    async def cancel_appointment(self, request: web.Request) -> web.StreamResponse:
        async def cancel(worker: WorkerView, appointment_id: int, case_id: int) -> str:
            await self.appointments.cancel(worker, appointment_id)
            return gettext(OK_CANCELLED).format(name=await self.youth_name(worker, case_id))

        return await self.on_appointment(request, cancel)

    async def mark_appointment(self, request: web.Request) -> web.StreamResponse:
        form = await request.post()

        async def mark(worker: WorkerView, appointment_id: int, case_id: int) -> str:
            state = str(form.get("state", ""))
            await self.appointments.mark(worker, appointment_id, state)
            return gettext(OK_MARKED).format(state=gettext(APPOINTMENT_LABELS[state]))

        return await self.on_appointment(request, mark)

    async def follow_up(self, request: web.Request) -> web.StreamResponse:
        async def follow_up(worker: WorkerView, appointment_id: int, case_id: int) -> str:
            await self.appointments.follow_up(worker, appointment_id)
            return gettext(OK_FOLLOW_UP)

        return await self.on_appointment(request, follow_up)

    async def agenda(self, request: web.Request) -> web.StreamResponse:
        """My appointments of one local day, with the day before and after one click away."""
        worker = auth.require_worker(request)
        raw = request.query.get("day", "")
        try:
            day = form_date(raw) if raw else self.formats.today()
            check_agenda_day(day)
        except Invalid as error:
            return self.render(request, "agenda.html", status=422, day_of=self.formats.today(),
                               items=[], message=str(error), **self.agenda_links(self.formats.today()))  # fmt: skip
        items: list[DayItem] = await self.appointments.day(worker, day)
        return self.render(
            request, "agenda.html", day_of=day, items=items, message="", **self.agenda_links(day)
        )

    def agenda_links(self, day: date) -> dict[str, Any]:
        return {
            "day_label": self.inbox.translator.param(day, LANG),
            "previous": (day - timedelta(days=1)).isoformat(),
            "next": (day + timedelta(days=1)).isoformat(),
            "is_today": day == self.formats.today(),
        }


def form_date(value: str) -> date:
    """A date field (YYYY-MM-DD, as <input type=date> sends it)."""
    try:
        if len(value.strip()) != 10:
            raise ValueError(value)
        return date.fromisoformat(value.strip())
    except ValueError:
        raise Invalid(gettext(BAD_DATE)) from None


def form_time(value: str) -> time:
    """A time field (HH:MM, as <input type=time> sends it; seconds are dropped)."""
    try:
        parts = value.strip().split(":")
        if len(parts) not in (2, 3) or not all(p.isdigit() and len(p) == 2 for p in parts):
            raise ValueError(value)
        return time(int(parts[0]), int(parts[1]))
    except ValueError:
        raise Invalid(gettext(BAD_TIME)) from None
