"""Appointments and their reminders: rows with a due time, claimed once by a scheduler tick."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from flows.views import AppointmentView
from storage import casework
from storage.models import Appointment, Case, Reminder, Worker

OPEN_STATES = ("proposed", "confirmed", "wants_change")


def view_of(appointment: Appointment, worker_name: str) -> AppointmentView:
    return AppointmentView(
        id=appointment.id,
        starts_at=appointment.starts_at,
        minutes=appointment.minutes,
        place=appointment.place,
        kind=appointment.kind,
        worker_name=worker_name,
        note=appointment.note,
        state=appointment.state,
        version=appointment.version,
    )


async def create(
    session: AsyncSession,
    case: Case,
    worker: Worker,
    *,
    starts_at: datetime,
    minutes: int,
    place: str,
    kind: str,
    note: str,
    now: datetime,
) -> Appointment:
    appointment = Appointment(
        case_id=case.id,
        youth_id=case.youth_id,
        partnership_id=case.partnership_id,
        worker_id=worker.id,
        starts_at=starts_at,
        minutes=minutes,
        place=place,
        kind=kind,
        note=note,
        state="proposed",
        late=False,
        wish={},
        version=1,
        created_at=now,
        updated_at=now,
    )
    session.add(appointment)
    await session.flush()
    return appointment


async def plan_reminders(
    session: AsyncSession, appointment: Appointment, due: Sequence[tuple[int, datetime]]
) -> None:
    for offset, at in due:
        session.add(
            Reminder(
                appointment_id=appointment.id,
                version=appointment.version,
                offset_minutes=offset,
                due_at=at,
                status="pending",
            )
        )


async def drop_reminders(session: AsyncSession, appointment: Appointment) -> None:
    """Pending reminders of this appointment will not go out (moved or cancelled)."""
    await session.execute(
        update(Reminder)
        .where(Reminder.appointment_id == appointment.id, Reminder.status == "pending")
        .values(status="cancelled")
    )


async def move(
    session: AsyncSession, appointment: Appointment, starts_at: datetime, now: datetime
) -> None:
    await drop_reminders(session, appointment)
    appointment.starts_at = starts_at
    appointment.version += 1
    appointment.state = "proposed"
    appointment.late = False
    appointment.wish = {}
    appointment.updated_at = now


async def set_state(
    session: AsyncSession, appointment: Appointment, state: str, now: datetime
) -> None:
    if state == "cancelled":
        await drop_reminders(session, appointment)
    appointment.state = state
    appointment.updated_at = now


async def record_answer(
    session: AsyncSession,
    appointment: Appointment,
    answer: str,
    dayparts: Sequence[str],
    reason: str,
    now: datetime,
) -> None:
    """The youth's tap: confirmed, wants to move (with day parts and a reason), or late."""
    if answer == "late":
        appointment.late = True
    else:
        appointment.state = answer
    if answer == "wants_change":
        appointment.wish = {"dayparts": list(dayparts), "reason": reason[:1000]}
    appointment.updated_at = now


async def in_partnership(
    session: AsyncSession, partnership_id: str, appointment_id: int
) -> Appointment | None:
    appointment = await session.get(Appointment, appointment_id)
    if appointment is None or appointment.partnership_id != partnership_id:
        return None
    return appointment


async def of_youth(session: AsyncSession, youth_id: int, appointment_id: int) -> Appointment | None:
    appointment = await session.get(Appointment, appointment_id)
    return appointment if appointment is not None and appointment.youth_id == youth_id else None


async def upcoming_for_youth(
    session: AsyncSession, youth_id: int, now: datetime
) -> list[Appointment]:
    stmt = (
        select(Appointment)
        .where(
            Appointment.youth_id == youth_id,
            Appointment.state.in_(OPEN_STATES),
            Appointment.starts_at > now,
        )
        .order_by(Appointment.starts_at)
    )
    return list((await session.execute(stmt)).scalars())


async def upcoming_of_case(session: AsyncSession, case_id: int, now: datetime) -> list[Appointment]:
    """A case's appointments still to come that are not cancelled (proposed, confirmed, ...)."""
    stmt = (
        select(Appointment)
        .where(
            Appointment.case_id == case_id,
            Appointment.state.in_(OPEN_STATES),
            Appointment.starts_at > now,
        )
        .order_by(Appointment.starts_at)
    )
    return list((await session.execute(stmt)).scalars())


async def hand_over(
    session: AsyncSession, appointment: Appointment, to: Worker, now: datetime
) -> None:
    """The appointment stays at its moment, now with a colleague; reminders name them."""
    appointment.worker_id = to.id
    appointment.updated_at = now


async def of_case(session: AsyncSession, case_id: int) -> list[Appointment]:
    stmt = select(Appointment).where(Appointment.case_id == case_id).order_by(Appointment.starts_at)
    return list((await session.execute(stmt)).scalars())


async def of_worker_between(
    session: AsyncSession, worker_id: int, start: datetime, end: datetime
) -> list[tuple[Appointment, dict[str, Any]]]:
    """A worker's appointments in a time window, with the youth's intake answers."""
    stmt = (
        select(Appointment, Case.answers)
        .join(Case, Case.id == Appointment.case_id)
        .where(
            Appointment.worker_id == worker_id,
            Appointment.starts_at >= start,
            Appointment.starts_at < end,
        )
        .order_by(Appointment.starts_at)
    )
    return [(a, dict(answers)) for a, answers in (await session.execute(stmt)).all()]


async def claim_due(
    session: AsyncSession, now: datetime, limit: int = 100
) -> list[tuple[Reminder, Appointment]]:
    """Due reminders, locked for this transaction: another instance skips them (PostgreSQL).

    SQLite has a single writer (BEGIN IMMEDIATE), so the same holds there.
    """
    stmt = (
        select(Reminder)
        .where(Reminder.status == "pending", Reminder.due_at <= now)
        .order_by(Reminder.due_at, Reminder.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    reminders = list((await session.execute(stmt)).scalars())
    out = []
    for reminder in reminders:
        appointment = await session.get(Appointment, reminder.appointment_id)
        if appointment is not None:
            out.append((reminder, appointment))
    return out


async def youth_answered(
    session: AsyncSession, youth_id: int, appointment_id: int, answer: str, dayparts: tuple[str, ...],
    reason: str, now: datetime,
) -> Case | None:  # fmt: skip
    """Record the youth's tap on the appointment and flag it on the case for the worker."""
    appointment = await of_youth(session, youth_id, appointment_id)
    if appointment is None:
        return None
    await record_answer(session, appointment, answer, dayparts, reason, now)
    data: dict[str, object] = {"id": appointment.id, "what": answer}
    await casework.add_event(session, appointment.case_id, None, "appointment", data, now)
    case = await session.get(Case, appointment.case_id)
    if case is not None and answer != "confirmed":
        case.unread += 1  # "wil verzetten" / "te laat" needs the worker's eyes
    return case


async def of_youth_by_id(session: AsyncSession, youth_id: int) -> dict[int, Appointment]:
    """Every appointment of the youth, by id (the web chat checks which buttons still count)."""
    stmt = select(Appointment).where(Appointment.youth_id == youth_id)
    return {a.id: a for a in (await session.execute(stmt)).scalars()}


async def waiting_for_answer(
    session: AsyncSession, youth_id: int, now: datetime
) -> Appointment | None:
    """The youth's soonest proposed appointment that has not ended: what "ik kom" answers."""
    stmt = (
        select(Appointment)
        .where(Appointment.youth_id == youth_id, Appointment.state == "proposed")
        .where(Appointment.starts_at > now - timedelta(hours=12))
        .order_by(Appointment.starts_at)
    )
    for found in (await session.execute(stmt)).scalars():
        if found.starts_at + timedelta(minutes=found.minutes) > now:
            return found
    return None
