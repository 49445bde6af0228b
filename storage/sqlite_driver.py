"""aiosqlite, but one trip to the connection's thread per statement instead of four.

SQLAlchemy's aiosqlite adapter awaits `cursor()`, `execute()`, `fetchall()` and `close()`
one by one; with aiosqlite each is a queue put, a thread wake-up and an event-loop wake-up.
At a dozen statements per inbound event that was most of the time an event took. Here the
cursor is made, the statement run, its rows fetched and the cursor closed in one call on
the connection's thread; what the adapter awaits afterwards is already there. A `rollback`
or `commit` with no transaction open (the pool's reset after a commit) skips the trip.

Inside `on_loop()` (a short transaction of small statements, such as one inbound event)
the statements run on the event loop's own thread, with no hand-off at all: the ones that
may wait or sync still go to the connection's thread: BEGIN (another process may hold the
write lock: busy_timeout waits there, never on the loop), PRAGMAs, and COMMIT (a WAL
checkpoint may fsync).

The SQL, its order, its transactions and its durability are sqlite3's, as before: only
the hand-off between the event loop and the thread changes.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from functools import partial
from typing import Any

import aiosqlite

# description, rowcount, lastrowid, rows
Outcome = tuple[Any, int, int | None, list[Any]]
ON_LOOP: ContextVar[bool] = ContextVar("instap_sqlite_on_loop", default=False)
# Statements that may wait for another process's lock, or change the connection.
THREAD_ONLY = ("BEGIN", "PRAGMA")


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
        outcome: Outcome
        if connection.shareable and ON_LOOP.get() and not sql.lstrip().startswith(THREAD_ONLY):
            outcome = run(connection._conn, sql, parameters, many)
            connection.open = True  # a statement without BEGIN opens none; True is safe
        else:
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


class Connection(aiosqlite.Connection):
    """An aiosqlite connection whose cursors take one trip per statement."""

    # Whether a transaction may be open. Only ever wrongly True (costing one trip), never
    # wrongly False: it is read back from sqlite3 after every call on the thread.
    open = False
    # sqlite3 lets another thread (the event loop's) use it: `check_same_thread=False`.
    shareable = False

    async def on_thread(self, fn: Callable[..., Any], *args: Any) -> Any:
        """Run `fn(sqlite3 connection, *args)` on the connection's thread."""
        return await self._execute(lambda: fn(self._conn, *args))

    async def _execute(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        call = partial(fn, *args, **kwargs)
        result, self.open = await super()._execute(tracked, self._connection, call, ())
        return result

    async def cursor(self) -> Cursor:  # type: ignore[override]
        return Cursor(self)

    async def commit(self) -> None:
        if self.open:
            await super().commit()

    async def rollback(self) -> None:
        if self.open:
            await super().rollback()


async def connect(database: str, **kwargs: Any) -> Connection:
    """Like `aiosqlite.connect`, as SQLAlchemy's `async_creator` (its thread a daemon)."""
    connection = Connection(partial(sqlite3.connect, database, **kwargs), iter_chunk_size=64)
    connection._thread.daemon = True
    connection.shareable = kwargs.get("check_same_thread") is False
    return await connection
