"""What the report's queries share: the period in UTC, its weeks or months, and the few SQL
expressions SQLite and PostgreSQL spell differently (a local day, seconds between, a median).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from itertools import pairwise
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Date, Float, Integer, case, cast, func, literal_column, select, text
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement

from storage.models import Case
from storage.reports import Period

BRUSSELS = ZoneInfo("Europe/Brussels")
SHORT_MONTHS = ("jan.", "feb.", "mrt.", "apr.", "mei", "jun.", "jul.", "aug.", "sep.", "okt.", "nov.", "dec.")  # fmt: skip
WEEKS_UP_TO = 100  # days: a month or a quarter is shown per week, anything longer per month
UNKNOWN_LABEL = "onbekend"


def midnight(day: date, tz: tzinfo) -> datetime:
    return datetime.combine(day, time(0), tzinfo=tz).astimezone(UTC)


def first_of_next_month(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


@dataclass(frozen=True)
class Span:
    """The period as UTC moments [start, end), and its buckets (weeks or months) up to now."""

    period: Period
    start: datetime
    end: datetime
    now: datetime
    tz: tzinfo
    unit: str  # "Week" | "Maand"
    buckets: tuple[tuple[str, datetime, datetime], ...]  # (label, from, to)

    @classmethod
    def of(cls, period: Period, now: datetime, tz: tzinfo) -> Span:
        start, end = midnight(period.start, tz), midnight(period.end + timedelta(days=1), tz)
        days = (period.end - period.start).days + 1
        edges: list[tuple[str, date]] = []
        if days <= WEEKS_UP_TO:
            unit, day = "Week", period.start - timedelta(days=period.start.weekday())
            while day <= period.end:
                edges.append((f"wk {day.isocalendar()[1]} ({day.day} {SHORT_MONTHS[day.month - 1]})", day))  # fmt: skip
                day += timedelta(days=7)
        else:
            unit, day = "Maand", period.start.replace(day=1)
            while day <= period.end:
                edges.append((f"{SHORT_MONTHS[day.month - 1]} {day.year}", day))
                day = first_of_next_month(day)
        buckets = []
        for i, (label, day) in enumerate(edges):
            after = edges[i + 1][1] if i + 1 < len(edges) else period.end + timedelta(days=1)
            low, high = max(midnight(day, tz), start), min(midnight(after, tz), end)
            if low <= now:  # no empty weeks in the future on the chart
                buckets.append((label, low, high))
        return cls(period, start, end, now, tz, unit, tuple(buckets))

    def in_period(self, column: Any) -> ColumnElement[bool]:
        return (column >= self.start) & (column < self.end)  # type: ignore[no-any-return]

    def shifts(self) -> list[tuple[datetime, int]]:
        """The UTC offsets in hours over the span and up to now: [(from, hours), …] per DST change."""

        def hours_at(moment: datetime) -> int:
            offset = moment.astimezone(self.tz).utcoffset()
            return int(offset.total_seconds() // 3600) if offset else 0

        moment = self.start - timedelta(days=1)
        found = [(moment, hours_at(moment))]
        while moment <= max(self.end, self.now) + timedelta(days=40):
            step = moment + timedelta(days=1)
            if hours_at(step) != found[-1][1]:
                while hours_at(moment) == found[-1][1]:
                    moment += timedelta(hours=1)
                found.append((moment, hours_at(moment)))
            moment = step
        return found


@dataclass(frozen=True)
class Scope:
    """One partnership (or all) in one span, on one kind of database."""

    partnership_id: str | None
    span: Span
    dialect: str

    def of_partnership(self, column: Any) -> ColumnElement[bool]:
        if self.partnership_id is None:
            return literal_column("1") == 1
        return column == self.partnership_id  # type: ignore[no-any-return]

    def cases(self) -> ColumnElement[bool]:
        return self.of_partnership(Case.partnership_id)

    def shifted(self, column: Any, hours: int) -> Any:
        if self.dialect == "postgresql":
            return cast(column + text(f"interval '{hours} hours'"), Date)
        return func.date(column, f"{hours:+d} hours")

    def local_day(self, column: Any) -> Any:
        """The local day (Brussels) of a UTC moment in the span (the offset changes with DST)."""
        shifts = self.span.shifts()
        if len(shifts) == 1:
            return self.shifted(column, shifts[0][1])
        whens = [(column < later, self.shifted(column, hours)) for (_, hours), (later, _) in pairwise(shifts)]  # fmt: skip
        return case(*whens, else_=self.shifted(column, shifts[-1][1]))

    def days_between(self, earlier: Any, later: Any) -> Any:
        """Whole days from one local day to another (both from `local_day`, or a date)."""
        if self.dialect == "postgresql":
            return later - earlier
        return cast(func.julianday(later) - func.julianday(earlier), Integer)

    def weekday(self, day: Any) -> Any:
        """0 for Sunday … 6 for Saturday, as both databases count."""
        if self.dialect == "postgresql":
            return cast(func.extract("dow", day), Integer)
        return cast(func.strftime("%w", day), Integer)

    def seconds(self, earlier: Any, later: Any) -> Any:
        if self.dialect == "postgresql":
            return func.extract("epoch", later - earlier)
        return (func.julianday(later) - func.julianday(earlier)) * 86400.0

    def bucket(self, column: Any) -> Any:
        """The index of the week or month a moment falls in (NULL outside them)."""
        buckets = self.span.buckets
        if not buckets:
            return literal_column("NULL")
        whens = [((column >= low) & (column < high), i) for i, (_, low, high) in enumerate(buckets)]
        return case(*whens, else_=None)


def as_day(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


async def median(
    session: AsyncSession, value: Any, *where: Any, n: int | None = None
) -> float | None:
    """The median of an SQL expression over the `n` rows that match (None: no rows)."""
    if n is None:
        n = int((await session.execute(select(func.count()).where(*where))).scalar_one())
    if n == 0:
        return None
    ordered = select(cast(value, Float)).where(*where).order_by(value)
    if n % 2:
        row = await session.execute(ordered.offset(n // 2).limit(1))
        return float(row.scalar_one())
    rows = (await session.execute(ordered.offset(n // 2 - 1).limit(2))).scalars().all()
    return (float(rows[0]) + float(rows[1])) / 2


def hours(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds / 3600, 1)


def percent(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None
