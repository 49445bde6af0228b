"""Every read of a youth's data is in the audit trail (issue 11, finding 5).

The walk lists every route of the real application (`instap.app.build`) and puts each in one
class: it shows no youth data (with the reason), it is a list (one row per look), it acts on
a case (tests/inbox/test_rights.py checks it and its audit row), or else it shows one or
more youths and is requested here: each youth shown gets exactly one audit row per look.
A new route that fits none of these fails the walk, so it has to be classified.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import delete, select

from inbox import auth
from inbox.appointments import Appointments
from instap.app import Service, build
from storage import offers, workers
from storage.clock import utcnow
from storage.db import Database
from storage.models import AuditEntry, Case, Message
from storage.workers import WorkerView
from tests.inbox.test_isolation import quick_hashes  # noqa: F401 (a fixture)
from tests.inbox.test_rights import RIGHTS
from tests.support.inbox import PASSWORD, add_case, add_worker
from tests.support.service import make_settings

DAY = date.today() + timedelta(days=30)

# Routes that show no youth's data to a worker, and why.
NO_YOUTH_DATA = {
    ("GET", "/"): "a redirect to the web chat",
    ("GET", "/chat"): "the empty web chat page",
    ("GET", "/chat/ws"): "the youth's own conversation, to the youth",
    ("GET", "/static"): "the web chat's style and script",
    ("POST", "/telegram/webhook"): "Telegram hands in a youth's own message",
    ("GET", "/healthz"): "says the service is up",
    ("GET", "/readyz"): "says whether the database answers and is migrated",
    ("GET", "/metrics"): "counts for the operator's scraper (loopback or token; no youth in them)",
    ("GET", "/inbox/static"): "the inbox's style and script",
    ("GET", "/inbox/login"): "the login form",
    ("POST", "/inbox/login"): "logging in",
    ("POST", "/inbox/logout"): "logging out",
    ("GET", "/inbox/login/code"): "the two-step login form",
    ("POST", "/inbox/login/code"): "the two-step login",
    ("GET", "/inbox/account"): "the worker's own account",
    ("POST", "/inbox/account/logout-everywhere"): "the worker's own sessions",
    ("GET", auth.ENROL_PATH): "setting up two-step login",
    ("POST", auth.ENROL_PATH): "setting up two-step login",
    ("GET", "/inbox/events"): "only case numbers; the page reads them through the routes below",
    ("GET", "/inbox/team"): "colleagues and how many cases each has",
    ("POST", "/inbox/team"): "adding a colleague",
    ("POST", "/inbox/team/{}/presence"): "a colleague away or back",
    ("GET", "/inbox/telegram"): "linking the worker's own Telegram",
    ("POST", "/inbox/telegram"): "linking the worker's own Telegram",
    ("GET", "/api/openapi.json"): "the API's description",
    ("GET", "/api/me"): "the worker's own account",
    ("GET", "/api/team"): "colleagues and how many cases each has",
    ("POST", "/api/team"): "adding a colleague",
    ("POST", "/api/team/{}/presence"): "a colleague away or back",
    ("POST", "/api/tokens"): "the worker's own API token",
    ("GET", "/api/tokens"): "the worker's own API tokens",
    ("DELETE", "/api/tokens/{}"): "revoking the worker's own API token",
    ("POST", "/inbox/account/tokens"): "the worker's own API token",
    ("POST", "/inbox/account/tokens/{}/revoke"): "revoking the worker's own API token",
    ("GET", "/inbox/posters"): "the partnership's posters and links: nothing about a youth",
    ("GET", "/inbox/posters/{}/{}"): "a poster's QR code",
    ("GET", "/inbox/posters/{}/print"): "a poster to print",
    ("GET", "/inbox/offers"): "the partnership's offers: seats taken and waiting, as counts",
    ("POST", "/inbox/offers"): "making an offer",
    ("POST", "/inbox/offers/sessions/{}/attendance"): "saving who came; the page after it is "
    "the session page, audited below",
    ("POST", "/inbox/offers/sessions/{}/invitations"): "sending invitations; the page after it is "
    "the session page, audited below",
    ("POST", "/inbox/offers/sessions/{}/move"): "moving a session; the page after it (or the form "
    "sent back) is the session page, audited below",
    ("POST", "/inbox/offers/sessions/{}/cancel"): "cancelling a session; the page after it is "
    "the session page, audited below",
}
# Lists of many youths: one row per look (the queue refreshes live at every change; a row
# per youth per refresh would bury each youth's own trail).
# Reads of many cases at once: one audit entry each (the report: figures and case numbers;
# its exports: the same figures, and anonymous rows).
LISTS = {("GET", "/inbox"), ("GET", "/inbox/fragment/queue"), ("GET", "/api/queue"),
         ("GET", "/inbox/report"), ("GET", "/inbox/report.csv"), ("GET", "/inbox/report.xlsx"),
         ("GET", "/api/report"),
         ("GET", "/inbox/report/participants.csv"), ("GET", "/inbox/report/participants.xlsx"),
         ("GET", "/api/report/participants")}  # fmt: skip


def shape(path: str) -> str:
    """/inbox/cases/{id:\\d+}/reply and /inbox/cases/12/reply both become /inbox/cases/{}/reply."""
    return re.sub(r"/[0-9]+(?=/|$)", "/{}", re.sub(r"\{[^/]*\}", "{}", path))


def acting_routes() -> set[tuple[str, str]]:
    """The actions on a case and its appointments that the rights table walks."""

    ids = SimpleNamespace(noor=1, upcoming=2, past=3, missed=4, tom=SimpleNamespace(id=5))
    found = set()
    for action in RIGHTS.values():
        for make in (action.api, action.page):
            method, path, _ = make(ids)  # only the shape of the path counts
            if method != "GET":  # its reads are walked here
                found.add((method, shape(path)))
    return found


@dataclass
class App:
    service: Service
    client: TestClient  # type: ignore[type-arg]
    anna: WorkerView  # coordinator: she may open every page of the case
    sara: WorkerView
    noor: int
    lotte: int
    media: int  # Noor's voice message
    offer_session: int  # a group session Noor signed up for
    tokens: dict[int, str] = field(default_factory=dict)

    async def get(self, path: str, worker: WorkerView, **query: str) -> tuple[int, str]:
        token, _ = await auth.login(self.service.db, worker.username, PASSWORD, "127.0.0.1")
        headers = {"Cookie": f"{auth.COOKIE}={token}"}
        if path.startswith("/api/"):
            headers = {"Authorization": f"Bearer {await self.token(worker)}"}
        async with self.client.get(path, headers=headers, params=query) as response:
            return response.status, await response.text(errors="replace")  # an XLSX too

    async def token(self, worker: WorkerView) -> str:
        if worker.id not in self.tokens:
            token = f"walk-token-{worker.id}-0123456789"
            async with self.service.db.transaction() as session:
                row = await workers.get(session, worker.id)
                assert row is not None
                await workers.add_token(session, row, token, "walk", utcnow())
            self.tokens[worker.id] = token
        return self.tokens[worker.id]

    async def forget_looks(self, worker: WorkerView) -> None:
        """Start a new visit: a look within an earlier one adds no row (one look per visit)."""
        async with self.service.db.transaction() as session:
            await session.execute(delete(AuditEntry).where(AuditEntry.worker_id == worker.id))

    async def audit_rows(self) -> list[tuple[int | None, int | None, str]]:
        async with self.service.db.transaction() as session:
            stmt = select(AuditEntry.worker_id, AuditEntry.case_id, AuditEntry.action)
            return [tuple(row) for row in (await session.execute(stmt.order_by(AuditEntry.id)))]


@pytest.fixture
async def app(db_url: str, tmp_path: Path) -> AsyncIterator[App]:
    settings = replace(
        make_settings(db_url, tmp_path),
        telegram_bot_token="123456:walk",  # so the webhook route is there too
        telegram_api_base_url="http://127.0.0.1:9/bot",
    )
    service = build(settings)
    await service.db.migrate()
    db = service.db
    anna = await add_worker(db, "Anna", role="coordinator")
    sara = await add_worker(db, "Sara")
    noor, lotte = await add_case(db, "Noor", chat="n1"), await add_case(db, "Lotte", chat="l1")
    await service.inbox.claim(sara, noor)
    await service.inbox.claim(anna, lotte)
    plan = Appointments(service.inbox)
    for case_id, at in ((noor, time(10)), (noor, time(15)), (lotte, time(11))):
        await plan.create(
            sara if case_id == noor else anna, case_id, day=DAY, at=at, minutes=30,
            place="Geheim adres", kind="gesprek", with_id=anna.id,
        )  # fmt: skip
    media_dir = tmp_path / "media"
    media_dir.mkdir(exist_ok=True)
    (media_dir / "noor.ogg").write_bytes(b"OggS voice")
    async with db.transaction() as session:
        case = await session.get(Case, noor)
        assert case is not None
        message = Message(
            youth_id=case.youth_id, direction="in", author="youth", text="",
            media={"kind": "voice", "state": "stored", "path": "noor.ogg", "mime": "audio/ogg"},
            delivery="sent", created_at=utcnow(),
        )  # fmt: skip
        session.add(message)
        await session.flush()
        media = message.id
    offer_session = await book_a_session(db, anna, noor)
    async with TestClient(TestServer(service.webapp)) as client:
        yield App(service, client, anna, sara, noor, lotte, media, offer_session)
    await db.dispose()


async def book_a_session(db: Database, leader: WorkerView, case_id: int) -> int:
    """A weekly atelier of the partnership with the youth of `case_id` signed up."""
    async with db.transaction() as session:
        case = await session.get(Case, case_id)
        assert case is not None
        now = utcnow()
        offer = await offers.create_offer(
            session, partnership_id=leader.partnership_id, title="Atelier", description="",
            kind="atelier", place="De Schakel", address="", capacity=5, leader_id=leader.id,
            now=now,
        )  # fmt: skip
        start = datetime.combine(DAY, time(14), tzinfo=UTC)
        (row,) = await offers.add_sessions(session, offer, [start], 120, now)
        await offers.book(session, row.id, case.youth_id, now)
        return row.id


def every_route(app: App) -> list[tuple[str, str, str]]:
    """(method, shape, the route's own path) of every route of the app, HEAD aside."""
    routes = []
    for resource in app.service.webapp.router.resources():
        for route in resource:
            if route.method != "HEAD":
                routes.append((route.method, shape(resource.canonical), resource.canonical))
    return routes


async def test_every_read_of_a_youth_is_audited(app: App) -> None:
    acting = acting_routes()
    ids = {"id": app.noor, "case_id": app.noor, "message_id": app.media, "sid": app.offer_session}
    shown_on = {"/inbox/agenda": {app.noor, app.lotte}, "/api/agenda": {app.noor, app.lotte},
                # Anna's own youths, whom "Uitnodigen" selects first: Lotte (Noor is Sara's)
                "/inbox/offers/sessions/{sid}/invite": {app.lotte}}  # fmt: skip
    walked = set()
    for method, where, path in every_route(app):
        if (method, where) in NO_YOUTH_DATA or (method, where) in acting:
            continue
        assert method == "GET", f"{method} {path}: classify it in this test"
        names = re.findall(r"\{(\w+)", path)
        assert set(names) <= set(ids), f"{path}: which id does it take? classify it in this test"
        url = re.sub(r"\{(\w+)[^}]*\}", lambda m: str(ids[m.group(1)]), path)
        await app.forget_looks(app.anna)  # each route on a fresh visit: it must log it
        before = await app.audit_rows()
        status, page = await app.get(
            url, app.anna, **({"day": DAY.isoformat()} if "agenda" in path else {})
        )
        assert status == 200, (url, status, page[:300])
        new = [(case_id, action) for who, case_id, action in (await app.audit_rows())[len(before):]
               if who == app.anna.id]  # fmt: skip
        if (method, where) in LISTS:
            assert len(new) == 1, f"{url}: {new}"
        else:
            expected = shown_on.get(path, {app.noor})
            assert sorted(c for c, _ in new) == sorted(expected), f"{url} is not audited: {new}"
        walked.add(path)
    assert {"/inbox/agenda", "/api/agenda", "/api/cases/{case_id}/appointments"} <= walked
    assert not {path for _, path in NO_YOUTH_DATA} & {shape(p) for p in walked}


async def test_the_coordinator_sees_who_looked_at_the_appointments(app: App) -> None:
    """Anna looks at her agenda (two appointments with Noor, one with Lotte) and Sara at
    Noor's appointments; on Noor's audit page Anna sees both looks, in plain Dutch."""
    _, agenda = await app.get("/inbox/agenda", app.anna, day=DAY.isoformat())
    assert "Noor" in agenda and "Lotte" in agenda
    status, _ = await app.get(f"/inbox/cases/{app.noor}/appointments", app.sara)
    assert status == 200
    status, page = await app.get(f"/inbox/cases/{app.noor}/audit", app.anna)
    assert status == 200
    rows = re.findall(
        r"<tr>\s*<td><time[^>]*>[^<]*</time></td>\s*<td>([^<]*)</td>\s*<td>([^<]*)</td>", page
    )
    assert rows.count(("Anna Peeters", "zag de afspraak in de agenda")) == 1  # two, one look
    assert ("Sara Peeters", "bekeek de afspraken") in rows
    assert ("Sara Peeters", "plande een afspraak") in rows
    assert all("_" not in what for _, what in rows), rows  # no raw action names
