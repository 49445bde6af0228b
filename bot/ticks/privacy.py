"""Data rights at work: the /mijngegevens file, erasing on request, and retention.

Erasing waits until the last message to the youth ("ik wis nu alles") is out: the
outbox needs their chat id to deliver it. A tick erases every youth whose request is
older than that (at most ERASE_WITHIN), media files included. Retention runs nightly:
unfinished intakes and closed cases older than the partnership's periods are erased the
same way; `instap retention` shows the dry run.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.privacy import deletion_of, latest_case, partnership_of
from core.runtime import Runtime
from storage import casework, deliveries, privacy
from storage.db import Database
from storage.models import OutboxJob, Youth

log = logging.getLogger(__name__)
ERASE_WITHIN = timedelta(minutes=10)


@dataclass(frozen=True)
class Due:
    """A youth whose data is past its retention period (for the dry run and the job)."""

    youth_id: int
    case_id: int | None
    partnership_id: str
    rule: str  # unfinished_intake | closed_case
    due: datetime


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
                .where(Youth.erase_requested_at.is_not(None))
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
        cases = [c for c in [await latest_case(session, youth.id)] if c is not None]
        for name in await privacy.erase(session, youth, reason, now):
            path = (self.media_dir / name).resolve()
            if path.parent == self.media_dir.resolve():
                path.unlink(missing_ok=True)
        for case in cases:
            await casework.audit(session, None, f"erased_{reason}", case.id, now)
            self.on_case(case.partnership_id, case.id)
        log.info("erased youth %s (%s)", youth.id, reason)

    async def overdue(self, session: AsyncSession, now: datetime) -> list[Due]:
        """Youths past their retention period: unfinished intakes and closed cases."""
        found: list[Due] = []
        stmt = select(Youth).where(Youth.channel != privacy.ERASED).order_by(Youth.id)
        for youth in list((await session.execute(stmt)).scalars()):
            deletion = await deletion_of(session, self.runtime, youth)
            if deletion.at is None or deletion.at > now:
                continue
            case = await latest_case(session, youth.id)
            pid = partnership_of(self.runtime, youth, case).id
            found.append(Due(youth.id, case.id if case else None, pid, deletion.rule, deletion.at))
        return found

    async def nightly(self) -> None:
        erased = await self.retention(apply=True)
        log.info("retention: %d youths erased", len(erased))
        async with self.db.transaction() as session:  # statuses no message claimed in a day
            await deliveries.forget_before(session, self.runtime.clock() - timedelta(days=1))

    async def retention(self, *, apply: bool) -> list[Due]:
        """The nightly job (apply=True), or its dry run: who is past the retention period."""
        now = self.runtime.clock()
        async with self.db.transaction() as session:
            due = await self.overdue(session, now)
            if apply:
                for item in due:
                    youth = await session.get(Youth, item.youth_id)
                    if youth is not None:
                        await self.erase(session, youth, "retention", now)
        if apply and due:
            await self.db.forget_freed()
        return due
