"""One holder at a time across instances: a PostgreSQL session-level advisory lock.

The lock lives on a dedicated connection; when the holder dies its connection closes and
PostgreSQL releases the lock, so the next instance to try (every `retry` seconds) takes
over. The Telegram poller runs only where the lock is held: no competing getUpdates.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections.abc import Awaitable, Callable

import asyncpg
from sqlalchemy.engine import URL

from storage import dedicated

log = logging.getLogger(__name__)
RETRY = 2.0  # seconds between tries for the lock, and between checks that it is still held


def lock_key(name: str) -> int:
    """A stable signed 64-bit advisory lock key for `name` (e.g. one per Telegram bot)."""
    digest = hashlib.blake2b(f"instap:{name}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


class Election:
    """Runs `lead` on the one instance that holds the lock named `name`."""

    def __init__(self, url: URL, name: str, *, retry: float = RETRY) -> None:
        self.url = url
        self.name = name
        self.key = lock_key(name)
        self.retry = retry
        self.leading = asyncio.Event()  # set while this instance holds the lock

    async def run(self, lead: Callable[[], Awaitable[None]]) -> None:
        """Forever: win the lock, run `lead` while it is held; stop it when the lock is lost."""
        while True:
            try:
                connection = await dedicated.connect(self.url)
            except dedicated.LOST as exc:
                log.warning("%s: database unreachable (%s); trying again", self.name, exc)
                await asyncio.sleep(self.retry)
                continue
            try:
                await self.campaign(connection, lead)
            except dedicated.LOST as exc:
                log.warning("%s: lost the lock's connection (%s); trying again", self.name, exc)
            except Exception:  # the leader's work broke (a bug, or the database in its way)
                log.exception("%s: the leader's work failed; trying again", self.name)
            finally:
                await dedicated.close(connection)
            await asyncio.sleep(self.retry)

    async def campaign(self, conn: asyncpg.Connection, lead: Callable[[], Awaitable[None]]) -> None:
        while True:  # another instance holds it: try again now and then
            if await conn.fetchval("SELECT pg_try_advisory_lock($1)", self.key):
                break
            await asyncio.sleep(self.retry)
        log.info("%s: this instance took the lead", self.name)
        task = asyncio.ensure_future(lead())
        self.leading.set()
        try:
            while not task.done():
                await asyncio.wait({task}, timeout=self.retry)
                if not task.done():  # raises once the connection, and so the lock, is gone
                    await conn.fetchval("SELECT 1")
            task.result()
            log.warning("%s: the leader's work ended; giving up the lead", self.name)
        finally:
            self.leading.clear()
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
