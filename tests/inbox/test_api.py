"""The JSON API on a real database: every operation's answer and its errors, the OpenAPI
document, and two workers claiming one case at once (one wins, 100 times over)."""

from __future__ import annotations

import asyncio
import json
import random
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import func, select

from core.bus import Bus
from core.i18n import Translator
from inbox import auth
from inbox.api import InboxApi, problems_middleware
from inbox.openapi import MAX_BODY, OPERATIONS, document
from inbox.passwords import hash_password
from inbox.schemas.base import MAX_ID, Moment, schema_of
from inbox.service import Inbox
from storage import workers
from storage.clock import utcnow
from storage.db import Database
from storage.models import ApiToken, Case, Message, Note, OutboxJob, Worker
from storage.workers import WorkerView
from tests.support import inbox as support_inbox
from tests.support.dialog import directory
from tests.support.inbox import PASSWORD, add_case, add_worker

# inbox/auth.py keeps the worker under request["worker"]: aiohttp 3.14 warns about str keys.
PROBLEM = "application/problem+json"
OPERATION_PATHS = [
    (op, re.compile("^" + re.sub(r"\{[a-z_]+\}", "[^/]+", op.path) + "$")) for op in OPERATIONS
]


def make_inbox(db: Database) -> Inbox:
    return Inbox(
        db=db,
        directory=directory(),
        translator=Translator(),
        bus=Bus(),
        notify_outbox=lambda: None,
    )


def make_app(db: Database, inbox: Inbox) -> web.Application:
    app = web.Application(middlewares=[problems_middleware(), auth.middleware(db)])
    app.add_routes(InboxApi(inbox).routes())
    return app


@dataclass
class Reply:
    status: int
    body: Any
    content_type: str
    headers: dict[str, str]


@dataclass
class Api:
    """A test client that speaks as a worker (bearer token, or session cookie with CSRF)."""

    db: Database
    inbox: Inbox
    client: TestClient[web.Request, web.Application]
    tokens: dict[int, str] = field(default_factory=dict)

    async def token(self, worker: WorkerView) -> str:
        if worker.id not in self.tokens:
            token = f"test-token-{worker.id}-{worker.username}"
            async with self.db.transaction() as session:
                row = await workers.get(session, worker.id)
                assert row is not None
                await workers.add_token(session, row, token, "tests", utcnow())
            self.tokens[worker.id] = token
        return self.tokens[worker.id]

    async def call(
        self,
        method: str,
        path: str,
        worker: WorkerView | None = None,
        *,
        json_body: Any = None,
        data: bytes | str | None = None,
        headers: dict[str, str] | None = None,
        params: dict[str, str] | None = None,
    ) -> Reply:
        sent = dict(headers or {})
        if worker is not None:
            sent["Authorization"] = f"Bearer {await self.token(worker)}"
        if json_body is not None:
            data, sent["Content-Type"] = json.dumps(json_body), "application/json"
        async with self.client.request(
            method, path, data=data, headers=sent, params=params
        ) as response:
            text = await response.text()
            kind = response.content_type
            body = json.loads(text) if text and "json" in kind else text
            reply = Reply(response.status, body, kind, dict(response.headers))
        if reply.status >= 400:
            assert kind == PROBLEM, (reply.status, text)
            assert body["status"] == reply.status and body["detail"], body
        conforms(method, path, reply)
        return reply

    async def get(self, path: str, worker: WorkerView | None = None) -> Reply:
        return await self.call("GET", path, worker)

    async def post(self, path: str, worker: WorkerView | None, body: Any = None) -> Reply:
        return await self.call("POST", path, worker, json_body=body)


@cache
def one_hash(password: str) -> str:
    return hash_password(password)


@pytest.fixture(autouse=True)
def quick_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    """argon2 is slow on purpose; these tests hash the same password once."""
    monkeypatch.setattr(support_inbox, "hash_password", one_hash)


@pytest.fixture
async def api(db: Database) -> AsyncIterator[Api]:
    inbox = make_inbox(db)
    async with TestClient(TestServer(make_app(db, inbox))) as client:
        yield Api(db, inbox, client)


def conforms(method: str, path: str, reply: Reply) -> None:
    """The answer fits what the document says for this operation and status (when jsonschema is here)."""
    try:
        import jsonschema
    except ImportError:  # the structural checks below still run
        return
    path = path.split("?")[0]
    matches = [op for op, pattern in OPERATION_PATHS if op.method == method and pattern.match(path)]
    if not matches:
        return
    doc = document()
    responses = doc["paths"][matches[0].path][method.lower()]["responses"]
    assert str(reply.status) in responses, f"{method} {path}: {reply.status} is not documented"
    response = responses[str(reply.status)]
    if "$ref" in response:
        response = doc["components"]["responses"][response["$ref"].rsplit("/", 1)[1]]
    if "content" not in response:
        assert reply.body in ("", None), reply.body
        return
    assert reply.content_type in response["content"], (reply.content_type, response["content"])
    schema = response["content"][reply.content_type]["schema"]
    root = {"components": doc["components"], **schema}
    validator = jsonschema.Draft202012Validator(
        root, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )
    validator.validate(reply.body)


async def count(db: Database, model: type) -> int:
    async with db.transaction() as session:
        return int((await session.execute(select(func.count()).select_from(model))).scalar_one())


async def case_row(db: Database, case_id: int) -> Case:
    async with db.transaction() as session:
        case = await session.get(Case, case_id)
        assert case is not None
        return case


# --- the document -------------------------------------------------------------------------------


async def test_document_is_served_publicly_and_is_valid_openapi(api: Api) -> None:
    reply = await api.get("/api/openapi.json")
    assert reply.status == 200 and reply.body == document()
    assert reply.body["openapi"].startswith("3.1")
    import openapi_spec_validator as validator

    validator.validate(reply.body)


def test_document_describes_every_route_and_every_error() -> None:
    doc = document()
    app = make_app(None, None)  # type: ignore[arg-type]
    routes = {
        (r.method, r.resource.canonical)
        for r in app.router.routes()
        if r.method != "HEAD" and r.resource is not None
    }
    documented = {(m.upper(), p) for p, ops in doc["paths"].items() for m in ops}
    assert routes == documented
    assert len({op.id for op in OPERATIONS}) == len(OPERATIONS) == 30
    schemes = doc["components"]["securitySchemes"]
    assert schemes["bearer"]["scheme"] == "bearer"
    assert schemes["session"] == {**schemes["session"], "in": "cookie", "name": auth.COOKIE}
    assert schemes["csrf"]["name"] == "X-CSRF-Token"
    for path, ops in doc["paths"].items():
        for method, op in ops.items():
            where = f"{method} {path}"
            responses = op["responses"]
            assert any(s.startswith("2") for s in responses), where
            if path != "/api/openapi.json":
                assert "401" in responses and op["security"], where
            if method in ("post", "put", "delete"):
                assert "403" in responses and {"session": [], "csrf": []} in op["security"], where
            if "{" in path:
                assert "404" in responses, where
                for param in op["parameters"]:
                    if param["in"] == "path":
                        assert param["schema"]["maximum"] == MAX_ID, where
            if "requestBody" in op:
                assert {"400", "413", "415", "422"} <= set(responses), where
            for status, response in responses.items():
                if status >= "400":
                    name = response["$ref"].rsplit("/", 1)[1]
                    content = doc["components"]["responses"][name]["content"]
                    assert content == {
                        PROBLEM: {"schema": {"$ref": "#/components/schemas/Problem"}}
                    }
    # every $ref points at something
    text = json.dumps(doc)
    for ref in set(re.findall(r'"\$ref": "#/([^"]+)"', text)):
        node: Any = doc
        for part in ref.split("/"):
            node = node[part]


def test_bodies_are_the_documented_models_closed_and_bounded() -> None:
    def nodes(schema: dict[str, Any]) -> list[dict[str, Any]]:
        found = [schema]
        for sub in schema.get("properties", {}).values():
            found += nodes(sub)
        return found + (nodes(schema["items"]) if "items" in schema else [])

    def types(node: dict[str, Any]) -> list[str]:
        kinds = node.get("type", [])
        return [kinds] if isinstance(kinds, str) else kinds

    documented = document()["components"]["schemas"]
    bodies = {op.body for op in OPERATIONS if op.body is not None}
    assert len(bodies) == 13
    for model in bodies:
        name, schema = model.__name__, schema_of(model)
        assert documented[name] == schema, name  # what is checked is what is documented
        assert schema["additionalProperties"] is False, name
        for node in nodes(schema):
            assert node.get("$ref") is None and "anyOf" not in node, name  # plain and flat
            if "string" in types(node) and "enum" not in node:
                assert "maxLength" in node, name
            if "array" in types(node):
                assert "maxItems" in node, name


# --- who is asking ------------------------------------------------------------------------------


async def test_me_needs_a_token_or_a_session(api: Api) -> None:
    sara = await add_worker(api.db, "Sara")
    reply = await api.get("/api/me", sara)
    assert reply.status == 200
    assert reply.body["username"] == "sara@wam" and reply.body["role"] == "worker"
    assert "password_hash" not in reply.body
    assert reply.headers["Cache-Control"] == "no-store"
    assert (await api.get("/api/me")).status == 401
    bad = await api.call("GET", "/api/me", headers={"Authorization": "Bearer nope"})
    assert bad.status == 401 and bad.body["title"] == "Niet aangemeld"


async def test_a_session_needs_the_csrf_header_on_post(api: Api) -> None:
    sara = await add_worker(api.db, "Sara")
    case_id = await add_case(api.db)
    token, csrf = await auth.login(api.db, "sara@wam", PASSWORD, "127.0.0.1")
    cookie = {"Cookie": f"{auth.COOKIE}={token}"}
    me = await api.call("GET", "/api/me", headers=cookie)
    assert me.status == 200 and me.body["id"] == sara.id
    claim = f"/api/cases/{case_id}/claim"
    refused = await api.call("POST", claim, headers=cookie)
    assert refused.status == 403 and "CSRF" in refused.body["title"]
    wrong = await api.call("POST", claim, headers={**cookie, "X-CSRF-Token": "x" + csrf})
    assert wrong.status == 403
    assert (await case_row(api.db, case_id)).worker_id is None
    done = await api.call("POST", claim, headers={**cookie, "X-CSRF-Token": csrf})
    assert done.status == 204
    assert (await case_row(api.db, case_id)).worker_id == sara.id


async def test_tokens_are_made_for_the_caller_and_shown_once(api: Api) -> None:
    sara = await add_worker(api.db, "Sara")
    reply = await api.post("/api/tokens", sara, {"name": "  Planning tool "})
    assert reply.status == 201 and reply.body["name"] == "Planning tool"
    assert reply.body["worker_id"] == sara.id and len(reply.body["token"]) >= 40
    me = await api.call(
        "GET", "/api/me", headers={"Authorization": f"Bearer {reply.body['token']}"}
    )
    assert me.status == 200 and me.body["id"] == sara.id
    async with api.db.transaction() as session:
        hashes = [t.token_hash for t in (await session.execute(select(ApiToken))).scalars()]
    assert reply.body["token"] not in hashes  # only the hash is kept
    for body in (
        {},
        {"name": ""},
        {"name": "   "},
        {"name": "x" * 61},
        {"name": 5},
        {"name": "a", "x": 1},
    ):
        refused = await api.post("/api/tokens", sara, body)
        assert refused.status == 422, body
    assert (await api.post("/api/tokens", None, {"name": "x"})).status == 401


# --- reading ------------------------------------------------------------------------------------


async def test_queue_shows_waiting_with_promise_then_mine_and_the_team(api: Api) -> None:
    sara = await add_worker(api.db, "Sara")
    jan = await add_worker(api.db, "Jan", role="coordinator")
    case_id = await add_case(api.db)
    queue = (await api.get("/api/queue", sara)).body
    assert [q["case"]["id"] for q in queue["waiting"]] == [case_id]
    waiting = queue["waiting"][0]
    assert waiting["promise"] == "on_time" and waiting["case"]["name"] == "Noor"
    assert datetime.fromisoformat(waiting["deadline"]) > datetime.fromisoformat(
        waiting["waiting_since"]
    )
    assert queue["mine"] == [] and queue["team"] == []
    assert (await api.post(f"/api/cases/{case_id}/claim", sara)).status == 204
    queue = (await api.get("/api/queue", sara)).body
    assert queue["waiting"] == [] and [c["id"] for c in queue["mine"]] == [case_id]
    assert queue["mine"][0]["worker_name"] == "Sara" and queue["mine"][0]["status"] == "active"
    team = (await api.get("/api/queue", jan)).body["team"]
    assert [c["id"] for c in team] == [case_id]


async def test_case_has_summary_answers_and_timeline(api: Api) -> None:
    sara = await add_worker(api.db, "Sara")
    case_id = await add_case(api.db)
    reply = await api.get(f"/api/cases/{case_id}", sara)
    assert reply.status == 200
    view = reply.body
    assert view["case"]["id"] == case_id and view["case"]["age"] == 19
    assert view["answers"]["municipality"] == "Maasmechelen"
    assert view["promise"] == "on_time" and view["answering"] is None
    assert [w["id"] for w in view["colleagues"]] == [sara.id]
    assert [s["worker_id"] for s in view["suggestions"]] == [sara.id]
    await api.post(f"/api/cases/{case_id}/claim", sara)
    await api.post(f"/api/cases/{case_id}/notes", sara, {"text": "Belt liever niet."})
    view = (await api.get(f"/api/cases/{case_id}", sara)).body
    assert view["answering"]["id"] == sara.id and view["promise"] is None
    kinds = [(i["kind"], i["text"]) for i in view["timeline"]]
    assert ("event", "claimed") in kinds and ("note", "Belt liever niet.") in kinds


@pytest.mark.parametrize("raw", ["0", "-1", "abc", "1.5", "1e3", str(MAX_ID + 1), "9" * 30, "%20"])
async def test_absurd_ids_are_not_found(api: Api, raw: str) -> None:
    sara = await add_worker(api.db, "Sara")
    for method, path in (
        ("GET", f"/api/cases/{raw}"),
        ("GET", f"/api/cases/{raw}/timeline"),
        ("GET", f"/api/cases/{raw}/audit"),
        ("POST", f"/api/cases/{raw}/claim"),
        ("POST", f"/api/team/{raw}/presence"),
    ):
        body = {"absent": True} if "presence" in path else None
        reply = await api.call(method, path, sara, json_body=body)
        assert reply.status == 404, (method, path, reply.body)
    assert (await api.get(f"/api/cases/{MAX_ID}", sara)).status == 404  # the largest, not there


async def test_timeline_after_a_moment(api: Api) -> None:
    sara = await add_worker(api.db, "Sara")
    case_id = await add_case(api.db)
    before = utcnow() - timedelta(seconds=1)
    await api.post(f"/api/cases/{case_id}/claim", sara)
    url = f"/api/cases/{case_id}/timeline"
    everything = (await api.get(url, sara)).body
    assert [i["text"] for i in everything] == ["claimed"]
    since = before.isoformat().replace("+00:00", "Z")
    later = await api.call("GET", url, sara, params={"after": since})
    assert later.status == 200 and [i["text"] for i in later.body] == ["claimed"]
    future = (utcnow() + timedelta(hours=1)).isoformat()
    assert (await api.call("GET", url, sara, params={"after": future})).body == []
    for bad in (
        "yesterday",
        "2026-11-20",
        "2026-11-20T14:00:00",
        "2026-13-40T99:00:00Z",
        "0000-01-01T00:00:00Z",
        "2026-11-20T14:00:00Z\n",
    ):
        reply = await api.call("GET", url, sara, params={"after": bad})
        assert reply.status == 422 and "after" in reply.body["detail"], bad


async def test_audit_is_for_coordinators(api: Api) -> None:
    sara = await add_worker(api.db, "Sara")
    jan = await add_worker(api.db, "Jan", role="coordinator")
    case_id = await add_case(api.db)
    await api.get(f"/api/cases/{case_id}", sara)
    refused = await api.get(f"/api/cases/{case_id}/audit", sara)
    assert refused.status == 403 and "coördinatoren" in refused.body["detail"]
    trail = (await api.get(f"/api/cases/{case_id}/audit", jan)).body
    assert [(e["action"], e["worker"]) for e in trail][-1] == ("view_case", "Sara Peeters")
    assert "view_audit" in [e["action"] for e in trail]


async def test_team_lists_the_partnership_with_open_cases(api: Api) -> None:
    sara = await add_worker(api.db, "Sara")
    await add_worker(api.db, "Tom")
    await add_worker(api.db, "Bert", partnership="samenwerkt")
    case_id = await add_case(api.db)
    await api.post(f"/api/cases/{case_id}/claim", sara)
    team = (await api.get("/api/team", sara)).body
    assert [(m["worker"]["first_name"], m["open_cases"]) for m in team] == [("Sara", 1), ("Tom", 0)]


# --- acting -------------------------------------------------------------------------------------


async def test_claim_twice_is_a_conflict(api: Api) -> None:
    sara = await add_worker(api.db, "Sara")
    tom = await add_worker(api.db, "Tom")
    case_id = await add_case(api.db)
    assert (await api.post(f"/api/cases/{case_id}/claim", sara)).status == 204
    again = await api.post(f"/api/cases/{case_id}/claim", tom)
    assert again.status == 409 and again.body["detail"] == "Sara heeft deze aanmelding al genomen."
    assert (await api.post(f"/api/cases/{case_id + 1000}/claim", tom)).status == 404


async def test_reply_is_sent_once_and_signed(api: Api) -> None:
    sara = await add_worker(api.db, "Sara")
    case_id = await add_case(api.db)
    url = f"/api/cases/{case_id}/reply"
    for _ in range(2):  # a retried request with the same ref is sent once
        assert (
            await api.post(url, sara, {"text": "Hoi Noor! Past dinsdag?", "ref": "r-1"})
        ).status == 204
    assert (await api.post(url, sara, {"text": "En woensdag?", "ref": None})).status == 204
    async with api.db.transaction() as session:
        texts = [
            m.text for m in (await session.execute(select(Message).order_by(Message.id))).scalars()
        ]
    assert texts == ["Sara schrijft:\nHoi Noor! Past dinsdag?", "Sara schrijft:\nEn woensdag?"]
    assert await count(api.db, OutboxJob) == 2
    assert (await case_row(api.db, case_id)).worker_id == sara.id  # answering took it


@pytest.mark.parametrize(
    ("body", "status", "detail"),
    [
        ({}, 422, "'text' ontbreekt"),
        ({"text": ""}, 422, "minstens 1"),
        ({"text": "   \n "}, 422, "Je bericht is leeg."),
        ({"text": "hoi\u0000"}, 422, "NUL-teken"),
        ({"text": "hoi", "ref": "\u0000"}, 422, "NUL-teken"),
        ({"text": "x" * 4001}, 422, "hooguit 4000 tekens lang zijn (nu 4001)"),
        ({"text": 42}, 422, "'text' moet tekst zijn"),
        ({"text": None}, 422, "'text' moet tekst zijn"),
        ({"text": "hoi", "cc": "x"}, 422, "'cc' bestaat niet"),
        ({"text": "hoi", "ref": "r" * 65}, 422, "'ref' mag hooguit 64"),
        ({"text": "hoi", "ref": 7}, 422, "'ref' moet tekst of null zijn"),
        (["text"], 422, "De body moet een JSON-object zijn"),
        ("hoi", 422, "De body moet een JSON-object zijn"),
    ],
)
async def test_reply_refuses_bad_bodies(api: Api, body: Any, status: int, detail: str) -> None:
    sara = await add_worker(api.db, "Sara")
    case_id = await add_case(api.db)
    reply = await api.post(f"/api/cases/{case_id}/reply", sara, body)
    assert reply.status == status and detail in reply.body["detail"], reply.body
    assert await count(api.db, Message) == 0


async def test_bodies_that_are_not_json_too_big_or_not_json_typed(api: Api) -> None:
    sara = await add_worker(api.db, "Sara")
    case_id = await add_case(api.db)
    url = f"/api/cases/{case_id}/notes"
    json_type = {"Content-Type": "application/json"}
    for raw in (
        "{",
        "",
        "{'text': 'x'}",
        '{"text": NaN}',
        "[" * 5000 + "]" * 5000,
        b"\xff\xfe",
        '{"text": "\\ud800"}',
        "1" * 5000,
    ):
        reply = await api.call("POST", url, sara, data=raw, headers=json_type)
        assert reply.status in (400, 422), raw
        if reply.status == 422:
            assert (
                raw in ("1" * 5000, "[" * 5000 + "]" * 5000)
                and "JSON-object" in reply.body["detail"]
            )
    untyped = await api.client.post(
        url,
        data=b'{"text": "zonder type"}',
        headers={"Authorization": f"Bearer {await api.token(sara)}"},
        skip_auto_headers=["Content-Type"],
    )
    assert untyped.status == 204  # no Content-Type at all: read as JSON
    form = await api.call(
        "POST",
        url,
        sara,
        data="text=hoi",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert form.status == 415 and "JSON" in form.body["detail"]
    big = json.dumps({"text": "x" * (MAX_BODY + 1)})
    assert (await api.call("POST", url, sara, data=big, headers=json_type)).status == 413

    async def chunks() -> AsyncIterator[bytes]:  # no Content-Length: counted while read
        yield b'{"text": "'
        for _ in range(70):
            yield b"x" * 1024
        yield b'"}'

    streamed = await api.client.post(
        url,
        data=chunks(),
        headers={**json_type, "Authorization": f"Bearer {await api.token(sara)}"},
    )
    assert streamed.status == 413 and streamed.content_type == PROBLEM
    assert await count(api.db, Note) == 1


async def test_notes(api: Api) -> None:
    sara = await add_worker(api.db, "Sara")
    case_id = await add_case(api.db)
    url = f"/api/cases/{case_id}/notes"
    assert (await api.post(url, sara, {"text": "Belt liever niet."})).status == 204
    assert (await api.post(url, sara, {"text": " "})).status == 422
    assert (await api.post(url, sara, {"text": "x" * 10_001})).status == 422
    assert (await api.post(url, sara, {"note": "x"})).status == 422
    async with api.db.transaction() as session:
        assert [n.text for n in (await session.execute(select(Note))).scalars()] == [
            "Belt liever niet."
        ]


async def test_status_changes_and_closing_needs_an_outcome(api: Api) -> None:
    sara = await add_worker(api.db, "Sara")
    tom = await add_worker(api.db, "Tom")
    case_id = await add_case(api.db)
    url = f"/api/cases/{case_id}/status"
    await api.post(f"/api/cases/{case_id}/claim", sara)
    assert (await api.post(url, sara, {"status": "paused"})).status == 204
    assert (await case_row(api.db, case_id)).status == "paused"
    no_outcome = await api.post(url, sara, {"status": "closed"})
    assert no_outcome.status == 422 and "resultaat" in no_outcome.body["detail"]
    assert (await api.post(url, sara, {"status": "closed", "outcome": None})).status == 422
    assert (await api.post(url, sara, {"status": "done"})).status == 422
    assert (await api.post(url, sara, {"status": "closed", "outcome": "lottery"})).status == 422
    other = await api.post(url, tom, {"status": "closed", "outcome": "work"})
    assert other.status == 403 and "collega" in other.body["detail"]
    assert (await api.post(url, sara, {"status": "closed", "outcome": "work"})).status == 204
    case = await case_row(api.db, case_id)
    assert (case.status, case.outcome) == ("closed", "work")
    closed = await api.post(f"/api/cases/{case_id}/reply", sara, {"text": "Nog iets"})
    assert closed.status == 409 and "afgesloten" in closed.body["detail"]


async def test_assign_to_a_colleague(api: Api) -> None:
    sara = await add_worker(api.db, "Sara")
    tom = await add_worker(api.db, "Tom")
    case_id = await add_case(api.db)
    url = f"/api/cases/{case_id}/assign"
    await api.post(f"/api/cases/{case_id}/claim", sara)
    assert (await api.post(url, sara, {"worker_id": tom.id})).status == 204
    assert (await case_row(api.db, case_id)).worker_id == tom.id
    async with api.db.transaction() as session:
        texts = [m.text for m in (await session.execute(select(Message))).scalars()]
    assert texts == ["Tom neemt het nu over van Sara. Je kunt gewoon hier blijven schrijven."]
    assert (
        await api.post(url, tom, {"worker_id": float(sara.id)})
    ).status == 204  # 3.0 is an integer
    for body in (
        {"worker_id": "1"},
        {"worker_id": True},
        {"worker_id": 0},
        {"worker_id": MAX_ID + 1},
        {"worker_id": 1.5},
        {},
    ):
        assert (await api.post(url, sara, body)).status == 422, body
    missing = await api.post(url, sara, {"worker_id": MAX_ID})
    assert missing.status == 404 and "collega" in missing.body["detail"]
    await api.post(f"/api/cases/{case_id}/status", sara, {"status": "closed", "outcome": "moved"})
    assert (await api.post(url, sara, {"worker_id": tom.id})).status == 409


async def test_coordinator_adds_a_worker(api: Api) -> None:
    sara = await add_worker(api.db, "Sara")
    jan = await add_worker(api.db, "Jan", role="coordinator")
    body = {
        "username": "lies.vdab",
        "first_name": "Lies",
        "full_name": "Lies Maes",
        "password": "een lang genoeg wachtwoord",
        "role": "worker",
        "capacity": 12,
        "languages": ["nl", "en", "nl"],
        "organisation": "VDAB",
    }
    reply = await api.post("/api/team", jan, body)
    assert reply.status == 201
    assert reply.body["username"] == "lies.vdab@wam" and reply.body["languages"] == ["nl", "en"]
    assert reply.body["partnership_id"] == "wam" and reply.body["capacity"] == 12
    token, _ = await auth.login(api.db, "lies.vdab@wam", "een lang genoeg wachtwoord", "127.0.0.1")
    assert token
    refused = await api.post("/api/team", sara, {**body, "username": "x"})
    assert refused.status == 403
    again = await api.post("/api/team", jan, body)
    assert again.status == 422 and "bestaat al" in again.body["detail"]
    for bad in (
        {**body, "username": "nieuw", "password": "kort"},
        {**body, "username": "nieuw", "password": "wachtwoord"},
        {**body, "username": "nieuw", "role": "admin"},
        {**body, "username": "nieuw", "capacity": 201},
        {**body, "username": "nieuw", "languages": ["Nederlands"]},
        {**body, "username": "nieuw", "languages": []},
        {**body, "username": "met spatie"},
        {**body, "username": "nieuw\n"},
        {**body, "username": "nieuw", "first_name": " "},
        {**body, "username": "nieuw", "full_name": "Nul\u0000"},
        {**body, "username": "nieuw", "admin": True},
        {"username": "nieuw", "first_name": "Nieuw"},
    ):
        assert (await api.post("/api/team", jan, bad)).status == 422, bad
    async with api.db.transaction() as session:
        assert await workers.count(session) == 3


async def test_presence_with_a_cover(api: Api) -> None:
    sara = await add_worker(api.db, "Sara")
    tom = await add_worker(api.db, "Tom")
    jan = await add_worker(api.db, "Jan", role="coordinator")
    case_id = await add_case(api.db)
    await api.post(f"/api/cases/{case_id}/claim", sara)
    url = f"/api/team/{sara.id}/presence"
    assert (await api.post(url, sara, {"absent": True, "cover_id": tom.id})).status == 204
    async with api.db.transaction() as session:
        row = await session.get(Worker, sara.id)
        assert row is not None and row.absent and row.cover_id == tom.id
    mine = (await api.get("/api/queue", tom)).body["mine"]
    assert [c["id"] for c in mine] == [case_id]  # Tom covers
    assert (await api.post(f"/api/team/{tom.id}/presence", sara, {"absent": True})).status == 403
    assert (await api.post(url, sara, {"absent": True, "cover_id": sara.id})).status == 422
    assert (await api.post(url, sara, {"absent": True, "cover_id": MAX_ID})).status == 404
    assert (await api.post(url, sara, {"absent": "yes"})).status == 422
    assert (await api.post(url, sara, {"cover_id": tom.id})).status == 422
    assert (
        await api.post(f"/api/team/{tom.id}/presence", jan, {"absent": False, "cover_id": None})
    ).status == 204
    assert (await api.post(url, jan, {"absent": False})).status == 204
    assert (await api.post(f"/api/team/{MAX_ID}/presence", jan, {"absent": False})).status == 404


async def test_unknown_paths_and_methods_answer_problems(api: Api) -> None:
    sara = await add_worker(api.db, "Sara")
    assert (await api.get("/api/nothing", sara)).status == 404
    wrong = await api.call("DELETE", "/api/me", sara)
    assert wrong.status == 405 and "GET" in wrong.headers["Allow"]
    assert (await api.call("PUT", "/api/tokens", sara)).status == 405


# --- two at once --------------------------------------------------------------------------------


async def test_two_workers_claiming_at_once_one_wins_100_rounds(api: Api) -> None:
    sara = await add_worker(api.db, "Sara")
    tom = await add_worker(api.db, "Tom")
    wins = {sara.id: 0, tom.id: 0}
    for round_ in range(100):
        case_id = await add_case(api.db, chat=f"c{round_}")
        url = f"/api/cases/{case_id}/claim"
        first, second = (sara, tom) if round_ % 2 else (tom, sara)
        replies = await asyncio.gather(api.post(url, first), api.post(url, second))
        statuses = sorted(r.status for r in replies)
        assert statuses == [204, 409], (round_, [r.body for r in replies])
        winner = (await case_row(api.db, case_id)).worker_id
        assert winner is not None
        wins[winner] += 1
        loser = next(r for r in replies if r.status == 409)
        assert "heeft deze aanmelding al genomen" in loser.body["detail"]
    assert sum(wins.values()) == 100
    async with api.db.transaction() as session:
        rows = list((await session.execute(select(Case))).scalars())
    assert all(c.status == "active" and c.worker_id in wins for c in rows)


def test_iso_dates_round_trip() -> None:
    from pydantic import TypeAdapter

    moment = datetime(2026, 11, 20, 14, 0, tzinfo=UTC)
    assert json.loads(TypeAdapter(Moment).dump_json(moment)) == "2026-11-20T14:00:00+00:00"


# --- a small deterministic fuzz -----------------------------------------------------------------

ODD_STRINGS = (
    "", " ", "\u0000", "\ud800", "x" * 5000, "<script>alert(1)</script>", "'; DROP TABLE cases; --",
    "🙂", "\u202egnp.exe", "null", "1", "closed", "work", "nl", "\n", "../../etc/passwd",
)  # fmt: skip
ODD_NUMBERS = (0, -1, 1, 2, 3, 2**53 - 1, 2**53, 2**63, 2**64, 1.5, 1e308, -0.0, 10**40)


def odd_value(rng: random.Random, depth: int = 0) -> Any:
    roll = rng.random()
    if roll < 0.35:
        return rng.choice(ODD_STRINGS)
    if roll < 0.6:
        return rng.choice(ODD_NUMBERS)
    if roll < 0.75:
        return rng.choice((None, True, False))
    if depth > 2:
        return []
    if roll < 0.87:
        return [odd_value(rng, depth + 1) for _ in range(rng.randrange(3))]
    return {rng.choice(ODD_STRINGS): odd_value(rng, depth + 1) for _ in range(rng.randrange(3))}


async def test_odd_requests_never_break_the_server(api: Api) -> None:
    """Every operation with odd ids, odd fields and odd bodies: never a 5xx, never off-schema."""
    jan = await add_worker(api.db, "Jan", role="coordinator")
    sara = await add_worker(api.db, "Sara")
    cases = [await add_case(api.db, chat=f"f{i}") for i in range(3)]
    rng = random.Random(20261120)
    valid = {
        "Reply": {"text": "Hoi", "ref": "f"},
        "Note": {"text": "Notitie"},
        "Status": {"status": "paused", "outcome": None},
        "Assign": {"worker_id": sara.id},
        "NewWorker": {"username": "nieuw", "first_name": "Nieuw", "password": "lang genoeg ww"},
        "Presence": {"absent": False, "cover_id": None},
        "NewTokenRequest": {"name": "fuzz"},
        "NewAppointment": {
            "date": "2099-05-04",
            "time": "14:00",
            "minutes": 60,
            "place": "Kantoor",
            "kind": "gesprek",
        },
        "MoveAppointment": {"date": "2099-05-05", "time": "10:00"},
        "MarkAppointment": {"state": "done"},
        "ClearSignal": {"clear": "urgent", "note": "Gebeld"},
        "SetCheckins": {"rhythm": "week", "quiet_hours": "22:00-08:00"},
        "ProfileChange": {"gender": "woman", "rural": None},
    }
    ids = [*cases, jan.id, sara.id, 0, MAX_ID, 2**63, "x"]
    for round_ in range(400):
        op = rng.choice(OPERATIONS)
        path = re.sub(r"\{[a-z_]+\}", lambda _: str(rng.choice(ids)), op.path)
        body: Any = None
        if op.body is not None:
            body = dict(valid[op.body.__name__])
            roll = rng.random()
            if roll < 0.6:
                body[rng.choice([*body, "extra"])] = odd_value(rng)
            elif roll < 0.8:
                body = odd_value(rng)
            if isinstance(body, dict) and "ref" in body and isinstance(body["ref"], str):
                body["ref"] = f"{body['ref'][:50]}{round_}"
        reply = await api.call(op.method, path, rng.choice((jan, sara)), json_body=body)
        assert reply.status < 500, (op.id, path, body, reply.body)
