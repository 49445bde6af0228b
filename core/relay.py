"""Live events between instances: every Bus event also goes out as a PostgreSQL NOTIFY.

One channel, one dedicated connection per instance that both listens and notifies. Each
payload names the instance it came from (its own come back to it and are skipped) and
holds the key and the event's ids only — never text or names, and far below PostgreSQL's
8000-byte limit. A dropped connection is reopened with backoff; events in between are
lost, which the pages survive (the web chat re-reads now and then; the inbox on reload).
"""

from __future__ import annotations

import asyncio
import json
import logging
import uuid
from typing import Any

import asyncpg
from sqlalchemy.engine import URL

from core.bus import Bus
from storage import dedicated

log = logging.getLogger(__name__)
CHANNEL = "instap_live"
MAX_PAYLOAD = 7999  # bytes: PostgreSQL refuses a NOTIFY payload of 8000 or more
FIELDS = ("type", "id", "case_id")  # what an event may carry across: its kind and ids
BACKOFF = (0.5, 30.0)  # seconds: the first and the longest wait before reconnecting
CHECK = 5.0  # seconds between checks of an idle connection (a dead one shows then)
QUEUED = 1000  # events waiting to go out while disconnected; older ones are dropped


def small(event: dict[str, Any]) -> dict[str, Any]:
    """The part of an event that crosses instances: its type and ids, nothing else."""
    return {
        name: value
        for name, value in event.items()
        if name in FIELDS and (value is None or isinstance(value, int | str))
    }


class Relay:
    """Publishes this instance's Bus events as NOTIFY and delivers the others' locally."""

    def __init__(self, url: URL, bus: Bus, *, instance: str | None = None) -> None:
        self.url = url
        self.bus = bus
        self.instance = instance or uuid.uuid4().hex[:16]
        self.outgoing: asyncio.Queue[str] = asyncio.Queue(maxsize=QUEUED)
        self.listening = asyncio.Event()  # set while connected and listening

    def send(self, key: str, event: dict[str, Any]) -> None:
        """The Bus's outward hook: queue the event for the other instances."""
        payload = json.dumps(
            {"from": self.instance, "key": key, "event": small(event)}, separators=(",", ":")
        )
        if len(payload.encode()) > MAX_PAYLOAD:
            log.warning("live event for %.40s too large for NOTIFY; not relayed", key)
            return
        if self.outgoing.full():
            self.outgoing.get_nowait()  # the oldest wake-up matters least
        self.outgoing.put_nowait(payload)

    def heard(self, connection: object, pid: int, channel: str, payload: str) -> None:
        """A NOTIFY arrived: deliver another instance's event to our subscribers."""
        try:
            note = json.loads(payload)
            origin, key, event = note["from"], note["key"], note["event"]
        except (ValueError, KeyError, TypeError):
            log.warning("unreadable live event on %s ignored", channel)
            return
        if origin != self.instance and isinstance(key, str) and isinstance(event, dict):
            self.bus.deliver(key, event)

    async def run(self) -> None:
        """Relay until cancelled, reconnecting with backoff when the connection drops."""
        self.bus.outward = self.send
        delay = BACKOFF[0]
        try:
            while True:
                try:
                    connection = await dedicated.connect(self.url)
                except dedicated.LOST as exc:
                    log.warning("live events: cannot connect (%s); retry in %.1f s", exc, delay)
                    await asyncio.sleep(delay)
                    delay = min(delay * 2, BACKOFF[1])
                    continue
                try:
                    await connection.add_listener(CHANNEL, self.heard)
                    self.listening.set()
                    delay = BACKOFF[0]
                    await self.pump(connection)
                except dedicated.LOST as exc:
                    log.warning("live events: connection lost (%s); reconnecting", exc)
                except Exception:  # not the connection: a bug; still keep the pages live
                    log.exception("live events: relay failed; reconnecting")
                finally:
                    self.listening.clear()
                    await dedicated.close(connection)
                await asyncio.sleep(delay)
        finally:
            self.bus.outward = None

    async def pump(self, connection: asyncpg.Connection) -> None:
        while True:
            try:  # asyncio.timeout, not wait_for: on 3.11 that may swallow a cancel
                async with asyncio.timeout(CHECK):
                    payload = await self.outgoing.get()
            except TimeoutError:
                await connection.fetchval("SELECT 1")  # raises if the connection is gone
                continue
            await connection.execute("SELECT pg_notify($1, $2)", CHANNEL, payload)
