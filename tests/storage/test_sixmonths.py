"""The six-month tick reads only its candidates, through the partial index (both databases)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import text

from storage import sixmonths
from storage.db import Database

NOW = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)


async def plan_of(db: Database, statement: Any) -> str:
    """The query plan of a statement as the database would run it."""
    async with db.transaction() as session:
        conn = await session.connection()
        sqlite = conn.dialect.name == "sqlite"
        compiled = statement.compile(dialect=conn.dialect)
        if not sqlite:
            await conn.exec_driver_sql("SET LOCAL enable_seqscan = off")  # an empty table
        values = {
            k: v.replace(tzinfo=None) if isinstance(v, datetime) else v
            for k, v in compiled.params.items()
        }
        params = tuple(
            str(values[n]) if sqlite and isinstance(values[n], datetime) else values[n]
            for n in compiled.positiontup or ()
        )
        prefix = "EXPLAIN QUERY PLAN " if sqlite else "EXPLAIN "
        rows = await conn.exec_driver_sql(prefix + str(compiled), params)
        return "\n".join(str(row) for row in rows)


async def test_the_candidates_are_read_through_the_partial_index(db: Database) -> None:
    captured: list[Any] = []

    class Spy:
        async def execute(self, statement: Any) -> Any:
            captured.append(statement)

            class Rows:
                def scalars(self) -> list[object]:
                    return []

            return Rows()

    await sixmonths.claim_due(Spy(), NOW)  # type: ignore[arg-type]
    await sixmonths.give_up_late(Spy(), NOW)  # type: ignore[arg-type]
    for statement in captured:
        assert "ix_cases_six_month" in await plan_of(db, statement)


async def test_the_index_holds_only_closed_cases_never_asked(db: Database) -> None:
    async with db.transaction() as session:
        conn = await session.connection()
        if conn.dialect.name == "sqlite":
            found = await conn.execute(
                text("SELECT sql FROM sqlite_master WHERE name = 'ix_cases_six_month'")
            )
        else:
            found = await conn.execute(
                text("SELECT indexdef FROM pg_indexes WHERE indexname = 'ix_cases_six_month'")
            )
        definition = str(found.scalar_one()).lower()
    assert "closed_at" in definition
    assert "six_month_asked_at is null" in definition
    assert "status" in definition and "closed" in definition
