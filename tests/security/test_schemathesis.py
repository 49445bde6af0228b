"""Schemathesis against the live service's /api/openapi.json: every operation, with a valid
bearer token, positive and negative examples, bounded (MAX_EXAMPLES per operation and mode, no
shrinking) and derandomized (Hypothesis's fixed seed, no example database) so CI is reproducible.

The service runs in the test's event loop; schemathesis (synchronous, `requests`) runs in a
worker thread against the real port. Generated path ids are mixed with the ids of real rows
(of the caller's partnership and of another), so the handlers past the 404 are reached too.
Failures are collected per example and reported at once. Checks: no 5xx, every status, content
type and body as the document says, negative data refused, and no operation works without auth.
"""

from __future__ import annotations

import asyncio
import os
import time as clock
from dataclasses import dataclass, field
from datetime import date, time, timedelta
from pathlib import Path
from typing import Any

import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    ignored_auth,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from inbox.appointments import Appointments
from inbox.openapi import BY_ID, OPERATIONS
from storage import workers
from storage.clock import utcnow
from tests.support.inbox import add_case, add_worker
from tests.support.service import make_settings, serving

# Per operation and generation mode; SCHEMATHESIS_EXAMPLES=500 for a deeper run by hand.
MAX_EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "25"))
CHECKS = [
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
    content_type_conformance,
    negative_data_rejection,
    ignored_auth,
]
NEGATIVE = schemathesis.GenerationMode.NEGATIVE
TOKEN = "schemathesis-token-for-anna-of-wam"


@dataclass
class Ids:
    """Real rows: path ids are drawn from these as well as generated."""

    case_id: list[int] = field(default_factory=list)
    worker_id: list[int] = field(default_factory=list)
    appointment_id: list[int] = field(default_factory=list)


@dataclass
class Found:
    operation: str
    mode: str
    status: int
    what: str


async def seed(service: Any) -> Ids:
    """Partnership wam (Anna coordinates, Sara works) and samenwerkt (Bert), with cases,
    a conversation, a note and appointments on both sides."""
    db, inbox = service.db, service.inbox
    anna = await add_worker(db, "Anna", role="coordinator")
    sara = await add_worker(db, "Sara")
    bert = await add_worker(db, "Bert", role="coordinator", partnership="samenwerkt")
    mine = await add_case(db, "Noor", chat="s1")
    waiting = await add_case(db, "Lina", chat="s2")
    theirs = await add_case(db, "Lotte", partnership="samenwerkt", chat="s3")
    await inbox.claim(anna, mine)
    await inbox.reply(anna, mine, "Hoi Noor, zullen we afspreken?", ref="seed-1")
    await inbox.note(anna, mine, "Belt liever niet.")
    await inbox.claim(bert, theirs)
    appointments = Appointments(inbox)
    later = date.today() + timedelta(days=30)
    ours = await appointments.create(
        anna, mine, day=later, at=time(10), minutes=30, place="Kantoor", kind="gesprek"
    )
    other = await appointments.create(
        bert, theirs, day=later, at=time(11), minutes=30, place="Elders", kind="gesprek"
    )
    async with db.transaction() as session:
        row = await workers.get(session, anna.id)
        assert row is not None
        await workers.add_token(session, row, TOKEN, "schemathesis", utcnow())
    return Ids(
        case_id=[mine, waiting, theirs],
        worker_id=[anna.id, sara.id, bert.id],
        appointment_id=[ours, other],
    )


LATER = (date.today() + timedelta(days=60)).isoformat()
VALID: dict[str, dict[str, Any]] = {
    "Reply": {"text": "Hoi", "ref": None},
    "Note": {"text": "Notitie"},
    "Status": {"status": "paused"},
    "NewWorker": {"username": "nieuw", "first_name": "Nieuw", "password": "lang genoeg ww"},
    "Presence": {"absent": False, "cover_id": None},
    "NewTokenRequest": {"name": "fuzz"},
    "NewAppointment": {"date": LATER, "time": "14:00", "minutes": 60, "place": "Kantoor",
                       "kind": "gesprek"},
    "MoveAppointment": {"date": LATER, "time": "10:00"},
    "MarkAppointment": {"state": "done"},
    "ClearSignal": {"clear": "urgent", "note": "Gebeld"},
    "SetCheckins": {"rhythm": "week", "quiet_hours": "22:00-08:00"},
}  # fmt: skip


def strategy(
    operation: schemathesis.APIOperation, mode: schemathesis.GenerationMode, ids: Ids
) -> st.SearchStrategy[schemathesis.Case]:
    """Generated cases; for positive ones also with each real id in the path, with a generated
    body and with a valid one (so a 2xx is reached past the business rules too)."""
    options = [operation.as_strategy(generation_mode=mode)]
    if mode is NEGATIVE:
        return options[0]
    body = BY_ID[operation.definition.raw["operationId"]].body
    valid = {**VALID, "Assign": {"worker_id": ids.worker_id[1]}}
    for name in [p.name for p in operation.path_parameters]:
        for value in getattr(ids, name):
            path = {name: value}
            options.append(operation.as_strategy(generation_mode=mode, path_parameters=path))
            if body is not None:
                options.append(
                    operation.as_strategy(
                        generation_mode=mode, path_parameters=path, body=valid[body]
                    )
                )
    return st.one_of(options)


def fuzz(base: str, ids: Ids) -> tuple[list[Found], dict[str, int]]:
    """Run every operation in both modes; returns what failed and how many requests were made."""
    schema = schemathesis.openapi.from_url(f"{base}/api/openapi.json", config=schemathesis.Config())
    # Every operation by name: the document's own GET is otherwise left out.
    schema = schema.include(operation_id=[op.id for op in OPERATIONS])
    found: list[Found] = []
    sent: dict[str, int] = {}
    http = requests.Session()
    for result in schema.get_all_operations():
        operation = result.ok()
        described = BY_ID[operation.definition.raw["operationId"]]
        for mode in schemathesis.GenerationMode:
            if mode is NEGATIVE and described.public and not described.params:
                continue  # nothing in the request to get wrong (no parameter, body or auth)
            examples(base, operation, mode, ids, http, found, sent)()
    return found, sent


def examples(
    base: str,
    operation: schemathesis.APIOperation,
    mode: schemathesis.GenerationMode,
    ids: Ids,
    http: requests.Session,
    found: list[Found],
    sent: dict[str, int],
) -> Any:
    """A Hypothesis test of one operation in one mode: MAX_EXAMPLES requests, then done."""
    headers = {"Authorization": f"Bearer {TOKEN}"}

    @settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=strategy(operation, mode, ids))
    def run(case: schemathesis.Case) -> None:
        response = case.call(base_url=base, headers=headers, session=http, timeout=30)
        key = f"{operation.label} {mode.value} {response.status_code}"
        sent[key] = sent.get(key, 0) + 1
        try:
            case.validate_response(response, checks=CHECKS, headers=headers)
        except FailureGroup as exc:  # keep it, go on with the next example (no shrinking)
            found.append(Found(operation.label, mode.value, response.status_code, str(exc)))

    return run


async def test_schemathesis_finds_no_server_error_and_no_schema_violation(
    db_url: str, tmp_path: Path
) -> None:
    settings_ = make_settings(db_url, tmp_path)
    async with serving(settings_) as service:
        ids = await seed(service)
        base = f"http://127.0.0.1:{settings_.http_port}"
        started = clock.monotonic()
        found, sent = await asyncio.to_thread(fuzz, base, ids)
        took = clock.monotonic() - started
    operations = {key.rsplit(" ", 2)[0] for key in sent}
    assert len(operations) == len(OPERATIONS) == 24, sorted(operations)  # every one was exercised
    print(f"schemathesis: {sum(sent.values())} requests in {took:.0f}s")
    for key in sorted(sent):
        print(f"  {key}: {sent[key]}")
    report = "\n\n".join(f"{f.operation} ({f.mode}) → {f.status}\n{f.what}" for f in found[:10])
    assert not found, f"{len(found)} failing examples in {took:.0f}s:\n{report}"
