"""The JSON API under /api/: every inbox action, through the same `Inbox` service as the pages.

Routes come from the operation table in `inbox.openapi`. Path ids, queries and bodies are read
with the models of `inbox.schemas` and every answer is written with them, so what the document
says, what the server accepts and what it sends are one thing. Every error is
`application/problem+json` (add `problems_middleware()` to the app for the errors aiohttp makes
itself: unknown paths, wrong methods, crashes).
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from types import GenericAlias
from typing import Any, TypeVar

from aiohttp import web
from pydantic import TypeAdapter, ValidationError

from inbox.appointments import Appointments
from inbox.appointments import case_appointments as case_appointments  # the pages import it here
from inbox.auth import Handler, remote_of, require_worker
from inbox.errors import Conflict, Forbidden, InboxError, Invalid, NotFound
from inbox.openapi import MAX_BODY, OPERATIONS, PROBLEM_JSON, TITLES, Operation, Param, document
from inbox.problems import problem
from inbox.reporting import NOT_READY, ReportSource
from inbox.schemas.appointments import (
    Appointment,
    MarkAppointment,
    MoveAppointment,
    NewAppointment,
    NewId,
)
from inbox.schemas.base import Request, schema_of
from inbox.schemas.cases import (
    Assign,
    AuditEntry,
    Case,
    ClearSignal,
    Note,
    Queue,
    Reply,
    SetCheckins,
    Status,
    TimelineItem,
)
from inbox.schemas.messages import explain
from inbox.schemas.meta import Problem
from inbox.schemas.profiles import Profile, ProfileChange
from inbox.schemas.reports import ParticipantPage, Report
from inbox.schemas.team import (
    NewToken,
    NewTokenRequest,
    NewWorker,
    Presence,
    TeamMember,
    Token,
    Worker,
)
from inbox.service import Inbox
from inbox.service.queue import api_ask, api_cursor
from inbox.tokens import mint_token as mint_token  # the account page imports these two here
from inbox.tokens import revoke_token as revoke_token
from storage import workers
from storage.timeline import PAGE
from storage.workers import WorkerView

log = logging.getLogger(__name__)

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
NO_STORE = {"Cache-Control": "no-store"}
Body = TypeVar("Body", bound=Request)


@dataclass
class Call:
    """One checked request: who asks, the path ids, the query and the body (its model)."""

    request: web.Request
    viewer: WorkerView | None
    ids: dict[str, int] = field(default_factory=dict)
    query: dict[str, object] = field(default_factory=dict)
    body: Request | None = None
    headers: dict[str, str] = field(default_factory=lambda: dict(NO_STORE))  # of the answer

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

    @property
    def day(self) -> date | None:
        return day if isinstance(day := self.query.get("day"), date) else None

    def read(self, model: type[Body]) -> Body:
        """The body, as the model the operation reads it with."""
        if not isinstance(self.body, model):
            raise AssertionError(f"{model.__name__} is not this operation's body")
        return self.body


Action = Callable[[Call], Awaitable[object]]


class InboxApi:
    """The handlers; `routes()` gives one route per operation of the table."""

    def __init__(self, inbox: Inbox, reports: ReportSource | None = None) -> None:
        self.inbox = inbox
        self.appointments = Appointments(inbox)
        self.reports = reports  # inbox.report_api.ReportApi, given by the composition root
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
            "getProfile": self.profile,
            "setProfile": self.set_profile,
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
            "getReport": self.report,
            "getReportParticipants": self.report_participants,
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
        write = writer(op)

        async def handle(request: web.Request) -> web.StreamResponse:
            call = Call(request, None if op.public else require_worker(request))
            for param in op.params:
                if param.where == "path":
                    call.ids[param.name] = read_param(param, request.match_info[param.name])
                elif param.name in request.query:
                    call.query[param.name] = read_param(param, request.query[param.name])
            if op.body is not None:
                call.body = await read_body(request, op.body)
            try:
                result = await action(call)
            except InboxError as exc:
                status = STATUS_OF.get(type(exc), 422)
                raise problem(status, TITLES[status], str(exc)) from None
            if write is None:
                return web.Response(status=op.status, headers=call.headers)
            return web.Response(
                body=write(result),
                status=op.status,
                content_type="application/json",
                charset="utf-8",
                headers=call.headers,
            )

        handle.__name__ = op.id
        return handle

    # --- reading ----------------------------------------------------------------------------

    async def openapi(self, call: Call) -> dict[str, Any]:
        return self.document

    async def me(self, call: Call) -> Worker:
        return Worker.model_validate(call.worker)

    async def queue(self, call: Call) -> Queue:
        view = await self.inbox.queue(call.worker, api_ask(call.query, call.worker.is_coordinator))
        return Queue.model_validate(view).model_copy(update={"next": api_cursor(view.cursors)})

    async def case(self, call: Call) -> Case:
        return Case.model_validate(await self.inbox.case(call.worker, call.case_id))

    async def timeline(self, call: Call) -> list[TimelineItem]:
        after, before, asked = (call.query.get(k) for k in ("after", "before", "limit"))
        assert isinstance(after, datetime | None) and isinstance(before, str | None)
        limit = asked if isinstance(asked, int) else PAGE
        shown = await self.inbox.timeline_read(call.worker, call.case_id, after, before, limit)
        if shown.older is not None:
            url = call.request.url.with_query(before=str(shown.older), limit=limit)
            call.headers["Link"] = f'<{url.path_qs}>; rel="next"'
        return [TimelineItem.model_validate(i) for i in shown.items]

    async def audit(self, call: Call) -> list[AuditEntry]:
        trail = await self.inbox.audit_trail(call.worker, call.case_id)
        return [AuditEntry(at=at, action=action, worker=who) for at, action, who in trail]

    async def team(self, call: Call) -> list[TeamMember]:
        return [
            TeamMember(worker=Worker.model_validate(w), open_cases=load)
            for w, load in await self.inbox.team(call.worker)
        ]

    async def report(self, call: Call) -> Report:
        if self.reports is None:
            raise NotFound(NOT_READY)
        return await self.reports.report(call.worker, call.query)

    async def report_participants(self, call: Call) -> ParticipantPage:
        if self.reports is None:
            raise NotFound(NOT_READY)
        return await self.reports.participants(call.worker, call.query)

    # --- acting -----------------------------------------------------------------------------

    async def claim(self, call: Call) -> None:
        await self.inbox.claim(call.worker, call.case_id)

    async def reply(self, call: Call) -> None:
        body = call.read(Reply)
        await self.inbox.reply(call.worker, call.case_id, body.text, body.ref)

    async def note(self, call: Call) -> None:
        await self.inbox.note(call.worker, call.case_id, call.read(Note).text)

    async def status(self, call: Call) -> None:
        body = call.read(Status)
        await self.inbox.set_status(call.worker, call.case_id, body.status, body.outcome)

    async def assign(self, call: Call) -> None:
        await self.inbox.assign(call.worker, call.case_id, call.read(Assign).worker_id)

    async def clear_signal(self, call: Call) -> None:
        body = call.read(ClearSignal)
        await self.inbox.clear_signal(call.worker, call.case_id, body.clear, body.note)

    async def set_checkins(self, call: Call) -> None:
        body = call.read(SetCheckins)
        await self.inbox.set_checkins(call.worker, call.case_id, body.rhythm, body.quiet_hours)

    async def profile(self, call: Call) -> Profile:
        return Profile.of(await self.inbox.case_profile(call.worker, call.case_id, audit=True))

    async def set_profile(self, call: Call) -> Profile:
        changes = call.read(ProfileChange).changes()
        return Profile.of(await self.inbox.set_profile(call.worker, call.case_id, changes))

    async def add_worker(self, call: Call) -> Worker:
        body = call.read(NewWorker)
        new = await self.inbox.add_worker(
            call.worker,
            username=body.username,
            first_name=body.first_name,
            full_name=body.full_name,
            password=body.password,
            role=body.role,
            capacity=body.capacity,
            languages=tuple(dict.fromkeys(body.languages)),
            organisation=body.organisation,
        )
        return Worker.model_validate(new)

    async def presence(self, call: Call) -> None:
        body = call.read(Presence)
        await self.inbox.set_presence(
            call.worker, call.ids["worker_id"], body.absent, body.cover_id
        )

    async def tokens(self, call: Call) -> list[Token]:
        async with self.inbox.db.transaction() as session:
            found = await workers.tokens_of(session, call.worker.id)
        return [Token.model_validate(t) for t in found]

    async def create_token(self, call: Call) -> NewToken:
        """A new bearer token for the caller; only its hash is kept, so it is shown once.

        With two-step login on, a code from the app is needed now: a stolen session or token
        alone cannot make a new, longer-lived way in.
        """
        body = call.read(NewTokenRequest)
        token, made = await mint_token(
            self.inbox,
            call.worker,
            name=body.name,
            scope=body.scope,
            days=body.days,
            code=body.code,
            remote=remote_of(call.request),
        )
        return NewToken(
            token=token,
            id=made.id,
            name=made.name,
            scope=made.scope,
            expires_at=made.expires_at,
            worker_id=call.worker.id,
        )

    async def revoke_token(self, call: Call) -> None:
        await revoke_token(self.inbox, call.worker, call.ids["token_id"])

    # --- appointments -----------------------------------------------------------------------

    async def case_appointments(self, call: Call) -> list[Appointment]:
        found = await case_appointments(self.appointments, call.worker, call.case_id, audit=True)
        return [Appointment.of(item) for item in found.items]

    async def create_appointment(self, call: Call) -> NewId:
        body = call.read(NewAppointment)
        new_id = await self.appointments.create(
            call.worker,
            call.case_id,
            day=local_date(body.date, "date"),
            at=local_time(body.time, "time"),
            minutes=body.minutes,
            place=body.place,
            kind=body.kind,
            note=body.note,
            with_id=body.worker_id,
        )
        return NewId(id=new_id)

    async def move_appointment(self, call: Call) -> None:
        body = call.read(MoveAppointment)
        await self.appointments.move(
            call.worker,
            call.appointment_id,
            day=local_date(body.date, "date"),
            at=local_time(body.time, "time"),
        )

    async def cancel_appointment(self, call: Call) -> None:
        await self.appointments.cancel(call.worker, call.appointment_id)

    async def mark_appointment(self, call: Call) -> None:
        await self.appointments.mark(
            call.worker, call.appointment_id, call.read(MarkAppointment).state
        )

    async def follow_up(self, call: Call) -> None:
        await self.appointments.follow_up(call.worker, call.appointment_id)

    async def agenda(self, call: Call) -> list[Appointment]:
        day = call.day or self.inbox.clock().astimezone(self.inbox.translator.tz).date()
        return [Appointment.of(item) for item in await self.appointments.day(call.worker, day)]


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


# --- what comes in and what goes out ----------------------------------------------------------


def read_param(param: Param, raw: str) -> Any:
    """A path id (anything but an id of 1 to MAX_ID cannot exist: a 404) or a query value."""
    try:
        return param.adapter.validate_python(raw)
    except ValidationError as exc:
        if param.where == "path":
            raise problem(404, TITLES[404], NOT_FOUND.get(param.name, "Bestaat niet.")) from None
        raise problem(422, TITLES[422], explain(exc, param.schema(), param.name)) from None


def refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


async def read_body(request: web.Request, model: type[Body]) -> Body:
    """Read at most 64 KiB of JSON as the operation's model."""
    kind = request.content_type
    if request.headers.get("Content-Type") and not (
        kind == "application/json" or kind.endswith("+json")
    ):
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
    try:
        return model.model_validate(value)
    except ValidationError as exc:
        raise problem(422, TITLES[422], explain(exc, schema_of(model))) from None


def writer(op: Operation) -> Callable[[Any], bytes] | None:
    """How the operation's answer becomes JSON: its model's serialiser (None: no content)."""
    if op.id == "getOpenApi":
        return lambda doc: json.dumps(doc, ensure_ascii=False).encode("utf-8")
    if op.response is None:
        return None
    shape: Any = GenericAlias(list, (op.response,)) if op.array else op.response  # list[…]
    adapter: TypeAdapter[Any] = TypeAdapter(shape)
    return adapter.dump_json


# --- errors aiohttp makes itself -------------------------------------------------------------


def problem_response(
    status: int, detail: str, headers: dict[str, str] | None = None
) -> web.Response:
    body = Problem(title=TITLES.get(status, "Fout"), status=status, detail=detail)
    return web.Response(
        status=status, text=body.model_dump_json(), content_type=PROBLEM_JSON, headers=headers
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
