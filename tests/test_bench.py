"""bench/seed.py at a very small size: the counts it promises (no timing here; see bench/)."""

from __future__ import annotations

from sqlalchemy import func, select

from bench import fleet, seed
from inbox.auth import Opened, begin_login
from storage.db import Database
from storage.models import Case, Message, Worker
from tests.conftest import fresh_postgres_database
from tests.support.postgres import PostgresServer

YOUTHS = 300


async def test_seed_makes_the_promised_database(db_url: str) -> None:
    seeded = await seed.seed(db_url, YOUTHS)

    assert seeded.messages == YOUTHS * seed.MESSAGES_PER_YOUTH
    assert seeded.waiting == YOUTHS // seed.YOUTHS_PER_WAITING
    # The demo's youths, and new ones only for the waiting cases it lacked.
    assert YOUTHS <= seeded.youths <= YOUTHS + seeded.waiting
    db = Database(db_url)
    try:
        assert await seed.totals(db) == (
            seeded.youths, seeded.messages, seeded.waiting, seeded.rows,
        )  # fmt: skip
        async with db.transaction() as session:
            per_case = (
                select(func.count(Message.id))
                .join(Case, Case.youth_id == Message.youth_id)
                .join(Worker, Worker.id == Case.worker_id)
                .where(Worker.username == seed.WORKER)
                .group_by(Case.id)
            )
            longest = sorted((await session.execute(per_case)).scalars(), reverse=True)
        assert all(n >= seed.LONG_MESSAGES for n in longest[: seed.LONG])
        assert len(longest) == seed.MINE
        for username in (seed.WORKER, seed.COORDINATOR):  # both can log in
            opened = await begin_login(db, username, seed.PASSWORD, "127.0.0.1")
            assert isinstance(opened, Opened) and opened.worker.username == username
    finally:
        await db.dispose()


async def test_fleet_bench_runs_three_instances_within_the_flood_limits(
    postgres: PostgresServer | str,
) -> None:
    """bench/fleet.py with two youths: both finish the intake, nothing over Telegram's limits."""
    result = await fleet.fleet(await fresh_postgres_database(postgres), 3, 2, think=0)
    assert result.name == "fleet[3 instances] intake"
    assert result.ops == 2 * len(fleet.INTAKE)  # every message and tap got its first word
    assert "2 intakes" in result.note
    assert "flood violations 0;" in result.note
