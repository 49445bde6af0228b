"""Check-ins over time: the real engine and tick on a hand-moved clock, on both databases."""

from __future__ import annotations

import asyncio
import itertools
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import select, update

from flows.pacing import QuietHours
from storage import checkins
from storage.db import Database
from storage.models import CheckIn, OutboxJob
from tests.support.clock import BRUSSELS, Clock
from tests.support.inbox import add_worker, link_telegram
from tests.support.outreach import Life, Sent


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=BRUSSELS).astimezone(UTC)


def shown(life: Life) -> list[str]:
    return [f"{s.at:%a %d %b %H:%M} {s.what}" for s in life.automated]


async def test_twelve_weeks_of_one_youth(db: Database) -> None:
    clock = Clock()
    clock.set_local(date(2026, 11, 30), time(10))  # Monday: Noor registers, weekly, afternoons
    life = await Life.begin(db, clock)
    sara = await add_worker(db, "Sara")
    await link_telegram(db, sara.id, "5001")
    await life.claim(sara.id)
    assert (await life.press("checkin:week"))[0].startswith("Top! Ik vraag je elke week")

    # Week 1: a check-in on Monday afternoon; a good answer and a note for Sara.
    await life.live_until(at(date(2026, 12, 7), 16))
    await life.press(f"ci:{await life.open_checkin()}:4")
    assert await life.says("Ik had een sollicitatie!") == [
        "Bedankt. Ik geef het door aan je coach."
    ]
    # Week 2: a low answer flags the case "aandacht" and tells Sara.
    await life.live_until(at(date(2026, 12, 14), 16))
    await life.press(f"ci:{await life.open_checkin()}:2")
    assert (await life.case()).flag == "aandacht"
    # Week 3: Noor wrote the day before: the check-in is skipped, nobody asks twice.
    clock.set_local(date(2026, 12, 20), time(12))
    await life.says("hoi, gaat wel")
    # Week 4: a check-in, then /pauze for two weeks: weeks 5 and 6 stay silent.
    await life.live_until(at(date(2026, 12, 29), 11))
    await life.says("/pauze 2")
    # Week 7: the pause is over: the next check-in, the next afternoon. Noor does not answer.
    # Week 8: three weeks without a word: "uit beeld", Sara is told, one gentle re-contact
    # instead of the check-in. Then silence: nothing more until Noor writes.
    await life.live_until(at(date(2027, 2, 8), 10))
    assert (await life.case()).flag == "uit_beeld"
    # Week 11: Noor is back; the case is in view again and check-ins resume a week later.
    await life.says("sorry, was druk")
    assert (await life.case()).flag is None
    await life.live_until(at(date(2027, 2, 15), 16))
    await life.says("😄")
    # Week 12: /stop. No automated message after it.
    clock.set_local(date(2027, 2, 16), time(9))
    await life.says("/stop")
    await life.live_until(at(date(2027, 2, 22), 23, 30))

    assert shown(life) == [
        "Mon 07 Dec 14:00 check-in",
        "Mon 14 Dec 14:00 check-in",
        "Mon 28 Dec 14:00 check-in",
        "Tue 12 Jan 14:00 check-in",
        "Tue 19 Jan 14:00 re-contact",
        "Mon 15 Feb 14:00 check-in",
    ]
    assert [score for score, _ in await life.answers()] == [5, None, None, 2, 4]
    assert (await life.answers())[-1][1] == "Ik had een sollicitatie!"
    assert await life.worker_notes() == [
        "Nieuw bericht van Noor. Open de inbox.",  # the first unread message; Sara never read
        "Noor gaf een lage score bij de check-in. Open de inbox.",
        "Noor nam pauze tot dinsdag 12 januari: geen automatische berichten tot dan.",
        "Noor is uit beeld: al een tijd geen bericht. Open de inbox.",
        "Noor koos /stop: geen automatische berichten meer. Schrijven kan nog.",
    ]


# --- property: over random lives, automated messages keep every rule -----------------------

Action = tuple[int, str]  # (hours after the start, what the youth or worker does)
ACTIONS = st.sampled_from(
    ["write", "answer", "answer", "/pauze 1", "/pauze 2", "/pauze 4", "pause:0", "/stop",
     "/start", "quiet", "noquiet", "checkin:week", "checkin:2weeks", "checkin:month",
     "checkin:none"]
)  # fmt: skip
SCHEDULES = st.lists(st.tuples(st.integers(1, 8 * 7 * 24), ACTIONS), max_size=14)
QUIETS = st.tuples(st.integers(0, 23), st.integers(0, 23))
START = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)


@dataclass
class Rules:
    """What the youth (and worker) asked for, as the test saw it happen: the ground truth."""

    quiet: list[tuple[datetime, QuietHours]] = field(default_factory=list)
    paused: list[tuple[datetime, datetime]] = field(default_factory=list)
    stopped: list[tuple[datetime, datetime]] = field(default_factory=list)
    heard: list[datetime] = field(default_factory=list)

    def quiet_at(self, moment: datetime) -> QuietHours:
        current = QuietHours()  # WAM!'s default, 21u–9u
        for since, quiet in self.quiet:
            if since <= moment:
                current = quiet
        return current


async def live(schedule: list[Action], quiet_hours: tuple[int, int], db: Database) -> None:
    clock = Clock(START)
    life = await Life.begin(db, clock, reach=("evening", "morning"))
    await life.press("checkin:week")
    rules = Rules(heard=[clock.now])
    stop_since: datetime | None = None
    end = START + timedelta(weeks=9)
    for hours, action in [*sorted(schedule), (9 * 7 * 24, "end")]:
        when = min(START + timedelta(hours=hours), end)
        await life_until(life, when)
        now = clock.now
        if action == "end":
            break
        if action == "quiet":
            window = QuietHours(time(quiet_hours[0]), time(quiet_hours[1]))
            await life.set_youth(quiet_hours=str(window))  # the worker sets it in the inbox
            rules.quiet.append((now, window))
            continue
        if action == "noquiet":
            await life.set_youth(quiet_hours=None)
            rules.quiet.append((now, QuietHours()))
            continue
        if action == "answer":
            if not [s for s in await life.outgoing() if s.what == "check-in"]:
                continue
            await life.press(f"ci:{await life.open_checkin()}:3")
        elif action.startswith(("checkin:", "pause:")):
            await life.press(action)
        else:
            await life.says(action)
        rules.heard.append(now)
        if action.startswith(("/pauze", "pause:0")) and rules.paused and rules.paused[-1][1] > now:
            rules.paused[-1] = (rules.paused[-1][0], now)  # a new choice replaces the pause
        if action.startswith("/pauze"):
            rules.paused.append((now, now + timedelta(weeks=int(action[-1]))))
        if action == "/stop" and stop_since is None:
            stop_since = now
        if action == "/start" and stop_since is not None:
            rules.stopped.append((stop_since, now))
            stop_since = None
    if stop_since is not None:
        rules.stopped.append((stop_since, end))
    check(await life.outgoing(), rules)


async def life_until(life: Life, until: datetime) -> None:
    """Tick at every moment something may happen: due rows, and at least daily (drift)."""
    while life.clock.now < until:
        async with life.db.transaction() as session:
            planned = await checkins.planned(session, life.youth_id)
        due = planned.due_at if planned is not None else None
        step = life.clock.now + timedelta(days=1)
        life.clock.now = min(until, step, due) if due and due > life.clock.now else min(until, step)
        await life.tick()


def check(sent: list[Sent], rules: Rules) -> None:
    automated = [s.at.astimezone(UTC) for s in sent]
    for moment in automated:
        local = moment.astimezone(BRUSSELS).time()
        assert not rules.quiet_at(moment).contains(local), f"in quiet hours: {moment}"
        assert not any(a <= moment < b for a, b in rules.paused), f"during a pause: {moment}"
        # `a <= moment`: a message written at the very instant of the /stop counts as after
        # it. /stop wins (test_a_stop_at_the_instant_a_check_in_falls_due_wins).
        assert not any(a <= moment < b for a, b in rules.stopped), f"after /stop: {moment}"
    for first, second in itertools.pairwise(automated):
        answered = any(first < h <= second for h in rules.heard)
        assert answered or second - first >= timedelta(days=7), f"two unanswered: {first} {second}"


FIRST_DUE = 7 * 24  # hours after START: Monday 7 December, 10:00 (morning, after quiet hours)


@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(schedule=SCHEDULES, quiet_hours=QUIETS)
# Found once by shrinking: /stop at the instant the first check-in falls due (it is withdrawn).
@example(schedule=[(FIRST_DUE, "/stop"), (FIRST_DUE + 1, "answer")], quiet_hours=(0, 0))
@example(schedule=[(FIRST_DUE, "/pauze 2"), (FIRST_DUE + 1, "answer")], quiet_hours=(0, 0))
def test_no_automated_message_breaks_quiet_hours_pause_stop_or_the_weekly_limit(
    schedule: list[Action], quiet_hours: tuple[int, int], tmp_path_factory: pytest.TempPathFactory
) -> None:
    async def run() -> None:
        path = tmp_path_factory.mktemp("life") / "instap.db"
        db = Database(f"sqlite+aiosqlite:///{path}")
        try:
            await db.migrate()
            await live(schedule, quiet_hours, db)
        finally:
            await db.dispose()

    asyncio.run(run())


async def test_an_answer_to_an_old_check_in_lands_on_that_one(db: Database) -> None:
    clock = Clock()
    clock.set_local(date(2026, 11, 30), time(10))
    life = await Life.begin(db, clock)
    await life.press("checkin:week")
    await life.live_until(at(date(2026, 12, 7), 15))
    first = await life.open_checkin()
    await life.live_until(at(date(2026, 12, 14), 15))
    second = await life.open_checkin()
    assert second != first
    # Noor scrolls up and taps a face on last week's message: it is stored there.
    assert (await life.press(f"ci:{first}:5"))[0].startswith("Dank je om het te laten weten!")
    await life.press(f"ci:{first}:no")
    # A typed score answers the newest open one.
    await life.says("2")
    assert [score for score, _ in await life.answers()] == [2, 5]
    # A forged button for a check-in that does not exist changes nothing.
    assert await life.press("ci:99999:1") == ["Die knop werkt niet meer."]
    assert [score for score, _ in await life.answers()] == [2, 5]


async def test_a_stop_at_the_instant_a_check_in_falls_due_wins(db: Database) -> None:
    """The tick writes the check-in, then /stop is stored at the same instant: it never goes out.

    Nothing automated may reach a youth after their /stop was stored; a check-in still
    waiting in the outbox is withdrawn (one the sender already took left before the stop).
    """
    clock = Clock(START)
    life = await Life.begin(db, clock, reach=("evening", "morning"))
    await life.press("checkin:week")
    due = START + timedelta(hours=FIRST_DUE)
    await life_until(life, due)
    assert [(s.at.astimezone(UTC), s.what) for s in life.automated] == [(due, "check-in")]

    assert await life.says("/stop") == [
        "Oké, ik stuur je vanaf nu zelf geen berichten meer.\nWil je later verder? Typ dan /start."
    ]
    assert await life.outgoing() == []  # the check-in is withdrawn from the outbox
    async with db.transaction() as session:
        stmt = select(CheckIn).where(CheckIn.youth_id == life.youth_id).order_by(CheckIn.id)
        rows = (await session.execute(stmt)).scalars()
        assert [(r.status, r.reason, r.sent_at) for r in rows] == [
            ("dropped", "stopped", None),  # the withdrawn one
            ("dropped", "no_rhythm", None),  # the next one, planned when it was written
        ]
        pending = await session.execute(
            select(OutboxJob.payload).where(OutboxJob.youth_id == life.youth_id)
        )
        assert not any("Hoe gaat het" in str(p) for p in pending.scalars())
    await life_until(life, due + timedelta(weeks=3))
    assert await life.outgoing() == []


async def test_a_pause_at_the_instant_a_check_in_falls_due_wins(db: Database) -> None:
    """Found by the property test: /pauze stored at the instant the tick wrote a check-in.
    The pause starts then, so the check-in waiting in the outbox stays unsent."""
    clock = Clock(START)
    life = await Life.begin(db, clock, reach=("evening", "morning"))
    await life.press("checkin:week")
    due = START + timedelta(hours=FIRST_DUE)
    await life_until(life, due)
    assert [(s.at.astimezone(UTC), s.what) for s in life.automated] == [(due, "check-in")]

    await life.says("/pauze 2")

    assert not [s for s in await life.outgoing() if s.what == "check-in"]
    async with db.transaction() as session:
        stmt = select(CheckIn).where(CheckIn.youth_id == life.youth_id).order_by(CheckIn.id)
        first = (await session.execute(stmt)).scalars().first()
        assert first is not None and (first.status, first.reason) == ("dropped", "paused")
    await life_until(life, due + timedelta(weeks=2) - timedelta(hours=1))
    assert not [s for s in await life.outgoing() if s.what == "check-in"]


async def test_a_check_in_already_on_its_way_at_the_stop_is_not_taken_back(db: Database) -> None:
    clock = Clock(START)
    life = await Life.begin(db, clock, reach=("evening", "morning"))
    await life.press("checkin:week")
    await life_until(life, START + timedelta(hours=FIRST_DUE))
    async with db.transaction() as session:
        await session.execute(
            update(OutboxJob).where(OutboxJob.youth_id == life.youth_id).values(status="sending")
        )
    await life.says("/stop")
    assert [s.what for s in await life.outgoing()] == ["check-in"]  # it left before the /stop
