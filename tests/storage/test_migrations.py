"""The migrations build exactly the schema the models describe, on both databases."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from storage.db import Database
from storage.models import Base
from storage.search import in_models


async def test_migrations_match_the_models(db: Database) -> None:
    def diff(connection: object) -> list[object]:
        opts = {"compare_type": True, "include_name": in_models}  # not the search's FTS5 tables
        context = MigrationContext.configure(connection, opts=opts)  # type: ignore[arg-type]
        return list(compare_metadata(context, Base.metadata))

    async with db.engine.connect() as conn:
        differences = await conn.run_sync(diff)
    assert differences == []
