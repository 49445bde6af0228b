"""Keeping a youth's automated messages planned: the pacing rules and the next check-in.

Shared by the chat side (after every event) and the inbox (a worker changes the rhythm).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from core.runtime import Runtime
from flows.checkins import EVERY_DAYS, next_due
from flows.directory import Partnership
from flows.pacing import Pacing, parse_quiet_hours
from storage import casework, checkins
from storage.models import Case, Youth

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
