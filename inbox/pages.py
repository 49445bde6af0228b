"""The inbox as server-rendered pages: login, queue, conversation, team and audit trail.

Thin: each handler reads the form, calls `Inbox`, and renders or redirects (303, with a
flash message signed by the session's CSRF token so a crafted link cannot put words in it).
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import re
import secrets
import uuid
from collections.abc import Awaitable, Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from aiohttp import web
from babel.dates import format_datetime
from yarl import URL

from core.i18n import catalog
from core.templates import Templates
from flows.appointments import DAYPARTS, KINDS, NOTE_MAX, PLACE_MAX
from flows.checkins import RHYTHMS, SCALE
from flows.intake_questions import NEEDS, REACH, REFERRALS
from flows.model import N_
from inbox import auth, security, totp
from inbox.api import case_appointments, mint_token, revoke_token
from inbox.appointments import Appointments, DayItem, check_agenda_day
from inbox.errors import Conflict, Forbidden, InboxError, Invalid, NotFound
from inbox.passwords import verify_password
from inbox.service import Inbox
from storage import appointments as stored_appointments
from storage import casework, workers
from storage.casework import CaseSummary
from storage.checkins import Answer
from storage.db import Database
from storage.workers import WorkerView

TEMPLATES = Path(__file__).parent / "templates"
STATIC = Path(__file__).parent / "static"
LANG = "nl"
LOGIN_COOKIE = "instap_login"  # pre-login double-submit token against login CSRF
MAX_ID = 2**62
HEADERS = {"Cache-Control": "no-store"}  # the security headers come from inbox.security

STATUS_LABELS = {
    "waiting": N_("wachtend"),
    "active": N_("actief"),
    "paused": N_("gepauzeerd"),
    "closed": N_("afgesloten"),
}
OUTCOME_LABELS = {
    "work": N_("werk"),
    "training": N_("opleiding"),
    "other_help": N_("andere hulp"),
    "no_contact": N_("geen contact meer"),
    "moved": N_("verhuisd"),
    "other": N_("andere"),
    "erased": N_("gewist op verzoek"),
}
# What a worker can pick when closing: "gewist op verzoek" only comes from the youth's /vergeetmij.
CLOSING_OUTCOMES = {key: OUTCOME_LABELS[key] for key in casework.OUTCOMES}
PROMISE_LABELS = {
    "on_time": N_("op tijd"),
    "almost_late": N_("bijna te laat"),
    "late": N_("te laat"),
    "urgent_hour": N_("binnen het uur"),
    "urgent_late": N_("het uur is voorbij"),
}
ROLE_LABELS = {
    "worker": N_("trajectgezel"),
    "coordinator": N_("coördinator"),
    "admin": N_("beheerder"),
}
MEDIA_LABELS = {
    "voice": N_("Spraakbericht"),
    "audio": N_("Geluidsfragment"),
    "photo": N_("Foto"),
    "video": N_("Video"),
    "document": N_("Document"),
    "location": N_("Locatie"),
}
LANGUAGE_LABELS = {"nl": N_("Nederlands"), "en": N_("Engels"), "fr": N_("Frans")}
ACTION_LABELS = {
    "view_queue": N_("bekeek de wachtrij"),
    "view_case": N_("bekeek het dossier"),
    "view_audit": N_("bekeek wie het dossier bekeek"),
    "view_appointments": N_("bekeek de afspraken"),
    "view_agenda": N_("zag de afspraak in de agenda"),
    "view_media": N_("opende een foto, spraakbericht of bestand"),
    "claim": N_("nam de aanmelding op"),
    "assign": N_("wees de aanmelding toe"),
    "reply": N_("stuurde een bericht"),
    "note": N_("schreef een notitie"),
    "status_waiting": N_("zette terug in de wachtrij"),
    "status_active": N_("zette de status op actief"),
    "status_paused": N_("pauzeerde"),
    "status_closed": N_("sloot af"),
    "clear_urgent": N_("zette 'dringend' op opgevolgd"),
    "clear_flag": N_("haalde de markering weg"),
    "checkins": N_("paste de check-ins aan"),
    "appointment_new": N_("plande een afspraak"),
    "appointment_moved": N_("verzette een afspraak"),
    "appointment_cancelled": N_("annuleerde een afspraak"),
    "appointment_done": N_("duidde een afspraak aan als geweest"),
    "appointment_no_show": N_("duidde een afspraak aan als niet gekomen"),
    "appointment_follow_up": N_("stuurde een opvolgbericht na een gemiste afspraak"),
    "export": N_("exporteerde de gegevens"),
    "export_by_youth": N_("de jongere vroeg de gegevens op (/mijngegevens)"),
    "erase_requested": N_("de jongere vroeg om alles te wissen (/vergeetmij)"),
    "erased_request": N_("alles gewist op verzoek van de jongere"),
    "erased_retention": N_("alles gewist: bewaartermijn voorbij"),
    "appointments_closed": N_("annuleerde de komende afspraken bij het afsluiten"),
    "appointments_handed_over": N_("gaf de komende afspraken door aan de nieuwe collega"),
    "add_worker": N_("maakte een account voor een collega"),
    "presence": N_("paste aan- of afwezigheid aan"),
    "add_token": N_("maakte een sleutel voor de API"),
    "logout_everywhere": N_("meldde zich overal af"),
    "totp_on": N_("zette aanmelden in twee stappen aan"),
    "totp_reset": N_("aanmelden in twee stappen werd gewist (nieuwe gsm)"),
    "revoke_token": N_("trok een sleutel voor de API in"),
    "deactivated": N_("account werd stopgezet (sessies en sleutels beëindigd)"),
}
UNKNOWN_ACTION = N_("deed iets met het dossier")
FLAG_LABELS = {"aandacht": N_("aandacht"), "uit_beeld": N_("uit beeld"), "terug": N_("komt terug")}
RHYTHM_EVENTS = {
    "week": N_("Check-ins: elke week"),
    "2weeks": N_("Check-ins: om de twee weken"),
    "month": N_("Check-ins: elke maand"),
    "none": N_("Check-ins: liever niet"),
}
SCORES = dict(SCALE)
NO_ANSWER = N_("geen antwoord")
TREND_LABEL = N_("Check-ins: {scores}")
APPOINTMENT_LABELS = {
    "proposed": N_("voorgesteld"),
    "confirmed": N_("bevestigd"),
    "wants_change": N_("wil verzetten"),
    "cancelled": N_("geannuleerd"),
    "done": N_("geweest"),
    "no_show": N_("niet gekomen"),
}
OPEN_APPOINTMENT = ("proposed", "confirmed", "wants_change")
OK_APPOINTMENT = N_("De afspraak is gepland. {name} krijgt ze meteen.")
OK_MOVED = N_("De afspraak is verzet. {name} krijgt het nieuwe moment.")
OK_CANCELLED = N_("De afspraak is geannuleerd. {name} krijgt een bericht.")
OK_MARKED = N_("Bewaard: {state}.")
OK_FOLLOW_UP = N_("Je opvolgbericht is onderweg.")
BAD_DATE = N_("Kies een geldige datum.")
BAD_TIME = N_("Kies een geldig uur.")
BAD_MINUTES = N_("De duur moet een getal (in minuten) zijn.")
BAD_COLLEAGUE = N_("Kies een collega uit je eigen partnerschap.")
OK_CLAIM = N_("Je hebt deze aanmelding opgenomen.")
OK_REPLY = N_("Je bericht is onderweg.")
OK_NOTE = N_("Je notitie is bewaard.")
OK_STATUS = N_("De status is aangepast.")
OK_ASSIGN = N_("Doorgegeven aan {name}.")
OK_PRESENCE = N_("Je aanwezigheid is aangepast.")
OK_ADDED = N_("{name} is toegevoegd. Gebruikersnaam: {username}")
OK_URGENT_CLEARED = N_("Opgevolgd: 'dringend' is weg.")
OK_FLAG_CLEARED = N_("Gezien: de markering is weg.")
OK_NOTHING_TO_CLEAR = N_("Er was niets meer weg te halen.")
CLEARED = {"urgent": OK_URGENT_CLEARED, "flag": OK_FLAG_CLEARED}
OK_CHECKINS = N_("De check-ins zijn bewaard.")
OK_CHECKINS_SAME = N_("Er veranderde niets aan de check-ins.")
LOGIN_EXPIRED = N_("Dit aanmeldformulier is verlopen. Probeer het opnieuw.")
LOGIN_LOCKED = N_(
    "Te veel mislukte pogingen. Voor je veiligheid kan je pas om {time} opnieuw aanmelden."
)
SIGNED_OUT_EVERYWHERE = N_("Je bent nu overal afgemeld. Meld je hier opnieuw aan.")
TOTP_BAD_CODE = N_("Die code klopt niet. Kijk of de tijd op je gsm juist staat en probeer opnieuw.")
TOTP_ON = N_("Tweestapsverificatie staat aan. Vanaf nu vragen we bij het aanmelden ook een code.")
TOTP_ALREADY_ON = N_("Tweestapsverificatie stond al aan.")
TOTP_BAD_PASSWORD = N_("Dat wachtwoord klopt niet. Typ je wachtwoord en een nieuwe code.")
OK_TOKEN_REVOKED = N_("De token is ingetrokken. Hij werkt niet meer.")

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def gettext(msgid: str) -> str:
    return catalog(LANG).gettext(msgid)


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


class InboxPages:
    """Templates for workers; every action goes through the `Inbox` service."""

    def __init__(
        self, inbox: Inbox, db: Database, pages: Templates, *, secure_cookies: bool,
        require_totp_roles: Collection[str] = (),
    ) -> None:  # fmt: skip
        self.inbox = inbox
        self.db = db
        self.pages = pages
        self.secure = secure_cookies
        self.totp_roles = frozenset(require_totp_roles)
        # Also set by the security middleware; here too, so a page is never served without.
        self.headers = {**HEADERS, **security.headers(secure_cookies)}
        self.appointments = Appointments(inbox)

    def routes(self) -> list[web.AbstractRouteDef]:
        case = r"/inbox/cases/{id:\d{1,19}}"
        appointment = r"/inbox/appointments/{aid:\d{1,19}}"
        return [
            web.get("/inbox/login", self.login_page),
            web.post("/inbox/login", self.login),
            web.post("/inbox/logout", self.logout),
            web.get("/inbox/login/code", self.code_page),
            web.post("/inbox/login/code", self.login_code),
            web.get("/inbox/account", self.guarded(self.account)),
            web.post("/inbox/account/logout-everywhere", self.guarded(self.logout_everywhere)),
            web.post("/inbox/account/tokens", self.guarded(self.new_token)),
            web.post(
                r"/inbox/account/tokens/{id:\d{1,19}}/revoke", self.guarded(self.revoke_token)
            ),
            web.get(auth.ENROL_PATH, self.enrolling(self.totp_page)),
            web.post(auth.ENROL_PATH, self.enrolling(self.totp_confirm)),
            web.get("/inbox", self.guarded(self.queue)),
            web.get("/inbox/fragment/queue", self.guarded(self.queue_fragment)),
            web.get(case, self.guarded(self.case)),
            web.get(case + "/timeline", self.guarded(self.timeline)),
            web.get(case + "/audit", self.guarded(self.audit)),
            web.get(case + "/export", self.guarded(self.export)),
            web.post(case + "/claim", self.guarded(self.claim)),
            web.post(case + "/reply", self.guarded(self.reply)),
            web.post(case + "/note", self.guarded(self.note)),
            web.post(case + "/status", self.guarded(self.status)),
            web.post(case + "/assign", self.guarded(self.assign)),
            web.post(case + "/signals", self.guarded(self.clear_signal)),
            web.post(case + "/checkins", self.guarded(self.set_checkins)),
            web.get(case + "/appointments", self.guarded(self.appointments_fragment)),
            web.post(case + "/appointments", self.guarded(self.new_appointment)),
            web.post(appointment + "/move", self.guarded(self.move_appointment)),
            web.post(appointment + "/cancel", self.guarded(self.cancel_appointment)),
            web.post(appointment + "/mark", self.guarded(self.mark_appointment)),
            web.post(appointment + "/follow-up", self.guarded(self.follow_up)),
            web.get("/inbox/agenda", self.guarded(self.agenda)),
            web.get("/inbox/team", self.guarded(self.team)),
            web.post("/inbox/team", self.guarded(self.add_worker)),
            web.post(r"/inbox/team/{worker_id:\d{1,19}}/presence", self.guarded(self.presence)),
            web.get("/inbox/telegram", self.guarded(self.telegram)),
            web.post("/inbox/telegram", self.guarded(self.telegram_code)),
            web.static("/inbox/static", STATIC),
        ]

    # --- rendering ------------------------------------------------------------------------

    def now(self) -> datetime:
        return self.inbox.clock()

    def when(self, moment: datetime) -> str:
        """A short local time: "14u05", "gisteren 9u30", "do 4 mei 14u05"."""
        tz = self.inbox.translator.tz
        local, today = moment.astimezone(tz), self.now().astimezone(tz).date()
        clock = f"{local.hour}u{local.minute:02d}"
        if local.date() == today:
            return clock
        if local.date() == today - timedelta(days=1):
            return gettext(N_("gisteren {time}")).format(time=clock)
        day = format_datetime(local, "EEE d MMM", tzinfo=tz, locale=LANG)
        if local.year != today.year:
            day += f" {local.year}"
        return f"{day} {clock}"

    def long_when(self, moment: datetime) -> str:
        return self.inbox.translator.param(moment, LANG)

    def day(self, moment: datetime | date | str) -> str:
        """A local day: "vrijdag 4 december" (a date, a moment, or an ISO date as in events)."""
        if isinstance(moment, str):
            try:
                return self.day(date.fromisoformat(moment))
            except ValueError:
                return moment
        if isinstance(moment, datetime):
            moment = moment.astimezone(self.inbox.translator.tz).date()
        return self.inbox.translator.param(moment, LANG)

    def local_inputs(self, moment: datetime) -> tuple[str, str]:
        """The date and time fields for a moment: ("2026-05-04", "14:00"), local time."""
        local = moment.astimezone(self.inbox.translator.tz)
        return local.date().isoformat(), f"{local.hour:02d}:{local.minute:02d}"

    def clock(self, moment: datetime) -> str:
        """Only the local hour: "14u", "9u30"."""
        local = moment.astimezone(self.inbox.translator.tz)
        return f"{local.hour}u{local.minute:02d}" if local.minute else f"{local.hour}u"

    def today(self) -> date:
        return self.now().astimezone(self.inbox.translator.tz).date()

    def waited(self, since: datetime) -> str:
        """How long someone waits: "12 min", "3 u 20 min", "2 d 4 u"."""
        minutes = max(int((self.now() - since).total_seconds() // 60), 0)
        days, rest = divmod(minutes, 24 * 60)
        hours, minutes = divmod(rest, 60)
        if days:
            return gettext(N_("{days} d {hours} uur")).format(days=days, hours=hours)
        if hours:
            return gettext(N_("{hours} uur {minutes} min")).format(hours=hours, minutes=minutes)
        return gettext(N_("{minutes} min")).format(minutes=minutes)

    def needs(self, case: CaseSummary) -> str:
        labels = dict(NEEDS)
        return ", ".join(gettext(labels.get(n, n)) for n in case.needs)

    def render(
        self, request: web.Request, name: str, *, status: int = 200, **context: Any
    ) -> web.Response:
        body = self.pages.render(
            name,
            LANG,
            me=auth.current(request),
            csrf=auth.csrf_of(request),
            flash=flash_of(request),
            path=request.path,
            when=self.when,
            long_when=self.long_when,
            day=self.day,
            waited=self.waited,
            needs=self.needs,
            local_inputs=self.local_inputs,
            clock=self.clock,
            now=self.now(),
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
                "action": ACTION_LABELS,
                "appointment": APPOINTMENT_LABELS,
                "flag": FLAG_LABELS,
                "rhythm": RHYTHM_EVENTS,
                "closing": CLOSING_OUTCOMES,
                "unknown_action": UNKNOWN_ACTION,
            },
            scale=SCORES,
            **context,
        )
        return web.Response(
            text=body, status=status, content_type="text/html", headers=self.headers
        )

    def error_page(self, request: web.Request, error: InboxError) -> web.Response:
        return self.render(request, "error.html", status=status_of(error), message=str(error))

    def guarded(self, handler: Handler) -> Handler:
        """Log in first; a NotFound or Forbidden the handler lets through becomes a page."""

        async def page(request: web.Request) -> web.StreamResponse:
            worker = auth.require_worker(request)
            if auth.must_enrol(worker, self.totp_roles):  # also without the middleware's roles
                raise web.HTTPFound(auth.ENROL_PATH)
            try:
                return await handler(request)
            except (NotFound, Forbidden) as error:
                return self.error_page(request, error)
            except ValueError:  # e.g. a form number that is not one
                return self.error_page(request, Invalid("Dit formulier klopt niet."))

        return page

    # --- login ----------------------------------------------------------------------------

    def enrolling(self, handler: Handler) -> Handler:
        """For the two-step set-up pages: logged in, even when the set-up is still required."""

        async def page(request: web.Request) -> web.StreamResponse:
            auth.require_worker(request, enrolling=True)
            return await handler(request)

        return page

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
            LOGIN_COOKIE, token, httponly=True, samesite="Strict", secure=self.secure,
            path="/inbox/login", max_age=3600,
        )  # fmt: skip
        return response

    def refusal(self, refused: auth.LoginRefused) -> str:
        if refused.kind == "locked" and refused.until is not None:
            return gettext(LOGIN_LOCKED).format(time=self.when(refused.until))
        return gettext(auth.REFUSALS[refused.kind])

    def login_token_ok(self, request: web.Request, form: Mapping[str, Any]) -> bool:
        """The pre-login double-submit token: the form's field matches the cookie."""
        sent, kept = str(form.get("login_token", "")), request.cookies.get(LOGIN_COOKIE, "")
        return bool(sent and kept and hmac.compare_digest(sent.encode(), kept.encode()))

    async def login_page(self, request: web.Request) -> web.StreamResponse:
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
                now=self.now(),
            )  # fmt: skip
        except auth.LoginRefused as refused:
            return self.login_form(
                request, next_path=next_path, username=username, message=self.refusal(refused),
                status=429 if refused.kind in ("locked", "throttled") else 200,
            )  # fmt: skip
        if isinstance(result, auth.NeedsCode):
            # No session yet: only a pending token, for the code step at /inbox/login/code.
            response = self.login_form(request, next_path=next_path, template="login_code.html")
            auth.set_pending_cookie(response, result.pending, self.secure)
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
        if auth.must_enrol(opened.worker, self.totp_roles):
            next_path = auth.ENROL_PATH
        response = web.HTTPSeeOther(next_path, headers={"Cache-Control": "no-store"})
        auth.set_cookie(response, opened.token, self.secure)
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
                now=self.now(),
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

    # --- my account: log out everywhere, two-step login -----------------------------------

    async def account(
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
            return await self.account(
                request, message=str(error), status=status_of(error), form=form
            )
        return await self.account(request, new_token=token, status=201)

    async def revoke_token(self, request: web.Request) -> web.StreamResponse:
        worker = auth.require_worker(request)
        await revoke_token(self.inbox, worker, id_param(request))
        raise web.HTTPSeeOther(flash_url(request, "/inbox/account", ok=gettext(OK_TOKEN_REVOKED)))

    async def logout_everywhere(self, request: web.Request) -> web.StreamResponse:
        """End all my sessions (this one too) on every device; API tokens are revoked apart."""
        worker = auth.require_worker(request)
        async with self.db.transaction() as session:
            await workers.close_all_sessions(session, worker.id)
            await casework.audit(session, worker.id, "logout_everywhere", None, self.now())
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
            required=auth.must_enrol(worker, self.totp_roles),
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
                session, worker.username, auth.remote_of(request), self.now()
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
        now = self.now()
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
        required = auth.must_enrol(worker, self.totp_roles)
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
        auth.set_cookie(response, opened.token, self.secure)
        raise response

    # --- queue ----------------------------------------------------------------------------

    async def queue_context(self, worker: WorkerView) -> dict[str, Any]:
        view = await self.inbox.queue(worker)
        team = await self.inbox.team(worker)
        return {"queue": view, "colleagues": [w for w, _ in team if w.id != worker.id]}

    async def queue(self, request: web.Request) -> web.StreamResponse:
        worker = auth.require_worker(request)
        return self.render(request, "queue.html", **await self.queue_context(worker))

    async def queue_fragment(self, request: web.Request) -> web.StreamResponse:
        worker = auth.require_worker(request)
        return self.render(request, "_queue.html", **await self.queue_context(worker))

    # --- a case ---------------------------------------------------------------------------

    def answers_card(
        self, answers: Mapping[str, object], case: CaseSummary
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
            (N_("Hulp bij"), self.needs(case)),
            (N_("In eigen woorden"), str(answers.get("needs_text") or "")),
            (N_("Hoe gevonden"), listed("referral", REFERRALS)),
            (N_("Best bereikbaar"), listed("reach", REACH)),
            (N_("Taal"), gettext(LANGUAGE_LABELS.get(case.language, case.language))),
            (N_("Kanaal"), "Telegram" if case.channel == "telegram" else gettext(N_("webchat"))),
        ]
        return [(label, value) for label, value in lines if value]

    async def case(
        self, request: web.Request, *, status: int = 200, draft: str = "", note: str = "",
        message: str = "", appointment: Mapping[str, str] | None = None,
        appointment_error: str = "", moving: Mapping[str, str] | None = None,
        case_id: int | None = None,
    ) -> web.StreamResponse:  # fmt: skip
        worker = auth.require_worker(request)
        view = await self.inbox.case(worker, case_id or id_param(request))
        by_id = {w.id: w for w in view.colleagues}
        planned = await case_appointments(self.appointments, worker, view.case.id, audit=False)
        partnership = self.inbox.directory.partnership(worker.partnership_id)
        return self.render(
            request,
            "case.html",
            status=status,
            view=view,
            card=self.answers_card(view.answers, view.case),
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
        )

    async def timeline(self, request: web.Request) -> web.StreamResponse:
        worker = auth.require_worker(request)
        after = parse_time(request.query.get("after", ""))
        items = await self.inbox.timeline_after(worker, id_param(request), after)
        youth = ""
        if any(i.kind == "event" and i.text in NAMED_EVENTS for i in items):
            youth = (
                await case_appointments(self.appointments, worker, id_param(request), audit=False)
            ).youth_name
        return self.render(request, "_timeline.html", items=items, youth=youth)

    async def audit(self, request: web.Request) -> web.StreamResponse:
        worker = auth.require_worker(request)
        case_id = id_param(request)
        trail = await self.inbox.audit_trail(worker, case_id)
        return self.render(request, "audit.html", case_id=case_id, trail=trail)

    async def export(self, request: web.Request) -> web.StreamResponse:
        """A coordinator downloads what the youth would get with /mijngegevens."""
        worker = auth.require_worker(request)
        name, content = await self.inbox.export(worker, id_param(request))
        return web.Response(
            text=content,
            content_type="application/json",
            headers={
                "Content-Disposition": f'attachment; filename="{name}"',
                "Cache-Control": "no-store",
            },
        )

    # --- actions on a case ----------------------------------------------------------------

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
            return await self.case(request, status=status_of(error), draft=text, message=str(error))
        raise self.back(request, id_param(request), ok=gettext(OK_REPLY))

    async def note(self, request: web.Request) -> web.StreamResponse:
        worker = auth.require_worker(request)
        form = await request.post()
        text = str(form.get("text", ""))
        try:
            await self.inbox.note(worker, id_param(request), text)
        except (Conflict, Invalid, Forbidden) as error:
            return await self.case(request, status=status_of(error), note=text, message=str(error))
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

    # --- appointments ---------------------------------------------------------------------

    async def appointments_fragment(self, request: web.Request) -> web.StreamResponse:
        """The Afspraken list alone, for the live refresh of the case page."""
        worker = auth.require_worker(request)
        planned = await case_appointments(self.appointments, worker, id_param(request), audit=True)
        return self.render(
            request, "_appointments.html", appointments=planned.items, youth=planned.youth_name,
            unreachable=planned.unreachable, moving={},
        )  # fmt: skip

    async def new_appointment(self, request: web.Request) -> web.StreamResponse:
        worker = auth.require_worker(request)
        case_id = id_param(request)
        form = await request.post()
        values = {
            key: str(form.get(key, ""))[:limit]
            for key, limit in (
                ("date", 20), ("time", 20), ("minutes", 20), ("kind", 40),
                ("place", 10_000), ("with", 40), ("note", 10_000),
            )
        }  # fmt: skip
        try:
            team = {w.id: w for w, _ in await self.inbox.team(worker)}
            raw = values["with"]
            colleague = team.get(int(raw)) if raw.isdigit() and int(raw) <= MAX_ID else None
            if raw and colleague is None:
                raise Invalid(gettext(BAD_COLLEAGUE))
            minutes = values["minutes"].strip()
            if not re.fullmatch(r"-?[0-9]{1,6}", minutes):
                raise Invalid(gettext(BAD_MINUTES))
            await self.appointments.create(
                worker, case_id, day=form_date(values["date"]), at=form_time(values["time"]),
                minutes=int(minutes), place=values["place"], kind=values["kind"],
                note=values["note"], with_id=colleague.id if colleague else None,
            )  # fmt: skip
        except Invalid as error:
            return await self.case(
                request, status=422, appointment=values, appointment_error=str(error)
            )
        except (Conflict, Forbidden) as error:
            raise self.back(request, case_id, error=str(error)) from None
        name = await self.youth_name(worker, case_id)
        raise self.back(request, case_id, ok=gettext(OK_APPOINTMENT).format(name=name))

    async def youth_name(self, worker: WorkerView, case_id: int) -> str:
        return (await case_appointments(self.appointments, worker, case_id, audit=False)).youth_name

    async def appointment_case(self, worker: WorkerView, appointment_id: int) -> int:
        """The case of an appointment of my partnership (NotFound for any other)."""
        async with self.db.transaction() as session:
            found = await stored_appointments.in_partnership(
                session, worker.partnership_id, appointment_id
            )
            if found is None:
                raise NotFound("Deze afspraak bestaat niet (of niet in jouw partnerschap).")
            return found.case_id

    async def on_appointment(
        self, request: web.Request, action: Callable[[WorkerView, int, int], Awaitable[str]]
    ) -> web.StreamResponse:
        """Do `action` on an appointment, then back to its case with a message."""
        worker = auth.require_worker(request)
        appointment_id = id_param(request, "aid")
        case_id = await self.appointment_case(worker, appointment_id)
        try:
            ok = await action(worker, appointment_id, case_id)
        except (Conflict, Invalid, Forbidden) as error:
            raise self.back(request, case_id, error=str(error)) from None
        raise self.back(request, case_id, ok=ok)

    async def move_appointment(self, request: web.Request) -> web.StreamResponse:
        worker = auth.require_worker(request)
        appointment_id = id_param(request, "aid")
        case_id = await self.appointment_case(worker, appointment_id)
        form = await request.post()
        values = {"id": str(appointment_id)} | {
            key: str(form.get(key, ""))[:20] for key in ("date", "time")
        }
        try:
            await self.appointments.move(
                worker, appointment_id, day=form_date(values["date"]), at=form_time(values["time"])
            )
        except Invalid as error:
            return await self.case(
                request, status=422, moving=values | {"error": str(error)}, case_id=case_id
            )
        except (Conflict, Forbidden) as error:
            raise self.back(request, case_id, error=str(error)) from None
        name = await self.youth_name(worker, case_id)
        raise self.back(request, case_id, ok=gettext(OK_MOVED).format(name=name))

    async def cancel_appointment(self, request: web.Request) -> web.StreamResponse:
        async def cancel(worker: WorkerView, appointment_id: int, case_id: int) -> str:
            await self.appointments.cancel(worker, appointment_id)
            return gettext(OK_CANCELLED).format(name=await self.youth_name(worker, case_id))

        return await self.on_appointment(request, cancel)

    async def mark_appointment(self, request: web.Request) -> web.StreamResponse:
        form = await request.post()

        async def mark(worker: WorkerView, appointment_id: int, case_id: int) -> str:
            state = str(form.get("state", ""))
            await self.appointments.mark(worker, appointment_id, state)
            return gettext(OK_MARKED).format(state=gettext(APPOINTMENT_LABELS[state]))

        return await self.on_appointment(request, mark)

    async def follow_up(self, request: web.Request) -> web.StreamResponse:
        async def follow_up(worker: WorkerView, appointment_id: int, case_id: int) -> str:
            await self.appointments.follow_up(worker, appointment_id)
            return gettext(OK_FOLLOW_UP)

        return await self.on_appointment(request, follow_up)

    async def agenda(self, request: web.Request) -> web.StreamResponse:
        """My appointments of one local day, with the day before and after one click away."""
        worker = auth.require_worker(request)
        raw = request.query.get("day", "")
        try:
            day = form_date(raw) if raw else self.today()
            check_agenda_day(day)
        except Invalid as error:
            return self.render(request, "agenda.html", status=422, day_of=self.today(),
                               items=[], message=str(error), **self.agenda_links(self.today()))  # fmt: skip
        items: list[DayItem] = await self.appointments.day(worker, day)
        return self.render(
            request, "agenda.html", day_of=day, items=items, message="", **self.agenda_links(day)
        )

    def agenda_links(self, day: date) -> dict[str, Any]:
        return {
            "day_label": self.inbox.translator.param(day, LANG),
            "previous": (day - timedelta(days=1)).isoformat(),
            "next": (day + timedelta(days=1)).isoformat(),
            "is_today": day == self.today(),
        }

    # --- the team -------------------------------------------------------------------------

    async def telegram(self, request: web.Request) -> web.StreamResponse:
        auth.require_worker(request)
        return self.render(request, "telegram.html", code="")

    async def telegram_code(self, request: web.Request) -> web.StreamResponse:
        """A one-time code to send as /koppel CODE to the bot from the worker's own Telegram."""
        worker = auth.require_worker(request)
        return self.render(request, "telegram.html", code=await self.inbox.link_code(worker))

    async def team(
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
            return await self.team(request, status=422, message=str(error), values=values)
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


NAMED_EVENTS = (
    "appointment",
    "paused",
    "stopped",
    "restarted",
    "rhythm",
    "reopened",
)  # they name the youth
TREND_MAX = 12  # check-ins in the chart
TREND_WIDTH, TREND_HEIGHT = 300, 124
TREND_LEFT, TREND_RIGHT, TREND_TOP, TREND_BOTTOM = 34, 12, 12, 16


@dataclass(frozen=True)
class TrendPoint:
    x: float
    y: float  # for a check-in without an answer: just under the chart
    score: int | None


@dataclass(frozen=True)
class Trend:
    """The last check-ins as a small chart: oldest left; score 5 at the top, 1 at the bottom."""

    points: list[TrendPoint]
    lines: list[str]  # an SVG `points` list per run of answered check-ins (no answer: a gap)
    rows: list[tuple[int, float, str]]  # (score, y, emoji) for the scale
    label: str  # "Check-ins: 4, 2, geen antwoord, 5"
    width: int = TREND_WIDTH
    height: int = TREND_HEIGHT
    left: int = TREND_LEFT
    right: int = TREND_WIDTH - TREND_RIGHT


def score_y(score: int) -> float:
    step = (TREND_HEIGHT - TREND_TOP - TREND_BOTTOM) / 4
    return round(TREND_TOP + (5 - score) * step, 1)


def trend(answers: Sequence[Answer]) -> Trend | None:
    """The chart of the last (up to 12) check-ins; `answers` come newest first."""
    shown = list(reversed(answers[:TREND_MAX]))
    if not shown:
        return None
    span = TREND_WIDTH - TREND_LEFT - TREND_RIGHT
    step = span / (len(shown) - 1) if len(shown) > 1 else 0.0
    start = TREND_LEFT + (span / 2 if len(shown) == 1 else 0)
    points = [
        TrendPoint(
            round(start + i * step, 1),
            score_y(a.score) if a.score else TREND_HEIGHT - 5,
            a.score,
        )
        for i, a in enumerate(shown)
    ]
    lines, run = [], []
    for point in [*points, None]:
        if point is not None and point.score:
            run.append(f"{point.x:g},{point.y:g}")
            continue
        if len(run) > 1:
            lines.append(" ".join(run))
        run = []
    scores = [str(a.score) if a.score else gettext(NO_ANSWER) for a in shown]
    return Trend(
        points=points,
        lines=lines,
        rows=[(score, score_y(score), emoji) for score, emoji in reversed(SCALE)],
        label=gettext(TREND_LABEL).format(scores=", ".join(scores)),
    )


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


def form_date(value: str) -> date:
    """A date field (YYYY-MM-DD, as <input type=date> sends it)."""
    try:
        if len(value.strip()) != 10:
            raise ValueError(value)
        return date.fromisoformat(value.strip())
    except ValueError:
        raise Invalid(gettext(BAD_DATE)) from None


def form_time(value: str) -> time:
    """A time field (HH:MM, as <input type=time> sends it; seconds are dropped)."""
    try:
        parts = value.strip().split(":")
        if len(parts) not in (2, 3) or not all(p.isdigit() and len(p) == 2 for p in parts):
            raise ValueError(value)
        return time(int(parts[0]), int(parts[1]))
    except ValueError:
        raise Invalid(gettext(BAD_TIME)) from None


def parse_languages(value: str) -> tuple[str, ...]:
    codes = tuple(dict.fromkeys(c.lower() for c in value.replace(",", " ").split()))
    if not codes or any(not (c.isascii() and c.isalpha() and 2 <= len(c) <= 3) for c in codes):
        raise Invalid("Geef de talen als korte codes, bijvoorbeeld: nl, en, fr.")
    return codes
