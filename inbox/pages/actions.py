"""Actions on a case: claim, reply, note, status, assign, signals and check-ins."""

from __future__ import annotations

from aiohttp import web

from flows.model import N_
from inbox import auth
from inbox.errors import Conflict, Forbidden, Invalid
from inbox.pages.base import Screen, Site, id_param, status_of
from inbox.pages.case import CasePage
from inbox.pages.formats import gettext
from inbox.pages.labels import PROFILE_LABELS
from inbox.schemas.base import MAX_ID
from inbox.service import BadProfile
from storage.profiles import CHOICES
from storage.workers import WorkerView

OK_CLAIM = N_("Je hebt deze aanmelding opgenomen.")
OK_REPLY = N_("Je bericht is onderweg.")
OK_NOTE = N_("Je notitie is bewaard.")
OK_STATUS = N_("De status is aangepast.")
OK_ASSIGN = N_("Doorgegeven aan {name}.")
OK_URGENT_CLEARED = N_("Opgevolgd: 'dringend' is weg.")
OK_FLAG_CLEARED = N_("Gezien: de markering is weg.")
OK_NOTHING_TO_CLEAR = N_("Er was niets meer weg te halen.")
CLEARED = {"urgent": OK_URGENT_CLEARED, "flag": OK_FLAG_CLEARED}
OK_CHECKINS = N_("De check-ins zijn bewaard.")
OK_CHECKINS_SAME = N_("Er veranderde niets aan de check-ins.")
OK_PROFILE = N_("De gegevens voor het rapport zijn bewaard.")
BAD_PROFILE = N_("Bij '{label}' klopt de keuze niet. Kies een van de mogelijkheden in de lijst.")


class CaseActions(Screen):
    """Each does one `Inbox` action and goes back to the case with its message."""

    def __init__(self, site: Site, case: CasePage) -> None:
        super().__init__(site)
        self.case = case  # a refused reply or note shows the case again, the draft kept

    async def claim(self, request: web.Request) -> web.StreamResponse:
        async def claim(worker: WorkerView, case_id: int) -> str:
            await self.inbox.claim(worker, case_id)
            return gettext(OK_CLAIM)

        return await self.act(request, claim)

    async def reply(self, request: web.Request) -> web.StreamResponse:
        worker = auth.require_worker(request)
        form = await request.post()
        text, ref = str(form.get("text", "")), str(form.get("ref", ""))[:64] or None
        try:
            await self.inbox.reply(worker, id_param(request), text, ref)
        except (Conflict, Invalid, Forbidden) as error:
            # Shown again with the draft kept: a refused reply must not cost the typing.
            return await self.case.page(
                request, status=status_of(error), draft=text, message=str(error)
            )
        raise self.back(request, id_param(request), ok=gettext(OK_REPLY))

    async def note(self, request: web.Request) -> web.StreamResponse:
        worker = auth.require_worker(request)
        form = await request.post()
        text = str(form.get("text", ""))
        try:
            await self.inbox.note(worker, id_param(request), text)
        except (Conflict, Invalid, Forbidden) as error:
            return await self.case.page(
                request, status=status_of(error), note=text, message=str(error)
            )
        raise self.back(request, id_param(request), ok=gettext(OK_NOTE))

    async def status(self, request: web.Request) -> web.StreamResponse:
        form = await request.post()

        async def set_status(worker: WorkerView, case_id: int) -> str:
            status = str(form.get("status", ""))
            outcome = str(form.get("outcome", "")) or None
            await self.inbox.set_status(
                worker, case_id, status, outcome if status == "closed" else None
            )
            return gettext(OK_STATUS)

        return await self.act(request, set_status)

    async def assign(self, request: web.Request) -> web.StreamResponse:
        form = await request.post()

        async def assign(worker: WorkerView, case_id: int) -> str:
            raw = str(form.get("to", ""))
            team = {w.id: w for w, _ in await self.inbox.team(worker)}
            to = team.get(int(raw)) if raw.isdigit() and int(raw) <= MAX_ID else None
            if to is None:
                raise Invalid("Kies een collega uit je eigen partnerschap.")
            await self.inbox.assign(worker, case_id, to.id)
            return gettext(OK_ASSIGN).format(name=to.first_name)

        return await self.act(request, assign)

    async def clear_signal(self, request: web.Request) -> web.StreamResponse:
        """ "Opgevolgd" (clear=urgent) or "Gezien" (clear=flag) on a case."""
        form = await request.post()

        async def clear(worker: WorkerView, case_id: int) -> str:
            signal = str(form.get("clear", ""))
            note = str(form.get("note", ""))[:2000]
            if not await self.inbox.clear_signal(worker, case_id, signal, note):
                return gettext(OK_NOTHING_TO_CLEAR)
            return gettext(CLEARED[signal])

        return await self.act(request, clear)

    async def set_checkins(self, request: web.Request) -> web.StreamResponse:
        """The youth's check-in rhythm and own quiet hours; refusals come back as a message."""
        form = await request.post()

        async def save(worker: WorkerView, case_id: int) -> str:
            rhythm = str(form.get("rhythm", ""))[:16]
            quiet = str(form.get("quiet_hours", ""))[:100]
            changed = await self.inbox.set_checkins(worker, case_id, rhythm, quiet)
            return gettext(OK_CHECKINS if changed else OK_CHECKINS_SAME)

        return await self.act(request, save)

    async def profile(self, request: web.Request) -> web.StreamResponse:
        """ "Voor het rapport": the fields on the form change, the others stay. A value out
        of its list shows the case again with the choices kept and the field named; other
        refusals come back as a message, like every action."""
        form = await request.post()
        values = {f: str(form[f])[:32] for f in CHOICES if f in form}

        async def save(worker: WorkerView, case_id: int) -> str:
            await self.inbox.set_profile(worker, case_id, dict(values))
            return gettext(OK_PROFILE)

        try:
            return await self.act(request, save)
        except BadProfile as error:
            label = gettext(PROFILE_LABELS[error.field])
            return await self.case.page(
                request, status=422, profile_form=values,
                profile_error=gettext(BAD_PROFILE).format(label=label),
            )  # fmt: skip
