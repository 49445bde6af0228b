"""Demo data: two years of plausible, clearly fake activity in one partnership.

For a newcomer's first look at the inbox and the report (`instap demo-data`, `make run`) and,
scaled up, for the report benchmark (bench/report.py). Every youth is a web-chat youth whose
channel id starts with "demo:", with a first name from a fixed list and `"demo": true` in the
intake answers; every claimed case has a note saying it is made up. A fixed seed makes the
same `now` give the same data. Rows go in by bulk inserts, a batch of youths at a time.
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import Any, cast
from zoneinfo import ZoneInfo

from sqlalchemy import Table, func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from flows.directory import Partnership
from storage.demo_life import NOTE, Life, live
from storage.models import (
    Case,
    CaseEvent,
    CaseNeed,
    CaseProfile,
    CaseSignal,
    CheckIn,
    Consent,
    Message,
    Note,
    Signpost,
    UncoveredDemand,
    Worker,
    Youth,
)

__all__ = ["BENCH", "DEMO", "MARK", "NOTE", "Filled", "NotForDemo", "Size", "check_empty", "fill"]

MARK = "demo:"  # the start of every demo youth's channel_user_id
NO_LOGIN = "!demo-account-no-login"  # not an argon2 hash: no password ever matches
BRUSSELS = ZoneInfo("Europe/Brussels")
# Demo colleagues added next to the partnership's own workers (who can log in).
COLLEAGUES = (
    ("Lotte", "Lotte Wouters"), ("Yusuf", "Yusuf Aydin"), ("Elke", "Elke Maes"),
    ("Bram", "Bram Willems"), ("Nadia", "Nadia El Amrani"), ("Pieter", "Pieter Goossens"),
)  # fmt: skip


@dataclass(frozen=True)
class Size:
    """How much to make: youths over `days` ending now, and at most so many rows per youth."""

    youths: int = 500
    days: int = 730
    checkins: int = 12  # per case, at most
    messages: int = 8  # per case, at most (besides the bot's first answer)
    batch: int = 2000  # youths generated and inserted at a time
    workers: int = 5  # claiming workers at least (demo colleagues make up the difference)


DEMO = Size()
BENCH = Size(youths=100_000, checkins=3, messages=3, batch=5000, workers=1000)


class NotForDemo(Exception):
    """The database holds real youths, or demo data already: the message says which."""


@dataclass
class Filled:
    """What was added, counted per table."""

    partnership_id: str
    rows: dict[str, int] = field(default_factory=dict)
    first: datetime | None = None
    last: datetime | None = None

    def add(self, table: str, n: int) -> None:
        self.rows[table] = self.rows.get(table, 0) + n


async def check_empty(session: AsyncSession) -> None:
    """Raise NotForDemo unless the database has no youths at all: never next to real data."""
    demo = Youth.channel_user_id.like(f"{MARK}%")
    real = await session.scalar(select(func.count()).select_from(Youth).where(~demo))
    if real:
        raise NotForDemo(
            f"this database holds real data (youths not made by the demo: {real}); "
            "demo data is only added to an empty database"
        )
    if await session.scalar(select(func.count()).select_from(Youth).where(demo)):
        raise NotForDemo("this database already holds demo data: nothing was added")


async def fill(
    session: AsyncSession,
    partnership: Partnership,
    uncovered: Sequence[str],
    now: datetime,
    size: Size = DEMO,
    seed: int = 2026,
) -> Filled:
    """Fill `partnership` with `size` worth of activity ending at `now`; refuse on real data."""
    if not 1 <= size.youths <= 1_000_000:
        raise ValueError(f"youths must be 1 to 1,000,000, not {size.youths}")
    await check_empty(session)
    rng = random.Random(seed)
    start = now - timedelta(days=size.days)
    workers = await claimers(session, partnership.id, size.workers, start)
    ids = Ids(
        youth=await next_id(session, Youth.id),
        case=await next_id(session, Case.id),
    )
    filled = Filled(partnership.id)
    filled.add("workers", len(workers))
    places = [m.name for m in partnership.municipalities]
    place_weights = [rng.uniform(0.3, 1.0) * (2.0 if i == 0 else 1.0) for i in range(len(places))]
    moments = registrations(rng, size.youths, start, now)
    filled.first, filled.last = moments[0], moments[-1]
    for at in range(0, size.youths, size.batch):
        rows = Rows()
        for moment in moments[at : at + size.batch]:
            youth = Life(
                youth_id=ids.youth,
                case_id=ids.case,
                registered=moment,
                place=rng.choices(places, place_weights)[0],
            )
            live(rng, youth, partnership, workers, now, (size.messages, size.checkins), rows.add)
            ids.youth, ids.case = ids.youth + 1, ids.case + 1
        for model, batch in rows.tables():
            await bulk(session, model, batch)
            filled.add(model.__tablename__, len(batch))
    await counted_requests(session, rng, uncovered, start, now, size.youths, filled)
    await move_sequences(session)
    return filled


@dataclass
class Ids:
    youth: int
    case: int


class Rows:
    """Rows per table, in the order they may be inserted (parents first)."""

    ORDER: tuple[type[Any], ...] = (
        Youth, Case, CaseNeed, Consent, Message, CaseEvent, Note, CheckIn, CaseSignal, CaseProfile,
    )  # fmt: skip

    def __init__(self) -> None:
        self.by_model: dict[type[Any], list[dict[str, Any]]] = {m: [] for m in self.ORDER}

    def add(self, model: type[Any], row: dict[str, Any]) -> None:
        self.by_model[model].append(row)

    def tables(self) -> Iterator[tuple[type[Any], list[dict[str, Any]]]]:
        for model in self.ORDER:
            if self.by_model[model]:
                yield model, self.by_model[model]


async def bulk(session: AsyncSession, model: type[Any], rows: list[dict[str, Any]]) -> None:
    """Insert rows as one executemany (the table, not the ORM: no ids are read back)."""
    await session.execute(insert(cast(Table, model.__table__)), rows)


async def next_id(session: AsyncSession, column: Any) -> int:
    return int(await session.scalar(select(func.coalesce(func.max(column), 0)))) + 1


async def claimers(
    session: AsyncSession, partnership_id: str, at_least: int, since: datetime
) -> list[tuple[int, str]]:
    """The partnership's workers (id, first name), with demo colleagues up to `at_least`."""
    stmt = (
        select(Worker.id, Worker.first_name)
        .where(Worker.partnership_id == partnership_id, Worker.role == "worker", Worker.active)
        .order_by(Worker.id)
    )
    team = [(int(i), str(n)) for i, n in (await session.execute(stmt)).all()]
    for n in range(at_least - len(team)):
        first, full = COLLEAGUES[n % len(COLLEAGUES)]
        number = f" {n // len(COLLEAGUES) + 1}" if n >= len(COLLEAGUES) else ""
        worker = Worker(
            partnership_id=partnership_id,
            username=f"{first.lower()}{number.strip()}.demo@{partnership_id}.invalid",
            first_name=first,
            full_name=f"{full}{number} (demo)",
            organisation="demo",
            role="worker",
            password_hash=NO_LOGIN,
            capacity=20,
            created_at=since,
        )
        session.add(worker)
        await session.flush()
        team.append((worker.id, first))
    return team


# Relative inflow per month (January first): quiet in summer and December, busy after the
# summer holidays and in the first months of the year, when schools and VDAB refer.
SEASON = (1.2, 1.15, 1.1, 1.0, 0.95, 0.8, 0.5, 0.55, 1.3, 1.35, 1.1, 0.7)
HOURS = (9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23)
HOUR_WEIGHTS = (3, 5, 6, 5, 6, 7, 8, 8, 7, 6, 6, 7, 7, 5, 3)


def registrations(rng: random.Random, n: int, start: datetime, now: datetime) -> list[datetime]:
    """`n` registration moments between `start` and `now`: seasonal, growing, fewer at weekends."""
    days = max(1, (now - start).days)
    weights = []
    for d in range(days):
        day = (start + timedelta(days=d)).astimezone(BRUSSELS)
        growth = 0.8 + 0.4 * d / days  # the partnership gets better known
        weekend = 0.45 if day.weekday() >= 5 else 1.0
        weights.append(SEASON[day.month - 1] * growth * weekend)
    chosen = rng.choices(range(days), weights, k=n)
    moments = []
    for d in chosen:
        date = (start + timedelta(days=d)).astimezone(BRUSSELS).date()
        hour = rng.choices(HOURS, HOUR_WEIGHTS)[0]
        local = datetime.combine(date, time(hour, rng.randrange(60)), tzinfo=BRUSSELS)
        moments.append(min(max(local, start), now - timedelta(minutes=5)))
    return sorted(moments)


async def counted_requests(
    session: AsyncSession,
    rng: random.Random,
    uncovered: Sequence[str],
    start: datetime,
    now: datetime,
    youths: int,
    filled: Filled,
) -> None:
    """Blind spots (places nobody covers) and youths sent elsewhere: counts, nothing personal."""
    days = max(1, (now - start).days)

    def day() -> Any:
        return (start + timedelta(days=rng.randrange(days + 1))).astimezone(BRUSSELS).date()

    places = rng.sample(list(uncovered), min(10, len(uncovered)))
    if places:
        weights = [1 / (i + 1) for i in range(len(places))]  # a few places ask most
        demand = [
            {"place": rng.choices(places, weights)[0], "day": day()} for _ in range(youths // 3)
        ]
        await bulk(session, UncoveredDemand, demand)
        filled.add(UncoveredDemand.__tablename__, len(demand))
    reasons = ("too_young", "too_old", "no_consent")
    signposts = [
        {"reason": rng.choices(reasons, (5, 3, 2))[0], "day": day()} for _ in range(youths // 12)
    ]
    if signposts:
        await bulk(session, Signpost, signposts)
        filled.add(Signpost.__tablename__, len(signposts))


async def move_sequences(session: AsyncSession) -> None:
    """PostgreSQL: the ids given here are used; the next ones the service makes come after."""
    if session.bind.dialect.name != "postgresql":
        return
    for model in (Youth, Case):
        highest = select(func.coalesce(func.max(model.id), 1)).scalar_subquery()
        sequence = func.pg_get_serial_sequence(model.__tablename__, "id")
        await session.execute(select(func.setval(sequence, highest)))
