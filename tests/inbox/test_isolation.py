"""A worker of partnership A cannot list, read or act on a case, message, media file or note
of partnership B through any API operation or inbox page: a test per endpoint.

Each attempt with B's id answers exactly as the same attempt with an id that does not exist
(404; never a 403 that would reveal it exists), and the database is unchanged afterwards.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import date, time, timedelta
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from core.templates import Templates
from inbox import auth
from inbox.api import InboxApi, problems_middleware
from inbox.appointments import Appointments
from inbox.openapi import OPERATIONS
from inbox.passwords import hash_password
from inbox.schemas.appointments import NewAppointment
from inbox.schemas.base import MAX_ID
from inbox.schemas.cases import Assign
from inbox.schemas.team import Presence
from storage import workers
from storage.clock import utcnow
from storage.db import Database
from storage.models import Case, CheckIn, Message
from storage.workers import WorkerView
from tests.inbox.test_api import PROBLEM, Api, make_inbox
from tests.support import inbox as support_inbox
from tests.support.inbox import PASSWORD, add_case, add_worker
from tests.support.rows import every_row

ROOT = Path(__file__).resolve().parents[2]
MISSING = MAX_ID  # a valid id that no row has
B_SECRETS = (
    "Lotte", "Boudewijn", "Bert", "samenwerkt", "Geheime notitie", "Geheim bericht", "Stemmetje",
    "Geheim adres", "Geheim gevoel",
)  # fmt: skip
IN_A_MONTH = date.today() + timedelta(days=30)
PLAN = {
    "date": IN_A_MONTH.isoformat(), "time": "10:00", "minutes": 30, "place": "Kantoor",
    "kind": "gesprek",
}  # fmt: skip
PLAN_FORM = {key: str(value) for key, value in PLAN.items()}
MOVE = {"date": (IN_A_MONTH + timedelta(days=1)).isoformat(), "time": "11:00"}


@dataclass
class Runtime:
    """Partnership A (wam): Anna coordinates, Sara works. B (samenwerkt): Bert and Boudewijn."""

    api: Api
    media_dir: Path
    anna: WorkerView
    sara: WorkerView
    bert: WorkerView
    bob: WorkerView
    a_case: int
    b_case: int  # Boudewijn's, with a reply, a note and a voice message
    b_waiting: int
    b_media: int  # the id of B's voice message
    b_appointment: int  # Boudewijn's appointment with Lotte
    b_token: int  # the id of Boudewijn's API token
    cookies: dict[int, tuple[str, str]]  # worker id: (session token, csrf)

    def actor(self, name: str) -> WorkerView:
        return {"coordinator": self.anna, "worker": self.sara}[name]

    async def session(self, worker: WorkerView) -> dict[str, str]:
        if worker.id not in self.cookies:
            self.cookies[worker.id] = await auth.login(
                self.api.db, worker.username, PASSWORD, "127.0.0.1"
            )
        token, csrf = self.cookies[worker.id]
        return {"Cookie": f"{auth.COOKIE}={token}", "X-CSRF-Token": csrf}


def make_app(db: Database, api: Api, media_dir: Path) -> web.Application:
    app = web.Application(middlewares=[problems_middleware(), auth.middleware(db)])
    app.add_routes(InboxApi(api.inbox).routes())
    try:
        from inbox.media import MediaFiles
        from inbox.pages import InboxPages
    except ImportError:  # pages not there yet: the API tests still run
        return app
    pages = Templates(
        ROOT / "bot" / "channels" / "webchat" / "templates", ROOT / "inbox" / "templates"
    )
    app.add_routes(InboxPages(api.inbox, db, pages, secure_cookies=False).routes())
    app.add_routes(MediaFiles(db, media_dir).routes())
    return app


@cache
def one_hash(password: str) -> str:
    return hash_password(password)


@pytest.fixture(autouse=True)
def quick_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    """argon2 is slow on purpose; these tests hash the same password once."""
    monkeypatch.setattr(support_inbox, "hash_password", one_hash)


@pytest.fixture
async def runtime(db: Database, tmp_path: Path) -> AsyncIterator[Runtime]:
    inbox = make_inbox(db)
    api = Api(db, inbox, None)  # type: ignore[arg-type]
    async with TestClient(TestServer(make_app(db, api, tmp_path))) as client:
        api.client = client
        anna = await add_worker(db, "Anna", role="coordinator")
        sara = await add_worker(db, "Sara")
        bert = await add_worker(db, "Bert", role="coordinator", partnership="samenwerkt")
        bob = await add_worker(db, "Boudewijn", partnership="samenwerkt")
        a_case = await add_case(db, "Noor", chat="a1")
        b_case = await add_case(db, "Lotte", partnership="samenwerkt", chat="b1")
        b_waiting = await add_case(db, "Lotte", partnership="samenwerkt", chat="b2")
        await inbox.claim(sara, a_case)
        await inbox.claim(bob, b_case)
        await inbox.reply(bob, b_case, "Geheim bericht van Boudewijn", ref="b-ref")
        await inbox.note(bob, b_case, "Geheime notitie over Lotte")
        (tmp_path / "b-voice.ogg").write_bytes(b"OggS voice")
        async with db.transaction() as session:
            b_row = await session.get(Case, b_case)
            assert b_row is not None
            youth_id = b_row.youth_id
            message = Message(
                youth_id=youth_id, direction="in", author="youth", text="Stemmetje",
                media={"kind": "voice", "state": "stored", "path": "b-voice.ogg", "mime": "audio/ogg"},
                delivery="sent", created_at=utcnow(),
            )  # fmt: skip
            session.add(message)
            await session.flush()
            b_media = message.id
            # B's case has signals to clear and a low check-in this week (never A's business).
            b_row.urgent, b_row.flag, b_row.flagged_at = True, "aandacht", utcnow()
            session.add(
                CheckIn(
                    youth_id=youth_id, case_id=b_case, kind="checkin", status="answered",
                    due_at=utcnow(), sent_at=utcnow(), answered_at=utcnow(), score=1,
                    note="Geheim gevoel", created_at=utcnow(),
                )
            )  # fmt: skip
        b_appointment = await Appointments(inbox).create(
            bob, b_case, day=IN_A_MONTH, at=time(14), minutes=60, place="Geheim adres van Boudewijn",
            kind="gesprek", note="Geheime notitie voor Lotte",
        )  # fmt: skip
        await api.token(bob)
        async with db.transaction() as session:
            b_token = (await workers.tokens_of(session, bob.id))[0].id
        yield Runtime(
            api, tmp_path, anna, sara, bert, bob, a_case, b_case, b_waiting, b_media,
            b_appointment, b_token, cookies={},
        )  # fmt: skip


def without_views(tables: dict[str, list[str]]) -> dict[str, list[str]]:
    return {**tables, "audit_log": [r for r in tables["audit_log"] if "'view_case'" not in r]}


# --- the API ------------------------------------------------------------------------------------

Request = tuple[str, str, dict[str, Any] | None]
# name: (operation, how to make the request from the runtime and the id under test)
API_ATTEMPTS: dict[str, tuple[str, Callable[[Runtime, int], Request]]] = {
    "read case": ("getCase", lambda w, b: ("GET", f"/api/cases/{b}", None)),
    "read timeline": ("getTimeline", lambda w, b: ("GET", f"/api/cases/{b}/timeline", None)),
    "read audit": ("getAudit", lambda w, b: ("GET", f"/api/cases/{b}/audit", None)),
    "claim": ("claimCase", lambda w, b: ("POST", f"/api/cases/{b}/claim", None)),
    "reply": ("replyToCase", lambda w, b: ("POST", f"/api/cases/{b}/reply", {"text": "Hoi"})),
    "note": ("addNote", lambda w, b: ("POST", f"/api/cases/{b}/notes", {"text": "Notitie"})),
    "status": ("setStatus", lambda w, b: ("POST", f"/api/cases/{b}/status", {"status": "closed", "outcome": "work"})),
    "assign B's case to me": ("assignCase", lambda w, b: ("POST", f"/api/cases/{b}/assign", {"worker_id": w.sara.id})),
    "assign my case to B's worker": ("assignCase", lambda w, b: ("POST", f"/api/cases/{w.a_case}/assign", {"worker_id": b})),
    "presence of B's worker": ("setPresence", lambda w, b: ("POST", f"/api/team/{b}/presence", {"absent": True})),
    "B's worker as my cover": ("setPresence", lambda w, b: ("POST", f"/api/team/{w.sara.id}/presence", {"absent": True, "cover_id": b})),
    "clear a signal": ("clearSignal", lambda w, b: ("POST", f"/api/cases/{b}/signals", {"clear": "urgent"})),
    "set check-ins": ("setCheckins", lambda w, b: ("POST", f"/api/cases/{b}/checkins", {"rhythm": "week", "quiet_hours": "22:00-08:00"})),
    "read the profile": ("getProfile", lambda w, b: ("GET", f"/api/cases/{b}/profile", None)),
    "change the profile": ("setProfile", lambda w, b: ("PUT", f"/api/cases/{b}/profile", {"gender": "man"})),
    "read appointments": ("getAppointments", lambda w, b: ("GET", f"/api/cases/{b}/appointments", None)),
    "plan an appointment": ("createAppointment", lambda w, b: ("POST", f"/api/cases/{b}/appointments", PLAN)),
    "plan with B's worker": ("createAppointment", lambda w, b: ("POST", f"/api/cases/{w.a_case}/appointments", {**PLAN, "worker_id": b})),
    "move appointment": ("moveAppointment", lambda w, b: ("POST", f"/api/appointments/{b}/move", MOVE)),
    "cancel appointment": ("cancelAppointment", lambda w, b: ("POST", f"/api/appointments/{b}/cancel", None)),
    "mark appointment": ("markAppointment", lambda w, b: ("POST", f"/api/appointments/{b}/mark", {"state": "no_show"})),
    "follow up appointment": ("followUpAppointment", lambda w, b: ("POST", f"/api/appointments/{b}/follow-up", None)),
    "revoke B's worker's token": ("revokeToken", lambda w, b: ("DELETE", f"/api/tokens/{b}", None)),
}  # fmt: skip
TARGETS: dict[str, Callable[[Runtime], int]] = {
    "claim": lambda w: w.b_waiting,
    "assign my case to B's worker": lambda w: w.bob.id,
    "presence of B's worker": lambda w: w.bob.id,
    "B's worker as my cover": lambda w: w.bob.id,
    "plan with B's worker": lambda w: w.bob.id,
    "move appointment": lambda w: w.b_appointment,
    "cancel appointment": lambda w: w.b_appointment,
    "mark appointment": lambda w: w.b_appointment,
    "follow up appointment": lambda w: w.b_appointment,
    "revoke B's worker's token": lambda w: w.b_token,
}


def test_every_operation_that_takes_an_id_is_attacked() -> None:
    with_ids = {
        op.id for op in OPERATIONS if op.params and any(p.where == "path" for p in op.params)
    }
    with_ids |= {op.id for op in OPERATIONS if op.body in (Assign, Presence, NewAppointment)}
    assert with_ids <= {op for op, _ in API_ATTEMPTS.values()}


@pytest.mark.parametrize("actor", ["coordinator", "worker"])
@pytest.mark.parametrize("attempt", list(API_ATTEMPTS))
async def test_api_hides_the_other_partnership(runtime: Runtime, attempt: str, actor: str) -> None:
    worker = runtime.actor(actor)
    target = TARGETS.get(attempt, lambda w: w.b_case)(runtime)
    _, make = API_ATTEMPTS[attempt]
    await runtime.api.token(worker)  # made before the snapshot
    before = await every_row(runtime.api.db)
    method, path, body = make(runtime, target)
    reply = await runtime.api.call(method, path, worker, json_body=body)
    assert await every_row(runtime.api.db) == before, "something changed"
    method, path, body = make(runtime, MISSING)
    missing = await runtime.api.call(method, path, worker, json_body=body)
    assert (reply.status, reply.body) == (missing.status, missing.body), "B's id is told apart"
    expected = 404
    if actor == "worker" and attempt in ("read audit", "presence of B's worker"):
        expected = 403  # refused for the role, for any id: nothing revealed
    assert reply.status == expected and reply.content_type == PROBLEM
    text = json.dumps(reply.body)
    assert not any(secret in text for secret in B_SECRETS)


async def test_bs_own_workers_do_see_it(runtime: Runtime) -> None:
    """The ids above are real: B's coordinator reads the same case, timeline and audit."""
    for path in (f"/api/cases/{runtime.b_case}", f"/api/cases/{runtime.b_case}/audit"):
        assert (await runtime.api.get(path, runtime.bert)).status == 200
    timeline = (await runtime.api.get(f"/api/cases/{runtime.b_case}/timeline", runtime.bob)).body
    texts = " ".join(i["text"] for i in timeline)
    assert "Geheim bericht" in texts and "Geheime notitie" in texts and "Stemmetje" in texts


@pytest.mark.parametrize("actor", ["coordinator", "worker"])
async def test_api_lists_never_include_the_other_partnership(runtime: Runtime, actor: str) -> None:
    worker = runtime.actor(actor)
    b_ids = {runtime.b_case, runtime.b_waiting}
    await runtime.api.post(f"/api/cases/{runtime.a_case}/notes", worker, {"text": "Van A"})
    queue = (await runtime.api.get("/api/queue", worker)).body
    listed = [q["case"] for q in queue["waiting"]] + queue["mine"] + queue["team"]
    assert {c["id"] for c in listed}.isdisjoint(b_ids)
    assert {c["partnership_id"] for c in listed} <= {"wam"}
    if actor == "coordinator":
        assert runtime.a_case in {c["id"] for c in queue["team"]}
    team = (await runtime.api.get("/api/team", worker)).body
    assert {m["worker"]["first_name"] for m in team} == {"Anna", "Sara"}
    case = (await runtime.api.get(f"/api/cases/{runtime.a_case}", worker)).body
    assert {w["first_name"] for w in case["colleagues"]} == {"Anna", "Sara"}
    assert {s["worker_id"] for s in case["suggestions"]} <= {runtime.anna.id, runtime.sara.id}
    for path in (
        "/api/me",
        "/api/queue",
        "/api/team",
        f"/api/cases/{runtime.a_case}",
        f"/api/cases/{runtime.a_case}/timeline",
    ):
        text = json.dumps((await runtime.api.get(path, worker)).body)
        assert not any(secret in text for secret in B_SECRETS), path


# --- the pages ----------------------------------------------------------------------------------

PAGE_ATTEMPTS: dict[str, Callable[[Runtime, int], Request]] = {
    "case page": lambda w, b: ("GET", f"/inbox/cases/{b}", None),
    "timeline fragment": lambda w, b: ("GET", f"/inbox/cases/{b}/timeline", None),
    "audit page": lambda w, b: ("GET", f"/inbox/cases/{b}/audit", None),
    "export the youth's data": lambda w, b: ("GET", f"/inbox/cases/{b}/export", None),
    "claim": lambda w, b: ("POST", f"/inbox/cases/{b}/claim", {}),
    "reply": lambda w, b: ("POST", f"/inbox/cases/{b}/reply", {"text": "Hoi", "ref": "x1"}),
    "note": lambda w, b: ("POST", f"/inbox/cases/{b}/note", {"text": "Notitie"}),
    "status": lambda w, b: ("POST", f"/inbox/cases/{b}/status", {"status": "closed", "outcome": "work"}),
    "assign B's case to me": lambda w, b: ("POST", f"/inbox/cases/{b}/assign", {"to": str(w.sara.id)}),
    "assign my case to B's worker": lambda w, b: ("POST", f"/inbox/cases/{w.a_case}/assign", {"to": str(b)}),
    "presence of B's worker": lambda w, b: ("POST", f"/inbox/team/{b}/presence", {"absent": "1"}),
    "B's worker as my cover": lambda w, b: ("POST", f"/inbox/team/{w.sara.id}/presence", {"absent": "1", "cover": str(b)}),
    "clear a signal": lambda w, b: ("POST", f"/inbox/cases/{b}/signals", {"clear": "urgent"}),
    "set check-ins": lambda w, b: ("POST", f"/inbox/cases/{b}/checkins", {"rhythm": "week", "quiet_hours": "22-8"}),
    "change the profile": lambda w, b: ("POST", f"/inbox/cases/{b}/profile", {"gender": "man"}),
    "media file": lambda w, b: ("GET", f"/inbox/media/{b}", None),
    "appointments fragment": lambda w, b: ("GET", f"/inbox/cases/{b}/appointments", None),
    "plan an appointment": lambda w, b: ("POST", f"/inbox/cases/{b}/appointments", PLAN_FORM),
    "plan with B's worker": lambda w, b: ("POST", f"/inbox/cases/{w.a_case}/appointments", {**PLAN_FORM, "with": str(b)}),
    "move appointment": lambda w, b: ("POST", f"/inbox/appointments/{b}/move", MOVE),
    "cancel appointment": lambda w, b: ("POST", f"/inbox/appointments/{b}/cancel", {}),
    "mark appointment": lambda w, b: ("POST", f"/inbox/appointments/{b}/mark", {"state": "no_show"}),
    "follow up appointment": lambda w, b: ("POST", f"/inbox/appointments/{b}/follow-up", {}),
    "revoke B's worker's token": lambda w, b: ("POST", f"/inbox/account/tokens/{b}/revoke", {}),
}  # fmt: skip
PAGE_TARGETS: dict[str, Callable[[Runtime], int]] = {
    **TARGETS,
    "media file": lambda w: w.b_media,
}
# Forms that go back to a page with the refusal as a message (303), the same for any id.
REDIRECTED = {"assign my case to B's worker", "B's worker as my cover", "presence of B's worker"}
# Forms shown again with the refusal (422), the same for any id.
RESHOWN = {"plan with B's worker"}


@pytest.mark.parametrize("actor", ["coordinator", "worker"])
@pytest.mark.parametrize("attempt", list(PAGE_ATTEMPTS))
async def test_pages_hide_the_other_partnership(runtime: Runtime, attempt: str, actor: str) -> None:
    worker = runtime.actor(actor)
    headers = await runtime.session(worker)
    target = PAGE_TARGETS.get(attempt, lambda w: w.b_case)(runtime)
    make = PAGE_ATTEMPTS[attempt]

    async def attempt_with(some_id: int) -> tuple[int, str, str]:
        method, path, form = make(runtime, some_id)
        async with runtime.api.client.request(
            method, path, data=form, headers=headers, allow_redirects=False
        ) as response:
            return response.status, response.headers.get("Location", ""), await response.text()

    before = await every_row(runtime.api.db)
    status, location, text = await attempt_with(target)
    after = await every_row(runtime.api.db)
    if attempt in RESHOWN:  # showing my own case A again is logged as a view of A: that only
        before, after = without_views(before), without_views(after)
    assert after == before, "something changed"
    missing = await attempt_with(MISSING)
    assert (status, location) == missing[:2], "B's id is told apart"
    assert not any(secret in text for secret in B_SECRETS)
    if attempt in REDIRECTED:
        assert status == 303 and "error=" in location
    elif attempt in RESHOWN:
        assert status == 422 and "Kies een collega uit je eigen partnerschap." in text
    elif actor == "worker" and attempt in ("audit page", "export the youth's data"):
        assert status == 403
    else:
        assert status == 404


@pytest.mark.parametrize("actor", ["coordinator", "worker"])
async def test_pages_lists_never_include_the_other_partnership(
    runtime: Runtime, actor: str
) -> None:
    worker = runtime.actor(actor)
    headers = await runtime.session(worker)
    paths = ["/inbox", "/inbox/fragment/queue", f"/inbox/cases/{runtime.a_case}"]
    if actor == "coordinator":
        paths.append("/inbox/team")
    for path in paths:
        async with runtime.api.client.get(path, headers=headers) as response:
            assert response.status == 200, path
            text = await response.text()
        assert not any(secret in text for secret in B_SECRETS), path
        assert f"/inbox/cases/{runtime.b_case}" not in text, path


async def test_media_is_served_to_its_own_partnership(runtime: Runtime) -> None:
    """The media id above is real: B's worker gets the file."""
    headers = await runtime.session(runtime.bob)
    async with runtime.api.client.get(
        f"/inbox/media/{runtime.b_media}", headers=headers
    ) as response:
        assert response.status == 200 and await response.read() == b"OggS voice"
