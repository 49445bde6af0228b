"""What every tick that sends something holds: the database, what the flows read, and who
to wake when the outbox has new work."""

from __future__ import annotations

from collections.abc import Callable

from core.runtime import Runtime
from storage.db import Database


class OutboxTick:
    def __init__(self, db: Database, runtime: Runtime, on_outbox: Callable[[], None]) -> None:
        self.db = db
        self.runtime = runtime
        self.on_outbox = on_outbox
