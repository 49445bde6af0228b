"""The report's downloads and API as a coordinator gets them (issue 13, items 4–5).

The figures come from a stub `build` (the report helper owns the real one); what is tested
here is that the CSV, the XLSX and the JSON show exactly the Report's tables, who may get
them, that a bad period is a clear 422 (as on the report page), that each download is in the audit trail, and that
the participant export is anonymous and streamed.
"""

from __future__ import annotations

import contextlib
import csv
import html
import io
import json
import re
import urllib.parse
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.bus import Bus
from core.templates import Templates
from inbox import auth
from inbox.api import InboxApi, problems_middleware
from inbox.exports import csv_text, report_rows
from inbox.pages import TEMPLATES, InboxPages
from inbox.pages.report_period import period_from
from inbox.participants import pseudonym_key
from inbox.report_api import ReportApi
from inbox.reporting import Build, Reporting
from inbox.service import Inbox
from storage import reports
from storage.db import Database
from storage.models import AuditEntry
from storage.reports import Cell, Period, Report, Table
from storage.workers import WorkerView
from tests.support.inbox import PASSWORD, add_case, add_worker
from tests.support.pages import make_inbox

KEY = pseudonym_key("test secret")


def tables() -> tuple[Table, ...]:
    return (
        Table(
            key="inflow_by_month",
            title="Nieuwe aanmeldingen per maand",
            columns=("maand", "aanmeldingen", "aandeel"),
            rows=(("november 2026", 12, 0.75), ("december 2026", 4, 0.25), ("onbekend", 0, None)),
            note="Per maand van aanmelding.",
        ),
        Table(
            key="by_municipality_and_something_long_beyond_31",
            title="Per gemeente",
            columns=("gemeente", "aantal"),
            rows=(("Maasmechelen", 7), ("=SUM(A1:A9)", 1), ('Zoë\'s dorp; "quoted"', 2)),
        ),
        Table(key="empty", title="Laat opgevolgd", columns=("dossier", "trajectgezel"), rows=()),
    )


async def stub_build(
    session: AsyncSession, partnership_id: str | None, period: Period, now: datetime
) -> Report:
    return Report(partnership_id, period, tables())


@dataclass
class Site:
    db: Database
    inbox: Inbox
    client: TestClient[web.Request, web.Application]
    sara: WorkerView  # a worker at WAM!
    jan: WorkerView  # WAM!'s coordinator
    ada: WorkerView  # an admin

    async def get(
        self, path: str, worker: WorkerView, **query: str
    ) -> tuple[int, bytes, dict[str, str]]:
        token, _ = await auth.login(self.db, worker.username, PASSWORD, "127.0.0.1")
        headers = {"Cookie": f"{auth.COOKIE}={token}"}
        async with self.client.get(path, headers=headers, params=query) as response:
            return response.status, await response.read(), dict(response.headers)

    async def audit(self, worker: WorkerView) -> list[str]:
        async with self.db.transaction() as session:
            stmt = select(AuditEntry.action).where(AuditEntry.worker_id == worker.id)
            return list((await session.execute(stmt.order_by(AuditEntry.id))).scalars())


@pytest.fixture
async def site(db: Database) -> AsyncIterator[Site]:
    async with open_site(db) as found:
        yield found


@contextlib.asynccontextmanager
async def open_site(db: Database, build: Build | None = stub_build) -> AsyncIterator[Site]:
    """Jan (coordinator) and Sara (worker) at WAM!, Ada (admin); the report from `stub_build`
    (None: storage.reports.build, as the service runs it)."""
    inbox = make_inbox(db, Bus())
    reporting = Reporting(inbox, KEY, build)
    app = web.Application(middlewares=[problems_middleware(), auth.middleware(db)])
    pages = InboxPages(inbox, db, Templates(TEMPLATES), secure_cookies=False, reporting=reporting)
    app.add_routes(pages.routes())
    app.add_routes(InboxApi(inbox, ReportApi(inbox, reporting)).routes())
    sara = await add_worker(db, "Sara")
    jan = await add_worker(db, "Jan", role="coordinator")
    ada = await add_worker(db, "Ada", role="admin", partnership="samenwerkt")
    async with TestClient(TestServer(app)) as client:
        yield Site(db, inbox, client, sara, jan, ada)


NOVEMBER = {"period": "month", "month": "2026-11"}


def parsed(text: str) -> Cell:
    """A CSV cell as Belgian Excel would read it back."""
    if text == "":
        return None
    if re.fullmatch(r"-?\d+", text):
        return int(text)
    if re.fullmatch(r"-?\d+,\d+", text):
        return float(text.replace(",", "."))
    return text[1:] if text.startswith("'") else text


async def test_csv_is_the_reports_tables_for_belgian_excel(site: Site) -> None:
    status, body, headers = await site.get("/inbox/report.csv", site.jan, **NOVEMBER)
    assert status == 200
    assert headers["Content-Type"] == "text/csv; charset=utf-8"
    assert headers["Content-Disposition"] == 'attachment; filename="instap-rapport-wam-2026-11.csv"'
    assert body.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM: Excel reads é as é
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))
    assert rows[:2] == [
        ["Instap rapport", "wam"],
        ["Periode", "november 2026", "2026-11-01", "2026-11-30"],
    ]
    at = 2
    for table in tables():
        assert rows[at] == []
        assert rows[at + 1] == [table.title]
        at += 2
        if table.note:
            assert rows[at] == [table.note]
            at += 1
        assert tuple(rows[at]) == table.columns
        found = tuple(
            tuple(parsed(c) for c in row) for row in rows[at + 1 : at + 1 + len(table.rows)]
        )
        assert found == table.rows
        at += 1 + len(table.rows)
    assert at == len(rows)
    assert "0,75" in body.decode("utf-8-sig")  # a decimal comma, as Excel-BE expects
    assert "'=SUM(A1:A9)" in body.decode("utf-8-sig")  # text, never run as a formula


async def test_xlsx_has_a_sheet_per_table_with_the_period_and_numbers_as_numbers(
    site: Site,
) -> None:
    status, body, headers = await site.get("/inbox/report.xlsx", site.jan, **NOVEMBER)
    assert status == 200
    assert (
        headers["Content-Disposition"] == 'attachment; filename="instap-rapport-wam-2026-11.xlsx"'
    )
    book = load_workbook(io.BytesIO(body))
    assert book.sheetnames == ["inflow_by_month", "by_municipality_and_something_l", "empty"]
    for table, sheet in zip(tables(), book.worksheets, strict=True):
        values = [list(row) for row in sheet.iter_rows(values_only=True)]
        assert values[0][0] == table.title
        assert values[1][0] == "wam · periode november 2026 (2026-11-01 – 2026-11-30)"
        header = 3 if not table.note else 4
        if table.note:
            assert values[2][0] == table.note
        assert tuple(values[header]) == table.columns
        assert all(sheet.cell(header + 1, i + 1).font.b for i in range(len(table.columns)))
        assert tuple(tuple(row) for row in values[header + 1 :]) == table.rows
        assert sheet.column_dimensions["A"].width >= len(table.columns[0])
    first = book.worksheets[0]
    assert first.cell(6, 2).data_type == "n" and first.cell(6, 3).value == 0.75
    assert book.worksheets[1].cell(5, 1).data_type == "s"  # "=SUM(…)" stays text


async def test_the_api_gives_the_same_tables(site: Site) -> None:
    token, _ = await auth.login(site.db, site.jan.username, PASSWORD, "127.0.0.1")
    response = await site.client.get(
        "/api/report", params=NOVEMBER, headers={"Cookie": f"{auth.COOKIE}={token}"}
    )
    assert response.status == 200
    data = await response.json()
    assert data["partnership"] == "wam"
    assert data["period"] == {"start": "2026-11-01", "end": "2026-11-30", "label": "november 2026"}
    assert [
        (t["key"], t["title"], tuple(t["columns"]), tuple(tuple(r) for r in t["rows"]), t["note"])
        for t in data["tables"]
    ] == [(t.key, t.title, t.columns, t.rows, t.note) for t in tables()]


async def test_every_download_is_in_the_audit_trail(site: Site) -> None:
    for path in ("/inbox/report.csv", "/inbox/report.xlsx", "/api/report"):
        assert (await site.get(path, site.jan, **NOVEMBER))[0] == 200
    for path in ("/inbox/report/participants.csv", "/inbox/report/participants.xlsx"):
        assert (await site.get(path, site.jan, **NOVEMBER))[0] == 200
    assert await site.audit(site.jan) == ["export_report"] * 3 + ["export_participants"] * 2


EXPORTS = (
    "/inbox/report.csv",
    "/inbox/report.xlsx",
    "/inbox/report/participants.csv",
    "/inbox/report/participants.xlsx",
    "/api/report/participants",
)


async def test_a_worker_gets_403_and_another_partnership_404(site: Site) -> None:
    for path in (*EXPORTS, "/api/report"):
        status, body, _ = await site.get(path, site.sara, **NOVEMBER)
        assert status == 403, path
        assert "Alleen coördinatoren" in body.decode()
        status, body, _ = await site.get(path, site.jan, **NOVEMBER, partnership="samenwerkt")
        assert status == 404, path
        assert (await site.get(path, site.ada, **NOVEMBER, partnership="nergens"))[0] == 404
    assert await site.audit(site.sara) == []  # a refusal is no export


async def test_an_admin_chooses_a_partnership_or_all(site: Site) -> None:
    status, _, headers = await site.get(
        "/inbox/report.csv", site.ada, **NOVEMBER, partnership="wam"
    )
    assert status == 200
    assert 'filename="instap-rapport-wam-2026-11.csv"' in headers["Content-Disposition"]
    status, _, headers = await site.get("/inbox/report.csv", site.ada, year="2025")
    assert 'filename="instap-rapport-samenwerkt-2025.csv"' in headers["Content-Disposition"]
    status, body, headers = await site.get(
        "/inbox/report.xlsx", site.ada, year="2025", partnership="all"
    )
    assert status == 200
    assert 'filename="instap-rapport-alle-2025.xlsx"' in headers["Content-Disposition"]
    assert load_workbook(io.BytesIO(body)).worksheets[0].cell(2, 1).value.startswith("alle ·")


async def test_the_report_page_links_its_downloads_for_the_period_shown(db: Database) -> None:
    async with open_site(db, None) as site:
        status, body, _ = await site.get("/inbox/report", site.jan, **NOVEMBER)
        assert status == 200
        links = [
            html.unescape(href) for href in re.findall(r'<a href="([^"]+)" download', body.decode())
        ]
        assert links == [
            f"{path}?period=month&month=2026-11"
            for path in (
                "/inbox/report.xlsx",
                "/inbox/report.csv",
                "/inbox/report/participants.xlsx",
                "/inbox/report/participants.csv",
            )
        ]
        for link in links:
            path, query = link.split("?")
            status, _, headers = await site.get(
                path, site.jan, **dict(urllib.parse.parse_qsl(query))
            )
            assert status == 200, link
            assert "2026-11." in headers["Content-Disposition"]
        status, body, _ = await site.get(
            "/inbox/report", site.ada, year="2025", period="year", partnership="all"
        )
        assert "/inbox/report.csv?period=year&amp;year=2025&amp;partnership=all" in body.decode()


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"period": "month", "month": "2026-13"}, "Geef de maand als jaar-maand"),
        ({"period": "custom", "start": "2026-05-01", "end": "2026-04-01"}, "De begindatum ligt na"),
        ({"period": "year", "year": "2999"}, "in de toekomst"),
        ({"period": "week"}, "Kies een geldige periode"),
    ],
)
async def test_a_bad_period_is_a_clear_422_everywhere(
    site: Site, query: dict[str, str], message: str
) -> None:
    """The page, the downloads and the API answer a bad period alike: 422 and the same
    Dutch sentence (in the API as a problem's detail)."""
    for path in ("/inbox/report", *EXPORTS, "/api/report"):
        status, body, _ = await site.get(path, site.jan, **query)
        assert status == 422, path
        assert message in body.decode(), path
        if path.startswith("/api/"):
            problem = json.loads(body)
            assert problem["status"] == 422 and message in problem["detail"], path
        assert (await site.get(path, site.sara, **query))[0] == 403  # who first, as the page
    assert await site.audit(site.jan) == []


async def test_the_real_report_comes_through_whole(db: Database) -> None:
    """Without a stub: the CSV is what storage.reports.build counts for Jan's partnership."""
    async with open_site(db, None) as site:
        await add_case(db, "Noor", "wam", chat="r1")
        await add_case(db, "Lina", "samenwerkt", chat="r2")
        status, body, _ = await site.get("/inbox/report.csv", site.jan)
        assert status == 200
        rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))
        now = site.inbox.clock()
        period = period_from({}, now.astimezone(site.inbox.translator.tz).date())
        promises = {p.id: p.first_response_workdays for p in site.inbox.directory.partnerships}
        async with db.transaction() as session:
            expected = await reports.build(
                session, "wam", period, promises, now, site.inbox.translator.tz,
                site.inbox.entry_labels("wam"),
            )  # fmt: skip
        assert [[csv_text(c) for c in row] for row in report_rows(expected, "wam")] == rows
        assert len(expected.tables) > 5
        status, body, _ = await site.get("/inbox/report.xlsx", site.jan)
        assert status == 200
        sheets = load_workbook(io.BytesIO(body)).worksheets
        assert [sheet.cell(1, 1).value for sheet in sheets] == [t.title for t in expected.tables]
