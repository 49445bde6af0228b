"""The queue: waiting cases against the promise, mine, the team's (and its live fragment)."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from inbox import auth
from inbox.pages.base import Screen
from storage.workers import WorkerView


class Queue(Screen):
    """The inbox's home page."""

    async def context(self, worker: WorkerView) -> dict[str, Any]:
        view = await self.inbox.queue(worker)
        team = await self.inbox.team(worker)
        return {"queue": view, "colleagues": [w for w, _ in team if w.id != worker.id]}

    async def page(self, request: web.Request) -> web.StreamResponse:
        worker = auth.require_worker(request)
        return self.render(request, "queue.html", **await self.context(worker))

    async def fragment(self, request: web.Request) -> web.StreamResponse:
        worker = auth.require_worker(request)
        return self.render(request, "_queue.html", **await self.context(worker))
