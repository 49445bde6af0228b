"""API tokens for a worker: the API and the account page make and revoke them the same way."""

from __future__ import annotations

import secrets

from inbox import auth
from inbox.errors import Forbidden, Invalid, NotFound
from inbox.service import Inbox
from storage import casework, workers
from storage.clock import utcnow
from storage.workers import WorkerView


async def mint_token(
    inbox: Inbox, worker: WorkerView, *, name: str, scope: str, days: int, code: str,
    remote: str,
) -> tuple[str, workers.TokenView]:  # fmt: skip
    """Check the request (and the code from the app, when two-step login is on) and make a
    token: (the token, shown once; what is kept of it). Raises InboxError."""
    name = name.strip()
    if not name:
        raise Invalid("Geef de token een naam, bv. het programma dat hem gebruikt.")
    if scope not in workers.TOKEN_SCOPES or not 1 <= days <= workers.MAX_TOKEN_DAYS:
        raise Invalid(f"Kies lezen of schrijven, en 1 tot {workers.MAX_TOKEN_DAYS} dagen.")
    now = inbox.clock()
    if worker.has_totp:
        if not code.strip():
            raise Forbidden("Typ een code uit je app om een token te maken.")
        try:
            await auth.fresh_code(inbox.db, worker.id, code, remote, now=now)
        except auth.LoginRefused as refused:
            raise Forbidden(str(refused)) from None
    token = secrets.token_urlsafe(32)
    async with inbox.db.transaction() as session:
        me = await workers.get(session, worker.id)
        if me is None:
            raise NotFound("Je account bestaat niet meer.")
        # Tokens run on real time, like the middleware that checks them (and sessions).
        made = await workers.add_token(session, me, token, name, utcnow(), scope=scope, days=days)
        await casework.audit(session, me.id, "add_token", None, now)
    return token, made


async def revoke_token(inbox: Inbox, worker: WorkerView, token_id: int) -> None:
    async with inbox.db.transaction() as session:
        if not await workers.revoke_token(session, worker.id, token_id):
            raise NotFound("Je hebt geen token met dat nummer.")
        await casework.audit(session, worker.id, "revoke_token", None, inbox.clock())
