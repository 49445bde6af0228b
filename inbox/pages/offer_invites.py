"""Uitnodigen for a group session: choose who (one own youth, "mijn jongeren", or a selection
by need, municipality or worker), see the count and who is skipped and why, then "Verstuur".
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from datetime import datetime

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession

from core.offer_notes import invite
from flows.intake_questions import NEEDS
from flows.model import N_
from inbox import auth
from inbox.errors import NotFound
from inbox.pages.base import Screen, flash_url, id_param
from inbox.pages.formats import gettext
from inbox.pages.offers import NO_SESSION, number
from inbox.schemas.base import MAX_ID
from storage import casework, offer_inbox, offer_invites, offers
from storage.offer_invites import Candidate, Who
from storage.offer_models import Offer, OfferSession
from storage.workers import WorkerView

SKIPPED = {  # the order the reasons are named in
    "paused": N_("gepauzeerd"),
    "stopped": N_("gestopt"),
    "unreachable": N_("onbereikbaar"),
    "booked": N_("al ingeschreven"),
    "invited": N_("al uitgenodigd"),
}
SENT = N_("Uitgenodigd: {n} · overgeslagen: {skipped}")
GONE = N_("Deze sessie is voorbij of geannuleerd: uitnodigen kan niet meer.")
CHOICES = ("mine", "one", "selection")


def who_of(query: Mapping[str, str]) -> tuple[str, Who]:
    """The selection the form names (its fields, in the query or the posted form)."""
    choice = query.get("who", "mine") if query.get("who") in CHOICES else "mine"
    if choice == "one":
        return choice, Who(case_id=number(query.get("case", ""), range(1, MAX_ID + 1)) or -1,
                           mine=True)  # fmt: skip
    if choice == "selection":
        worker = number(query.get("worker", ""), range(1, MAX_ID + 1)) or 0
        need = query.get("need", "") if query.get("need") in dict(NEEDS) else ""
        return choice, Who(need=need, municipality=query.get("municipality", "").strip()[:120],
                           worker_id=worker)  # fmt: skip
    return choice, Who(mine=True)


def prefilled(query: Mapping[str, str], offer: Offer) -> Mapping[str, str]:
    """The form as first shown: a selection from the offer's "voor wie" when it names one need
    or one municipality (the selection takes one of each); else as asked."""
    if "who" in query:
        return query
    need = offer.for_needs[0] if len(offer.for_needs) == 1 else ""
    place = offer.for_municipalities[0] if len(offer.for_municipalities) == 1 else ""
    return {"who": "selection", "need": need, "municipality": place} if need or place else query


def summary(people: list[Candidate]) -> str:
    """ "Uitgenodigd: 7 · overgeslagen: 2 (gepauzeerd, gestopt)"."""
    reasons = Counter(p.skipped for p in people if p.skipped)
    skipped = str(sum(reasons.values()))
    if reasons:
        named = ", ".join(gettext(label) for key, label in SKIPPED.items() if key in reasons)
        skipped += f" ({named})"
    invited = sum(1 for p in people if not p.skipped)
    return gettext(SENT).format(n=invited, skipped=skipped)


class OfferInvites(Screen):
    """The selection with its count before sending, and "Verstuur"."""

    async def page(self, request: web.Request) -> web.StreamResponse:
        """Who the invitation reaches and who is skipped: each youth shown is audited."""
        worker = auth.require_worker(request)
        sid = id_param(request, "sid")
        now = self.formats.now()
        async with self.db.transaction() as session:
            found = await offer_inbox.session_of(session, worker.partnership_id, sid)
            if found is None:
                raise NotFound(NO_SESSION)
            choice, who = who_of(prefilled(request.query, found[1]))
            people = await offer_invites.candidates(
                session, worker.partnership_id, sid, who, worker.id, now
            )
            own = await offer_invites.candidates(
                session, worker.partnership_id, sid, Who(mine=True), worker.id, now
            )
            for case_id in {p.case.id for p in (*people, *own)}:
                await casework.audit(session, worker.id, "view_offer_invite", case_id, now)
        team = [w for w, _ in await self.inbox.team(worker)]
        return self.render(
            request, "offer_invite.html", row=found[0], offer=found[1], people=people, own=own,
            choice=choice, who=who, team=team, needs_list=NEEDS, skipped_labels=SKIPPED,
            invited=[p for p in people if not p.skipped],
            skipped=[p for p in people if p.skipped],
        )  # fmt: skip

    async def send(self, request: web.Request) -> web.StreamResponse:
        """One invitation per youth not skipped, once per session however often it is posted."""
        worker = auth.require_worker(request)
        sid = id_param(request, "sid")
        form = await request.post()
        _, who = who_of({key: str(form.get(key, ""))[:200] for key in form})
        back = f"/inbox/offers/sessions/{sid}"
        async with self.db.transaction() as session:
            if await offer_inbox.session_of(session, worker.partnership_id, sid) is None:
                raise NotFound(NO_SESSION)
            row, offer = await offers.locked(session, sid)  # one "Verstuur" at a time
            now = self.formats.now()
            if row.cancelled or row.starts_at <= now:
                raise web.HTTPSeeOther(flash_url(request, back, error=gettext(GONE)))
            people = await offer_invites.candidates(
                session, worker.partnership_id, sid, who, worker.id, now
            )
            for person in people:
                if not person.skipped:
                    await self.invite_one(session, worker, person, row, offer, now)
        raise web.HTTPSeeOther(flash_url(request, back, ok=summary(people)))

    async def invite_one(
        self, session: AsyncSession, worker: WorkerView, person: Candidate, row: OfferSession,
        offer: Offer, now: datetime,
    ) -> None:  # fmt: skip
        offer_invites.invited(session, row.id, person.youth.id, worker.id, now)
        view = await offers.view_of(session, row, offer, person.youth.id)
        await invite(
            session, self.inbox.translator, self.inbox.partnership(worker), person.youth,
            person.case, view, worker.first_name, now,
        )  # fmt: skip
        await casework.audit(session, worker.id, "offer_invited", person.case.id, now)
