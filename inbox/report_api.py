"""The report in the JSON API: the same `Reporting` (access, audit) and period as the pages."""

from __future__ import annotations

from collections.abc import Mapping

from inbox.pages.report_period import BadPeriod, period_from
from inbox.problems import problem
from inbox.reporting import Reporting
from inbox.schemas.reports import Report, ReportPeriod, ReportTable
from inbox.service import Inbox
from storage import reports
from storage.workers import WorkerView

BAD_PERIOD = "Ongeldige periode"


class ReportApi:
    """Given to `InboxApi` at the composition root (inbox.api cannot import the pages)."""

    def __init__(self, inbox: Inbox, reporting: Reporting) -> None:
        self.inbox = inbox
        self.reporting = reporting

    async def report(self, worker: WorkerView, query: Mapping[str, object]) -> Report:
        asked = {name: str(value) for name, value in query.items()}
        today = self.inbox.clock().astimezone(self.inbox.translator.tz).date()
        try:
            period = period_from(asked, today)
        except BadPeriod as error:
            raise problem(400, BAD_PERIOD, str(error)) from None
        found = await self.reporting.report(
            worker, asked.get("partnership") or None, period, "export_report"
        )
        return as_json(found)


def as_json(report: reports.Report) -> Report:
    period = report.period
    return Report(
        partnership=report.partnership_id,
        period=ReportPeriod(start=period.start, end=period.end, label=period.label),
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
