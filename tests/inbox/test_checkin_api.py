"""Check-ins and signals in the JSON API: what a case and the queue say, clearing a signal,
setting the rhythm and quiet hours; every answer checked against the OpenAPI document."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import select

from storage.clock import utcnow
from storage.db import Database
from storage.models import AuditEntry, Case, CheckIn, Youth
from tests.inbox.test_api import Api, make_app, make_inbox
from tests.support.inbox import add_case, add_worker


@pytest.fixture
async def api(db: Database) -> AsyncIterator[Api]:
    inbox = make_inbox(db)
    async with TestClient(TestServer(make_app(db, inbox))) as client:
        yield Api(db, inbox, client)


async def signals(db: Database, case_id: int) -> tuple[bool, str | None]:
    async with db.transaction() as session:
        case = await session.get(Case, case_id)
        assert case is not None
        return case.urgent, case.flag


async def test_signals_in_the_queue_and_clearing_them(api: Api) -> None:
    sara = await add_worker(api.db, "Sara")
    piet = await add_worker(api.db, "Piet")
    case_id = await add_case(api.db)
    await api.inbox.claim(sara, case_id)
    until = utcnow() + timedelta(days=14)
    async with api.db.transaction() as session:
        case = await session.get(Case, case_id)
        assert case is not None
        case.urgent, case.flag = True, "uit_beeld"
        youth = await session.get(Youth, case.youth_id)
        assert youth is not None
        youth.paused_until, youth.stopped = until, True

    (mine,) = (await api.get("/api/queue", sara)).body["mine"]
    assert (mine["urgent"], mine["flag"], mine["stopped"], mine["unreachable"]) == (
        True, "uit_beeld", True, False,
    )  # fmt: skip
    assert mine["paused_until"][:16] == until.isoformat()[:16]

    path = f"/api/cases/{case_id}/signals"
    assert (await api.post(path, piet, {"clear": "urgent"})).status == 403
    assert (await api.post(path, sara, {"clear": "everything"})).status == 422
    assert (await api.post(path, sara, {})).status == 422
    assert await signals(api.db, case_id) == (True, "uit_beeld")
    refused = await api.post(path, sara, {"clear": "urgent"})  # what was done?
    assert refused.status == 422 and refused.body["detail"].startswith("Schrijf kort wat je deed")
    followed = {"clear": "urgent", "note": "Gebeld, hij is veilig thuis."}
    assert (await api.post(path, sara, followed)).status == 204
    assert await signals(api.db, case_id) == (False, "uit_beeld")
    assert (await api.post(path, sara, {"clear": "flag"})).status == 204
    assert (await api.post(path, sara, {"clear": "flag"})).status == 204  # nothing left: fine
    assert await signals(api.db, case_id) == (False, None)
    async with api.db.transaction() as session:
        actions = list((await session.execute(select(AuditEntry.action))).scalars())
    assert actions.count("clear_urgent") == 1 and actions.count("clear_flag") == 1


async def test_check_ins_of_a_case_and_setting_them(api: Api) -> None:
    sara = await add_worker(api.db, "Sara")
    jan = await add_worker(api.db, "Jan", role="coordinator")
    case_id = await add_case(api.db)
    await api.inbox.claim(sara, case_id)
    case = (await api.get(f"/api/cases/{case_id}", sara)).body
    assert case["checkins"] == {
        "rhythm": None, "quiet_hours": None, "default_quiet_hours": "21:00-09:00", "answers": [],
    }  # fmt: skip

    path = f"/api/cases/{case_id}/checkins"
    refused = await api.post(path, sara, {"rhythm": "week", "quiet_hours": "'s nachts"})
    assert refused.status == 422 and "stille uren" in refused.body["detail"]
    assert (await api.post(path, sara, {"rhythm": "daily", "quiet_hours": None})).status == 422
    assert (await api.post(path, sara, {"rhythm": "week"})).status == 422  # both, always
    assert (await api.post(path, sara, {"rhythm": "week", "quiet_hours": "22-7"})).status == 204
    checkins = (await api.get(f"/api/cases/{case_id}", sara)).body["checkins"]
    assert (checkins["rhythm"], checkins["quiet_hours"]) == ("week", "22:00-07:00")
    assert (await api.post(path, sara, {"rhythm": "month", "quiet_hours": None})).status == 204
    checkins = (await api.get(f"/api/cases/{case_id}", sara)).body["checkins"]
    assert (checkins["rhythm"], checkins["quiet_hours"]) == ("month", None)

    sent = utcnow() - timedelta(days=1)
    async with api.db.transaction() as session:
        row = await session.get(Case, case_id)
        assert row is not None
        session.add(
            CheckIn(
                youth_id=row.youth_id, case_id=case_id, kind="checkin", status="answered",
                due_at=sent, sent_at=sent, answered_at=sent, score=2, note="Moe",
                created_at=sent,
            )
        )  # fmt: skip
    (answer,) = (await api.get(f"/api/cases/{case_id}", sara)).body["checkins"]["answers"]
    assert (answer["score"], answer["note"]) == (2, "Moe")
    for worker in (sara, jan):
        (low,) = (await api.get("/api/queue", worker)).body["low"]
        assert (low["case"]["id"], low["score"]) == (case_id, 2)

    await api.inbox.set_status(sara, case_id, "closed", "work")
    closed = await api.post(path, sara, {"rhythm": "week", "quiet_hours": None})
    assert closed.status == 409
