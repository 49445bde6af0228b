"""Appointments through the JSON API, on both databases: plan, list, move, cancel, mark,
follow up, my day; and the bad input of the issue as clear 422 problems in Dutch."""

from __future__ import annotations

import random
import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import func, select

from inbox.openapi import BY_ID, document
from storage import appointments as stored
from storage.db import Database
from storage.models import Appointment, Case, Message, Reminder
from storage.workers import WorkerView
from tests.inbox.test_api import PROBLEM, Api, make_app, make_inbox, odd_value
from tests.support.clock import Clock
from tests.support.inbox import add_case, add_worker

NOW = datetime(2026, 5, 1, 8, 0, tzinfo=UTC)  # Friday 1 May 2026, 10u in Brussels
PLAN: dict[str, Any] = {
    "date": "2026-05-04",
    "time": "14:00",
    "minutes": 45,
    "place": "VDAB Maasmechelen, Rijksweg 1",
    "kind": "vdab",
    "note": "Breng je identiteitskaart mee.",
}


class Planner(Api):
    clock: Clock
    sara: WorkerView
    jan: WorkerView
    tom: WorkerView
    noor: int
    lina: int

    async def plan(self, **changes: Any) -> Any:
        return await self.post(
            f"/api/cases/{self.noor}/appointments", self.sara, {**PLAN, **changes}
        )


@pytest.fixture
async def api(db: Database) -> AsyncIterator[Planner]:
    inbox = make_inbox(db)
    clock = Clock(NOW)
    inbox.clock = clock
    async with TestClient(TestServer(make_app(db, inbox))) as client:
        planner = Planner(db, inbox, client)
        planner.clock = clock
        planner.sara = await add_worker(db, "Sara")
        planner.jan = await add_worker(db, "Jan", role="coordinator")
        planner.tom = await add_worker(db, "Tom", partnership="samenwerkt")
        planner.noor = await add_case(db, "Noor", chat="1")
        planner.lina = await add_case(db, "Lina", partnership="samenwerkt", chat="2")
        yield planner


async def rows(db: Database, model: Any) -> list[Any]:
    async with db.transaction() as session:
        return list((await session.execute(select(model).order_by(model.id))).scalars())


async def messages_with(db: Database, text: str) -> int:
    async with db.transaction() as session:
        stmt = select(func.count()).select_from(Message).where(Message.text.contains(text))
        return int((await session.execute(stmt)).scalar_one())


def test_the_document_describes_the_appointment_operations() -> None:
    doc = document()
    create = doc["paths"]["/api/cases/{case_id}/appointments"]["post"]
    assert set(create["responses"]) >= {"201", "401", "403", "404", "409", "422"}
    body = doc["components"]["schemas"]["NewAppointment"]
    assert body["properties"]["place"]["maxLength"] == 300
    assert body["properties"]["minutes"]["minimum"] == 1
    assert body["properties"]["kind"]["enum"] == [
        "gesprek", "vdab", "huisbezoek", "netwerkmoment", "groepsactiviteit",
    ]  # fmt: skip
    agenda = doc["paths"]["/api/agenda"]["get"]
    assert agenda["parameters"][0]["name"] == "day" and "422" in agenda["responses"]
    for op in ("moveAppointment", "cancelAppointment", "markAppointment", "followUpAppointment"):
        assert BY_ID[op].params[0].name == "appointment_id"


async def test_plan_list_move_cancel(api: Planner) -> None:
    created = await api.plan()
    assert created.status == 201 and isinstance(created.body["id"], int)
    ident = created.body["id"]
    assert await messages_with(api.db, "Sara plant een afspraak met je.") == 1
    reminders = await rows(api.db, Reminder)
    assert {r.offset_minutes for r in reminders} == {24 * 60, 2 * 60}

    listed = await api.get(f"/api/cases/{api.noor}/appointments", api.sara)
    assert listed.status == 200 and len(listed.body) == 1
    item = listed.body[0]
    assert item == {
        "id": ident,
        "case_id": api.noor,
        "youth_name": "Noor",
        "starts_at": "2026-05-04T12:00:00+00:00",
        "ends_at": "2026-05-04T12:45:00+00:00",
        "minutes": 45,
        "place": "VDAB Maasmechelen, Rijksweg 1",
        "kind": "vdab",
        "worker_name": "Sara",
        "note": "Breng je identiteitskaart mee.",
        "state": "proposed",
        "late": False,
        "wish": {},
        "version": 1,
    }

    moved = await api.post(
        f"/api/appointments/{ident}/move", api.sara, {"date": "2026-05-05", "time": "09:30"}
    )
    assert moved.status == 204
    item = (await api.get(f"/api/cases/{api.noor}/appointments", api.sara)).body[0]
    assert item["starts_at"] == "2026-05-05T07:30:00+00:00" and item["version"] == 2
    assert await messages_with(api.db, "Je afspraak met Sara is verzet.") == 1

    assert (await api.post(f"/api/appointments/{ident}/cancel", api.sara)).status == 204
    item = (await api.get(f"/api/cases/{api.noor}/appointments", api.sara)).body[0]
    assert item["state"] == "cancelled"
    assert all(r.status == "cancelled" for r in await rows(api.db, Reminder))
    again = await api.post(f"/api/appointments/{ident}/cancel", api.sara)
    assert again.status == 409 and "niet meer geannuleerd" in again.body["detail"]
    late_move = await api.post(
        f"/api/appointments/{ident}/move", api.sara, {"date": "2026-05-06", "time": "10:00"}
    )
    assert late_move.status == 409 and "niet meer verzet" in late_move.body["detail"]


async def test_with_a_colleague_and_not_with_another_partnerships(api: Planner) -> None:
    created = await api.plan(worker_id=api.jan.id, note=None)
    assert created.status == 422  # note may be left out, not null
    created = await api.plan(worker_id=api.jan.id)
    assert created.status == 201
    item = (await api.get(f"/api/cases/{api.noor}/appointments", api.jan)).body[0]
    assert item["worker_name"] == "Jan"
    refused = await api.plan(worker_id=api.tom.id)
    assert refused.status == 404 and "collega" in refused.body["detail"]
    assert len(await rows(api.db, Appointment)) == 1


async def test_mark_and_follow_up(api: Planner) -> None:
    ident = (await api.plan()).body["id"]
    mark = f"/api/appointments/{ident}/mark"
    early = await api.post(mark, api.sara, {"state": "done"})
    assert early.status == 409 and early.body["detail"] == "Die afspraak moet nog beginnen."
    follow = f"/api/appointments/{ident}/follow-up"
    assert (await api.post(follow, api.sara)).status == 409

    api.clock.now = NOW + timedelta(days=3, hours=5)  # during the appointment
    assert (await api.post(mark, api.sara, {"state": "no_show"})).status == 204
    assert (await api.post(follow, api.sara)).status == 204
    text = "Jammer dat het vandaag niet lukte. Zullen we een nieuw moment zoeken?"
    assert await messages_with(api.db, text) == 1
    assert (await api.post(mark, api.sara, {"state": "done"})).status == 204
    item = (await api.get(f"/api/cases/{api.noor}/appointments", api.sara)).body[0]
    assert item["state"] == "done"
    wrong = await api.post(mark, api.sara, {"state": "cancelled"})
    assert wrong.status == 422 and "done, no_show" in wrong.body["detail"]


async def test_the_youths_answers_are_in_the_list(api: Planner) -> None:
    ident = (await api.plan()).body["id"]
    async with api.db.transaction() as session:
        case = await session.get(Case, api.noor)
        assert case is not None
        await stored.youth_answered(
            session, case.youth_id, ident, "wants_change", ("morning",), "Ik werk dan", NOW
        )
        await stored.youth_answered(session, case.youth_id, ident, "late", (), "", NOW)
    item = (await api.get(f"/api/cases/{api.noor}/appointments", api.sara)).body[0]
    assert item["state"] == "wants_change" and item["late"] is True
    assert item["wish"] == {"dayparts": ["morning"], "reason": "Ik werk dan"}


async def test_my_agenda_of_a_day(api: Planner) -> None:
    await api.plan(date="2026-05-01", time="15:00", place="Vandaag")
    await api.plan(date="2026-05-04", time="14:00", place="Maandag laat")
    await api.plan(date="2026-05-04", time="09:00", place="Maandag vroeg")
    await api.plan(date="2026-05-04", time="11:00", place="Bij Jan", worker_id=api.jan.id)

    today = await api.get("/api/agenda", api.sara)
    assert today.status == 200 and [i["place"] for i in today.body] == ["Vandaag"]
    monday = await api.call("GET", "/api/agenda", api.sara, params={"day": "2026-05-04"})
    assert [i["place"] for i in monday.body] == ["Maandag vroeg", "Maandag laat"]
    assert {i["youth_name"] for i in monday.body} == {"Noor"}
    assert {i["case_id"] for i in monday.body} == {api.noor}
    jan = await api.call("GET", "/api/agenda", api.jan, params={"day": "2026-05-04"})
    assert [i["place"] for i in jan.body] == ["Bij Jan"]
    other = await api.call("GET", "/api/agenda", api.tom, params={"day": "2026-05-04"})
    assert other.body == []


@pytest.mark.parametrize("day", ["morgen", "2026-13-01", "2026-5-4", "", "2026-05-04T10:00"])
async def test_the_agenda_refuses_a_day_that_is_not_one(api: Planner, day: str) -> None:
    reply = await api.call("GET", "/api/agenda", api.sara, params={"day": day})
    assert reply.status == 422 and reply.content_type == PROBLEM
    assert "'day' moet een datum zijn" in reply.body["detail"]


BAD: list[tuple[dict[str, Any], str]] = [
    ({"date": "2027-03-28", "time": "02:30"}, "Die tijd bestaat niet op die dag"),
    ({"date": "2026-10-25", "time": "02:30"}, "Die tijd bestaat twee keer op die dag"),
    ({"date": "2026-04-30"}, "Die afspraak ligt in het verleden."),
    ({"date": "2026-05-01", "time": "10:00"}, "Die afspraak ligt in het verleden."),
    ({"minutes": 0}, "'minutes' moet minstens 1 zijn."),
    ({"minutes": -5}, "'minutes' moet minstens 1 zijn."),
    ({"minutes": 721}, "'minutes' mag hooguit 720 zijn."),
    ({"minutes": "60"}, "'minutes' moet een geheel getal zijn."),
    ({"place": "x" * 5000}, "'place' mag hooguit 300 tekens lang zijn (nu 5000)."),
    ({"place": "   "}, "Vul in waar de afspraak doorgaat."),
    ({"place": ""}, "'place' moet minstens 1 teken(s) lang zijn."),
    ({"note": "x" * 1001}, "'note' mag hooguit 1000 tekens lang zijn (nu 1001)."),
    ({"date": "2026-02-30"}, "'date' is geen bestaande datum (JJJJ-MM-DD)."),
    ({"date": "4 mei"}, "'date' heeft niet de verwachte vorm"),
    ({"time": "24:00"}, "'time' heeft niet de verwachte vorm"),
    ({"time": "14:00:00"}, "'time' mag hooguit 5 tekens lang zijn"),
    ({"kind": "feestje"}, "'kind' moet een van deze waarden zijn: gesprek, vdab"),
    ({"when": "morgen"}, "Het veld 'when' bestaat niet."),
]


@pytest.mark.parametrize(("changes", "detail"), BAD, ids=[d for _, d in BAD])
async def test_bad_input_is_a_clear_422(api: Planner, changes: dict[str, Any], detail: str) -> None:
    reply = await api.plan(**changes)
    assert reply.status == 422 and reply.content_type == PROBLEM
    assert detail in reply.body["detail"]
    assert await rows(api.db, Appointment) == []
    assert await messages_with(api.db, "plant een afspraak") == 0


async def test_a_missing_field_is_named(api: Planner) -> None:
    body = {k: v for k, v in PLAN.items() if k != "minutes"}
    reply = await api.post(f"/api/cases/{api.noor}/appointments", api.sara, body)
    assert reply.status == 422 and reply.body["detail"] == "Het veld 'minutes' ontbreekt."


@pytest.mark.parametrize(
    ("move", "detail"),
    [
        ({"date": "2027-03-28", "time": "02:30"}, "Die tijd bestaat niet op die dag"),
        ({"date": "2026-10-25", "time": "02:30"}, "Die tijd bestaat twee keer op die dag"),
        ({"date": "2026-04-01", "time": "10:00"}, "Die afspraak ligt in het verleden."),
        ({"date": "2026-05-05"}, "Het veld 'time' ontbreekt."),
    ],
)
async def test_moving_refuses_bad_times(api: Planner, move: dict[str, str], detail: str) -> None:
    ident = (await api.plan()).body["id"]
    reply = await api.post(f"/api/appointments/{ident}/move", api.sara, move)
    assert reply.status == 422 and detail in reply.body["detail"]
    [appointment] = await rows(api.db, Appointment)
    assert appointment.version == 1 and appointment.state == "proposed"


async def test_a_closed_case_gets_no_appointment(api: Planner) -> None:
    await api.inbox.claim(api.sara, api.noor)
    await api.inbox.set_status(api.sara, api.noor, "closed", "work")
    reply = await api.plan()
    assert reply.status == 409 and reply.body["detail"] == "Deze aanmelding is afgesloten."


async def test_closing_through_the_api_cancels_what_is_planned_and_refuses_erased(
    api: Planner,
) -> None:
    await api.inbox.claim(api.sara, api.noor)
    ident = (await api.plan()).body["id"]
    erased = await api.post(
        f"/api/cases/{api.noor}/status", api.sara, {"status": "closed", "outcome": "erased"}
    )
    assert erased.status == 422
    item = (await api.get(f"/api/cases/{api.noor}/appointments", api.sara)).body[0]
    assert item["state"] == "proposed"

    closed = await api.post(
        f"/api/cases/{api.noor}/status", api.sara, {"status": "closed", "outcome": "work"}
    )
    assert closed.status == 204
    item = (await api.get(f"/api/cases/{api.noor}/appointments", api.sara)).body[0]
    assert item["id"] == ident and item["state"] == "cancelled"
    assert all(r.status == "cancelled" for r in await rows(api.db, Reminder))
    assert await messages_with(api.db, "Je afspraak van maandag 4 mei om 14u gaat niet door.") == 1


async def test_another_partnerships_ids_are_not_found(api: Planner) -> None:
    reply = await api.post(f"/api/cases/{api.lina}/appointments", api.sara, PLAN)
    assert reply.status == 404 and "bestaat niet" in reply.body["detail"]
    listed = await api.get(f"/api/cases/{api.lina}/appointments", api.sara)
    assert listed.status == 404
    ident = (await api.post(f"/api/cases/{api.lina}/appointments", api.tom, PLAN)).body["id"]
    for action, body in (
        ("move", {"date": "2026-05-05", "time": "10:00"}),
        ("cancel", None),
        ("mark", {"state": "done"}),
        ("follow-up", None),
    ):
        reply = await api.post(f"/api/appointments/{ident}/{action}", api.sara, body)
        assert reply.status == 404
        assert reply.body["detail"] == "Deze afspraak bestaat niet (of niet in jouw partnerschap)."
    [appointment] = await rows(api.db, Appointment)
    assert appointment.state == "proposed" and appointment.version == 1


async def test_odd_requests_to_the_appointment_operations_never_break_the_server(
    api: Planner,
) -> None:
    """Odd ids, odd fields and odd bodies: never a 5xx, never off-schema (see test_api)."""
    ident = (await api.plan()).body["id"]
    valid: dict[str, dict[str, Any]] = {
        "NewAppointment": {**PLAN, "worker_id": None},
        "MoveAppointment": {"date": "2026-05-06", "time": "10:00"},
        "MarkAppointment": {"state": "no_show"},
    }
    ops = [op for op in BY_ID.values() if op.tag == "appointments"]
    ids = [api.noor, api.lina, ident, 0, 2**53 - 1, 2**63, "x"]
    rng = random.Random(20260501)
    for _ in range(250):
        op = rng.choice(ops)
        path = re.sub(r"\{[a-z_]+\}", lambda _: str(rng.choice(ids)), op.path)
        body: Any = None
        if op.body is not None:
            body = dict(valid[op.body.__name__])
            roll = rng.random()
            if roll < 0.6:
                body[rng.choice([*body, "extra"])] = odd_value(rng)
            elif roll < 0.8:
                body = odd_value(rng)
        params = {"day": rng.choice(["2026-05-04", "x", "2026-02-30", ""])}
        worker = rng.choice((api.sara, api.jan, api.tom))
        reply = await api.call(op.method, path, worker, json_body=body, params=params)
        assert reply.status < 500, (op.id, path, body, reply.body)
