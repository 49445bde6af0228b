"""The participants of a period, one row per case, for the anonymous per-participant export.

Read in batches by case id (keyset: `id > after ORDER BY id LIMIT n`), each batch in its own
short transaction, so an export of 100,000 cases holds at most one batch in memory and never
keeps a database connection while a slow client downloads. Only what ESF+ asks is read: no
name, no intake answers, no message, no municipality.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Case, CaseProfile
from storage.profiles import CHOICES, UNKNOWN

BATCH = 1000
PROFILE_FIELDS = tuple(CHOICES)  # gender, labour_status, education, the six, qualification


@dataclass(frozen=True)
class Participant:
    case_id: int
    partnership_id: str
    created_at: datetime
    closed_at: datetime | None
    age: int | None
    outcome: str | None
    six_month_result: str | None
    profile: dict[str, str]  # every field of PROFILE_FIELDS; "unknown" without a profile


async def batch(
    session: AsyncSession,
    partnership_id: str | None,
    start: datetime,
    end: datetime,
    after: int = 0,
    limit: int | None = None,
    offset: int = 0,
) -> list[Participant]:
    """Cases active in [start, end) (registered before the end, not closed before the start),
    ids above `after` (or past the first `offset`: the API's pages), oldest id first;
    `partnership_id` None: every partnership."""
    profile_columns = [getattr(CaseProfile, f) for f in PROFILE_FIELDS]
    stmt = (
        select(
            Case.id,
            Case.partnership_id,
            Case.created_at,
            Case.closed_at,
            Case.age,
            Case.outcome,
            Case.six_month_result,
            *profile_columns,
        )
        .outerjoin(CaseProfile, CaseProfile.case_id == Case.id)
        .where(
            Case.id > after,
            Case.created_at < end,
            or_(Case.closed_at.is_(None), Case.closed_at >= start),
        )
        .order_by(Case.id)
        .limit(limit or BATCH)
        .offset(offset)
    )
    if partnership_id is not None:
        stmt = stmt.where(Case.partnership_id == partnership_id)
    rows = (await session.execute(stmt)).all()
    return [
        Participant(
            case_id=row[0],
            partnership_id=row[1],
            created_at=row[2],
            closed_at=row[3],
            age=row[4],
            outcome=row[5],
            six_month_result=row[6],
            profile={f: value or UNKNOWN for f, value in zip(PROFILE_FIELDS, row[7:], strict=True)},
        )
        for row in rows
    ]
