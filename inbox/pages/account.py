"""My account: API tokens, logging out everywhere, and turning on the two-step login."""

from __future__ import annotations

import asyncio
import hmac
from collections.abc import Mapping

from aiohttp import web
from yarl import URL

from flows.model import N_
from inbox import auth, totp
from inbox.api import mint_token, revoke_token
from inbox.errors import InboxError
from inbox.pages.base import Screen, flash_url, id_param, sign, status_of
from inbox.pages.formats import gettext
from inbox.pages.login import LOGIN_EXPIRED
from inbox.passwords import verify_password
from storage import casework, workers
from storage.workers import WorkerView

TOTP_BAD_CODE = N_("Die code klopt niet. Kijk of de tijd op je gsm juist staat en probeer opnieuw.")
TOTP_ON = N_("Tweestapsverificatie staat aan. Vanaf nu vragen we bij het aanmelden ook een code.")
TOTP_ALREADY_ON = N_("Tweestapsverificatie stond al aan.")
TOTP_BAD_PASSWORD = N_("Dat wachtwoord klopt niet. Typ je wachtwoord en een nieuwe code.")
OK_TOKEN_REVOKED = N_("De token is ingetrokken. Hij werkt niet meer.")


class Account(Screen):
    """The worker's own account page and the two-step set-up."""

    async def page(
        self, request: web.Request, *, new_token: str = "", message: str = "", status: int = 200,
        form: Mapping[str, str] | None = None,
    ) -> web.Response:  # fmt: skip
        worker = auth.require_worker(request)
        async with self.db.transaction() as session:
            tokens = await workers.tokens_of(session, worker.id)
        return self.render(
            request, "account.html", status=status, worker=worker, tokens=tokens,
            new_token=new_token, message=message, form=form or {},
            token_days=workers.TOKEN_DAYS, max_token_days=workers.MAX_TOKEN_DAYS,
        )  # fmt: skip

    async def new_token(self, request: web.Request) -> web.StreamResponse:
        """A new API token, shown once on the account page (never in a URL or a redirect)."""
        worker = auth.require_worker(request)
        posted = await request.post()
        form = {k: str(posted.get(k, ""))[:80] for k in ("name", "scope", "days", "code")}
        try:
            days = int(form["days"] or workers.TOKEN_DAYS)
        except ValueError:
            days = 0
        try:
            token, _ = await mint_token(
                self.inbox, worker, name=form["name"], scope=form["scope"] or "read", days=days,
                code=form["code"], remote=auth.remote_of(request),
            )  # fmt: skip
        except InboxError as error:
            return await self.page(request, message=str(error), status=status_of(error), form=form)
        return await self.page(request, new_token=token, status=201)

    async def revoke_token(self, request: web.Request) -> web.StreamResponse:
        worker = auth.require_worker(request)
        await revoke_token(self.inbox, worker, id_param(request))
        raise web.HTTPSeeOther(flash_url(request, "/inbox/account", ok=gettext(OK_TOKEN_REVOKED)))

    async def logout_everywhere(self, request: web.Request) -> web.StreamResponse:
        """End all my sessions (this one too) on every device; API tokens are revoked apart."""
        worker = auth.require_worker(request)
        async with self.db.transaction() as session:
            await workers.close_all_sessions(session, worker.id)
            await casework.audit(session, worker.id, "logout_everywhere", None, self.formats.now())
        response = web.HTTPSeeOther("/inbox/login?done=everywhere")
        response.del_cookie(auth.COOKIE, path="/")
        raise response

    def totp_form(
        self, request: web.Request, worker: WorkerView, secret: str, *, message: str = "",
        status: int = 200,
    ) -> web.Response:  # fmt: skip
        return self.render(
            request, "account_2fa.html", status=status, worker=worker, secret=secret,
            grouped=totp.grouped(secret), uri=totp.uri(secret, worker.username),
            secret_sig=sign(auth.csrf_of(request), "totp", secret), message=message,
            required=auth.must_enrol(worker, self.site.totp_roles),
        )  # fmt: skip

    async def password_matches(
        self, request: web.Request, worker: WorkerView, password: str
    ) -> bool:
        """The worker's own password, typed again; a wrong one counts as a failed login."""
        async with self.db.transaction() as session:
            row = await workers.get(session, worker.id)
        stored = row.password_hash if row is not None else auth.dummy_hash()
        ok: bool = await asyncio.to_thread(verify_password, stored, password[:1000])
        if ok and password:
            return True
        async with self.db.transaction() as session:
            await workers.record_failed_login(
                session, worker.username, auth.remote_of(request), self.formats.now()
            )
        return False

    async def totp_page(self, request: web.Request) -> web.StreamResponse:
        """A new secret to add to an app; it is only kept once a code from the app matches."""
        worker = auth.require_worker(request, enrolling=True)
        if worker.has_totp:
            return self.render(request, "account_2fa.html", worker=worker, secret="")
        return self.totp_form(request, worker, totp.new_secret())

    async def totp_confirm(self, request: web.Request) -> web.StreamResponse:
        worker = auth.require_worker(request, enrolling=True)
        form = await request.post()
        secret = str(form.get("secret", ""))[:64]
        sig = str(form.get("secret_sig", ""))[:64]
        expected = sign(auth.csrf_of(request), "totp", secret)
        if not secret or not hmac.compare_digest(sig.encode(), expected.encode()):
            return self.totp_form(
                request, worker, totp.new_secret(), message=gettext(LOGIN_EXPIRED), status=403
            )
        now = self.formats.now()
        # Whoever sits at an open session must not tie the account to their own phone:
        # turning it on asks for the password again.
        if not await self.password_matches(request, worker, str(form.get("password", ""))):
            return self.totp_form(
                request, worker, secret, message=gettext(TOTP_BAD_PASSWORD), status=422
            )
        step = totp.matching_step(secret, str(form.get("code", ""))[:40], now)
        if step is None:
            return self.totp_form(
                request, worker, secret, message=gettext(TOTP_BAD_CODE), status=422
            )
        required = auth.must_enrol(worker, self.site.totp_roles)
        async with self.db.transaction() as session:
            row = await workers.get(session, worker.id)
            if row is None:
                raise web.HTTPSeeOther("/inbox/login")
            if row.totp_secret is not None:
                raise web.HTTPSeeOther(
                    flash_url(request, "/inbox/account", ok=gettext(TOTP_ALREADY_ON))
                )
            workers.set_totp(row, secret, step)
            await casework.audit(session, worker.id, "totp_on", None, now)
        # More rights than a moment ago: a new session, the old one ends.
        old = request.cookies.get(auth.COOKIE, "")
        opened = await auth.open_session(self.db, worker.id)
        if old:
            async with self.db.transaction() as session:
                await workers.close_session(session, old)
        target = "/inbox" if required else "/inbox/account"
        text = gettext(TOTP_ON)
        response = web.HTTPSeeOther(
            str(URL(target).with_query({"ok": text, "sig": sign(opened.csrf, "ok", text)}))
        )
        auth.set_cookie(response, opened.token, self.site.secure)
        raise response
