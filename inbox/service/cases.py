"""Reading: the queue (waiting against the promise, mine, the team's, low check-ins) and a
case with its timeline.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from flows.assignment import WaitingCase, suggest
from flows.checkins import LOW
from flows.directory import Partnership
from flows.intake import add_workdays
from inbox.errors import Invalid
from inbox.service.base import Base, candidate
from inbox.service.queue import QueueAsk, with_promise
from inbox.service.views import (
    CaseView,
    CheckinsView,
    LowScore,
    Promise,
    QueuedCase,
    QueueView,
    UrgentPromise,
)
from storage import casework, checkins, queue, timeline, window, workers, youths
from storage.casework import CaseSummary
from storage.models import Case, Youth
from storage.queue import Kind
from storage.timeline import Cursor, TimelineItem
from storage.workers import WorkerView

URGENT_WITHIN = timedelta(hours=1)  # a crisis: answered within the hour of working time
LOW_WINDOW = timedelta(days=7)  # "wie zit laag deze week"


class Cases(Base):
    """The queue and a case as a worker reads them; reading is audited."""

    async def queue(self, worker: WorkerView, ask: QueueAsk | None = None) -> QueueView:
        """One page of each list (waiting, mine, the team's for coordinators), filtered."""
        ask = ask or QueueAsk()
        now = self.clock()
        partnership = self.partnership(worker)
        today = now.astimezone(self.translator.tz).date()
        filters = with_promise(ask, today, partnership.first_response_workdays, self.translator.tz)
        kinds: list[Kind] = (
            ["waiting", "mine", "team"] if worker.is_coordinator else ["waiting", "mine"]
        )
        async with self.db.transaction() as session:
            mine_ids = [worker.id, *await workers.covered_by(session, worker)]
            pages = {
                kind: await queue.page(
                    session, kind, worker.partnership_id, mine_ids, filters,
                    ask.cursors.get(kind), ask.limit,
                )
                for kind in kinds
                if kind not in ask.done
            }  # fmt: skip
            for kind in [k for k in kinds if k in ask.done]:  # read to the end: only its count
                count = await queue.count(session, kind, worker.partnership_id, mine_ids, filters)
                pages[kind] = queue.Page([], count, None)
            empty = queue.Page([], 0, None)
            waiting = pages.get("waiting", empty).cases
            mine = pages.get("mine", empty).cases
            team = pages.get("team", empty).cases
            low = await self.low_scores(session, worker, mine_ids, now)
            returned = await casework.returned_at(session, [c.id for c in waiting])
            urgent = await self.urgent_promises(session, partnership, [*waiting, *mine, *team], now)
            unread = await queue.unread(session, mine_ids)
            await casework.audit(session, worker.id, "view_queue", None, now)
        queued = []
        for case in waiting:
            since = returned.get(case.id) or case.created_at
            state, deadline = self.promise(partnership, since, now)
            if case.id in urgent:
                crisis = urgent[case.id]
                state, deadline = ("urgent_late" if crisis.late else "urgent_hour"), crisis.deadline
            queued.append(QueuedCase(case, since, state, deadline, returning=case.flag == "terug"))
        totals: dict[str, int] = {kind: p.total for kind, p in pages.items()}
        cursors: dict[str, str | None] = {kind: p.next for kind, p in pages.items()}
        return QueueView(queued, mine, team, low, urgent, totals, cursors, unread)

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

    async def case(
        self, worker: WorkerView, case_id: int, older_than: Cursor | None = None
    ) -> CaseView:
        async with self.db.transaction() as session:
            case = await self.own_case(session, worker, case_id)
            return await self.read_case(session, worker, case, older_than)

    async def read_case(
        self, session: AsyncSession, worker: WorkerView, case: Case, older_than: Cursor | None
    ) -> CaseView:
        """The case as its page shows it, in the caller's transaction (marked read, audited).

        The youth and the team are read first and held: the summary, the answering worker and
        the timeline's names come from the session's identity map, not from more queries.
        """
        now = self.clock()
        youth = await session.get(Youth, case.youth_id)
        assert youth is not None
        team = await workers.of_partnership(session, worker.partnership_id)
        if case.worker_id in (worker.id, None) or await self.covering(session, worker, case):
            await casework.mark_read(session, case)
        await casework.audit_view(session, worker.id, case.id, now)
        summary = await casework.summary_of(session, case)
        page = await timeline.page(
            session, case, older_than, names={w.id: w.first_name for w in team}
        )
        # Who has room: only to suggest a worker for a case nobody has taken yet.
        load = (
            await casework.open_load(session, worker.partnership_id) if not case.worker_id else {}
        )
        answering = await casework.answering_worker(session, case)
        answers = await checkins.answers(session, youth.id)
        partnership = self.partnership(worker)
        since = await casework.waiting_since(session, case)
        crisis = await self.urgent_promises(session, partnership, [summary], now)
        may_act = await self.can_act(session, worker, case)
        closes = window.closes_at(youth.channel, await window.last_written(session, youth.id))
        kept = await window.kept_count(session, youth.id) if closes is not None else 0
        shown = youth.channel == "whatsapp" and partnership.show_phone_numbers
        phone = youths.full_number(youth.channel_user_id) if shown else ""
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
            timeline=page.items,
            timeline_older=str(page.older) if page.older else None,
            colleagues=[workers.view(w) for w in team],
            suggestions=suggest(waiting, candidates) if case.worker_id is None else [],
            quick_replies=partnership.quick_replies,
            answering=workers.view(answering) if answering else None,
            promise=promise,
            checkins=checkins_view,
            urgent=urgent,
            may_act=may_act,
            window_closes_at=closes,
            kept=kept,
            phone=phone,
        )

    async def timeline_after(
        self, worker: WorkerView, case_id: int, after: datetime | None
    ) -> list[TimelineItem]:
        """What came after a moment (the live refresh); without one, the newest page."""
        if after is None:
            return (await self.timeline_page(worker, case_id)).items
        async with self.db.transaction() as session:
            case = await self.read_timeline(session, worker, case_id)
            return await timeline.after(session, case, after)

    async def timeline_page(
        self,
        worker: WorkerView,
        case_id: int,
        older_than: Cursor | None = None,
        limit: int = timeline.PAGE,
    ) -> timeline.Page:
        """The newest `limit` items before the cursor (or of all), oldest first."""
        async with self.db.transaction() as session:
            case = await self.read_timeline(session, worker, case_id)
            return await timeline.page(session, case, older_than, limit)

    async def timeline_read(
        self, worker: WorkerView, case_id: int, after: datetime | None, before: str | None,
        limit: int,
    ) -> timeline.Page:  # fmt: skip
        """The API's getTimeline: what came after a moment (all of it), or a page."""
        if after is None:
            older_than = Cursor.parse(before) if before else None  # the schema checked it
            return await self.timeline_page(worker, case_id, older_than, limit)
        if before is not None:
            raise Invalid("before: niet samen met after.")
        return timeline.Page(await self.timeline_after(worker, case_id, after), None)

    async def read_timeline(self, session: AsyncSession, worker: WorkerView, case_id: int) -> Case:
        """The case whose timeline the worker reads: marked read when it is theirs, audited."""
        case = await self.own_case(session, worker, case_id)
        if case.worker_id == worker.id or await self.covering(session, worker, case):
            await casework.mark_read(session, case)
        await casework.audit_view(session, worker.id, case.id, self.clock())
        return case

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
