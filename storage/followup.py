"""How fast the team answers: a case's first response, and the follow-up of its signals.

A signal is a case turning "dringend" (a crisis message) or getting a flag ("uit beeld",
"aandacht"). It is followed up when a worker clears it or writes to the youth. The report
(storage.reports) measures both against the partnership's promise.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Case, CaseSignal

SIGNALS = ("urgent", "uit_beeld", "aandacht")


async def raise_signal(session: AsyncSession, case: Case, kind: str, now: datetime) -> None:
    if kind in SIGNALS:
        session.add(
            CaseSignal(
                case_id=case.id, partnership_id=case.partnership_id, kind=kind, raised_at=now
            )
        )


async def follow_up(
    session: AsyncSession, case_id: int, now: datetime, kind: str | None = None
) -> None:
    """Close the case's open signals (of one kind, or all when a worker wrote to the youth)."""
    stmt = update(CaseSignal).where(
        CaseSignal.case_id == case_id, CaseSignal.followed_up_at.is_(None)
    )
    if kind is not None:
        stmt = stmt.where(CaseSignal.kind == kind)
    await session.execute(stmt.values(followed_up_at=now))


async def worker_answered(session: AsyncSession, case: Case, now: datetime) -> None:
    """A worker wrote to the youth: the first response (once), and every open signal followed up."""
    if case.first_response_at is None:
        case.first_response_at = now
    await follow_up(session, case.id, now)
