"""The in-process bus: wake-ups for live pages ("something changed for this youth")."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from typing import Any


class Bus:
    """Subscribers wait on a key; publishers in this process wake them. Nothing crosses to
    another instance: the web chat also re-reads the database every few seconds, so a
    message sent by another instance still arrives, only later."""

    def __init__(self) -> None:
        self.waiters: dict[str, set[asyncio.Queue[dict[str, Any]]]] = defaultdict(set)

    def subscribe(self, key: str) -> asyncio.Queue[dict[str, Any]]:
        queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue(maxsize=100)
        self.waiters[key].add(queue)
        return queue

    def unsubscribe(self, key: str, queue: asyncio.Queue[dict[str, Any]]) -> None:
        self.waiters[key].discard(queue)
        if not self.waiters[key]:
            del self.waiters[key]

    def publish(self, key: str, event: dict[str, Any]) -> None:
        for queue in self.waiters.get(key, ()):
            if not queue.full():
                queue.put_nowait(event)
