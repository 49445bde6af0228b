"""The JSON API described once: a table of operations that both makes the OpenAPI document
and checks what comes in, so the document and the checks cannot drift apart.

Request bodies use a small subset of JSON Schema (type, enum, required, properties,
additionalProperties false, minLength/maxLength/pattern, minimum/maximum, items,
minItems/maxItems); `check` implements exactly that subset and `unsupported` finds any
keyword outside it, which a test keeps at none.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Literal

from flows.appointments import KINDS, MINUTES_MAX, NOTE_MAX, PLACE_MAX, STATES
from flows.checkins import RHYTHMS
from storage.casework import FLAGS, OUTCOMES, STATUSES
from storage.workers import MAX_TOKEN_DAYS, TOKEN_DAYS, TOKEN_SCOPES

Schema = dict[str, Any]

MAX_ID = 2**53 - 1  # ids stay exact in every JSON client (JavaScript numbers)
MAX_BODY = 64 * 1024
PROBLEM_JSON = "application/problem+json"


NO_NUL = r"^[^\u0000]*$"  # PostgreSQL text cannot hold a NUL character

# --- schema builders --------------------------------------------------------------------------


def string(
    max_length: int,
    min_length: int = 0,
    *,
    pattern: str | None = None,
    enum: tuple[str, ...] | None = None,
    nullable: bool = False,
    description: str = "",
) -> Schema:
    schema: Schema = {"type": ["string", "null"] if nullable else "string"}
    if enum is not None:
        schema["enum"] = [*enum, None] if nullable else list(enum)
    else:
        schema["maxLength"] = max_length
        if min_length:
            schema["minLength"] = min_length
        schema["pattern"] = pattern or NO_NUL
    if description:
        schema["description"] = description
    return schema


def integer(
    minimum: int = 1, maximum: int = MAX_ID, *, nullable: bool = False, description: str = ""
) -> Schema:
    schema: Schema = {
        "type": ["integer", "null"] if nullable else "integer",
        "minimum": minimum,
        "maximum": maximum,
    }
    if description:
        schema["description"] = description
    return schema


def obj(properties: dict[str, Schema], required: tuple[str, ...] | None = None) -> Schema:
    """An object with exactly these properties; all required unless told otherwise."""
    return {
        "type": "object",
        "properties": properties,
        "required": list(properties if required is None else required),
        "additionalProperties": False,
    }


def array(items: Schema, max_items: int | None = None) -> Schema:
    schema: Schema = {"type": "array", "items": items}
    if max_items is not None:
        schema["maxItems"] = max_items
    return schema


def ref(name: str) -> Schema:
    return {"$ref": f"#/components/schemas/{name}"}


def nullable_ref(name: str) -> Schema:
    return {"oneOf": [ref(name), {"type": "null"}]}


DATE_TIME: Schema = {"type": "string", "format": "date-time"}
NULLABLE_DATE_TIME: Schema = {"type": ["string", "null"], "format": "date-time"}
TEXT: Schema = {"type": "string"}
STRINGS: Schema = array(TEXT)
PROMISES = ("on_time", "almost_late", "late", "urgent_hour", "urgent_late")
DATE_PATTERN = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
TIME_PATTERN = r"^([01][0-9]|2[0-3]):[0-5][0-9]$"
KIND_KEYS = tuple(key for key, _ in KINDS)
MARKS = ("done", "no_show")
RHYTHM_KEYS = tuple(key for key, _ in RHYTHMS)
SIGNALS = ("urgent", "flag")

# --- what the API answers ----------------------------------------------------------------------

COMPONENTS: dict[str, Schema] = {
    "Problem": {
        "type": "object",
        "description": "RFC 9457 problem details; `detail` says in Dutch what to do.",
        "properties": {
            "type": TEXT,
            "title": TEXT,
            "status": {"type": "integer"},
            "detail": TEXT,
        },
        "required": ["type", "title", "status", "detail"],
    },
    "Worker": obj(
        {
            "id": {"type": "integer"},
            "partnership_id": TEXT,
            "username": TEXT,
            "first_name": TEXT,
            "full_name": TEXT,
            "organisation": TEXT,
            "role": {"type": "string", "enum": ["worker", "coordinator", "admin"]},
            "languages": STRINGS,
            "municipalities": STRINGS,
            "capacity": {"type": "integer"},
            "absent": {"type": "boolean"},
            "cover_id": {"type": ["integer", "null"]},
            "telegram_linked": {"type": "boolean"},
        }
    ),
    "CaseSummary": obj(
        {
            "id": {"type": "integer"},
            "partnership_id": TEXT,
            "status": {"type": "string", "enum": list(STATUSES)},
            "name": TEXT,
            "age": {"type": ["integer", "null"]},
            "municipality": TEXT,
            "language": TEXT,
            "channel": TEXT,
            "needs": STRINGS,
            "worker_id": {"type": ["integer", "null"]},
            "worker_name": TEXT,
            "unread": {"type": "integer"},
            "urgent": {"type": "boolean"},
            "created_at": DATE_TIME,
            "last_youth_message_at": NULLABLE_DATE_TIME,
            "flag": {
                "type": ["string", "null"],
                "enum": [*FLAGS, None],
                "description": "aandacht: a low check-in; uit_beeld: no word for a long time; "
                "terug: the youth wrote again after the case was closed (it reopened).",
            },
            "paused_until": {
                **NULLABLE_DATE_TIME,
                "description": "The youth paused automated messages until then (may be past).",
            },
            "stopped": {"type": "boolean", "description": "The youth chose /stop."},
            "unreachable": {"type": "boolean", "description": "The youth blocked the bot."},
        }
    ),
    "LowScore": obj(
        {
            "case": ref("CaseSummary"),
            "score": {"type": "integer", "minimum": 1, "maximum": 5},
            "answered_at": DATE_TIME,
        }
    ),
    "CheckinAnswer": obj(
        {
            "id": {"type": "integer"},
            "sent_at": DATE_TIME,
            "score": {
                "type": ["integer", "null"],
                "minimum": 1,
                "maximum": 5,
                "description": "1 (😞) to 5 (😄); null: no answer.",
            },
            "note": {**TEXT, "description": "What the youth added."},
            "answered_at": NULLABLE_DATE_TIME,
        }
    ),
    "Checkins": obj(
        {
            "rhythm": {
                "type": ["string", "null"],
                "enum": [*RHYTHM_KEYS, None],
                "description": "null: the youth never chose.",
            },
            "quiet_hours": {
                "type": ["string", "null"],
                "description": "The youth's own, like 22:00-10:00; null: the partnership's.",
            },
            "default_quiet_hours": {**TEXT, "description": "The partnership's quiet hours."},
            "answers": {**array(ref("CheckinAnswer")), "description": "Newest first."},
        }
    ),
    "QueuedCase": obj(
        {
            "case": ref("CaseSummary"),
            "waiting_since": DATE_TIME,
            "promise": {
                "type": "string",
                "enum": list(PROMISES),
                "description": "Waiting time against the first-response promise; urgent_hour / "
                "urgent_late: a crisis case, answered within the hour (of working time).",
            },
            "deadline": DATE_TIME,
        }
    ),
    "Queue": obj(
        {
            "waiting": {
                **array(ref("QueuedCase")),
                "description": "Nobody took these yet; oldest first.",
            },
            "mine": {**array(ref("CaseSummary")), "description": "Mine, and those I cover for."},
            "team": {**array(ref("CaseSummary")), "description": "Coordinators: every open case."},
            "low": {
                **array(ref("LowScore")),
                "description": (
                    "A low check-in answer in the last 7 days: my cases "
                    "(coordinators: the partnership's); the newest per case."
                ),
            },
        }
    ),
    "TimelineItem": obj(
        {
            "kind": {"type": "string", "enum": ["message", "note", "event"]},
            "id": {"type": "integer"},
            "at": DATE_TIME,
            "author": {"type": "string", "enum": ["youth", "bot", "worker", "system"]},
            "text": TEXT,
            "worker_name": TEXT,
            "delivery": TEXT,
            "data": {"type": ["object", "null"]},
        }
    ),
    "Suggestion": obj(
        {
            "worker_id": {"type": "integer"},
            "score": {"type": "number", "minimum": 0, "maximum": 1},
            "reasons": STRINGS,
        }
    ),
    "Case": obj(
        {
            "case": ref("CaseSummary"),
            "answers": {"type": "object", "description": "The intake answers."},
            "timeline": array(ref("TimelineItem")),
            "colleagues": array(ref("Worker")),
            "suggestions": array(ref("Suggestion")),
            "quick_replies": STRINGS,
            "answering": nullable_ref("Worker"),
            "promise": {"type": ["string", "null"], "enum": [*PROMISES, None]},
            "checkins": ref("Checkins"),
        }
    ),
    "AuditEntry": obj({"at": DATE_TIME, "action": TEXT, "worker": TEXT}),
    "Appointment": obj(
        {
            "id": {"type": "integer"},
            "case_id": {"type": "integer"},
            "youth_name": TEXT,
            "starts_at": {**DATE_TIME, "description": "UTC; shown in Europe/Brussels."},
            "ends_at": DATE_TIME,
            "minutes": {"type": "integer"},
            "place": TEXT,
            "kind": {"type": "string", "enum": list(KIND_KEYS)},
            "worker_name": {**TEXT, "description": "With whom (a colleague's first name)."},
            "note": {**TEXT, "description": "What the youth reads with the appointment."},
            "state": {"type": "string", "enum": list(STATES)},
            "late": {"type": "boolean", "description": "The youth said they are late."},
            "wish": obj(
                {"dayparts": STRINGS, "reason": TEXT},
                required=(),
            ),
            "version": {"type": "integer", "description": "+1 each time it is moved."},
        }
    ),
    "NewId": obj({"id": {"type": "integer"}}),
    "TeamMember": obj({"worker": ref("Worker"), "open_cases": {"type": "integer"}}),
    "Token": obj(
        {
            "id": {"type": "integer"},
            "name": TEXT,
            "scope": {"type": "string", "enum": list(TOKEN_SCOPES)},
            "created_at": DATE_TIME,
            "expires_at": {**DATE_TIME, "description": "It stops working then."},
            "last_used_at": {"type": ["string", "null"], "format": "date-time"},
        }
    ),
    "NewToken": obj(
        {
            "token": {
                "type": "string",
                "description": "Shown once; send as `Authorization: Bearer …`.",
            },
            "id": {"type": "integer"},
            "name": TEXT,
            "scope": {"type": "string", "enum": list(TOKEN_SCOPES)},
            "expires_at": DATE_TIME,
            "worker_id": {"type": "integer"},
        }
    ),
}

# --- what the API takes ------------------------------------------------------------------------

BODIES: dict[str, Schema] = {
    "Reply": obj(
        {
            "text": string(4000, 1, description="The message to the youth."),
            "ref": string(
                64,
                1,
                nullable=True,
                description="A one-time reference: a repeated request is sent once.",
            ),
        },
        required=("text",),
    ),
    "Note": obj({"text": string(10_000, 1, description="Private to the team.")}),
    "Status": obj(
        {
            "status": string(16, enum=STATUSES),
            "outcome": string(
                32,
                enum=OUTCOMES,
                nullable=True,
                description="Required when the status is `closed`.",
            ),
        },
        required=("status",),
    ),
    "Assign": obj({"worker_id": integer(description="A colleague in the same partnership.")}),
    "NewWorker": obj(
        {
            "username": string(120, 1, pattern=r"^[A-Za-z0-9][A-Za-z0-9._@-]*$"),
            "first_name": string(60, 1),
            "full_name": string(120),
            "password": string(256, 10),
            "role": string(16, enum=("worker", "coordinator")),
            "capacity": integer(0, 200, description="How many open cases this worker can carry."),
            "languages": {
                **array(string(3, 2, pattern=r"^[a-z]{2,3}$"), max_items=20),
                "minItems": 1,
            },
            "organisation": string(120),
        },
        required=("username", "first_name", "password"),
    ),
    "Presence": obj(
        {
            "absent": {"type": "boolean"},
            "cover_id": integer(nullable=True, description="Who answers meanwhile (a colleague)."),
        },
        required=("absent",),
    ),
    "NewTokenRequest": obj(
        {
            "name": string(60, 1, description="What it is for."),
            "scope": string(
                5, enum=TOKEN_SCOPES, description="read: GET only; write (default): everything."
            ),
            "days": integer(
                1, MAX_TOKEN_DAYS, description=f"How long it works; {TOKEN_DAYS} when left out."
            ),
            "code": string(
                7,
                pattern=r"^[0-9 ]*$",
                description="With two-step login on: a code from your app, now (required).",
            ),
        },
        required=("name",),
    ),
    "NewAppointment": obj(
        {
            "date": string(10, pattern=DATE_PATTERN, description="Local date (Europe/Brussels)."),
            "time": string(5, pattern=TIME_PATTERN, description="Local time, HH:MM (24 h)."),
            "minutes": integer(1, MINUTES_MAX, description="How long it lasts."),
            "place": string(
                PLACE_MAX, 1, description="A location, an address, a phone call or a video link."
            ),
            "kind": string(32, enum=KIND_KEYS),
            "note": string(NOTE_MAX, description="For the youth; sent with the appointment."),
            "worker_id": integer(
                nullable=True, description="With whom (a colleague); yourself when left out."
            ),
        },
        required=("date", "time", "minutes", "place", "kind"),
    ),
    "MoveAppointment": obj(
        {
            "date": string(10, pattern=DATE_PATTERN, description="Local date (Europe/Brussels)."),
            "time": string(5, pattern=TIME_PATTERN, description="Local time, HH:MM (24 h)."),
        }
    ),
    "MarkAppointment": obj(
        {"state": string(16, enum=MARKS, description="done: geweest; no_show: niet gekomen.")}
    ),
    "ClearSignal": obj(
        {
            "clear": string(
                8, enum=SIGNALS, description="urgent: followed up (opgevolgd); flag: seen (gezien)."
            ),
            "note": string(
                500,
                description="What was done; needed to clear 'urgent', kept on the timeline.",
            ),
        },
        required=("clear",),
    ),
    "SetCheckins": obj(
        {
            "rhythm": string(
                8, enum=RHYTHM_KEYS, description="How often the youth gets a check-in."
            ),
            "quiet_hours": string(
                16,
                nullable=True,
                description="The youth's own quiet hours, like 22:00-07:00; null or empty: the partnership's.",
            ),
        }
    ),
}

# --- the operations ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Param:
    name: str
    where: Literal["path", "query"]
    schema: Schema
    description: str
    required: bool = True


CASE_ID = Param("case_id", "path", integer(), "A case of your partnership.")
WORKER_ID = Param("worker_id", "path", integer(), "A worker of your partnership.")
APPOINTMENT_ID = Param("appointment_id", "path", integer(), "An appointment of your partnership.")
TOKEN_ID = Param("token_id", "path", integer(), "One of your own API tokens.")
DAY = Param(
    "day",
    "query",
    {"type": "string", "format": "date"},
    "A local date (YYYY-MM-DD, Europe/Brussels); today when left out.",
    False,
)
AFTER = Param(
    "after",
    "query",
    {"type": "string", "format": "date-time"},
    "Only items after this moment.",
    False,
)


@dataclass(frozen=True)
class Operation:
    id: str  # the operationId; also the handler's key
    method: Literal["GET", "POST", "DELETE"]
    path: str
    summary: str
    tag: str
    params: tuple[Param, ...] = ()
    body: str | None = None  # a key of BODIES
    status: int = 200
    response: str | None = None  # a key of COMPONENTS; None: no content
    array: bool = False  # the response is a list of `response`
    errors: tuple[int, ...] = ()  # besides those every operation of its kind can give
    public: bool = False

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
    Operation("getMe", "GET", "/api/me", "Who am I", "team", response="Worker"),
    Operation("getQueue", "GET", "/api/queue", "Waiting (with the promise state), mine, and the team's", "cases", response="Queue"),
    Operation("getCase", "GET", "/api/cases/{case_id}", "A case: summary, intake answers and timeline", "cases", (CASE_ID,), response="Case"),
    Operation("getTimeline", "GET", "/api/cases/{case_id}/timeline", "New timeline items", "cases", (CASE_ID, AFTER), response="TimelineItem", array=True),
    Operation("claimCase", "POST", "/api/cases/{case_id}/claim", "Take a waiting case (one of two at once wins; the other gets 409)", "cases", (CASE_ID,), status=204, errors=(409,)),
    Operation("replyToCase", "POST", "/api/cases/{case_id}/reply", "Send a message to the youth", "cases", (CASE_ID,), body="Reply", status=204, errors=(409,)),
    Operation("addNote", "POST", "/api/cases/{case_id}/notes", "Add a private note", "cases", (CASE_ID,), body="Note", status=204),
    Operation("setStatus", "POST", "/api/cases/{case_id}/status", "Change the status (closing needs an outcome)", "cases", (CASE_ID,), body="Status", status=204),
    Operation("assignCase", "POST", "/api/cases/{case_id}/assign", "Give the case to a colleague (the youth hears who takes over)", "cases", (CASE_ID,), body="Assign", status=204, errors=(409,)),
    Operation("clearSignal", "POST", "/api/cases/{case_id}/signals", "Clear 'dringend' (followed up) or the flag (seen)", "cases", (CASE_ID,), body="ClearSignal", status=204),
    Operation("setCheckins", "POST", "/api/cases/{case_id}/checkins", "Set the youth's check-in rhythm and quiet hours (the next check-in is planned again)", "cases", (CASE_ID,), body="SetCheckins", status=204, errors=(409,)),
    Operation("getAudit", "GET", "/api/cases/{case_id}/audit", "Who looked at or changed the case (coordinators)", "cases", (CASE_ID,), response="AuditEntry", array=True, errors=(403,)),
    Operation("getTeam", "GET", "/api/team", "The partnership's workers and their open cases", "team", response="TeamMember", array=True),
    Operation("addWorker", "POST", "/api/team", "Add a worker (coordinators)", "team", body="NewWorker", status=201, response="Worker"),
    Operation("setPresence", "POST", "/api/team/{worker_id}/presence", "Mark a worker absent (with a cover) or back", "team", (WORKER_ID,), body="Presence", status=204),
    Operation("getTokens", "GET", "/api/tokens", "Your API tokens (names, scopes, expiry, last use; never the tokens)", "team", response="Token", array=True),
    Operation("createToken", "POST", "/api/tokens", "Create a bearer token for yourself (shown once; with two-step login on, needs a code)", "team", body="NewTokenRequest", status=201, response="NewToken"),
    Operation("revokeToken", "DELETE", "/api/tokens/{token_id}", "Revoke one of your tokens: it stops working at once", "team", (TOKEN_ID,), status=204),
    Operation("getAppointments", "GET", "/api/cases/{case_id}/appointments", "A case's appointments, earliest first", "appointments", (CASE_ID,), response="Appointment", array=True),
    Operation("createAppointment", "POST", "/api/cases/{case_id}/appointments", "Plan an appointment (the youth gets it at once, with buttons)", "appointments", (CASE_ID,), body="NewAppointment", status=201, response="NewId", errors=(409,)),
    Operation("moveAppointment", "POST", "/api/appointments/{appointment_id}/move", "Move an appointment (reminders follow; the youth is told)", "appointments", (APPOINTMENT_ID,), body="MoveAppointment", status=204, errors=(409,)),
    Operation("cancelAppointment", "POST", "/api/appointments/{appointment_id}/cancel", "Cancel an appointment (the youth is told)", "appointments", (APPOINTMENT_ID,), status=204, errors=(409,)),
    Operation("markAppointment", "POST", "/api/appointments/{appointment_id}/mark", "After the start: held (done) or missed (no_show)", "appointments", (APPOINTMENT_ID,), body="MarkAppointment", status=204, errors=(409,)),
    Operation("followUpAppointment", "POST", "/api/appointments/{appointment_id}/follow-up", "After a missed appointment: send the youth a gentle message to find a new moment", "appointments", (APPOINTMENT_ID,), status=204, errors=(409,)),
    Operation("getAgenda", "GET", "/api/agenda", "My appointments on one local day", "appointments", (DAY,), response="Appointment", array=True),
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
        "a read-only token on POST or DELETE, or a missing or wrong code from your app."
    ),
    404: (
        "No such case, appointment or worker in your partnership "
        "(another partnership's look the same)."
    ),
    409: "Someone else was first, the case is closed, or the appointment's state does not allow it.",
    413: "The body is larger than 64 KiB.",
    415: "The body is not application/json.",
    422: "A field is missing, unknown, of the wrong type or out of range; `detail` says which.",
}


# --- the document -----------------------------------------------------------------------------


def document() -> dict[str, Any]:
    """The OpenAPI 3.1 document of every operation."""
    paths: dict[str, dict[str, Any]] = {}
    for op in OPERATIONS:
        paths.setdefault(op.path, {})[op.method.lower()] = operation_object(op)
    schemas = {**COMPONENTS, **BODIES}
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Instap inbox API",
            "version": "1.0.0",
            "description": (
                "Every action of the worker inbox. Authenticate with a bearer token "
                "(`POST /api/tokens`) or with the inbox session cookie plus the `X-CSRF-Token` "
                "header on POST and DELETE. A token has a name, a scope (`read`: GET only, `write`: "
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
            {"name": "meta", "description": "About the API itself."},
        ],
        "paths": paths,
        "components": {
            "schemas": schemas,
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
                    "description": "Required with the session cookie on POST and DELETE.",
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
                "schema": p.schema,
            }
            for p in op.params
        ]
    if op.body is not None:
        result["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": ref(op.body)}},
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
        schema = array(ref(op.response)) if op.array else ref(op.response)
        responses[str(op.status)] = {
            "description": "OK." if op.status == 200 else "Created.",
            "content": {"application/json": {"schema": schema}},
        }
    for status in op.statuses:
        responses[str(status)] = {"$ref": f"#/components/responses/{status}"}
    result["responses"] = responses
    return result


# --- checking what comes in -------------------------------------------------------------------

SUPPORTED = frozenset(
    {
        "type", "enum", "properties", "required", "additionalProperties", "maxLength",
        "minLength", "pattern", "minimum", "maximum", "items", "maxItems", "minItems",
        "description", "format",
    }
)  # fmt: skip
TYPE_NAMES = {
    "string": "tekst",
    "integer": "een geheel getal",
    "number": "een getal",
    "boolean": "true of false",
    "object": "een JSON-object",
    "array": "een lijst",
    "null": "null",
}


def unsupported(schema: Schema) -> set[str]:
    """Keywords `check` does not implement (a test keeps this empty for every body)."""
    found = set(schema) - SUPPORTED
    for sub in schema.get("properties", {}).values():
        found |= unsupported(sub)
    if "items" in schema:
        found |= unsupported(schema["items"])
    if schema.get("additionalProperties", False) is not False:
        found.add("additionalProperties")
    return found


def has_type(value: Any, kind: str) -> bool:
    match kind:
        case "string":
            return isinstance(value, str)
        case "integer":
            return (isinstance(value, int) and not isinstance(value, bool)) or (
                isinstance(value, float) and value.is_integer()
            )
        case "number":
            return isinstance(value, int | float) and not isinstance(value, bool)
        case "boolean":
            return isinstance(value, bool)
        case "object":
            return isinstance(value, dict)
        case "array":
            return isinstance(value, list)
        case "null":
            return value is None
    raise ValueError(f"unknown type {kind!r}")


def check(schema: Schema, value: Any, where: str = "") -> str | None:
    """The first way `value` breaks `schema`, in plain Dutch; None when it fits."""
    name = f"'{where}'" if where else "De body"
    kinds = schema.get("type")
    if kinds is not None:
        kinds = [kinds] if isinstance(kinds, str) else kinds
        if not any(has_type(value, k) for k in kinds):
            wanted = " of ".join(TYPE_NAMES[k] for k in kinds)
            return f"{name} moet {wanted} zijn."
    if "enum" in schema and value not in schema["enum"]:
        choices = ", ".join("null" if e is None else str(e) for e in schema["enum"])
        return f"{name} moet een van deze waarden zijn: {choices}."
    if isinstance(value, str):
        if "maxLength" in schema and len(value) > schema["maxLength"]:
            return f"{name} mag hooguit {schema['maxLength']} tekens lang zijn (nu {len(value)})."
        if "minLength" in schema and len(value) < schema["minLength"]:
            return f"{name} moet minstens {schema['minLength']} teken(s) lang zijn."
        if "pattern" in schema and not re.search(python_pattern(schema["pattern"]), value):
            if schema["pattern"] == NO_NUL:
                return f"{name} mag geen NUL-teken (\\u0000) bevatten."
            return f"{name} heeft niet de verwachte vorm ({schema['pattern']})."
    if has_type(value, "number"):
        if "minimum" in schema and value < schema["minimum"]:
            return f"{name} moet minstens {schema['minimum']} zijn."
        if "maximum" in schema and value > schema["maximum"]:
            return f"{name} mag hooguit {schema['maximum']} zijn."
    if isinstance(value, list):
        if "maxItems" in schema and len(value) > schema["maxItems"]:
            return f"{name} mag hooguit {schema['maxItems']} elementen hebben."
        if "minItems" in schema and len(value) < schema["minItems"]:
            return f"{name} moet minstens {schema['minItems']} element(en) hebben."
        if "items" in schema:
            for i, item in enumerate(value):
                problem = check(schema["items"], item, f"{where}[{i}]")
                if problem:
                    return problem
    if isinstance(value, dict):
        properties: dict[str, Schema] = schema.get("properties", {})
        for key in schema.get("required", ()):
            if key not in value:
                return f"Het veld '{join(where, key)}' ontbreekt."
        if schema.get("additionalProperties", True) is False:
            for key in value:
                if key not in properties:
                    return f"Het veld '{join(where, key)}' bestaat niet."
        for key, sub in properties.items():
            if key in value:
                problem = check(sub, value[key], join(where, key))
                if problem:
                    return problem
    return None


def python_pattern(pattern: str) -> str:
    """A final `$` means the very end in JSON Schema; in Python it also allows a newline."""
    if pattern.endswith("$") and not pattern.endswith("\\$"):
        return pattern[:-1] + "\\Z"
    return pattern


def join(where: str, key: str) -> str:
    return f"{where}.{key}" if where else key
