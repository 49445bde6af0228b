"""One flood budget per bot, shared by every instance on one PostgreSQL database.

A row per scope (a bot overall, or one of its chats) holds the scope's *theoretical arrival
time* (`tat`, seconds since the epoch by the database's clock): the generic cell rate
algorithm, which is a token bucket kept as one number. A message that may go no earlier
than `e` goes at `s = max(e, tat - interval - tolerance)`, and moves the row to
`max(tat, e) + interval`; `interval` is 1/rate, `tolerance` (burst - 1) intervals. So a
claim reserves the next free slot of both buckets (the chat's first, then the bot's from
there) in one statement, under the rows' locks: however many instances claim at once, the
slots they get keep to the rates. Nothing is wasted when the chat's slot is later than the
bot's, because the bot's is taken from the chat's on.

A row whose `tat` has passed says no more than no row at all (a full bucket), so `sweep`
deletes those: the table holds only the chats written to in the last moments.
SQLite needs none of this (one process: bot/channels/sender.py's own buckets).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from sqlalchemy import Float, String, text
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from storage.models import Base


class FloodSlot(Base):
    """The next free slot of one scope of a flood budget (see the module's docstring)."""

    __tablename__ = "flood_slots"

    # "telegram", or "telegram:" and a digest of the chat id (no phone number in plain text)
    scope: Mapped[str] = mapped_column(String(120), primary_key=True)
    tat: Mapped[float] = mapped_column(Float)


@dataclass(frozen=True)
class Pace:
    """`rate` messages a second on average, bursts of up to `burst`."""

    rate: float
    burst: float

    @property
    def interval(self) -> float:
        return 1.0 / self.rate

    @property
    def tolerance(self) -> float:
        return (max(self.burst, 1.0) - 1.0) / self.rate


@dataclass(frozen=True)
class Slot:
    """When a message may go: `at` by the database's clock, `wait` seconds from now."""

    at: float
    wait: float


# The clock is read where it counts, after a row's lock is held: a claim that waited for
# another instance's must not reserve a slot from before it waited.
# The database's clock, read where it counts: after a row's lock is held, so a claim that
# waited for another instance's never takes a slot from before it waited.
_CLAIM = text("""
WITH chat AS (
    INSERT INTO flood_slots AS f (scope, tat)
    VALUES (:chat, extract(epoch FROM clock_timestamp()) + :chat_interval)
    ON CONFLICT (scope) DO UPDATE
        SET tat = greatest(f.tat, extract(epoch FROM clock_timestamp())) + :chat_interval
    RETURNING greatest(extract(epoch FROM clock_timestamp()), f.tat - :chat_interval - :chat_tolerance) AS e
),
bot AS (
    INSERT INTO flood_slots AS b (scope, tat)
    SELECT :bot, greatest(e, extract(epoch FROM clock_timestamp())) + :bot_interval FROM chat
    ON CONFLICT (scope) DO UPDATE
        SET tat = greatest(b.tat, (SELECT e FROM chat), extract(epoch FROM clock_timestamp())) + :bot_interval
    RETURNING greatest(
        (SELECT e FROM chat), extract(epoch FROM clock_timestamp()), b.tat - :bot_interval - :bot_tolerance
    ) AS at
)
SELECT at, at - extract(epoch FROM clock_timestamp()) AS wait FROM bot
""")

_SWEEP = text("DELETE FROM flood_slots WHERE tat < extract(epoch FROM clock_timestamp()) - 1")


async def claim(
    session: AsyncSession, bot: str, chat: str, bot_pace: Pace, chat_pace: Pace
) -> Slot:
    """Reserve the next slot for one message to `chat` of `bot`, per chat and overall."""
    row = (
        await session.execute(
            _CLAIM,
            {
                "chat": chat_scope(bot, chat),
                "chat_interval": chat_pace.interval,
                "chat_tolerance": chat_pace.tolerance,
                "bot": bot,
                "bot_interval": bot_pace.interval,
                "bot_tolerance": bot_pace.tolerance,
            },
        )
    ).one()
    return Slot(float(row.at), float(row.wait))


def chat_scope(bot: str, chat: str) -> str:
    """The row of one chat: its id is a Telegram user id or a WhatsApp phone number, so only
    a digest of it is stored, and only until the chat's slots have passed (`sweep`)."""
    return f"{bot}:{hashlib.blake2b(chat.encode(), digest_size=12).hexdigest()}"


async def sweep(session: AsyncSession) -> int:
    """Forget the scopes whose slots have all passed; return how many."""
    result = await session.execute(_SWEEP)
    return int(getattr(result, "rowcount", 0) or 0)
