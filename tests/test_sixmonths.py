"""The six-month question over time: the real engine and ticks on a hand-moved clock, on both
databases, and what the worker sees on the case page afterwards."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlalchemy import select

from bot.incoming import TAPPED
from bot.ticks.sixmonths import SixMonths
from storage import casework, registrations
from storage.db import Database
from storage.models import Case, Message, Worker, Youth
from tests.flows.test_sixmonths import HINT, THANKS
from tests.inbox.test_checkin_pages import login, text_of
from tests.support.clock import BRUSSELS, Clock
from tests.support.inbox import add_worker
from tests.support.outreach import Life
from tests.support.pages import open_pages

QUESTION = "Hoi Noor!\nDe hulp van WAM! stopte een half jaar geleden."
CLOSED = date(2026, 6, 1)  # a Monday; 182 days later is Monday 30 November
DUE = date(2026, 11, 30)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=BRUSSELS).astimezone(UTC)


async def closed_case(
    db: Database, clock: Clock, worker_id: int, *, rhythm: str | None = "week",
    before_closing: tuple[str, ...] = (),
) -> tuple[Life, SixMonths]:  # fmt: skip
    """Noor registers with WAM! in May (check-ins: `rhythm`), Sara closes her case on 1 June."""
    clock.set_local(date(2026, 5, 4), time(10))
    life = await Life.begin(db, clock)
    if rhythm is not None:
        await life.press(f"checkin:{rhythm}")
    await life.claim(worker_id)
    for text in before_closing:
        await life.says(text)
    clock.set_local(CLOSED, time(10))
    async with db.transaction() as session:
        case, sara = await session.get(Case, life.case_id), await session.get(Worker, worker_id)
        assert case is not None and sara is not None
        await casework.set_status(session, case, "closed", "work", sara, clock.now)
    await life.tick()  # the check-in planned while the case was open is dropped
    return life, SixMonths(db, life.engine.runtime, lambda: None)


async def live_until(
    life: Life, ticker: SixMonths, until: datetime, step: timedelta = timedelta(hours=1)
) -> None:
    """Move the clock in steps, ticking every tick like the scheduler does."""
    while life.clock.now < until:
        life.clock.now = min(life.clock.now + step, until)
        await ticker.tick()
        await life.tick()


async def questions(life: Life) -> list[str]:
    """When the question was written to Noor (local time), however often."""
    async with life.db.transaction() as session:
        stmt = (
            select(Message.created_at)
            .where(
                Message.youth_id == life.youth_id,
                Message.author == "bot",
                Message.text.startswith("Hoi Noor!\nDe hulp van"),
            )
            .order_by(Message.id)
        )
        found = (await session.execute(stmt)).scalars()
        return [f"{m.astimezone(BRUSSELS):%a %d %b %H:%M}" for m in found]


async def test_asked_once_half_a_year_after_closing_and_the_answer_shows_in_the_case(
    db: Database,
) -> None:
    clock = Clock()
    async with open_pages(db) as site:
        life, ticker = await closed_case(db, clock, site.sara.id)
        # The day before, and on the day itself before Noor's afternoon: nothing yet.
        clock.set_local(DUE - timedelta(days=1), time(9))
        await live_until(life, ticker, at(DUE, 13, 59))
        assert await questions(life) == []
        # 182 days after closing, in her day part (afternoon): two instances tick at that
        # very moment; the question goes out once.
        clock.now = at(DUE, 14)
        second = SixMonths(db, life.engine.runtime, lambda: None)
        assert sorted(await asyncio.gather(ticker.tick(), second.tick())) == [0, 1]
        assert await questions(life) == ["Mon 30 Nov 14:00"]
        sent = await life.messages_after(0)
        question = next(m for m in sent if m.text.startswith(QUESTION))
        assert question.buttons is not None
        assert [b["text"] for row in question.buttons["rows"] for b in row] == [
            "Ik werk", "Ik volg een opleiding", "Ik zoek nog", "Iets anders", "Liever niet zeggen",
        ]  # fmt: skip
        # The service restarts and keeps ticking for three weeks: nothing more.
        restarted = SixMonths(db, life.engine.runtime, lambda: None)
        await live_until(life, restarted, at(DUE + timedelta(days=20), 12), timedelta(hours=6))
        assert await questions(life) == ["Mon 30 Nov 14:00"]

        # Three weeks later Noor taps "Ik werk" on it: stored, thanked, the case stays closed.
        assert await life.press(f"sm:{life.case_id}:work") == [THANKS]
        case = await life.case()
        assert (case.six_month_result, case.six_month_answered_at) == ("work", clock.now)
        assert (case.status, case.outcome, case.flag) == ("closed", "work", None)
        # A second tap on the old message changes nothing.
        assert await life.press(f"sm:{life.case_id}:looking") == [
            "Dat had je al laten weten. Dank je!"
        ]
        assert (await life.case()).six_month_result == "work"

        await login(site, site.sara)
        _, page = await site.page(f"/inbox/cases/{life.case_id}")
        shown = text_of(page)
        assert "Na zes maanden werkt" in shown
        assert "Noor na zes maanden: werkt" in shown
        assert "De hulp van WAM! stopte een half jaar geleden." in shown  # the question
        assert f"{TAPPED}sm:{life.case_id}:work" in shown  # her tap (this harness sends no ref)


async def test_a_typed_answer_after_one_hint(db: Database) -> None:
    clock = Clock()
    sara = await add_worker(db, "Sara")
    life, ticker = await closed_case(db, clock, sara.id)
    clock.set_local(DUE, time(13))
    await live_until(life, ticker, at(DUE, 14))
    assert await questions(life) == ["Mon 30 Nov 14:00"]
    clock.set_local(DUE, time(19))
    # Not understood: one kind hint with the buttons again; the case stays closed.
    assert await life.says("pff") == [HINT]
    assert (await life.case()).status == "closed"
    assert await life.says("ik zoek nog een job") == [THANKS]
    case = await life.case()
    assert (case.six_month_result, case.status) == ("looking", "closed")


async def test_no_second_hint_a_second_unclear_text_reaches_the_team(db: Database) -> None:
    clock = Clock()
    sara = await add_worker(db, "Sara")
    life, ticker = await closed_case(db, clock, sara.id)
    clock.set_local(DUE, time(13))
    await live_until(life, ticker, at(DUE, 14))
    clock.set_local(DUE, time(19))
    assert await life.says("tja") == [HINT]
    answer = await life.says("kan ik nog eens langskomen?")
    assert HINT not in answer
    case = await life.case()
    assert (case.status, case.flag, case.six_month_result) == ("active", "terug", None)
    # No answer: nothing more, ever (the reopened case is not asked again either).
    await live_until(life, ticker, at(DUE + timedelta(days=40), 12), timedelta(hours=12))
    assert await questions(life) == ["Mon 30 Nov 14:00"]


async def test_crisis_words_in_the_answer_get_help_first_and_reach_the_team(db: Database) -> None:
    clock = Clock()
    sara = await add_worker(db, "Sara")
    life, ticker = await closed_case(db, clock, sara.id)
    clock.set_local(DUE, time(13))
    await live_until(life, ticker, at(DUE, 14))
    clock.set_local(DUE, time(22))
    answer = await life.says("ik zoek nog maar ik zie het niet meer zitten")
    assert answer[0].startswith("Wat je schrijft, klinkt heel zwaar.")
    assert "1813" in answer[0]
    case = await life.case()
    assert (case.urgent, case.status, case.flag) == (True, "active", "terug")  # back with Sara
    assert case.six_month_result is None
    # What she writes next is for Sara, not taken as a six-month answer or hinted at.
    assert HINT not in await life.says("sorry, het gaat gewoon echt slecht")
    assert (await life.case()).six_month_result is None


@pytest.mark.parametrize(
    ("situation", "moment"),
    [
        ("paused until Thursday", "Thu 03 Dec 14:00"),
        ("own quiet hours 8-16", "Mon 30 Nov 16:00"),  # school days: her afternoon is quiet
        ("the service was down until 23:30", "Tue 01 Dec 09:00"),
    ],
)
async def test_it_waits_for_a_pause_and_quiet_hours(
    db: Database, situation: str, moment: str
) -> None:
    clock = Clock()
    sara = await add_worker(db, "Sara")
    life, ticker = await closed_case(db, clock, sara.id)
    clock.set_local(DUE, time(8))
    if situation.startswith("paused"):
        await life.set_youth(paused_until=at(DUE + timedelta(days=3), 9))
    if situation.startswith("own quiet"):
        await life.set_youth(quiet_hours="08:00-16:00")
    if situation.startswith("the service was down"):
        clock.set_local(DUE, time(23, 30))
    await live_until(life, ticker, at(DUE + timedelta(days=6), 12), timedelta(minutes=30))
    assert await questions(life) == [moment]


async def test_no_answer_is_onbekend_and_nothing_more_is_sent(db: Database) -> None:
    clock = Clock()
    sara = await add_worker(db, "Sara")
    life, ticker = await closed_case(db, clock, sara.id)
    clock.set_local(DUE, time(13))
    await live_until(life, ticker, at(DUE, 14))
    await live_until(life, ticker, at(DUE + timedelta(days=60), 12), timedelta(hours=6))
    assert await questions(life) == ["Mon 30 Nov 14:00"]
    case = await life.case()
    assert case.six_month_asked_at == at(DUE, 14)
    assert case.six_month_result is None and case.six_month_answered_at is None
    bot = [m for m in await life.messages_after(0) if m.author == "bot"]
    assert [m.text for m in bot if m.created_at > at(CLOSED, 10)] == [
        m.text for m in bot if m.text.startswith(QUESTION)
    ]


async def reopen(life: Life) -> None:
    await life.says("hoi, ik ben het weer")  # after closing: the case opens again


async def newer_case(life: Life) -> None:
    async with life.db.transaction() as session:
        youth = await session.get(Youth, life.youth_id)
        assert youth is not None
        answers = {"name": "Noor", "age": 19, "municipality": "Maasmechelen", "needs": ["work"]}
        await registrations.open_case(session, youth, "wam", answers, life.clock.now)


async def erased(life: Life) -> None:
    await life.set_youth(erase_requested_at=life.clock.now, stopped=True)


@pytest.mark.parametrize(
    ("why", "rhythm", "before_closing", "after_closing", "asked"),
    [
        ("no check-ins wanted", "none", (), None, True),
        ("never chose a rhythm", None, (), None, True),
        ("/stop", "week", ("/stop",), None, True),
        ("reopened", "week", (), reopen, False),
        ("a newer case", "week", (), newer_case, True),
        ("erasure asked", "week", (), erased, True),
    ],
)
async def test_never_asked(
    db: Database, why: str, rhythm: str | None, before_closing: tuple[str, ...],
    after_closing: object, asked: bool,
) -> None:  # fmt: skip
    clock = Clock()
    sara = await add_worker(db, "Sara")
    life, ticker = await closed_case(
        db, clock, sara.id, rhythm=rhythm, before_closing=before_closing
    )
    clock.set_local(CLOSED + timedelta(days=30), time(12))
    if callable(after_closing):
        await after_closing(life)
    clock.set_local(DUE, time(9))
    await live_until(life, ticker, at(DUE + timedelta(days=10), 12), timedelta(hours=6))
    assert await questions(life) == [], why
    async with db.transaction() as session:
        case = await session.get(Case, life.case_id)
        assert case is not None
        # Skipped for good (never reconsidered), or no candidate at all (open again).
        assert (case.six_month_asked_at is not None) == asked, why
        assert case.six_month_result is None


async def test_cases_closed_long_ago_are_not_asked_now(db: Database) -> None:
    """History from before this feature: not a flood of questions about years-old cases."""
    clock = Clock()
    sara = await add_worker(db, "Sara")
    life, ticker = await closed_case(db, clock, sara.id)
    clock.set_local(DUE + timedelta(days=120), time(14))
    assert await ticker.tick() == 0
    assert (await life.case()).six_month_asked_at == clock.now
    await live_until(life, ticker, clock.now + timedelta(days=3), timedelta(hours=6))
    assert await questions(life) == []
