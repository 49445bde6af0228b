"""The six-month question's rows: closed cases due to be asked, and the answer on the case.

A case is a candidate while it is closed, closed at least 182 days ago and never asked
(`Case.six_month_asked_at` is NULL); the partial index ix_cases_six_month holds exactly
those, so the tick reads only candidates. Asked (or skipped) sets six_month_asked_at once.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from flows.sixmonths import AFTER, LATE
from flows.views import SixMonthView
from storage.casework import add_event
from storage.models import Case

BATCH = 100


async def give_up_late(session: AsyncSession, now: datetime) -> None:
    """Cases closed too long ago to ask now (history from before this, a long pause): never."""
    await session.execute(
        update(Case)
        .where(
            Case.status == "closed",
            Case.six_month_asked_at.is_(None),
            Case.closed_at < now - AFTER - LATE,
        )
        .values(six_month_asked_at=now)
    )


async def claim_due(
    session: AsyncSession, now: datetime, after: tuple[datetime, int] | None = None
) -> list[Case]:
    """The next batch of candidates, oldest closing first, locked for this transaction.

    Another instance's tick skips them (PostgreSQL SKIP LOCKED). `after`: the last
    (closed_at, id) of the previous batch: the ones that must wait do not hide the rest.
    """
    stmt = (
        select(Case)
        .where(
            Case.status == "closed",
            Case.six_month_asked_at.is_(None),
            Case.closed_at <= now - AFTER,
        )
        .order_by(Case.closed_at, Case.id)
        .limit(BATCH)
        .with_for_update(skip_locked=True)
    )
    if after is not None:
        at, ident = after
        stmt = stmt.where(or_(Case.closed_at > at, and_(Case.closed_at == at, Case.id > ident)))
    return list((await session.execute(stmt)).scalars())


async def has_newer_case(session: AsyncSession, case: Case) -> bool:
    """The youth came back with a new case since: the old one is not asked about."""
    stmt = select(Case.id).where(Case.youth_id == case.youth_id, Case.id > case.id).limit(1)
    return (await session.execute(stmt)).scalar_one_or_none() is not None


async def view_of(session: AsyncSession, youth_id: int, case_id: int) -> SixMonthView | None:
    """The question asked on this youth's case (None: not theirs, or never asked)."""
    case = await session.get(Case, case_id) if case_id else None
    if case is None or case.youth_id != youth_id or case.six_month_asked_at is None:
        return None
    return SixMonthView(case.id, answered=case.six_month_answered_at is not None)


async def record_answer(
    session: AsyncSession, youth_id: int, case_id: int, result: str, now: datetime
) -> Case | None:
    """Store the answer once, with a timeline event; None when there is nothing to answer."""
    found = await view_of(session, youth_id, case_id)
    case = await session.get(Case, case_id)
    if found is None or found.answered or case is None:
        return None
    case.six_month_result, case.six_month_answered_at = result, now
    await add_event(session, case.id, None, "six_month", {"result": result}, now)
    return case
