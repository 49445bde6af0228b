"""The flood budget shared by instances on PostgreSQL (storage/flood.py): however many
instances claim at once, the slots they get keep to the budget.

The assertions are on the slots the database granted (its own arithmetic), not on how
fast this machine ran the claims.
"""

from __future__ import annotations

import asyncio
import bisect

from sqlalchemy import func, select, update

from storage import flood
from storage.db import Database
from storage.flood import FloodSlot, Pace, Slot
from tests.conftest import fresh_postgres_database
from tests.support.postgres import PostgresServer

BOT = Pace(20.0, 5.0)
ANY_CHAT = Pace(1000.0, 1000.0)  # the chat's own limit out of the way
ROUNDING = 1e-3  # seconds: slots are float8 epoch seconds, sums of 1/rate at ~1.8e9


def most_in_one_second(slots: list[Slot]) -> int:
    """The most slots granted in any window [t, t + 1 s)."""
    at = sorted(s.at for s in slots)
    return max(bisect.bisect_left(at, t + 1.0 - ROUNDING) - i for i, t in enumerate(at))


async def racing(dbs: list[Database], tasks: int, claims: int, chat: str | None) -> list[Slot]:
    """Every Database (an instance: its own engine and pool) runs `tasks` claimers at once."""

    async def claimer(db: Database, name: str) -> list[Slot]:
        slots = []
        for n in range(claims):
            async with db.transaction() as session:
                to = chat or f"{name}-{n}"
                slots.append(await flood.claim(session, "telegram", to, BOT, pace(chat)))
        return slots

    def pace(chat: str | None) -> Pace:
        return Pace(2.0, 3.0) if chat else ANY_CHAT

    done = await asyncio.gather(
        *(claimer(db, f"{i}.{t}") for i, db in enumerate(dbs) for t in range(tasks))
    )
    return [slot for slots in done for slot in slots]


async def test_four_instances_racing_never_get_more_than_the_bots_budget(
    postgres: PostgresServer | str,
) -> None:
    url = await fresh_postgres_database(postgres)
    dbs = [Database(url) for _ in range(4)]
    await dbs[0].migrate()
    try:
        slots = await racing(dbs, tasks=5, claims=10, chat=None)
        assert len(slots) == 200  # every claim got a slot: a wait, never a refusal
        assert most_in_one_second(slots) <= BOT.burst + BOT.rate
        at = sorted(s.at for s in slots)
        # 200 messages at 20/s with a burst of 5 take at least (200 - 5) / 20 seconds.
        assert at[-1] - at[0] >= (200 - BOT.burst) / BOT.rate - ROUNDING
        assert max(s.wait for s in slots) > 5  # granted ahead: the claimers wait for them
    finally:
        for db in dbs:
            await db.dispose()


async def test_one_chat_keeps_its_own_pace_across_instances(
    postgres: PostgresServer | str,
) -> None:
    url = await fresh_postgres_database(postgres)
    dbs = [Database(url) for _ in range(3)]
    await dbs[0].migrate()
    try:
        slots = await racing(dbs, tasks=2, claims=2, chat="4001")  # 12 messages to one chat
        assert most_in_one_second(slots) <= 3 + 2  # its burst, then 2 a second
        at = sorted(s.at for s in slots)
        assert at[-1] - at[0] >= (12 - 3) / 2 - ROUNDING
        async with dbs[0].transaction() as session:  # only this chat and the bot have a row
            scopes = set((await session.execute(select(FloodSlot.scope))).scalars())
        assert scopes == {"telegram", flood.chat_scope("telegram", "4001")}
        assert not any("4001" in scope for scope in scopes)
    finally:
        for db in dbs:
            await db.dispose()


async def test_passed_slots_are_forgotten(postgres: PostgresServer | str) -> None:
    db = Database(await fresh_postgres_database(postgres))
    await db.migrate()
    try:
        async with db.transaction() as session:
            first = await flood.claim(session, "telegram", "4001", BOT, ANY_CHAT)
            await flood.claim(session, "telegram", "4002", BOT, ANY_CHAT)
            # One chat's slot long past (as after a quiet minute): the same as no row.
            await session.execute(
                update(FloodSlot)
                .where(FloodSlot.scope == flood.chat_scope("telegram", "4001"))
                .values(tat=0.0)
            )
            assert await flood.sweep(session) == 1
            count = select(func.count()).select_from(FloodSlot)
            assert (await session.execute(count)).scalar_one() == 2
        assert first.wait <= 0  # a quiet bot's first message goes at once
    finally:
        await db.dispose()
