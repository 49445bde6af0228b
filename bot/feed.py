"""In-process wake-ups for live pages: "something changed for this youth"."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from typing import Any


class Feed:
    """Subscribers wait on a key; publishers wake them. Subscribers also poll the database,
    so a change made by another instance still arrives, only a little later."""

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
