"""The queue reads open work through indexes: every statement a coordinator's queue view
runs — filtered, searched (a name, the words of messages), on a later page — is explained on
both databases (tests/support/plans.py): none reads cases, check-ins, messages, youths, case
events or notes whole, or by a condition that selects history."""

from __future__ import annotations

from core.bus import Bus
from core.i18n import Translator
from inbox.service import Inbox
from inbox.service.queue import ask_from
from storage.clock import utcnow
from storage.db import Database
from tests.inbox.queue_population import add_youths
from tests.storage.test_query_plans import assert_no_full_scans, populated
from tests.support.dialog import directory
from tests.support.plans import analyze, capturing


async def test_the_queue_reads_cases_and_checkins_through_indexes(db: Database) -> None:
    sara, jan = await populated(db)  # WAM!'s two years of history, closed cases included
    await add_youths(db, ["Yassin", "Yara", "Noor"], days_ago=10)
    await analyze(db)
    inbox = Inbox(
        db=db, directory=directory(), translator=Translator(), bus=Bus(),
        notify_outbox=lambda: None, clock=utcnow,
    )  # fmt: skip
    asks = [
        {},
        {"q": "yas", "municipality": "Maasmechelen", "promise": "late", "need": "work"},
        {"channel": "telegram", "flag": "dringend", "status": "waiting", "worker": str(sara.id)},
    ]
    first = await inbox.queue(jan, ask_from({"limit": "1"}, coordinator=True))
    cursors = {"wachtend": first.cursors["waiting"] or "", "team": first.cursors["team"] or ""}
    asks.append({**cursors, "limit": "1"})
    for query in asks:
        with capturing(db) as seen:
            await inbox.queue(jan, ask_from(query, coordinator=True))
        await assert_no_full_scans(db, seen)
