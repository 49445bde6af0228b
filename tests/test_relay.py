"""The relay of live events between instances, on a real PostgreSQL (LISTEN/NOTIFY)."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import AsyncIterator

import asyncpg
import pytest
from sqlalchemy.engine import make_url

from core.bus import Bus
from core.relay import CHANNEL, MAX_PAYLOAD, Relay
from storage import dedicated
from tests.conftest import fresh_postgres_database
from tests.support.postgres import PostgresServer

DEADLINE = 30.0  # seconds: generous, for a loaded machine


@contextlib.asynccontextmanager
async def relaying(url: str, bus: Bus) -> AsyncIterator[Relay]:
    relay = Relay(make_url(url), bus)
    task = asyncio.create_task(relay.run())
    try:
        await asyncio.wait_for(relay.listening.wait(), DEADLINE)
        yield relay
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)


async def test_events_cross_instances_with_ids_only_and_survive_a_dropped_connection(
    postgres: PostgresServer | str, caplog: pytest.LogCaptureFixture
) -> None:
    url = await fresh_postgres_database(postgres)
    here, there = Bus(), Bus()
    async with relaying(url, here) as near, relaying(url, there):
        mine, theirs = here.subscribe("web:noor"), there.subscribe("web:noor")
        edit = {"type": "edit", "id": 7, "text": "Ben je er dinsdag?", "buttons": [["Ja"]]}
        here.publish("web:noor", edit)
        assert await asyncio.wait_for(theirs.get(), DEADLINE) == {"type": "edit", "id": 7}
        assert mine.get_nowait() == edit  # at once, in full, and once: its own NOTIFY skipped
        own = {"from": near.instance, "key": "web:noor", "event": {"type": "wake"}}
        near.heard(None, 0, CHANNEL, json.dumps(own))
        assert mine.empty(), "an instance's own events come back by NOTIFY and are skipped"
        here.publish("web:" + "x" * MAX_PAYLOAD, {"type": "wake"})  # too large: stays here

        # The database drops the other instance's connection: it reconnects and hears again.
        admin = await asyncpg.connect(dedicated.dsn(make_url(url)))
        try:
            await admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        finally:
            await admin.close()
        loop = asyncio.get_running_loop()
        ends, got = loop.time() + DEADLINE, None
        while got is None and loop.time() < ends:  # a wake-up lost while reconnecting is fine
            here.publish("web:noor", {"type": "wake"})
            with contextlib.suppress(TimeoutError):
                got = await asyncio.wait_for(theirs.get(), 1.0)
        assert got == {"type": "wake"}, "heard again after reconnecting"
    said = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert any("live events: connection lost" in m for m in said), said
    assert any("too large for NOTIFY" in m for m in said), said
