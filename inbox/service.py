"""Inbox actions, shared by the pages and the JSON API: one place that checks and does.

Every action takes the acting worker first and works inside that worker's partnership:
a case, worker or message of another partnership raises NotFound, exactly as a missing one.
Inside the partnership, `Inbox.may_act` is the one rule for acting on a case that is not yours.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import Literal

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from core.bus import Bus
from core.i18n import Translator
from core.lexicon import load_lexicon
from core.outgoing import notify_worker, send_calendar, send_reply, send_text
from core.planning import keep_planned
from core.privacy import export_for
from core.runtime import Runtime
from flows.appointments import Intro, appointment_message
from flows.assignment import Candidate, Suggestion, WaitingCase, auto_assign, needs_requeue, suggest
from flows.checkins import LOW, RHYTHMS
from flows.context import Context
from flows.directory import Directory, Partnership
from flows.intake import add_workdays
from flows.model import N_, Reply, msg
from flows.pacing import parse_quiet_hours
from inbox.errors import Conflict, Forbidden, Invalid, NotFound
from inbox.passwords import hash_password, password_problem
from storage import appointments, casework, checkins, outbox, workers
from storage.appointments import view_of
from storage.casework import OUTCOMES, STATUSES, CaseSummary, TimelineItem
from storage.checkins import Answer
from storage.clock import utcnow
from storage.db import Database
from storage.models import Appointment, Case, Worker, Youth
from storage.workers import WorkerView

log = logging.getLogger(__name__)

MAX_REPLY = 4000  # Telegram allows 4,096 characters; the name line takes some
MAX_NOTE = 10_000
Promise = Literal["on_time", "almost_late", "late", "urgent_hour", "urgent_late"]
URGENT_WITHIN = timedelta(hours=1)  # a crisis: answered within the hour of working time

HANDOVER = N_("{new} neemt het nu over van {old}. Je kunt gewoon hier blijven schrijven.")
HANDED_OVER = N_("Je afspraak van {when} gaat gewoon door, nu met {name}.")
COVER = N_("{old} is even afwezig. {new} leest en antwoordt intussen.")
SIGNATURE = N_("{name} schrijft:")
ASSIGNED = N_("{name} is aan jou toegewezen. Open de inbox.")
LINK_CODE_TTL = timedelta(minutes=15)
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I to misread
LOW_WINDOW = timedelta(days=7)  # "wie zit laag deze week"
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
NOT_YOURS = "Deze jongere is aan een collega toegewezen."


@dataclass(frozen=True)
class UrgentPromise:
    """A crisis case: answered within the hour; outside working hours the coordinators are
    told at once and the hour starts when the team is back."""

    deadline: datetime
    after_hours: bool
    late: bool


@dataclass(frozen=True)
class QueuedCase:
    case: CaseSummary
    waiting_since: datetime
    promise: Promise
    deadline: datetime
    returning: bool = False  # wrote again after the case was closed


@dataclass(frozen=True)
class LowScore:
    """A youth who answered a check-in low this week: the newest low answer of the case."""

    case: CaseSummary
    score: int
    answered_at: datetime


@dataclass(frozen=True)
class QueueView:
    waiting: list[QueuedCase]
    mine: list[CaseSummary]  # urgent ones first
    team: list[CaseSummary]  # coordinators: every open case of the partnership
    low: list[LowScore] = field(default_factory=list)  # mine; coordinators: the partnership's
    urgent: dict[int, UrgentPromise] = field(default_factory=dict)  # by case id


@dataclass(frozen=True)
class CheckinsView:
    """The youth's check-ins as a worker sees them on the case page."""

    rhythm: str | None  # week | 2weeks | month | none; None: never chosen
    quiet_hours: str | None  # the youth's own, like "22:00-10:00"; None: the partnership's
    default_quiet_hours: str  # the partnership's
    answers: list[Answer]  # newest first


@dataclass(frozen=True)
class CaseView:
    case: CaseSummary
    answers: dict[str, object]
    timeline: list[TimelineItem]
    colleagues: list[WorkerView]
    suggestions: list[Suggestion]
    quick_replies: tuple[str, ...]
    answering: WorkerView | None
    promise: Promise | None
    checkins: CheckinsView | None = None
    urgent: UrgentPromise | None = None
    may_act: bool = True  # False: a colleague's case, to read and leave a note on only


def storable(text: str) -> str:
    """A worker's text as typed, unless it holds a NUL character (no database keeps those)."""
    if "\x00" in text:
        raise Invalid(
            "Je tekst bevat een onzichtbaar teken dat we niet kunnen bewaren. Typ hem opnieuw."
        )
    return text


@dataclass
class Inbox:
    db: Database
    directory: Directory
    translator: Translator
    bus: Bus
    notify_outbox: Callable[[], None]
    timezone: str = "Europe/Brussels"
    clock: Callable[[], datetime] = utcnow

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

    async def tell_about_appointment(
        self, session: AsyncSession, appointment: Appointment, intro: Intro, now: datetime
    ) -> None:
        """The youth hears about a change to an appointment at once, in their language."""
        youth = await session.get(Youth, appointment.youth_id)
        worker = await session.get(Worker, appointment.worker_id)
        assert youth is not None and worker is not None
        view = view_of(appointment, worker.first_name)
        reply = appointment_message(view, self.context(youth, now), intro=intro)
        await send_reply(session, self.translator, youth, reply, now)
        if intro in ("new", "moved"):
            await send_calendar(session, self.translator, youth, view, now)

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

    def promise(
        self, partnership: Partnership, created: datetime, now: datetime
    ) -> tuple[Promise, datetime]:
        """Waiting time against the first-response promise (working days, local time)."""
        local = created.astimezone(self.translator.tz)
        last_day = add_workdays(local.date(), partnership.first_response_workdays)
        deadline = datetime.combine(last_day, time(23, 59), tzinfo=self.translator.tz)
        if now > deadline:
            return "late", deadline
        if now.astimezone(self.translator.tz).date() >= last_day:
            return "almost_late", deadline
        return "on_time", deadline

    def urgent_promise(
        self, partnership: Partnership, since: datetime, now: datetime
    ) -> UrgentPromise:
        """Within the hour in working hours; outside them, within the hour after opening."""
        local = since.astimezone(self.translator.tz)
        opening = partnership.next_opening(local) or local
        deadline = opening + URGENT_WITHIN
        return UrgentPromise(deadline, after_hours=opening != local, late=now > deadline)

    async def urgent_promises(
        self,
        session: AsyncSession,
        partnership: Partnership,
        cases: list[CaseSummary],
        now: datetime,
    ) -> dict[int, UrgentPromise]:
        since = await casework.urgent_since(session, [c.id for c in cases if c.urgent])
        return {case_id: self.urgent_promise(partnership, at, now) for case_id, at in since.items()}

    # --- reading ----------------------------------------------------------------------------

    async def queue(self, worker: WorkerView) -> QueueView:
        now = self.clock()
        partnership = self.partnership(worker)
        async with self.db.transaction() as session:
            waiting = await casework.queue(session, worker.partnership_id)
            mine_ids = [worker.id]
            for colleague in await workers.of_partnership(session, worker.partnership_id):
                if colleague.absent and colleague.cover_id == worker.id:
                    mine_ids.append(colleague.id)  # I cover for them
            mine = await casework.assigned_to(session, mine_ids)
            mine.sort(key=lambda c: not c.urgent)  # stable: otherwise the order stays
            team = (
                await casework.open_cases(session, worker.partnership_id)
                if worker.is_coordinator
                else []
            )
            low = await self.low_scores(session, worker, mine_ids, now)
            returned = await casework.returned_at(session, [c.id for c in waiting])
            urgent = await self.urgent_promises(session, partnership, [*waiting, *mine, *team], now)
            await casework.audit(session, worker.id, "view_queue", None, now)
        queued = []
        for case in waiting:
            since = returned.get(case.id) or case.created_at
            state, deadline = self.promise(partnership, since, now)
            if case.id in urgent:
                crisis = urgent[case.id]
                state, deadline = ("urgent_late" if crisis.late else "urgent_hour"), crisis.deadline
            queued.append(QueuedCase(case, since, state, deadline, returning=case.flag == "terug"))
        queued.sort(key=lambda q: not q.case.urgent)  # stable: otherwise oldest first
        team.sort(key=lambda c: not c.urgent)
        return QueueView(queued, mine, team, low, urgent)

    async def low_scores(
        self, session: AsyncSession, worker: WorkerView, mine_ids: list[int], now: datetime
    ) -> list[LowScore]:
        """Low check-in answers of the last week: my cases (coordinators: the partnership)."""
        rows = await checkins.low_since(session, worker.partnership_id, now - LOW_WINDOW, LOW)
        found = await casework.summaries(
            session, worker.partnership_id, list({case_id for case_id, _, _ in rows})
        )
        low: dict[int, LowScore] = {}
        for case_id, score, answered_at in rows:  # newest first: keep the first of each case
            case = found.get(case_id)
            if case is None or case_id in low:
                continue
            if worker.is_coordinator or case.worker_id in mine_ids:
                low[case_id] = LowScore(case, score, answered_at)
        return list(low.values())

    async def case(self, worker: WorkerView, case_id: int) -> CaseView:
        now = self.clock()
        async with self.db.transaction() as session:
            case = await self.own_case(session, worker, case_id)
            if case.worker_id in (worker.id, None) or await self.covering(session, worker, case):
                await casework.mark_read(session, case)
            await casework.audit_view(session, worker.id, case.id, now)
            summary = await casework.summary_of(session, case)
            timeline = await casework.timeline(session, case)
            team = await workers.of_partnership(session, worker.partnership_id)
            load = await casework.open_load(session, worker.partnership_id)
            answering = await casework.answering_worker(session, case)
            youth = await session.get(Youth, case.youth_id)
            assert youth is not None
            answers = await checkins.answers(session, youth.id)
            partnership = self.partnership(worker)
            since = await casework.waiting_since(session, case)
            crisis = await self.urgent_promises(session, partnership, [summary], now)
            may_act = await self.can_act(session, worker, case)
        checkins_view = CheckinsView(
            rhythm=youth.checkin_rhythm,
            quiet_hours=youth.quiet_hours,
            default_quiet_hours=str(partnership.quiet_hours),
            answers=answers,
        )
        candidates = [candidate(w, load.get(w.id, 0)) for w in team]
        waiting = WaitingCase(case.id, case.created_at, summary.language, summary.municipality)
        promise = self.promise(partnership, since, now)[0] if case.status == "waiting" else None
        urgent = crisis.get(case.id)
        if urgent is not None and case.status == "waiting":
            promise = "urgent_late" if urgent.late else "urgent_hour"
        return CaseView(
            case=summary,
            answers=dict(case.answers),
            timeline=timeline,
            colleagues=[workers.view(w) for w in team],
            suggestions=suggest(waiting, candidates) if case.worker_id is None else [],
            quick_replies=partnership.quick_replies,
            answering=workers.view(answering) if answering else None,
            promise=promise,
            checkins=checkins_view,
            urgent=urgent,
            may_act=may_act,
        )

    async def covering(self, session: AsyncSession, worker: WorkerView, case: Case) -> bool:
        answering = await casework.answering_worker(session, case)
        return answering is not None and answering.id == worker.id

    async def timeline_after(
        self, worker: WorkerView, case_id: int, after: datetime | None
    ) -> list[TimelineItem]:
        async with self.db.transaction() as session:
            case = await self.own_case(session, worker, case_id)
            if case.worker_id == worker.id or await self.covering(session, worker, case):
                await casework.mark_read(session, case)
            await casework.audit_view(session, worker.id, case.id, self.clock())
            return await casework.timeline(session, case, after)

    async def audit_trail(
        self, worker: WorkerView, case_id: int
    ) -> list[tuple[datetime, str, str]]:
        if not worker.is_coordinator:
            raise Forbidden("Alleen coördinatoren zien wie een dossier bekeek.")
        async with self.db.transaction() as session:
            case = await self.own_case(session, worker, case_id)
            await casework.audit(session, worker.id, "view_audit", case.id, self.clock())
            return await casework.audit_trail(session, case.id)

    async def export(self, worker: WorkerView, case_id: int) -> tuple[str, str]:
        """A coordinator produces the youth's /mijngegevens file: (file name, JSON); audited."""
        if not worker.is_coordinator:
            raise Forbidden("Alleen coördinatoren kunnen de gegevens van een jongere exporteren.")
        now = self.clock()
        async with self.db.transaction() as session:
            case = await self.own_case(session, worker, case_id)
            youth = await session.get(Youth, case.youth_id)
            assert youth is not None
            _, name, content = await export_for(session, self.runtime(), youth, now)
            await casework.audit(session, worker.id, "export", case.id, now)
        return name, content

    async def team(self, worker: WorkerView) -> list[tuple[WorkerView, int]]:
        async with self.db.transaction() as session:
            team = await workers.of_partnership(session, worker.partnership_id)
            load = await casework.open_load(session, worker.partnership_id)
        return [(workers.view(w), load.get(w.id, 0)) for w in team]

    # --- acting -----------------------------------------------------------------------------

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

    async def reply(
        self, worker: WorkerView, case_id: int, text: str, ref: str | None = None
    ) -> None:
        """Send a worker's message to the youth, signed with their first name."""
        text = storable(text).strip()
        if not text:
            raise Invalid("Je bericht is leeg.")
        if len(text) > MAX_REPLY:
            raise Invalid(
                f"Je bericht is {len(text)} tekens lang; het mag er hooguit {MAX_REPLY} zijn. "
                "Verdeel het over twee berichten."
            )
        now = self.clock()
        try:
            async with self.db.transaction() as session:
                case = await self.own_case(session, worker, case_id)
                if case.status == "closed":
                    raise Conflict("Deze aanmelding is afgesloten. Heropen ze eerst.")
                me = await self.acting(session, worker)
                if case.worker_id is None:
                    await casework.claim(session, case.id, me, now)  # answering is taking it
                else:
                    await self.may_act(session, worker, case)
                youth = await session.get(Youth, case.youth_id)
                assert youth is not None
                signature = self.translator.gettext(SIGNATURE, youth.lang).format(
                    name=me.first_name
                )
                await self.say_to_youth(session, youth, me, f"{signature}\n{text}", ref, now)
                await casework.mark_read(session, case)
                await casework.audit(session, worker.id, "reply", case.id, now)
        except IntegrityError:
            return  # the same form was submitted twice: it was sent once
        self.notify_outbox()
        self.changed(worker.partnership_id, case_id)

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
        await send_text(session, youth, message, now)

    async def note(self, worker: WorkerView, case_id: int, text: str) -> None:
        text = storable(text).strip()
        if not text:
            raise Invalid("Je notitie is leeg.")
        if len(text) > MAX_NOTE:
            raise Invalid(f"Een notitie mag hooguit {MAX_NOTE} tekens lang zijn.")
        now = self.clock()
        async with self.db.transaction() as session:
            case = await self.own_case(session, worker, case_id)
            me = await self.acting(session, worker)
            await casework.add_note(session, case, me, text, now)
            await casework.audit(session, worker.id, "note", case.id, now)
        self.changed(worker.partnership_id, case_id)

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

    # --- the team ---------------------------------------------------------------------------

    async def add_worker(
        self,
        worker: WorkerView,
        *,
        username: str,
        first_name: str,
        full_name: str,
        password: str,
        role: str = "worker",
        capacity: int = 15,
        languages: tuple[str, ...] = ("nl",),
        organisation: str = "",
    ) -> WorkerView:
        if not worker.is_coordinator:
            raise Forbidden("Alleen coördinatoren voegen collega's toe.")
        if role not in ("worker", "coordinator"):
            raise Invalid("Kies de rol trajectgezel of coördinator.")
        if not username.strip() or not first_name.strip():
            raise Invalid("Vul een gebruikersnaam en een voornaam in.")
        username = in_partnership(username, worker.partnership_id)
        problem = password_problem(password, username)
        if problem:
            raise Invalid(problem)
        for value, most, what in ((username, 120, "De gebruikersnaam"), (first_name, 60, "De voornaam"),
                                  (full_name, 120, "De volledige naam"), (organisation, 120, "De organisatie")):  # fmt: skip
            if len(storable(value)) > most:
                raise Invalid(f"{what} mag hooguit {most} tekens lang zijn.")
        if not 0 <= capacity <= 200:
            raise Invalid("Het aantal jongeren moet tussen 0 en 200 liggen.")
        hashed = await asyncio.to_thread(hash_password, password)  # slow on purpose: off the loop
        try:
            async with self.db.transaction() as session:
                new = await workers.add(
                    session,
                    partnership_id=worker.partnership_id,
                    username=username,
                    first_name=first_name.strip(),
                    full_name=full_name.strip() or first_name.strip(),
                    password_hash=hashed,
                    role=role,
                    now=self.clock(),
                    organisation=organisation.strip(),
                    languages=languages,
                    capacity=capacity,
                )
                await casework.audit(session, worker.id, "add_worker", None, self.clock())
                return workers.view(new)
        except IntegrityError as exc:  # only a name in this partnership can clash
            raise Invalid("Die gebruikersnaam bestaat al.") from exc

    async def set_presence(
        self, worker: WorkerView, worker_id: int, absent: bool, cover_id: int | None
    ) -> None:
        """Mark a worker absent or back; with no present cover their cases go back to the queue."""
        if worker.id != worker_id and not worker.is_coordinator:
            raise Forbidden("Je kunt alleen jezelf afwezig zetten.")
        now = self.clock()
        async with self.db.transaction() as session:
            target = await self.colleague(session, worker, worker_id)
            cover = await self.colleague(session, worker, cover_id) if cover_id else None
            if cover is not None and cover.id == target.id:
                raise Invalid("Iemand kan niet zijn eigen vervanger zijn.")
            target.absent, target.cover_id = absent, cover.id if cover else None
            load = await casework.open_load(session, worker.partnership_id)
            if needs_requeue(candidate(target, load.get(target.id, 0)),
                             candidate(cover, load.get(cover.id, 0)) if cover else None):  # fmt: skip
                for case in await casework.assigned_to(session, [target.id]):
                    row = await casework.case_in(session, worker.partnership_id, case.id)
                    if row is not None and row.status != "closed":
                        await casework.unassign(session, row, None, "absent", now)
            elif absent and cover is not None:
                await self.tell_cover(session, target, cover, now)
            await casework.audit(session, worker.id, "presence", None, now)
        self.notify_outbox()
        self.changed(worker.partnership_id)
        await self.auto_assign(worker.partnership_id)

    async def tell_cover(
        self, session: AsyncSession, absent: Worker, cover: Worker, now: datetime
    ) -> None:
        """Youths of an absent worker hear who answers meanwhile."""
        for case in await casework.assigned_to(session, [absent.id]):
            row = await casework.case_in(session, absent.partnership_id, case.id)
            youth = await session.get(Youth, row.youth_id) if row else None
            if youth is not None:
                text = self.translator.gettext(COVER, youth.lang).format(
                    old=absent.first_name, new=cover.first_name
                )
                await self.say_to_youth(session, youth, None, text, None, now)

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

    async def link_code(self, worker: WorkerView) -> str:
        """A one-time code the worker sends to the bot (/koppel CODE) to get notifications."""
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(6))
        async with self.db.transaction() as session:
            me = await self.acting(session, worker)
            await workers.set_link_code(session, me, code, self.clock() + LINK_CODE_TTL)
        return code


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


def in_partnership(username: str, partnership_id: str) -> str:
    """The login name of a colleague a coordinator adds: what they typed, ending in
    "@<partnership>" ("sara" in wam becomes "sara@wam").

    Login names stay unique over the whole instance (the login page asks for no
    partnership), yet a coordinator can only ever clash with a name of their own
    partnership: whether "sara" exists elsewhere is not theirs to learn.
    """
    name = username.strip()
    suffix = f"@{partnership_id}"
    return name if name.lower().endswith(suffix.lower()) else name + suffix
