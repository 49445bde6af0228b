"""A poster's link end to end: the web chat's ?via= and Telegram's /start <key> put the source
on the case, the case page says "Via: …" and the report counts it."""

from __future__ import annotations

import uuid
from datetime import date
from pathlib import Path

import aiohttp
import pytest

from storage import registrations
from storage.reports import Period
from tests.botapi.server import BotApiServer
from tests.support.inbox import add_worker
from tests.support.intake import finish_intake
from tests.support.service import make_settings, serving, settled
from tests.support.telegram import Youth
from tests.support.webchat import TOKEN, WebYouth


async def test_a_youth_from_the_ocmw_poster_in_the_web_chat(db_url: str, tmp_path: Path) -> None:
    settings = make_settings(db_url, tmp_path)
    base = f"http://127.0.0.1:{settings.http_port}"
    async with serving(settings) as service, aiohttp.ClientSession() as http:
        async with http.get(f"{base}/chat?via=ocmw-maaseik") as page:
            assert page.status == 200
        async with http.ws_connect(f"{base}/chat/ws") as ws:
            await ws.send_json({"type": "hello", "token": TOKEN, "since": 0})
            assert (await ws.receive_json())["type"] == "ready"
            # What chat.js sends on a first visit to /chat?via=ocmw-maaseik.
            opening = {"type": "open", "via": "ocmw-maaseik", "client_id": uuid.uuid4().hex[:12]}
            await ws.send_json(opening)
            youth = WebYouth(ws)
            await youth.read_until("Hoe mogen we je noemen?")
            await finish_intake(youth)
        await settled(service)
        async with service.db.transaction() as session:
            (case,) = await registrations.waiting(session, "wam")
        assert case.answers["entry_point"] == "ocmw-maaseik"

        jan = await add_worker(service.db, "Jan", role="coordinator")
        period = Period(date(2000, 1, 1), date(2100, 12, 31), "")
        report = await service.inbox.report(jan, None, period)
        figures = dict(report.table("inflow_by_entry_point").rows)
        assert figures["Affiche OCMW Maaseik"] == 1 and figures["zonder ingang"] == 0
        view = await service.inbox.case(jan, case.id)
        assert view.answers["entry_point"] == "ocmw-maaseik"


@pytest.mark.parametrize("key", ["vdab-consulent", "onbekend-affiche"])
async def test_telegram_start_with_a_poster_key(
    key: str, db_url: str, bot_api: BotApiServer, tmp_path: Path
) -> None:
    async with serving(make_settings(db_url, tmp_path, bot_api)) as service:
        youth = Youth(bot_api, 4101)
        await youth.says(f"/start {key}", "Hoe mogen we je noemen?")  # t.me/<bot>?start=<key>
        await finish_intake(youth)
        async with service.db.transaction() as session:
            (case,) = await registrations.waiting(session, "wam")
    # An unknown key is no source, never an error for the youth.
    assert case.answers["entry_point"] == (key if key == "vdab-consulent" else "")
