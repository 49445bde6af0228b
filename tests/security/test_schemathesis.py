"""Schemathesis against the live service's /api/openapi.json on SQLite: every operation, with
a valid bearer token, positive and negative examples, bounded (MAX_EXAMPLES per operation and
mode, no shrinking) and derandomized (Hypothesis's fixed seed, no example database) so CI is
reproducible.

The service runs in the test's event loop; schemathesis (synchronous, `requests`) runs in
WORKERS threads at once against the real port, so writes meet on the database as they do in
production (issue 11: SQLite stalled for 30 s under two workers). Generated path ids are mixed
with the ids of real rows (of the caller's partnership and of another), so the handlers past the
404 are reached too. Failures are collected per example and reported at once. Checks: every
check schemathesis has, and no server error. The slowest answer is printed, not asserted: a loaded
CI machine took 11 s for a report once; speed is measured in bench/, a stall that ends in
"database is locked" is a 500 and fails here.

CI runs 25 examples per operation and mode; by hand: SCHEMATHESIS_EXAMPLES=150.
"""

from __future__ import annotations

import ast
import asyncio
import os
import re
import threading
import time as clock
from dataclasses import dataclass, field
from datetime import date, time, timedelta
from pathlib import Path
from typing import Any

import pytest
import requests
import schemathesis
import schemathesis.checks
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis.core.failures import FailureGroup
from sqlalchemy import update

from inbox.appointments import Appointments
from inbox.openapi import BY_ID, OPERATIONS
from storage import workers
from storage.clock import utcnow
from storage.models import ApiToken
from storage.workers import digest
from tests.support.inbox import add_case, add_worker
from tests.support.service import make_settings, serving

# Per operation and generation mode; SCHEMATHESIS_EXAMPLES=500 for a deeper run by hand.
MAX_EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "25"))
WORKERS = 2
schemathesis.checks.load_all_checks()
CHECKS = schemathesis.checks.CHECKS.get_all()
# Schema-valid data may still break a rule the document cannot state (a taken username, a
# calendar day out of range, a common password, a report period that does not exist): that is
# a 422 with the reason, not a failure.
CONFIG = schemathesis.Config.from_dict(
    {"checks": {"positive_data_acceptance": {"expected-statuses": [
        "2xx", "3xx", "401", "403", "404", "409", "422", "429",
    ]}}}
)  # fmt: skip
NEGATIVE = schemathesis.GenerationMode.NEGATIVE
TOKEN = "schemathesis-token-for-anna-of-wam"
TOKEN_ID = 2**40 + 17


@pytest.fixture(autouse=True)
def one_parse_at_a_time(monkeypatch: pytest.MonkeyPatch) -> None:
    """CPython 3.11's parser keeps its recursion depth per interpreter, not per thread: two
    workers describing Hypothesis lambdas at once fail with "AST constructor recursion depth
    mismatch". Parsing is not what is tested here; the workers take turns at it."""
    parse, lock = ast.parse, threading.Lock()

    def locked(*args: Any, **kwargs: Any) -> Any:
        with lock:
            return parse(*args, **kwargs)

    monkeypatch.setattr(ast, "parse", locked)


@dataclass
class Ids:
    """Real rows: path ids are drawn from these as well as generated."""

    case_id: list[int] = field(default_factory=list)
    worker_id: list[int] = field(default_factory=list)
    appointment_id: list[int] = field(default_factory=list)
    token_id: list[int] = field(default_factory=list)


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
        bert_row = await workers.get(session, bert.id)
        assert row is not None and bert_row is not None
        spare = await workers.add_token(session, row, "anna-spare-token", "spare", utcnow())
        berts = await workers.add_token(session, bert_row, "bert-token", "bert", utcnow())
        await workers.add_token(session, row, TOKEN, "schemathesis", utcnow())
        # Far from the small ids generated first, so revokeToken does not end the run's own.
        await session.execute(
            update(ApiToken).where(ApiToken.token_hash == digest(TOKEN)).values(id=TOKEN_ID)
        )
    return Ids(
        case_id=[mine, waiting, theirs],
        worker_id=[anna.id, sara.id, bert.id],
        appointment_id=[ours, other],
        token_id=[spare.id, berts.id],
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
    "ProfileChange": {"gender": "woman", "qualification": "yes"},
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
                        generation_mode=mode, path_parameters=path, body=valid[body.__name__]
                    )
                )
    return st.one_of(options)


@dataclass
class Tally:
    """What one worker saw: failures, requests per operation/mode/status, the slowest answer."""

    found: list[Found] = field(default_factory=list)
    sent: dict[str, int] = field(default_factory=dict)
    slowest: tuple[float, str] = (0.0, "")


def fuzz(base: str, ids: Ids, worker: int) -> Tally:
    """Run this worker's share of the operations (every WORKERS-th) in both modes."""
    schema = schemathesis.openapi.from_url(f"{base}/api/openapi.json", config=CONFIG)
    # Every operation by name: the document's own GET is otherwise left out.
    schema = schema.include(operation_id=[op.id for op in OPERATIONS])
    tally = Tally()
    http = requests.Session()
    for n, result in enumerate(schema.get_all_operations()):
        if n % WORKERS != worker:
            continue
        operation = result.ok()
        described = BY_ID[operation.definition.raw["operationId"]]
        for mode in schemathesis.GenerationMode:
            if mode is NEGATIVE and described.public and not described.params:
                continue  # nothing in the request to get wrong (no parameter, body or auth)
            examples(base, operation, mode, ids, http, tally)()
    return tally


def examples(
    base: str,
    operation: schemathesis.APIOperation,
    mode: schemathesis.GenerationMode,
    ids: Ids,
    http: requests.Session,
    tally: Tally,
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
        started = clock.monotonic()
        response = case.call(base_url=base, headers=headers, session=http, timeout=30)
        took = clock.monotonic() - started
        key = f"{operation.label} {mode.value} {response.status_code}"
        tally.sent[key] = tally.sent.get(key, 0) + 1
        tally.slowest = max(tally.slowest, (took, key))
        try:
            # Its own probes (the same request without auth) wait as long as ours do; how fast
            # the service answers is measured on our requests above, not by a probe timing out.
            case.validate_response(
                response, checks=CHECKS, headers=headers, transport_kwargs={"timeout": 30}
            )
        except FailureGroup as exc:  # keep it, go on with the next example (no shrinking)
            tally.found.append(Found(operation.label, mode.value, response.status_code, str(exc)))

    return run


async def test_schemathesis_with_two_workers_finds_no_server_error(
    tmp_path: Path,
) -> None:
    settings_ = make_settings(f"sqlite+aiosqlite:///{tmp_path}/instap.db", tmp_path)
    async with serving(settings_) as service:
        ids = await seed(service)
        base = f"http://127.0.0.1:{settings_.http_port}"
        started = clock.monotonic()
        tallies = await asyncio.gather(
            *(asyncio.to_thread(fuzz, base, ids, worker) for worker in range(WORKERS))
        )
        took = clock.monotonic() - started
    found = [f for t in tallies for f in t.found]
    sent: dict[str, int] = {}
    for t in tallies:
        for key, count in t.sent.items():
            sent[key] = sent.get(key, 0) + count
    slowest, slowest_key = max(t.slowest for t in tallies)
    operations = {key.rsplit(" ", 2)[0] for key in sent}
    assert len(operations) == len(OPERATIONS) == 30, sorted(operations)  # every one was exercised
    errors = sum(
        n for key, n in sent.items() if key.endswith(tuple(f" 5{d:02}" for d in range(100)))
    )
    print(f"schemathesis: {sum(sent.values())} requests by {WORKERS} workers in {took:.0f}s, "
          f"{errors} server errors, slowest {slowest:.2f}s ({slowest_key})")  # fmt: skip
    for key in sorted(sent):
        print(f"  {key}: {sent[key]}")
    kinds: dict[str, int] = {}
    for f in found:
        detail = re.search(r'"detail": "([^"]*)"', f.what)
        kind = f"{f.operation} ({f.mode}) → {f.status} {detail.group(1) if detail else ''}"
        kinds[kind] = kinds.get(kind, 0) + 1
    summary = "\n".join(f"  {n}× {kind}" for kind, n in sorted(kinds.items()))
    report = (
        summary
        + "\n\n"
        + "\n\n".join(f"{f.operation} ({f.mode}) → {f.status}\n{f.what}" for f in found[:3])
    )
    assert not found, f"{len(found)} failing examples in {took:.0f}s:\n{report}"
    assert errors == 0
