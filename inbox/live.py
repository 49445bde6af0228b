"""Live inbox pages: Server-Sent Events that say "case N changed" to the workers of a partnership.

Only the case id travels; the page fetches what changed through the normal, checked pages.
A stream ends after `MAX_AGE` so the browser reconnects and the session is checked again.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

from aiohttp import web

from core.bus import Bus
from inbox import auth

HEARTBEAT = 15.0  # seconds between comment lines: proxies keep the stream, dead peers show
MAX_AGE = 600.0  # seconds; then the browser reconnects (and logs in again if it must)
RETRY_MS = 3000


class Live:
    """The event stream; `close` (an on_shutdown hook) ends open streams at once."""

    def __init__(self, bus: Bus, *, heartbeat: float = HEARTBEAT, max_age: float = MAX_AGE) -> None:
        self.bus = bus
        self.heartbeat = heartbeat
        self.max_age = max_age
        self.stopping = asyncio.Event()

    def routes(self) -> list[web.AbstractRouteDef]:
        return [web.get("/inbox/events", self.events)]

    async def close(self, app: web.Application | None = None) -> None:
        self.stopping.set()

    async def events(self, request: web.Request) -> web.StreamResponse:
        worker = auth.require_worker(request)
        response = web.StreamResponse(
            headers={
                "Content-Type": "text/event-stream",
                "Cache-Control": "no-store",
                "X-Accel-Buffering": "no",  # nginx: pass events on at once
            }
        )
        key = f"inbox:{worker.partnership_id}"
        queue = self.bus.subscribe(key)
        try:
            await response.prepare(request)
            await response.write(f"retry: {RETRY_MS}\n: hallo\n\n".encode())
            await self.pump(response, queue)
        except (ConnectionResetError, ConnectionError):
            pass  # the page went away
        finally:
            self.bus.unsubscribe(key, queue)
        return response

    async def pump(
        self, response: web.StreamResponse, queue: asyncio.Queue[dict[str, Any]]
    ) -> None:
        loop = asyncio.get_running_loop()
        ends = loop.time() + self.max_age
        stop = asyncio.ensure_future(self.stopping.wait())
        try:
            while not self.stopping.is_set() and loop.time() < ends:
                get = asyncio.ensure_future(queue.get())
                wait = min(self.heartbeat, max(ends - loop.time(), 0))
                await asyncio.wait({get, stop}, timeout=wait, return_when=asyncio.FIRST_COMPLETED)
                if not get.done() or get.cancelled():
                    get.cancel()
                    if not self.stopping.is_set():
                        await response.write(b": ping\n\n")
                    continue
                data = json.dumps({"case_id": get.result().get("case_id")})
                await response.write(f"event: case\ndata: {data}\n\n".encode())
        finally:
            stop.cancel()
