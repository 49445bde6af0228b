"""Issue 13's first "Done when": a known WWIN-like population (tests/inbox/wwin_population.py)
and the report page, the CSV, the XLSX, the JSON API and the participant export all show
exactly the figures counted by hand from its story, the ESF+ breakdown by gender and the
"onbekend" counts included. Each surface is read as a coordinator (Jan) reads it.

The population is built once per database (module scope: 400 youths through the storage
functions take seconds); the tests only read it.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass
from html.parser import HTMLParser

import pytest
import pytest_asyncio
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from openpyxl import load_workbook

from core.bus import Bus
from core.templates import Templates
from inbox import auth
from inbox.api import InboxApi, problems_middleware
from inbox.pages import TEMPLATES, InboxPages
from inbox.participants import COLUMNS, pseudonym_key
from inbox.report_api import ReportApi
from inbox.reporting import Reporting
from storage.db import Database
from tests.conftest import fresh_postgres_database
from tests.inbox.wwin_population import NOW, build_wwin
from tests.support.inbox import PASSWORD
from tests.support.pages import make_inbox

pytestmark = pytest.mark.asyncio(loop_scope="module")

Row = tuple[str | int | float | None, ...]
YEAR = {"period": "year", "year": "2026"}

# --- the figures, counted by hand from the story (tests/inbox/wwin_population.py) ----------
# Every block of ten youths holds 4 women, 3 men, 1 x, 1 "wil ik niet zeggen" and 1 without
# a profile ("onbekend"); so n blocks hold 10n youths.

EXPECTED: dict[str, tuple[Row, ...]] = {
    # 40 a month from January to October; none in November and December.
    "inflow_over_time": (
        ("jan. 2026", 40),
        ("feb. 2026", 40),
        ("mrt. 2026", 40),
        ("apr. 2026", 40),
        ("mei 2026", 40),
        ("jun. 2026", 40),
        ("jul. 2026", 40),
        ("aug. 2026", 40),
        ("sep. 2026", 40),
        ("okt. 2026", 40),
        ("nov. 2026", 0),
        ("dec. 2026", 0),
    ),
    # Blocks: even 20 → Wetteren 200; b % 4 == 1: 10 → Wichelen 100; b % 8 == 3: 5 → Lede
    # 50; b % 8 == 7: 5 → none given 50.
    "inflow_by_municipality": (
        ("Wetteren", 200),
        ("Wichelen", 100),
        ("Lede", 50),
        ("onbekend", 50),
    ),
    # Open now: blocks 26…37 active (120), 38-39 paused (20); nobody waits.
    "in_guidance": (("wachtend", 0), ("actief", 120), ("gepauzeerd", 20), ("totaal", 140)),
    # Blocks 0…12 work, 13…19 training, 20-21 other help, 24-25 no contact, 22 moved, 23 other.
    "closed_by_outcome": (
        ("werk", 130),
        ("opleiding", 70),
        ("andere hulp", 20),
        ("geen contact meer", 20),
        ("verhuisd", 10),
        ("andere", 10),
        ("totaal", 260),
    ),
    # Every youth was answered two hours after registering: all 400 on time.
    "first_response": (
        ("Nieuwe aanmeldingen", 400),
        ("Op tijd beantwoord", 400),
        ("Te laat of nog niet beantwoord na de termijn", 0),
        ("Nog niet beantwoord, de termijn loopt nog", 0),
        ("Op tijd (%)", 100.0),
        ("Mediaan tot het eerste antwoord (uur)", 2.0),
    ),
    # Open now per worker: Sara blocks 27, 30, 33, 36, 39 (50) of 60; Tom 28, 31, 34, 37 (40)
    # of 40; Lien 26, 29, 32, 35, 38 (50) of 45; Jan none of 15.
    "caseload": (
        ("Jan Peeters", 0, 15, 0.0),
        ("Lien Claes", 50, 45, 111.1),
        ("Sara Janssens", 50, 60, 83.3),
        ("Tom De Smet", 40, 40, 100.0),
    ),
    # (new, open now, closed, to work or training) by block b % 3: Sara 0 (14 blocks; open 5;
    # closed 0…24: 9; work/training 0…18: 7), Tom 1 (13; 4; 9; 7), Lien 2 (13; 5; 8; 6).
    "per_worker": (
        ("Lien Claes", 130, 50, 80, 60),
        ("Sara Janssens", 140, 50, 90, 70),
        ("Tom De Smet", 130, 40, 90, 70),
    ),
    # Wetteren even blocks (open 26…38: 7, closed 0…24: 13, to work/training 0…18: 10);
    # Wichelen 1, 5, …, 37 (open 29, 33, 37; closed 1…25: 7; 1…17: 5); Lede 3, 11, 19, 27, 35;
    # onbekend 7, 15, 23, 31, 39.
    "per_municipality": (
        ("Lede", 50, 20, 30, 30),
        ("Wetteren", 200, 70, 130, 100),
        ("Wichelen", 100, 30, 70, 50),
        ("onbekend", 50, 20, 30, 20),
    ),
    # ESF+ participants: all 400 ran in 2026 (40 blocks). Columns: vrouw, man, x, wil ik niet
    # zeggen, onbekend, totaal. A row over n blocks of everyone is (4n, 3n, n, n, n, 10n); over
    # n blocks of those with a profile (4n, 3n, n, n, 0, 9n); the 40 youths without a profile
    # add (0, 0, 0, 0, 40, 40) to every "onbekend" row of a profile field.
    "esf_participants": (
        ("Deelnemers", 160, 120, 40, 40, 40, 400),  # 40 blocks
        ("Werkloos (ook langdurig werkloos)", 64, 48, 16, 16, 0, 144),  # b % 5 in 0, 1: 16
        ("Langdurig werkloos", 32, 24, 8, 8, 0, 72),  # b % 5 == 1: 8 blocks
        ("Inactief", 32, 24, 8, 8, 0, 72),  # b % 5 == 2: 8
        ("Werkend (ook zelfstandig)", 32, 24, 8, 8, 0, 72),  # b % 5 == 3: 8
        ("Arbeidsmarktstatus onbekend", 32, 24, 8, 8, 40, 112),  # b % 5 == 4: 8, + 40
        ("Jonger dan 18", 40, 30, 10, 10, 10, 100),  # 16, 17: b % 8 in 0, 1: 10 blocks
        ("18 tot en met 29 jaar", 80, 60, 20, 20, 20, 200),  # 18, 22, 25, 29: 20
        ("30 jaar of ouder", 20, 15, 5, 5, 5, 50),  # 30: 5
        ("Leeftijd onbekend", 20, 15, 5, 5, 5, 50),  # no age given: 5
        ("Opleiding ISCED 0–2 (hoogstens lager secundair)", 60, 45, 15, 15, 0, 135),  # 15
        ("Opleiding ISCED 3–4 (hoger secundair, postsecundair)", 60, 45, 15, 15, 0, 135),  # 15
        ("Opleiding ISCED 5–8 (hoger onderwijs)", 20, 15, 5, 5, 0, 45),  # b % 8 == 6: 5
        ("Opleidingsniveau onbekend", 20, 15, 5, 5, 40, 85),  # b % 8 == 7: 5, + 40
        ("Kansengroep met een handicap: ja", 16, 12, 4, 4, 0, 36),  # b % 10 == 0: 4
        ("Kansengroep met een handicap: onbekend", 0, 0, 0, 0, 40, 40),  # the 40
        ("Kansengroep onderdaan van een land buiten de EU: ja", 0, 0, 0, 0, 0, 0),
        ("Kansengroep onderdaan van een land buiten de EU: onbekend", 160, 120, 40, 40, 40, 400),
        ("Kansengroep met een buitenlandse achtergrond: ja", 80, 60, 20, 20, 0, 180),  # even: 20
        ("Kansengroep met een buitenlandse achtergrond: onbekend", 80, 60, 20, 20, 40, 220),  # odd
        ("Kansengroep van een minderheid (ook Roma): ja", 0, 0, 0, 0, 0, 0),
        ("Kansengroep van een minderheid (ook Roma): onbekend", 160, 120, 40, 40, 40, 400),
        ("Kansengroep dakloos of zonder eigen woning: ja", 8, 6, 2, 2, 0, 18),  # blocks 7, 27
        ("Kansengroep dakloos of zonder eigen woning: onbekend", 0, 0, 0, 0, 40, 40),
        ("Kansengroep uit een landelijk gebied: ja", 0, 0, 0, 0, 0, 0),
        ("Kansengroep uit een landelijk gebied: onbekend", 160, 120, 40, 40, 40, 400),
    ),
    # Leavers in 2026: blocks 0…25 (26 blocks).
    "esf_results": (
        ("Verlaters (afgesloten in de periode)", 104, 78, 26, 26, 26, 260),
        ("In opleiding of vorming bij vertrek", 28, 21, 7, 7, 7, 70),  # 13…19: 7 blocks
        ("Aan het werk bij vertrek (ook zelfstandig)", 52, 39, 13, 13, 13, 130),  # 0…12: 13
        ("Ander resultaat bij vertrek", 16, 12, 4, 4, 4, 40),  # 20…23: 4
        ("Resultaat bij vertrek onbekend", 8, 6, 2, 2, 2, 20),  # 24, 25 (no contact): 2
        ("Behaalde een kwalificatie", 40, 30, 10, 10, 0, 90),  # 10…19, with a profile
        ("Kwalificatie onbekend", 8, 6, 2, 2, 26, 44),  # 24, 25 with a profile + 26 without
    ),
    # Closed February to June 2026 (blocks 0…19), so their six months fall in 2026.
    "esf_six_months": (
        ("Zes maanden na vertrek", 80, 60, 20, 20, 20, 200),  # 20 blocks
        ("Na zes maanden: werkt", 20, 15, 5, 5, 5, 50),  # 0, 4, 8, 12, 16
        ("Na zes maanden: volgt een opleiding", 20, 15, 5, 5, 5, 50),  # 1, 5, 9, 13, 17
        ("Na zes maanden: zoekt nog", 12, 9, 3, 3, 3, 30),  # 2, 10, 18
        ("Na zes maanden: iets anders", 8, 6, 2, 2, 2, 20),  # 6, 14
        ("Na zes maanden: onbekend (niet gevraagd of geen antwoord)", 20, 15, 5, 5, 5, 50),
    ),  # the last row: blocks 3, 7, 11, 15, 19 never answered
    # Group offers (tests/inbox/offers_population.py). Columns: sessions held, attendances,
    # of which walk-ins, unique participants, average attendance per session.
    # Koken: 6 Mar (0, 1, 2 + 2 walk-ins) and 13 Mar (0, 3); 20 Mar nothing saved, 27 Mar
    # cancelled, 19 Dec 2025 before the period. Werkattitude: 2 Jun (2, 4, 5, 6 + 3), 9 Jun
    # (4, 5), 16 Jun (saved: nobody), 4 Aug (5 walk-ins); 23 Jun nothing saved. Netwerkmoment:
    # 1 Jan 2026 00:30 (3 walk-ins; 2025 in UTC) and 24 Sep (0, 2, 4, 7 + 10); 1 Jan 2027
    # 00:30 is after the period (2026 in UTC). WAM's "Koken in Gent" is not WWIN's.
    "offers_by_kind": (
        ("groepswerk", 2, 7, 2, 4, 3.5),  # youths 0, 1, 2, 3
        ("atelier", 4, 14, 8, 4, 3.5),  # youths 2, 4, 5, 6
        ("netwerkmoment", 2, 17, 13, 4, 8.5),  # youths 0, 2, 4, 7
        ("infosessie", 0, 0, 0, 0, None),
        ("totaal", 8, 38, 23, 8, 4.8),  # youths 0…7, each once; 38 / 8 = 4,75
    ),
    "offers_by_offer": (
        ("Koken", "groepswerk", 2, 7, 2, 4, 3.5),
        ("Werkattitude", "atelier", 4, 14, 8, 4, 3.5),
        ("Netwerkmoment met werkgevers", "netwerkmoment", 2, 17, 13, 4, 8.5),
    ),
}
ESF_COLUMNS = (
    "Indicator", "vrouw", "man", "x (non-binair of anders)", "wil ik niet zeggen", "onbekend",
    "totaal",
)  # fmt: skip
# The participant export: one row per case that ran in 2026 (WWIN's 400, not WAM's 5).
PARTICIPANTS: dict[str, dict[str, int]] = {
    "partnerschap": {"wwin": 400},
    "geslacht": {"woman": 160, "man": 120, "x": 40, "not_said": 40, "unknown": 40},
    "leeftijdsgroep": {"under_18": 100, "18_29": 200, "30_plus": 50, "unknown": 50},
    "arbeidsmarktstatus_bij_start": {
        "unemployed": 72,
        "long_term_unemployed": 72,
        "inactive": 72,
        "employed": 72,
        "unknown": 112,
    },
    "opleidingsniveau": {"isced_0_2": 135, "isced_3_4": 135, "isced_5_8": 45, "unknown": 85},
    "uitstroom": {
        "work": 130,
        "training": 70,
        "other_help": 20,
        "no_contact": 20,
        "moved": 10,
        "other": 10,
        "": 140,
    },
    "resultaat_bij_uitstroom": {
        "employment": 130,
        "education": 70,
        "other": 40,
        "unknown": 20,
        "": 140,
    },
    # yes: blocks 10…19 with a profile (90); no: 0…9 and 20…23 (14 × 9 = 126); the rest.
    "kwalificatie": {"yes": 90, "no": 126, "unknown": 184},
    # 150 answered; 110 closed without an answer (never asked, or no answer); 140 still open.
    "resultaat_na_zes_maanden": {
        "work": 50,
        "training": 50,
        "looking": 30,
        "other": 20,
        "unknown": 110,
        "": 140,
    },
    "dakloos": {"yes": 18, "no": 342, "unknown": 40},
}


# --- the site, over one population per database ---------------------------------------------


@pytest_asyncio.fixture(scope="module", loop_scope="module", params=["sqlite", "postgresql"])
async def wwin(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Database]:
    """The population, built once per database for the module's tests (which only read)."""
    if request.param == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('wwin')}/instap.db"
    else:
        url = await fresh_postgres_database(request.getfixturevalue("postgres"))
    database = Database(url)
    await database.migrate()
    await build_wwin(database)
    yield database
    await database.dispose()


@dataclass
class Jan:
    """WWIN's coordinator, logged in, on the inbox as the service runs it (a clock in 2027)."""

    client: TestClient[web.Request, web.Application]
    cookie: dict[str, str]

    async def get(self, path: str, **query: str) -> tuple[int, bytes, dict[str, str]]:
        async with self.client.get(path, headers=self.cookie, params=query) as response:
            return response.status, await response.read(), dict(response.headers)


@pytest_asyncio.fixture(loop_scope="module")
async def jan(wwin: Database) -> AsyncIterator[Jan]:
    inbox = make_inbox(wwin, Bus())
    inbox.clock = lambda: NOW
    reporting = Reporting(inbox, pseudonym_key("test secret"))
    app = web.Application(middlewares=[problems_middleware(), auth.middleware(wwin)])
    pages = InboxPages(inbox, wwin, Templates(TEMPLATES), secure_cookies=False, reporting=reporting)
    app.add_routes(pages.routes())
    app.add_routes(InboxApi(inbox, ReportApi(inbox, reporting)).routes())
    token, _ = await auth.login(wwin, "jan@wwin", PASSWORD, "127.0.0.1")
    async with TestClient(TestServer(app)) as client:
        yield Jan(client, {"Cookie": f"{auth.COOKIE}={token}"})


def assert_figures(tables: dict[str, tuple[tuple[str, ...], tuple[Row, ...]]]) -> None:
    """Every expected table, row by row (the ESF+ ones with their gender columns), after the
    headline: 400 youths guided, 200 of them to work or training."""
    assert tables["esf_participants"][1][0][-1] == 400
    assert sum(row[-1] for row in tables["per_worker"][1]) == 200
    for key, rows in EXPECTED.items():
        assert key in tables, key
        columns, found = tables[key]
        if key.startswith("esf_"):
            assert columns == ESF_COLUMNS, key
        assert found == rows, key


# --- the page --------------------------------------------------------------------------------


class ReportTables(HTMLParser):
    """The report page's tables as a person reads them: per section (t-<key>), the column
    headings and each row's heading and cells, as text."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, tuple[list[str], list[list[str]]]] = {}
        self.key: str | None = None
        self.cell: list[str] | None = None
        self.row: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "section" and (found.get("id") or "").startswith("t-"):
            self.key = str(found["id"])[2:]
            self.tables[self.key] = ([], [])
        elif self.key and tag == "tr":
            self.row = []
        elif self.key and self.row is not None and tag in ("th", "td"):
            self.cell = []

    def handle_data(self, data: str) -> None:
        if self.cell is not None:
            self.cell.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("th", "td") and self.cell is not None and self.row is not None:
            self.row.append("".join(self.cell).strip())
            self.cell = None
        elif tag == "tr" and self.row is not None and self.key:
            columns, rows = self.tables[self.key]
            if not columns:
                columns.extend(self.row)
            else:
                rows.append(self.row)
            self.row = None
        elif tag == "section":
            self.key = None


def read(text: str) -> str | int | float | None:
    """A figure as a Flemish reader reads it on the page and in Excel: 400, 83,3 (a decimal
    comma), "–" or nothing for none; anything else (83.3 too) stays text."""
    if text in ("–", ""):
        return None
    if re.fullmatch(r"-?\d+", text):
        return int(text)
    if re.fullmatch(r"-?\d+,\d+", text):
        return float(text.replace(",", "."))
    return text


async def test_the_report_page_shows_the_known_figures(jan: Jan) -> None:
    status, body, _ = await jan.get("/inbox/report", **YEAR)
    assert status == 200
    parser = ReportTables()
    parser.feed(body.decode())
    tables = {
        key: (tuple(columns), tuple((row[0], *(read(c) for c in row[1:])) for row in rows))
        for key, (columns, rows) in parser.tables.items()
    }
    assert_figures(tables)
    page = body.decode()
    assert 'id="chart-offers_by_kind"' in page  # attendances per kind, as bars
    assert "Aanwezigheden per soort: groepswerk: 7, atelier: 14, netwerkmoment: 17" in page
    assert "Wie zonder chat kwam, kunnen we niet als persoon tellen" in page  # the footnote


# --- the CSV, the XLSX and the API ------------------------------------------------------------


def blocks(lines: list[list[str]]) -> list[list[list[str]]]:
    """The CSV's tables: the lines between the empty lines."""
    found: list[list[list[str]]] = []
    for line in lines:
        if not line:
            found.append([])
        else:
            found[-1].append(line)
    return found


async def test_the_csv_shows_the_known_figures_as_belgian_excel_reads_them(jan: Jan) -> None:
    status, body, headers = await jan.get("/inbox/report.csv", **YEAR)
    assert status == 200
    assert 'filename="instap-rapport-wwin-2026.csv"' in headers["Content-Disposition"]
    assert body.startswith(b"\xef\xbb\xbf")  # the BOM: Excel reads UTF-8
    lines = list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))
    assert lines[:2] == [
        ["Instap rapport", "wwin"],
        ["Periode", "2026", "2026-01-01", "2026-12-31"],
    ]
    # Each table: an empty line, its title, maybe a note, its columns, its rows.
    titles = {
        "Nieuwe aanmeldingen": "inflow_over_time",
        "Aanmeldingen per gemeente": "inflow_by_municipality",
        "Jongeren nu in begeleiding": "in_guidance",
        "Afgesloten in de periode, per uitkomst": "closed_by_outcome",
        "Eerste antwoord tegenover de belofte": "first_response",
        "Caseload per trajectgezel tegenover de capaciteit": "caseload",
        "Per trajectgezel": "per_worker",
        "Per gemeente": "per_municipality",
        "ESF+: deelnemers per gender en gemeenschappelijke outputindicator": "esf_participants",
        "ESF+: resultaat bij vertrek": "esf_results",
        "ESF+: situatie zes maanden na vertrek": "esf_six_months",
        "Groepsaanbod per soort": "offers_by_kind",
        "Groepsaanbod per aanbod": "offers_by_offer",
    }
    tables: dict[str, tuple[tuple[str, ...], tuple[Row, ...]]] = {}
    for block in blocks(lines[2:]):
        title, rest = block[0][0], block[1:]
        if title not in titles:
            continue
        if len(rest[0]) == 1 and len(rest) > 1 and len(rest[1]) > 1:
            rest = rest[1:]  # the note under the title
        columns, found = tuple(rest[0]), rest[1:]
        tables[titles[title]] = (columns, tuple((r[0], *(read(c) for c in r[1:])) for r in found))  # fmt: skip
    assert_figures(tables)
    assert "111,1" in body.decode("utf-8-sig")  # Lien's caseload, with a decimal comma


async def test_the_xlsx_shows_the_known_figures_as_numbers(jan: Jan) -> None:
    status, body, _ = await jan.get("/inbox/report.xlsx", **YEAR)
    assert status == 200
    book = load_workbook(io.BytesIO(body))
    tables: dict[str, tuple[tuple[str, ...], tuple[Row, ...]]] = {}
    for sheet in book.worksheets:
        values = [list(row) for row in sheet.iter_rows(values_only=True)]
        header = 4 if sheet.cell(3, 1).value else 3  # title, period, note (if any), empty line
        assert all(sheet.cell(header + 1, c).font.b for c in range(1, len(values[header]) + 1))
        tables[sheet.title] = (tuple(values[header]), tuple(tuple(row) for row in values[header + 1 :]))  # fmt: skip
        for row in sheet.iter_rows(min_row=header + 2):
            for cell in row[1:]:
                if cell.value is not None and not isinstance(cell.value, str):
                    assert cell.data_type == "n"  # a number Excel can add up
    assert_figures(tables)
    participants = book["esf_participants"]
    assert participants.cell(6, 1).value == "Deelnemers"
    assert participants.cell(6, 7).value == 400 and participants.cell(6, 2).value == 160


async def test_the_api_gives_the_known_figures(jan: Jan) -> None:
    status, body, _ = await jan.get("/api/report", **YEAR)
    assert status == 200
    data = json.loads(body)
    assert data["partnership"] == "wwin"
    assert data["period"] == {"start": "2026-01-01", "end": "2026-12-31", "label": "2026"}
    tables = {
        t["key"]: (tuple(t["columns"]), tuple(tuple(row) for row in t["rows"]))
        for t in data["tables"]
    }
    assert_figures(tables)


# --- the participant export ------------------------------------------------------------------


def counts(rows: list[dict[str, str]], column: str) -> dict[str, int]:
    return dict(Counter(row[column] for row in rows))


async def test_the_participant_export_has_the_known_participants(jan: Jan) -> None:
    status, body, _ = await jan.get("/inbox/report/participants.csv", **YEAR)
    assert status == 200
    lines = list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))
    assert tuple(lines[0]) == COLUMNS
    rows = [dict(zip(COLUMNS, line, strict=True)) for line in lines[1:]]
    assert len(rows) == 400
    for column, expected in PARTICIPANTS.items():
        assert counts(rows, column) == expected, column
    assert sum(1 for row in rows if row["einddatum"]) == 260

    status, body, _ = await jan.get("/inbox/report/participants.xlsx", **YEAR)
    assert status == 200
    sheet = load_workbook(io.BytesIO(body)).worksheets[0]
    cells = [["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)]  # fmt: skip
    assert cells == lines

    status, body, _ = await jan.get("/api/report/participants", **YEAR)
    assert status == 200
    data = json.loads(body)
    assert data["next_page"] is None
    found = [{c: "" if p[c] is None else p[c] for c in COLUMNS} for p in data["participants"]]
    assert found == rows


async def test_a_quarter_counts_only_what_ran_in_it(jan: Jan) -> None:
    """2026 Q3 (July to September), counted from the story: participants are the cases
    registered before October and not closed before July, blocks 20…35 (block 20 registered
    in June closed in July); leavers blocks 20…25; six months after a closing in January to
    March, blocks 0…7 (block 8 closed in April)."""
    status, body, _ = await jan.get("/api/report", period="quarter", quarter="2026-Q3")
    assert status == 200
    data = json.loads(body)
    assert data["period"] == {"start": "2026-07-01", "end": "2026-09-30", "label": "2026 K3"}
    tables = {t["key"]: [tuple(row) for row in t["rows"]] for t in data["tables"]}
    assert tables["esf_participants"][0] == ("Deelnemers", 64, 48, 16, 16, 16, 160)
    assert tables["closed_by_outcome"] == [
        ("andere hulp", 20), ("geen contact meer", 20), ("verhuisd", 10), ("andere", 10),
        ("totaal", 60),
    ]  # fmt: skip
    assert tables["esf_results"][:5] == [
        ("Verlaters (afgesloten in de periode)", 24, 18, 6, 6, 6, 60),
        ("In opleiding of vorming bij vertrek", 0, 0, 0, 0, 0, 0),
        ("Aan het werk bij vertrek (ook zelfstandig)", 0, 0, 0, 0, 0, 0),
        ("Ander resultaat bij vertrek", 16, 12, 4, 4, 4, 40),  # 20…23
        ("Resultaat bij vertrek onbekend", 8, 6, 2, 2, 2, 20),  # 24, 25
    ]
    assert tables["esf_six_months"] == [
        ("Zes maanden na vertrek", 32, 24, 8, 8, 8, 80),
        ("Na zes maanden: werkt", 8, 6, 2, 2, 2, 20),  # 0, 4
        ("Na zes maanden: volgt een opleiding", 8, 6, 2, 2, 2, 20),  # 1, 5
        ("Na zes maanden: zoekt nog", 4, 3, 1, 1, 1, 10),  # 2
        ("Na zes maanden: iets anders", 4, 3, 1, 1, 1, 10),  # 6
        ("Na zes maanden: onbekend (niet gevraagd of geen antwoord)", 8, 6, 2, 2, 2, 20),  # 3, 7
    ]
    assert tables["in_guidance"][-1] == ("totaal", 140)  # open now, whatever the period
    # Group offers in Q3: Werkattitude's 4 Aug (5 walk-ins), the netwerkmoment of 24 Sep.
    assert tables["offers_by_kind"] == [
        ("groepswerk", 0, 0, 0, 0, None),
        ("atelier", 1, 5, 5, 0, 5.0),
        ("netwerkmoment", 1, 14, 10, 4, 14.0),
        ("infosessie", 0, 0, 0, 0, None),
        ("totaal", 2, 19, 15, 4, 9.5),
    ]
    assert [row[0] for row in tables["offers_by_offer"]] == [
        "Werkattitude", "Netwerkmoment met werkgevers",
    ]  # fmt: skip
