"""The operator's view of a running instance: `GET /metrics` for Prometheus, and the
middleware that gives every request an id (for the logs) and times it by route pattern.

/metrics answers the loopback interface only (a scraper on the same machine, not through a
proxy), or, when METRICS_TOKEN is set, whoever sends `Authorization: Bearer <token>`.
"""

from __future__ import annotations

import hmac
import logging
import re
import time
import uuid
from collections.abc import Awaitable, Callable, Sequence
from datetime import date, datetime, tzinfo
from typing import Any

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST
from sqlalchemy.ext.asyncio import AsyncSession

from bot.channels.errors import brief
from core import logcontext
from core.metrics import Metrics
from flows.directory import Directory, Partnership
from inbox.service.queue import promise_range
from storage import monitoring, outbox
from storage.db import Database

log = logging.getLogger(__name__)
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
LOOPBACK = frozenset({"127.0.0.1", "::1"})
REQUEST_ID = "X-Request-Id"
GIVEN_ID = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")  # a proxy's id is kept only if it is sane


class Monitoring:
    def __init__(
        self,
        metrics: Metrics,
        db: Database,
        directory: Directory,
        tz: tzinfo,
        clock: Callable[[], datetime],
        token: str,
        channels: Sequence[str],
    ) -> None:
        self.metrics = metrics
        self.db, self.directory, self.tz, self.clock = db, directory, tz, clock
        self.token = token
        self.channels = sorted(channels)
        metrics.known(self.channels)

    def allowed(self, request: web.Request) -> bool:
        if self.token:
            given = request.headers.get("Authorization", "")
            return hmac.compare_digest(given.encode(), f"Bearer {self.token}".encode())
        return request.remote in LOOPBACK and "X-Forwarded-For" not in request.headers

    async def scrape(self, request: web.Request) -> web.Response:
        if not self.allowed(request):
            raise web.HTTPForbidden(
                text="metrics: from the loopback interface or with METRICS_TOKEN"
            )
        try:
            await self.refresh()
        except Exception as exc:  # the database is down: the process's own series still answer
            log.warning("metrics: the database did not answer (%s)", brief(exc))
        return web.Response(body=self.metrics.text(), headers={"Content-Type": CONTENT_TYPE_LATEST})

    async def refresh(self) -> None:
        """Set the gauges read from the database: a few counts over the open-work indexes."""
        now = self.clock()
        today = now.astimezone(self.tz).date()
        async with self.db.transaction() as session:
            pending = await monitoring.inbound_pending(session)
            duplicates = await outbox.duplicates(session)
            jobs = {j.channel: j for j in await monitoring.open_jobs(session, now)}
            promises = {
                p.id: await self.promises(session, p, today) for p in self.directory.partnerships
            }
        m = self.metrics
        m.inbound_pending.set(pending)
        m.duplicates.total = duplicates
        for channel in sorted({*self.channels, *jobs}):
            found = jobs.get(channel)
            oldest = found.oldest_due if found else None
            m.outbox_depth.labels(channel).set(found.depth if found else 0)
            m.outbox_oldest.labels(channel).set((now - oldest).total_seconds() if oldest else 0)
        for partnership_id, counts in promises.items():
            for promise, n in counts.items():
                m.queue_waiting.labels(partnership_id, promise).set(n)

    async def promises(
        self, session: AsyncSession, partnership: Partnership, today: date
    ) -> dict[str, int]:
        """The partnership's waiting cases: late, almost late and in time (the queue's own
        filters: inbox/service/queue.py)."""
        workdays = partnership.first_response_workdays
        _, late_before = promise_range("late", today, workdays, self.tz)
        _, almost_before = promise_range("almost_late", today, workdays, self.tz)
        assert late_before is not None and almost_before is not None
        found = await monitoring.waiting(session, partnership.id, late_before, almost_before)
        return {"late": found.late, "almost_late": found.almost_late, "in_time": found.in_time}

    def routes(self) -> list[web.RouteDef]:
        return [web.get("/metrics", self.scrape)]


def route_of(request: web.Request) -> str:
    """The route's pattern ("/inbox/case/{id}"), never the path with its ids."""
    resource = request.match_info.route.resource
    return resource.canonical if resource is not None else "unmatched"


def observing(metrics: Metrics) -> Any:
    """The middleware: a request id on every log line and on the answer, and the time taken.

    Put it first, so it also times and names the answers the other middlewares give."""
    timing = logging.getLogger("instap.http")

    @web.middleware
    async def observe(request: web.Request, handler: Handler) -> web.StreamResponse:
        given = request.headers.get(REQUEST_ID, "")
        request_id = given if GIVEN_ID.match(given) else uuid.uuid4().hex
        started, status = time.monotonic(), 500
        with logcontext.request(request_id):
            try:
                response = await handler(request)
                status = response.status
                if not response.prepared:
                    response.headers[REQUEST_ID] = request_id
                return response
            except web.HTTPException as exc:
                status = exc.status
                exc.headers[REQUEST_ID] = request_id
                raise
            finally:
                seconds = time.monotonic() - started
                route = route_of(request)
                metrics.request(request.method, route, status, seconds)
                timing.debug("%s %s %s in %.0f ms", request.method, route, status, seconds * 1000)

    return observe
