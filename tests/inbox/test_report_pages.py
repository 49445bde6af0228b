"""The report page as a coordinator, a worker and an admin see it, and the bad periods the
issue names (start after end, the future, an empty period, nonsense): a Dutch message, never
a 500."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import select

from storage.clock import utcnow
from storage.db import Database
from storage.models import AuditEntry
from tests.support.inbox import add_worker
from tests.support.pages import Site, open_pages


@pytest.fixture
async def site(db: Database) -> AsyncIterator[Site]:
    async with open_pages(db) as made:
        yield made


def cell(page: str, key: str, row: str) -> str:
    """The first figure of a row in the table with this key, as the page shows it."""
    table = page.split(f'id="t-{key}"', 1)[1].split("</section>", 1)[0]
    found = re.search(rf'<th scope="row">{re.escape(row)}</th><td>([^<]*)</td>', table)
    assert found, (key, row)
    return found.group(1)


async def test_a_coordinator_reads_this_months_report(site: Site) -> None:
    await site.login(site.jan)
    status, queue = await site.page("/inbox")
    assert 'href="/inbox/report"' in queue
    status, page = await site.page("/inbox/report")
    assert status == 200
    month = utcnow().strftime("%Y-%m")
    assert 'value="month" checked' in page and f'value="{month}"' in page
    assert cell(page, "first_response", "Nieuwe aanmeldingen") == "1"  # Noor, not Lina
    assert cell(page, "inflow_by_municipality", "Maasmechelen") == "1"
    assert cell(page, "in_guidance", "wachtend") == "1"
    assert "Noor" not in page and "Lina" not in page  # figures, never a youth's name
    for key in ("inflow_over_time", "closed_by_outcome", "first_response"):
        svg = re.search(rf'<svg [^>]*id="chart-{key}"[^>]*>', page)
        assert svg and 'role="img"' in svg.group(0) and "aria-label=" in svg.group(0)
    assert 'class="table-scroll" role="region"' in page
    assert f'data-query="period=month&amp;month={month}"' in page
    assert "style=" not in page and page.count("<script") == 1
    for input_id in re.findall(r'<(?:input|select)[^>]*\bid="([^"]+)"', page):
        assert f'for="{input_id}"' in page, input_id
    async with site.db.transaction() as session:
        actions = (await session.execute(select(AuditEntry.action, AuditEntry.worker_id))).all()
    assert ("view_report", site.jan.id) in [tuple(a) for a in actions]


async def test_a_worker_may_not_read_the_report(site: Site) -> None:
    await site.login(site.sara)
    _, queue = await site.page("/inbox")
    assert 'href="/inbox/report"' not in queue
    status, page = await site.page("/inbox/report")
    assert status == 403 and "Alleen coördinatoren bekijken het rapport." in page


async def test_another_partnerships_report_does_not_exist(site: Site) -> None:
    await site.login(site.jan)
    for other in ("samenwerkt", "all", "nope"):
        status, page = await site.page(f"/inbox/report?partnership={other}")
        assert status == 404 and "niet voor jouw partnerschap" in page
    status, _ = await site.page("/inbox/report?partnership=wam")
    assert status == 200


async def test_an_admin_chooses_a_partnership_or_all(site: Site) -> None:
    ada = await add_worker(site.db, "Ada", role="admin")
    await site.login(ada)
    status, page = await site.page("/inbox/report?partnership=samenwerkt")
    assert status == 200 and cell(page, "first_response", "Nieuwe aanmeldingen") == "1"
    assert '<option value="samenwerkt" selected>' in page
    status, page = await site.page("/inbox/report?partnership=all")
    assert status == 200 and cell(page, "first_response", "Nieuwe aanmeldingen") == "2"
    assert "partnership=all" in page
    status, page = await site.page("/inbox/report?partnership=nope")
    assert status == 404


@pytest.mark.parametrize(
    ("query", "says"),
    [
        ("period=custom&start=2026-05-01&end=2026-04-01", "De begindatum ligt na de einddatum."),
        ("period=year&year=2999", "Deze periode ligt in de toekomst."),
        ("period=month&month=banaan", "Geef de maand als jaar-maand"),
        ("period=custom&start=&end=", "Geef de begin- en einddatum"),
        ("period=%00%ff&month=%3Cscript%3E", "Kies een geldige periode"),
    ],
)
async def test_a_bad_period_says_why_in_dutch(site: Site, query: str, says: str) -> None:
    await site.login(site.jan)
    status, page = await site.page(f"/inbox/report?{query}")
    assert status == 422 and says in page and 'role="alert"' in page
    assert 'id="t-first_response"' not in page and "<script>" not in page


async def test_an_empty_period_says_there_were_no_registrations(site: Site) -> None:
    await site.login(site.jan)
    status, page = await site.page("/inbox/report?period=month&month=2025-03")
    assert status == 200 and "Geen aanmeldingen in deze periode." in page
    assert cell(page, "first_response", "Nieuwe aanmeldingen") == "0"
    assert "maart 2025" in page
