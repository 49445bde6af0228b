"""Every row of every table: to show an attempt changed nothing, or an erasure left nothing."""

from __future__ import annotations

from sqlalchemy import select

from storage.db import Database
from storage.models import Base


async def every_row(db: Database) -> dict[str, list[str]]:
    """Each table's rows as sorted reprs."""
    tables: dict[str, list[str]] = {}
    async with db.transaction() as session:
        for table in Base.metadata.sorted_tables:
            rows = (await session.execute(select(table))).all()
            tables[table.name] = sorted(repr(tuple(row)) for row in rows)
    return tables
