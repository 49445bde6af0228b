"""Sessie verzetten and Sessie afzeggen on a session's page: every youth with a seat or on the
waiting list told once (core.offer_changes), a double submit tells nobody twice.
"""

from __future__ import annotations

from aiohttp import web

from core.offer_changes import cancel_session, move_session
from flows.model import N_
from inbox import auth
from inbox.errors import NotFound
from inbox.pages.base import Screen, Site, flash_url, id_param
from inbox.pages.formats import gettext
from inbox.pages.offers import NO_SESSION, OfferPages
from storage import offer_inbox

MOVED = N_("De sessie is verzet. {n} jongere(n) kregen een bericht.")
UNCHANGED = N_("Niets veranderd: de sessie stond al op dat moment.")
CANCELLED = N_("De sessie is afgezegd. {n} jongere(n) kregen een bericht.")
ALREADY_OFF = N_("Deze sessie was al afgezegd.")
OFF_NO_MOVE = N_("Een afgezegde sessie kan je niet meer verzetten.")
FIELDS = {"date": 20, "time": 20, "minutes": 10}  # name: longest value kept


class OfferChanges(Screen):
    """The two buttons that change a planned session."""

    def __init__(self, site: Site, pages: OfferPages) -> None:
        super().__init__(site)
        self.pages = pages  # the session page, sent back with the problems of the form

    async def move(self, request: web.Request) -> web.StreamResponse:
        worker = auth.require_worker(request)
        sid = id_param(request, "sid")
        form = await request.post()
        values = {key: str(form.get(key, ""))[:limit] for key, limit in FIELDS.items()}
        async with self.db.transaction() as session:
            found = await offer_inbox.session_of(session, worker.partnership_id, sid)
        if found is None:
            raise NotFound(NO_SESSION)
        problems, start, minutes = self.pages.when(values)
        if problems or start is None:
            errors = {key: gettext(text) for key, text in problems.items()}
            return await self.pages.session_page(request, status=422, values=values, errors=errors)
        back = f"/inbox/offers/sessions/{sid}"
        if found[0].cancelled:
            raise web.HTTPSeeOther(flash_url(request, back, error=gettext(OFF_NO_MOVE)))
        async with self.db.transaction() as session:
            told = await move_session(
                session, self.inbox.runtime(), sid, start, minutes, worker.first_name,
                self.formats.now(),
            )  # fmt: skip
        self.inbox.notify_outbox()
        ok = gettext(UNCHANGED) if told is None else gettext(MOVED).format(n=told)
        raise web.HTTPSeeOther(flash_url(request, back, ok=ok))

    async def cancel(self, request: web.Request) -> web.StreamResponse:
        worker = auth.require_worker(request)
        sid = id_param(request, "sid")
        async with self.db.transaction() as session:
            if await offer_inbox.session_of(session, worker.partnership_id, sid) is None:
                raise NotFound(NO_SESSION)
            told = await cancel_session(
                session, self.inbox.runtime(), sid, worker.first_name, self.formats.now()
            )
        self.inbox.notify_outbox()
        ok = gettext(ALREADY_OFF) if told is None else gettext(CANCELLED).format(n=told)
        raise web.HTTPSeeOther(flash_url(request, f"/inbox/offers/sessions/{sid}", ok=ok))
