"""Every row of every table: to show an attempt changed nothing, or an erasure left nothing."""

from __future__ import annotations

from sqlalchemy import select

from storage.db import Database
from storage.models import Base

# Written by any request, changing nothing anyone sees: a token's last use.
BOOKKEEPING = frozenset({("api_tokens", "last_used_at")})


async def every_row(db: Database) -> dict[str, list[str]]:
    """Each table's rows as sorted reprs."""
    tables: dict[str, list[str]] = {}
    async with db.transaction() as session:
        for table in Base.metadata.sorted_tables:
            columns = [c for c in table.columns if (table.name, c.name) not in BOOKKEEPING]
            rows = (await session.execute(select(*columns))).all()
            tables[table.name] = sorted(repr(tuple(row)) for row in rows)
    return tables


async def everything(db: Database) -> str:
    """Every value of every row of every table, as one text to search in."""
    return "\n".join(row for rows in (await every_row(db)).values() for row in rows)
