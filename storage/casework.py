"""Cases as workers handle them: queue, claim, assign, status, notes and audit.

Every read goes through `case_in(partnership, id)`: a case of another partnership does not
exist for the caller (the inbox answers 404).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage import followup
from storage.indexes import open_case
from storage.models import AuditEntry, Case, CaseEvent, Message, Note, Worker, Youth
from storage.youths import masked_number

OPEN = ("waiting", "active", "paused")
STATUSES = ("waiting", "active", "paused", "closed")
OUTCOMES = ("work", "training", "other_help", "no_contact", "moved", "other")
# Every action the audit trail can hold; the inbox shows each in plain Dutch (inbox/pages/labels.py).
AUDIT_ACTIONS = (
    "view_queue", "view_case", "view_audit", "view_appointments", "view_agenda", "view_media", "claim", "assign", "reply", "note",
    *(f"status_{s}" for s in STATUSES), "clear_urgent", "clear_flag", "checkins", "export",
    "export_by_youth", "erase_requested", "erased_request", "erased_retention",
    "appointment_new", "appointment_moved", "appointment_cancelled", "appointment_done",
    "appointment_no_show", "appointment_follow_up", "appointments_closed",
    "appointments_handed_over", "add_worker", "presence", "add_token", "logout_everywhere",
    "totp_on", "totp_reset", "revoke_token", "deactivated", "view_report",
    "export_report", "export_participants", "profile", "view_profile", "view_offer_session",
    "view_offer_invite", "offer_invited",
)  # fmt: skip
VISIT = timedelta(minutes=30)  # a case tab that keeps refreshing is one visit, not one per look


@dataclass(frozen=True)
class CaseSummary:
    id: int
    partnership_id: str
    status: str
    name: str
    age: int | None
    municipality: str
    language: str
    channel: str
    needs: tuple[str, ...]
    worker_id: int | None
    worker_name: str
    unread: int
    urgent: bool
    created_at: datetime
    last_youth_message_at: datetime | None
    flag: str | None = None  # aandacht | uit_beeld | terug
    paused_until: datetime | None = None  # the youth's /pauze (may lie in the past)
    stopped: bool = False  # the youth chose /stop: no automated messages
    unreachable: bool = False  # the youth blocked the bot
    outcome: str | None = None  # when closed: work, training, …, or "erased"
    six_month: str | None = None  # the youth's answer six months after closing (flows.sixmonths)
    number: str = ""  # on WhatsApp: the youth's number, masked ("+32 470 •• •• 56")


def summary(case: Case, youth: Youth, worker: Worker | None) -> CaseSummary:
    a = case.answers or {}
    return CaseSummary(
        id=case.id,
        partnership_id=case.partnership_id,
        status=case.status,
        name=str(a.get("name") or "?"),
        age=a.get("age"),
        municipality=str(a.get("municipality") or ""),
        language=str(a.get("language") or youth.lang),
        channel=youth.channel,
        needs=tuple(a.get("needs") or ()),
        worker_id=case.worker_id,
        worker_name=worker.first_name if worker else "",
        unread=case.unread,
        urgent=case.urgent,
        created_at=case.created_at,
        last_youth_message_at=case.last_youth_message_at,
        outcome=case.outcome,
        six_month=case.six_month_result,
        flag=case.flag,
        paused_until=youth.paused_until,
        stopped=youth.stopped,
        unreachable=youth.unreachable,
        number=masked_number(youth.channel_user_id) if youth.channel == "whatsapp" else "",
    )


def base_query() -> Any:
    return (
        select(Case, Youth, Worker)
        .join(Youth, Youth.id == Case.youth_id)
        .outerjoin(Worker, Worker.id == Case.worker_id)
    )


async def queue(session: AsyncSession, partnership_id: str) -> list[CaseSummary]:
    """Waiting cases nobody has taken yet, oldest first."""
    stmt = (
        base_query()
        .where(
            Case.partnership_id == partnership_id,
            Case.status == "waiting",
            Case.worker_id.is_(None),
        )
        .order_by(Case.created_at, Case.id)
    )
    return [summary(c, y, w) for c, y, w in (await session.execute(stmt)).all()]


async def assigned_to(session: AsyncSession, worker_ids: list[int]) -> list[CaseSummary]:
    """Open cases of these workers, the most recent youth message first."""
    stmt = (
        base_query()
        .where(Case.worker_id.in_(worker_ids), open_case())
        .order_by(Case.urgent.desc(), Case.unread.desc(), Case.updated_at.desc())
    )
    return [summary(c, y, w) for c, y, w in (await session.execute(stmt)).all()]


async def summaries(
    session: AsyncSession, partnership_id: str, case_ids: list[int]
) -> dict[int, CaseSummary]:
    """These cases of this partnership (others are left out), by id."""
    if not case_ids:
        return {}
    stmt = base_query().where(Case.partnership_id == partnership_id, Case.id.in_(case_ids))
    return {c.id: summary(c, y, w) for c, y, w in (await session.execute(stmt)).all()}


async def case_in(session: AsyncSession, partnership_id: str, case_id: int) -> Case | None:
    """The case, only if it belongs to this partnership."""
    case = await session.get(Case, case_id)
    return case if case is not None and case.partnership_id == partnership_id else None


async def summary_of(session: AsyncSession, case: Case) -> CaseSummary:
    youth = await session.get(Youth, case.youth_id)
    worker = await session.get(Worker, case.worker_id) if case.worker_id else None
    assert youth is not None
    return summary(case, youth, worker)


async def open_load(session: AsyncSession, partnership_id: str) -> dict[int, int]:
    """Open cases per worker of a partnership."""
    stmt = (
        select(Case.worker_id, func.count())
        .where(
            Case.partnership_id == partnership_id,
            Case.worker_id.is_not(None),
            open_case(),  # through the open cases' partial index, never closed history
        )
        .group_by(Case.worker_id)
    )
    return {int(w): int(n) for w, n in (await session.execute(stmt)).all() if w is not None}


async def claim(session: AsyncSession, case_id: int, worker: Worker, now: datetime) -> bool:
    """Take a waiting case: an atomic compare-and-set, so of two workers exactly one wins."""
    result = await session.execute(
        update(Case)
        .where(
            Case.id == case_id,
            Case.partnership_id == worker.partnership_id,
            Case.status == "waiting",
            Case.worker_id.is_(None),
        )
        .values(worker_id=worker.id, status="active", claimed_at=now, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    if int(getattr(result, "rowcount", 0) or 0) != 1:
        return False
    await add_event(session, case_id, worker.id, "claimed", {"worker": worker.first_name}, now)
    return True


async def assign(
    session: AsyncSession, case: Case, to: Worker, by: Worker | None, now: datetime
) -> Worker | None:
    """Give a case to a worker of the same partnership; returns the previous worker."""
    if to.partnership_id != case.partnership_id:
        raise ValueError("a case can only go to a worker of its own partnership")
    previous = await session.get(Worker, case.worker_id) if case.worker_id else None
    case.worker_id = to.id
    if case.status == "waiting":
        case.status = "active"
    case.claimed_at = case.claimed_at or now
    case.updated_at = now
    data = {"worker": to.first_name, "from": previous.first_name if previous else ""}
    await add_event(session, case.id, by.id if by else None, "assigned", data, now)
    return previous


async def unassign(
    session: AsyncSession, case: Case, by: Worker | None, reason: str, now: datetime
) -> None:
    """Back to the queue (e.g. the worker is absent and has no cover)."""
    case.worker_id = None
    case.status = "waiting"
    case.updated_at = now
    await add_event(session, case.id, by.id if by else None, "requeued", {"reason": reason}, now)


async def set_status(
    session: AsyncSession, case: Case, status: str, outcome: str | None, by: Worker, now: datetime
) -> None:
    if status not in STATUSES or (status == "closed") != (outcome is not None):
        raise ValueError("closing needs an outcome; other statuses have none")
    if outcome is not None and outcome not in OUTCOMES:
        raise ValueError(f"unknown outcome {outcome!r}")
    case.status = status
    case.outcome = outcome
    case.closed_at = now if status == "closed" else None
    case.updated_at = now
    await add_event(session, case.id, by.id, "status", {"status": status, "outcome": outcome}, now)


FLAGS = ("aandacht", "uit_beeld", "terug")  # terug: wrote again after the case was closed


async def set_flag(
    session: AsyncSession, case: Case, flag: str | None, by: Worker | None, now: datetime
) -> bool:
    """Flag a case "aandacht", "uit beeld" or "terug" (None clears it); False: nothing changed."""
    if flag is not None and flag not in FLAGS:
        raise ValueError(f"unknown flag {flag!r}")
    if case.flag == flag:
        return False
    before, case.flag, case.flagged_at, case.updated_at = case.flag, flag, now, now
    if before is not None:
        await followup.follow_up(session, case.id, now, before)
    if flag is not None:
        await followup.raise_signal(session, case, flag, now)
    data = {"flag": flag} if flag else {"cleared": before}
    await add_event(session, case.id, by.id if by else None, "flag", data, now)
    return True


async def set_urgent(
    session: AsyncSession,
    case: Case,
    urgent: bool,
    by: Worker | None,
    now: datetime,
    note: str = "",
) -> bool:
    """A crisis message makes a case urgent; a worker who followed it up clears it, saying what
    they did (`note`, kept on the timeline)."""
    if case.urgent == urgent:
        return False
    case.urgent, case.updated_at = urgent, now
    if urgent:
        await followup.raise_signal(session, case, "urgent", now)
    else:
        await followup.follow_up(session, case.id, now, "urgent")
    data: dict[str, Any] = {"urgent": urgent, "note": note} if note else {"urgent": urgent}
    await add_event(session, case.id, by.id if by else None, "urgent", data, now)
    return True


async def urgent_since(session: AsyncSession, case_ids: list[int]) -> dict[int, datetime]:
    """When each of these cases last turned urgent (a crisis message)."""
    if not case_ids:
        return {}
    stmt = (
        select(CaseEvent.case_id, CaseEvent.created_at, CaseEvent.data)
        .where(CaseEvent.case_id.in_(case_ids), CaseEvent.kind == "urgent")
        .order_by(CaseEvent.id)
    )
    found: dict[int, datetime] = {}
    for case_id, at, data in (await session.execute(stmt)).all():
        if (data or {}).get("urgent"):
            found[int(case_id)] = at
    return found


async def add_note(
    session: AsyncSession, case: Case, worker: Worker, text: str, now: datetime
) -> Note:
    note = Note(case_id=case.id, worker_id=worker.id, text=text, created_at=now)
    session.add(note)
    await session.flush()
    return note


async def add_event(
    session: AsyncSession,
    case_id: int,
    worker_id: int | None,
    kind: str,
    data: dict[str, Any],
    now: datetime,
) -> None:
    session.add(
        CaseEvent(case_id=case_id, worker_id=worker_id, kind=kind, data=data, created_at=now)
    )


async def mark_read(session: AsyncSession, case: Case) -> None:
    case.unread = 0


async def audit(
    session: AsyncSession, worker_id: int | None, action: str, case_id: int | None, now: datetime
) -> None:
    """Record who did what to which case; never any content."""
    session.add(AuditEntry(worker_id=worker_id, action=known(action), case_id=case_id, at=now))


async def audit_all(session: AsyncSession, action: str, case_ids: list[int], now: datetime) -> None:
    """Record what the system did to many cases (the retention job's), in one statement."""
    rows = [{"worker_id": None, "action": known(action), "case_id": c, "at": now} for c in case_ids]
    if rows:  # an empty executemany would insert one row of defaults
        await session.execute(insert(AuditEntry), rows)


def known(action: str) -> str:
    if action not in AUDIT_ACTIONS:
        raise ValueError(f"unknown audit action {action!r}: add it to AUDIT_ACTIONS and a label")
    return action


async def audit_view(
    session: AsyncSession,
    worker_id: int,
    case_id: int,
    now: datetime,
    action: str = "view_case",
) -> None:
    """Record that a worker looked at a case (its page, or its appointments): once per visit.

    A visit is a stretch of looking without a pause of VISIT: the live refreshes of an open
    tab (a youth writing 20 messages) and the page coming back after the worker's own reply
    add nothing to the trail. A look at the appointments within a visit of the case page is
    part of that visit; the case page after a look at the appointments alone is a new line.
    """
    covered = ("view_case",) if action == "view_case" else ("view_case", action)
    stmt = select(func.max(AuditEntry.at)).where(
        AuditEntry.worker_id == worker_id,
        AuditEntry.case_id == case_id,
        AuditEntry.action.in_(covered),
    )
    last = (await session.execute(stmt)).scalar_one_or_none()
    if last is None or last <= now - VISIT:
        await audit(session, worker_id, action, case_id, now)


async def audit_trail(session: AsyncSession, case_id: int) -> list[tuple[datetime, str, str]]:
    stmt = (
        select(AuditEntry.at, AuditEntry.action, Worker.full_name)
        .outerjoin(Worker, Worker.id == AuditEntry.worker_id)
        .where(AuditEntry.case_id == case_id)
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
        .limit(500)
    )
    return [(at, action, name or "") for at, action, name in (await session.execute(stmt)).all()]


# Built once: building a statement (and its cache key) costs more than SQLite running it.
OPEN_CASE_OF_YOUTH = (
    select(Case)
    .where(Case.youth_id == bindparam("youth_id"), Case.status.in_(OPEN))
    .order_by(Case.id.desc())
    .limit(1)
)
LAST_CASE_OF_YOUTH = (
    select(Case).where(Case.youth_id == bindparam("youth_id")).order_by(Case.id.desc()).limit(1)
)


async def case_of_youth(session: AsyncSession, youth_id: int) -> Case | None:
    """The youth's open case (the newest), if any."""
    params = {"youth_id": youth_id}
    return (await session.execute(OPEN_CASE_OF_YOUTH, params)).scalar_one_or_none()


async def waiting_since(session: AsyncSession, case: Case) -> datetime:
    """Since when the case waits for a first answer: it came in, or it was last reopened."""
    return (await returned_at(session, [case.id])).get(case.id) or case.created_at


async def worker_wrote_at(session: AsyncSession, youth_id: int) -> datetime | None:
    """When a worker last wrote to this youth (None: never)."""
    stmt = select(func.max(Message.created_at)).where(
        Message.youth_id == youth_id, Message.direction == "out", Message.author == "worker"
    )
    return (await session.execute(stmt)).scalar_one_or_none()


async def answering_worker(session: AsyncSession, case: Case) -> Worker | None:
    """Who answers the youth now: the worker, or their cover while they are absent."""
    if case.worker_id is None:
        return None
    worker = await session.get(Worker, case.worker_id)
    if worker is None:
        return None
    if worker.absent and worker.cover_id:
        cover = await session.get(Worker, worker.cover_id)
        if cover is not None and not cover.absent and cover.active:
            return cover
    return worker


async def youth_wrote(session: AsyncSession, youth_id: int, now: datetime) -> Case | None:
    """Count a youth's message as unread on their case; a closed case opens again, flagged "terug".

    A reopened case goes back to its worker when they are around (or covered), otherwise to
    the queue: it never sits with someone who is away.
    """
    params = {"youth_id": youth_id}
    case = (await session.execute(LAST_CASE_OF_YOUTH, params)).scalar_one_or_none()
    if case is None:
        return None
    if case.status == "closed":
        answering = await answering_worker(session, case)
        if answering is None or answering.absent:
            case.worker_id, case.status = None, "waiting"
        else:
            case.status = "active"
        before = case.outcome
        case.outcome, case.closed_at, case.unread = None, None, 0
        await add_event(session, case.id, None, "reopened", {"status": case.status, "outcome": before}, now)  # fmt: skip
        await set_flag(session, case, "terug", None, now)
    case.unread += 1
    case.last_youth_message_at = now
    case.updated_at = now
    return case


async def returned_at(session: AsyncSession, case_ids: list[int]) -> dict[int, datetime]:
    """When each of these cases was last reopened by a youth writing again (if ever)."""
    if not case_ids:
        return {}
    stmt = (
        select(CaseEvent.case_id, func.max(CaseEvent.created_at))
        .where(CaseEvent.case_id.in_(case_ids), CaseEvent.kind == "reopened")
        .group_by(CaseEvent.case_id)
    )
    return {int(c): at for c, at in (await session.execute(stmt)).all() if at is not None}
