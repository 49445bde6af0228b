"""The report's charts, drawn on the server as inline SVG: columns for a figure over time, bars
for a figure by category. Each says its numbers in its label; the table under it shows them too.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from math import ceil

from storage.reports import Cell, Table

WIDTH = 400  # about a phone's width: the text stays readable when the chart scales down
COLUMNS_HEIGHT, COLUMNS_LEFT, COLUMNS_TOP, COLUMNS_BOTTOM = 200, 4, 22, 26
BAR_ROW, BAR_RIGHT = 46, 48  # a bar's label on a line of its own above it
MAX_LABELS = 5  # column labels under the chart; more columns: every n-th one


@dataclass(frozen=True)
class Bar:
    label: str  # shown under a column: "wk 45" (the table says "wk 45 (2 nov.)")
    value: int
    x: float
    y: float
    width: float
    height: float
    show_label: bool = True  # the label under a column (not every one when there are many)


@dataclass(frozen=True)
class Chart:
    key: str  # the table it draws: the SVG's id is "chart-<key>"
    kind: str  # columns | bars
    label: str  # "Nieuwe aanmeldingen: wk 45: 10, wk 46: 12, …" for screen readers
    bars: tuple[Bar, ...]
    width: int
    height: int
    base: float  # the y of the columns' base line, or the x where the bars start


def number(cell: Cell) -> int:
    return int(cell) if isinstance(cell, int | float) else 0


def spoken(title: str, rows: Sequence[tuple[str, int]]) -> str:
    return f"{title}: " + ", ".join(f"{label}: {value}" for label, value in rows)


def columns(table: Table) -> Chart:
    """A figure over time, left to right (the table's first two columns)."""
    rows = [(str(row[0]), number(row[1])) for row in table.rows]
    top = max([value for _, value in rows] + [1])
    inner = COLUMNS_HEIGHT - COLUMNS_TOP - COLUMNS_BOTTOM
    step = (WIDTH - 2 * COLUMNS_LEFT) / max(len(rows), 1)
    every = ceil(len(rows) / MAX_LABELS) if rows else 1
    base = COLUMNS_HEIGHT - COLUMNS_BOTTOM
    bars = tuple(
        Bar(
            label.split(" (")[0], value, round(COLUMNS_LEFT + i * step + step * 0.15, 1),
            round(base - inner * value / top, 1), round(step * 0.7, 1),
            round(inner * value / top, 1), show_label=i % every == 0,
        )
        for i, (label, value) in enumerate(rows)
    )  # fmt: skip
    return Chart(table.key, "columns", spoken(table.title, rows), bars, WIDTH, COLUMNS_HEIGHT, base)


def bars(table: Table, rows: Sequence[tuple[str, int]] | None = None, title: str = "") -> Chart:
    """A figure by category, one bar a line (the table's rows, or the rows given)."""
    rows = list(rows) if rows is not None else [(str(r[0]), number(r[1])) for r in table.rows]
    top = max([value for _, value in rows] + [1])
    span = WIDTH - BAR_RIGHT
    drawn = tuple(
        Bar(label, value, 0, i * BAR_ROW + 22, round(span * value / top, 1), BAR_ROW - 28)
        for i, (label, value) in enumerate(rows)
    )
    height = max(len(rows), 1) * BAR_ROW
    return Chart(table.key, "bars", spoken(title or table.title, rows), drawn, WIDTH, height, 0)
