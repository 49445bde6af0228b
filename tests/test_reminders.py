"""Reminders with a controllable clock: the right local time across DST, moved, cancelled, late."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from bot.ticks.reminders import Reminders
from core.bus import Bus
from core.i18n import Translator
from core.lexicon import load_lexicon
from core.runtime import Runtime
from flows.pacing import DEFAULT_QUIET, QuietHours
from inbox.appointments import Appointments
from inbox.errors import Invalid
from inbox.service import Inbox
from storage.db import Database
from storage.models import Message, Reminder
from tests.support.clock import Clock
from tests.support.dialog import directory
from tests.support.inbox import add_case, add_worker

BRUSSELS = ZoneInfo("Europe/Brussels")


def setup(
    db: Database,
    clock: Clock,
    offsets: tuple[int, ...] = (24 * 60, 120),
    quiet: QuietHours = DEFAULT_QUIET,
) -> tuple[Appointments, Reminders]:
    d = directory()
    wam = replace(d.partnership("wam"), reminders_minutes_before=offsets, quiet_hours=quiet)
    d = replace(d, partnerships=tuple(wam if p.id == "wam" else p for p in d.partnerships))
    translator = Translator()
    inbox = Inbox(db, d, translator, Bus(), lambda: None, clock=clock)
    runtime = Runtime(d, load_lexicon(), translator, BRUSSELS, clock)
    return Appointments(inbox), Reminders(db, runtime, lambda: None)


async def reminder_texts(db: Database) -> list[str]:
    async with db.transaction() as session:
        query = select(Message.text).where(Message.text.like("%herinnering%")).order_by(Message.id)
        return list((await session.execute(query)).scalars())


async def run_until(
    clock: Clock, reminders: Reminders, until: datetime, step: timedelta
) -> list[datetime]:
    """Tick like the scheduler does; return the local times at which something was sent."""
    sent_at = []
    while clock.now < until:
        clock.now += step
        if await reminders.tick():
            sent_at.append(clock.now.astimezone(BRUSSELS))
    return sent_at


@pytest.mark.parametrize(
    ("day", "at", "expected"),
    [
        # Autumn: the clocks go back in the night of Saturday 24 to Sunday 25 October 2026.
        (
            date(2026, 10, 26),
            time(14),
            [datetime(2026, 10, 25, 14, 0), datetime(2026, 10, 26, 12, 0)],
        ),
        # Spring: the clocks go forward in the night of Saturday 27 to Sunday 28 March 2027.
        (date(2027, 3, 29), time(14), [datetime(2027, 3, 28, 14, 0), datetime(2027, 3, 29, 12, 0)]),
    ],
    ids=["autumn", "spring"],
)
async def test_reminders_fire_at_the_right_local_time_across_dst(
    db: Database, day: date, at: time, expected: list[datetime]
) -> None:
    clock = Clock(datetime(2000, 1, 1, tzinfo=UTC))
    clock.set_local(day - timedelta(days=3), time(10))
    appointments, reminders = setup(db, clock)
    sara = await add_worker(db, "Sara")
    case_id = await add_case(db)
    await appointments.create(
        sara, case_id, day=day, at=at, minutes=60, place="Kantoor", kind="gesprek"
    )
    step = timedelta(minutes=10)
    sent = await run_until(clock, reminders, datetime.combine(day, time(16), tzinfo=BRUSSELS), step)
    assert [s.replace(tzinfo=None) for s in sent] == expected
    texts = await reminder_texts(db)
    assert len(texts) == 2
    assert all("maandag" in t for t in texts)


async def test_moving_and_cancelling_update_the_reminders(db: Database) -> None:
    clock = Clock(datetime(2000, 1, 1, tzinfo=UTC))
    clock.set_local(date(2026, 12, 1), time(10))
    appointments, reminders = setup(db, clock, offsets=(60,))
    sara = await add_worker(db, "Sara")
    case_id = await add_case(db)
    first = await appointments.create(
        sara,
        case_id,
        day=date(2026, 12, 3),
        at=time(14),
        minutes=60,
        place="Kantoor",
        kind="gesprek",
    )
    second = await appointments.create(
        sara, case_id, day=date(2026, 12, 4), at=time(11), minutes=30, place="Kantoor", kind="vdab"
    )
    await appointments.move(sara, first, day=date(2026, 12, 3), at=time(16))
    await appointments.cancel(sara, second)
    sent = await run_until(
        clock, reminders, datetime(2026, 12, 5, tzinfo=BRUSSELS), timedelta(minutes=5)
    )
    assert [s.strftime("%d %H:%M") for s in sent] == ["03 15:00"]  # moved to 16u: reminded at 15u
    async with db.transaction() as session:
        statuses = dict(
            (
                await session.execute(
                    select(Reminder.status, func.count()).group_by(Reminder.status)
                )
            ).all()
        )
    assert statuses == {"sent": 1, "cancelled": 2}
    outgoing = [t async for t in texts_to_youth(db)]
    assert any("Je afspraak met Sara is verzet." in t for t in outgoing)
    assert any("gaat niet door" in t for t in outgoing)


async def texts_to_youth(db: Database):  # type: ignore[no-untyped-def]
    async with db.transaction() as session:
        for text in (await session.execute(select(Message.text).order_by(Message.id))).scalars():
            yield text


async def test_after_downtime_overdue_reminders_go_out_but_never_after_the_start(
    db: Database,
) -> None:
    clock = Clock(datetime(2000, 1, 1, tzinfo=UTC))
    clock.set_local(date(2026, 12, 1), time(10))
    appointments, reminders = setup(db, clock, offsets=(24 * 60, 120))
    sara = await add_worker(db, "Sara")
    case_id = await add_case(db)
    await appointments.create(
        sara, case_id, day=date(2026, 12, 3), at=time(14), minutes=60, place="K", kind="gesprek"
    )
    await appointments.create(
        sara, case_id, day=date(2026, 12, 2), at=time(11), minutes=60, place="K", kind="gesprek"
    )
    # The service was down from the 1st at 10u until the 2nd at 13u: the 2nd's 11u appointment
    # has started (no reminder); the 3rd's day-before reminder (the 2nd at 14u) is not due yet.
    clock.set_local(date(2026, 12, 2), time(13))
    assert await reminders.tick() == 0
    clock.set_local(date(2026, 12, 3), time(13))  # down again until 13u on the 3rd
    assert await reminders.tick() == 2  # both reminders of the 3rd are overdue: sent, once
    assert await reminders.tick() == 0


async def test_invalid_appointments_are_refused_clearly(db: Database) -> None:
    clock = Clock(datetime(2026, 3, 1, 10, tzinfo=UTC))
    appointments, _ = setup(db, clock)
    sara = await add_worker(db, "Sara")
    case_id = await add_case(db)
    cases = [
        (date(2027, 3, 28), time(2, 30), 60, "K", "bestaat niet"),
        (date(2026, 10, 25), time(2, 30), 60, "K", "twee keer"),
        (date(2026, 2, 1), time(14), 60, "K", "verleden"),
        (date(2026, 12, 1), time(14), 0, "K", "minstens 1 minuut"),
        (date(2026, 12, 1), time(14), -5, "K", "minstens 1 minuut"),
        (date(2026, 12, 1), time(14), 60, "x" * 5000, "te lang"),
    ]
    for day, at, minutes, place, words in cases:
        with pytest.raises(Invalid, match=words):
            await appointments.create(
                sara, case_id, day=day, at=at, minutes=minutes, place=place, kind="gesprek"
            )


async def test_two_instances_send_each_reminder_exactly_once(db: Database, db_url: str) -> None:
    """Two reminder tickers, each with its own engine and connections, race over one database."""
    clock = Clock(datetime(2000, 1, 1, tzinfo=UTC))
    clock.set_local(date(2026, 12, 1), time(10))
    # No quiet hours: at 8u59 every reminder is due at once.
    appointments, first = setup(db, clock, offsets=(600,), quiet=QuietHours(time(0), time(0)))
    sara = await add_worker(db, "Sara")
    count = 1000 if db.url.get_backend_name() == "postgresql" else 200
    for i in range(count):
        case_id = await add_case(db, chat=str(5000 + i))
        await appointments.create(
            sara,
            case_id,
            day=date(2026, 12, 2),
            at=time(9 + i % 8),
            minutes=30,
            place="K",
            kind="gesprek",
        )
    other_db = Database(db_url)
    try:
        second = Reminders(other_db, first.runtime, lambda: None)
        clock.set_local(
            date(2026, 12, 2), time(8, 59)
        )  # every reminder is due, no appointment started

        async def drain(ticker: Reminders) -> int:
            total = 0
            while sent := await ticker.tick():
                total += sent
            return total

        totals = await asyncio.gather(drain(first), drain(second))
    finally:
        await other_db.dispose()
    assert sum(totals) == count
    async with db.transaction() as session:
        per_appointment = (
            await session.execute(
                select(Reminder.appointment_id, func.count())
                .where(Reminder.status == "sent")
                .group_by(Reminder.appointment_id)
            )
        ).all()
        reminder_messages = (
            await session.execute(
                select(func.count()).select_from(Message).where(Message.text.like("%herinnering%"))
            )
        ).scalar_one()
    assert len(per_appointment) == count and {n for _, n in per_appointment} == {1}
    assert reminder_messages == count
