"""Between signing up and a coach's answer, on both channels (Telegram and the web chat).

A youth who keeps writing "hallo?" hears once where they stand; saying no to consent gives
the partnership's own contact and no promise of a call; a youth who writes after their case
was closed comes back to the inbox as "komt terug", and the team is told.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Protocol

import aiohttp
from sqlalchemy import select

from instap.app import Service
from storage.models import Case, Message
from tests.botapi.server import BotApiServer
from tests.support.inbox import add_worker, link_telegram
from tests.support.service import make_settings, serving, travel
from tests.support.telegram import Youth, complete_intake
from tests.support.webchat import TOKEN, WebYouth

FRIDAY_15U = datetime(2026, 11, 20, 14, 0, tzinfo=UTC)  # WAM! promises an answer by Tuesday
NOTE = "Een coach van WAM! antwoordt je ten laatste op dinsdag 24 november."
JAN_CHAT = 8802


class Typist(Protocol):
    async def says(self, text: str, expect: str) -> object: ...


async def until(condition: Callable[[], Awaitable[bool]]) -> None:
    """Wait for a condition (not for a fixed time)."""
    async with asyncio.timeout(30):
        while not await condition():  # noqa: ASYNC110 - the database has no event to await
            await asyncio.sleep(0.05)


async def bot_texts(service: Service) -> list[str]:
    """Everything the bot said to the youth, as on their screen (and the coach's timeline)."""
    async with service.db.transaction() as session:
        rows = await session.execute(
            select(Message.text).where(Message.author == "bot").order_by(Message.id)
        )
        return list(rows.scalars())


async def handled(service: Service, text: str) -> None:
    """The youth's message is on their timeline and every reply to it is written."""

    async def stored() -> bool:
        async with service.db.transaction() as session:
            found = await session.execute(select(Message.id).where(Message.text == text))
            return found.first() is not None

    await until(stored)
    await service.dispatcher.idle()


async def web_intake(youth: WebYouth, *, consent: bool = True) -> None:
    await youth.says("/start", "Hoe mogen we je noemen?")
    await youth.says("Noor", "Hoe oud ben je?")
    await youth.says("19", "In welke gemeente woon je?")
    await youth.says("Maasmechelen", "Waarmee wil je hulp?")
    await youth.taps("Werk", "✅ Werk")
    await youth.taps("Klaar", "Wil je er iets meer over vertellen?")
    await youth.taps("Overslaan", "Hoe heb je ons gevonden?")
    await youth.taps("Zelf gevonden", "Is dat oké voor jou?")
    if not consent:
        return
    await youth.taps("Ja, dat is oké", "Wanneer kunnen we je het best bereiken?")
    await youth.taps("Maakt niet uit", "✅ Maakt niet uit")
    await youth.taps("Klaar", "Klopt dit?")
    await youth.taps("Ja, verstuur", "WAM! heeft je aanmelding gekregen")


@asynccontextmanager
async def web_youth(service: Service, http: aiohttp.ClientSession) -> AsyncIterator[WebYouth]:
    base = f"http://127.0.0.1:{service.settings.http_port}"
    async with http.ws_connect(f"{base}/chat/ws") as ws:
        await ws.send_json({"type": "hello", "token": TOKEN, "since": 0})
        assert (await ws.receive_json())["type"] == "ready"
        yield WebYouth(ws)


# --- item 7: "hallo?" five times ----------------------------------------------------------


async def five_hallos_then_the_next_day(service: Service, youth: Typist) -> None:
    before = len(await bot_texts(service))
    for typed in ("hallo?", "ben je er nog?", "hallo??", "iemand?", "hallo"):
        travel(service, service.inbox.clock() + timedelta(minutes=2))
        await youth_sends(youth, typed)
        await handled(service, typed)
    new = (await bot_texts(service))[before:]
    assert len(new) == 1, new  # exactly one status note for the whole burst
    (note,) = new
    assert note.startswith("Bedankt! Ik geef je bericht door aan je coach.")
    assert NOTE in note and "Tele-Onthaal: bel 106" in note

    # Saturday morning: the note once more, with the same promised day.
    travel(service, FRIDAY_15U + timedelta(hours=19))
    await youth_sends(youth, "nog altijd niks?")
    await handled(service, "nog altijd niks?")
    *_, again = await bot_texts(service)
    assert len(await bot_texts(service)) == before + 2 and NOTE in again


async def youth_sends(youth: Typist, text: str) -> None:
    """Type without waiting for an answer (none may come)."""
    if isinstance(youth, WebYouth):
        await youth.ws.send_json({"type": "text", "text": text, "client_id": f"c{next(youth.ids)}"})
    else:
        assert isinstance(youth, Youth)
        youth.api.user_sends_text(youth.chat_id, text, language_code=youth.language)


async def a_worker_takes_it_and_the_bot_goes_quiet(service: Service, youth: Typist) -> None:
    sara = await add_worker(service.db, "Sara")
    (waiting,) = (await service.inbox.queue(sara)).waiting
    travel(service, datetime(2026, 11, 23, 10, 0, tzinfo=UTC))  # Monday 11u: at work
    await service.inbox.claim(sara, waiting.case.id)
    before = len(await bot_texts(service))
    for typed in ("hallo Sara?", "ben je er?"):
        await youth_sends(youth, typed)
        await handled(service, typed)
    assert len(await bot_texts(service)) == before  # Sara answers herself


async def test_hallo_five_times_on_telegram(
    db_url: str, bot_api: BotApiServer, tmp_path: Path
) -> None:
    async with serving(make_settings(db_url, tmp_path, bot_api)) as service:
        travel(service, FRIDAY_15U)
        noor = Youth(bot_api, 9301)
        await complete_intake(noor)
        await five_hallos_then_the_next_day(service, noor)
        await a_worker_takes_it_and_the_bot_goes_quiet(service, noor)
        # What Noor's phone shows matches: one note per burst, nothing while Sara is on it.
        await bot_api.wait_until(lambda: sum(NOTE in t for t in bot_api.sent_texts(9301)) == 2)
        await service.dispatcher.idle()
        assert sum("Bedankt! Ik geef je bericht door" in t for t in bot_api.sent_texts(9301)) == 2


async def test_hallo_five_times_in_the_web_chat(db_url: str, tmp_path: Path) -> None:
    settings = make_settings(db_url, tmp_path)
    async with serving(settings) as service, aiohttp.ClientSession() as http:
        travel(service, FRIDAY_15U)
        async with web_youth(service, http) as noor:
            await web_intake(noor)
            await five_hallos_then_the_next_day(service, noor)
            await a_worker_takes_it_and_the_bot_goes_quiet(service, noor)


# --- item 8: no consent -------------------------------------------------------------------


def assert_own_contact_and_no_call(answer: str) -> None:
    assert "Zonder jouw ja bewaren we niets." in answer
    assert "Er belt dus ook niemand je op." in answer
    assert "Wil je toch met WAM! praten? Neem dan zelf contact op:" in answer
    assert "📍 Team WAM! Maasland:" in answer
    assert "🕘 maandag tot donderdag: van 9u tot 17u" in answer
    assert "🕘 vrijdag: van 9u tot 16u" in answer
    assert "0800 30 700" in answer
    assert "contact met je op" not in answer and "binnen 2 werkdagen" not in answer


async def test_no_consent_on_telegram(db_url: str, bot_api: BotApiServer, tmp_path: Path) -> None:
    async with serving(make_settings(db_url, tmp_path, bot_api)) as service:
        noor = Youth(bot_api, 9302)
        await noor.says("/start", "Hoe mogen we je noemen?")
        await noor.says("Noor", "Hoe oud ben je?")
        await noor.says("19", "In welke gemeente woon je?")
        await noor.says("Eisden", "Waarmee wil je hulp?")
        await noor.taps("Werk", "✅ Werk")
        await noor.taps("Klaar", "Wil je er iets meer over vertellen?")
        await noor.taps("Overslaan", "Hoe heb je ons gevonden?")
        await noor.taps("Zelf gevonden", "Is dat oké voor jou?")
        answer = await noor.taps("Nee", "Er belt dus ook niemand je op.")
        assert_own_contact_and_no_call(answer)
        async with service.db.transaction() as session:
            assert (await session.execute(select(Case))).first() is None


async def test_no_consent_in_the_web_chat(db_url: str, tmp_path: Path) -> None:
    settings = make_settings(db_url, tmp_path)
    async with serving(settings) as service, aiohttp.ClientSession() as http:
        async with web_youth(service, http) as noor:
            await web_intake(noor, consent=False)
            message = await noor.taps("Nee", "Er belt dus ook niemand je op.")
            assert_own_contact_and_no_call(str(message["text"]))
        async with service.db.transaction() as session:
            assert (await session.execute(select(Case))).first() is None


# --- item 9: writing after the case was closed ------------------------------------------


async def close_then_write_again(service: Service, youth: Typist) -> None:
    """Sara closes Noor's case ("werk gevonden"); weeks later, with Sara away, Noor writes."""
    sara = await add_worker(service.db, "Sara")
    jan = await add_worker(service.db, "Jan", role="coordinator")
    await link_telegram(service.db, jan.id, str(JAN_CHAT))
    (waiting,) = (await service.inbox.queue(sara)).waiting
    case_id = waiting.case.id
    await service.inbox.claim(sara, case_id)
    await service.inbox.set_status(sara, case_id, "closed", "work")
    await service.inbox.set_presence(jan, sara.id, True, None)

    travel(service, datetime(2026, 12, 14, 9, 0, tzinfo=UTC))  # Monday 10u, weeks later
    await youth.says(
        "Hoi, ik ben het terug. Mijn job is gestopt.",
        "Een coach van WAM! antwoordt je ten laatste op woensdag 16 december.",
    )
    queue = await service.inbox.queue(jan)
    (back,) = queue.waiting
    assert back.case.id == case_id and back.returning and back.case.flag == "terug"
    assert back.waiting_since == datetime(2026, 12, 14, 9, 0, tzinfo=UTC)  # not since November
    assert back.promise == "on_time"
    page = await service.inbox.case(jan, case_id)
    assert [i.text for i in page.timeline if i.kind == "event"][-2:] == ["reopened", "flag"]


async def test_a_closed_case_comes_back_on_telegram(
    db_url: str, bot_api: BotApiServer, tmp_path: Path
) -> None:
    async with serving(make_settings(db_url, tmp_path, bot_api)) as service:
        bot_api.ensure_chat(JAN_CHAT)
        travel(service, FRIDAY_15U)
        noor = Youth(bot_api, 9303)
        await complete_intake(noor)
        await close_then_write_again(service, noor)
        await bot_api.wait_until(
            lambda: (
                "Noor komt terug: de begeleiding was afgesloten en er is een nieuw bericht. "
                "Open de inbox." in bot_api.sent_texts(JAN_CHAT)
            ),
            timeout=30,
        )


async def test_a_closed_case_comes_back_from_the_web_chat(db_url: str, tmp_path: Path) -> None:
    settings = make_settings(db_url, tmp_path)
    async with serving(settings) as service, aiohttp.ClientSession() as http:
        travel(service, FRIDAY_15U)
        async with web_youth(service, http) as noor:
            await web_intake(noor)
            await close_then_write_again(service, noor)
