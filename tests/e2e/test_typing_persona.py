"""Yassin never presses a button: he types every answer, from "hey" to the check-in rhythm.

Over Telegram (the real python-telegram-bot client against the local Bot API server) and in
the web chat (the websocket the page uses). His case must land in WAM's queue with the needs
he typed.
"""

from __future__ import annotations

from pathlib import Path

import aiohttp
from sqlalchemy import select

from instap.app import Service
from storage import registrations
from storage.models import Youth as YouthRow
from tests.botapi.server import BotApiServer
from tests.support.service import make_settings, serving
from tests.support.telegram import Youth
from tests.support.webchat import WebYouth

YASSIN = 4100
# (what Yassin types, what he then reads): the whole intake, typed, with his own words.
TYPED_INTAKE: list[tuple[str, str]] = [
    ("hey", "Hoe mogen we je noemen?"),
    ("hey ik ben Yassin", "Leuk je te leren kennen, Yassin!"),
    ("ik ben 19", "In welke gemeente woon je?"),
    ("eisden", "Waarmee wil je hulp?"),
    ("ik zoek werk en een opleiding", "Genoteerd: Werk, Opleiding."),
    ("dat is alles", "Wil je er iets meer over vertellen?"),
    ("nee", "Hoe heb je ons gevonden?"),
    ("via een vriendin", "Is dat oké voor jou?"),
    ("is goed", "Wanneer kunnen we je het best bereiken?"),
    ("namiddag", "Genoteerd: Namiddag (12u–17u)."),
    ("klaar", "Klopt dit?"),
    ("mijn leeftijd is fout", "Hoe oud ben je?"),
    ("20", "Leeftijd: 20"),
    ("klopt", "Mag ik af en toe vragen hoe het met je gaat?"),
    ("om de 2 weken", "Top! Ik vraag je om de twee weken eens hoe het gaat."),
]


async def assert_in_wams_queue(service: Service, channel: str) -> None:
    async with service.db.transaction() as session:
        (case,) = await registrations.waiting(session, "wam")
        youth = (await session.execute(select(YouthRow))).scalars().one()
    assert case.channel == channel
    assert case.answers["name"] == "Yassin"
    assert case.answers["age"] == 20
    assert case.answers["municipality"] == "Maasmechelen"
    assert case.answers["needs"] == ["work", "school"]
    assert case.answers["needs_text"] == ""
    assert case.answers["referral"] == "friend"
    assert case.answers["reach"] == ["afternoon"]
    assert youth.checkin_rhythm == "2weeks"


async def test_yassin_types_the_whole_intake_on_telegram(
    db_url: str, bot_api: BotApiServer, tmp_path: Path
) -> None:
    async with serving(make_settings(db_url, tmp_path, bot_api)) as service:
        yassin = Youth(bot_api, YASSIN)
        for typed, reads in TYPED_INTAKE:
            await yassin.says(typed, reads)
        sent = await yassin.says("hallo? wanneer belt iemand?", "Ik geef je bericht door")
        assert "Tik op" not in sent
        await assert_in_wams_queue(service, "telegram")
    assert not bot_api.calls_to("answerCallbackQuery"), "he never pressed a button"
    texts = bot_api.sent_texts(YASSIN)
    assert not any("Tik op wat past" in t or "Tik op Ja of Nee" in t for t in texts)


async def test_yassin_types_the_whole_intake_in_the_web_chat(db_url: str, tmp_path: Path) -> None:
    settings = make_settings(db_url, tmp_path)
    base = f"http://127.0.0.1:{settings.http_port}"
    async with serving(settings) as service, aiohttp.ClientSession() as http:
        async with http.ws_connect(f"{base}/chat/ws") as ws:
            await ws.send_json(
                {"type": "hello", "token": "yassin-web-token-0123456789ab", "since": 0}
            )
            assert (await ws.receive_json())["type"] == "ready"
            yassin = WebYouth(ws)
            for typed, reads in TYPED_INTAKE:
                await yassin.says(typed, reads)
            await yassin.says("hallo? wanneer belt iemand?", "Ik geef je bericht door")
        shown = [m.get("text", "") for m in yassin.messages.values() if m.get("direction") != "in"]
        assert not any("Tik op wat past" in t or "Tik op Ja of Nee" in t for t in shown)
        await assert_in_wams_queue(service, "web")
