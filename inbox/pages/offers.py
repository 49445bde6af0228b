"""Group offers in the inbox: the partnership's offers and a form for a new one (a single
session or a weekly series), and one session: who signed up, the waiting list, attendance.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession

from core.offer_notes import tell_missed
from flows.intake_questions import NEEDS
from flows.model import N_
from inbox import auth
from inbox.errors import Invalid, NotFound
from inbox.pages.appointments import form_date, form_time
from inbox.pages.base import Screen, flash_url, id_param
from inbox.pages.formats import gettext
from inbox.schemas.base import MAX_ID
from storage import casework, offer_inbox
from storage.models import Youth
from storage.offers import (
    AGES,
    CAPACITY,
    KINDS,
    ForWhom,
    OfferProblem,
    add_sessions,
    create_offer,
    weekly_starts,
)
from storage.workers import WorkerView

KIND_LABELS = {
    "groepswerk": N_("Groepswerk"),
    "atelier": N_("Atelier"),
    "netwerkmoment": N_("Netwerkmoment"),
    "infosessie": N_("Infosessie"),
}
FIELDS = {  # name: longest value kept
    "title": 120, "description": 1000, "kind": 20, "place": 120, "address": 300,
    "capacity": 10, "leader": 20, "date": 20, "time": 20, "minutes": 10, "weekly": 1, "weeks": 10,
    "age_min": 10, "age_max": 10, "invite_only": 1,
}  # fmt: skip
CHOSEN = ("needs", "municipalities")  # "voor wie" checkboxes: values[name] joins them with ","
WEEKS = range(1, 53)
WALK_INS = range(0, 1001)
OK_CREATED = N_("Het aanbod staat erin, met {n} sessie(s).")
OK_ATTENDANCE = N_("Bewaard: {n} jongere(n) en {walk_ins} zonder chat waren erbij.")
NO_TITLE = N_("Geef het aanbod een titel.")
NO_PLACE = N_("Waar gaat het door?")
BAD_KIND = N_("Kies een soort.")
BAD_CAPACITY = N_("Het aantal plaatsen ligt tussen 1 en 200.")
BAD_LEADER = N_("Kies een collega uit je eigen partnerschap.")
BAD_MINUTES = N_("Een sessie duurt tussen 1 minuut en 12 uur (720 minuten).")
BAD_WEEKS = N_("Kies tussen 1 en 52 weken.")
IN_THE_PAST = N_("Dat moment is al voorbij. Kies een moment in de toekomst.")
BAD_WALK_INS = N_("Geef het aantal zonder chat als getal tussen 0 en 1000.")
BAD_AGE = N_("Kies een leeftijd tussen 18 en 30, of laat het leeg.")
AGE_ORDER = N_("De leeftijd 'van' is hoger dan 'tot'.")
TOO_MANY_NAMES = N_("Meer namen dan mensen zonder chat. Pas het aantal of de namen aan.")
NO_SESSION = "Deze sessie bestaat niet (of niet in jouw partnerschap)."


def number(value: str, allowed: range) -> int | None:
    """A whole number from a form field, if it is one within `allowed`."""
    value = value.strip()
    return int(value) if value.isdigit() and len(value) < 7 and int(value) in allowed else None


def age(value: str) -> int | None:
    return number(value, AGES) if value.strip() else None


def age_problem(values: Mapping[str, str]) -> str:
    """What is wrong with "leeftijd van … tot …" ("" if nothing: both may stay empty)."""
    given = [values["age_min"], values["age_max"]]
    if any(v.strip() and number(v, AGES) is None for v in given):
        return BAD_AGE
    return "" if for_whom(values).ages_ok() else AGE_ORDER


def for_whom(values: Mapping[str, str]) -> ForWhom:
    """The form's "voor wie" (its ages checked by `age_problem` first)."""
    return ForWhom(
        needs=tuple(filter(None, values["needs"].split(","))),
        municipalities=tuple(filter(None, values["municipalities"].split(","))),
        age_min=age(values["age_min"]),
        age_max=age(values["age_max"]),
    )


def walk_in_names(text: str) -> list[str]:
    """One first name per line: the first word of each non-empty line, at most 40 characters."""
    return [line.split()[0][:40] for line in text.splitlines() if line.split()]


class OfferPages(Screen):
    """Aanbod: the list and the form, and one session with its attendance."""

    async def page(
        self, request: web.Request, *, status: int = 200, values: Mapping[str, str] | None = None,
        errors: Mapping[str, str] | None = None,
    ) -> web.StreamResponse:  # fmt: skip
        worker = auth.require_worker(request)
        team = [w for w, _ in await self.inbox.team(worker)]
        async with self.db.transaction() as session:
            offers = await offer_inbox.offers_of(
                session, worker.partnership_id, {w.id: w.first_name for w in team},
                self.formats.now(),
            )  # fmt: skip
        places = [m.name for m in self.inbox.partnership(worker).municipalities]
        return self.render(
            request, "offers.html", status=status, offers=offers, team=team, kinds_of=KIND_LABELS,
            values=values or {"kind": "atelier", "capacity": "12", "minutes": "120", "weeks": "4",
                              "leader": str(worker.id), "time": "14:00"},
            errors=errors or {}, needs_list=NEEDS, places=places, ages=AGES,
        )  # fmt: skip

    async def create(self, request: web.Request) -> web.StreamResponse:
        worker = auth.require_worker(request)
        form = await request.post()
        values = {key: str(form.get(key, ""))[:limit] for key, limit in FIELDS.items()}
        places = {m.name for m in self.inbox.partnership(worker).municipalities}
        known = {"needs": dict(NEEDS), "municipalities": places}
        for name in CHOSEN:
            values[name] = ",".join(str(v) for v in form.getall(name, []) if v in known[name])
        errors, starts = await self.check(worker, values)
        if errors:
            return await self.page(request, status=422, values=values, errors=errors)
        try:
            async with self.db.transaction() as session:
                offer = await create_offer(
                    session, partnership_id=worker.partnership_id, title=values["title"],
                    description=values["description"], kind=values["kind"],
                    place=values["place"], address=values["address"],
                    capacity=int(values["capacity"]), leader_id=int(values["leader"]),
                    now=self.formats.now(), open=not values["invite_only"],
                    for_whom=for_whom(values),
                )  # fmt: skip
                await add_sessions(
                    session, offer, starts, int(values["minutes"]), self.formats.now()
                )
        except OfferProblem as error:  # checked above; the storage's words if it still refuses
            return await self.page(request, status=422, values=values, errors={"title": str(error)})
        ok = gettext(OK_CREATED).format(n=len(starts))
        raise web.HTTPSeeOther(flash_url(request, "/inbox/offers", ok=ok))

    async def check(
        self, worker: WorkerView, values: dict[str, str]
    ) -> tuple[dict[str, str], list[datetime]]:
        """The form's problems, each next to its field, or the sessions' start times."""
        problems: dict[str, str] = {}
        if not values["title"].strip():
            problems["title"] = NO_TITLE
        if not values["place"].strip():
            problems["place"] = NO_PLACE
        if values["kind"] not in KINDS:
            problems["kind"] = BAD_KIND
        if number(values["capacity"], CAPACITY) is None:
            problems["capacity"] = BAD_CAPACITY
        team = {w.id for w, _ in await self.inbox.team(worker)}
        leader = number(values["leader"], range(1, MAX_ID + 1))
        if leader not in team:
            problems["leader"] = BAD_LEADER
        if age := age_problem(values):
            problems["age"] = age
        weeks = number(values["weeks"], WEEKS) if values["weekly"] else 1
        if weeks is None:
            problems["weeks"] = BAD_WEEKS
        timing, first, _ = self.when(values)
        problems.update(timing)
        starts = weekly_starts(first, weeks or 1) if first is not None else []
        return {key: gettext(text) for key, text in problems.items()}, starts

    async def session_page(
        self, request: web.Request, *, status: int = 200, values: Mapping[str, str] | None = None,
        errors: Mapping[str, str] | None = None,
    ) -> web.StreamResponse:  # fmt: skip
        """One session: who comes (first names), who waits, the attendance form, and "Sessie
        verzetten" (`values`, `errors`: the move form sent back). Each youth shown gets one
        audit row per look."""
        worker = auth.require_worker(request)
        async with self.db.transaction() as session:
            found = await offer_inbox.detail(
                session, worker.partnership_id, id_param(request, "sid")
            )
            if found is None:
                raise NotFound(NO_SESSION)
            now = self.formats.now()
            for person in (*found.booked, *found.waiting):
                await casework.audit(session, worker.id, "view_offer_session", person.case_id, now)
        leader = {w.id: w.first_name for w, _ in await self.inbox.team(worker)}
        date, time = self.formats.local_inputs(found.session.starts_at)
        shown = values or {"date": date, "time": time, "minutes": str(found.session.minutes)}
        return self.render(
            request, "offer_session.html", status=status, values=shown, errors=errors or {},
            **self.session_context(found, leader),
        )  # fmt: skip

    def session_context(
        self, found: offer_inbox.SessionDetail, leaders: Mapping[int, str]
    ) -> dict[str, Any]:
        return {
            "found": found, "kinds_of": KIND_LABELS,
            "leader": leaders.get(found.offer.leader_id, "?"),
            "ends_at": found.session.starts_at + timedelta(minutes=found.session.minutes),
        }  # fmt: skip

    def when(self, values: Mapping[str, str]) -> tuple[dict[str, str], datetime | None, int]:
        """The date, time and minutes of a form: problems by field (message ids), or the
        start and the length."""
        problems: dict[str, str] = {}
        minutes = number(values.get("minutes", ""), range(1, 12 * 60 + 1))
        if minutes is None:
            problems["minutes"] = BAD_MINUTES
        start = None
        try:
            start = datetime.combine(
                form_date(values.get("date", "")), form_time(values.get("time", "")),
                self.inbox.translator.tz,
            )  # fmt: skip
            if start <= self.formats.now():
                problems["date"] = IN_THE_PAST
        except Invalid as error:
            problems["date"] = str(error)
        return problems, start, minutes or 0

    async def attendance(self, request: web.Request) -> web.StreamResponse:
        worker = auth.require_worker(request)
        session_id = id_param(request, "sid")
        form = await request.post()
        back = f"/inbox/offers/sessions/{session_id}"
        walk_ins = number(str(form.get("walk_ins", "0") or "0"), WALK_INS)
        if walk_ins is None:
            raise web.HTTPSeeOther(flash_url(request, back, error=gettext(BAD_WALK_INS)))
        names = walk_in_names(str(form.get("walk_in_names", ""))[:2000])
        if len(names) > walk_ins:
            raise web.HTTPSeeOther(flash_url(request, back, error=gettext(TOO_MANY_NAMES)))
        present = {int(str(v)) for v in form.getall("present", []) if str(v).isdigit()}
        async with self.db.transaction() as session:
            found = await offer_inbox.detail(session, worker.partnership_id, session_id)
            if found is None:
                raise NotFound(NO_SESSION)
            came = present & {p.youth_id for p in found.booked}
            await offer_inbox.save_attendance(session, session_id, came, walk_ins, names)
            await self.tell_missed(session, worker, found, came)
        ok = gettext(OK_ATTENDANCE).format(n=len(came), walk_ins=walk_ins)
        raise web.HTTPSeeOther(flash_url(request, back, ok=ok))

    async def tell_missed(
        self, session: AsyncSession, worker: WorkerView, found: offer_inbox.SessionDetail,
        came: set[int],
    ) -> None:  # fmt: skip
        """ "We hebben je gemist" to each booked youth who did not come, once per offer."""
        now = self.formats.now()
        if found.session.starts_at > now:  # marked ahead of time: nobody has missed it yet
            return
        for person in found.booked:
            youth = await session.get(Youth, person.youth_id)
            if person.youth_id not in came and youth is not None:
                await tell_missed(
                    session, self.inbox.translator, youth, found.offer.id, found.offer.title,
                    worker.first_name, now,
                )  # fmt: skip
