"""The JSON API under /api/: every inbox action, through the same `Inbox` service as the pages.

Routes come from the operation table in `inbox.openapi`, which also checks every path id,
query and body, so what the document says and what the server accepts are one thing.
Every error is `application/problem+json` (add `problems_middleware()` to the app for the
errors aiohttp makes itself: unknown paths, wrong methods, crashes).
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from typing import Any

from aiohttp import web

from inbox import auth
from inbox.appointments import Appointments, DayItem
from inbox.auth import Handler, remote_of, require_worker
from inbox.errors import Conflict, Forbidden, InboxError, Invalid, NotFound
from inbox.openapi import (
    BODIES,
    MAX_BODY,
    MAX_ID,
    OPERATIONS,
    PROBLEM_JSON,
    RHYTHM_KEYS,
    TITLES,
    Operation,
    check,
    document,
)
from inbox.problems import problem
from inbox.service import CaseView, CheckinsView, Inbox, LowScore, QueuedCase
from storage import appointments as stored_appointments
from storage import casework, workers
from storage.appointments import view_of
from storage.casework import CaseSummary, TimelineItem
from storage.clock import utcnow
from storage.models import Youth
from storage.workers import WorkerView

log = logging.getLogger(__name__)

JSON = Any  # what json.dumps takes
ID = re.compile(r"[0-9]{1,16}")
RFC3339 = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt ][0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,9})?([Zz]|[+-][0-9]{2}:[0-9]{2})"
)
STATUS_OF: dict[type[InboxError], int] = {
    NotFound: 404,
    Forbidden: 403,
    Conflict: 409,
    Invalid: 422,
}
NOT_FOUND = {
    "case_id": "Deze aanmelding bestaat niet (of niet in jouw partnerschap).",
    "worker_id": "Die collega bestaat niet in jouw partnerschap.",
    "appointment_id": "Deze afspraak bestaat niet (of niet in jouw partnerschap).",
    "token_id": "Je hebt geen token met dat nummer.",
}


@dataclass
class Call:
    """One checked request: who asks, the path ids, the query and the body."""

    request: web.Request
    viewer: WorkerView | None
    ids: dict[str, int] = field(default_factory=dict)
    after: datetime | None = None
    day: date | None = None
    body: dict[str, Any] = field(default_factory=dict)

    @property
    def worker(self) -> WorkerView:
        if self.viewer is None:
            raise AssertionError("a public operation has no worker")
        return self.viewer

    @property
    def case_id(self) -> int:
        return self.ids["case_id"]

    @property
    def appointment_id(self) -> int:
        return self.ids["appointment_id"]


Action = Callable[[Call], Awaitable[JSON]]


class InboxApi:
    """The handlers; `routes()` gives one route per operation of the table."""

    def __init__(self, inbox: Inbox) -> None:
        self.inbox = inbox
        self.appointments = Appointments(inbox)
        self.document = document()
        self.actions: dict[str, Action] = {
            "getOpenApi": self.openapi,
            "getMe": self.me,
            "getQueue": self.queue,
            "getCase": self.case,
            "getTimeline": self.timeline,
            "claimCase": self.claim,
            "replyToCase": self.reply,
            "addNote": self.note,
            "setStatus": self.status,
            "assignCase": self.assign,
            "clearSignal": self.clear_signal,
            "setCheckins": self.set_checkins,
            "getAudit": self.audit,
            "getTeam": self.team,
            "addWorker": self.add_worker,
            "setPresence": self.presence,
            "getTokens": self.tokens,
            "createToken": self.create_token,
            "revokeToken": self.revoke_token,
            "getAppointments": self.case_appointments,
            "createAppointment": self.create_appointment,
            "moveAppointment": self.move_appointment,
            "cancelAppointment": self.cancel_appointment,
            "markAppointment": self.mark_appointment,
            "followUpAppointment": self.follow_up,
            "getAgenda": self.agenda,
        }
        missing = {op.id for op in OPERATIONS} ^ set(self.actions)
        if missing:
            raise AssertionError(
                f"operations without a handler (or the reverse): {sorted(missing)}"
            )

    def routes(self) -> list[web.AbstractRouteDef]:
        return [
            web.route(op.method, op.path, self.endpoint(op, self.actions[op.id]), name=op.id)
            for op in OPERATIONS
        ]

    def endpoint(self, op: Operation, action: Action) -> Handler:
        async def handle(request: web.Request) -> web.StreamResponse:
            call = Call(request, None if op.public else require_worker(request))
            for param in op.params:
                if param.where == "path":
                    call.ids[param.name] = path_id(request.match_info[param.name], param.name)
                elif param.name == "after" and "after" in request.query:
                    call.after = moment(request.query["after"], "after")
                elif param.name == "day" and "day" in request.query:
                    call.day = query_day(request.query["day"], "day")
            if op.body is not None:
                call.body = await json_body(request, op.body)
            try:
                result = await action(call)
            except InboxError as exc:
                status = STATUS_OF.get(type(exc), 422)
                raise problem(status, TITLES[status], str(exc)) from None
            if op.response is None and op.id != "getOpenApi":
                return web.Response(status=op.status, headers={"Cache-Control": "no-store"})
            return web.json_response(
                result, status=op.status, dumps=dumps, headers={"Cache-Control": "no-store"}
            )

        handle.__name__ = op.id
        return handle

    # --- reading ----------------------------------------------------------------------------

    async def openapi(self, call: Call) -> JSON:
        return self.document

    async def me(self, call: Call) -> JSON:
        return worker_json(call.worker)

    async def queue(self, call: Call) -> JSON:
        view = await self.inbox.queue(call.worker)
        return {
            "waiting": [queued_json(q) for q in view.waiting],
            "mine": [summary_json(c) for c in view.mine],
            "team": [summary_json(c) for c in view.team],
            "low": [low_json(low) for low in view.low],
        }

    async def case(self, call: Call) -> JSON:
        return case_json(await self.inbox.case(call.worker, call.case_id))

    async def timeline(self, call: Call) -> JSON:
        items = await self.inbox.timeline_after(call.worker, call.case_id, call.after)
        return [item_json(i) for i in items]

    async def audit(self, call: Call) -> JSON:
        trail = await self.inbox.audit_trail(call.worker, call.case_id)
        return [{"at": at, "action": action, "worker": who} for at, action, who in trail]

    async def team(self, call: Call) -> JSON:
        return [
            {"worker": worker_json(w), "open_cases": load}
            for w, load in await self.inbox.team(call.worker)
        ]

    # --- acting -----------------------------------------------------------------------------

    async def claim(self, call: Call) -> JSON:
        await self.inbox.claim(call.worker, call.case_id)

    async def reply(self, call: Call) -> JSON:
        await self.inbox.reply(call.worker, call.case_id, call.body["text"], call.body.get("ref"))

    async def note(self, call: Call) -> JSON:
        await self.inbox.note(call.worker, call.case_id, call.body["text"])

    async def status(self, call: Call) -> JSON:
        body = call.body
        await self.inbox.set_status(call.worker, call.case_id, body["status"], body.get("outcome"))

    async def assign(self, call: Call) -> JSON:
        await self.inbox.assign(call.worker, call.case_id, int(call.body["worker_id"]))

    async def clear_signal(self, call: Call) -> JSON:
        body = call.body
        await self.inbox.clear_signal(
            call.worker, call.case_id, body["clear"], body.get("note") or ""
        )

    async def set_checkins(self, call: Call) -> JSON:
        body = call.body
        await self.inbox.set_checkins(
            call.worker, call.case_id, body["rhythm"], body.get("quiet_hours")
        )

    async def add_worker(self, call: Call) -> JSON:
        body = call.body
        new = await self.inbox.add_worker(
            call.worker,
            username=body["username"],
            first_name=body["first_name"],
            full_name=body.get("full_name", ""),
            password=body["password"],
            role=body.get("role", "worker"),
            capacity=int(body.get("capacity", 15)),
            languages=tuple(dict.fromkeys(body.get("languages", ["nl"]))),
            organisation=body.get("organisation", ""),
        )
        return worker_json(new)

    async def presence(self, call: Call) -> JSON:
        cover = call.body.get("cover_id")
        await self.inbox.set_presence(
            call.worker,
            call.ids["worker_id"],
            call.body["absent"],
            int(cover) if cover is not None else None,
        )

    async def tokens(self, call: Call) -> JSON:
        async with self.inbox.db.transaction() as session:
            return [token_json(t) for t in await workers.tokens_of(session, call.worker.id)]

    async def create_token(self, call: Call) -> JSON:
        """A new bearer token for the caller; only its hash is kept, so it is shown once.

        With two-step login on, a code from the app is needed now: a stolen session or token
        alone cannot make a new, longer-lived way in.
        """
        body = call.body
        minted = await mint_token(
            self.inbox,
            call.worker,
            name=body["name"],
            scope=body.get("scope", "write"),
            days=int(body.get("days", workers.TOKEN_DAYS)),
            code=body.get("code", ""),
            remote=remote_of(call.request),
        )
        token, made = minted
        return {"token": token, "id": made.id, "name": made.name, "scope": made.scope,
                "expires_at": made.expires_at, "worker_id": call.worker.id}  # fmt: skip

    async def revoke_token(self, call: Call) -> JSON:
        await revoke_token(self.inbox, call.worker, call.ids["token_id"])

    # --- appointments -----------------------------------------------------------------------

    async def case_appointments(self, call: Call) -> JSON:
        found = await case_appointments(self.appointments, call.worker, call.case_id, audit=True)
        return [appointment_json(item) for item in found.items]

    async def create_appointment(self, call: Call) -> JSON:
        body = call.body
        with_id = body.get("worker_id")
        new_id = await self.appointments.create(
            call.worker,
            call.case_id,
            day=local_date(body["date"], "date"),
            at=local_time(body["time"], "time"),
            minutes=int(body["minutes"]),
            place=body["place"],
            kind=body["kind"],
            note=body.get("note", ""),
            with_id=int(with_id) if with_id is not None else None,
        )
        return {"id": new_id}

    async def move_appointment(self, call: Call) -> JSON:
        await self.appointments.move(
            call.worker,
            call.appointment_id,
            day=local_date(call.body["date"], "date"),
            at=local_time(call.body["time"], "time"),
        )

    async def cancel_appointment(self, call: Call) -> JSON:
        await self.appointments.cancel(call.worker, call.appointment_id)

    async def mark_appointment(self, call: Call) -> JSON:
        await self.appointments.mark(call.worker, call.appointment_id, call.body["state"])

    async def follow_up(self, call: Call) -> JSON:
        await self.appointments.follow_up(call.worker, call.appointment_id)

    async def agenda(self, call: Call) -> JSON:
        day = call.day or self.inbox.clock().astimezone(self.inbox.translator.tz).date()
        return [appointment_json(item) for item in await self.appointments.day(call.worker, day)]


# --- API tokens (the account page makes and revokes them the same way) ----------------------


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


def token_json(t: workers.TokenView) -> JSON:
    return {
        "id": t.id,
        "name": t.name,
        "scope": t.scope,
        "created_at": t.created_at,
        "expires_at": t.expires_at,
        "last_used_at": t.last_used_at,
    }


# --- appointments of a case, with what the youth said ----------------------------------------


@dataclass(frozen=True)
class CaseAppointments:
    youth_name: str
    items: list[DayItem]
    unreachable: bool  # the youth blocked the bot: appointment messages do not arrive


async def case_appointments(
    appointments: Appointments, worker: WorkerView, case_id: int, *, audit: bool
) -> CaseAppointments:
    """A case's appointments, earliest first, with "te laat" and the youth's wish to move.

    `audit`: this read is the visit itself, so it goes in the audit trail; False where the
    visit is already logged (the case page, its timeline, the message after an action).
    (`Appointments.of_case` gives the views only; the inbox also shows the youth's answers.)
    """
    inbox = appointments.inbox
    async with inbox.db.transaction() as session:
        case = await inbox.own_case(session, worker, case_id)
        if audit:
            await casework.audit_view(
                session, worker.id, case.id, inbox.clock(), "view_appointments"
            )
        name = str((case.answers or {}).get("name") or "?")
        youth = await session.get(Youth, case.youth_id)
        unreachable = bool(youth is not None and youth.unreachable)
        names = {w.id: w.first_name for w in await appointments.team(session, worker)}
        items = [
            DayItem(view_of(a, names.get(a.worker_id, "?")), a.case_id, name, a.late, dict(a.wish))
            for a in await stored_appointments.of_case(session, case.id)
        ]
    return CaseAppointments(name, items, unreachable)


def local_date(raw: str, name: str) -> date:
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise Invalid(f"'{name}' is geen bestaande datum (JJJJ-MM-DD).") from None


def local_time(raw: str, name: str) -> time:
    try:
        return time.fromisoformat(raw)
    except ValueError:
        raise Invalid(f"'{name}' is geen geldig uur (UU:MM).") from None


# --- checking what comes in -----------------------------------------------------------------


def path_id(raw: str, name: str) -> int:
    """A positive id below 2^53; anything else cannot exist, so it is a 404 too."""
    value = int(raw) if ID.fullmatch(raw) else 0
    if not 1 <= value <= MAX_ID:
        raise problem(404, TITLES[404], NOT_FOUND.get(name, "Bestaat niet."))
    return value


def moment(raw: str, name: str) -> datetime:
    """An RFC 3339 date-time with an offset (a 'Z' or +01:00), as UTC."""
    try:
        if not RFC3339.fullmatch(raw):
            raise ValueError(raw)
        return datetime.fromisoformat(raw).astimezone(UTC)
    except (ValueError, OverflowError):
        raise problem(
            422, TITLES[422], f"'{name}' moet een tijdstip zijn zoals 2026-11-20T14:00:00Z."
        ) from None


def query_day(raw: str, name: str) -> date:
    """A local date from the query (YYYY-MM-DD)."""
    try:
        if len(raw) != 10:
            raise ValueError(raw)
        return date.fromisoformat(raw)
    except ValueError:
        raise problem(422, TITLES[422], f"'{name}' moet een datum zijn zoals 2026-11-20.") from None


def refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


async def json_body(request: web.Request, body: str) -> dict[str, Any]:
    """Read at most 64 KiB of JSON and check it against the body's schema."""
    if request.headers.get("Content-Type") and not is_json(request.content_type):
        raise problem(
            415, TITLES[415], "Stuur de gegevens als JSON (Content-Type: application/json)."
        )
    too_big = problem(413, TITLES[413], f"De body mag hooguit {MAX_BODY // 1024} KiB groot zijn.")
    if request.content_length is not None and request.content_length > MAX_BODY:
        raise too_big
    data = bytearray()
    while chunk := await request.content.read(MAX_BODY + 1 - len(data)):
        data += chunk
        if len(data) > MAX_BODY:
            raise too_big
    try:
        value = json.loads(data.decode("utf-8"), parse_constant=refuse_constant)
        json.dumps(value, ensure_ascii=False).encode("utf-8")  # a lone surrogate ("\ud800")
    except (ValueError, RecursionError):  # JSONDecodeError, bad UTF-8, NaN, too many digits
        raise problem(400, TITLES[400], "De body is geen geldige JSON.") from None
    reason = check(BODIES[body], value)
    if reason:
        raise problem(422, TITLES[422], reason)
    assert isinstance(value, dict)
    return value


def is_json(content_type: str) -> bool:
    return content_type == "application/json" or content_type.endswith("+json")


# --- what goes out --------------------------------------------------------------------------


def dumps(value: JSON) -> str:
    return json.dumps(value, default=encode, ensure_ascii=False)


def encode(value: object) -> JSON:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, tuple | set | frozenset):
        return list(value)
    raise TypeError(f"{type(value).__name__} is not JSON")


def worker_json(w: WorkerView) -> JSON:
    return {
        "id": w.id,
        "partnership_id": w.partnership_id,
        "username": w.username,
        "first_name": w.first_name,
        "full_name": w.full_name,
        "organisation": w.organisation,
        "role": w.role,
        "languages": list(w.languages),
        "municipalities": list(w.municipalities),
        "capacity": w.capacity,
        "absent": w.absent,
        "cover_id": w.cover_id,
        "telegram_linked": w.telegram_linked,
    }


def summary_json(c: CaseSummary) -> JSON:
    return {
        "id": c.id,
        "partnership_id": c.partnership_id,
        "status": c.status,
        "name": c.name,
        "age": c.age if isinstance(c.age, int) and not isinstance(c.age, bool) else None,
        "municipality": c.municipality,
        "language": c.language,
        "channel": c.channel,
        "needs": [str(n) for n in c.needs],
        "worker_id": c.worker_id,
        "worker_name": c.worker_name,
        "unread": c.unread,
        "urgent": c.urgent,
        "created_at": c.created_at,
        "last_youth_message_at": c.last_youth_message_at,
        "flag": c.flag,
        "paused_until": c.paused_until,
        "stopped": c.stopped,
        "unreachable": c.unreachable,
    }


def low_json(low: LowScore) -> JSON:
    return {"case": summary_json(low.case), "score": low.score, "answered_at": low.answered_at}


def checkins_json(view: CheckinsView | None) -> JSON:
    if view is None:
        return {"rhythm": None, "quiet_hours": None, "default_quiet_hours": "", "answers": []}
    return {
        "rhythm": view.rhythm if view.rhythm in RHYTHM_KEYS else None,
        "quiet_hours": view.quiet_hours,
        "default_quiet_hours": view.default_quiet_hours,
        "answers": [
            {
                "id": a.id,
                "sent_at": a.sent_at,
                "score": a.score,
                "note": a.note,
                "answered_at": a.answered_at,
            }
            for a in view.answers
        ],
    }


def queued_json(q: QueuedCase) -> JSON:
    return {
        "case": summary_json(q.case),
        "waiting_since": q.waiting_since,
        "promise": q.promise,
        "deadline": q.deadline,
    }


def item_json(i: TimelineItem) -> JSON:
    return {
        "kind": i.kind,
        "id": i.id,
        "at": i.at,
        "author": i.author,
        "text": i.text,
        "worker_name": i.worker_name,
        "delivery": i.delivery,
        "data": dict(i.data) if i.data is not None else None,
    }


def appointment_json(item: DayItem) -> JSON:
    a, wish = item.appointment, item.wish
    dayparts = wish.get("dayparts")
    return {
        "id": a.id,
        "case_id": item.case_id,
        "youth_name": item.youth_name,
        "starts_at": a.starts_at,
        "ends_at": a.ends_at,
        "minutes": a.minutes,
        "place": a.place,
        "kind": a.kind,
        "worker_name": a.worker_name,
        "note": a.note,
        "state": a.state,
        "late": item.late,
        "wish": {
            "dayparts": [str(d) for d in dayparts] if isinstance(dayparts, list) else [],
            "reason": str(wish.get("reason") or ""),
        }
        if wish
        else {},
        "version": a.version,
    }


def case_json(view: CaseView) -> JSON:
    return {
        "case": summary_json(view.case),
        "answers": view.answers,
        "timeline": [item_json(i) for i in view.timeline],
        "colleagues": [worker_json(w) for w in view.colleagues],
        "suggestions": [
            {"worker_id": s.worker_id, "score": float(s.score), "reasons": list(s.reasons)}
            for s in view.suggestions
        ],
        "quick_replies": list(view.quick_replies),
        "answering": worker_json(view.answering) if view.answering else None,
        "promise": view.promise,
        "checkins": checkins_json(view.checkins),
    }


# --- errors aiohttp makes itself -------------------------------------------------------------


def problem_response(
    status: int, detail: str, headers: dict[str, str] | None = None
) -> web.Response:
    body = {
        "type": "about:blank",
        "title": TITLES.get(status, "Fout"),
        "status": status,
        "detail": detail,
    }
    return web.Response(
        status=status, text=json.dumps(body), content_type=PROBLEM_JSON, headers=headers
    )


def problems_middleware() -> Any:
    """Under /api/: unknown paths, wrong methods and crashes answer problem+json too.

    Put it first in the app's middlewares (outside the auth middleware).
    """

    @web.middleware
    async def problems(request: web.Request, handler: Handler) -> web.StreamResponse:
        if not request.path.startswith("/api/"):
            return await handler(request)
        try:
            return await handler(request)
        except web.HTTPException as exc:
            if exc.status < 400 or exc.content_type == PROBLEM_JSON:
                raise
            headers = {"Allow": exc.headers["Allow"]} if "Allow" in exc.headers else None
            details = {
                404: "Dit adres bestaat niet in de API; zie /api/openapi.json.",
                405: "Deze methode kan hier niet; zie /api/openapi.json.",
                413: f"De body mag hooguit {MAX_BODY // 1024} KiB groot zijn.",
            }
            return problem_response(exc.status, details.get(exc.status, exc.reason), headers)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("API error on %s %s", request.method, request.path)
            return problem_response(500, "Er ging iets mis aan onze kant. Probeer het zo opnieuw.")

    return problems
