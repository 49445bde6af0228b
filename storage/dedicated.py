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
LOST = (OSError, TimeoutError, asyncpg.PostgresError, asyncpg.InterfaceError)


def dsn(url: URL) -> str:
    """The engine's `postgresql+asyncpg://` URL as asyncpg's own connection string."""
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


async def connect(url: URL) -> asyncpg.Connection:
    """Open one connection of our own (not from the pool)."""
    return await asyncpg.connect(dsn(url), timeout=10)


async def close(connection: asyncpg.Connection) -> None:
    """Close it (releasing what the session holds), even if the server is gone."""
    try:
        await asyncio.wait_for(connection.close(), CLOSE_WAIT)
    except LOST:
        connection.terminate()
    except asyncio.CancelledError:
        connection.terminate()
        raise
