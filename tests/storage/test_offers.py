"""Group offers in storage: weekly series across DST, seats, the waiting list, the race."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from flows.views import Profile
from storage import offers, youths
from storage.db import Database
from storage.models import Worker
from storage.offer_models import Offer
from tests.conftest import fresh_postgres_database
from tests.support.postgres import PostgresServer

BRUSSELS = ZoneInfo("Europe/Brussels")
NOW = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)


async def an_offer(db: Database, capacity: int, sessions: int = 1) -> tuple[Offer, list[int]]:
    """Sara's weekly cooking atelier, Fridays 14u–16u from 19 March 2027."""
    async with db.transaction() as session:
        sara = Worker(
            partnership_id="wam", username=f"sara-{uuid.uuid4().hex[:8]}", first_name="Sara",
            full_name="Sara Peeters", password_hash="-", created_at=NOW,
        )  # fmt: skip
        session.add(sara)
        await session.flush()
        offer = await offers.create_offer(
            session, partnership_id="wam", title="Samen koken", description="We koken samen.",
            kind="atelier", place="De Kring", address="Marktplein 9, Heusden-Zolder",
            capacity=capacity, leader_id=sara.id, now=NOW,
        )  # fmt: skip
        first = datetime(2027, 3, 19, 14, 0, tzinfo=BRUSSELS)
        rows = await offers.add_sessions(
            session, offer, offers.weekly_starts(first, sessions), 120, NOW
        )
        return offer, [r.id for r in rows]


async def some_youths(db: Database, count: int) -> list[int]:
    async with db.transaction() as session:
        return [
            (await youths.get_or_create(session, "web", f"youth-{n}", "nl", NOW)).id
            for n in range(count)
        ]


def test_a_weekly_series_stays_at_14u_across_the_change_to_summer_time() -> None:
    first = datetime(2027, 3, 19, 14, 0, tzinfo=BRUSSELS)  # summer time starts 28 March
    starts = offers.weekly_starts(first, 3)
    assert [s.astimezone(BRUSSELS).strftime("%d/%m %H:%M") for s in starts] == [
        "19/03 14:00", "26/03 14:00", "02/04 14:00",
    ]  # fmt: skip
    assert [s.hour for s in starts] == [13, 13, 12]  # UTC: one hour less from April


async def test_weekly_sessions_are_stored_in_utc_at_the_same_local_hour(db: Database) -> None:
    _, ids = await an_offer(db, capacity=5, sessions=3)
    async with db.transaction() as session:
        shown = await offers.upcoming(session, "wam", 0, NOW)
    assert [v.session_id for v in shown] == ids
    assert {v.starts_at.astimezone(BRUSSELS).hour for v in shown} == {14}
    assert {(v.title, v.seats_left, v.mine) for v in shown} == {("Samen koken", 5, "")}


async def test_bad_input_is_refused(db: Database) -> None:
    with pytest.raises(offers.OfferProblem, match="tussen 1 en 200"):
        await an_offer(db, capacity=0)
    with pytest.raises(offers.OfferProblem, match="tussen 1 en 200"):
        await an_offer(db, capacity=10_000)
    offer, _ = await an_offer(db, capacity=3)
    async with db.transaction() as session:
        with pytest.raises(offers.OfferProblem, match="verleden"):
            await offers.add_sessions(session, offer, [NOW - timedelta(days=1)], 60, NOW)


async def test_a_full_session_gives_a_waiting_place_and_a_cancel_promotes_the_first(
    db: Database,
) -> None:
    _, (sid,) = await an_offer(db, capacity=1)
    noor, amir, lina = await some_youths(db, 3)
    async with db.transaction() as session:
        assert await offers.book(session, sid, noor, NOW) == "booked"
        assert await offers.book(session, sid, noor, NOW) == "booked"  # a second tap
        assert await offers.book(session, sid, amir, NOW + timedelta(seconds=1)) == "waiting"
        assert await offers.book(session, sid, lina, NOW + timedelta(seconds=2)) == "waiting"
    async with db.transaction() as session:
        assert await offers.cancel(session, sid, noor, NOW) == amir
        assert await offers.cancel(session, sid, noor, NOW) is None  # already cancelled
        assert await offers.queue(session, sid, "booked") == [amir]
        assert await offers.queue(session, sid, "waiting") == [lina]
        view = await offers.session_view(session, sid, "wam", noor)
    assert view is not None and (view.mine, view.seats_left) == ("cancelled", 0)


async def test_a_session_of_another_partnership_is_not_shown(db: Database) -> None:
    _, (sid,) = await an_offer(db, capacity=1)
    async with db.transaction() as session:
        assert await offers.session_view(session, sid, "other", 1) is None
        assert await offers.upcoming(session, "other", 1, NOW) == ()


async def test_fifty_taps_for_the_last_ten_seats_on_two_instances(
    postgres: PostgresServer | str,
) -> None:
    """Two instances (two engines, two pools) at once: exactly 10 seats, 40 waiting in tap order."""
    db_url = await fresh_postgres_database(postgres)
    one, two = Database(db_url), Database(db_url)
    await one.migrate()
    try:
        _, (sid,) = await an_offer(one, capacity=12)
        early = await some_youths(one, 2)
        async with one.transaction() as session:  # two seats already gone: 10 left
            for youth in early:
                await offers.book(session, sid, youth, NOW)
        taps = (await some_youths(two, 52))[2:]
        tapped_at = {youth: NOW + timedelta(milliseconds=n) for n, youth in enumerate(taps)}

        async def tap(db: Database, youth: int) -> str:
            async with db.transaction() as session:
                return await offers.book(session, sid, youth, tapped_at[youth])

        results = await asyncio.gather(
            *(tap(one if n % 2 else two, youth) for n, youth in enumerate(taps))
        )
        async with one.transaction() as session:
            booked = await offers.queue(session, sid, "booked")
            waiting = await offers.queue(session, sid, "waiting")
    finally:
        await one.dispose()
        await two.dispose()
    assert results.count("booked") == 10 and results.count("waiting") == 40
    assert len(booked) == 12
    assert waiting == sorted(set(taps) - set(booked), key=tapped_at.__getitem__)


async def test_aanbod_lists_only_open_offers_whose_for_whom_fits_the_youth(db: Database) -> None:
    """A 19-year-old from Maasmechelen looking for work sees the work atelier; not the one for
    25+, not the one for Genk, not the invitation-only one (whose invitation still books)."""
    offer, (sid,) = await an_offer(db, capacity=5)
    work = offers.ForWhom(needs=("work",), municipalities=("Maasmechelen",), age_min=18, age_max=25)
    others = {
        "Voor 25+": (offers.ForWhom(age_min=25), True),
        "Genk werkt": (offers.ForWhom(municipalities=("Genk",)), True),
        "Op uitnodiging": (offers.ForWhom(), False),
        "Sollicitatie-atelier": (work, True),
    }
    ids = {}
    async with db.transaction() as session:
        for title, (whom, open_) in others.items():
            made = await offers.create_offer(
                session, partnership_id="wam", title=title, description="", kind="atelier",
                place="De Schakel", address="", capacity=5, leader_id=offer.leader_id, now=NOW,
                open=open_, for_whom=whom,
            )  # fmt: skip
            start = datetime(2027, 3, 20, 14, 0, tzinfo=BRUSSELS)
            ids[title] = (await offers.add_sessions(session, made, [start], 60, NOW))[0].id
    lina = Profile(age=19, municipality="Maasmechelen", needs=("work", "money"))
    async with db.transaction() as session:
        shown = await offers.upcoming(session, "wam", 0, NOW, lina)
        invited = await offers.session_view(session, ids["Op uitnodiging"], "wam", 0)
        older = await offers.upcoming(session, "wam", 0, NOW, Profile(age=27))
    assert [v.title for v in shown] == ["Samen koken", "Sollicitatie-atelier"]  # no criteria: all
    assert shown[0].session_id == sid
    assert invited is not None and invited.title == "Op uitnodiging"
    assert [v.title for v in older] == ["Samen koken", "Voor 25+"]


def test_a_for_whom_age_range_is_18_to_30_from_not_above_to() -> None:
    assert offers.ForWhom(age_min=18, age_max=30).ages_ok()
    assert offers.ForWhom(age_max=21).ages_ok() and offers.ForWhom().ages_ok()
    assert not offers.ForWhom(age_min=25, age_max=20).ages_ok()
    assert not offers.ForWhom(age_min=17).ages_ok()
    assert not offers.ForWhom(age_max=31).ages_ok()
