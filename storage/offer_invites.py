"""Who a worker's invitation to a group session reaches, and who is skipped and why.

A youth is invited once per session: `OfferInvitation` rows are written while the session
row is locked (`offers.locked`), so "Verstuur" posted twice, or on two instances at once,
invites nobody twice. A missed session's gentle note is kept once per offer (`OfferMissed`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Case, CaseNeed, Youth
from storage.offer_inbox import first_name
from storage.offer_models import Booking, OfferInvitation, OfferMissed

OPEN = ("waiting", "active", "paused")
REASONS = ("stopped", "unreachable", "paused", "booked", "invited")


@dataclass(frozen=True)
class Who:
    """The selection: one case, the worker's own cases, or by need, municipality, worker."""

    case_id: int = 0
    mine: bool = False
    need: str = ""
    municipality: str = ""
    worker_id: int = 0


@dataclass(frozen=True)
class Candidate:
    youth: Youth
    case: Case
    first_name: str
    skipped: str  # "" (invited) or one of REASONS


async def candidates(
    session: AsyncSession, partnership_id: str, session_id: int, who: Who, worker_id: int,
    now: datetime,
) -> list[Candidate]:  # fmt: skip
    """The open cases of the partnership the selection names, each with why it is skipped."""
    stmt = (
        select(Case, Youth)
        .join(Youth, Youth.id == Case.youth_id)
        .where(Case.partnership_id == partnership_id, Case.status.in_(OPEN))
        .order_by(Case.id)
    )
    if who.case_id:
        stmt = stmt.where(Case.id == who.case_id)
    if who.mine:
        stmt = stmt.where(Case.worker_id == worker_id)
    if who.worker_id:
        stmt = stmt.where(Case.worker_id == who.worker_id)
    if who.municipality:
        stmt = stmt.where(Case.municipality == who.municipality)
    if who.need:
        stmt = stmt.where(Case.id.in_(select(CaseNeed.case_id).where(CaseNeed.need == who.need)))
    booked = set(
        await session.scalars(
            select(Booking.youth_id).where(
                Booking.session_id == session_id, Booking.state.in_(("booked", "waiting"))
            )
        )
    )
    invited = set(
        await session.scalars(
            select(OfferInvitation.youth_id).where(OfferInvitation.session_id == session_id)
        )
    )
    found: dict[int, Candidate] = {}  # one per youth: their newest open case
    for case, youth in (await session.execute(stmt)).tuples():
        reason = why_skipped(youth, case, youth.id in booked, youth.id in invited, now)
        found[youth.id] = Candidate(youth, case, first_name(case.answers), reason)
    return list(found.values())


def why_skipped(youth: Youth, case: Case, booked: bool, invited: bool, now: datetime) -> str:
    if youth.stopped:
        return "stopped"
    if youth.unreachable:
        return "unreachable"
    if case.status == "paused" or (youth.paused_until is not None and youth.paused_until > now):
        return "paused"
    if booked:
        return "booked"
    return "invited" if invited else ""


def invited(
    session: AsyncSession, session_id: int, youth_id: int, worker_id: int, now: datetime
) -> None:
    """Note the invitation (call with the session row locked, after `candidates`)."""
    session.add(
        OfferInvitation(session_id=session_id, youth_id=youth_id, worker_id=worker_id,
                        created_at=now)
    )  # fmt: skip


async def first_miss(session: AsyncSession, offer_id: int, youth_id: int, now: datetime) -> bool:
    """Whether this is the youth's first missed session of the offer (then it is noted)."""
    seen = await session.scalar(
        select(OfferMissed.id).where(
            OfferMissed.offer_id == offer_id, OfferMissed.youth_id == youth_id
        )
    )
    if seen is not None:
        return False
    session.add(OfferMissed(offer_id=offer_id, youth_id=youth_id, created_at=now))
    return True
