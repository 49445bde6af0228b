"""The team (coordinators): colleagues and their load, adding one, absence and cover."""

from __future__ import annotations

from collections.abc import Mapping

from aiohttp import web

from flows.model import N_
from inbox import auth
from inbox.errors import Conflict, Forbidden, Invalid, NotFound
from inbox.pages.base import Screen, flash_url, id_param, safe_next
from inbox.pages.formats import gettext
from inbox.schemas.base import MAX_ID

OK_PRESENCE = N_("Je aanwezigheid is aangepast.")
OK_ADDED = N_("{name} is toegevoegd. Gebruikersnaam: {username}")


class Team(Screen):
    """The team page."""

    async def page(
        self, request: web.Request, *, status: int = 200, message: str = "",
        values: Mapping[str, str] | None = None,
    ) -> web.StreamResponse:  # fmt: skip
        worker = auth.require_worker(request)
        if not worker.is_coordinator:
            raise Forbidden("Alleen coördinatoren beheren het team.")
        team = await self.inbox.team(worker)
        return self.render(
            request, "team.html", status=status, team=team, message=message,
            values=values or {"capacity": "15", "languages": "nl", "role": "worker"},
        )  # fmt: skip

    async def add_worker(self, request: web.Request) -> web.StreamResponse:
        worker = auth.require_worker(request)
        form = await request.post()
        values = {
            key: str(form.get(key, "")).strip()[:200]
            for key in ("username", "first_name", "full_name", "role", "capacity", "languages")
        }
        try:
            capacity = values["capacity"]
            if not capacity.isdigit():
                raise Invalid("Het aantal jongeren moet een getal zijn.")
            languages = parse_languages(values["languages"])
            added = await self.inbox.add_worker(
                worker,
                username=values["username"],
                first_name=values["first_name"],
                full_name=values["full_name"],
                password=str(form.get("password", "")),
                role=values["role"],
                capacity=int(capacity),
                languages=languages,
            )
        except Invalid as error:
            return await self.page(request, status=422, message=str(error), values=values)
        raise web.HTTPSeeOther(
            flash_url(
                request,
                "/inbox/team",
                ok=gettext(OK_ADDED).format(name=added.first_name, username=added.username),
            )
        )

    async def presence(self, request: web.Request) -> web.StreamResponse:
        worker = auth.require_worker(request)
        form = await request.post()
        back = safe_next(str(form.get("back", "")))
        cover = str(form.get("cover", ""))
        try:
            await self.inbox.set_presence(
                worker,
                id_param(request, "worker_id"),
                absent=form.get("absent") == "1",
                cover_id=int(cover) if cover.isdigit() and int(cover) <= MAX_ID else None,
            )
        except (Invalid, Conflict, Forbidden, NotFound) as error:
            raise web.HTTPSeeOther(flash_url(request, back, error=str(error))) from None
        raise web.HTTPSeeOther(flash_url(request, back, ok=gettext(OK_PRESENCE)))


def parse_languages(value: str) -> tuple[str, ...]:
    codes = tuple(dict.fromkeys(c.lower() for c in value.replace(",", " ").split()))
    if not codes or any(not (c.isascii() and c.isalpha() and 2 <= len(c) <= 3) for c in codes):
        raise Invalid("Geef de talen als korte codes, bijvoorbeeld: nl, en, fr.")
    return codes
