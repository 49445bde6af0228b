"""Demo data: a newcomer's empty database filled with two years of fake, clearly marked activity;
never next to real youths, and `make run` adds it once."""

from __future__ import annotations

import asyncio
import html
import os
import random
import re
import statistics
from collections import Counter
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import ColumnElement, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.ticks.checkins import CheckIns
from core.bus import Bus
from core.i18n import Translator
from core.lexicon import load_lexicon
from core.runtime import Runtime
from core.templates import Templates
from inbox import auth
from inbox.pages import TEMPLATES, InboxPages
from inbox.service import Inbox
from instap.cli import main
from instap.demo import add_demo_data
from storage import demo, registrations, reports, youths
from storage.clock import utcnow
from storage.db import Database
from storage.demo_life import NAMES
from storage.models import (
    Case,
    CaseNeed,
    CaseProfile,
    CaseSignal,
    CheckIn,
    Message,
    Signpost,
    UncoveredDemand,
    Worker,
    Youth,
)
from tests.support.dialog import ROOT, directory
from tests.support.inbox import add_worker
from tests.support.pages import Site
from tests.support.service import make_settings, serving

SMALL = 150  # youths: the shape shows, the test stays fast


async def count(session: AsyncSession, model: type[Any], *where: ColumnElement[bool]) -> int:
    return int(await session.scalar(select(func.count()).select_from(model).where(*where)) or 0)


async def test_an_empty_database_gets_two_years_of_plausible_fake_activity(db: Database) -> None:
    sara = await add_worker(db, "Sara")
    jan = await add_worker(db, "Jan", role="coordinator")
    filled = await add_demo_data(db, directory(), youths=SMALL)
    now = utcnow()
    assert filled.partnership_id == "wam"  # the first partnership in the file
    async with db.transaction() as session:
        assert await count(session, Youth) == await count(session, Case) == SMALL
        assert await count(session, Youth, Youth.channel_user_id.like("demo:%")) == SMALL
        created = list((await session.execute(select(Case.created_at))).scalars())
        # about two years, ending today
        assert now - timedelta(days=731) <= min(created) < now - timedelta(days=600)
        assert now - timedelta(days=30) < max(created) <= now
        # every table the report reads has rows
        for model in (CaseNeed, CaseProfile, CaseSignal, CheckIn, Message, UncoveredDemand,
                      Signpost):  # fmt: skip
            assert await count(session, model), model.__tablename__
        cases = (await session.execute(select(Case))).scalars().all()
        places = {m.name for m in directory().partnership("wam").municipalities}
        assert {c.municipality for c in cases} <= places
        assert all(18 <= (c.age or 0) <= 30 for c in cases)
        assert {c.referral for c in cases} >= {"vdab", "ocmw", "self"}
        closed = [c for c in cases if c.status == "closed"]
        assert 0.4 * SMALL < len(closed) < 0.95 * SMALL
        to_work = sum(c.outcome in ("work", "training") for c in closed)
        assert 0.3 < to_work / len(closed) < 0.7  # about half to work or training
        assert sum(c.six_month_result is not None for c in closed) > 5
        answered = [c for c in cases if c.first_response_at is not None]
        assert all(c.first_response_at >= c.created_at for c in answered)  # type: ignore[operator]
        hours = [(c.first_response_at - c.created_at).total_seconds() / 3600 for c in answered]  # type: ignore[operator]
        assert statistics.median(hours) < 72  # mostly within the promise (two working days) …
        assert max(hours) > 4 * 24  # … and some late
        claimers = {c.worker_id for c in cases if c.worker_id}
        assert {sara.id} < claimers  # the partnership's own workers and demo colleagues
        assert jan.id not in claimers  # the coordinator watches
        profiles = (await session.execute(select(CaseProfile))).scalars().all()
        assert 0.6 * len(answered) < len(profiles) <= len(answered)
        assert {p.gender for p in profiles} >= {"woman", "man", "unknown"}
        assert any(p.education == "unknown" for p in profiles)
        scores = set((await session.execute(select(CheckIn.score))).scalars())
        assert scores >= {1, 2, 3, 4, 5}
        latest = [
            await session.scalar(select(func.max(column)))
            for column in (Message.created_at, CheckIn.sent_at, CheckIn.answered_at,
                           CaseSignal.followed_up_at, CaseProfile.filled_at, Case.closed_at,
                           Case.six_month_answered_at)
        ]  # fmt: skip
        assert all(at is not None and at <= now for at in latest)  # nothing from the future
        signals = (await session.execute(select(CaseSignal))).scalars().all()
        assert {s.kind for s in signals} >= {"aandacht", "urgent"}
        assert sum(s.followed_up_at is not None for s in signals) > 0.8 * len(signals)
    # The coordinator's report over the last year: every table has something to show.
    today = now.date()
    year = reports.Period(today - timedelta(days=364), today, "laatste 12 maanden")
    promises = {p.id: p.first_response_workdays for p in directory().partnerships}
    async with db.transaction() as session:
        report = await reports.build(session, "wam", year, promises, now)
    assert {t.key: bool(t.rows) for t in report.tables} == {t.key: True for t in report.tables}
    on_time = {row[0]: row[-1] for row in report.table("first_response").rows}["Op tijd (%)"]
    assert isinstance(on_time, float) and 70 < on_time < 100  # mostly on time, some late
    assert report.table("first_response_late").rows
    # What Sara sees in the inbox: her demo youths, with names from the fixed list.
    inbox = Inbox(db, directory(), Translator(), Bus(), lambda: None)
    view = await inbox.queue(sara)
    assert view.mine and {c.name for c in view.mine} <= {n for _, n in NAMES}
    page = await inbox.case(sara, view.mine[0].id)
    assert any(item.kind == "note" and item.text == demo.NOTE for item in page.timeline)


async def test_after_the_demo_the_service_adds_youths_as_usual(db: Database) -> None:
    await add_demo_data(db, directory(), youths=20)
    async with db.transaction() as session:  # PostgreSQL: the id sequences moved past the demo
        youth = await youths.get_or_create(session, "web", "a-real-one", "nl", utcnow())
        case = await registrations.open_case(session, youth, "wam", {"name": "Noor"}, utcnow())
        assert youth.id == 21 and case.id == 21


async def test_never_next_to_real_youths_nor_twice(db: Database) -> None:
    await add_demo_data(db, directory(), youths=10)
    with pytest.raises(demo.NotForDemo, match="already holds demo data"):
        await add_demo_data(db, directory(), youths=10)
    async with db.transaction() as session:
        await youths.get_or_create(session, "telegram", "4242", "nl", utcnow())
    with pytest.raises(
        demo.NotForDemo, match=r"holds real data \(youths not made by the demo: 1\)"
    ):
        await add_demo_data(db, directory(), youths=10)
    async with db.transaction() as session:
        assert await count(session, Youth) == 11


def test_the_command_refuses_a_database_with_real_data(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path}/instap.db"
    for key, value in {"DATABASE_URL": url, "VAR_DIR": str(tmp_path), "LOG_LEVEL": "WARNING",
                       "PARTNERSHIPS_FILE": str(ROOT / "partnerships.toml")}.items():  # fmt: skip
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("SECRET_KEY", raising=False)
    assert main(["demo-data", "--youths", "30", "--partnership", "samenwerkt"]) == 0
    out = capsys.readouterr().out
    assert "Demo data added to SamenWerkt" in out and "30 fake youths" in out
    assert "demo account jan" in out  # someone can log in to look at it
    assert main(["demo-data"]) == 2
    assert "already holds demo data" in capsys.readouterr().err
    assert main(["demo-data", "--partnership", "nowhere"]) == 2
    assert "unknown partnership 'nowhere'" in capsys.readouterr().err

    real = tmp_path / "real"
    real.mkdir()
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{real}/instap.db")

    async def one_real_youth() -> None:
        database = Database(os.environ["DATABASE_URL"])
        await database.migrate()
        async with database.transaction() as session:
            await youths.get_or_create(session, "web", "noor", "nl", datetime.now(UTC))
        await database.dispose()

    asyncio.run(one_real_youth())
    assert main(["demo-data"]) == 2
    err = capsys.readouterr().err
    assert (
        "holds real data (youths not made by the demo: 1)" in err
        and "only added to an empty" in err
    )


async def test_make_run_adds_demo_data_once_next_to_the_demo_logins(
    db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = make_settings(db_url, tmp_path, demo_accounts=True, demo_data=True)
    async with serving(settings) as service, service.db.transaction() as session:
        demo_youths = await count(session, Youth)
        team = set((await session.execute(select(Worker.username))).scalars())
    out = capsys.readouterr().out
    assert "jan" in out and out.count("Demo data added to WAM") == 1
    assert demo_youths == demo.DEMO.youths and {"sara", "tom", "jan"} <= team
    async with serving(settings) as service, service.db.transaction() as session:  # a restart
        assert await count(session, Youth) == demo_youths  # nothing new
    assert "Demo data" not in capsys.readouterr().out


async def test_services_started_without_asking_get_no_demo_data(
    db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = make_settings(db_url, tmp_path, demo_accounts=True)
    async with serving(settings) as service, service.db.transaction() as session:
        assert await count(session, Youth) == 0
    assert "Demo data" not in capsys.readouterr().out


async def test_a_coordinator_opens_the_demo_in_the_inbox(db: Database) -> None:
    bus = Bus()
    inbox = Inbox(db, directory(), Translator(), bus, lambda: None)
    app = web.Application(middlewares=[auth.middleware(db)])
    app.add_routes(InboxPages(inbox, db, Templates(TEMPLATES), secure_cookies=False).routes())
    await add_worker(db, "Sara")
    jan = await add_worker(db, "Jan", role="coordinator")
    await add_demo_data(db, directory(), youths=SMALL)
    async with db.transaction() as session:
        shown = [
            await session.scalar(select(func.min(Case.id)).where(Case.status == status))
            for status in ("waiting", "active", "paused", "closed")
        ]
        shown.append(await session.scalar(select(func.min(CaseSignal.case_id))))
        assert None not in shown  # each kind of case is there
        cases = {c.id: c for c in (await session.execute(select(Case))).scalars()}
    async with TestClient(TestServer(app)) as client:
        site = Site(db, inbox, client, jan, jan, jan, 0, 0)
        assert (await site.login(jan)).status == 303
        status, queue = await site.page("/inbox")
        ids = [i for i in shown if i is not None]
        assert status == 200 and cases[ids[0]].answers["name"] in queue  # a waiting one
        for case_id in ids:
            status, text = await site.page(f"/inbox/cases/{case_id}")
            assert status == 200 and html.escape(cases[case_id].answers["name"]) in text
            if cases[case_id].status != "waiting":
                assert html.escape(demo.NOTE) in text
        status, team = await site.page("/inbox/team")
        assert status == 200 and "Lotte Wouters (demo)" in team
        status, aanbod = await site.page("/inbox/offers")
        assert status == 200 and "Atelier sollicitatie (demo)" in aanbod
        assert "Samen koken (demo)" in aanbod and "Netwerkmoment met werkgevers (demo)" in aanbod
        last_year = utcnow().year - 1
        status, report = await site.page(f"/inbox/report?period=year&year={last_year}")
        assert status == 200 and 'id="chart-inflow_over_time"' in report
        inflow = report.split('id="t-first_response"', 1)[1].split("</section>", 1)[0]
        found = re.search(r'<th scope="row">Nieuwe aanmeldingen</th><td>(\d+)</td>', inflow)
        assert found and int(found.group(1)) > 20  # a year of registrations to look at


async def test_the_same_day_gives_the_same_demo(tmp_path: Path) -> None:
    now = datetime(2026, 11, 20, 14, 0, tzinfo=UTC)
    wam = directory().partnership("wam")
    seen = []
    for name in ("one", "two"):
        database = Database(f"sqlite+aiosqlite:///{tmp_path}/{name}.db")
        await database.migrate()
        async with database.transaction() as session:
            await demo.fill(session, wam, ["Gent", "Genk"], now, replace(demo.DEMO, youths=40))
            rows = await session.execute(
                select(Case.answers, Case.status, Case.outcome, Case.created_at, Case.closed_at)
            )
            seen.append(rows.all())
        await database.dispose()
    assert seen[0] == seen[1] and len(seen[0]) == 40


def test_registrations_follow_the_seasons() -> None:
    now = datetime(2026, 11, 20, 14, 0, tzinfo=UTC)
    moments = demo.registrations(random.Random(1), 5000, now - timedelta(days=730), now)
    by_month = Counter(m.month for m in moments)
    assert by_month[9] + by_month[10] > 1.8 * (by_month[7] + by_month[8])  # after the summer
    weekend = sum(m.weekday() >= 5 for m in moments) / len(moments)
    assert 0.1 < weekend < 2 / 7  # fewer at weekends
    assert all(m.tzinfo is not None for m in moments)


async def test_the_scheduler_finds_only_a_few_demo_youths_out_of_view(db: Database) -> None:
    """Started with `make run`, the check-in tick should not flag every running demo case."""
    await add_demo_data(db, directory(), youths=SMALL)
    runtime = Runtime(directory(), load_lexicon(), Translator(), ZoneInfo("Europe/Brussels"))
    checkins = CheckIns(db, runtime, lambda: None)
    async with db.transaction() as session:
        running = await count(session, Case, Case.status.in_(("active", "paused")))
        planned = await count(session, CheckIn, CheckIn.status == "planned")
    await checkins.tick()
    async with db.transaction() as session:
        drifted = await count(session, Case, Case.flag == "uit_beeld")
    assert running and drifted <= 0.3 * running
    assert 0.5 * running < planned <= running  # the next check-in is planned
