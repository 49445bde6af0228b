"""A clock the test moves by hand: services take it wherever they would read the time."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from storage.clock import utcnow

BRUSSELS = ZoneInfo("Europe/Brussels")


class Clock:
    def __init__(self, now: datetime | None = None) -> None:
        self.now = now or utcnow()

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)

    def set_local(self, day: date, at: time) -> None:
        """Brussels wall-clock time, kept in UTC like everything else."""
        self.now = datetime.combine(day, at, tzinfo=BRUSSELS).astimezone(UTC)
