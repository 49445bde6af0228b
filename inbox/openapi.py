"""The JSON API described once: a table of operations whose parameters, bodies and answers are
the models of `inbox.schemas`. The OpenAPI document is generated from the table and the models;
`inbox.api` validates and writes JSON with the same models, so the two cannot drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import TypeAdapter
from pydantic.json_schema import models_json_schema

from inbox.schemas.appointments import (
    Appointment,
    Day,
    MarkAppointment,
    MoveAppointment,
    NewAppointment,
    NewId,
)
from inbox.schemas.base import REF, Generator, PathId, Request, Response
from inbox.schemas.cases import (
    Assign,
    AuditEntry,
    Case,
    Channel,
    ClearSignal,
    Cursor,
    Language,
    Limit,
    Note,
    Queue,
    QueueFlag,
    QueuePromise,
    QueueStatus,
    Reply,
    SearchText,
    SetCheckins,
    Since,
    Status,
    TimelineCursor,
    TimelineItem,
    TimelineLimit,
)
from inbox.schemas.meta import Problem
from inbox.schemas.profiles import Profile, ProfileChange
from inbox.schemas.reports import Page, ParticipantPage, QueryText, Report
from inbox.schemas.team import (
    NewToken,
    NewTokenRequest,
    NewWorker,
    Presence,
    TeamMember,
    Token,
    Worker,
)

MAX_BODY = 64 * 1024
PROBLEM_JSON = "application/problem+json"

# --- the operations ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Param:
    """A path id or query parameter: `type` is what pydantic reads the raw string as."""

    name: str
    where: Literal["path", "query"]
    type: Any
    description: str
    required: bool = True
    adapter: TypeAdapter[Any] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "adapter", TypeAdapter(self.type))

    def schema(self) -> dict[str, Any]:
        return self.adapter.json_schema(schema_generator=Generator)


CASE_ID = Param("case_id", "path", PathId, "A case of your partnership.")
WORKER_ID = Param("worker_id", "path", PathId, "A worker of your partnership.")
APPOINTMENT_ID = Param("appointment_id", "path", PathId, "An appointment of your partnership.")
TOKEN_ID = Param("token_id", "path", PathId, "One of your own API tokens.")
DAY = Param(
    "day", "query", Day, "A local date (YYYY-MM-DD, Europe/Brussels); today when left out.", False
)
AFTER = Param(
    "after",
    "query",
    Since,
    "Every item after this moment, oldest first (the live refresh); not with `before`.",
    False,
)
BEFORE = Param(
    "before",
    "query",
    TimelineCursor,
    "The page before this cursor: pass what the `Link` header of the page after it gave.",
    False,
)
LIMIT = Param("limit", "query", TimelineLimit, "Items a page (default 50).", False)
OLDER_LINK = (
    "Link",
    'Where the older items are: `</api/cases/1/timeline?before=…&limit=50>; rel="next"`; '
    "absent when this page starts the timeline (and with `after`).",
)
PAGE = Param("page", "query", Page, "The page, from 1 (see next_page).", False)
QUEUE_PARAMS = (
    Param("cursor", "query", Cursor, "The next page: the `next` of the previous answer.", False),
    Param("limit", "query", Limit, "Cases per list and page (default 25).", False),
    Param("status", "query", QueueStatus, "Only cases with this status.", False),
    Param(
        "flag", "query", QueueFlag,
        "Only urgent cases (dringend) or those with this flag.", False,
    ),
    Param("worker", "query", PathId, "Coordinators: only this worker's cases.", False),
    Param("municipality", "query", QueryText, "Only youths of this municipality.", False),
    Param("need", "query", QueryText, "Only youths who asked help with this (work, …).", False),
    Param(
        "promise", "query", QueuePromise,
        "Only waiting cases past (late) or at the end of (almost_late) the promise.", False,
    ),
    Param("channel", "query", Channel, "Only youths on this chat app.", False),
    Param("language", "query", Language, "Only youths who chose this language.", False),
    Param("q", "query", SearchText, "A first name (or part of it), or a case number: #42.", False),
)  # fmt: skip
REPORT_PARAMS = (
    Param("period", "query", QueryText, "month (default), quarter, year or custom.", False),
    Param("month", "query", QueryText, "With period=month: 2026-11 (default: this month).", False),
    Param("quarter", "query", QueryText, "With period=quarter: 2026-Q3.", False),
    Param("year", "query", QueryText, "With period=year: 2026.", False),
    Param("start", "query", QueryText, "With period=custom: the first day, 2026-03-01.", False),
    Param("end", "query", QueryText, "With period=custom: the last day, 2026-04-15.", False),
    Param(
        "partnership", "query", QueryText,
        "Admins: a partnership's id, or all (left out: their own). Coordinators: their own.",
        False,
    ),
)  # fmt: skip


@dataclass(frozen=True)
class Operation:
    id: str  # the operationId; also the handler's key
    method: Literal["GET", "POST", "PUT", "DELETE"]
    path: str
    summary: str
    tag: str
    params: tuple[Param, ...] = ()
    body: type[Request] | None = None
    status: int = 200
    response: type[Response] | None = None  # None: no content
    array: bool = False  # the response is a list of `response`
    errors: tuple[int, ...] = ()  # besides those every operation of its kind can give
    public: bool = False
    headers: tuple[tuple[str, str], ...] = ()  # response headers: (name, description)

    @property
    def statuses(self) -> tuple[int, ...]:
        """Every error status this operation can answer."""
        found = set(self.errors)
        if not self.public:
            found.add(401)
        if self.method != "GET" and not self.public:
            found.add(403)  # a session without the CSRF header, or a read-only token
        if self.params:
            found.add(404 if any(p.where == "path" for p in self.params) else 422)
        if any(p.where == "query" for p in self.params):
            found.add(422)
        if self.body is not None:
            found.update((400, 413, 415, 422))
        return tuple(sorted(found))


OPERATIONS: tuple[Operation, ...] = (
    Operation("getOpenApi", "GET", "/api/openapi.json", "This document", "meta", public=True),
    Operation("getMe", "GET", "/api/me", "Who am I", "team", response=Worker),
    Operation("getQueue", "GET", "/api/queue", "Waiting (with the promise state), mine, and the team's, a page of each", "cases", QUEUE_PARAMS, response=Queue),
    Operation("getCase", "GET", "/api/cases/{case_id}", "A case: summary, intake answers and timeline", "cases", (CASE_ID,), response=Case),
    Operation("getTimeline", "GET", "/api/cases/{case_id}/timeline", "The newest timeline items (a page, oldest first), an older page (`before`) or what came after a moment (`after`)", "cases", (CASE_ID, AFTER, BEFORE, LIMIT), response=TimelineItem, array=True, headers=(OLDER_LINK,)),
    Operation("claimCase", "POST", "/api/cases/{case_id}/claim", "Take a waiting case (one of two at once wins; the other gets 409)", "cases", (CASE_ID,), status=204, errors=(409,)),
    Operation("replyToCase", "POST", "/api/cases/{case_id}/reply", "Send a message to the youth", "cases", (CASE_ID,), body=Reply, status=204, errors=(409,)),
    Operation("addNote", "POST", "/api/cases/{case_id}/notes", "Add a private note", "cases", (CASE_ID,), body=Note, status=204),
    Operation("setStatus", "POST", "/api/cases/{case_id}/status", "Change the status (closing needs an outcome)", "cases", (CASE_ID,), body=Status, status=204),
    Operation("assignCase", "POST", "/api/cases/{case_id}/assign", "Give the case to a colleague (the youth hears who takes over)", "cases", (CASE_ID,), body=Assign, status=204, errors=(409,)),
    Operation("clearSignal", "POST", "/api/cases/{case_id}/signals", "Clear 'dringend' (followed up) or the flag (seen)", "cases", (CASE_ID,), body=ClearSignal, status=204),
    Operation("setCheckins", "POST", "/api/cases/{case_id}/checkins", "Set the youth's check-in rhythm and quiet hours (the next check-in is planned again)", "cases", (CASE_ID,), body=SetCheckins, status=204, errors=(409,)),
    Operation("getProfile", "GET", "/api/cases/{case_id}/profile", "The case's profile for the ESF+ report (audited)", "cases", (CASE_ID,), response=Profile),
    Operation("setProfile", "PUT", "/api/cases/{case_id}/profile", "Change some fields of the case's profile for the report (the others stay)", "cases", (CASE_ID,), body=ProfileChange, response=Profile, errors=(409,)),
    Operation("getAudit", "GET", "/api/cases/{case_id}/audit", "Who looked at or changed the case (coordinators)", "cases", (CASE_ID,), response=AuditEntry, array=True, errors=(403,)),
    Operation("getTeam", "GET", "/api/team", "The partnership's workers and their open cases", "team", response=TeamMember, array=True),
    Operation("addWorker", "POST", "/api/team", "Add a worker (coordinators)", "team", body=NewWorker, status=201, response=Worker),
    Operation("setPresence", "POST", "/api/team/{worker_id}/presence", "Mark a worker absent (with a cover) or back", "team", (WORKER_ID,), body=Presence, status=204),
    Operation("getTokens", "GET", "/api/tokens", "Your API tokens (names, scopes, expiry, last use; never the tokens)", "team", response=Token, array=True),
    Operation("createToken", "POST", "/api/tokens", "Create a bearer token for yourself (shown once; with two-step login on, needs a code)", "team", body=NewTokenRequest, status=201, response=NewToken),
    Operation("revokeToken", "DELETE", "/api/tokens/{token_id}", "Revoke one of your tokens: it stops working at once", "team", (TOKEN_ID,), status=204),
    Operation("getAppointments", "GET", "/api/cases/{case_id}/appointments", "A case's appointments, earliest first", "appointments", (CASE_ID,), response=Appointment, array=True),
    Operation("createAppointment", "POST", "/api/cases/{case_id}/appointments", "Plan an appointment (the youth gets it at once, with buttons)", "appointments", (CASE_ID,), body=NewAppointment, status=201, response=NewId, errors=(409,)),
    Operation("moveAppointment", "POST", "/api/appointments/{appointment_id}/move", "Move an appointment (reminders follow; the youth is told)", "appointments", (APPOINTMENT_ID,), body=MoveAppointment, status=204, errors=(409,)),
    Operation("cancelAppointment", "POST", "/api/appointments/{appointment_id}/cancel", "Cancel an appointment (the youth is told)", "appointments", (APPOINTMENT_ID,), status=204, errors=(409,)),
    Operation("markAppointment", "POST", "/api/appointments/{appointment_id}/mark", "After the start: held (done) or missed (no_show)", "appointments", (APPOINTMENT_ID,), body=MarkAppointment, status=204, errors=(409,)),
    Operation("followUpAppointment", "POST", "/api/appointments/{appointment_id}/follow-up", "After a missed appointment: send the youth a gentle message to find a new moment", "appointments", (APPOINTMENT_ID,), status=204, errors=(409,)),
    Operation("getAgenda", "GET", "/api/agenda", "My appointments on one local day", "appointments", (DAY,), response=Appointment, array=True),
    Operation("getReport", "GET", "/api/report", "The coordinator's report of a period, table by table (coordinators and admins; audited)", "reports", REPORT_PARAMS, response=Report, errors=(403, 404)),
    Operation("getReportParticipants", "GET", "/api/report/participants", "The period's participants, anonymous, 1000 a page (coordinators and admins; audited)", "reports", (*REPORT_PARAMS, PAGE), response=ParticipantPage, errors=(403, 404)),
)  # fmt: skip

BY_ID = {op.id: op for op in OPERATIONS}

TITLES = {
    400: "Ongeldige JSON",
    401: "Niet aangemeld",
    403: "Niet toegestaan",
    404: "Niet gevonden",
    405: "Methode niet toegestaan",
    409: "Conflict",
    413: "Te groot",
    415: "Verkeerd formaat",
    422: "Ongeldige invoer",
    500: "Serverfout",
}
DESCRIPTIONS = {
    400: "The body is not JSON.",
    401: "No valid session or bearer token.",
    403: (
        "Not allowed for your role, a session request without the right X-CSRF-Token header, "
        "a read-only token on POST, PUT or DELETE, or a missing or wrong code from your app."
    ),
    404: (
        "No such case, appointment or worker in your partnership "
        "(another partnership's look the same)."
    ),
    409: "Someone else was first, the case is closed, or the appointment's state does not allow it.",
    413: "The body is larger than 64 KiB.",
    415: "The body is not application/json.",
    422: (
        "A field is missing, unknown, of the wrong type or out of range, or (reports) the period "
        "does not exist or lies in the future; `detail` says which."
    ),
}


# --- the document -----------------------------------------------------------------------------


def document() -> dict[str, Any]:
    """The OpenAPI 3.1 document of every operation."""
    paths: dict[str, dict[str, Any]] = {}
    for op in OPERATIONS:
        paths.setdefault(op.path, {})[op.method.lower()] = operation_object(op)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Instap inbox API",
            "version": "1.0.0",
            "description": (
                "Every action of the worker inbox. Authenticate with a bearer token "
                "(`POST /api/tokens`) or with the inbox session cookie plus the `X-CSRF-Token` "
                "header on POST, PUT and DELETE. A token has a name, a scope (`read`: GET only, `write`: "
                "everything), an expiry (90 days unless chosen) and can be revoked. A worker only ever sees their own partnership: a case, appointment "
                "or worker of another partnership answers 404, exactly as a missing one. Errors "
                "are `application/problem+json`; times are ISO 8601 in UTC, except the local "
                "`date` and `time` (Europe/Brussels) with which an appointment is planned."
            ),
        },
        "servers": [{"url": "/"}],
        "tags": [
            {"name": "cases", "description": "The queue and the conversation with a youth."},
            {"name": "appointments", "description": "Appointments with a youth, and my day."},
            {"name": "team", "description": "Workers, presence and tokens."},
            {"name": "reports", "description": "The coordinator's figures of a period."},
            {"name": "meta", "description": "About the API itself."},
        ],
        "paths": paths,
        "components": {
            "schemas": component_schemas(),
            "securitySchemes": {
                "bearer": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "A token made with `POST /api/tokens` (or in the inbox).",
                },
                "session": {
                    "type": "apiKey",
                    "in": "cookie",
                    "name": "instap_session",
                    "description": "The inbox login cookie.",
                },
                "csrf": {
                    "type": "apiKey",
                    "in": "header",
                    "name": "X-CSRF-Token",
                    "description": "Required with the session cookie on POST, PUT and DELETE.",
                },
            },
            "responses": {
                str(status): {
                    "description": text,
                    "content": {PROBLEM_JSON: {"schema": ref("Problem")}},
                }
                for status, text in DESCRIPTIONS.items()
            },
        },
    }


def operation_object(op: Operation) -> dict[str, Any]:
    result: dict[str, Any] = {"operationId": op.id, "summary": op.summary, "tags": [op.tag]}
    if op.public:
        result["security"] = []
    elif op.method != "GET":
        result["security"] = [{"bearer": []}, {"session": [], "csrf": []}]
    else:
        result["security"] = [{"bearer": []}, {"session": []}]
    if op.params:
        result["parameters"] = [
            {
                "name": p.name,
                "in": p.where,
                "required": p.required,
                "description": p.description,
                "schema": p.schema(),
            }
            for p in op.params
        ]
    if op.body is not None:
        result["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": ref(op.body.__name__)}},
        }
    responses: dict[str, Any] = {}
    if op.id == "getOpenApi":
        responses["200"] = {
            "description": "The OpenAPI document.",
            "content": {"application/json": {"schema": {"type": "object"}}},
        }
    elif op.response is None:
        responses[str(op.status)] = {"description": "Done."}
    else:
        one = ref(op.response.__name__)
        schema = {"type": "array", "items": one} if op.array else one
        responses[str(op.status)] = {
            "description": "OK." if op.status == 200 else "Created.",
            "content": {"application/json": {"schema": schema}},
        }
        if op.headers:
            responses[str(op.status)]["headers"] = {
                name: {"description": text, "schema": {"type": "string"}}
                for name, text in op.headers
            }
    for status in op.statuses:
        responses[str(status)] = {"$ref": f"#/components/responses/{status}"}
    result["responses"] = responses
    return result


def ref(name: str) -> dict[str, Any]:
    return {"$ref": REF.format(model=name)}


def component_schemas() -> dict[str, Any]:
    """Every model the operations read or write (and what they refer to), by class name."""
    models: dict[type[Request | Response], Literal["validation", "serialization"]] = {
        Problem: "serialization"
    }
    for op in OPERATIONS:
        if op.body is not None:
            models[op.body] = "validation"
        if op.response is not None:
            models[op.response] = "serialization"
    _, found = models_json_schema(
        list(models.items()), ref_template=REF, schema_generator=Generator
    )
    return dict(sorted(found["$defs"].items()))
