"""The database handle: engine, sessions, SQLite pragmas and migrations at start."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, nullcontext
from contextvars import ContextVar
from functools import partial
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import event, text
from sqlalchemy.dialects.sqlite.aiosqlite import SQLiteDialect_aiosqlite
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from storage import search, sqlite_driver
from storage.files import private_sqlite

log = logging.getLogger(__name__)
MIGRATIONS = Path(__file__).parent / "migrations"
# pg_advisory_lock key for migrations: "instap" in ASCII, fixed so every instance agrees.
MIGRATION_LOCK = 0x696E73746170
CLOSE_WAIT = 5.0  # seconds for connections still closing when the database is disposed
# The task that holds this process's SQLite write turn (a transaction inside it is nested).
HOLDER: ContextVar[asyncio.Task[Any] | None] = ContextVar("instap_sqlite_turn", default=None)


class Database:
    """One engine per process; one AsyncSession per task (never shared).

    On SQLite one transaction at a time per process: tasks queue on an asyncio lock before
    they take a connection, so none waits inside SQLite (in a pool thread, holding a pooled
    connection) for another's write lock. A busy database answers slower, never "database is
    locked"; busy_timeout is left for other processes (the CLI) on the same file.
    """

    def __init__(self, url: str, *, echo: bool = False) -> None:
        self.url = make_url(url)
        self.is_sqlite = self.url.get_backend_name() == "sqlite"
        if self.is_sqlite and self.url.database not in (None, "", ":memory:"):
            private_sqlite(Path(self.url.database))  # 0600, like var/secret_key
        kwargs: dict[str, Any] = {"echo": echo}
        if self.is_sqlite:
            args, options = SQLiteDialect_aiosqlite().create_connect_args(self.url)
            kwargs["async_creator"] = partial(sqlite_driver.connect, *args, **options)
        else:
            kwargs.update(pool_size=10, max_overflow=20, pool_pre_ping=True)
        self.engine: AsyncEngine = create_async_engine(self.url, **kwargs)
        if self.is_sqlite:
            configure_sqlite(self.engine)
        self.sessions = async_sessionmaker(self.engine, expire_on_commit=False)
        self.turn = asyncio.Lock() if self.is_sqlite else None

    @asynccontextmanager
    async def transaction(self, *, short: bool = False) -> AsyncIterator[AsyncSession]:
        """A session inside one transaction: committed on success, rolled back on error.

        `short`: a few small statements (one inbound event): on SQLite they run on the event
        loop's thread, without a hand-off to the driver's thread each (`sqlite_driver`).
        """
        task = asyncio.current_task()
        if self.turn is None or HOLDER.get() is task:  # PostgreSQL, or nested in our own turn
            async with self.sessions() as session, session.begin():
                yield session
            return
        async with self.turn:
            held = HOLDER.set(task)
            try:
                with sqlite_driver.on_loop() if short else nullcontext():
                    async with self.sessions() as session, session.begin():
                        yield session
            finally:
                HOLDER.reset(held)

    async def forget_freed(self) -> None:
        """After an erasure on SQLite: rewrite the search index, copy the WAL into the database
        and cut it to zero bytes.

        With secure_delete (set on every connection) SQLite zeroes what it frees, but the old
        pages live on in instap.db-wal until a checkpoint; TRUNCATE ends that. Best effort: a
        reader in another process can hold the WAL for a while (then the next one succeeds).
        FTS5 (SQLite 3.40) only marks deleted words; its 'optimize' merges them out for good,
        one pass over the index (1 s at a million messages on the busy 2-core test machine).
        """
        if self.turn is None:
            return
        async with self.turn, self.engine.connect() as conn:
            raw = await conn.get_raw_connection()
            driver: Any = raw.driver_connection  # aiosqlite, outside any transaction
            await driver.execute(search.FORGET)
            cursor = await driver.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            busy, _, _ = await cursor.fetchone()
            await cursor.close()
        if busy:
            log.warning("the WAL could not be truncated after an erasure; the next one will")

    async def migrate(self) -> None:
        """Bring the schema to the newest revision (Alembic, inside our running loop).

        Several instances starting together on PostgreSQL take turns on a session-level
        advisory lock: the first migrates and commits, the others then find the schema at
        the newest revision and do nothing. SQLite's BEGIN IMMEDIATE already serialises them.
        """
        if self.is_sqlite:
            async with self.engine.begin() as conn:
                await conn.run_sync(run_upgrade)
            return
        async with self.engine.connect() as conn:
            await conn.execute(text("SELECT pg_advisory_lock(:key)"), {"key": MIGRATION_LOCK})
            await conn.commit()  # the lock is the session's; the upgrade its own transaction
            try:
                async with conn.begin():
                    await conn.run_sync(run_upgrade)
            finally:
                await conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": MIGRATION_LOCK})
                await conn.commit()

    async def schema_behind(self) -> str:
        """'' when the schema is at the newest migration; else what it is at ("none")."""
        async with self.engine.connect() as conn:
            current = await conn.run_sync(current_revisions)
        heads = set(ScriptDirectory.from_config(alembic_config()).get_heads())
        return "" if current == heads else ", ".join(sorted(current)) or "none"

    async def dispose(self) -> None:
        await self.engine.dispose()
        # A task cancelled inside a transaction (at shutdown) leaves SQLAlchemy closing its
        # aiosqlite connection in a background task. Let those closes finish now: cancelled
        # later, when the event loop shuts down, they wait for the driver forever.
        closing = [
            task
            for task in asyncio.all_tasks()
            if "_terminate_graceful_close" in getattr(task.get_coro(), "__qualname__", "")
        ]
        if closing:
            await asyncio.wait(closing, timeout=CLOSE_WAIT)


def alembic_config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


def run_upgrade(conn: Connection) -> None:
    cfg = alembic_config()
    cfg.attributes["connection"] = conn
    command.upgrade(cfg, "head")


def current_revisions(conn: Connection) -> set[str]:
    return set(MigrationContext.configure(conn).get_current_heads())


def configure_sqlite(engine: AsyncEngine) -> None:
    """WAL, secure_delete, a busy timeout, foreign keys, and transactions that take the write lock at BEGIN.

    pysqlite's legacy transaction handling issues BEGIN lazily; SQLAlchemy's documented
    recipe takes that over. BEGIN IMMEDIATE avoids "database is locked" on a read that
    later upgrades to a write while another connection writes.
    """

    @event.listens_for(engine.sync_engine, "connect")
    def on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA secure_delete=ON")  # erased text is zeroed, not just unlinked
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def on_begin(conn: Connection) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")
