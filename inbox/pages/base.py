"""What every screen shares: the site's dependencies, rendering, the login guard, and the
flash message that a redirect carries.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aiohttp import web
from yarl import URL

from core.templates import Templates
from flows.appointments import DAYPARTS, KINDS
from inbox import auth
from inbox.appointments import Appointments
from inbox.errors import Conflict, Forbidden, InboxError, Invalid, NotFound
from inbox.pages.formats import LANG, Formats
from inbox.pages.labels import (
    ACTION_LABELS,
    APPOINTMENT_LABELS,
    CHANNEL_LABELS,
    CLOSING_OUTCOMES,
    FLAG_LABELS,
    LANGUAGE_LABELS,
    MEDIA_LABELS,
    OPEN_APPOINTMENT,
    OUTCOME_LABELS,
    PROMISE_LABELS,
    RHYTHM_EVENTS,
    ROLE_LABELS,
    SCORES,
    SIX_MONTH_LABELS,
    STATUS_LABELS,
    UNKNOWN_ACTION,
)
from inbox.schemas.base import MAX_ID
from inbox.service import Inbox
from storage.db import Database
from storage.workers import WorkerView

TEMPLATES = Path(__file__).parent.parent / "templates"
STATIC = Path(__file__).parent.parent / "static"
HEADERS = {"Cache-Control": "no-store"}  # the security headers come from inbox.security

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def safe_next(value: str | None) -> str:
    """A same-site inbox path to go back to after login; anything else becomes /inbox."""
    if not value or len(value) > 2000 or not value.isprintable() or "\\" in value:
        return "/inbox"
    if not (value == "/inbox" or value.startswith(("/inbox/", "/inbox?"))):
        return "/inbox"
    url = URL(value)
    if url.is_absolute() or url.scheme or ".." in url.path.split("/"):
        return "/inbox"
    if url.path.startswith(("/inbox/login", "/inbox/logout", "/inbox/events")):
        return "/inbox"
    return value


def sign(csrf: str, kind: str, text: str) -> str:
    return hmac.new(csrf.encode(), f"{kind}:{text}".encode(), hashlib.sha256).hexdigest()[:20]


def flash_url(request: web.Request, path: str, *, ok: str = "", error: str = "") -> str:
    """`path` with a one-line message the next page shows (only if the signature fits)."""
    kind, text = ("error", error) if error else ("ok", ok)
    if not text:
        return path
    return str(URL(path).with_query({kind: text, "sig": sign(auth.csrf_of(request), kind, text)}))


def flash_of(request: web.Request) -> tuple[str, str] | None:
    csrf, sig = auth.csrf_of(request), request.query.get("sig", "")
    for kind in ("error", "ok"):
        text = request.query.get(kind)
        if text and csrf and hmac.compare_digest(sig, sign(csrf, kind, text)):
            return kind, text[:500]
    return None


def id_param(request: web.Request, name: str = "id") -> int:
    value = int(request.match_info[name])
    if value > MAX_ID:
        raise NotFound("Deze pagina bestaat niet.")
    return value


def status_of(error: InboxError) -> int:
    return {NotFound: 404, Forbidden: 403, Conflict: 409, Invalid: 422}.get(type(error), 400)


@dataclass(frozen=True)
class Site:
    """What the screens share, made once by `InboxPages`."""

    inbox: Inbox
    db: Database
    templates: Templates
    secure: bool  # cookies only over HTTPS
    totp_roles: frozenset[str]  # roles that must turn on the two-step login
    appointments: Appointments
    # Also set by the security middleware; here too, so a page is never served without.
    headers: dict[str, str]


class Screen:
    """One screen of the inbox (a module of this package); rendering and the guards are here."""

    def __init__(self, site: Site) -> None:
        self.site = site
        self.inbox = site.inbox
        self.db = site.db
        self.formats = Formats(site.inbox)

    def render(
        self, request: web.Request, name: str, *, status: int = 200, **context: Any
    ) -> web.Response:
        body = self.site.templates.render(
            name,
            LANG,
            me=auth.current(request),
            csrf=auth.csrf_of(request),
            flash=flash_of(request),
            path=request.path,
            when=self.formats.when,
            long_when=self.formats.long_when,
            day=self.formats.day,
            waited=self.formats.waited,
            needs=self.formats.needs,
            local_inputs=self.formats.local_inputs,
            clock=self.formats.clock,
            now=self.formats.now(),
            kinds=KINDS,
            dayparts=dict(DAYPARTS),
            open_appointment=OPEN_APPOINTMENT,
            labels={
                "status": STATUS_LABELS,
                "outcome": OUTCOME_LABELS,
                "promise": PROMISE_LABELS,
                "role": ROLE_LABELS,
                "media": MEDIA_LABELS,
                "language": LANGUAGE_LABELS,
                "channel": CHANNEL_LABELS,
                "action": ACTION_LABELS,
                "appointment": APPOINTMENT_LABELS,
                "flag": FLAG_LABELS,
                "rhythm": RHYTHM_EVENTS,
                "six_month": SIX_MONTH_LABELS,
                "closing": CLOSING_OUTCOMES,
                "unknown_action": UNKNOWN_ACTION,
            },
            scale=SCORES,
            **context,
        )
        return web.Response(
            text=body, status=status, content_type="text/html", headers=self.site.headers
        )

    def error_page(self, request: web.Request, error: InboxError) -> web.Response:
        return self.render(request, "error.html", status=status_of(error), message=str(error))

    def guarded(self, handler: Handler) -> Handler:
        """Log in first; a NotFound or Forbidden the handler lets through becomes a page."""

        async def page(request: web.Request) -> web.StreamResponse:
            worker = auth.require_worker(request)
            if auth.must_enrol(worker, self.site.totp_roles):  # also without the middleware's roles
                raise web.HTTPFound(auth.ENROL_PATH)
            try:
                return await handler(request)
            except (NotFound, Forbidden) as error:
                return self.error_page(request, error)
            except ValueError:  # e.g. a form number that is not one
                return self.error_page(request, Invalid("Dit formulier klopt niet."))

        return page

    def enrolling(self, handler: Handler) -> Handler:
        """For the two-step set-up pages: logged in, even when the set-up is still required."""

        async def page(request: web.Request) -> web.StreamResponse:
            auth.require_worker(request, enrolling=True)
            return await handler(request)

        return page

    def back(
        self, request: web.Request, case_id: int, *, ok: str = "", error: str = ""
    ) -> web.HTTPSeeOther:
        return web.HTTPSeeOther(flash_url(request, f"/inbox/cases/{case_id}", ok=ok, error=error))

    async def act(
        self, request: web.Request, action: Callable[[WorkerView, int], Awaitable[str]]
    ) -> web.StreamResponse:
        """Do `action`, then back to the case with its message; refusals become a flash too."""
        worker = auth.require_worker(request)
        case_id = id_param(request)
        try:
            ok = await action(worker, case_id)
        except (Conflict, Invalid, Forbidden) as error:
            raise self.back(request, case_id, error=str(error)) from None
        raise self.back(request, case_id, ok=ok)
