"""The inbox and web chat over HTTP as a worker's browser sees them, wired by the app itself.

`open_site` builds the whole service with instap.app.build (headers, problems, auth, pages,
API, web chat: in the app's own order) on the test's database, and serves it to a test
client; the inbox reads the test's clock. Sara is a worker and Jan a coordinator at WAM!.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import AsyncIterator, Collection
from dataclasses import dataclass
from pathlib import Path

from aiohttp import ClientResponse, web
from aiohttp.test_utils import TestClient, TestServer

from inbox import auth, totp
from instap.app import build
from storage.db import Database
from storage.workers import WorkerView
from tests.support.clock import Clock
from tests.support.inbox import PASSWORD, add_worker, form_value
from tests.support.service import make_settings

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  # a fixed secret, as if typed into an app


@dataclass
class Site:
    db: Database
    clock: Clock
    client: TestClient[web.Request, web.Application]
    sara: WorkerView
    jan: WorkerView  # a coordinator

    async def login(self, worker: WorkerView, password: str = PASSWORD) -> ClientResponse:
        return await self.login_as(worker.username, password)

    async def login_as(self, username: str, password: str) -> ClientResponse:
        page = await self.client.get("/inbox/login")
        form = {
            "username": username,
            "password": password,
            "login_token": form_value(await page.text(), "login_token"),
        }
        return await self.client.post("/inbox/login", data=form, allow_redirects=False)

    async def code(self, page: str, code: str) -> ClientResponse:
        """Send a code on the code form that `page` is."""
        form = {"code": code, "login_token": form_value(page, "login_token")}
        return await self.client.post("/inbox/login/code", data=form, allow_redirects=False)

    def code_now(self, secret: str = SECRET) -> str:
        return totp.code_at(totp.key_of(secret), totp.step_of(self.clock()))

    async def page(self, path: str, **headers: str) -> tuple[int, str]:
        response = await self.client.get(path, headers=headers or None)
        return response.status, await response.text()

    async def post(self, path: str, data: dict[str, str]) -> ClientResponse:
        """A form with the page's CSRF token, as a browser sends it (redirect not followed)."""
        _, text = await self.page("/inbox/account")
        return await self.client.post(
            path, data={"csrf": form_value(text, "csrf"), **data}, allow_redirects=False
        )

    def session_cookie(self) -> str | None:
        for cookie in self.client.session.cookie_jar:
            if cookie.key == auth.COOKIE:
                return cookie.value
        return None


@contextlib.asynccontextmanager
async def open_site(
    db: Database, clock: Clock, var: Path, *, secure: bool = False, roles: Collection[str] = ()
) -> AsyncIterator[Site]:
    """`secure`: served as https (secure cookies, HSTS); `roles`: REQUIRE_TOTP_ROLES."""
    settings = make_settings(
        db.url.render_as_string(hide_password=False),
        var,
        public_url="https://inbox.example" if secure else "",
        require_totp_roles=frozenset(roles),
    )
    service = build(settings)
    service.inbox.clock = clock
    sara = await add_worker(db, "Sara")
    jan = await add_worker(db, "Jan", role="coordinator")
    try:
        async with TestClient(TestServer(service.webapp)) as client:
            yield Site(db, clock, client, sara, jan)
    finally:
        await service.db.dispose()


def alert(page: str) -> str:
    found = re.search(r'<p class="flash error" role="alert">([^<]*)</p>', page)
    return found.group(1) if found else ""
