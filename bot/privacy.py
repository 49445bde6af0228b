"""Data rights at work: the /mijngegevens file, erasing on request, and retention.

Erasing waits until the last message to the youth ("ik wis nu alles") is out: the
outbox needs their chat id to deliver it. A tick erases every youth whose request is
older than that (at most ERASE_WITHIN), media files included. Retention runs nightly:
unfinished intakes and closed cases older than the partnership's periods are erased the
same way; `instap retention` shows the dry run.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.world import World
from flows.directory import Partnership
from flows.model import N_, Reply
from flows.privacy import Stored, export_summary
from storage import casework, privacy
from storage.db import Database
from storage.export import export, youth_sent
from storage.models import Case, OutboxJob, Worker, Youth
from storage.privacy import Deletion

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


EXPORT_CAPTION = N_("Alles wat we over jou bewaren, in één bestand.")


def partnership_of(world: World, youth: Youth, case: Case | None) -> Partnership:
    """The partnership whose retention periods apply (the fallback before routing)."""
    pid = case.partnership_id if case else (youth.state.get("answers") or {}).get("partnership_id")
    directory = world.directory
    return (
        directory.partnership(pid) if pid and directory.has_partnership(pid) else directory.fallback
    )


async def deletion_of(session: AsyncSession, world: World, youth: Youth) -> Deletion:
    """When the youth's data goes, by the partnership's retention periods."""
    case = await latest_case(session, youth.id)
    partnership = partnership_of(world, youth, case)
    if case is None:
        days = partnership.retention_unfinished_days
        return Deletion(youth.updated_at + timedelta(days=days), "unfinished_intake")
    if case.status != "closed" or case.closed_at is None:
        return Deletion(None, "open_case")
    return Deletion(
        case.closed_at + timedelta(days=partnership.retention_closed_days), "closed_case"
    )


async def export_for(
    session: AsyncSession, world: World, youth: Youth, now: datetime
) -> tuple[Reply, str, str]:
    """/mijngegevens: the plain summary, the file name and the JSON of everything stored."""
    deletion = await deletion_of(session, world, youth)
    names = {p.id: p.name for p in world.directory.partnerships}
    data = await export(session, youth, deletion, now, names)
    case = await latest_case(session, youth.id)
    coach = await session.get(Worker, case.worker_id) if case and case.worker_id else None
    stored = Stored(
        sent_by_you=len([m for m in data["messages"] if youth_sent(m)]),
        from_coach=len([m for m in data["messages"] if m["from"] == "coach"]),
        appointments=len(data["appointments"]),
        checkins=len([c for c in data["check_ins"] if c["sent_at"]]),
        consents=len(data["permissions"]), has_answers=bool(data["registrations"]),
        coach=coach.first_name if coach else None, delete_on=deletion.at, rule=deletion.rule,
        keep_days=partnership_of(world, youth, case).retention_closed_days,
    )  # fmt: skip
    content = json.dumps(data, ensure_ascii=False, indent=2)
    name = f"mijn-gegevens-{now.astimezone(world.timezone):%Y-%m-%d}.json"
    return export_summary(stored), name, content


class Privacy:
    def __init__(
        self, db: Database, world: World, media_dir: Path, on_case: Callable[[str, int], None]
    ) -> None:
        self.db = db
        self.world = world
        self.media_dir = media_dir
        self.on_case = on_case

    async def tick(self) -> int:
        """Erase the youths who asked for it, once their last message is out."""
        now = self.world.clock()
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
            deletion = await deletion_of(session, self.world, youth)
            if deletion.at is None or deletion.at > now:
                continue
            case = await latest_case(session, youth.id)
            pid = partnership_of(self.world, youth, case).id
            found.append(Due(youth.id, case.id if case else None, pid, deletion.rule, deletion.at))
        return found

    async def nightly(self) -> None:
        erased = await self.retention(apply=True)
        log.info("retention: %d youths erased", len(erased))

    async def retention(self, *, apply: bool) -> list[Due]:
        """The nightly job (apply=True), or its dry run: who is past the retention period."""
        now = self.world.clock()
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


async def latest_case(session: AsyncSession, youth_id: int) -> Case | None:
    stmt = select(Case).where(Case.youth_id == youth_id).order_by(Case.id.desc()).limit(1)
    return (await session.execute(stmt)).scalar_one_or_none()
