"""The report in the JSON API: the same `Reporting` (access, audit) and period as the pages."""

from __future__ import annotations

from collections.abc import Mapping

from inbox.pages.report_period import BadPeriod, period_from
from inbox.participants import COLUMNS, row_of
from inbox.problems import problem
from inbox.reporting import Reporting
from inbox.schemas.reports import (
    Participant,
    ParticipantPage,
    Report,
    ReportPeriod,
    ReportTable,
)
from inbox.service import Inbox
from storage import reports
from storage.reports import Period
from storage.workers import WorkerView

BAD_PERIOD = "Ongeldige periode"
PER_PAGE = 1000


class ReportApi:
    """Given to `InboxApi` at the composition root (inbox.api cannot import the pages)."""

    def __init__(self, inbox: Inbox, reporting: Reporting) -> None:
        self.inbox = inbox
        self.reporting = reporting

    def asked(self, worker: WorkerView, query: Mapping[str, object]) -> tuple[str | None, Period]:
        """The partnership and period of the query: first who may (403, 404), then a bad
        period is a 422 with the report page's message."""
        asked = {name: str(value) for name, value in query.items() if name != "page"}
        self.reporting.scope(worker, asked.get("partnership") or None)
        today = self.inbox.clock().astimezone(self.inbox.translator.tz).date()
        try:
            period = period_from(asked, today)
        except BadPeriod as error:
            raise problem(422, BAD_PERIOD, str(error)) from None
        return asked.get("partnership") or None, period

    async def report(self, worker: WorkerView, query: Mapping[str, object]) -> Report:
        partnership, period = self.asked(worker, query)
        found = await self.reporting.report(worker, partnership, period, "export_report")
        return as_json(found)

    async def participants(
        self, worker: WorkerView, query: Mapping[str, object]
    ) -> ParticipantPage:
        partnership, period = self.asked(worker, query)
        page = query.get("page", 1)
        assert isinstance(page, int)  # the operation's parameter reads it as one
        scope = await self.reporting.start_participants(worker, partnership)
        found, more = await self.reporting.participants_page(scope, period, page, PER_PAGE)
        key, tz = self.reporting.pseudonym_key, self.inbox.translator.tz
        rows = [dict(zip(COLUMNS, row_of(p, key, tz), strict=True)) for p in found]
        return ParticipantPage(
            partnership=scope,
            period=period_json(period),
            page=page,
            per_page=PER_PAGE,
            next_page=page + 1 if more else None,
            participants=[
                Participant.model_validate({k: v if v != "" else None for k, v in row.items()})
                for row in rows
            ],
        )


def period_json(period: Period) -> ReportPeriod:
    return ReportPeriod(start=period.start, end=period.end, label=period.label)


def as_json(report: reports.Report) -> Report:
    period = report.period
    return Report(
        partnership=report.partnership_id,
        period=period_json(period),
        tables=[
            ReportTable(
                key=t.key,
                title=t.title,
                columns=list(t.columns),
                rows=[list(row) for row in t.rows],
                note=t.note,
            )
            for t in report.tables
        ],
    )
