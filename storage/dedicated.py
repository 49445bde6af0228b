"""A dedicated PostgreSQL connection beside the engine's pool (LISTEN, advisory locks).

Such a connection lives as long as what it holds (a lock, a LISTEN), so it is not borrowed
from the pool; it is opened with asyncpg on the engine's own URL.
"""

from __future__ import annotations

import asyncio

import asyncpg
from sqlalchemy.engine import URL

CLOSE_WAIT = 5.0  # seconds for a polite close before the socket is just cut
# What a dropped or unreachable server raises: worth a warning and a retry, not a traceback.
# (asyncpg's InternalClientError: an operation cut off halfway by the server going away.)
LOST = (
    OSError,
    TimeoutError,
    asyncpg.PostgresError,
    asyncpg.InterfaceError,
    asyncpg.InternalClientError,
)


def dsn(url: URL) -> str:
    """The engine's `postgresql+asyncpg://` URL as asyncpg's own connection string."""
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


async def connect(url: URL) -> asyncpg.Connection:
    """Open one connection of our own (not from the pool)."""
    return await asyncpg.connect(dsn(url), timeout=10)


async def close(connection: asyncpg.Connection) -> None:
    """Close it (releasing what the session holds), even if the server is gone."""
    if connection.is_closed():
        return
    try:
        async with asyncio.timeout(CLOSE_WAIT):
            await connection.close()
    except asyncio.CancelledError:
        connection.terminate()
        raise
    except Exception:  # a half-broken connection may refuse a polite close: cut it
        connection.terminate()
