"""A youth's voice message reaches the worker's inbox; a worker links Telegram for a ping."""

from __future__ import annotations

from pathlib import Path

import aiohttp
from sqlalchemy import select

from storage import workers
from storage.clock import utcnow
from storage.models import Message
from tests.botapi.server import BotApiServer
from tests.support.inbox import add_worker
from tests.support.service import make_settings, serving
from tests.support.telegram import Youth, complete_intake

VOICE = b"OggS\x00fake voice message bytes"


async def bearer(service: object, username: str) -> dict[str, str]:
    token = f"token-for-{username}-0123456789"
    async with service.db.transaction() as session:  # type: ignore[attr-defined]
        worker = await workers.by_username(session, username)
        assert worker is not None
        await workers.add_token(session, worker, token, "test", utcnow())
    return {"Authorization": f"Bearer {token}"}


async def test_voice_reaches_the_worker_and_only_their_partnership(
    db_url: str, bot_api: BotApiServer, tmp_path: Path
) -> None:
    settings = make_settings(db_url, tmp_path, bot_api)
    base = f"http://127.0.0.1:{settings.http_port}"
    async with serving(settings) as service, aiohttp.ClientSession() as http:
        await complete_intake(Youth(bot_api, 9101))
        sara = await add_worker(service.db, "Sara")
        await add_worker(service.db, "Lien", partnership="samenwerkt")
        (waiting,) = (await service.inbox.queue(sara)).waiting
        await service.inbox.claim(sara, waiting.case.id)
        bot_api.user_sends(9101, "voice", content=VOICE)

        async def stored() -> Message | None:
            async with service.db.transaction() as session:
                query = select(Message).where(Message.media.is_not(None))
                message = (await session.execute(query)).scalar_one_or_none()
            return message if message and message.media.get("state") == "stored" else None

        await bot_api.wait_until(stored, timeout=30)
        message = await stored()
        assert message is not None and message.text == "[voice]"
        url = f"{base}/inbox/media/{message.id}"
        as_sara, as_lien = (
            await bearer(service, "sara@wam"),
            await bearer(service, "lien@samenwerkt"),
        )
        async with http.get(url, headers=as_sara) as response:
            assert response.status == 200
            assert await response.read() == VOICE
            assert response.headers["Content-Type"] == "audio/ogg"
            assert bot_api.token not in str(response.url)
        async with http.get(url, headers=as_lien) as response:
            assert response.status == 404
        async with http.get(url, allow_redirects=False) as response:
            assert response.status in (302, 303, 401)
        for bad in ("../../etc/passwd", "%2e%2e%2fsecret_key", "99999999999999999999"):
            async with http.get(f"{base}/inbox/media/{bad}", headers=as_sara) as response:
                assert response.status == 404
        timeline = await service.inbox.timeline_after(sara, waiting.case.id, None)
        assert any(i.data and i.data.get("kind") == "voice" for i in timeline)


async def test_a_linked_worker_gets_a_short_ping_without_content(
    db_url: str, bot_api: BotApiServer, tmp_path: Path
) -> None:
    async with serving(make_settings(db_url, tmp_path, bot_api)) as service:
        await complete_intake(Youth(bot_api, 9102))
        sara = await add_worker(service.db, "Sara")
        (waiting,) = (await service.inbox.queue(sara)).waiting
        await service.inbox.claim(sara, waiting.case.id)
        bot_api.user_sends_text(9200, "/koppel WRONG1", first_name="Sara")
        await bot_api.wait_until(
            lambda: any("klopt niet" in t for t in bot_api.sent_texts(9200)), timeout=10
        )
        code = await service.inbox.link_code(sara)
        bot_api.user_sends_text(9200, f"/koppel {code.lower()}", first_name="Sara")
        await bot_api.wait_until(
            lambda: any("Gekoppeld, Sara!" in t for t in bot_api.sent_texts(9200)), timeout=10
        )
        bot_api.user_sends_text(9102, "Mijn geheim: ik heb schulden")
        bot_api.user_sends_text(9102, "en nog iets")
        await bot_api.wait_until(
            lambda: any("Nieuw bericht van Noor" in t for t in bot_api.sent_texts(9200)), timeout=10
        )
        await service.dispatcher.idle()
        pings = [t for t in bot_api.sent_texts(9200) if "Nieuw bericht" in t]
        assert pings == ["Nieuw bericht van Noor. Open de inbox."]  # one per burst, no content
        # The code is used up.
        bot_api.user_sends_text(9201, f"/koppel {code}", first_name="Mallory")
        await bot_api.wait_until(
            lambda: any("klopt niet" in t for t in bot_api.sent_texts(9201)), timeout=10
        )
