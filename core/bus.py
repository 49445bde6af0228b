"""The bus: wake-ups for live pages ("something changed for this youth", "case N changed")."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Callable
from typing import Any

Outward = Callable[[str, dict[str, Any]], None]


class Bus:
    """Subscribers wait on a key; publishers wake them.

    In one process that is all. With several instances on PostgreSQL, `outward` (set by
    `core.relay.Relay`) also sends every event to the other instances, which `deliver` it
    to their own subscribers: an open page hears what any instance did. Events carry ids,
    not text; an event may still be lost (a dropped database connection), so the web chat
    also re-reads the database now and then.
    """

    def __init__(self) -> None:
        self.waiters: dict[str, set[asyncio.Queue[dict[str, Any]]]] = defaultdict(set)
        self.outward: Outward | None = None

    def subscribe(self, key: str) -> asyncio.Queue[dict[str, Any]]:
        queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue(maxsize=100)
        self.waiters[key].add(queue)
        return queue

    def unsubscribe(self, key: str, queue: asyncio.Queue[dict[str, Any]]) -> None:
        self.waiters[key].discard(queue)
        if not self.waiters[key]:
            del self.waiters[key]

    def publish(self, key: str, event: dict[str, Any]) -> None:
        """Wake this process's subscribers of `key`, and the other instances' ones."""
        self.deliver(key, event)
        if self.outward is not None:
            self.outward(key, event)

    def deliver(self, key: str, event: dict[str, Any]) -> None:
        """Wake this process's subscribers of `key` only."""
        for queue in self.waiters.get(key, ()):
            if not queue.full():
                queue.put_nowait(event)
