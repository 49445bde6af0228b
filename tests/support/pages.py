"""The inbox pages alone (no API, no web chat) behind the login, for the page tests.

Sara and Jan (coordinator) work at WAM!, Tom at SamenWerkt; Noor's case waits at WAM!,
Lina's at SamenWerkt. The inbox keeps real time unless a test gives it a clock.
"""

from __future__ import annotations

import contextlib
import html
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass

from aiohttp import ClientResponse, web
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import func, select

from core.bus import Bus
from core.i18n import Translator
from core.templates import Templates
from inbox import auth
from inbox.live import Live
from inbox.pages import TEMPLATES, InboxPages
from inbox.service import Inbox
from storage.db import Database
from storage.models import Message
from storage.workers import WorkerView
from tests.support.clock import Clock
from tests.support.dialog import directory
from tests.support.inbox import PASSWORD, add_case, add_worker


@dataclass
class Site:
    db: Database
    inbox: Inbox
    client: TestClient[web.Request, web.Application]
    sara: WorkerView
    jan: WorkerView
    tom: WorkerView
    noor: int  # a waiting case of Sara's and Jan's partnership (wam)
    elsewhere: int  # a case of another partnership (samenwerkt)

    async def login(self, worker: WorkerView, next_path: str = "") -> ClientResponse:
        page = await self.client.get("/inbox/login")
        token = field(await page.text(), "login_token")
        form = {"username": worker.username, "password": PASSWORD, "login_token": token}
        if next_path:
            form["next"] = next_path
        return await self.client.post("/inbox/login", data=form, allow_redirects=False)

    async def page(self, path: str) -> tuple[int, str]:
        response = await self.client.get(path)
        return response.status, await response.text()

    async def post(self, path: str, data: dict[str, str], *, csrf: bool = True) -> tuple[int, str]:
        """Submit a form the way a browser does: with the page's CSRF token, following the 303."""
        if csrf:
            _, text = await self.page("/inbox")
            data = {"csrf": field(text, "csrf"), **data}
        response = await self.client.post(path, data=data)
        return response.status, await response.text()


def field(text: str, name: str) -> str:
    found = re.search(rf'name="{name}" value="([^"]*)"', text)
    assert found, f"no hidden field {name!r}"
    return html.unescape(found.group(1))


async def count_messages(db: Database, text: str) -> int:
    async with db.transaction() as session:
        stmt = select(func.count()).select_from(Message).where(Message.text.contains(text))
        return int((await session.execute(stmt)).scalar_one())


def make_inbox(db: Database, bus: Bus) -> Inbox:
    return Inbox(
        db=db, directory=directory(), translator=Translator(), bus=bus, notify_outbox=lambda: None
    )


@contextlib.asynccontextmanager
async def open_pages(
    db: Database, *, clock: Clock | None = None, live: bool = False
) -> AsyncIterator[Site]:
    """The pages served to a test client; `live`: the event stream too (a fast heartbeat)."""
    bus = Bus()
    inbox = make_inbox(db, bus)
    if clock is not None:
        inbox.clock = clock
    app = web.Application(middlewares=[auth.middleware(db)])
    app.add_routes(InboxPages(inbox, db, Templates(TEMPLATES), secure_cookies=False).routes())
    if live:
        stream = Live(bus, heartbeat=0.2)
        app.add_routes(stream.routes())
        app.on_shutdown.append(stream.close)
    sara = await add_worker(db, "Sara")
    jan = await add_worker(db, "Jan", role="coordinator")
    tom = await add_worker(db, "Tom", partnership="samenwerkt")
    noor = await add_case(db, "Noor", "wam", chat="1")
    elsewhere = await add_case(db, "Lina", "samenwerkt", chat="2")
    async with TestClient(TestServer(app)) as client:
        yield Site(db, inbox, client, sara, jan, tom, noor, elsewhere)
