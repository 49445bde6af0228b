"""The coordinator's figures: a report is a period and a list of tables, aggregated in SQL.

The inbox draws the tables (with charts), the exports write them as CSV and XLSX and the
API returns them as JSON: all three read the same `Report`, so they cannot disagree.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

Cell = str | int | float | None


@dataclass(frozen=True)
class Period:
    """From `start` up to and including `end` (dates in Europe/Brussels)."""

    start: date
    end: date
    label: str  # "november 2026", "2026 Q3", "2026", "1 mrt. 2026 – 15 apr. 2026"


@dataclass(frozen=True)
class Table:
    key: str  # stable name for the API and file names: "inflow_by_month"
    title: str  # Dutch, as the coordinator reads it
    columns: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    note: str = ""  # what the figures mean, e.g. how "onbekend" is counted


@dataclass(frozen=True)
class Report:
    partnership_id: str | None  # None: every partnership (an admin's view)
    period: Period
    tables: tuple[Table, ...]

    def table(self, key: str) -> Table:
        for table in self.tables:
            if table.key == key:
                return table
        raise KeyError(key)


# --- building the report --------------------------------------------------------------------


async def build(
    session: AsyncSession,
    partnership_id: str | None,
    period: Period,
    promises: Mapping[str, int],
    now: datetime,
    tz: tzinfo | None = None,
    entry_points: Mapping[str, str] | None = None,
) -> Report:
    """Count the period's figures in SQL; `promises`: first-response workdays per partnership,
    `entry_points`: the label of each poster or card (key → label) in the scope."""
    from storage import report_esf as esf
    from storage import report_inflow as inflow
    from storage import report_offers as offers
    from storage import report_response as response
    from storage import report_team as teamwork
    from storage.report_sql import BRUSSELS, Scope, Span

    span = Span.of(period, now, tz or BRUSSELS)
    scope = Scope(partnership_id, span, session.get_bind().dialect.name)
    counted = await inflow.groups(session, scope)
    inflow_tables = await inflow.tables(session, scope, counted)
    tables = [
        *inflow_tables[:2],
        await inflow.by_entry_point(session, scope, entry_points or {}),
        *inflow_tables[2:],
        *await response.tables(session, scope, promises),
        *await teamwork.tables(session, scope, counted),
        *await esf.tables(session, scope),
        *await offers.tables(session, scope),
        await inflow.blind_spots(session, scope),
    ]
    return Report(partnership_id, period, tuple(tables))
