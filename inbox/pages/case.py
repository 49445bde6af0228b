"""A case: the intake answers, the conversation and its timeline, the check-ins chart."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import UTC, datetime

from aiohttp import web

from flows.appointments import NOTE_MAX, PLACE_MAX
from flows.checkins import RHYTHMS
from flows.intake_questions import REACH, REFERRALS
from flows.model import N_
from inbox import auth
from inbox.api import case_appointments
from inbox.appointments import appointments_in
from inbox.pages.base import Screen, Site, id_param
from inbox.pages.formats import gettext
from inbox.pages.labels import LANGUAGE_LABELS, PROFILE_FIELDS, SIX_MONTH_LABELS
from inbox.pages.trend import trend
from storage import offer_inbox
from storage.casework import CaseSummary
from storage.models import Youth
from storage.profiles import CHOICES
from storage.timeline import Cursor

NAMED_EVENTS = (
    "appointment",
    "paused",
    "stopped",
    "restarted",
    "rhythm",
    "reopened",
    "six_month",
)  # they name the youth


class CasePage(Screen):
    """The case page; the actions on it come back here with a message."""

    def __init__(self, site: Site) -> None:
        super().__init__(site)
        self.appointments = site.appointments

    def answers_card(
        self, answers: Mapping[str, object], case: CaseSummary, phone: str = ""
    ) -> list[tuple[str, str]]:
        """The intake answers as (label, value) lines, in plain Dutch."""

        def listed(key: str, table: tuple[tuple[str, str], ...]) -> str:
            value = answers.get(key)
            items = value if isinstance(value, list | tuple) else [value] if value else []
            labels = dict(table)
            return ", ".join(gettext(labels.get(str(i), str(i))) for i in items)

        lines = [
            (N_("Naam"), case.name),
            (N_("Leeftijd"), str(case.age) if case.age is not None else ""),
            (N_("Woonplaats"), case.municipality),
            (N_("Hulp bij"), self.formats.needs(case)),
            (N_("In eigen woorden"), str(answers.get("needs_text") or "")),
            (N_("Hoe gevonden"), listed("referral", REFERRALS)),
            (N_("Via"), self.entry_label(str(answers.get("entry_point") or ""))),
            (N_("Best bereikbaar"), listed("reach", REACH)),
            (N_("Taal"), gettext(LANGUAGE_LABELS.get(case.language, case.language))),
            (N_("Kanaal"), channel_label(case, phone)),
            (N_("Na zes maanden"), six_month(case.six_month)),
        ]
        return [(label, value) for label, value in lines if value]

    def entry_label(self, key: str) -> str:
        """The poster or card the youth came through, as the coordinator named it."""
        entry = self.inbox.directory.entry_point(key) if key else None
        return entry.label if entry else key

    async def page(
        self, request: web.Request, *, status: int = 200, draft: str = "", note: str = "",
        message: str = "", appointment: Mapping[str, str] | None = None,
        appointment_error: str = "", moving: Mapping[str, str] | None = None,
        case_id: int | None = None, profile_form: Mapping[str, str] | None = None,
        profile_error: str = "",
    ) -> web.StreamResponse:  # fmt: skip
        worker = auth.require_worker(request)
        older_than = cursor(request.query.get("voor", "")) if request.method == "GET" else None
        async with self.db.transaction() as session:  # the whole page in one round
            case = await self.inbox.own_case(session, worker, case_id or id_param(request))
            _youth = await session.get(Youth, case.youth_id)  # held: read once for all below
            view = await self.inbox.read_case(session, worker, case, older_than)
            names = {w.id: w.first_name for w in view.colleagues}
            planned = await appointments_in(session, case, names)
            profile = await self.inbox.profile_in(session, case)
            attended = await offer_inbox.attended_by(session, case)
        by_id = {w.id: w for w in view.colleagues}
        partnership = self.inbox.directory.partnership(worker.partnership_id)
        return self.render(
            request,
            "case.html",
            status=status,
            view=view,
            card=self.answers_card(view.answers, view.case, view.phone),
            suggestions=[(by_id[s.worker_id], s) for s in view.suggestions if s.worker_id in by_id],
            ref=uuid.uuid4().hex,
            draft=draft,
            note_draft=note,
            message=message,
            max_reply=4000,
            youth=view.case.name,
            erased=view.case.status == "closed" and view.case.outcome == "erased",
            appointments=planned.items,
            unreachable=planned.unreachable,
            appointment=appointment or {"minutes": "60", "with": str(worker.id)},
            appointment_error=appointment_error,
            moving=moving or {},
            locations=[f"{loc.name}, {loc.address}" for loc in partnership.locations],
            place_max=PLACE_MAX,
            note_max=NOTE_MAX,
            rhythms=RHYTHMS,
            trend=trend(view.checkins.answers if view.checkins else []),
            profile=profile,
            profile_fields=PROFILE_FIELDS,
            profile_values=profile_form or {f: getattr(profile.profile, f) for f in CHOICES},
            profile_error=profile_error,
            attended=attended,
            older_page=older_than is not None,
        )

    async def timeline(self, request: web.Request) -> web.StreamResponse:
        """The live refresh (`after`: what came since) or the page before a cursor (`voor`)."""
        worker = auth.require_worker(request)
        case_id = id_param(request)
        after = parse_time(request.query.get("after", ""))
        older: str | None = None
        if after is not None:
            items = await self.inbox.timeline_after(worker, case_id, after)
        else:
            shown = await self.inbox.timeline_page(
                worker, case_id, cursor(request.query.get("voor", ""))
            )
            items, older = shown.items, str(shown.older) if shown.older else None
        youth = ""
        if any(i.kind == "event" and i.text in NAMED_EVENTS for i in items):
            youth = (
                await case_appointments(self.appointments, worker, case_id, audit=False)
            ).youth_name
        return self.render(
            request, "_timeline.html", items=items, youth=youth, older=older, case_id=case_id
        )


def six_month(result: str | None) -> str:
    """The youth's answer six months after closing, as the case card shows it ("" : none yet)."""
    label = SIX_MONTH_LABELS.get(result or "")
    return gettext(label) if label else ""


def parse_time(value: str) -> datetime | None:
    """An ISO time from the query (a '+' may have arrived as a space); None when absent."""
    if not value:
        return None
    try:
        value = value.strip()
        if "T" in value:
            value = value.replace(" ", "+")
        moment = datetime.fromisoformat(value)
        # In UTC, as stored; a moment at the calendar's very edge has no UTC and is refused.
        return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(UTC)
    except (ValueError, OverflowError) as exc:
        raise web.HTTPBadRequest(text="after: geen geldig tijdstip") from exc


def cursor(value: str) -> Cursor | None:
    """A timeline cursor from the query (`voor`); None when absent."""
    if not value:
        return None
    try:
        return Cursor.parse(value)
    except ValueError as exc:
        raise web.HTTPBadRequest(text="voor: geen geldige plaats in het gesprek") from exc


def channel_label(case: CaseSummary, phone: str = "") -> str:
    """Telegram, WhatsApp with the number (masked unless the partnership shows them), or the
    web chat."""
    if case.channel == "whatsapp":
        return f"WhatsApp ({phone or case.number})"
    return "Telegram" if case.channel == "telegram" else gettext(N_("webchat"))
