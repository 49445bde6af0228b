"""The coordinator's figures: a report is a period and a list of tables, aggregated in SQL.

The inbox draws the tables (with charts), the exports write them as CSV and XLSX and the
API returns them as JSON: all three read the same `Report`, so they cannot disagree.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

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
