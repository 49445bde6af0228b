"""The anonymous per-participant export, as a coordinator downloads it and as anyone could
read the file: no names, no messages, no place; a stable pseudonym; streamed in batches."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import AsyncIterator

import pytest
from openpyxl import load_workbook

from inbox import auth, report_api
from inbox.participants import COLUMNS, pseudonym
from storage import participants, profiles
from storage.clock import utcnow
from storage.db import Database
from storage.models import Case, Message, Youth
from tests.inbox.test_exports import KEY, Site, open_site
from tests.support.inbox import PASSWORD, add_case


@pytest.fixture
async def site(db: Database) -> AsyncIterator[Site]:
    async with open_site(db) as found:
        yield found


NAMES = ("Zeynep Quasimodo", "Noor Xylofoon", "Lotte Zwavelzuur")
SECRETS = ("mijn geheim is banaan-42", "bel me na negen uur op 0470 12 34 56")


async def population(site: Site) -> dict[str, int]:
    """Three youths of WAM! (one closed to work, with a profile), one of SamenWerkt."""
    cases = {}
    for i, name in enumerate(NAMES):
        cases[name] = await add_case(site.db, name, "wam", chat=f"p{i}")
    cases["Lina Elders"] = await add_case(site.db, "Lina Elders", "samenwerkt", chat="p9")
    zeynep, noor = cases[NAMES[0]], cases[NAMES[1]]
    async with site.db.transaction() as session:
        case = await session.get(Case, zeynep)
        assert case is not None
        session.add(
            Message(youth_id=case.youth_id, direction="in", author="youth", text=SECRETS[0],
                    delivery="sent", created_at=utcnow())
        )  # fmt: skip
        await profiles.set_profile(
            session, zeynep,
            {"gender": "woman", "labour_status": "long_term_unemployed", "education": "isced_0_2",
             "homeless": "yes", "qualification": "yes"},
            site.jan.id, utcnow(),
        )  # fmt: skip
    await site.inbox.claim(site.jan, zeynep)
    await site.inbox.reply(site.jan, zeynep, SECRETS[1])
    await site.inbox.set_status(site.jan, zeynep, "closed", "work")
    await site.inbox.note(site.jan, noor, "Noor Xylofoon woont bij haar tante")
    return cases


def csv_rows(body: bytes) -> list[list[str]]:
    assert body.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))


async def test_the_export_is_anonymous_and_its_pseudonyms_stable(site: Site) -> None:
    cases = await population(site)
    status, body, headers = await site.get("/inbox/report/participants.csv", site.jan)
    assert status == 200
    assert re.fullmatch(
        r'attachment; filename="instap-deelnemers-wam-\d{4}-\d{2}\.csv"',
        headers["Content-Disposition"],
    )
    rows = csv_rows(body)
    assert tuple(rows[0]) == COLUMNS
    found = [dict(zip(COLUMNS, row, strict=True)) for row in rows[1:]]
    assert len(found) == 3  # WAM!'s three, not SamenWerkt's Lina
    text = body.decode("utf-8-sig")
    for secret in (*NAMES, "Lina", "Zeynep", "Quasimodo", *SECRETS, "tante", "Maasmechelen"):
        assert secret not in text
    ids = [row["deelnemer_id"] for row in found]
    assert all(re.fullmatch(r"[0-9a-f]{16}", i) for i in ids) and len(set(ids)) == 3
    assert {pseudonym(KEY, cases[name]) for name in NAMES} == set(ids)
    assert not {str(case_id) for case_id in cases.values()} & set(ids)

    zeynep = next(r for r in found if r["deelnemer_id"] == pseudonym(KEY, cases[NAMES[0]]))
    assert zeynep["geslacht"] == "woman"
    assert zeynep["arbeidsmarktstatus_bij_start"] == "long_term_unemployed"
    assert zeynep["opleidingsniveau"] == "isced_0_2"
    assert (zeynep["dakloos"], zeynep["beperking"], zeynep["kwalificatie"]) == (
        "yes",
        "unknown",
        "yes",
    )
    assert zeynep["leeftijdsgroep"] == "18_29" and zeynep["partnerschap"] == "wam"
    assert zeynep["einddatum"] == zeynep["startdatum"]  # closed today
    assert (zeynep["uitstroom"], zeynep["resultaat_bij_uitstroom"]) == ("work", "employment")
    assert zeynep["resultaat_na_zes_maanden"] == "unknown"
    still_open = [r for r in found if r is not zeynep]
    for row in still_open:
        assert row["einddatum"] == row["uitstroom"] == row["resultaat_bij_uitstroom"] == ""
        assert row["geslacht"] == "unknown"

    again = csv_rows((await site.get("/inbox/report/participants.csv", site.jan))[1])
    assert again == rows  # the same pseudonyms in every export

    status, body, headers = await site.get("/inbox/report/participants.xlsx", site.jan)
    assert status == 200 and headers["Content-Disposition"].endswith('.xlsx"')
    sheet = load_workbook(io.BytesIO(body)).worksheets[0]
    cells = [["" if v is None else v for v in row] for row in sheet.iter_rows(values_only=True)]
    assert cells == rows
    assert sheet.cell(1, 1).font.b
    for row in sheet.iter_rows(values_only=True):
        for value in row:
            assert not any(secret in str(value) for secret in (*NAMES, *SECRETS))


async def test_the_api_pages_the_same_rows(site: Site, monkeypatch: pytest.MonkeyPatch) -> None:
    await population(site)
    _, body, _ = await site.get("/inbox/report/participants.csv", site.jan)
    rows = csv_rows(body)[1:]
    monkeypatch.setattr(report_api, "PER_PAGE", 2)
    pages, page = [], 1
    while page:
        status, body, _ = await site.get("/api/report/participants", site.jan, page=str(page))
        assert status == 200
        data = json.loads(body)
        assert data["partnership"] == "wam" and data["per_page"] == 2 and data["page"] == page
        pages.append(data["participants"])
        page = data["next_page"]
    assert [len(p) for p in pages] == [2, 1]
    found = [[("" if p[c] is None else p[c]) for c in COLUMNS] for p in pages[0] + pages[1]]
    assert found == rows
    status, body, _ = await site.get("/api/report/participants", site.jan, page="0")
    assert status == 422 and "page" in body.decode()
    assert (
        await site.audit(site.jan)
        == ["claim", "reply", "status_closed", "note"] + ["export_participants"] * 3
    )


async def test_an_empty_period_is_just_the_header(site: Site) -> None:
    await population(site)
    status, body, _ = await site.get(
        "/inbox/report/participants.csv", site.jan, period="year", year="2020"
    )
    assert status == 200
    assert csv_rows(body) == [list(COLUMNS)]


async def test_thousands_of_rows_stream_in_bounded_batches(
    site: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    """3,000 participants in batches of 500: never more than one batch read at once (the
    batch size, not the export's size, bounds memory), sent chunked as they come."""
    total, size = 3000, 500
    now = utcnow()
    async with site.db.transaction() as session:
        youths = [
            Youth(channel="web", channel_user_id=f"bulk{i}", created_at=now, updated_at=now)
            for i in range(total)
        ]
        session.add_all(youths)
        await session.flush()
        session.add_all(
            Case(youth_id=y.id, partnership_id="wam", status="waiting", answers={"name": f"Bulk{i}"},
                 age=17 + i % 20, created_at=now, updated_at=now)
            for i, y in enumerate(youths)
        )  # fmt: skip
    monkeypatch.setattr(participants, "BATCH", size)
    read = []
    batch = participants.batch

    async def counting(*args: object, **kwargs: object) -> list[participants.Participant]:
        found = await batch(*args, **kwargs)  # type: ignore[arg-type]
        read.append(len(found))
        return found

    monkeypatch.setattr(participants, "batch", counting)
    async with site.client.get(
        "/inbox/report/participants.csv", headers=await cookie(site)
    ) as response:
        assert response.status == 200
        assert response.headers["Transfer-Encoding"] == "chunked"
        body = await response.read()
    rows = csv_rows(body)
    assert len(rows) == 1 + total
    assert len({row[0] for row in rows[1:]}) == total
    assert "Bulk" not in body.decode("utf-8-sig")
    assert read == [size] * (total // size) + [0]

    read.clear()
    async with site.client.get(
        "/inbox/report/participants.xlsx", headers=await cookie(site)
    ) as response:
        assert response.status == 200
        sheet = load_workbook(io.BytesIO(await response.read()), read_only=True).worksheets[0]
        assert sum(1 for _ in sheet.iter_rows(values_only=True)) == 1 + total
    assert read == [size] * (total // size) + [0]


async def cookie(site: Site) -> dict[str, str]:
    token, _ = await auth.login(site.db, site.jan.username, PASSWORD, "127.0.0.1")
    return {"Cookie": f"{auth.COOKIE}={token}"}
