"""bench/seed.py at a very small size: the counts it promises (no timing here; see bench/)."""

from __future__ import annotations

from sqlalchemy import func, select

from bench import seed
from inbox.auth import Opened, begin_login
from storage.db import Database
from storage.models import Case, Message, Worker

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
