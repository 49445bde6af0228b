"""Who is asking: session cookies (HttpOnly, SameSite) with CSRF tokens, or API bearer tokens.

A handler gets the worker from `require_worker(request)` (or `current`), the form token
from `csrf_of(request)`.
"""

from __future__ import annotations

import asyncio
import hmac
import secrets
from collections.abc import Awaitable, Callable
from datetime import timedelta
from functools import cache
from typing import Any

from aiohttp import web
from yarl import URL

from inbox.passwords import hash_password, verify_password
from storage import workers
from storage.clock import utcnow
from storage.db import Database
from storage.workers import WorkerView

COOKIE = "instap_session"
SESSION_TTL = timedelta(hours=12)
THROTTLE_WINDOW = timedelta(minutes=15)
MAX_FAILURES_PER_USER = 5
MAX_FAILURES_PER_ADDRESS = 30
UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})


@cache
def dummy_hash() -> str:
    """A real hash, so an unknown username costs as much time as a wrong password."""
    return hash_password(secrets.token_urlsafe(16))


Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
WORKER = web.RequestKey("instap_worker", WorkerView)
CSRF = web.RequestKey("instap_csrf", str)
VIA = web.RequestKey("instap_via", str)  # "cookie" | "token" | ""


class LoginRefused(Exception):
    """Wrong username or password, or too many tries: the message says which, kindly."""


def remote_of(request: web.Request) -> str:
    return request.remote or "?"


async def login(db: Database, username: str, password: str, remote: str) -> tuple[str, str]:
    """Check the password (throttled) and open a new session: returns (token, csrf).

    A new token at every login: a session id planted before login is worth nothing after.
    """
    now = utcnow()
    async with db.transaction() as session:
        by_user, by_address = await workers.recent_failures(
            session, username, remote, now - THROTTLE_WINDOW
        )
        worker = await workers.by_username(session, username)
    if by_user >= MAX_FAILURES_PER_USER or by_address >= MAX_FAILURES_PER_ADDRESS:
        raise LoginRefused("Te veel mislukte pogingen. Probeer het over 15 minuten opnieuw.")
    stored = worker.password_hash if worker else dummy_hash()
    ok = await asyncio.to_thread(verify_password, stored, password)  # argon2 is slow on purpose
    if worker is None or not ok:
        async with db.transaction() as session:
            await workers.record_failed_login(session, username, remote, now)
        raise LoginRefused("Die gebruikersnaam of dat wachtwoord klopt niet.")
    token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(24)
    async with db.transaction() as session:
        await workers.clear_failures(session, username)
        await workers.open_session(session, worker, token, csrf, now, SESSION_TTL)
    return token, csrf


def set_cookie(response: web.StreamResponse, token: str, secure: bool) -> None:
    response.set_cookie(
        COOKIE, token, httponly=True, samesite="Lax", secure=secure, path="/",
        max_age=int(SESSION_TTL.total_seconds()),
    )  # fmt: skip


def middleware(db: Database) -> Any:
    """Attach the worker (if any) to each request; refuse unsafe cookie requests without CSRF."""

    @web.middleware
    async def attach(request: web.Request, handler: Handler) -> web.StreamResponse:
        request[CSRF] = ""
        request[VIA] = ""
        bearer = request.headers.get("Authorization", "")
        token = request.cookies.get(COOKIE, "")
        if bearer.lower().startswith("bearer "):
            async with db.transaction() as session:
                worker = await workers.token_worker(session, bearer[7:].strip())
            if worker is not None:
                request[WORKER], request[VIA] = workers.view(worker), "token"
        elif token:
            async with db.transaction() as session:
                found = await workers.session_worker(session, token, utcnow())
            if found is not None:
                worker, row = found
                request[WORKER], request[CSRF], request[VIA] = (
                    workers.view(worker),
                    row.csrf,
                    "cookie",
                )
        if request[VIA] == "cookie" and request.method in UNSAFE:
            sent = request.headers.get("X-CSRF-Token", "")
            if not sent and request.content_type in (
                "application/x-www-form-urlencoded",
                "multipart/form-data",
            ):
                sent = str((await request.post()).get("csrf", ""))
            if not hmac.compare_digest(sent.encode(), request[CSRF].encode()):
                raise csrf_refused(request)
        return await handler(request)

    return attach


def csrf_refused(request: web.Request) -> web.HTTPException:
    if request.path.startswith("/api/"):
        from inbox.problems import problem

        return problem(403, "CSRF-token ontbreekt of klopt niet", "Laad de pagina opnieuw.")
    return web.HTTPForbidden(text="Dit formulier is verlopen. Ga terug en laad de pagina opnieuw.")


def current(request: web.Request) -> WorkerView | None:
    return request.get(WORKER)


def csrf_of(request: web.Request) -> str:
    """The session's CSRF token, for the hidden `csrf` field of every form."""
    token: str = request.get(CSRF, "")
    return token


def require_worker(request: web.Request) -> WorkerView:
    """The logged-in worker; otherwise to the login page (pages) or a 401 (API)."""
    worker = current(request)
    if worker is not None:
        return worker
    if request.path.startswith("/api/"):
        from inbox.problems import problem

        raise problem(401, "Niet aangemeld", "Meld je aan, of stuur een geldige bearer-token mee.")
    target = request.path_qs if request.method == "GET" else "/inbox"
    raise web.HTTPFound(URL("/inbox/login").with_query(next=target))
