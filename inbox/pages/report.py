"""The coordinator's report page: a period filter, charts with their numbers, and every table."""

from __future__ import annotations

from datetime import date
from urllib.parse import urlencode

from aiohttp import web

from inbox import auth
from inbox.pages.base import Screen
from inbox.pages.report_charts import Chart, bars, columns, number
from inbox.pages.report_period import BadPeriod, add_months, period_from, query_of
from inbox.service.reports import ALL
from storage.reports import Cell, Report

CHARTED = ("inflow_over_time", "closed_by_outcome", "first_response")
RESPONSE_ROWS = (  # the first-response rows the chart shows, and how it names them
    ("Op tijd beantwoord", "op tijd"),
    ("Te laat of nog niet beantwoord na de termijn", "te laat"),
    ("Nog niet beantwoord, de termijn loopt nog", "termijn loopt nog"),
)
KIND_LABELS = (
    ("month", "Maand"), ("quarter", "Kwartaal"), ("year", "Jaar"), ("custom", "Eigen periode"),
)  # fmt: skip


def charts(report: Report) -> dict[str, Chart]:
    """The charts a person would rather look at than read, by the key of the table they draw."""
    outcome = [(str(r[0]), number(r[1])) for r in report.table("closed_by_outcome").rows[:-1]]
    answered = dict((str(r[0]), number(r[1])) for r in report.table("first_response").rows)
    response = [(name, answered.get(row, 0)) for row, name in RESPONSE_ROWS]
    attended = [(str(r[0]), number(r[2])) for r in report.table("offers_by_kind").rows[:-1]]
    return {
        "inflow_over_time": columns(report.table("inflow_over_time")),
        "closed_by_outcome": bars(report.table("closed_by_outcome"), outcome),
        "first_response": bars(report.table("first_response"), response, "Eerste antwoord"),
        "offers_by_kind": bars(report.table("offers_by_kind"), attended, "Aanwezigheden per soort"),
    }


class ReportPage(Screen):
    """GET /inbox/report?period=…: coordinators (their partnership) and admins (any, or all)."""

    async def page(self, request: web.Request) -> web.StreamResponse:
        worker = auth.require_worker(request)
        asked = request.query.get("partnership", "").strip()[:64] or None
        scope = self.inbox.report_scope(worker, asked)  # 403 / 404 before reading the period
        today = self.formats.today()
        query = {k: request.query.get(k, "")[:40] for k in ("period", "month", "quarter", "year", "start", "end")}  # fmt: skip
        try:
            period = period_from(query, today)
        except BadPeriod as error:
            return self.show(request, None, query, scope, today, message=str(error), status=422)
        report = await self.inbox.report(worker, asked, period)
        return self.show(request, report, {**query, **query_of(period)}, scope, today)

    def show(
        self, request: web.Request, report: Report | None, query: dict[str, str],
        scope: str | None, today: date, *, message: str = "", status: int = 200,
    ) -> web.Response:  # fmt: skip
        worker = auth.require_worker(request)
        chosen = {**query_of_today(today), **{k: v for k, v in query.items() if v}}
        link = dict(query_of(report.period)) if report else {}
        if worker.role == "admin":
            link["partnership"] = scope or ALL
        empty = report is not None and number(report.table("first_response").rows[0][1]) == 0
        return self.render(
            request, "report.html", status=status, report=report, message=message,
            charts=charts(report) if report else {}, chosen=chosen, period_kinds=KIND_LABELS,
            quarters=recent_quarters(today), years=recent_years(today), empty=empty,
            period_query=urlencode(link), is_admin=worker.role == "admin",
            partnerships=[(p.id, p.name) for p in self.inbox.directory.partnerships if not p.is_fallback],
            scope=scope or ALL, figure=figure,
        )  # fmt: skip


def figure(cell: Cell) -> str:
    """A cell as a Flemish reader reads it: 83,3 with a decimal comma (as in the CSV), – for none."""
    if cell is None:
        return "–"
    return str(cell).replace(".", ",") if isinstance(cell, float) else str(cell)


def query_of_today(today: date) -> dict[str, str]:
    return {"period": "month", "month": f"{today.year}-{today.month:02d}", "year": str(today.year)}


def recent_quarters(today: date) -> list[str]:
    """This quarter and the seven before it, newest first: "2026-Q4", "2026-Q3", …"""
    first = add_months(today.replace(day=1), -((today.month - 1) % 3))
    found = []
    for back in range(8):
        day = add_months(first, -3 * back)
        found.append(f"{day.year}-Q{(day.month - 1) // 3 + 1}")
    return found


def recent_years(today: date) -> list[str]:
    return [str(today.year - back) for back in range(6)]
