"""Demo data for a newcomer: `instap demo-data`, and `make run` on an empty database."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from flows.directory import Directory, Partnership
from inbox.accounts import NewAccount, seed_demo
from storage import demo, offers
from storage.clock import utcnow
from storage.db import Database
from storage.models import Case, Worker
from storage.offer_models import Booking, Offer, OfferSession

BRUSSELS = ZoneInfo("Europe/Brussels")


def demo_partnership(directory: Directory, partnership_id: str | None = None) -> Partnership:
    """The one asked for, else the first in the partnerships file. Raises ValueError."""
    own = [p for p in directory.partnerships if not p.is_fallback]
    for p in own:
        if partnership_id in (None, p.id):
            return p
    known = ", ".join(p.id for p in own)
    raise ValueError(f"unknown partnership {partnership_id!r} (known: {known})")


def uncovered_places(directory: Directory) -> list[str]:
    """Real municipalities no partnership covers, for the blind-spot counts (sorted)."""
    covered = {
        m.name for p in directory.partnerships if not p.is_fallback for m in p.municipalities
    }
    return sorted({place.name for place in directory.known_places} - covered)


async def add_demo_data(
    db: Database,
    directory: Directory,
    partnership_id: str | None = None,
    youths: int = demo.DEMO.youths,
) -> demo.Filled:
    """Two years of fake activity ending now; raises demo.NotForDemo next to real data."""
    partnership = demo_partnership(directory, partnership_id)
    places = uncovered_places(directory)
    # A fixed order of places, then a fixed seed: the same day gives the same demo.
    async with db.transaction() as session:
        filled = await demo.fill(
            session, partnership, places, utcnow(), replace(demo.DEMO, youths=youths)
        )
        filled.add("offers", await demo_offers(session, partnership.id, utcnow()))
        return filled


DEMO_OFFERS = (
    # title, kind, weekday (0 = Monday), hour, minutes, weeks, capacity, a few demo youths booked
    ("Atelier sollicitatie (demo)", "atelier", 4, 14, 120, 6, 10, 6),
    ("Samen koken (demo)", "groepswerk", 2, 17, 150, 4, 8, 10),
    ("Netwerkmoment met werkgevers (demo)", "netwerkmoment", 1, 10, 180, 1, 40, 3),
)


async def demo_offers(session: AsyncSession, partnership_id: str, now: datetime) -> int:
    """A few group offers in the weeks ahead, led by a colleague, with demo youths signed up
    (the cooking one full with two waiting, so the waiting list shows)."""
    leader = await session.scalar(
        select(Worker.id).where(Worker.partnership_id == partnership_id).order_by(Worker.id)
    )
    if leader is None:
        return 0
    active = list(
        (
            await session.execute(
                select(Case.youth_id)
                .where(Case.partnership_id == partnership_id, Case.status == "active")
                .order_by(Case.id)
                .limit(20)
            )
        ).scalars()
    )
    today = now.astimezone(BRUSSELS).date()
    for title, kind, weekday, hour, minutes, weeks, capacity, booked in DEMO_OFFERS:
        offer = await offers.create_offer(
            session, partnership_id=partnership_id, title=title,
            description="Demo: een verzonnen aanbod.", kind=kind, place="Jeugdhuis De Kring",
            address="Marktplein 9", capacity=capacity, leader_id=leader, now=now,
        )  # fmt: skip
        day = today + timedelta(days=(weekday - today.weekday()) % 7 or 7)
        first = datetime.combine(day, time(hour), tzinfo=BRUSSELS)
        sessions = await offers.add_sessions(
            session, offer, offers.weekly_starts(first, weeks), minutes, now
        )
        for youth_id in active[:booked]:
            await offers.book(session, sessions[0].id, youth_id, now)
        await held_before(session, offer, first, minutes, weeks, active)
    return len(DEMO_OFFERS)


async def held_before(
    session: AsyncSession, offer: Offer, first: datetime, minutes: int, weeks: int,
    youths: list[int],
) -> None:  # fmt: skip
    """The same offer's sessions of the last weeks, held: who came, who did not, walk-ins
    (so the report's group figures have something to show)."""
    for week in range(1, 2 * weeks + 3):
        starts = first - timedelta(weeks=week)
        held = OfferSession(offer_id=offer.id, starts_at=starts, minutes=minutes, walk_ins=week % 3)
        session.add(held)
        await session.flush()
        for n, youth_id in enumerate(youths[week % 5 : week % 5 + 5]):
            session.add(
                Booking(
                    session_id=held.id, youth_id=youth_id, state="booked",
                    attended=(n + week) % 4 != 0, created_at=starts - timedelta(days=3),
                    updated_at=starts,
                )
            )  # fmt: skip


def summary(filled: demo.Filled, name: str) -> str:
    """One line for the console."""
    rows = filled.rows
    return (
        f"Demo data added to {name}: {rows.get('youths', 0)} fake youths, "
        f"{rows.get('case_signals', 0)} signals and {rows.get('checkins', 0)} check-ins over "
        f"two years (all marked demo; see the report in the inbox)."
    )


async def demo_command(
    db: Database, directory: Directory, partnership_id: str | None, youths: int
) -> tuple[list[NewAccount], demo.Filled]:
    """`instap demo-data`: on an empty database also the demo accounts, so someone can log in."""
    partnership = demo_partnership(directory, partnership_id)
    async with db.transaction() as session:
        await demo.check_empty(session)
    accounts = await seed_demo(db, directory, partnership.id)
    return accounts, await add_demo_data(db, directory, partnership.id, youths)
