"""Message search reads the text index, not every message (issue 16)."""

from __future__ import annotations

from sqlalchemy import select

from storage.db import Database
from storage.models import Youth
from storage.search import youths_saying
from tests.storage.test_query_plans import assert_no_full_scans, populated
from tests.support.plans import capturing


async def test_message_search_reads_the_text_index(db: Database) -> None:
    await populated(db)
    async with db.transaction() as session:
        dialect = session.get_bind().dialect.name
        with capturing(db) as seen:
            found = await session.execute(
                select(Youth.id).where(Youth.id.in_(youths_saying(dialect, "werk")))
            )
            assert found.all()  # the demo's youths talk about work
    await assert_no_full_scans(db, seen)
