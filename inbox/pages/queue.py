"""The queue: waiting cases against the promise, mine, the team's (and its live fragment), a page
of each at a time, with the team's filters and a search box."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from aiohttp import web

from flows.intake_questions import NEEDS
from inbox import auth
from inbox.pages.base import Screen
from inbox.service.queue import CHANNELS, CURSOR_PARAMS, LANGUAGES, ask_from
from storage.queue import Kind
from storage.workers import WorkerView


class Queue(Screen):
    """The inbox's home page."""

    async def context(self, request: web.Request, worker: WorkerView) -> dict[str, Any]:
        query = dict(request.query)
        ask = ask_from(query, coordinator=worker.is_coordinator)
        view = await self.inbox.queue(worker, ask)
        team = await self.inbox.everyone(worker)
        partnership = self.inbox.partnership(worker)
        filters = ask.params(query)
        shown = {p: query[p] for p in CURSOR_PARAMS.values() if query.get(p)}

        def link(kind: Kind, cursor: str | None) -> str:
            """This page with one list moved on (a cursor) or back to its start (None)."""
            params = {**filters, **shown}
            params.pop(CURSOR_PARAMS[kind], None)
            if cursor:
                params[CURSOR_PARAMS[kind]] = cursor
            anchor = "#list-" + kind
            return ("?" + urlencode(params) if params else "/inbox") + anchor

        return {
            "queue": view,
            "colleagues": [w for w in team if w.id != worker.id],
            "workers": team,
            "filters": filters,
            "filtered": any(k != "q" for k in filters),
            "query": urlencode({**filters, **shown}),
            "link": link,
            "started": {kind: param in shown for kind, param in CURSOR_PARAMS.items()},
            "municipalities": sorted(m.name for m in partnership.municipalities),
            "channels": CHANNELS,
            "languages": LANGUAGES,
            "need_choices": NEEDS,
        }

    async def page(self, request: web.Request) -> web.StreamResponse:
        worker = auth.require_worker(request)
        return self.render(request, "queue.html", **await self.context(request, worker))

    async def fragment(self, request: web.Request) -> web.StreamResponse:
        worker = auth.require_worker(request)
        return self.render(request, "_queue.html", **await self.context(request, worker))
