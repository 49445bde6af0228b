"""The inbox as server-rendered pages: login, queue, conversation, team and audit trail.

Thin: each handler reads the form, calls `Inbox`, and renders or redirects (303, with a
flash message signed by the session's CSRF token so a crafted link cannot put words in it).
One module per screen; `base` holds what they share, and the table below every route.
"""

from __future__ import annotations

from collections.abc import Collection

from aiohttp import web

from core.templates import Templates
from inbox import auth, security
from inbox.appointments import Appointments
from inbox.pages.account import Account
from inbox.pages.actions import CaseActions
from inbox.pages.appointments import AppointmentPages
from inbox.pages.base import HEADERS, STATIC, TEMPLATES, Screen, Site, safe_next
from inbox.pages.case import CasePage
from inbox.pages.exports import Exports
from inbox.pages.labels import ACTION_LABELS
from inbox.pages.login import Login
from inbox.pages.offer_changes import OfferChanges
from inbox.pages.offer_invites import OfferInvites
from inbox.pages.offers import OfferPages
from inbox.pages.posters import Posters
from inbox.pages.privacy import Privacy
from inbox.pages.queue import Queue
from inbox.pages.report import ReportPage
from inbox.pages.team import Team
from inbox.pages.telegram import Telegram
from inbox.reporting import Reporting
from inbox.service import Inbox
from storage.db import Database

__all__ = ["ACTION_LABELS", "STATIC", "TEMPLATES", "InboxPages", "safe_next"]


class InboxPages(Screen):
    """Templates for workers; every action goes through the `Inbox` service."""

    def __init__(
        self, inbox: Inbox, db: Database, templates: Templates, *, secure_cookies: bool,
        require_totp_roles: Collection[str] = (), reporting: Reporting | None = None,
    ) -> None:  # fmt: skip
        site = Site(
            inbox, db, templates, secure=secure_cookies, totp_roles=frozenset(require_totp_roles),
            appointments=Appointments(inbox),
            headers={**HEADERS, **security.headers(secure_cookies)},
        )  # fmt: skip
        super().__init__(site)
        self.login = Login(self.site)
        self.account = Account(self.site)
        self.queue = Queue(self.site)
        self.case = CasePage(self.site)
        self.actions = CaseActions(self.site, self.case)
        self.appointments = AppointmentPages(self.site, self.case)
        self.privacy = Privacy(self.site)
        self.team = Team(self.site)
        self.report = ReportPage(self.site)
        self.posters = Posters(self.site)
        self.telegram = Telegram(self.site)
        self.offers = OfferPages(self.site)
        self.invites = OfferInvites(self.site)
        self.changes = OfferChanges(self.site, self.offers)
        self.exports = Exports(self.site, reporting) if reporting is not None else None

    def routes(self) -> list[web.AbstractRouteDef]:
        guarded, enrolling = self.guarded, self.enrolling
        login, account, case, act = self.login, self.account, self.case, self.actions
        appointments, team = self.appointments, self.team
        cases = r"/inbox/cases/{id:\d{1,19}}"
        appointment = r"/inbox/appointments/{aid:\d{1,19}}"
        return [
            web.get("/inbox/login", login.page),
            web.post("/inbox/login", login.login),
            web.post("/inbox/logout", login.logout),
            web.get("/inbox/login/code", login.code_page),
            web.post("/inbox/login/code", login.login_code),
            web.get("/inbox/account", guarded(account.page)),
            web.post("/inbox/account/logout-everywhere", guarded(account.logout_everywhere)),
            web.post("/inbox/account/tokens", guarded(account.new_token)),
            web.post(r"/inbox/account/tokens/{id:\d{1,19}}/revoke", guarded(account.revoke_token)),
            web.get(auth.ENROL_PATH, enrolling(account.totp_page)),
            web.post(auth.ENROL_PATH, enrolling(account.totp_confirm)),
            web.get("/inbox", guarded(self.queue.page)),
            web.get("/inbox/fragment/queue", guarded(self.queue.fragment)),
            web.get(cases, guarded(case.page)),
            web.get(cases + "/timeline", guarded(case.timeline)),
            web.get(cases + "/audit", guarded(self.privacy.audit)),
            web.get(cases + "/export", guarded(self.privacy.export)),
            web.post(cases + "/claim", guarded(act.claim)),
            web.post(cases + "/reply", guarded(act.reply)),
            web.post(cases + "/note", guarded(act.note)),
            web.post(cases + "/status", guarded(act.status)),
            web.post(cases + "/assign", guarded(act.assign)),
            web.post(cases + "/signals", guarded(act.clear_signal)),
            web.post(cases + "/checkins", guarded(act.set_checkins)),
            web.post(cases + "/profile", guarded(act.profile)),
            web.get(cases + "/appointments", guarded(appointments.appointments_fragment)),
            web.post(cases + "/appointments", guarded(appointments.new_appointment)),
            web.post(appointment + "/move", guarded(appointments.move_appointment)),
            web.post(appointment + "/cancel", guarded(appointments.cancel_appointment)),
            web.post(appointment + "/mark", guarded(appointments.mark_appointment)),
            web.post(appointment + "/follow-up", guarded(appointments.follow_up)),
            web.get("/inbox/agenda", guarded(appointments.agenda)),
            web.get("/inbox/team", guarded(team.page)),
            web.post("/inbox/team", guarded(team.add_worker)),
            web.post(r"/inbox/team/{worker_id:\d{1,19}}/presence", guarded(team.presence)),
            web.get("/inbox/report", guarded(self.report.page)),
            *self.poster_routes(),
            *self.offer_routes(),
            web.get("/inbox/telegram", guarded(self.telegram.page)),
            web.post("/inbox/telegram", guarded(self.telegram.code)),
            *self.export_routes(),
            web.static("/inbox/static", STATIC),
        ]

    def poster_routes(self) -> list[web.AbstractRouteDef]:
        guarded, posters = self.guarded, self.posters
        poster = r"/inbox/posters/{key:[a-z0-9][a-z0-9_-]{0,39}}"
        return [
            web.get("/inbox/posters", guarded(posters.page)),
            web.get(
                poster + r"/{channel:web|telegram|whatsapp}.{kind:svg|png}", guarded(posters.code)
            ),
            web.get(poster + "/print", guarded(posters.print_view)),
        ]

    def offer_routes(self) -> list[web.AbstractRouteDef]:
        guarded, offers = self.guarded, self.offers
        one = r"/inbox/offers/sessions/{sid:\d{1,19}}"
        return [
            web.get("/inbox/offers", guarded(offers.page)),
            web.post("/inbox/offers", guarded(offers.create)),
            web.get(one, guarded(offers.session_page)),
            web.post(one + "/attendance", guarded(offers.attendance)),
            web.get(one + "/invite", guarded(self.invites.page)),
            web.post(one + "/invitations", guarded(self.invites.send)),
            web.post(one + "/move", guarded(self.changes.move)),
            web.post(one + "/cancel", guarded(self.changes.cancel)),
        ]

    def export_routes(self) -> list[web.AbstractRouteDef]:
        """The report's downloads (only with a `Reporting`, which holds the pseudonym key)."""
        if self.exports is None:
            return []
        guarded, exports = self.guarded, self.exports
        return [
            web.get("/inbox/report.csv", guarded(exports.report_csv)),
            web.get("/inbox/report.xlsx", guarded(exports.report_xlsx)),
            web.get("/inbox/report/participants.csv", guarded(exports.participants_csv)),
            web.get("/inbox/report/participants.xlsx", guarded(exports.participants_xlsx)),
        ]
