"""The webhook door: secret checked in constant time, bad bodies refused, duplicates ignored."""

from __future__ import annotations

import json
from pathlib import Path

import aiohttp

from bot.channels.telegram import SECRET_HEADER, WEBHOOK_PATH
from storage import inbound
from tests.botapi.server import BotApiServer
from tests.support.service import make_settings, serving, settled


def update(update_id: int, chat_id: int, text: str) -> dict[str, object]:
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "date": 1_790_000_000,
            "chat": {"id": chat_id, "type": "private", "first_name": "Noor"},
            "from": {"id": chat_id, "is_bot": False, "first_name": "Noor", "language_code": "nl"},
            "text": text,
        },
    }


async def test_webhook_refuses_bad_requests_and_stores_nothing(
    db_url: str, bot_api: BotApiServer, tmp_path: Path
) -> None:
    settings = make_settings(db_url, tmp_path, bot_api)
    settings = make_settings(
        db_url, tmp_path, bot_api, telegram_mode="webhook", http_port=settings.http_port,
        public_url=f"http://127.0.0.1:{settings.http_port}",
    )  # fmt: skip
    url = f"http://127.0.0.1:{settings.http_port}{WEBHOOK_PATH}"
    good = {SECRET_HEADER: settings.webhook_secret}
    async with serving(settings) as service, aiohttp.ClientSession() as http:
        cases = [
            ({}, json.dumps(update(1, 5001, "hoi")), 403),  # no secret
            ({SECRET_HEADER: "wrong"}, json.dumps(update(2, 5001, "hoi")), 403),
            (good, "this is not json", 400),
            (good, json.dumps({"message": {"text": "no id"}}), 400),
            (good, json.dumps({"update_id": "7"}), 400),
            (good, json.dumps([1, 2, 3]), 400),
            (good, b"\xff\xfe", 400),
        ]
        for headers, body, status in cases:
            async with http.post(url, data=body, headers=headers) as response:
                assert response.status == status, (headers, body)
        async with service.db.transaction() as session:
            assert await inbound.count_by_status(session) == {}
        # The same update delivered three times is handled once.
        bot_api.ensure_chat(5002)
        for _ in range(3):
            async with http.post(url, json=update(100, 5002, "/start"), headers=good) as response:
                assert response.status == 200
        await bot_api.wait_until(lambda: len(bot_api.sent_texts(5002)) >= 1, timeout=30)
        await settled(service)
        async with service.db.transaction() as session:
            assert await inbound.count_by_status(session) == {"done": 1}
    assert sum("Hoi! Ik ben Instap" in t for t in bot_api.sent_texts(5002)) == 1


async def test_one_youths_updates_are_handled_in_order(
    db_url: str, bot_api: BotApiServer, tmp_path: Path
) -> None:
    """Ten youths type fast; each one's answers land in the right questions."""
    async with serving(make_settings(db_url, tmp_path, bot_api)) as service:
        youths = range(6001, 6011)
        for chat_id in youths:
            for text in ("/start", f"Naam{chat_id}", "21", "3630"):
                bot_api.user_sends_text(chat_id, text)
        for chat_id in youths:
            await bot_api.wait_until(
                lambda c=chat_id: any("Waarmee wil je hulp?" in t for t in bot_api.sent_texts(c)),
                timeout=30,
            )
        await service.dispatcher.idle()
        for chat_id in youths:
            texts = bot_api.sent_texts(chat_id)
            assert any(f"Leuk je te leren kennen, Naam{chat_id}!" in t for t in texts)
            assert any("In Maasmechelen helpt WAM" in t for t in texts)
