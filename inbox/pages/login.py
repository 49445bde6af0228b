"""Logging in: the password form, the code of the two-step login, logging out."""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Mapping
from typing import Any

from aiohttp import web
from yarl import URL

from flows.model import N_
from inbox import auth
from inbox.pages.base import Screen, safe_next
from inbox.pages.formats import gettext
from storage import workers

LOGIN_COOKIE = "instap_login"  # pre-login double-submit token against login CSRF
LOGIN_EXPIRED = N_("Dit aanmeldformulier is verlopen. Probeer het opnieuw.")
LOGIN_LOCKED = N_(
    "Te veel mislukte pogingen. Voor je veiligheid kan je pas om {time} opnieuw aanmelden."
)
SIGNED_OUT_EVERYWHERE = N_("Je bent nu overal afgemeld. Meld je hier opnieuw aan.")


class Login(Screen):
    """The only pages served without a session (and logging out)."""

    def login_form(
        self,
        request: web.Request,
        *,
        next_path: str,
        username: str = "",
        message: str = "",
        ok: str = "",
        status: int = 200,
        template: str = "login.html",
    ) -> web.Response:
        """The password form (or with `template`, the code form), with a fresh pre-login token."""
        token = secrets.token_urlsafe(24)
        response = self.render(
            request, template, status=status, next=next_path, username=username,
            message=message, ok=ok, login_token=token,
        )  # fmt: skip
        response.set_cookie(
            LOGIN_COOKIE, token, httponly=True, samesite="Strict", secure=self.site.secure,
            path="/inbox/login", max_age=3600,
        )  # fmt: skip
        return response

    def refusal(self, refused: auth.LoginRefused) -> str:
        if refused.kind == "locked" and refused.until is not None:
            return gettext(LOGIN_LOCKED).format(time=self.formats.when(refused.until))
        return gettext(auth.REFUSALS[refused.kind])

    def login_token_ok(self, request: web.Request, form: Mapping[str, Any]) -> bool:
        """The pre-login double-submit token: the form's field matches the cookie."""
        sent, kept = str(form.get("login_token", "")), request.cookies.get(LOGIN_COOKIE, "")
        return bool(sent and kept and hmac.compare_digest(sent.encode(), kept.encode()))

    async def page(self, request: web.Request) -> web.StreamResponse:
        next_path = safe_next(request.query.get("next"))
        if auth.current(request) is not None:
            raise web.HTTPSeeOther(next_path)
        ok = gettext(SIGNED_OUT_EVERYWHERE) if request.query.get("done") == "everywhere" else ""
        return self.login_form(request, next_path=next_path, ok=ok)

    async def login(self, request: web.Request) -> web.StreamResponse:
        form = await request.post()
        next_path = safe_next(str(form.get("next", "")))
        username = str(form.get("username", "")).strip()[:120]
        if not self.login_token_ok(request, form):
            message = gettext(LOGIN_EXPIRED)
            return self.login_form(
                request, next_path=next_path, username=username, message=message, status=403
            )
        try:
            result = await auth.begin_login(
                self.db, username, str(form.get("password", "")), auth.remote_of(request),
                now=self.formats.now(),
            )  # fmt: skip
        except auth.LoginRefused as refused:
            return self.login_form(
                request, next_path=next_path, username=username, message=self.refusal(refused),
                status=429 if refused.kind in ("locked", "throttled") else 200,
            )  # fmt: skip
        if isinstance(result, auth.NeedsCode):
            # No session yet: only a pending token, for the code step at /inbox/login/code.
            response = self.login_form(request, next_path=next_path, template="login_code.html")
            auth.set_pending_cookie(response, result.pending, self.site.secure)
            return response
        raise await self.logged_in(request, result, next_path)

    async def logged_in(
        self, request: web.Request, opened: auth.Opened, next_path: str
    ) -> web.HTTPSeeOther:
        """The redirect that carries the new session; the session from before (if any) ends."""
        old = request.cookies.get(auth.COOKIE, "")
        if old:
            async with self.db.transaction() as session:
                await workers.close_session(session, old)
        if auth.must_enrol(opened.worker, self.site.totp_roles):
            next_path = auth.ENROL_PATH
        response = web.HTTPSeeOther(next_path, headers={"Cache-Control": "no-store"})
        auth.set_cookie(response, opened.token, self.site.secure)
        response.del_cookie(LOGIN_COOKIE, path="/inbox/login")
        response.del_cookie(auth.PENDING_COOKIE, path="/inbox/login")
        return response

    async def code_page(self, request: web.Request) -> web.StreamResponse:
        """The code form again (a reload); without a pending login, back to the password."""
        next_path = safe_next(request.query.get("next"))
        if auth.current(request) is not None:
            raise web.HTTPSeeOther(next_path)
        if not request.cookies.get(auth.PENDING_COOKIE):
            raise web.HTTPSeeOther(str(URL("/inbox/login").with_query(next=next_path)))
        return self.login_form(request, next_path=next_path, template="login_code.html")

    async def login_code(self, request: web.Request) -> web.StreamResponse:
        """The second step: the code from the app, for the pending login in the cookie."""
        form = await request.post()
        next_path = safe_next(str(form.get("next", "")))
        pending = request.cookies.get(auth.PENDING_COOKIE, "")
        if not self.login_token_ok(request, form) or not pending:
            return self.login_form(
                request, next_path=next_path, message=gettext(LOGIN_EXPIRED), status=403
            )
        try:
            opened = await auth.finish_login(
                self.db, pending, str(form.get("code", ""))[:40], auth.remote_of(request),
                now=self.formats.now(),
            )  # fmt: skip
        except auth.LoginRefused as refused:
            message = self.refusal(refused)
            if refused.kind in ("code", "used"):  # try again with the next code
                return self.login_form(
                    request, next_path=next_path, message=message, template="login_code.html"
                )
            status = 429 if refused.kind in ("locked", "throttled") else 200
            response = self.login_form(request, next_path=next_path, message=message, status=status)
            response.del_cookie(auth.PENDING_COOKIE, path="/inbox/login")
            return response
        raise await self.logged_in(request, opened, next_path)

    async def logout(self, request: web.Request) -> web.StreamResponse:
        token = request.cookies.get(auth.COOKIE, "")
        if token:
            async with self.db.transaction() as session:
                await workers.close_session(session, token)
        response = web.HTTPSeeOther("/inbox/login")
        response.del_cookie(auth.COOKIE, path="/")
        raise response
