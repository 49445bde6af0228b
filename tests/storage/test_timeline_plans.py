"""The conversation's queries read through the timeline indexes on both databases, for the
newest page and for an older one (keyset), never a scan of every message."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event

from storage import timeline
from storage.db import Database
from storage.models import Case
from tests.support.conversation import chat
from tests.support.inbox import add_case, add_worker

INDEXES = ("ix_messages_timeline", "ix_notes_timeline", "ix_case_events_timeline")


async def plans(db: Database, case_id: int, older: bool) -> list[str]:
    """The plan of every query a timeline page runs."""
    seen: list[tuple[str, Any]] = []

    def keep(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        seen.append((statement, parameters))

    async with db.transaction() as session:
        case = await session.get(Case, case_id)
        assert case is not None
        cursor = (await timeline.page(session, case)).older if older else None
        assert older is (cursor is not None)
        engine = db.engine.sync_engine
        event.listen(engine, "before_cursor_execute", keep)
        try:
            await timeline.page(session, case, cursor, names={})  # names given: three queries
        finally:
            event.remove(engine, "before_cursor_execute", keep)
        explain = "EXPLAIN QUERY PLAN " if db.is_sqlite else "EXPLAIN "
        if not db.is_sqlite:  # a handful of rows: make the planner show what it would use
            await (await session.connection()).exec_driver_sql("SET LOCAL enable_seqscan = off")
        found = []
        for statement, parameters in seen:
            rows = await (await session.connection()).exec_driver_sql(
                explain + statement, parameters
            )
            found.append(" ".join(str(part) for row in rows.all() for part in row))
    return found


async def test_each_source_reads_through_its_index(db: Database) -> None:
    case_id = await add_case(db)
    sara = await add_worker(db, "Sara")
    await chat(db, case_id, sara.id, messages=120)
    for older in (False, True):
        found = await plans(db, case_id, older)
        assert len(found) == 3, found
        for plan, index in zip(found, INDEXES, strict=True):
            assert index in plan, (older, plan)
