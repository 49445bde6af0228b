"""Check-in rows: the one planned per youth, claimed once when due, then sent or skipped."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import bindparam, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Case, CheckIn, Message, Youth

OPEN_FOR = timedelta(days=7)  # a typed "3" answers a check-in sent less than a week ago


async def plan(
    session: AsyncSession,
    youth: Youth,
    case_id: int | None,
    kind: str,
    due_at: datetime,
    now: datetime,
) -> CheckIn:
    """Set the youth's next check-in or re-contact (there is at most one planned)."""  # fmt: skip
    row = await planned(session, youth.id)
    if row is None:
        row = CheckIn(youth_id=youth.id, created_at=now, status="planned")
        session.add(row)
    row.case_id, row.kind, row.due_at = case_id, kind, due_at
    await session.flush()
    return row


async def planned(session: AsyncSession, youth_id: int) -> CheckIn | None:
    """The youth's planned row, locked: a tick sending it now makes us wait, then see the next."""
    stmt = (
        select(CheckIn)
        .where(CheckIn.youth_id == youth_id, CheckIn.status == "planned")
        .with_for_update()
    )
    return (await session.execute(stmt)).scalar_one_or_none()


# Built once: building a statement (and its cache key) costs more than SQLite running it.
DROP_PLANNED = (
    update(CheckIn)
    .where(CheckIn.youth_id == bindparam("of_youth"), CheckIn.status == "planned")
    .values(status="dropped", reason=bindparam("why"))
)


async def drop_planned(session: AsyncSession, youth_id: int, reason: str) -> None:
    await session.execute(DROP_PLANNED, {"of_youth": youth_id, "why": reason})


async def claim_due(session: AsyncSession, now: datetime, limit: int = 100) -> list[CheckIn]:
    """Due rows, locked for this transaction: another instance skips them (PostgreSQL)."""
    stmt = (
        select(CheckIn)
        .where(CheckIn.status == "planned", CheckIn.due_at <= now)
        .order_by(CheckIn.due_at, CheckIn.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    return list((await session.execute(stmt)).scalars())


async def of_youth(session: AsyncSession, youth_id: int, ident: int) -> CheckIn | None:
    row = await session.get(CheckIn, ident)
    return row if row is not None and row.youth_id == youth_id and row.sent_at else None


async def open_for(session: AsyncSession, youth_id: int, now: datetime) -> CheckIn | None:
    """The newest check-in sent in the last week that has no score yet."""
    stmt = (
        select(CheckIn)
        .where(
            CheckIn.youth_id == youth_id,
            CheckIn.kind == "checkin",
            CheckIn.status == "sent",
            CheckIn.sent_at > now - OPEN_FOR,
        )
        .order_by(CheckIn.sent_at.desc(), CheckIn.id.desc())
        .limit(1)
    )
    return (await session.execute(stmt)).scalar_one_or_none()


async def unanswered_in_a_row(session: AsyncSession, youth_id: int, heard: datetime | None) -> int:
    """Sent check-ins, newest first, without an answer and without a message after them."""
    stmt = (
        select(CheckIn)
        .where(CheckIn.youth_id == youth_id, CheckIn.status.in_(("sent", "answered")))
        .order_by(CheckIn.sent_at.desc(), CheckIn.id.desc())
        .limit(5)
    )
    count = 0
    for row in (await session.execute(stmt)).scalars():
        assert row.sent_at is not None
        if row.kind != "checkin" or row.status != "sent" or (heard and heard > row.sent_at):
            break
        count += 1
    return count


async def recontacted_since(session: AsyncSession, youth_id: int, since: datetime) -> bool:
    stmt = select(func.count(CheckIn.id)).where(
        CheckIn.youth_id == youth_id, CheckIn.kind == "recontact", CheckIn.sent_at >= since
    )
    return bool((await session.execute(stmt)).scalar_one())


async def last_worker_message(session: AsyncSession, youth_id: int) -> datetime | None:
    stmt = select(func.max(Message.created_at)).where(
        Message.youth_id == youth_id, Message.author == "worker"
    )
    found: datetime | None = (await session.execute(stmt)).scalar_one_or_none()
    return found


@dataclass(frozen=True)
class Answer:
    """A check-in on the inbox timeline (never a re-contact: that has nothing to answer)."""

    id: int
    sent_at: datetime
    score: int | None
    note: str
    answered_at: datetime | None


async def answers(session: AsyncSession, youth_id: int, limit: int = 26) -> list[Answer]:
    """The youth's sent check-ins, newest first (half a year of weekly ones)."""
    stmt = (
        select(CheckIn)
        .where(
            CheckIn.youth_id == youth_id,
            CheckIn.kind == "checkin",
            CheckIn.status.in_(("sent", "answered")),
        )
        .order_by(CheckIn.sent_at.desc(), CheckIn.id.desc())
        .limit(limit)
    )
    return [
        Answer(r.id, r.sent_at, r.score, r.note or "", r.answered_at)
        for r in (await session.execute(stmt)).scalars()
        if r.sent_at is not None
    ]


async def low_since(
    session: AsyncSession, partnership_id: str, since: datetime, low: int
) -> list[tuple[int, int, datetime]]:
    """(case id, score, answered at) of low answers in the partnership since a moment.

    Read through ix_checkins_answered (status, answered_at): the answers since `since`
    only (the queue asks for the last week), never every answer ever stored.
    """
    stmt = (
        select(Case.id, CheckIn.score, CheckIn.answered_at)
        .join(Case, Case.id == CheckIn.case_id)
        .where(
            Case.partnership_id == partnership_id,
            CheckIn.status == "answered",
            CheckIn.score <= low,
            CheckIn.answered_at >= since,
        )
        .order_by(CheckIn.answered_at.desc())
    )
    return [(cid, int(score), at) for cid, score, at in (await session.execute(stmt)).all()]
