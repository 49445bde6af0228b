"""Is this instance alive (`/healthz`), and ready for work (`/readyz`)?

A load balancer or an orchestrator asks these. Alive: the process answers. Ready: the
database answers within a few seconds and its schema is at the newest migration (an instance
started next to an older database, or one whose database is down, must not get traffic).
The answer also says how each channel and the live events stand ("receiving", "standby" for
an instance that waits to take over Telegram, "failing" after a failed getUpdates,
"reconnecting" while the live events' connection is down): the operator sees them; they do
not take the instance out of traffic, which still serves the inbox and the web chat.
The answer names what was checked, never a youth's data.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping, Sequence

from aiohttp import web

from storage.db import Database

READY_WITHIN = 3.0  # seconds for the database to answer


async def alive(request: web.Request) -> web.Response:
    return web.json_response({"ok": True})


class Readiness:
    def __init__(
        self,
        db: Database,
        channels: Sequence[str],
        states: Callable[[], Mapping[str, str]] = dict,
    ) -> None:
        """`states`: how the channels (and live events) stand now, by name; others are "ok"."""
        self.db = db
        self.channels = sorted(channels)
        self.states = states

    async def ready(self, request: web.Request) -> web.Response:
        try:
            async with asyncio.timeout(READY_WITHIN):
                behind = await self.db.schema_behind()
        except Exception as exc:  # down, refused, timed out, broken: not ready
            problem = f"the database does not answer ({type(exc).__name__})"
            return web.json_response({"ok": False, "database": problem}, status=503)
        if behind:
            found = {
                "ok": False,
                "database": "ok",
                "schema": f"not at the newest migration ({behind})",
            }
            return web.json_response(found, status=503)
        states = {channel: "ok" for channel in self.channels} | dict(self.states())
        found = {"ok": True, "database": "ok", "schema": "current", "channels": states}
        return web.json_response(found)

    def routes(self) -> list[web.RouteDef]:
        return [web.get("/healthz", alive), web.get("/readyz", self.ready)]
