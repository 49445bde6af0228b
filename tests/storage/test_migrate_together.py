"""Several instances starting together on one PostgreSQL database migrate it once, safely."""

from __future__ import annotations

import asyncio

import asyncpg
from alembic.script import ScriptDirectory

from storage.db import MIGRATION_LOCK, Database, alembic_config
from tests.conftest import fresh_postgres_database
from tests.support.postgres import PostgresServer

DEADLINE = 60.0  # seconds, generous: the machine is small and loaded


def plain(url: str) -> str:
    return url.replace("postgresql+asyncpg://", "postgresql://")


def head() -> str:
    (only,) = ScriptDirectory.from_config(alembic_config()).get_heads()
    return str(only)


async def test_four_instances_migrate_a_fresh_database_at_once(
    postgres: PostgresServer | str,
) -> None:
    url = await fresh_postgres_database(postgres)
    instances = [Database(url) for _ in range(4)]
    try:
        await asyncio.gather(*(db.migrate() for db in instances))
        assert [await db.schema_behind() for db in instances] == ["", "", "", ""]
    finally:
        for db in instances:
            await db.dispose()
    conn = await asyncpg.connect(plain(url))
    try:
        versions = await conn.fetch("SELECT version_num FROM alembic_version")
        held = await conn.fetchval("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'")
    finally:
        await conn.close()
    assert [row["version_num"] for row in versions] == [head()]
    assert held == 0  # every instance let go of the lock


async def test_an_instance_waits_while_another_holds_the_migration_lock(
    postgres: PostgresServer | str,
) -> None:
    url = await fresh_postgres_database(postgres)
    other = await asyncpg.connect(plain(url))
    db = Database(url)
    try:
        await other.execute("SELECT pg_advisory_lock($1)", MIGRATION_LOCK)
        migrating = asyncio.create_task(db.migrate())
        loop = asyncio.get_running_loop()
        deadline = loop.time() + DEADLINE
        waiting = 0
        while not waiting and loop.time() < deadline:
            waiting = await other.fetchval(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"
            )
            await asyncio.sleep(0.05)
        assert waiting == 1, "the second instance did not wait for the migration lock"
        tables = await other.fetchval(
            "SELECT count(*) FROM pg_tables WHERE tablename = 'alembic_version'"
        )
        assert tables == 0  # nothing migrated while the other held the lock
        await other.execute("SELECT pg_advisory_unlock($1)", MIGRATION_LOCK)
        await asyncio.wait_for(migrating, DEADLINE)
        assert await db.schema_behind() == ""
    finally:
        await db.dispose()
        await other.close()
