"""The case's profile in the JSON API: reading it (audited), a partial change, refusals that
name the field, another partnership's case, a read-only token; checked against the document."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import pytest
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import select

from inbox import auth
from storage import privacy, workers
from storage.clock import utcnow
from storage.db import Database
from storage.models import AuditEntry, Case, CaseEvent, Youth
from storage.profiles import CHOICES
from tests.inbox.test_api import Api, make_app, make_inbox
from tests.support.inbox import PASSWORD, add_case, add_worker

UNKNOWN = {field: "unknown" for field in CHOICES}


@pytest.fixture
async def api(db: Database) -> AsyncIterator[Api]:
    inbox = make_inbox(db)
    async with TestClient(TestServer(make_app(db, inbox))) as client:
        yield Api(db, inbox, client)


async def audited(db: Database, case_id: int) -> list[str]:
    async with db.transaction() as session:
        stmt = select(AuditEntry.action).where(AuditEntry.case_id == case_id)
        return list((await session.execute(stmt)).scalars())


async def test_reading_and_changing_part_of_the_profile(api: Api) -> None:
    sara = await add_worker(api.db, "Sara")
    case_id = await add_case(api.db)
    await api.inbox.claim(sara, case_id)
    path = f"/api/cases/{case_id}/profile"

    empty = await api.get(path, sara)
    assert empty.status == 200
    assert empty.body == {**UNKNOWN, "filled_by": None, "filled_by_name": None, "filled_at": None}
    assert "view_profile" in await audited(api.db, case_id)  # reading is in the trail

    changed = await api.call("PUT", path, sara, json_body={"gender": "x", "education": "isced_0_2"})
    assert changed.status == 200
    assert changed.body["gender"] == "x" and changed.body["education"] == "isced_0_2"
    assert changed.body["labour_status"] == "unknown"
    assert (changed.body["filled_by"], changed.body["filled_by_name"]) == (sara.id, "Sara")
    assert changed.body["filled_at"] is not None

    # A partial update: what is left out (or null) stays as it was.
    later = await api.call("PUT", path, sara, json_body={"rural": "yes", "gender": None})
    assert later.status == 200
    assert (later.body["gender"], later.body["education"], later.body["rural"]) == (
        "x", "isced_0_2", "yes",
    )  # fmt: skip
    assert (await api.get(path, sara)).body == later.body
    assert (await audited(api.db, case_id)).count("profile") == 2
    async with api.db.transaction() as session:
        kinds = await session.execute(select(CaseEvent.kind).where(CaseEvent.case_id == case_id))
        assert list(kinds.scalars()).count("profile") == 2


@pytest.mark.parametrize(
    ("body", "detail"),
    [
        ({"gender": "female"}, "'gender' moet een van deze waarden zijn: woman, man, x, not_said, unknown, null."),
        ({"education": "isced_3_4", "homeless": "maybe"}, "'homeless' moet een van deze waarden zijn: yes, no, unknown, null."),
        ({"qualification": True}, "'qualification' moet tekst of null zijn."),
        ({"shoe_size": "42"}, "Het veld 'shoe_size' bestaat niet."),
    ],
)  # fmt: skip
async def test_a_bad_value_is_422_naming_the_field(api: Api, body: object, detail: str) -> None:
    sara = await add_worker(api.db, "Sara")
    case_id = await add_case(api.db)
    await api.inbox.claim(sara, case_id)
    refused = await api.call("PUT", f"/api/cases/{case_id}/profile", sara, json_body=body)
    assert refused.status == 422 and refused.body["detail"] == detail
    assert (await api.get(f"/api/cases/{case_id}/profile", sara)).body["filled_at"] is None


async def test_who_may_change_it_and_who_may_not(api: Api) -> None:
    sara = await add_worker(api.db, "Sara")
    piet = await add_worker(api.db, "Piet")
    jan = await add_worker(api.db, "Jan", role="coordinator")
    tom = await add_worker(api.db, "Tom", partnership="samenwerkt")
    case_id = await add_case(api.db)
    await api.inbox.claim(sara, case_id)
    path = f"/api/cases/{case_id}/profile"

    assert (await api.get(path, tom)).status == 404  # another partnership's case
    assert (await api.call("PUT", path, tom, json_body={"gender": "man"})).status == 404
    assert (await api.get(path, piet)).status == 200  # a colleague reads
    refused = await api.call("PUT", path, piet, json_body={"gender": "man"})
    assert refused.status == 403 and "collega" in refused.body["detail"]
    assert (await api.call("PUT", path, jan, json_body={"gender": "woman"})).status == 200

    # A read-only token reads, and changes nothing.
    read_only = "test-read-only-token-of-sara"
    async with api.db.transaction() as session:
        row = await workers.get(session, sara.id)
        assert row is not None
        await workers.add_token(session, row, read_only, "rapport", utcnow(), scope="read")
    bearer = {"Authorization": f"Bearer {read_only}"}
    assert (await api.call("GET", path, headers=bearer)).status == 200
    body = {"gender": "man"}
    refused = await api.call("PUT", path, json_body=body, headers=bearer)
    assert refused.status == 403

    # With the session cookie, a PUT needs the CSRF header like a POST.
    token, csrf = await auth.login(api.db, "sara@wam", PASSWORD, "127.0.0.1")
    cookie = {"Cookie": f"{auth.COOKIE}={token}", "Content-Type": "application/json"}
    no_csrf = await api.call("PUT", path, data=json.dumps(body), headers=cookie)
    assert no_csrf.status == 403
    assert (await api.get(path, sara)).body["gender"] == "woman"
    with_csrf = await api.call(
        "PUT", path, data=json.dumps(body), headers={**cookie, "X-CSRF-Token": csrf}
    )
    assert with_csrf.status == 200 and with_csrf.body["gender"] == "man"


def test_the_document_describes_both_operations() -> None:
    from inbox.openapi import document

    doc = document()
    ops = doc["paths"]["/api/cases/{case_id}/profile"]
    assert ops["get"]["operationId"] == "getProfile" and ops["put"]["operationId"] == "setProfile"
    assert {"403", "404", "422"} <= set(ops["put"]["responses"])
    change = doc["components"]["schemas"]["ProfileChange"]
    assert "required" not in change  # every field may be left out
    assert change["properties"]["gender"]["enum"] == [
        "woman",
        "man",
        "x",
        "not_said",
        "unknown",
        None,
    ]


async def test_an_erased_case_gets_no_profile_back(api: Api) -> None:
    sara = await add_worker(api.db, "Sara")
    case_id = await add_case(api.db)
    await api.inbox.claim(sara, case_id)
    path = f"/api/cases/{case_id}/profile"
    assert (await api.call("PUT", path, sara, json_body={"gender": "woman"})).status == 200
    async with api.db.transaction() as session:
        case = await session.get(Case, case_id)
        assert case is not None
        youth = await session.get(Youth, case.youth_id)
        assert youth is not None
        await privacy.erase(session, youth, "request", utcnow())
    assert (await api.get(path, sara)).body == {
        **UNKNOWN, "filled_by": None, "filled_by_name": None, "filled_at": None,
    }  # fmt: skip
    refused = await api.call("PUT", path, sara, json_body={"gender": "woman"})
    assert refused.status == 409 and "wissen" in refused.body["detail"]
