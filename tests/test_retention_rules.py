"""The retention job's SQL finds exactly whom /mijngegevens says is past their date.

`core.privacy.deletion_of` is the rule a youth is told ("we wissen je gegevens op …");
`storage.retention` finds the same youths set-based. Here both judge youths of every kind
at once — partnerships with different periods, an unknown partnership, no partnership yet,
an old closed case before a newer open one and the reverse, erased youths — on both
databases, at moments on either side of their dates.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select

from bot.ticks.privacy import Privacy
from core.i18n import Translator
from core.lexicon import load_lexicon
from core.privacy import deletion_of
from core.runtime import Runtime
from storage.db import Database
from storage.models import Case, Youth
from storage.retention import Overdue
from tests.support.clock import BRUSSELS, Clock
from tests.support.dialog import directory

DAY = timedelta(days=1)


def periods() -> Any:
    """WAM keeps closed cases 90 days and intakes 10; JOW 30 and 400; the rest as the file."""
    d = directory()
    changed = {"wam": (10, 90), "jow": (30, 400)}
    parts = tuple(
        replace(p, retention_unfinished_days=changed[p.id][0], retention_closed_days=changed[p.id][1])
        if p.id in changed else p
        for p in d.partnerships
    )  # fmt: skip
    return replace(d, partnerships=parts)


async def seed(db: Database, now: Any) -> None:
    """Youths 1–13, each a different case of the rules."""
    intake = [(None, 5), (None, 40), ("wam", 11), ("wam", 9), ("jow", 29), ("jow", 31),
              ("gone", 31), ("", 31)]  # (partnership in the answers, days idle)  # fmt: skip
    youths: list[dict[str, Any]] = []
    cases: list[dict[str, Any]] = []
    for n, (pid, idle) in enumerate(intake, start=1):
        answers = {"partnership_id": pid} if pid is not None else {}
        youths.append(row(n, now - idle * DAY, {"answers": answers}))
    # (youth, case, partnership, status, closed days ago)
    spec = [(9, 1, "wam", "closed", 91), (10, 2, "wam", "closed", 89), (11, 3, "jow", "closed", 399),
            (11, 4, "jow", "waiting", None), (12, 5, "wam", "waiting", None), (12, 6, "wam", "closed", 100),
            (13, 7, "gone", "closed", 366), (14, 8, "wam", "closed", 500), (15, 9, "wam", "closed", None),
            (16, 10, "jow", "closed", 401)]  # fmt: skip
    for n in range(9, 17):
        youths.append(row(n, now - 1000 * DAY, {"step": "done"}))
    youths[-3]["channel"] = "erased"  # youth 14: erased long ago, its tombstone closed
    for youth_id, case_id, pid, status, closed in spec:
        cases.append({"id": case_id, "youth_id": youth_id, "partnership_id": pid, "answers": {},
                      "status": status, "closed_at": now - closed * DAY if closed else None,
                      "outcome": "erased" if youth_id == 14 else None, "urgent": False,
                      "unread": 0, "created_at": now - 1000 * DAY, "updated_at": now})  # fmt: skip
    async with db.transaction() as session:
        await session.execute(insert(Youth), youths)
        await session.execute(insert(Case), cases)


def row(n: int, at: Any, state: dict[str, Any]) -> dict[str, Any]:
    return {"id": n, "channel": "telegram", "channel_user_id": str(n), "lang": "nl",
            "state": state, "stopped": False, "unreachable": False, "reminders": True,
            "created_at": at, "updated_at": at}  # fmt: skip


async def told(db: Database, runtime: Runtime) -> set[tuple[int, str]]:
    """Who deletion_of (what /mijngegevens shows) says is due now, one youth at a time."""
    due = set()
    async with db.transaction() as session:
        for youth in (
            await session.execute(select(Youth).where(Youth.channel != "erased"))
        ).scalars():
            deletion = await deletion_of(session, runtime, youth)
            if deletion.at is not None and deletion.at <= runtime.clock():
                due.add((youth.id, deletion.rule))
    return due


async def test_the_sql_finds_whom_mijngegevens_tells(db: Database, tmp_path: Path) -> None:
    clock = Clock()
    runtime = Runtime(periods(), load_lexicon(), Translator(), BRUSSELS, clock)
    await seed(db, clock.now)
    privacy = Privacy(db, runtime, tmp_path, lambda p, c: None)
    for later in (0, 1, 2, 30, 400):
        clock.now += later * DAY
        found: list[Overdue] = []
        assert await privacy.retention(apply=False, each=found.append) == len(found)
        assert {(d.youth_id, d.rule) for d in found} == await told(db, runtime), later
    clock.now -= 433 * DAY
    found = []
    await privacy.retention(apply=False, each=found.append)
    assert [(d.youth_id, d.case_id, d.partnership_id, d.rule) for d in found] == [
        (2, None, "vangnet", "unfinished_intake"),  # no partnership yet: the fallback's 30 days
        (3, None, "wam", "unfinished_intake"),
        (6, None, "jow", "unfinished_intake"),
        (7, None, "vangnet", "unfinished_intake"),  # a partnership no longer in the file
        (8, None, "vangnet", "unfinished_intake"),
        (9, 1, "wam", "closed_case"),
        (12, 6, "wam", "closed_case"),  # the latest case counts, though an older one is open
        (13, 7, "vangnet", "closed_case"),
        (16, 10, "jow", "closed_case"),
    ]  # 11: its latest case is open; 14 erased; 15 closed without a date
