"""Schedule inbound processing: one task per youth (in order), youths in parallel."""

from __future__ import annotations

import asyncio
import logging

from bot.engine import Engine
from storage import inbound
from storage.db import Database

log = logging.getLogger(__name__)


class Dispatcher:
    def __init__(self, db: Database, engine: Engine, *, sweep_seconds: float = 5.0) -> None:
        self.db = db
        self.engine = engine
        self.sweep_seconds = sweep_seconds
        self.running: dict[str, asyncio.Task[None]] = {}
        self.again: set[str] = set()

    def notify(self, key: str) -> None:
        """New events for this youth are stored: make sure a task drains them."""
        if key in self.running:
            self.again.add(key)
            return
        self.running[key] = asyncio.create_task(self.drain(key), name=f"drain {key}")

    async def drain(self, key: str) -> None:
        try:
            while True:
                self.again.discard(key)
                while await self.engine.process_next(key):
                    pass
                if key not in self.again:
                    break
        except Exception:
            log.exception("processing for %s stopped; the sweep will retry", key)
        finally:
            self.running.pop(key, None)

    async def sweep(self) -> None:
        """Pick up whatever is pending: left by a crash, or stored by another instance."""
        async with self.db.transaction() as session:
            keys = await inbound.pending_keys(session)
        for key in keys:
            self.notify(key)

    async def run(self) -> None:
        while True:
            try:
                await self.sweep()
            except Exception:
                log.exception("inbound sweep failed")
            await asyncio.sleep(self.sweep_seconds)

    async def idle(self) -> None:
        """Wait until no youth has work in progress (for tests and graceful shutdown)."""
        while self.running:
            await asyncio.gather(*self.running.values(), return_exceptions=True)

    async def stop(self) -> None:
        for task in list(self.running.values()):
            task.cancel()
        await asyncio.gather(*self.running.values(), return_exceptions=True)
