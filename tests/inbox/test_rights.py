"""One rule for a case that is not yours (issue 11, finding 6), walked over every action.

Noor's case is Sara's. Tom works in the same partnership, Anna coordinates it, Bob works in
another one. For every action on the case and on its appointments, through the API and
through the inbox pages, each of them gets the answer in `RIGHTS`: the assigned worker and
the coordinator may act, the colleague may read and leave a note but is refused everything
that changes the case or reaches Noor, and the other partnership does not see the case at
all. A refusal changes nothing: no row, and so no message on its way to Noor.
"""

from __future__ import annotations

import html
import re
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import func, select

from inbox import auth
from inbox.appointments import Appointments
from inbox.openapi import OPERATIONS
from storage.db import Database
from storage.models import AuditEntry, Case, Message
from storage.workers import WorkerView
from tests.inbox.test_api import Api, make_inbox
from tests.inbox.test_isolation import make_app, quick_hashes  # noqa: F401 (a fixture)
from tests.support.clock import Clock
from tests.support.inbox import PASSWORD, add_case, add_worker
from tests.support.rows import every_row

NOW = datetime(2026, 5, 6, 8, 0, tzinfo=UTC)  # Wednesday 6 May 2026, 10u in Brussels
LAST_WEEK = datetime(2026, 5, 1, 8, 0, tzinfo=UTC)
NOT_YOURS = "Deze jongere is aan een collega toegewezen."
PLAN = {"date": "2026-05-12", "time": "10:00", "minutes": 30, "place": "Kantoor",
        "kind": "gesprek"}  # fmt: skip
MOVE = {"date": "2026-05-11", "time": "11:00"}
ACTORS = ("sara", "tom", "anna", "bob")  # assigned, colleague, coordinator, other partnership


@dataclass
class Runtime:
    api: Api
    clock: Clock
    sara: WorkerView
    tom: WorkerView
    anna: WorkerView
    bob: WorkerView
    noor: int  # Sara's case, flagged "aandacht"
    upcoming: int  # Noor's appointment on Friday, planned by Sara
    past: int  # Noor's appointment of Monday, not yet marked
    missed: int  # Noor's appointment of Tuesday, marked "niet gekomen"

    def actor(self, name: str) -> WorkerView:
        return {"sara": self.sara, "tom": self.tom, "anna": self.anna, "bob": self.bob}[name]

    async def headers(self, worker: WorkerView) -> dict[str, str]:
        token, csrf = await auth.login(self.api.db, worker.username, PASSWORD, "127.0.0.1")
        return {"Cookie": f"{auth.COOKIE}={token}", "X-CSRF-Token": csrf}


@pytest.fixture
async def runtime(db: Database, tmp_path: Any) -> AsyncIterator[Runtime]:
    inbox = make_inbox(db)
    clock = Clock(LAST_WEEK)
    inbox.clock = clock
    api = Api(db, inbox, None)  # type: ignore[arg-type]
    async with TestClient(TestServer(make_app(db, api, tmp_path))) as client:
        api.client = client
        sara, tom = await add_worker(db, "Sara"), await add_worker(db, "Tom")
        anna = await add_worker(db, "Anna", role="coordinator")
        bob = await add_worker(db, "Bob", partnership="samenwerkt")
        noor = await add_case(db, "Noor", chat="n1")
        await inbox.claim(sara, noor)
        plan = Appointments(inbox)
        past, missed = [
            await plan.create(
                sara, noor, day=day, at=time(14), minutes=60, place="Kantoor", kind="gesprek"
            )
            for day in (date(2026, 5, 4), date(2026, 5, 5))
        ]
        clock.now = NOW
        upcoming = await plan.create(
            sara, noor, day=date(2026, 5, 8), at=time(14), minutes=60, place="Kantoor",
            kind="gesprek",
        )  # fmt: skip
        await plan.mark(sara, missed, "no_show")
        async with db.transaction() as session:
            case = await session.get(Case, noor)
            assert case is not None
            case.flag, case.flagged_at = "aandacht", NOW
        for worker in (sara, tom, anna, bob):
            await api.token(worker)  # made before any snapshot
        yield Runtime(api, clock, sara, tom, anna, bob, noor, upcoming, past, missed)


Request = tuple[str, str, dict[str, Any] | None]
Make = Callable[[Runtime], Request]


@dataclass(frozen=True)
class Action:
    api: Make
    page: Make
    answers: dict[str, int]  # actor: the API's status


def rights(sara: int, tom: int, anna: int, bob: int = 404) -> dict[str, int]:
    return {"sara": sara, "tom": tom, "anna": anna, "bob": bob}


# The rule, as each person meets it. 2xx: done; 403: not yours; 404: no such case for you.
RIGHTS: dict[str, Action] = {
    "read the case": Action(
        lambda w: ("GET", f"/api/cases/{w.noor}", None),
        lambda w: ("GET", f"/inbox/cases/{w.noor}", None),
        rights(200, 200, 200)),
    "read the appointments": Action(
        lambda w: ("GET", f"/api/cases/{w.noor}/appointments", None),
        lambda w: ("GET", f"/inbox/cases/{w.noor}/appointments", None),
        rights(200, 200, 200)),
    "note": Action(
        lambda w: ("POST", f"/api/cases/{w.noor}/notes", {"text": "Gezien in het jeugdhuis"}),
        lambda w: ("POST", f"/inbox/cases/{w.noor}/note", {"text": "Gezien in het jeugdhuis"}),
        rights(204, 204, 204)),
    "claim": Action(
        lambda w: ("POST", f"/api/cases/{w.noor}/claim", None),
        lambda w: ("POST", f"/inbox/cases/{w.noor}/claim", {}),
        rights(409, 409, 409)),  # taken already, by Sara; the coordinator assigns instead
    "reply": Action(
        lambda w: ("POST", f"/api/cases/{w.noor}/reply", {"text": "Hoi Noor"}),
        lambda w: ("POST", f"/inbox/cases/{w.noor}/reply", {"text": "Hoi Noor", "ref": "r1"}),
        rights(204, 403, 204)),
    "status": Action(
        lambda w: ("POST", f"/api/cases/{w.noor}/status", {"status": "paused"}),
        lambda w: ("POST", f"/inbox/cases/{w.noor}/status", {"status": "paused"}),
        rights(204, 403, 204)),
    "assign": Action(
        lambda w: ("POST", f"/api/cases/{w.noor}/assign", {"worker_id": w.tom.id}),
        lambda w: ("POST", f"/inbox/cases/{w.noor}/assign", {"to": str(w.tom.id)}),
        rights(204, 403, 204)),
    "clear the flag": Action(
        lambda w: ("POST", f"/api/cases/{w.noor}/signals", {"clear": "flag"}),
        lambda w: ("POST", f"/inbox/cases/{w.noor}/signals", {"clear": "flag"}),
        rights(204, 403, 204)),
    "check-ins": Action(
        lambda w: ("POST", f"/api/cases/{w.noor}/checkins", {"rhythm": "week", "quiet_hours": "22:00-08:00"}),
        lambda w: ("POST", f"/inbox/cases/{w.noor}/checkins", {"rhythm": "week", "quiet_hours": "22:00-08:00"}),
        rights(204, 403, 204)),
    "read the profile": Action(
        lambda w: ("GET", f"/api/cases/{w.noor}/profile", None),
        lambda w: ("GET", f"/inbox/cases/{w.noor}", None),  # the case page shows it
        rights(200, 200, 200)),
    "profile": Action(
        lambda w: ("PUT", f"/api/cases/{w.noor}/profile", {"gender": "woman"}),
        lambda w: ("POST", f"/inbox/cases/{w.noor}/profile", {"gender": "woman"}),
        rights(200, 403, 200)),
    "plan an appointment": Action(
        lambda w: ("POST", f"/api/cases/{w.noor}/appointments", PLAN),
        lambda w: ("POST", f"/inbox/cases/{w.noor}/appointments", {k: str(v) for k, v in PLAN.items()}),
        rights(201, 403, 201)),
    "move an appointment": Action(
        lambda w: ("POST", f"/api/appointments/{w.upcoming}/move", MOVE),
        lambda w: ("POST", f"/inbox/appointments/{w.upcoming}/move", MOVE),
        rights(204, 403, 204)),
    "cancel an appointment": Action(
        lambda w: ("POST", f"/api/appointments/{w.upcoming}/cancel", None),
        lambda w: ("POST", f"/inbox/appointments/{w.upcoming}/cancel", {}),
        rights(204, 403, 204)),
    "mark an appointment": Action(
        lambda w: ("POST", f"/api/appointments/{w.past}/mark", {"state": "done"}),
        lambda w: ("POST", f"/inbox/appointments/{w.past}/mark", {"state": "done"}),
        rights(204, 403, 204)),
    "follow up a missed appointment": Action(
        lambda w: ("POST", f"/api/appointments/{w.missed}/follow-up", None),
        lambda w: ("POST", f"/inbox/appointments/{w.missed}/follow-up", {}),
        rights(204, 403, 204)),
}  # fmt: skip


# The pages answer these before looking at the case: the same answer for any case id.
PAGE_REFUSALS = {("assign", "bob"): "Kies een collega uit je eigen partnerschap."}


async def sent_to_noor(db: Database) -> int:
    async with db.transaction() as session:
        stmt = select(func.count()).select_from(Message).where(Message.direction == "out")
        return int((await session.execute(stmt)).scalar_one())


async def audited(db: Database, worker: WorkerView, case_id: int) -> list[str]:
    async with db.transaction() as session:
        stmt = select(AuditEntry.action).where(
            AuditEntry.worker_id == worker.id, AuditEntry.case_id == case_id
        )
        return list((await session.execute(stmt)).scalars())


def without_views(tables: dict[str, list[str]]) -> dict[str, list[str]]:
    """A refusal shown on the case page logs that page as a view: that and nothing else."""
    return {**tables, "audit_log": [r for r in tables["audit_log"] if "'view_case'" not in r]}


def flash(page: str) -> str:
    found = re.search(r'<p class="flash (ok|error)"[^>]*>([^<]*)</p>', page)
    assert found, "no message on the page"
    return f"{found.group(1)}: {html.unescape(found.group(2))}"


async def test_every_action_on_a_case_is_in_the_table(runtime: Runtime) -> None:
    """A new operation on a case or an appointment must say who may do it."""
    on_a_case = {
        (op.method, re.sub(r"\{[a-z_]+\}", "{}", op.path))
        for op in OPERATIONS
        if op.params and any(p.name in ("case_id", "appointment_id") for p in op.params)
        and not op.path.endswith(("/audit", "/timeline")) and op.id != "getCase"
    }  # fmt: skip
    in_table = {
        (method, re.sub(r"/[0-9]+", "/{}", path))
        for action in RIGHTS.values()
        for method, path, _ in [action.api(runtime)]
    }
    assert on_a_case <= in_table, sorted(on_a_case - in_table)


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("action", list(RIGHTS))
async def test_the_api_applies_one_rule(runtime: Runtime, action: str, actor: str) -> None:
    worker = runtime.actor(actor)
    expected = RIGHTS[action].answers[actor]
    before = await every_row(runtime.api.db)
    sent_before = await sent_to_noor(runtime.api.db)
    method, path, body = RIGHTS[action].api(runtime)
    reply = await runtime.api.call(method, path, worker, json_body=body)
    assert reply.status == expected, reply.body
    if expected >= 400:
        assert await sent_to_noor(runtime.api.db) == sent_before, "Noor got a message anyway"
        assert await every_row(runtime.api.db) == before, "a refusal changed something"
        if expected == 403:
            assert reply.body["detail"] == NOT_YOURS
    else:
        assert await audited(runtime.api.db, worker, runtime.noor), "done without an audit row"


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("action", list(RIGHTS))
async def test_the_pages_apply_the_same_rule(runtime: Runtime, action: str, actor: str) -> None:
    worker = runtime.actor(actor)
    expected = RIGHTS[action].answers[actor]
    headers = await runtime.headers(worker)
    before = await every_row(runtime.api.db)
    sent_before = await sent_to_noor(runtime.api.db)
    method, path, form = RIGHTS[action].page(runtime)
    async with runtime.api.client.request(
        method, path, data=form, headers=headers, allow_redirects=False
    ) as response:
        status, location, page = (
            response.status, response.headers.get("Location", ""), await response.text()
        )  # fmt: skip
    if status == 303:  # back to the case, with the outcome as a message
        assert location.startswith(f"/inbox/cases/{runtime.noor}?")
        after = await every_row(runtime.api.db)
        async with runtime.api.client.get(location, headers=headers) as shown:
            page = await shown.text()
        seen = flash(page)
    else:
        after = await every_row(runtime.api.db)
        seen = page
    if (action, actor) in PAGE_REFUSALS:
        assert seen == f"error: {PAGE_REFUSALS[action, actor]}" and "Noor" not in page
    elif expected == 404:
        assert status == 404 and "bestaat niet" in page and "Noor" not in page
    elif expected in (403, 409):
        refusal = NOT_YOURS if expected == 403 else "Sara heeft deze aanmelding al genomen."
        if status == 303:
            assert seen == f"error: {refusal}"
        else:  # a refused reply comes back with the draft kept
            assert status == 403 and refusal in html.unescape(page) and "Hoi Noor" in page
    elif method == "GET":
        assert status == 200 and "Kantoor" in page  # Noor's appointments
    else:
        assert status == 303 and seen.startswith("ok: "), seen
    if expected >= 400:
        assert without_views(after) == without_views(before), "a refusal changed something"
        assert await sent_to_noor(runtime.api.db) == sent_before, "Noor got a message anyway"
    else:
        assert await audited(runtime.api.db, worker, runtime.noor), "done without an audit row"


async def test_the_colleague_noor_meets_may_act_on_that_appointment(runtime: Runtime) -> None:
    """Sara plans Noor's talk with Tom: Tom sees it in his agenda and may move or mark it,
    but Noor's case stays Sara's: Tom plans nothing new for her."""
    api, tom = runtime.api, runtime.tom
    body = {**PLAN, "worker_id": tom.id}
    with_tom = (await api.post(f"/api/cases/{runtime.noor}/appointments", runtime.sara, body)).body
    agenda = (await api.call("GET", "/api/agenda", tom, params={"day": PLAN["date"]})).body
    assert [a["id"] for a in agenda] == [with_tom["id"]]
    moved = await api.post(f"/api/appointments/{with_tom['id']}/move", tom, MOVE)
    assert moved.status == 204
    again = await api.post(f"/api/cases/{runtime.noor}/appointments", tom, PLAN)
    assert again.status == 403 and again.body["detail"] == NOT_YOURS
    assert (await api.post(f"/api/appointments/{runtime.upcoming}/cancel", tom)).status == 403


async def test_a_colleague_covering_for_sara_may_act(runtime: Runtime) -> None:
    """While Sara is away with Tom as her cover, Tom answers and plans for Noor."""
    api = runtime.api
    away = {"absent": True, "cover_id": runtime.tom.id}
    assert (
        await api.post(f"/api/team/{runtime.sara.id}/presence", runtime.sara, away)
    ).status == 204
    plan = await api.post(f"/api/cases/{runtime.noor}/appointments", runtime.tom, PLAN)
    assert plan.status == 201
    assert (
        await api.post(f"/api/appointments/{runtime.upcoming}/cancel", runtime.tom)
    ).status == 204


async def test_the_case_page_tells_a_colleague_before_they_try(runtime: Runtime) -> None:
    """Tom opens Noor's case: it says up front what he can do there; Sara and Anna see no such
    line."""
    note = (
        "Noor is bij Sara. Je kunt meelezen en een notitie schrijven. "
        "Antwoorden, afspraken en de status regelt Sara of een coördinator."
    )
    for worker, told in ((runtime.tom, True), (runtime.sara, False), (runtime.anna, False)):
        headers = await runtime.headers(worker)
        async with runtime.api.client.get(f"/inbox/cases/{runtime.noor}", headers=headers) as page:
            assert page.status == 200
            assert (note in html.unescape(await page.text())) is told, worker.first_name
