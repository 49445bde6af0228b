"""aiosqlite, but one trip to the connection's thread per statement instead of four.

SQLAlchemy's aiosqlite adapter awaits `cursor()`, `execute()`, `fetchall()` and `close()`
one by one; with aiosqlite each is a queue put, a thread wake-up and an event-loop wake-up.
At a dozen statements per inbound event, on a busy machine, that was half the time an
event took. Here the
cursor is made, the statement run, its rows fetched and the cursor closed in one call on
the connection's thread; what the adapter awaits afterwards is already there. A `rollback`
or `commit` with no transaction open (the pool's reset after a commit) skips the trip.

Inside `on_loop()` (a short transaction of small statements, such as one inbound event)
nothing goes to the thread at all: the statements, BEGIN and COMMIT run on the event loop's
own thread, as a synchronous sqlite3 program would run them. Waiting for another process
must not block the loop: BEGIN IMMEDIATE is tried there without a busy timeout, and if
another process (the CLI) holds the write lock it goes to the thread, where busy_timeout
waits as before. A COMMIT that fills the WAL past `wal_autocheckpoint` checkpoints and
syncs (with synchronous=NORMAL only then); the loop does wait for that: a few milliseconds
every thousand pages.

The SQL, its order, its transactions and its durability are sqlite3's, as before: only
the hand-off between the event loop and the thread changes.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Awaitable, Callable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from functools import partial
from typing import Any

import aiosqlite

# description, rowcount, lastrowid, rows
Outcome = tuple[Any, int, int | None, list[Any]]
ON_LOOP: ContextVar[bool] = ContextVar("instap_sqlite_on_loop", default=False)
# Set up the connection (once, at connect): on its thread.
THREAD_ONLY = "PRAGMA"


@contextmanager
def on_loop() -> Iterator[None]:
    """Inside: statements of small, short transactions run on the event loop's thread."""
    token = ON_LOOP.set(True)
    try:
        yield
    finally:
        ON_LOOP.reset(token)


def run(conn: sqlite3.Connection, sql: str, parameters: Any, many: bool) -> Outcome:
    """On the connection's thread: the statement and all its rows."""
    cursor = conn.cursor()
    try:
        if many:
            cursor.executemany(sql, parameters)
        else:
            cursor.execute(sql, () if parameters is None else parameters)
        rows = cursor.fetchall() if cursor.description else []
        return cursor.description, cursor.rowcount, cursor.lastrowid, rows
    finally:
        cursor.close()


class Cursor:
    """The part of an aiosqlite cursor SQLAlchemy's adapter uses, filled in one trip."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self.description: Any = None
        self.rowcount = -1
        self.lastrowid: int | None = None
        self.rows: list[Any] = []
        self.arraysize = 1

    async def execute(self, sql: str, parameters: Any = None) -> Cursor:
        await self.statement(sql, parameters, many=False)
        return self

    async def executemany(self, sql: str, parameters: Any) -> Cursor:
        await self.statement(sql, parameters, many=True)
        return self

    async def statement(self, sql: str, parameters: Any, *, many: bool) -> None:
        connection = self.connection
        outcome: Outcome | None = None
        if connection.loop_may_run(sql):
            outcome = connection.on_loop(run, sql, parameters, many)
        if outcome is None:
            outcome = await connection.on_thread(run, sql, parameters, many)
        self.description, self.rowcount, self.lastrowid, self.rows = outcome

    async def fetchall(self) -> list[Any]:
        rows, self.rows = self.rows, []
        return rows

    async def fetchone(self) -> Any:
        return self.rows.pop(0) if self.rows else None

    async def fetchmany(self, size: int | None = None) -> list[Any]:
        size = self.arraysize if size is None else size
        rows, self.rows = self.rows[:size], self.rows[size:]
        return rows

    async def close(self) -> None:
        self.rows = []


def tracked(
    conn: sqlite3.Connection | None, fn: Callable[..., Any], args: Sequence[Any]
) -> tuple[Any, bool]:
    """On the connection's thread: run `fn`, and say whether a transaction is open after it."""
    result = fn(*args)
    try:
        open_after = conn is not None and conn.in_transaction
    except sqlite3.ProgrammingError:  # closed just now
        open_after = False
    return result, open_after


def begin_at_once(conn: sqlite3.Connection, sql: str, waits_ms: int) -> bool:
    """BEGIN without waiting for another process's write lock. False if it is held."""
    conn.execute("PRAGMA busy_timeout=0")
    try:
        conn.execute(sql)
    except sqlite3.OperationalError as error:
        if error.sqlite_errorcode & 0xFF == sqlite3.SQLITE_BUSY:
            return False
        raise
    finally:
        conn.execute(f"PRAGMA busy_timeout={waits_ms:d}")
    return True


class Connection(aiosqlite.Connection):
    """An aiosqlite connection whose cursors take one trip per statement, or none."""

    # Whether a transaction may be open. Only ever wrongly True (costing one trip), never
    # wrongly False: it is read back from sqlite3 after every call.
    open = False
    # sqlite3 lets another thread (the event loop's) use it: `check_same_thread=False`.
    shareable = False
    # The busy timeout set at connect (read at the first BEGIN on the loop).
    waits_ms: int | None = None

    def loop_may_run(self, sql: str) -> bool:
        return self.shareable and ON_LOOP.get() and not sql.lstrip().startswith(THREAD_ONLY)

    def on_loop(
        self, fn: Callable[..., Outcome], sql: str, parameters: Any, many: bool
    ) -> Outcome | None:
        """Run a statement on the loop's thread; None: it must wait, so on the driver's."""
        conn = self._conn
        if sql.lstrip()[:5].upper() == "BEGIN":
            if self.waits_ms is None:
                self.waits_ms = int(conn.execute("PRAGMA busy_timeout").fetchone()[0])
            if not begin_at_once(conn, sql, self.waits_ms):
                return None
            self.open = conn.in_transaction
            return None, -1, None, []
        try:
            return fn(conn, sql, parameters, many)
        finally:
            self.open = conn.in_transaction

    async def on_thread(self, fn: Callable[..., Any], *args: Any) -> Any:
        """Run `fn(sqlite3 connection, *args)` on the connection's thread."""
        return await self._execute(lambda: fn(self._conn, *args))

    async def _execute(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        call = partial(fn, *args, **kwargs)
        base: Callable[..., Awaitable[tuple[Any, bool]]] = super()._execute
        result, self.open = await base(tracked, self._connection, call, ())
        return result

    async def cursor(self) -> Cursor:  # type: ignore[override]
        return Cursor(self)

    async def commit(self) -> None:
        await self.end(sqlite3.Connection.commit)

    async def rollback(self) -> None:
        await self.end(sqlite3.Connection.rollback)

    async def end(self, how: Callable[[sqlite3.Connection], None]) -> None:
        """Commit or roll back the open transaction, if one is."""
        if not self.open:
            return
        if self.loop_may_run(""):
            try:
                how(self._conn)
            finally:
                self.open = self._conn.in_transaction
            return
        await self._execute(how, self._conn)


async def connect(database: str, **kwargs: Any) -> Connection:
    """Like `aiosqlite.connect`, as SQLAlchemy's `async_creator` (its thread a daemon)."""
    connection = Connection(partial(sqlite3.connect, database, **kwargs), iter_chunk_size=64)
    connection._thread.daemon = True
    connection.shareable = kwargs.get("check_same_thread") is False
    await connection
    return connection
