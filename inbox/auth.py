"""Who is asking: session cookies (HttpOnly, SameSite) with CSRF tokens, or API bearer tokens.

A handler gets the worker from `require_worker(request)` (or `current`), the form token
from `csrf_of(request)`.

Logging in: `begin_login` checks the password (throttled per username and per address; after
`MAX_FAILURES_PER_USER` failures the username is locked for `LOCKOUT`, right password or not).
A worker with two-step login gets a pending token instead of a session; `finish_login` takes
it with a code from their app. Only then is a session opened, with a new random token.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import ipaddress
import secrets
from collections.abc import Awaitable, Callable, Collection
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from typing import Any

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession
from yarl import URL

from config.settings import Network
from flows.model import N_
from inbox import totp
from inbox.passwords import hash_password, verify_password
from inbox.schemas.base import MAX_ID
from storage import workers
from storage.clock import utcnow
from storage.db import Database
from storage.models import Worker
from storage.workers import WorkerView

COOKIE = "instap_session"
PENDING_COOKIE = "instap_2fa"  # between the password and the code; never a session
SESSION_TTL = timedelta(hours=12)
THROTTLE_WINDOW = timedelta(minutes=15)
LOCKOUT = timedelta(minutes=15)
PENDING_TTL = timedelta(minutes=5)
MAX_FAILURES_PER_USER = 5
MAX_FAILURES_PER_ADDRESS = 30
UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})
ENROL_PATH = "/inbox/account/2fa"  # the one page a worker who must set up two-step login sees


@cache
def dummy_hash() -> str:
    """A real hash, so an unknown username costs as much time as a wrong password."""
    return hash_password(secrets.token_urlsafe(16))


Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
WORKER = web.RequestKey("instap_worker", WorkerView)
CSRF = web.RequestKey("instap_csrf", str)
VIA = web.RequestKey("instap_via", str)  # "cookie" | "token" | ""
MUST_ENROL = web.RequestKey("instap_must_enrol", bool)

REFUSALS = {  # in Dutch, the inbox's language; the pages put them through gettext
    "wrong": N_("Die gebruikersnaam of dat wachtwoord klopt niet."),
    "throttled": N_("Te veel mislukte pogingen. Probeer het over 15 minuten opnieuw."),
    "locked": N_("Te veel mislukte pogingen. Probeer het over 15 minuten opnieuw."),
    "code": N_("Die code klopt niet. Kijk in je app en probeer opnieuw."),
    "used": N_("Die code is al gebruikt. Wacht op de volgende code in je app."),
    "expired": N_("Je aanmelding is verlopen. Begin opnieuw met je wachtwoord."),
    "needs_code": N_("Voor dit account is ook een code uit je app nodig."),
}


class LoginRefused(Exception):
    """Why a login did not work: `kind` is a key of REFUSALS; `until` ends a lockout."""

    def __init__(self, kind: str, until: datetime | None = None) -> None:
        super().__init__(REFUSALS[kind])
        self.kind = kind
        self.until = until


@dataclass(frozen=True)
class Opened:
    """A new session: the cookie's token and the session's CSRF token."""

    token: str
    csrf: str
    worker: WorkerView


@dataclass(frozen=True)
class NeedsCode:
    """The password was right; the code from the app comes next. `pending` goes in a cookie."""

    pending: str
    worker: WorkerView


TRUSTED_PROXIES = web.AppKey("instap_trusted_proxies", tuple[Network, ...])


def remote_of(request: web.Request) -> str:
    """The client's address: the connecting one, or, when that is a trusted proxy, the last
    address in X-Forwarded-For that is not one of our proxies (the ones before it are what
    the client itself claims)."""
    trusted = request.app.get(TRUSTED_PROXIES, ())
    remote = request.remote or "?"
    if not trusted or not is_in(remote, trusted):
        return remote
    hops = [h.strip() for v in request.headers.getall("X-Forwarded-For", []) for h in v.split(",")]
    for hop in reversed(hops):
        if not is_in(hop, trusted):
            return hop[:64] if valid_address(hop) else remote
    return remote


def is_in(address: str, networks: tuple[Network, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks)


def valid_address(address: str) -> bool:
    try:
        ipaddress.ip_address(address)
    except ValueError:
        return False
    return True


# --- logging in -------------------------------------------------------------------------------


async def gate(
    session: AsyncSession, username: str, worker: Worker | None, remote: str, now: datetime
) -> tuple[LoginRefused | None, int]:
    """Locked or throttled? (the refusal, or None) and the username's recent failure count.

    An account is locked only by its own failures. An address with many failures (guessing
    across usernames) keeps one try per username: a worker behind the same address whose
    correct password comes first still gets in; a second guess at any name is refused.

    An unknown username is locked exactly like a known one (from its failed attempts), so
    the answer never tells whether an account exists. Failures from before a lock ended do
    not count again.
    """
    lock_ended = None
    if worker is not None and worker.locked_until is not None:
        if worker.locked_until > now:
            return LoginRefused("locked", worker.locked_until), 0
        lock_ended = worker.locked_until
    failures = await workers.failures_after(
        session, username, remote, window_start=now - THROTTLE_WINDOW, user_from=lock_ended
    )
    if failures.by_user >= MAX_FAILURES_PER_USER and failures.newest is not None:
        until = failures.newest + LOCKOUT
        if until > now:
            if worker is not None:
                workers.lock(worker, until)
            return LoginRefused("locked", until), failures.by_user
    if failures.by_address >= MAX_FAILURES_PER_ADDRESS and failures.by_pair:
        return LoginRefused("throttled"), failures.by_user
    return None, failures.by_user


async def failed(
    db: Database, username: str, remote: str, now: datetime, before: int, kind: str
) -> LoginRefused:
    """Count a failure; the one that reaches the limit locks the account (if there is one)."""
    async with db.transaction() as session:
        await workers.record_failed_login(session, username, remote, now)
        if before + 1 >= MAX_FAILURES_PER_USER:
            worker = await workers.by_username(session, username)
            if worker is not None:
                workers.lock(worker, now + LOCKOUT)
    return LoginRefused(kind)


async def begin_login(
    db: Database, username: str, password: str, remote: str, *, now: datetime | None = None
) -> Opened | NeedsCode:
    """Check the password: a new session, or (with two-step login) a pending token."""
    now = now or utcnow()
    async with db.transaction() as session:
        worker = await workers.by_username(session, username)
        refused, before = await gate(session, username, worker, remote, now)
    if refused is not None:
        raise refused
    stored = worker.password_hash if worker else dummy_hash()
    ok = await asyncio.to_thread(verify_password, stored, password)  # argon2 is slow on purpose
    if worker is None or not ok:
        raise await failed(db, username, remote, now, before, "wrong")
    if workers.totp_secret(worker) is not None:
        return NeedsCode(pending_token(worker, now), workers.view(worker))
    return await open_session(db, worker.id)


async def finish_login(
    db: Database, pending: str, code: str, remote: str, *, now: datetime | None = None
) -> Opened:
    """The second step: the pending token from the password step and a code from the app.

    A code works once (its step is stored); the used step is part of what the pending token
    is signed with, so a pending token works for one login only.
    """
    now = now or utcnow()
    async with db.transaction() as session:
        worker = await pending_worker(session, pending, now)
        if worker is None:
            raise LoginRefused("expired")
        refused, before = await gate(session, worker.username, worker, remote, now)
    if refused is not None:
        raise refused
    secret = workers.totp_secret(worker)
    assert secret is not None  # pending_worker checked it
    step = totp.matching_step(secret, code, now)
    if step is None or step <= workers.totp_last_step(worker):
        kind = "code" if step is None else "used"
        raise await failed(db, worker.username, remote, now, before, kind)
    async with db.transaction() as session:
        fresh = await workers.get(session, worker.id)
        if fresh is None or fresh.totp_secret != worker.totp_secret:
            raise LoginRefused("used")  # another login with this code or token won the race
        if not await workers.use_totp_step(session, fresh, step):
            raise LoginRefused("used")
    return await open_session(db, worker.id)


async def fresh_code(
    db: Database, worker_id: int, code: str, remote: str, *, now: datetime | None = None
) -> None:
    """A code from the worker's app, now, for a step that needs more than a session (a new
    API token). Raises LoginRefused; wrong codes count towards the lock like at login."""
    now = now or utcnow()
    async with db.transaction() as session:
        worker = await workers.get(session, worker_id)
        if worker is None:
            raise LoginRefused("expired")
        refused, before = await gate(session, worker.username, worker, remote, now)
    if refused is not None:
        raise refused
    secret = workers.totp_secret(worker)
    if secret is None:
        raise LoginRefused("code")
    step = totp.matching_step(secret, code, now)
    if step is None or step <= workers.totp_last_step(worker):
        raise await failed(
            db, worker.username, remote, now, before, "code" if step is None else "used"
        )
    async with db.transaction() as session:
        fresh = await workers.get(session, worker.id)
        if fresh is None or not await workers.use_totp_step(session, fresh, step):
            raise LoginRefused("used")


async def open_session(db: Database, worker_id: int) -> Opened:
    """A new session with a new random token (a token planted before login is worth nothing).

    Sessions run on real time, like the middleware that checks them; the `now` the login
    functions take (the inbox's clock) decides throttling, lockout and codes.
    """
    token, csrf, now = secrets.token_urlsafe(32), secrets.token_urlsafe(24), utcnow()
    async with db.transaction() as session:
        worker = await workers.get(session, worker_id)
        if worker is None:
            raise LoginRefused("expired")
        await workers.clear_failures(session, worker.username)
        workers.unlock(worker)
        await workers.open_session(session, worker, token, csrf, now, SESSION_TTL)
        return Opened(token, csrf, workers.view(worker))


async def login(
    db: Database, username: str, password: str, remote: str, *, now: datetime | None = None
) -> tuple[str, str]:
    """Password-only login (for workers without two-step login): returns (token, csrf)."""
    result = await begin_login(db, username, password, remote, now=now)
    if isinstance(result, NeedsCode):
        raise LoginRefused("needs_code")
    return result.token, result.csrf


# --- the pending token between password and code -------------------------------------------


def pending_signature(worker: Worker, expires: int) -> str:
    """Keyed with what only the server knows of this worker: the password hash and the TOTP
    column (which changes with every used code). A new password or a used code voids it."""
    key = hashlib.sha256(
        b"instap-2fa\0"
        + worker.password_hash.encode()
        + b"\0"
        + (worker.totp_secret or "").encode()
    ).digest()
    return hmac.new(key, f"{worker.id}.{expires}".encode(), hashlib.sha256).hexdigest()


def pending_token(worker: Worker, now: datetime) -> str:
    expires = int((now + PENDING_TTL).timestamp())
    return f"{worker.id}.{expires}.{pending_signature(worker, expires)}"


async def pending_worker(session: AsyncSession, pending: str, now: datetime) -> Worker | None:
    """The worker of an unexpired, untouched pending token; None for anything else."""
    parts = pending.split(".")
    if len(parts) != 3 or not all(p.isascii() and p.isdigit() for p in parts[:2]):
        return None
    worker_id, expires = int(parts[0]), int(parts[1])
    if worker_id > MAX_ID or expires <= now.timestamp() or len(parts[2]) != 64:
        return None
    worker = await workers.get(session, worker_id)
    if worker is None or workers.totp_secret(worker) is None:
        return None
    expected = pending_signature(worker, expires)
    return worker if hmac.compare_digest(expected.encode(), parts[2].encode()) else None


# --- cookies and the middleware --------------------------------------------------------------


def set_cookie(response: web.StreamResponse, token: str, secure: bool) -> None:
    response.set_cookie(
        COOKIE, token, httponly=True, samesite="Lax", secure=secure, path="/",
        max_age=int(SESSION_TTL.total_seconds()),
    )  # fmt: skip


def set_pending_cookie(response: web.StreamResponse, pending: str, secure: bool) -> None:
    response.set_cookie(
        PENDING_COOKIE, pending, httponly=True, samesite="Strict", secure=secure,
        path="/inbox/login", max_age=int(PENDING_TTL.total_seconds()),
    )  # fmt: skip


def must_enrol(worker: WorkerView, roles: Collection[str]) -> bool:
    """Two-step login is required for this role and not set up yet."""
    return worker.role in roles and not worker.has_totp


def middleware(db: Database, *, require_totp_roles: Collection[str] = ()) -> Any:
    """Attach the worker (if any) to each request; refuse unsafe cookie requests without CSRF.

    With `require_totp_roles`, a session of a worker in such a role without two-step login
    may only set it up (`require_worker` sends them to ENROL_PATH; the API refuses).
    """
    roles = frozenset(require_totp_roles)

    @web.middleware
    async def attach(request: web.Request, handler: Handler) -> web.StreamResponse:
        request[CSRF] = ""
        request[VIA] = ""
        request[MUST_ENROL] = False
        bearer = request.headers.get("Authorization", "")
        token = request.cookies.get(COOKIE, "")
        if bearer.lower().startswith("bearer "):
            async with db.transaction() as session:
                used = await workers.use_token(session, bearer[7:].strip(), utcnow())
            if used is not None:
                worker, scope = used
                request[WORKER], request[VIA] = workers.view(worker), "token"
                # A token is no way around two-step login: without it, such a role's token
                # gets nothing (tokens made before the setting keep failing until it is on).
                request[MUST_ENROL] = must_enrol(request[WORKER], roles)
                if scope != "write" and request.method in UNSAFE:
                    raise read_only(request)
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
                request[MUST_ENROL] = must_enrol(request[WORKER], roles)
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


def read_only(request: web.Request) -> web.HTTPException:
    detail = "Deze token mag alleen lezen. Maak een token om te schrijven als dat nodig is."
    if request.path.startswith("/api/"):
        from inbox.problems import problem

        return problem(403, "Token mag alleen lezen", detail)
    return web.HTTPForbidden(text=detail)


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


def require_worker(request: web.Request, *, enrolling: bool = False) -> WorkerView:
    """The logged-in worker; otherwise to the login page (pages) or a 401 (API).

    A worker who must set up two-step login first only gets through with `enrolling=True`
    (the set-up page itself); elsewhere they are sent there (pages) or refused (API).
    """
    worker = current(request)
    if worker is not None:
        if request.get(MUST_ENROL, False) and not enrolling:
            raise enrol_first(request)
        return worker
    if request.path.startswith("/api/"):
        from inbox.problems import problem

        raise problem(401, "Niet aangemeld", "Meld je aan, of stuur een geldige bearer-token mee.")
    target = request.path_qs if request.method == "GET" else "/inbox"
    raise web.HTTPFound(URL("/inbox/login").with_query(next=target))


def enrol_first(request: web.Request) -> web.HTTPException:
    if request.path.startswith("/api/"):
        from inbox.problems import problem

        return problem(403, "Eerst tweestapsverificatie instellen", f"Stel ze in op {ENROL_PATH}.")
    return web.HTTPFound(ENROL_PATH)
