"""Who is past the retention period, found in SQL (the rules of core.privacy.deletion_of).

A youth without a case is an unfinished intake, due `unfinished` days after their last
update; a youth whose latest case is closed is due `closed` days after it closed; an open
case is never due. The periods are the partnership's: the latest case's, or before routing
the one in the intake answers, and the fallback's when that id is unknown. One SELECT per
group of partnerships with the same period, through the partial indexes of migration
0021_retention (erased youths and their tombstones are not in them), so the cost follows
the youths still on file, not the history of erasures.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Collection, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Index,
    Select,
    and_,
    case,
    cast,
    exists,
    func,
    literal,
    literal_column,
    null,
    or_,
    select,
    union_all,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import QueryableAttribute, aliased

from storage.models import Case, Youth

# Literals (not bound parameters), so SQLite sees the partial indexes' WHERE clauses in ours.
NOT_ERASED = Youth.channel != literal_column("'erased'")
CLOSED = and_(
    Case.status == literal_column("'closed'"),
    func.coalesce(Case.outcome, literal_column("''")) != literal_column("'erased'"),
)
Column = ColumnElement[Any] | QueryableAttribute[Any]
STREAM = 1000  # rows fetched at a time

# Migration 0021_retention. Declared here (storage.models is full); imported with the package.
RETENTION_INDEXES = (
    # Unfinished intakes by their last update; erased stubs are not in it.
    Index("ix_youths_retention", Youth.updated_at, sqlite_where=NOT_ERASED,
          postgresql_where=NOT_ERASED),
    # Closed cases by partnership and closing date; erased tombstones are not in it.
    Index("ix_cases_retention", Case.partnership_id, Case.closed_at, sqlite_where=CLOSED,
          postgresql_where=CLOSED),
    # The erasure tick: only the youths who asked.
    Index("ix_youths_erase_requested", Youth.erase_requested_at,
          sqlite_where=Youth.erase_requested_at.is_not(None),
          postgresql_where=Youth.erase_requested_at.is_not(None)),
)  # fmt: skip


@dataclass(frozen=True)
class Periods:
    """One partnership's retention periods, in days."""

    partnership_id: str
    unfinished: int
    closed: int


@dataclass(frozen=True)
class Overdue:
    """A youth past the period: their latest case (None: an unfinished intake) and when."""

    youth_id: int
    case_id: int | None
    partnership_id: str
    rule: str  # unfinished_intake | closed_case
    due: datetime


class Rules:
    """The partnerships' periods as SQL: which rows are due at `now`."""

    def __init__(self, periods: Sequence[Periods], fallback: str) -> None:
        self.periods = periods
        self.known = [p.partnership_id for p in periods]
        self.fallback = fallback

    def groups(self, days: str) -> dict[int, list[str]]:
        """Partnership ids by their period (`unfinished` or `closed`)."""
        found: dict[int, list[str]] = {}
        for p in self.periods:
            found.setdefault(getattr(p, days), []).append(p.partnership_id)
        return found

    def belongs(self, column: Column, ids: list[str]) -> ColumnElement[bool]:
        """The stored id is one of `ids`, or (the fallback's group) no known partnership."""
        if self.fallback not in ids:
            return column.in_(ids)
        return or_(column.in_(ids), column.is_(None), column.not_in(self.known))

    def partnership(self, column: Column) -> ColumnElement[str]:
        return case((column.in_(self.known), column), else_=literal(self.fallback))

    def unfinished(self, now: datetime, youths: Collection[int] | None) -> list[Select[Any]]:
        """Youths who never got a case, idle for the period."""
        stored = Youth.state[("answers", "partnership_id")].as_string()
        any_case = exists().where(Case.youth_id == Youth.id)
        parts = []
        for days, ids in self.groups("unfinished").items():
            cutoff = now - timedelta(days=days)
            stmt = select(
                Youth.id.label("youth_id"), cast(null(), Case.id.type).label("case_id"),
                self.partnership(stored).label("partnership_id"),
                literal("unfinished_intake").label("rule"),
                Youth.updated_at.label("since"), literal(days).label("days"),
            ).where(NOT_ERASED, Youth.updated_at <= cutoff, self.belongs(stored, ids), ~any_case)  # fmt: skip
            if youths is not None:
                stmt = stmt.where(Youth.id.in_(youths))
            parts.append(stmt)
        return parts

    def closed(self, now: datetime, youths: Collection[int] | None) -> list[Select[Any]]:
        """Youths whose latest case closed the period ago."""
        later = aliased(Case)
        newer = exists().where(later.youth_id == Case.youth_id, later.id > Case.id)
        parts = []
        for days, ids in self.groups("closed").items():
            cutoff = now - timedelta(days=days)
            stmt = (
                select(
                    Case.youth_id,
                    Case.id.label("case_id"),
                    self.partnership(Case.partnership_id).label("partnership_id"),
                    literal("closed_case").label("rule"),
                    Case.closed_at.label("since"),
                    literal(days).label("days"),
                )
                .join(Youth, Youth.id == Case.youth_id)
                .where(CLOSED, Case.closed_at <= cutoff, self.belongs(Case.partnership_id, ids))
                .where(NOT_ERASED, ~newer)
            )
            if youths is not None:
                stmt = stmt.where(Case.youth_id.in_(youths))
            parts.append(stmt)
        return parts

    def due(self, now: datetime, youths: Collection[int] | None = None) -> Select[Any]:
        """Every overdue youth (only these `youths`, if given), by youth id."""
        both = union_all(*self.unfinished(now, youths), *self.closed(now, youths)).subquery()
        return select(both).order_by(both.c.youth_id)


def overdue_row(row: Any) -> Overdue:
    due: datetime = row.since + timedelta(days=row.days)
    return Overdue(row.youth_id, row.case_id, row.partnership_id, row.rule, due)


async def overdue(
    session: AsyncSession, rules: Rules, now: datetime, youths: Collection[int] | None = None
) -> AsyncIterator[Overdue]:
    """Stream the overdue youths, by id: never all of them in memory."""
    result = await session.stream(rules.due(now, youths).execution_options(yield_per=STREAM))
    async for row in result:
        yield overdue_row(row)


async def count(session: AsyncSession, rules: Rules, now: datetime) -> int:
    both = rules.due(now).subquery()
    return int((await session.execute(select(func.count()).select_from(both))).scalar_one())
