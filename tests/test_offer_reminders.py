"""Group-session reminders on a hand-moved clock: planned on a seat, sent once, withdrawn.

Taps go through the real flow (`flows.offers.on_button`) and the engine's booking effects
(`bot.offering.apply`); the tick is the one the scheduler runs.
"""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from bot import offering
from bot.ticks.offer_reminders import OfferReminders
from core.i18n import Translator
from core.lexicon import load_lexicon
from core.runtime import Runtime
from flows.context import Context
from flows.model import BookSeat, CancelBooking, LateForSession
from flows.offers import on_button
from flows.pacing import QuietHours
from flows.state import Answers, State
from storage import offers, youths
from storage.db import Database
from storage.models import Message, Youth
from storage.offer_models import Booking, OfferReminder, OfferSession
from tests.support.clock import Clock
from tests.support.dialog import directory
from tests.support.inbox import add_worker

BRUSSELS = ZoneInfo("Europe/Brussels")
NO_QUIET = QuietHours(time(0), time(0))
NOOR = State(step="done", answers=Answers(name="Noor", partnership_id="wam"))


def setup(
    db: Database, clock: Clock, offsets: tuple[int, ...] = (24 * 60, 120),
    quiet: QuietHours | None = None,
) -> OfferReminders:  # fmt: skip
    d = directory()
    wam = replace(d.partnership("wam"), reminders_minutes_before=offsets)
    wam = replace(wam, quiet_hours=quiet or wam.quiet_hours)
    d = replace(d, partnerships=tuple(wam if p.id == "wam" else p for p in d.partnerships))
    runtime = Runtime(d, load_lexicon(), Translator(), BRUSSELS, clock)
    return OfferReminders(db, runtime, lambda: None)


async def atelier(db: Database, clock: Clock, day: date, at: time, capacity: int = 8) -> int:
    """WAM!'s cooking atelier on that day and hour (Brussels); returns the session id."""
    leader = await add_worker(db, f"Leider{capacity}{day.day}{at.hour}")
    async with db.transaction() as session:
        offer = await offers.create_offer(
            session, partnership_id="wam", title="Samen koken", description="", kind="atelier",
            place="De Kring", address="Marktplein 9, Maasmechelen", capacity=capacity,
            leader_id=leader.id, now=clock.now,
        )  # fmt: skip
        starts = offers.weekly_starts(datetime.combine(day, at, tzinfo=BRUSSELS), 1)
        (row,) = await offers.add_sessions(session, offer, starts, 120, clock.now)
        return row.id


async def youth(db: Database, chat: str) -> int:
    async with db.transaction() as session:
        return (await youths.get_or_create(session, "telegram", chat, "nl", datetime.now(UTC))).id


async def tap(ticker: OfferReminders, youth_id: int, data: str, session_id: int) -> None:
    """The youth taps an ofr: button: the flow decides, the booking effects are applied."""
    runtime = ticker.runtime
    now = runtime.clock()
    async with ticker.db.transaction() as session:
        view = await offers.session_view(session, session_id, "wam", youth_id)
        ctx = Context(
            now=now.astimezone(BRUSSELS), lang="nl", directory=runtime.directory,
            lexicon=runtime.lexicon,
        )  # fmt: skip
        found = await session.get(Youth, youth_id)
        assert found is not None
        for effect in on_button(NOOR, data, view, ctx).effects:
            if isinstance(effect, BookSeat | CancelBooking | LateForSession):
                await offering.apply(session, runtime, found, effect, now)


async def run_until(clock: Clock, ticker: OfferReminders, until: datetime) -> list[datetime]:
    """Tick every 10 minutes like the scheduler; the local times at which something was sent."""
    sent_at = []
    while clock.now < until:
        clock.now += timedelta(minutes=10)
        if await ticker.tick():
            sent_at.append(clock.now.astimezone(BRUSSELS).replace(tzinfo=None))
    return sent_at


async def texts(db: Database, youth_id: int) -> list[str]:
    async with db.transaction() as session:
        query = select(Message.text).where(Message.youth_id == youth_id).order_by(Message.id)
        return list((await session.scalars(query)).all())


async def statuses(db: Database) -> dict[str, int]:
    async with db.transaction() as session:
        query = select(OfferReminder.status, func.count()).group_by(OfferReminder.status)
        return {status: n for status, n in (await session.execute(query)).tuples()}


REMINDED = "Even een herinnering: Samen koken is maandag"


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        # Autumn: the clocks go back in the night of Saturday 24 to Sunday 25 October 2026.
        (date(2026, 10, 26), [datetime(2026, 10, 25, 14), datetime(2026, 10, 26, 12)]),
        # Spring: the clocks go forward in the night of Saturday 27 to Sunday 28 March 2027.
        (date(2027, 3, 29), [datetime(2027, 3, 28, 14), datetime(2027, 3, 29, 12)]),
    ],
    ids=["autumn", "spring"],
)
async def test_a_seat_is_reminded_at_the_right_local_times_across_dst(
    db: Database, day: date, expected: list[datetime]
) -> None:
    clock = Clock(datetime(2000, 1, 1, tzinfo=UTC))
    clock.set_local(day - timedelta(days=3), time(10))
    ticker = setup(db, clock)
    session_id = await atelier(db, clock, day, time(14))
    noor = await youth(db, "1")
    await tap(ticker, noor, f"ofr:in:{session_id}", session_id)
    sent = await run_until(clock, ticker, datetime.combine(day, time(16), tzinfo=BRUSSELS))
    assert sent == expected
    reminders = [t for t in await texts(db, noor) if t.startswith(REMINDED)]
    assert len(reminders) == 2
    assert reminders[0].endswith("om 14u. 📍 De Kring, Marktplein 9, Maasmechelen")


async def test_cancelling_withdraws_and_a_cancelled_or_moved_session_is_not_reminded(
    db: Database,
) -> None:
    clock = Clock(datetime(2000, 1, 1, tzinfo=UTC))
    clock.set_local(date(2026, 12, 1), time(10))
    ticker = setup(db, clock, offsets=(60,))
    kept, dropped, called_off, moved = [
        await atelier(db, clock, date(2026, 12, 3), time(hour)) for hour in (11, 13, 15, 17)
    ]
    noor = await youth(db, "1")
    for session_id in (kept, dropped, called_off, moved):
        await tap(ticker, noor, f"ofr:in:{session_id}", session_id)
    await tap(ticker, noor, f"ofr:out:{dropped}", dropped)
    async with db.transaction() as session:
        cancelled = await session.get(OfferSession, called_off)
        shifted = await session.get(OfferSession, moved)
        assert cancelled is not None and shifted is not None
        cancelled.cancelled = True
        shifted.starts_at += timedelta(days=1)  # moved without planning again: stale
    sent = await run_until(clock, ticker, datetime(2026, 12, 5, tzinfo=BRUSSELS))
    assert [s.strftime("%d %H:%M") for s in sent] == ["03 10:00"]
    assert await statuses(db) == {"sent": 1, "cancelled": 1, "skipped": 2}


async def test_paused_stopped_or_reminders_off_are_skipped_and_a_started_session_too(
    db: Database,
) -> None:
    clock = Clock(datetime(2000, 1, 1, tzinfo=UTC))
    clock.set_local(date(2026, 12, 1), time(10))
    ticker = setup(db, clock, offsets=(60,))
    session_id = await atelier(db, clock, date(2026, 12, 3), time(14))
    later_id = await atelier(db, clock, date(2026, 12, 4), time(14))
    ids = [await youth(db, str(n)) for n in range(4)]
    for youth_id in ids:
        await tap(ticker, youth_id, f"ofr:in:{session_id}", session_id)
    await tap(ticker, ids[0], f"ofr:in:{later_id}", later_id)
    paused, stopped, quiet, told = ids
    async with db.transaction() as session:
        rows = {y: await session.get(Youth, y) for y in ids}
        rows[paused].paused_until = clock.now + timedelta(days=7)  # type: ignore[union-attr]
        rows[stopped].stopped = True  # type: ignore[union-attr]
        rows[quiet].reminders = False  # type: ignore[union-attr]
    clock.set_local(date(2026, 12, 3), time(13, 5))
    assert await ticker.tick() == 1
    assert [t for t in await texts(db, told) if t.startswith("Even een herinnering")]
    for youth_id in (paused, stopped, quiet):
        assert not [t for t in await texts(db, youth_id) if t.startswith("Even een herinnering")]
    clock.set_local(date(2026, 12, 4), time(14, 30))  # down until the next one had started
    assert await ticker.tick() == 0
    assert await statuses(db) == {"sent": 1, "skipped": 4}


async def test_toch_niet_on_the_reminder_gives_the_seat_to_the_first_waiting_youth(
    db: Database,
) -> None:
    clock = Clock(datetime(2000, 1, 1, tzinfo=UTC))
    clock.set_local(date(2026, 12, 1), time(10))
    ticker = setup(db, clock, offsets=(24 * 60, 60))
    session_id = await atelier(db, clock, date(2026, 12, 3), time(14), capacity=1)
    noor, amir, lina = [await youth(db, str(n)) for n in range(3)]
    for youth_id in (noor, amir, lina):
        await tap(ticker, youth_id, f"ofr:in:{session_id}", session_id)  # then the waiting list
        await tap(ticker, youth_id, f"ofr:wait:{session_id}", session_id)
    assert await run_until(clock, ticker, datetime(2026, 12, 2, 14, tzinfo=BRUSSELS)) == [
        datetime(2026, 12, 2, 14)
    ]
    assert (await texts(db, noor))[-1].startswith("Even een herinnering: Samen koken is donderdag")
    await tap(ticker, noor, f"ofr:out:{session_id}", session_id)  # "Toch niet" on it
    assert (await texts(db, amir))[-1].startswith(
        "Er is een plaats vrijgekomen voor Samen koken op donderdag 3 december om 14u."
    )
    await tap(ticker, amir, f"ofr:late:{session_id}", session_id)
    assert await run_until(clock, ticker, datetime(2026, 12, 3, 16, tzinfo=BRUSSELS)) == [
        datetime(2026, 12, 3, 13)
    ]
    assert (await texts(db, amir))[-1].startswith("Even een herinnering: Samen koken")
    assert not [t for t in await texts(db, lina) if "herinnering" in t]  # still waiting
    assert len([t for t in await texts(db, noor) if "herinnering" in t]) == 1  # not at 13u
    async with db.transaction() as session:
        seats = (await session.execute(select(Booking.youth_id, Booking.state, Booking.late))).all()
    assert sorted(tuple(s) for s in seats) == sorted(
        [(noor, "cancelled", False), (amir, "booked", True), (lina, "waiting", False)]
    )


async def test_two_instances_send_each_reminder_exactly_once(db: Database, db_url: str) -> None:
    clock = Clock(datetime(2000, 1, 1, tzinfo=UTC))
    clock.set_local(date(2026, 12, 1), time(10))
    first = setup(db, clock, offsets=(600,), quiet=NO_QUIET)  # all due at 8u59 at once
    count = 120 if db.url.get_backend_name() == "postgresql" else 40
    sessions = [await atelier(db, clock, date(2026, 12, 2), time(9 + h), 200) for h in range(4)]
    for i in range(count):
        youth_id = await youth(db, str(7000 + i))
        session_id = sessions[i % 4]
        await tap(first, youth_id, f"ofr:in:{session_id}", session_id)
    other_db = Database(db_url)
    try:
        second = OfferReminders(other_db, first.runtime, lambda: None)
        clock.set_local(date(2026, 12, 2), time(8, 59))  # every reminder due, nothing started

        async def drain(ticker: OfferReminders) -> int:
            total = 0
            while sent := await ticker.tick():
                total += sent
            return total

        totals = await asyncio.gather(drain(first), drain(second))
        assert await first.tick() == 0 and await second.tick() == 0  # a restart sends nothing
    finally:
        await other_db.dispose()
    assert sum(totals) == count
    async with db.transaction() as session:
        per_booking = (
            await session.execute(
                select(OfferReminder.booking_id, func.count())
                .where(OfferReminder.status == "sent")
                .group_by(OfferReminder.booking_id)
            )
        ).all()
        messages = await session.scalar(
            select(func.count()).select_from(Message).where(Message.text.like("Even een%"))
        )
    assert len(per_booking) == count and {n for _, n in per_booking} == {1}
    assert messages == count
