"""Who may read which report, and reading it (audited): shared by the exports and the API.

A coordinator reads their own partnership; an admin any one, or all of them together
(`partnership=all`); a worker none (Forbidden); another partnership's figures are NotFound, as
a missing one (the rule is the report page's: `Inbox.report_scope`). The figures come from storage.reports.build (with the partnerships' promises)
unless a test gives another `build`; the participant rows from storage.participants.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from datetime import datetime, time, timedelta
from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from inbox.schemas import reports as schemas
from inbox.service import Inbox
from storage import casework, participants, reports
from storage.participants import Participant
from storage.reports import Period, Report
from storage.workers import WorkerView


class ReportSource(Protocol):
    """What the JSON API asks (inbox.report_api.ReportApi; inbox.api cannot import the pages)."""

    async def report(self, worker: WorkerView, query: Mapping[str, object]) -> schemas.Report: ...

    async def participants(
        self, worker: WorkerView, query: Mapping[str, object]
    ) -> schemas.ParticipantPage: ...


Build = Callable[[AsyncSession, str | None, Period, datetime], Awaitable[Report]]
NOT_READY = "Het rapport staat niet aan op deze server."


class Reporting:
    """The report and the participant rows for one worker, each read audited."""

    def __init__(self, inbox: Inbox, pseudonym_key: bytes, build: Build | None = None) -> None:
        self.inbox = inbox
        self.build = build or self.figures
        self.pseudonym_key = pseudonym_key  # see inbox.participants.pseudonym

    async def figures(
        self, session: AsyncSession, scope: str | None, period: Period, now: datetime
    ) -> Report:
        """The report as storage counts it, with the partnerships' promises and our timezone."""
        return await reports.build(
            session, scope, period, self.inbox.promises(), now, self.inbox.translator.tz,
            self.inbox.entry_labels(scope),
        )  # fmt: skip

    def scope(self, worker: WorkerView, partnership: str | None) -> str | None:
        """The partnership whose figures the worker asks for (None: all), as the report page
        decides it: `Inbox.report_scope` (an admin's `partnership=all` is all of them)."""
        return self.inbox.report_scope(worker, partnership)

    async def report(
        self, worker: WorkerView, partnership: str | None, period: Period, action: str
    ) -> Report:
        """The figures of a period; `action` is what the audit trail records (export_report)."""
        scope = self.scope(worker, partnership)
        now = self.inbox.clock()
        async with self.inbox.db.transaction() as session:
            report = await self.build(session, scope, period, now)
            await casework.audit(session, worker.id, action, None, now)
        return report

    async def start_participants(self, worker: WorkerView, partnership: str | None) -> str | None:
        """Check and audit a participant export before its first byte; the scope to read."""
        scope = self.scope(worker, partnership)
        async with self.inbox.db.transaction() as session:
            await casework.audit(
                session, worker.id, "export_participants", None, self.inbox.clock()
            )
        return scope

    def span(self, period: Period) -> tuple[datetime, datetime]:
        """The period as moments: from its first local midnight up to the one after its end."""
        tz = self.inbox.translator.tz
        start = datetime.combine(period.start, time(), tz)
        return start, datetime.combine(period.end + timedelta(days=1), time(), tz)

    async def participants_page(
        self, scope: str | None, period: Period, page: int, size: int
    ) -> tuple[list[Participant], bool]:
        """One page of the period's participants (from 1), and whether another follows."""
        start, end = self.span(period)
        async with self.inbox.db.transaction() as session:
            found = await participants.batch(
                session, scope, start, end, limit=size + 1, offset=(page - 1) * size
            )
        return found[:size], len(found) > size

    async def participants(
        self, scope: str | None, period: Period
    ) -> AsyncIterator[list[Participant]]:
        """The period's participants in batches (each read in its own short transaction)."""
        start, end = self.span(period)
        after = 0
        while True:
            async with self.inbox.db.transaction() as session:
                found = await participants.batch(session, scope, start, end, after)
            if not found:
                return
            yield found
            after = found[-1].case_id
