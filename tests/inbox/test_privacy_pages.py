"""Data rights in the inbox: a coordinator's export, the audit trail, an erased case."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.ticks.privacy import Privacy
from storage.db import Database
from storage.models import Case, Youth
from tests.support.pages import Site, open_pages


@pytest.fixture
async def site(db: Database) -> AsyncIterator[Site]:
    async with open_pages(db) as made:
        yield made


async def test_a_coordinator_downloads_the_youths_data_and_it_is_audited(site: Site) -> None:
    await site.login(site.jan)
    response = await site.client.get(f"/inbox/cases/{site.noor}/export")
    assert response.status == 200
    assert response.headers["Content-Disposition"].startswith(
        'attachment; filename="mijn-gegevens-'
    )
    assert response.headers["Cache-Control"] == "no-store"
    data = json.loads(await response.text())
    assert (data["format"], data["version"]) == ("instap-export", 1)  # the youth's own file
    assert data["registrations"][0]["id"] == site.noor
    assert data["registrations"][0]["your_answers"]["name"] == "Noor"
    _, trail = await site.page(f"/inbox/cases/{site.noor}/audit")
    assert "exporteerde de gegevens" in trail and "Jan Peeters" in trail
    assert "Noor" not in trail.split("<main", 1)[-1].split("</h1>", 1)[-1]  # no content


async def test_a_worker_may_not_export_and_another_partnership_sees_nothing(site: Site) -> None:
    await site.login(site.sara)
    status, page = await site.page(f"/inbox/cases/{site.noor}/export")
    assert status == 403 and "Noor" not in page
    site.client.session.cookie_jar.clear()
    await site.login(site.jan)
    status, page = await site.page(f"/inbox/cases/{site.elsewhere}/export")
    assert status == 404 and "Lina" not in page


async def test_an_erased_case_shows_no_content(site: Site, tmp_path: Path) -> None:
    privacy = Privacy(site.db, site.inbox.runtime(), tmp_path, lambda p, c: None)
    async with site.db.transaction() as session:
        case = await session.get(Case, site.noor)
        assert case is not None
        youth = await session.get(Youth, case.youth_id)
        assert youth is not None
        await privacy.erase(session, youth, "request", site.inbox.clock())
    await site.login(site.jan)
    status, page = await site.page(f"/inbox/cases/{site.noor}")
    assert status == 200
    assert "Gewist op verzoek" in page and "De jongere liet alles wissen." in page
    assert "Noor" not in page and "Maasmechelen" not in page
    _, trail = await site.page(f"/inbox/cases/{site.noor}/audit")
    assert "bekeek het dossier" in trail
