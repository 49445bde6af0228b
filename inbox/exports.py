"""The report as files: one CSV for Excel on a Flemish Windows, one XLSX with a sheet per table.

CSV: UTF-8 with a byte order mark (else Excel reads it as Windows-1252), `;` between cells
and a decimal comma (what Excel expects with a Belgian regional setting, where `,` is the
decimal sign), CRLF line ends. Written generically over `Report.tables`; the layout is in
docs/export-format.md. A text cell that Excel would run as a formula gets a leading `'`.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from storage.reports import Cell, Period, Report, Table

BOM = "\ufeff"
FORMULA = ("=", "+", "-", "@", "\t", "\r")  # how Excel knows a formula (CSV injection)
BOLD = Font(bold=True)
TITLE = Font(bold=True, size=13)
MAX_WIDTH = 60


class Excel(csv.excel):
    """Belgian Excel's CSV: `;` between cells, everything else as Excel writes it."""

    delimiter = ";"


def csv_text(value: Cell) -> str:
    """One cell as Belgian Excel reads it: 0,75 for a fraction, '=… for a would-be formula."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nee"
    if isinstance(value, float):
        return repr(value).replace(".", ",")
    if isinstance(value, int):
        return str(value)
    return "'" + value if value.startswith(FORMULA) else value


def csv_lines(rows: Iterable[Sequence[Cell]], *, bom: bool = False) -> Iterator[str]:
    """Each row as one CSV line (CRLF); the first with the byte order mark when `bom`."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, Excel)
    for row in rows:
        writer.writerow([csv_text(cell) for cell in row])
        line = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        yield (BOM + line) if bom else line
        bom = False


def head(report: Report, partnership: str) -> list[list[Cell]]:
    """The lines above the tables: what this is, whose, and which period."""
    period = report.period
    return [
        ["Instap rapport", partnership],
        ["Periode", period.label, period.start.isoformat(), period.end.isoformat()],
    ]


def report_rows(report: Report, partnership: str) -> Iterator[Sequence[Cell]]:
    """The whole CSV as rows: the head, then per table its title, note (if any), columns
    and rows, with an empty line before each table."""
    yield from head(report, partnership)
    for table in report.tables:
        yield []
        yield [table.title]
        if table.note:
            yield [table.note]
        yield table.columns
        yield from table.rows


def report_csv(report: Report, partnership: str) -> bytes:
    return "".join(csv_lines(report_rows(report, partnership), bom=True)).encode("utf-8")


# --- XLSX ----------------------------------------------------------------------------------


def sheet_names(tables: Sequence[Table]) -> list[str]:
    """One sheet name per table: its key, without what Excel forbids, ≤ 31 characters, unique."""
    names: list[str] = []
    for table in tables:
        base = re.sub(r"[\[\]:*?/\\']", "_", table.key)[:31] or "tabel"
        name, n = base, 2
        while name.lower() in (x.lower() for x in names):
            suffix = f"_{n}"
            name, n = base[: 31 - len(suffix)] + suffix, n + 1
        names.append(name)
    return names


def xlsx_cell(sheet: Any, value: Cell, font: Font | None = None) -> WriteOnlyCell:
    """A cell whose text is never run as a formula; numbers stay numbers."""
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"
    if font is not None:
        cell.font = font
    return cell


def widths(rows: Iterable[Sequence[Cell]]) -> dict[int, float]:
    found: dict[int, float] = {}
    for row in rows:
        for i, value in enumerate(row, start=1):
            size = len(str(value)) if value is not None else 0
            found[i] = max(found.get(i, 8), min(size + 2, MAX_WIDTH))
    return found


def report_xlsx(report: Report, partnership: str) -> bytes:
    """One sheet per table: title, partnership and period, note, bold columns, the rows."""
    book = Workbook(write_only=True)
    period = report.period
    about = f"{partnership} · periode {period.label} ({period.start} – {period.end})"
    for table, name in zip(report.tables, sheet_names(report.tables), strict=True):
        sheet = book.create_sheet(name)
        for column, width in widths([table.columns, *table.rows]).items():
            sheet.column_dimensions[get_column_letter(column)].width = width
        sheet.freeze_panes = "A6" if table.note else "A5"
        sheet.append([xlsx_cell(sheet, table.title, TITLE)])
        sheet.append([xlsx_cell(sheet, about)])
        if table.note:
            sheet.append([xlsx_cell(sheet, table.note)])
        sheet.append([])
        sheet.append([xlsx_cell(sheet, column, BOLD) for column in table.columns])
        for row in table.rows:
            sheet.append([xlsx_cell(sheet, value) for value in row])
    if not report.tables:
        sheet = book.create_sheet("rapport")
        sheet.append([about])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# --- names -----------------------------------------------------------------------------------


def period_slug(period: Period) -> str:
    """2026-11, 2026-Q3, 2026 or 2026-03-01_2026-04-15: the period in a file name."""
    start, end = period.start, period.end
    next_day = date.fromordinal(end.toordinal() + 1)
    if start.day == 1 and next_day.day == 1:
        months = (next_day.year - start.year) * 12 + next_day.month - start.month
        if months == 1:
            return f"{start:%Y-%m}"
        if months == 3 and start.month % 3 == 1:
            return f"{start.year}-Q{(start.month - 1) // 3 + 1}"
        if months == 12 and start.month == 1:
            return str(start.year)
    return f"{start.isoformat()}_{end.isoformat()}"


def filename(kind: str, scope: str | None, period: Period, extension: str) -> str:
    """instap-rapport-wwin-2026-11.xlsx; `kind` rapport or deelnemers; scope None: alle."""
    who = re.sub(r"[^a-z0-9_-]", "", (scope or "alle").lower()) or "alle"
    return f"instap-{kind}-{who}-{period_slug(period)}.{extension}"
