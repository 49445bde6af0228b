"""What every tick that sends something holds: the database, what the flows read, and who
to wake when the outbox has new work."""

from __future__ import annotations

from collections.abc import Callable

from core.metrics import Metrics
from core.runtime import Runtime
from storage.db import Database


class OutboxTick:
    def __init__(
        self,
        db: Database,
        runtime: Runtime,
        on_outbox: Callable[[], None],
        metrics: Metrics | None = None,
    ) -> None:
        self.metrics = metrics or Metrics()
        self.db = db
        self.runtime = runtime
        self.on_outbox = on_outbox
