"""The web chat: the same intake over a websocket, for youths without Telegram."""

from __future__ import annotations

import re
from pathlib import Path

import aiohttp

from storage import inbound, registrations
from tests.support.service import make_settings, serving, settled
from tests.support.webchat import TOKEN, WebYouth


async def test_a_youth_signs_up_in_the_web_chat(db_url: str, tmp_path: Path) -> None:
    settings = make_settings(db_url, tmp_path)
    base = f"http://127.0.0.1:{settings.http_port}"
    async with serving(settings) as service, aiohttp.ClientSession() as http:
        async with http.get(f"{base}/chat") as page:
            html = await page.text()
            assert page.status == 200
            assert 'lang="nl"' in html and "Typ je bericht…" in html
            assert not re.search(r"(src|href)=\"https?://", html), "no external assets"
        async with http.get(f"{base}/chat", headers={"Accept-Language": "en-GB,en"}) as page:
            assert "Type your message…" in await page.text()
        async with http.get(f"{base}/static/chat.js") as script:
            assert script.status == 200
        async with http.ws_connect(f"{base}/chat/ws") as ws:
            await ws.send_json({"type": "hello", "token": TOKEN, "since": 0})
            assert (await ws.receive_json())["type"] == "ready"
            youth = WebYouth(ws)
            await youth.says("/start", "Hoe mogen we je noemen?")
            await youth.says("Noor", "Hoe oud ben je?")
            await youth.says("19", "In welke gemeente woon je?")
            await youth.says("maasmechele", "Bedoel je Maasmechelen?")
            await youth.taps("Ja", "Waarmee wil je hulp?")
            await youth.taps("Geld", "✅ Geld")  # the same message, its buttons updated
            await youth.taps("Klaar", "Wil je er iets meer over vertellen?")
            await youth.taps("Overslaan", "Hoe heb je ons gevonden?")
            await youth.taps("Zelf gevonden", "Is dat oké voor jou?")
            await youth.taps("Ja, dat is oké", "Wanneer kunnen we je het best bereiken?")
            await youth.taps("Maakt niet uit", "✅ Maakt niet uit")
            await youth.taps("Klaar", "Klopt dit?")
            await youth.taps("Ja, verstuur", "WAM! heeft je aanmelding gekregen")
            seen = max(youth.messages)
        async with service.db.transaction() as session:
            (case,) = await registrations.waiting(session, "wam")
        assert case.channel == "web"
        assert case.answers["needs"] == ["money"]
        assert case.answers["municipality"] == "Maasmechelen"

        # Coming back later with the same browser: the history is there, the chat goes on.
        async with http.ws_connect(f"{base}/chat/ws") as ws:
            await ws.send_json({"type": "hello", "token": TOKEN, "since": 0})
            youth = WebYouth(ws)
            await youth.read_until("WAM! heeft je aanmelding gekregen")
            assert any(m.get("text") == "Noor" and m.get("direction") == "in"
                       for m in youth.messages.values())  # fmt: skip
            await youth.says("Wanneer belt iemand?", "Ik geef je bericht door aan je coach.")
            assert max(youth.messages) > seen


async def test_bad_frames_are_refused_and_nothing_is_stored(db_url: str, tmp_path: Path) -> None:
    settings = make_settings(db_url, tmp_path)
    base = f"http://127.0.0.1:{settings.http_port}"
    async with serving(settings) as service, aiohttp.ClientSession() as http:
        async with http.ws_connect(f"{base}/chat/ws") as ws:
            await ws.send_json({"type": "hello", "token": "short"})
            assert (await ws.receive_json())["error"] == "bad_token"
        async with http.ws_connect(f"{base}/chat/ws") as ws:
            await ws.send_json({"type": "hello", "token": TOKEN})
            assert (await ws.receive_json())["type"] == "ready"
            for bad in (
                "not json",
                '{"type": "text", "text": "hoi"}',
                '{"type": "x", "client_id": "a"}',
            ):
                await ws.send_str(bad)
                assert (await ws.receive_json())["type"] == "error"
            # A frame sent twice (a reconnect resends what was not acknowledged) counts once.
            for _ in range(2):
                await ws.send_json({"type": "text", "text": "/start", "client_id": "same"})
                assert (await ws.receive_json())["type"] in ("ack", "message", "chrome")
        await settled(service)
        async with service.db.transaction() as session:
            assert await inbound.count_by_status(session) == {"done": 1}
