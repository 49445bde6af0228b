"""What the operator's scraper reads at each scrape (instap/monitoring.py): counts over the
open-work indexes only, never over history, so a scrape stays cheap at any size."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import case, func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from storage.indexes import OPEN_JOBS
from storage.models import Case, Inbound, OutboxJob
from storage.queue import scope, waiting_since


@dataclass(frozen=True)
class OpenJobs:
    """A channel's undelivered outbox jobs, and since when the oldest due one waits."""

    channel: str
    depth: int
    oldest_due: datetime | None  # None: none is due yet (all wait for quiet hours to end)


async def inbound_pending(session: AsyncSession) -> int:
    """Stored updates not yet handled (ix_inbound_pending: a range of its first column)."""
    stmt = select(func.count()).select_from(Inbound).where(Inbound.status == "pending")
    return int((await session.execute(stmt)).scalar_one())


@dataclass(frozen=True)
class Waiting:
    """A partnership's waiting cases (the queue's waiting list) against its promise."""

    late: int  # waiting since before `late_before`: the promised last day has passed
    almost_late: int  # since before `almost_before`: the last day is today
    in_time: int


async def waiting(
    session: AsyncSession, partnership_id: str, late_before: datetime, almost_before: datetime
) -> Waiting:
    """One pass over the partnership's waiting cases (the open cases' index), counted in SQL."""
    since = waiting_since()
    late = since < late_before
    almost = (since >= late_before) & (since < almost_before)
    stmt = select(
        func.count(),
        func.coalesce(func.sum(case((late, 1), else_=0)), 0),
        func.coalesce(func.sum(case((almost, 1), else_=0)), 0),
    ).where(*scope("waiting", partnership_id, []))
    total, n_late, n_almost = (await session.execute(stmt.select_from(Case))).one()
    return Waiting(int(n_late), int(n_almost), int(total) - int(n_late) - int(n_almost))


async def open_jobs(session: AsyncSession, now: datetime) -> list[OpenJobs]:
    """Pending and in-flight jobs by channel, over the open jobs' partial index."""
    due = case((OutboxJob.not_before <= now, OutboxJob.not_before))
    stmt = (
        select(OutboxJob.channel, func.count(), func.min(due))
        .where(text(f"outbox.{OPEN_JOBS}"))  # word for word, so ix_outbox_open is used
        .group_by(OutboxJob.channel)
    )
    return [OpenJobs(c, int(n), oldest) for c, n, oldest in (await session.execute(stmt)).all()]
