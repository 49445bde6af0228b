"""Cases in a partnership's queue, and the anonymous counts for reporting."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import (
    Case,
    CaseNeed,
    Consent,
    SafetyEvent,
    Signpost,
    UncoveredDemand,
    Youth,
)


@dataclass(frozen=True)
class Registered:
    id: int
    partnership_id: str
    status: str
    channel: str
    answers: dict[str, Any]
    created_at: datetime


async def open_case(
    session: AsyncSession, youth: Youth, partnership_id: str, answers: dict[str, Any], now: datetime
) -> Case:
    age = answers.get("age")
    case = Case(
        youth_id=youth.id,
        partnership_id=partnership_id,
        status="waiting",
        answers=answers,
        municipality=str(answers.get("municipality") or "")[:120] or None,
        referral=str(answers.get("referral") or "")[:16] or None,
        age=age if isinstance(age, int) else None,
        entry_point=str(answers.get("entry_point") or "")[:40] or None,
        created_at=now,
        updated_at=now,
    )
    session.add(case)
    await session.flush()
    for need in sorted({str(n)[:16] for n in answers.get("needs") or ()}):
        session.add(CaseNeed(case_id=case.id, need=need))
    return case


async def waiting(session: AsyncSession, partnership_id: str | None = None) -> list[Registered]:
    """Waiting cases, oldest first (all partnerships when none is given)."""
    stmt = (
        select(Case, Youth.channel)
        .join(Youth, Youth.id == Case.youth_id)
        .where(Case.status == "waiting")
        .order_by(Case.created_at, Case.id)
    )
    if partnership_id:
        stmt = stmt.where(Case.partnership_id == partnership_id)
    return [
        Registered(c.id, c.partnership_id, c.status, channel, dict(c.answers), c.created_at)
        for c, channel in (await session.execute(stmt)).all()
    ]


async def count_uncovered(session: AsyncSession, place: str, day: date) -> None:
    session.add(UncoveredDemand(place=place[:120], day=day))


async def uncovered_report(session: AsyncSession) -> list[tuple[str, int]]:
    stmt = (
        select(UncoveredDemand.place, func.count())
        .group_by(UncoveredDemand.place)
        .order_by(func.count().desc(), UncoveredDemand.place)
    )
    return [(place, int(n)) for place, n in (await session.execute(stmt)).all()]


async def count_signpost(session: AsyncSession, reason: str, day: date) -> None:
    session.add(Signpost(reason=reason, day=day))


async def signpost_report(session: AsyncSession) -> dict[str, int]:
    stmt = select(Signpost.reason, func.count()).group_by(Signpost.reason)
    return {reason: int(n) for reason, n in (await session.execute(stmt)).all()}


async def record_consent(
    session: AsyncSession, youth: Youth, kind: str, version: str, given: bool, now: datetime
) -> None:
    session.add(
        Consent(
            youth_id=youth.id,
            kind=kind,
            version=version,
            given=given,
            channel=youth.channel,
            created_at=now,
        )
    )


async def record_safety_event(
    session: AsyncSession, youth: Youth, category: str, phrase_id: str, now: datetime
) -> None:
    session.add(
        SafetyEvent(youth_id=youth.id, category=category, phrase_id=phrase_id, created_at=now)
    )


async def crisis_since_last_case(session: AsyncSession, youth_id: int) -> bool:
    """Whether the youth wrote a crisis message since their last registration closed (or ever,
    if none did): a crisis during the intake makes the new registration urgent."""
    closed = select(func.max(Case.closed_at)).where(
        Case.youth_id == youth_id, Case.closed_at.is_not(None)
    )
    last_closed = (await session.execute(closed)).scalar_one_or_none()
    stmt = select(SafetyEvent.id).where(SafetyEvent.youth_id == youth_id)
    if last_closed is not None:
        stmt = stmt.where(SafetyEvent.created_at > last_closed)
    return (await session.execute(stmt.limit(1))).first() is not None


async def consents_of(session: AsyncSession, youth_id: int) -> list[Consent]:
    """The youth's consent ledger, oldest first."""
    stmt = select(Consent).where(Consent.youth_id == youth_id).order_by(Consent.id)
    return list((await session.execute(stmt)).scalars())
