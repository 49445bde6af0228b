"""The report's downloads: the tables as CSV and XLSX, and the anonymous participant export.

The period comes as on the report page (inbox.pages.report_period); `partnership` lets an
admin choose one. The participant export is streamed: rows are read in batches and written
as they come (CSV), or into a temporary file sent once it is complete (XLSX), so its size
does not depend on memory.
"""

from __future__ import annotations

import asyncio
from datetime import date

from aiohttp import web

from inbox import auth
from inbox.exports import filename, report_csv, report_xlsx
from inbox.pages.base import Screen, Site
from inbox.pages.report_period import BadPeriod, period_from
from inbox.participants import XlsxFile, csv_batch, csv_header, row_of
from inbox.reporting import Reporting
from storage.reports import Period

CSV = "text/csv; charset=utf-8"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class Exports(Screen):
    """GET /inbox/report.csv|.xlsx and /inbox/report/participants.csv|.xlsx (audited)."""

    def __init__(self, site: Site, reporting: Reporting) -> None:
        super().__init__(site)
        self.reporting = reporting

    def today(self) -> date:
        return self.inbox.clock().astimezone(self.inbox.translator.tz).date()

    def asked(self, request: web.Request) -> tuple[str | None, Period]:
        """The partnership and period of the query: first who may (403, 404, as the report
        page), then a bad period is a 422 page with the report page's message."""
        partnership = request.query.get("partnership") or None
        self.reporting.scope(auth.require_worker(request), partnership)
        try:
            period = period_from(request.query, self.today())
        except BadPeriod as error:
            raise web.HTTPUnprocessableEntity(
                text=self.render(request, "error.html", message=str(error)).text,
                content_type="text/html",
                headers=self.site.headers,
            ) from None
        return partnership, period

    def download(self, body: bytes, content_type: str, name: str) -> web.Response:
        return web.Response(body=body, headers=self.headers(content_type, name))

    def headers(self, content_type: str, name: str) -> dict[str, str]:
        return {
            **self.site.headers,
            "Content-Type": content_type,
            "Content-Disposition": f'attachment; filename="{name}"',
        }

    async def report_csv(self, request: web.Request) -> web.StreamResponse:
        worker = auth.require_worker(request)
        partnership, period = self.asked(request)
        report = await self.reporting.report(worker, partnership, period, "export_report")
        scope = report.partnership_id
        name = filename("rapport", scope, period, "csv")
        return self.download(report_csv(report, scope or "alle"), CSV, name)

    async def report_xlsx(self, request: web.Request) -> web.StreamResponse:
        worker = auth.require_worker(request)
        partnership, period = self.asked(request)
        report = await self.reporting.report(worker, partnership, period, "export_report")
        scope = report.partnership_id
        body = await asyncio.to_thread(report_xlsx, report, scope or "alle")
        return self.download(body, XLSX, filename("rapport", scope, period, "xlsx"))

    async def participants_csv(self, request: web.Request) -> web.StreamResponse:
        worker = auth.require_worker(request)
        partnership, period = self.asked(request)
        scope = await self.reporting.start_participants(worker, partnership)
        name = filename("deelnemers", scope, period, "csv")
        response = web.StreamResponse(headers=self.headers(CSV, name))
        await response.prepare(request)
        await response.write(csv_header().encode("utf-8"))
        key, tz = self.reporting.pseudonym_key, self.inbox.translator.tz
        async for batch in self.reporting.participants(scope, period):
            rows = [row_of(p, key, tz) for p in batch]
            await response.write(csv_batch(rows).encode("utf-8"))
        await response.write_eof()
        return response

    async def participants_xlsx(self, request: web.Request) -> web.StreamResponse:
        worker = auth.require_worker(request)
        partnership, period = self.asked(request)
        scope = await self.reporting.start_participants(worker, partnership)
        key, tz = self.reporting.pseudonym_key, self.inbox.translator.tz
        book = await asyncio.to_thread(XlsxFile)
        try:
            async for batch in self.reporting.participants(scope, period):
                rows = [row_of(p, key, tz) for p in batch]
                await asyncio.to_thread(book.append, rows)
            await asyncio.to_thread(book.finish)
            name = filename("deelnemers", scope, period, "xlsx")
            response = web.StreamResponse(headers=self.headers(XLSX, name))
            await response.prepare(request)
            for chunk in book.chunks():
                await response.write(chunk)
            await response.write_eof()
            return response
        finally:
            book.close()
