"""One Telegram receiver at a time: two instances on PostgreSQL, both with the "receive" role.

Only the instance holding the advisory lock polls, so the Bot API never sees competing
getUpdates (it answers those with 409 Conflict); when it stops, the other takes over.
"""

from __future__ import annotations

import contextlib
import logging
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from config.settings import ROLES
from instap.app import Service
from tests.botapi.server import BotApiServer
from tests.conftest import fresh_postgres_database
from tests.support.postgres import PostgresServer
from tests.support.service import make_settings, serving, settled
from tests.support.telegram import Youth

NOOR = 4701


async def readiness(service: Service) -> dict[str, Any]:
    url = f"http://127.0.0.1:{service.settings.http_port}/readyz"
    async with aiohttp.ClientSession() as http, http.get(url) as answer:
        assert answer.status == 200
        found: dict[str, Any] = await answer.json()
        return found


def conflicts(bot_api: BotApiServer) -> int:
    return len([c for c in bot_api.calls_to("getUpdates") if c.status == 409])


async def test_one_instance_polls_and_the_other_takes_over_when_it_stops(
    postgres: PostgresServer | str,
    bot_api: BotApiServer,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="storage.election")
    url = await fresh_postgres_database(postgres)
    first = make_settings(url, tmp_path / "a", bot_api)
    second = make_settings(url, tmp_path / "b", bot_api)
    assert set(first.roles) == set(ROLES), "both run with the default roles"
    async with contextlib.AsyncExitStack() as a, contextlib.AsyncExitStack() as b:
        services = [await a.enter_async_context(serving(first))]
        services.append(await b.enter_async_context(serving(second)))
        leading = lambda: [s for s in services if s.election and s.election.leading.is_set()]  # noqa: E731
        await bot_api.wait_until(lambda: len(leading()) == 1, 30, what="one receiver")

        youth = Youth(bot_api, NOOR)
        await youth.says("/start", "Hoe mogen we je noemen?")
        await youth.says("Noor", "Hoe oud ben je?")
        assert len(leading()) == 1, "still one receiver"
        assert conflicts(bot_api) == 0, "no competing getUpdates while both run"

        (receiver,) = leading()
        # The operator's /readyz says which instance receives and which stands by.
        states = {s is receiver: (await readiness(s))["channels"] for s in services}
        assert states[True] == {"web": "ok", "telegram": "receiving", "live events": "listening"}
        assert states[False] == {"web": "ok", "telegram": "standby", "live events": "listening"}
        await settled(receiver)  # what it claimed is sent (handing over claims is not this test's)
        other: Service = next(s for s in services if s is not receiver)
        await (a if receiver is services[0] else b).aclose()  # its lock connection closes
        assert other.election is not None
        await bot_api.wait_until(other.election.leading.is_set, 30, what="the takeover")
        await youth.says("19", "In welke gemeente woon je?")
    assert not [r for r in caplog.records if "Conflict" in r.getMessage()], (
        "no instance was told of a competing getUpdates"
    )
    took = [r for r in caplog.records if "took the lead" in r.getMessage()]
    assert len(took) == 2, "the first receiver, then the one that took over"
