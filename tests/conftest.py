"""Shared fixtures: a real database (SQLite file or PostgreSQL server) per test."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Iterator

import asyncpg
import pytest

# python-telegram-bot 22 warns when durations are read as ints; with warnings as errors
# that would even break its RetryAfter. Use its timedelta behaviour throughout.
os.environ.setdefault("PTB_TIMEDELTA", "true")

from storage.db import Database
from tests.support.postgres import PostgresServer, start_postgres

pytest_plugins = [
    "tests.botapi.fixtures",
    "tests.waapi.fixtures",
    "tests.support.browser",
    "tests.support.watchdog",
]


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer | str]:
    """A PostgreSQL server for the whole run: TEST_POSTGRES_URL, or one the tests start."""
    given = os.environ.get("TEST_POSTGRES_URL")
    if given:
        yield given
        return
    try:
        server = start_postgres()
    except FileNotFoundError as exc:
        if os.environ.get("CI"):
            raise
        pytest.skip(str(exc))
    yield server
    server.stop()


async def fresh_postgres_database(postgres: PostgresServer | str) -> str:
    name = f"t_{uuid.uuid4().hex[:12]}"
    if isinstance(postgres, str):
        admin = postgres.replace("postgresql+asyncpg://", "postgresql://")
        base, _, _ = admin.rpartition("/")
        url = f"{base}/{name}".replace("postgresql://", "postgresql+asyncpg://")
    else:
        admin, url = postgres.admin_url, postgres.url(name)
    conn = await asyncpg.connect(admin)
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    return url


@pytest.fixture(params=["sqlite", "postgresql"])
async def db_url(request: pytest.FixtureRequest, tmp_path: object) -> str:
    """A database URL for an empty database, on each backend."""
    if request.param == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path}/instap.db"
    server = request.getfixturevalue("postgres")
    return await fresh_postgres_database(server)


@pytest.fixture
async def db(db_url: str) -> AsyncIterator[Database]:
    database = Database(db_url)
    await database.migrate()
    yield database
    await database.dispose()
