"""The web chat protocol: which buttons work is the server's word, and a stale press is kind."""

from __future__ import annotations

import asyncio
import itertools
import uuid
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import aiohttp

from inbox.appointments import Appointments
from storage import offers
from tests.support.inbox import add_worker
from tests.support.service import make_settings, serving
from tests.support.webchat import WebYouth

BRUSSELS = ZoneInfo("Europe/Brussels")
TOKEN = "yassin-test-token-0123456789abcdef"


class LiveYouth(WebYouth):
    """A web youth that also keeps the server's word on which buttons still work."""

    def __init__(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        super().__init__(ws)
        self.ids = (uuid.uuid4().hex[:12] for _ in itertools.count())

    def take(self, frame: dict[str, Any]) -> None:
        if frame["type"] == "live":
            self.messages.setdefault(frame["id"], {}).update(live=frame["live"], why=frame["why"])
        elif frame["type"] in ("message", "edit"):
            self.messages.setdefault(frame["id"], {}).update(frame)

    async def read_until(self, expect: str) -> dict[str, Any]:
        """Read frames (live ones too) until a bot message shows `expect`; return it."""
        async with asyncio.timeout(30):
            while True:
                frame = await self.ws.receive_json()
                self.take(frame)
                message = self.messages.get(frame.get("id", -1), {})
                labels = [b["text"] for row in message.get("buttons", []) for b in row]
                if (
                    frame["type"] in ("message", "edit")
                    and message.get("direction") != "in"
                    and any(expect in t for t in [message["text"], *labels])
                ):
                    return message

    async def live_of(self, message_id: int, live: bool) -> None:
        """Read frames until the message's buttons are (or became) live or dead."""
        async with asyncio.timeout(30):
            while self.messages.get(message_id, {}).get("live") is not live:
                self.take(await self.ws.receive_json())

    def with_text(self, text: str) -> int:
        return max(i for i, m in self.messages.items() if text in str(m.get("text", "")))

    async def presses(self, message_id: int, data: str, expect: str) -> dict[str, Any]:
        await self.ws.send_json({"type": "button", "data": data, "message_id": message_id,
                                 "client_id": f"c{next(self.ids)}"})  # fmt: skip
        return await self.read_until(expect)


async def test_buttons_follow_the_appointment_and_an_old_press_is_answered_kindly(
    db_url: str, tmp_path: Path
) -> None:
    settings = make_settings(db_url, tmp_path)
    base = f"http://127.0.0.1:{settings.http_port}"
    async with serving(settings) as service, aiohttp.ClientSession() as http:
        async with http.ws_connect(f"{base}/chat/ws") as ws:
            await ws.send_json({"type": "hello", "token": TOKEN, "since": 0})
            assert (await ws.receive_json())["type"] == "ready"
            youth = LiveYouth(ws)
            await register(youth)
            # Only the newest question's buttons work; the summary's are dead now.
            summary = youth.with_text("Klopt dit?")
            await youth.live_of(summary, False)

            sara = await add_worker(service.db, "Sara")
            (waiting,) = (await service.inbox.queue(sara)).waiting
            await service.inbox.claim(sara, waiting.case.id)
            plans = Appointments(service.inbox)
            next_week = (datetime.now(BRUSSELS) + timedelta(days=7)).date()
            ident = await plans.create(
                sara, waiting.case.id, day=next_week, at=time(14), minutes=60,
                place="Trajectgezellen WAM!", kind="gesprek",
            )  # fmt: skip
            await youth.read_until("Past dat voor jou?")
            proposal = youth.with_text("plant een afspraak met je")
            assert youth.messages[proposal]["live"] is True
            await youth.says("/afspraken", "Je volgende afspraken:")
            assert youth.messages[proposal]["live"] is True

            await plans.move(sara, ident, day=next_week, at=time(16, 30))
            await youth.read_until("is verzet")
            moved = youth.with_text("is verzet")
            await youth.live_of(proposal, False)
            assert youth.messages[proposal]["why"] == "moved"
            assert youth.messages[moved]["live"] is True
            # A page that missed the news presses the old button anyway: a kind answer.
            answer = await youth.presses(
                proposal, f"appt:ok:{ident}:1", "Die afspraak is intussen verzet."
            )
            assert "om 16u30" in answer["text"]
            await youth.presses(moved, f"appt:ok:{ident}:2", "Top, tot dan!")
            await youth.live_of(moved, False)

        # Days later, a reload (the whole timeline again): the same buttons are dead or live.
        async with http.ws_connect(f"{base}/chat/ws") as ws:
            await ws.send_json({"type": "hello", "token": TOKEN, "since": 0})
            again = LiveYouth(ws)
            await again.read_until("Top, tot dan!")
            assert again.messages[proposal]["live"] is False
            assert again.messages[moved]["live"] is False
            assert again.messages[moved]["why"] == "answered"
            stale = again.with_text("Die afspraak is intussen verzet.")
            assert again.messages[stale]["live"] is False  # confirmed since


async def test_every_session_of_the_aanbod_list_stays_tappable_in_the_web_chat(
    db_url: str, tmp_path: Path
) -> None:
    """Yassin types /aanbod: two sessions, each with "Ik kom". He taps the first (older)
    one; the second still works, also after a reload."""
    settings = make_settings(db_url, tmp_path)
    base = f"http://127.0.0.1:{settings.http_port}"
    async with serving(settings) as service, aiohttp.ClientSession() as http:
        sara = await add_worker(service.db, "Sara")
        day = (datetime.now(BRUSSELS) + timedelta(days=7)).date()
        async with service.db.transaction() as session:
            now = datetime.now(BRUSSELS)
            for title, hour in (("Samen koken", 14), ("Atelier sollicitatie", 10)):
                offer = await offers.create_offer(
                    session, partnership_id="wam", title=title, description="Samen.",
                    kind="atelier", place="De Kring", address="Marktplein 9, Maasmechelen",
                    capacity=8, leader_id=sara.id, now=now,
                )  # fmt: skip
                starts = datetime.combine(day, time(hour), tzinfo=BRUSSELS)
                await offers.add_sessions(session, offer, offers.weekly_starts(starts, 1), 120, now)
        async with http.ws_connect(f"{base}/chat/ws") as ws:
            await ws.send_json({"type": "hello", "token": TOKEN, "since": 0})
            assert (await ws.receive_json())["type"] == "ready"
            youth = LiveYouth(ws)
            await register(youth)
            await youth.says("/aanbod", "Samen koken")  # the atelier at 10u comes before it
            first = min(i for i, m in youth.messages.items() if "📅" in str(m.get("text", "")))
            second = max(i for i, m in youth.messages.items() if "📅" in str(m.get("text", "")))
            await youth.live_of(first, True)
            await youth.live_of(second, True)
            [[tap]] = youth.messages[first]["buttons"]
            await youth.presses(first, tap["data"], "Top, je bent ingeschreven")
            await youth.live_of(second, True)
        async with http.ws_connect(f"{base}/chat/ws") as ws:
            await ws.send_json({"type": "hello", "token": TOKEN, "since": 0})
            again = LiveYouth(ws)
            await again.read_until("Top, je bent ingeschreven")
            assert again.messages[second]["live"] is True


async def register(youth: LiveYouth) -> None:
    """Yassin signs up in the web chat, tapping as on a phone."""
    await youth.says("/start", "Hoe mogen we je noemen?")
    await youth.says("Yassin", "Hoe oud ben je?")
    await youth.says("22", "In welke gemeente woon je?")
    await youth.says("Maasmechelen", "Waarmee wil je hulp?")
    await youth.taps("Werk", "✅ Werk")
    await youth.taps("Klaar", "Wil je er iets meer over vertellen?")
    await youth.taps("Overslaan", "Hoe heb je ons gevonden?")
    await youth.taps("Zelf gevonden", "Is dat oké voor jou?")
    await youth.taps("Ja, dat is oké", "Wanneer kunnen we je het best bereiken?")
    await youth.taps("Maakt niet uit", "✅ Maakt niet uit")
    await youth.taps("Klaar", "Klopt dit?")
    await youth.taps("Ja, verstuur", "WAM! heeft je aanmelding gekregen")
