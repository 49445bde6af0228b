"""The hot queries read open work through indexes: no full scans of the big tables.

What a worker's and a coordinator's queue, a case's page and its live timeline, the report
(a year and a quarter) and the scheduler's ticks really send to the database is captured
(tests.support.plans) and explained again on both databases, after ANALYZE, on two years of
demo activity in one partnership beside a few cases in another.

Guarded tables, the ones that grow with history (every youth, case and message ever):
- messages, cases: the issue's "no full scans"; they are the largest and grow forever.
- youths, checkins: one row per youth ever and one per check-in ever; every tick and the
  queue's low scores touch them.
- case_events, notes: a case's timeline; they grow with every action on every case.
Not guarded: workers (a team, tens of rows), the small reference tables, and the per-case
rows a query reaches by key anyway (an index scan of a key is not a full scan).

No timing anywhere: a plan says whether the cost follows open work or all of history.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import func, insert, select, update

from bot.ticks.checkins import CheckIns
from bot.ticks.offer_reminders import OfferReminders
from bot.ticks.privacy import Privacy
from bot.ticks.reminders import Reminders
from bot.ticks.sixmonths import SixMonths
from core.bus import Bus
from core.i18n import Translator
from core.lexicon import load_lexicon
from core.metrics import Metrics
from core.runtime import Runtime
from inbox.service import Inbox
from instap.demo import add_demo_data
from instap.monitoring import Monitoring
from storage import outbox
from storage.clock import utcnow
from storage.db import Database
from storage.models import Case, Message, OutboxJob
from storage.reports import Period
from storage.workers import WorkerView
from tests.support.dialog import directory
from tests.support.inbox import add_case, add_worker
from tests.support.plans import Guard, Statement, analyze, capturing, full_scans, report

GUARDED = ("messages", "cases", "youths", "checkins", "case_events", "notes")
# Conditions that alone still select history: a partnership's (or a worker's) cases, closed
# ones included; check-ins or messages of a status, kind or author (all answered ones ever).
BROAD = {
    "cases": ("partnership_id", "worker_id"),
    "checkins": ("status", "kind"),
    "messages": ("direction", "author", "delivery"),
}
# What the ticks claim from: rows due once, then kept as history.
DUE = ("outbox", "reminders", "offer_reminders", "appointments", "bookings")
YOUTHS = 150  # two years of demo activity: hundreds of messages, open and closed cases


async def populated(db: Database) -> tuple[WorkerView, WorkerView]:
    """Sara (worker) and Jan (coordinator) of WAM!, its demo history, a few JOW cases."""
    sara = await add_worker(db, "Sara")
    jan = await add_worker(db, "Jan", role="coordinator")
    await add_demo_data(db, directory(), "wam", youths=YOUTHS)
    for n in range(3):
        await add_case(db, f"Lina {n}", partnership="jow", chat=f"jow-{n}")
    async with db.transaction() as session:  # every message to a youth went out as a job
        out = select(Message.id, Message.youth_id, Message.created_at).where(
            Message.direction == "out"
        )
        jobs = [
            {"youth_id": youth, "channel": "web", "kind": "message", "message_id": message,
             "payload": {}, "status": "sent", "not_before": at, "created_at": at, "sent_at": at}
            for message, youth, at in (await session.execute(out)).all()
        ]  # fmt: skip
        await session.execute(insert(OutboxJob), jobs)
        # Sara's and Jan's own history (Jan guides youths too): a third of WAM!'s cases
        # each, mostly closed, a few open. A worker without history would make any index on
        # worker_id look as good as the open cases' one.
        for worker, third in ((sara, 0), (jan, 1)):
            await session.execute(
                update(Case)
                .where(Case.partnership_id == "wam", Case.worker_id.is_not(None))
                .where(Case.id % 3 == third)
                .values(worker_id=worker.id)
            )
    await analyze(db)
    return sara, jan


async def assert_no_full_scans(
    db: Database, seen: list[Statement], guarded: tuple[str, ...] = GUARDED
) -> None:
    assert seen, "nothing was captured"
    scans = await full_scans(db, seen, Guard.of(guarded, BROAD))
    assert not scans, report(scans)


def inbox(db: Database) -> Inbox:
    return Inbox(db, directory(), Translator(), Bus(), lambda: None)


async def test_the_queue_reads_open_cases_through_indexes(db: Database) -> None:
    sara, jan = await populated(db)
    service = inbox(db)
    with capturing(db) as seen:
        mine = await service.queue(sara)
        everyone = await service.queue(jan)
    assert everyone.waiting and everyone.team  # the check looked at a real queue
    assert not mine.mine or all(c.worker_id == sara.id for c in mine.mine)
    await assert_no_full_scans(db, seen)


async def test_a_conversation_reads_one_case_through_indexes(db: Database) -> None:
    _, jan = await populated(db)
    service = inbox(db)
    async with db.transaction() as session:
        talked = (
            select(Case.id, func.count(Message.id))
            .join(Message, Message.youth_id == Case.youth_id)
            .where(Case.partnership_id == "wam")
            .group_by(Case.id)
            .order_by(func.count(Message.id).desc(), Case.id)
            .limit(1)
        )
        case_id, messages = (await session.execute(talked)).one()
    with capturing(db) as seen:
        page = await service.case(jan, case_id)
        later = await service.timeline_after(jan, case_id, utcnow() - timedelta(days=30))
    assert messages > 3 and page.timeline
    assert all(item.at > utcnow() - timedelta(days=31) for item in later)
    await assert_no_full_scans(db, seen)


async def test_the_report_reads_its_period_through_indexes(db: Database) -> None:
    _, jan = await populated(db)
    service = inbox(db)
    today = utcnow().date()
    year = Period(date(today.year - 1, 1, 1), date(today.year - 1, 12, 31), str(today.year - 1))
    quarter_start = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    quarter = Period(quarter_start, today, "dit kwartaal")
    with capturing(db) as seen:
        last_year = await service.report(jan, None, year)
        this_quarter = await service.report(jan, None, quarter)
    assert last_year.table("inflow_over_time").rows and this_quarter.tables
    await assert_no_full_scans(db, seen)


async def test_every_tick_reads_what_is_due_through_indexes(db: Database, tmp_path: Path) -> None:
    await populated(db)
    runtime = Runtime(directory(), load_lexicon(), Translator(), ZoneInfo("Europe/Brussels"))
    ticks: list[Callable[[], Awaitable[int]]] = [
        CheckIns(db, runtime, lambda: None).tick,
        Reminders(db, runtime, lambda: None).tick,
        SixMonths(db, runtime, lambda: None).tick,
        OfferReminders(db, runtime, lambda: None).tick,
        Privacy(db, runtime, tmp_path, lambda partnership, case: None).tick,
    ]
    with capturing(db) as seen:
        for tick in ticks:
            await tick()
        async with db.transaction() as session:
            await outbox.claim(session, utcnow(), {"telegram", "web", "whatsapp"})
    await assert_no_full_scans(db, seen, (*GUARDED, *DUE))


async def test_a_scrape_of_the_metrics_reads_open_work_through_indexes(db: Database) -> None:
    await populated(db)
    metrics = Metrics()
    tz = ZoneInfo("Europe/Brussels")
    scraper = Monitoring(metrics, db, directory(), tz, utcnow, "", ["telegram", "web"])
    with capturing(db) as seen:
        await scraper.refresh()
    waiting = [
        metrics.registry.get_sample_value(
            "instap_queue_waiting", {"partnership": "wam", "promise": promise}
        )
        for promise in ("in_time", "almost_late", "late")
    ]
    assert sum(n or 0 for n in waiting) > 0  # the check looked at a real queue
    await assert_no_full_scans(db, seen, (*GUARDED, *DUE, "inbound"))
