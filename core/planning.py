"""Keeping a youth's automated messages planned: the pacing rules and the next check-in.

Shared by the chat side (after every event) and the inbox (a worker changes the rhythm).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.runtime import Runtime
from flows.checkins import EVERY_DAYS, next_due
from flows.directory import Partnership
from flows.pacing import Pacing, parse_quiet_hours
from storage import casework, checkins
from storage.models import Case, CheckIn, Message, OutboxJob, Youth

OPEN = ("waiting", "active", "paused")


def pacing_of(youth: Youth, case: Case | None, partnership: Partnership) -> Pacing:
    """The rules for automated messages to this youth (flows.pacing)."""
    own = parse_quiet_hours(youth.quiet_hours) if youth.quiet_hours else None
    return Pacing(
        quiet=own or partnership.quiet_hours,
        paused_until=youth.paused_until,
        stopped=youth.stopped,
        unreachable=youth.unreachable,
        last_automated_at=youth.last_automated_at,
        last_heard_at=case.last_youth_message_at if case else None,
    )


async def keep_planned(
    session: AsyncSession, runtime: Runtime, youth: Youth, now: datetime, *, replan: bool = False
) -> None:
    """Make sure a youth who wants check-ins has the next one planned (or none, if not).

    Called whenever the youth did something: after a re-contact nothing is planned until
    they write again. `replan` moves a planned check-in (a new rhythm, back from /stop).
    """
    case = await casework.case_of_youth(session, youth.id)
    rhythm = youth.checkin_rhythm or "none"
    if case is None or youth.stopped or youth.unreachable or rhythm not in EVERY_DAYS:
        await checkins.drop_planned(session, youth.id, "no_rhythm")
        return
    current = await checkins.planned(session, youth.id)
    if current is not None and not replan:
        return
    if current is not None and current.kind == "recontact":
        return  # the re-contact goes first; check-ins follow when they answer it
    partnership = runtime.directory.partnership(case.partnership_id)
    dayparts = (case.answers or {}).get("reach") or ()
    due = next_due(now, rhythm, dayparts, pacing_of(youth, case, partnership).quiet,
                   runtime.timezone, now)  # fmt: skip
    if due is not None:
        await checkins.plan(session, youth, case.id, "checkin", due, now)


async def withdraw_unsent(session: AsyncSession, youth: Youth, reason: str = "stopped") -> None:
    """The youth said /stop (or took a pause, `reason` "paused"): their check-in or re-contact
    still waiting in the outbox stays unsent.

    /stop means nothing automated reaches them after it was stored, even when the tick wrote
    the message a moment before (or, on a hand-moved clock, at the very same instant). Only
    a message the sender already has on its way still goes; it left before the /stop.
    Call this before the answer to /stop is written: the link is the moment of writing.
    """
    stmt = select(CheckIn).where(
        CheckIn.youth_id == youth.id,
        CheckIn.status == "sent",
        CheckIn.sent_at == youth.last_automated_at,
    )
    for row in (await session.execute(stmt)).scalars():
        written = select(Message.id).where(
            Message.youth_id == youth.id,
            Message.author == "bot",
            Message.direction == "out",
            Message.created_at == row.sent_at,
        )
        jobs = select(OutboxJob.status).where(OutboxJob.message_id.in_(written))
        statuses = set((await session.execute(jobs)).scalars())
        if statuses != {"pending"}:
            continue  # (partly) on its way or delivered: it went before the /stop
        await session.execute(delete(OutboxJob).where(OutboxJob.message_id.in_(written)))
        await session.execute(delete(Message).where(Message.id.in_(written)))
        row.status, row.reason, row.sent_at = "dropped", reason, None
    await session.flush()
