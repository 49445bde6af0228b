"""Live across instances: the web chat open on one instance hears what another one sends.

Instance A holds the youth's websocket and handles what the youth types; instance B is the
only one that sends. The chat's safety re-read is set to an hour, so every message the
youth sees on A came by an event from B (PostgreSQL NOTIFY), not by reading again.
"""

from __future__ import annotations

from pathlib import Path

import aiohttp
import pytest

import bot.channels.webchat
from storage import registrations
from tests.conftest import fresh_postgres_database
from tests.support.inbox import add_worker
from tests.support.intake import finish_intake
from tests.support.postgres import PostgresServer
from tests.support.service import make_settings, serving
from tests.support.webchat import TOKEN, WebYouth


async def test_the_web_chat_on_a_hears_the_bot_and_a_worker_sending_from_b(
    postgres: PostgresServer | str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bot.channels.webchat, "REREAD_SECONDS", 3600.0)  # events only
    url = await fresh_postgres_database(postgres)
    a = make_settings(url, tmp_path / "a", roles=frozenset({"web", "process"}))
    b = make_settings(url, tmp_path / "b", roles=frozenset({"web", "send", "schedule"}))
    chat = f"http://127.0.0.1:{a.http_port}/chat/ws"
    async with (
        serving(a),
        serving(b) as on_b,
        aiohttp.ClientSession() as http,
        http.ws_connect(chat) as ws,
    ):
        await ws.send_json({"type": "hello", "token": TOKEN, "since": 0})
        assert (await ws.receive_json())["type"] == "ready"
        youth = WebYouth(ws)
        await youth.says("/start", "Hoe mogen we je noemen?")
        await finish_intake(youth)  # its "✅ Werk" is an edit made by B, shown on A

        sara = await add_worker(on_b.db, "Sara")
        async with on_b.db.transaction() as session:
            (waiting,) = await registrations.waiting(session, "wam")
        await on_b.inbox.reply(sara, waiting.id, "Hoi Noor, ik ben Sara!")
        message = await youth.read_until("Hoi Noor, ik ben Sara!")
    assert message["text"] == "Sara schrijft:\nHoi Noor, ik ben Sara!"
