"""Data rights at work: the /mijngegevens file, erasing on request, and retention.

Erasing waits until the last message to the youth ("ik wis nu alles") is out: the
outbox needs their chat id to deliver it. A tick erases every youth whose request is
older than that (at most ERASE_WITHIN), media files included. Retention runs nightly:
unfinished intakes and closed cases older than the partnership's periods are erased the
same way, found in SQL and erased in short transactions (storage.retention); `instap
retention` shows the dry run.
"""

from __future__ import annotations

import asyncio
import logging
from array import array
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.privacy import latest_case
from core.runtime import Runtime
from storage import casework, deliveries, privacy, retention
from storage.db import Database
from storage.models import Case, OutboxJob, Youth
from storage.retention import Overdue, Periods, Rules

log = logging.getLogger(__name__)
ERASE_WITHIN = timedelta(minutes=10)
BATCH = 200  # youths erased in one transaction by the retention job
# Between two batches on SQLite: another process waiting for the write lock polls it at
# most every 100 ms (SQLite's busy handler), so a shorter gap could starve it.
PAUSE = 0.11


def ignore(item: Overdue) -> None:
    """The default `each`: nothing to show."""


class Privacy:
    def __init__(
        self, db: Database, runtime: Runtime, media_dir: Path, on_case: Callable[[str, int], None]
    ) -> None:
        self.db = db
        self.runtime = runtime
        self.media_dir = media_dir
        self.on_case = on_case

    async def tick(self) -> int:
        """Erase the youths who asked for it, once their last message is out."""
        now = self.runtime.clock()
        erased = 0
        async with self.db.transaction() as session:
            stmt = (
                select(Youth)
                .where(Youth.erase_requested_at.is_not(None))  # ix_youths_erase_requested
                .with_for_update(skip_locked=True)
            )
            for youth in list((await session.execute(stmt)).scalars()):
                assert youth.erase_requested_at is not None
                waiting = await session.execute(
                    select(func.count(OutboxJob.id)).where(
                        OutboxJob.youth_id == youth.id, OutboxJob.status.in_(("pending", "sending"))
                    )
                )
                if waiting.scalar_one() and now - youth.erase_requested_at < ERASE_WITHIN:
                    continue
                await self.erase(session, youth, "request", now)
                erased += 1
        if erased:
            await self.db.forget_freed()
        return erased

    async def erase(self, session: AsyncSession, youth: Youth, reason: str, now: datetime) -> None:
        """Erase one youth in the caller's transaction, their files and live pages at once."""
        cases = [c for c in [await latest_case(session, youth.id)] if c is not None]
        self.erased(await self.erase_many(session, [youth], cases, reason, now), cases)

    async def erase_many(
        self,
        session: AsyncSession,
        youths: Sequence[Youth],
        cases: Sequence[Case],
        reason: str,
        now: datetime,
    ) -> list[str]:
        """Erase the youths and audit their latest `cases`; the media files go after commit."""
        ids = [y.id for y in youths]
        media = await privacy.erase_all(session, youths, reason, now)
        await casework.audit_all(session, f"erased_{reason}", [c.id for c in cases], now)
        log.info("erased youths %s (%s)", ", ".join(map(str, ids)), reason)
        return media

    def erased(self, media: Iterable[str], cases: Iterable[Case]) -> None:
        """After the commit: remove the files from disk and tell the live pages."""
        for name in media:
            path = (self.media_dir / name).resolve()
            if path.parent == self.media_dir.resolve():
                path.unlink(missing_ok=True)
        for case in cases:
            self.on_case(case.partnership_id, case.id)

    def rules(self) -> Rules:
        directory = self.runtime.directory
        periods = [
            Periods(p.id, p.retention_unfinished_days, p.retention_closed_days)
            for p in directory.partnerships
        ]
        return Rules(periods, directory.fallback.id)

    async def count_due(self) -> int:
        """How many youths are past their retention period now."""
        async with self.db.transaction() as session:
            return await retention.count(session, self.rules(), self.runtime.clock())

    async def nightly(self) -> None:
        erased = await self.retention(apply=True)
        log.info("retention: %d youths erased", erased)
        async with self.db.transaction() as session:  # statuses no message claimed in a day
            await deliveries.forget_before(session, self.runtime.clock() - timedelta(days=1))

    async def retention(self, *, apply: bool, each: Callable[[Overdue], None] = ignore) -> int:
        """The nightly job (apply=True), or its dry run: `each` youth past the period, counted.

        Found in SQL and streamed; applied in transactions of BATCH youths, so the workers,
        the sender and the ticks get the database between them (on SQLite one transaction
        at a time: a long one would keep them all waiting).
        """
        now, rules = self.runtime.clock(), self.rules()
        ids, found = array("q"), 0  # 8 bytes a youth to erase, not an ORM object
        async with self.db.transaction() as session:
            async for item in retention.overdue(session, rules, now):
                if apply:
                    ids.append(item.youth_id)
                else:
                    found += 1
                    each(item)
        if not apply:
            return found
        erased = 0
        for start in range(0, len(ids), BATCH):
            if start and self.db.is_sqlite:
                await asyncio.sleep(PAUSE)
            erased += await self.erase_batch(rules, list(ids[start : start + BATCH]), now, each)
        if erased:
            await self.db.forget_freed()
        return erased

    async def erase_batch(
        self,
        rules: Rules,
        ids: Sequence[int],
        now: datetime,
        each: Callable[[Overdue], None],
    ) -> int:
        """Erase the youths of `ids` still overdue (checked again: one may have written since)."""
        async with self.db.transaction() as session:
            items = [item async for item in retention.overdue(session, rules, now, ids)]
            if not items:
                return 0
            found = select(Youth).where(Youth.id.in_([i.youth_id for i in items]))
            youths = list((await session.execute(found)).scalars())
            latest = select(Case).where(Case.id.in_([i.case_id for i in items if i.case_id]))
            cases = list((await session.execute(latest)).scalars())
            media = await self.erase_many(session, youths, cases, "retention", now)
        self.erased(media, cases)
        for item in items:
            each(item)
        return len(items)
