"""The report's group-offer tables read offers, sessions and attendance through indexes
(both databases): a partnership's offers, their sessions in the period, who was there."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from storage import report_offers
from storage.db import Database
from storage.report_sql import BRUSSELS, Scope, Span
from storage.reports import Period
from tests.storage.test_sixmonths import plan_of

NOW = datetime(2027, 1, 15, 10, 0, tzinfo=UTC)


class Spy:
    """A session that keeps the statements it is given and finds nothing."""

    def __init__(self) -> None:
        self.statements: list[Any] = []

    async def execute(self, statement: Any) -> Any:
        self.statements.append(statement)

        class Rows:
            def all(self) -> list[object]:
                return []

        return Rows()


async def test_each_table_is_one_query_through_the_indexes(db: Database) -> None:
    span = Span.of(Period(date(2026, 1, 1), date(2026, 12, 31), "2026"), NOW, BRUSSELS)
    async with db.transaction() as session:
        dialect = session.get_bind().dialect.name
    spy = Spy()
    tables = await report_offers.tables(spy, Scope("wwin", span, dialect))  # type: ignore[arg-type]
    assert [t.key for t in tables] == ["offers_by_kind", "offers_by_offer"]
    assert len(spy.statements) == 2  # one query per table
    for statement in spy.statements:
        plan = await plan_of(db, statement)
        assert "ix_offers_partnership_id" in plan
        assert "ix_offer_sessions_offer_starts" in plan
        assert "ix_bookings_attended" in plan
