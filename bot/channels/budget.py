"""The flood budget every instance on one PostgreSQL database shares (storage/flood.py).

The sender asks it how long to wait before a message to a chat: one statement reserves the
chat's and the bot's next slots. Each instance keeping its own 30/s would let three send 90.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Collection

from storage import flood
from storage.db import Database
from storage.flood import Pace

log = logging.getLogger(__name__)
# The shared bucket's own burst stays small: Telegram tolerates bursts (we model 30), and the
# margin absorbs sends that arrive bunched after their slots (a busy loop, the network).
BURST = 5.0
SWEEP_EVERY = 60.0  # seconds between deletions of passed slots


class SharedBudget:
    def __init__(self, db: Database, channels: Collection[str], overall_rate: float) -> None:
        """`channels`: those whose messages the shared budget paces (the others: in process)."""
        self.db = db
        self.channels = frozenset(channels)
        self.overall = Pace(overall_rate, BURST)
        self.swept = time.monotonic()

    async def wait(self, channel: str, chat: str, per_chat: Pace) -> float | None:
        """Reserve a slot for one message; seconds to wait for it, None if the database could
        not say (the caller paces on its own then)."""
        try:
            async with self.db.transaction() as session:
                slot = await flood.claim(session, channel, chat, self.overall, per_chat)
            if time.monotonic() - self.swept > SWEEP_EVERY:
                self.swept = time.monotonic()
                async with self.db.transaction() as session:
                    await flood.sweep(session)
        except Exception as exc:  # the send itself will meet the same database trouble
            log.warning("shared flood budget unavailable (%s); pacing in this process", exc)
            return None
        return max(0.0, slot.wait)
