"""One holder at a time: the advisory-lock election on a real PostgreSQL."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

import asyncpg
from sqlalchemy.engine import make_url

from storage import dedicated
from storage.election import Election, lock_key
from tests.conftest import fresh_postgres_database
from tests.support.postgres import PostgresServer

DEADLINE = 30.0  # seconds: generous, for a loaded machine


class Worker:
    """What the leader runs: it notes whether it is running now."""

    def __init__(self) -> None:
        self.running = asyncio.Event()
        self.stopped = asyncio.Event()

    async def lead(self) -> None:
        self.running.set()
        self.stopped.clear()
        try:
            await asyncio.Event().wait()
        finally:
            self.running.clear()
            self.stopped.set()


@contextlib.asynccontextmanager
async def standing(election: Election, worker: Worker) -> AsyncIterator[None]:
    task = asyncio.create_task(election.run(worker.lead))
    try:
        yield
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)


async def first(*events: asyncio.Event) -> None:
    waits = [asyncio.ensure_future(e.wait()) for e in events]
    try:
        await asyncio.wait_for(asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED), DEADLINE)
    finally:
        for wait in waits:
            wait.cancel()


async def test_a_leader_that_loses_its_connection_stops_and_the_other_takes_over(
    postgres: PostgresServer | str,
) -> None:
    url = make_url(await fresh_postgres_database(postgres))
    one, two = Election(url, "telegram:1", retry=0.2), Election(url, "telegram:1", retry=0.2)
    other_bot = Election(url, "telegram:2", retry=0.2)  # two bots may share a database
    a, b, c = Worker(), Worker(), Worker()
    async with standing(one, a), standing(two, b), standing(other_bot, c):
        await first(a.running, b.running)
        await asyncio.wait_for(c.running.wait(), DEADLINE)
        leader, follower = (a, b) if a.running.is_set() else (b, a)
        assert not follower.running.is_set(), "one holder at a time"

        admin = await asyncpg.connect(dedicated.dsn(url))
        try:  # the holder's connection dies, as with a killed instance
            locks = await admin.fetch(
                "SELECT pid, classid::bigint, objid::bigint FROM pg_locks "
                "WHERE locktype = 'advisory' AND granted"
            )
            key = lock_key("telegram:1") & (2**64 - 1)  # as PostgreSQL splits it: two oids
            (pid,) = [r["pid"] for r in locks if r["classid"] << 32 | r["objid"] == key]
            await admin.execute("SELECT pg_terminate_backend($1)", pid)
        finally:
            await admin.close()
        await asyncio.wait_for(leader.stopped.wait(), DEADLINE)
        await asyncio.wait_for(follower.running.wait(), DEADLINE)
        assert c.running.is_set(), "the other bot's receiver was not disturbed"
