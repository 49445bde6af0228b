"""The anonymous per-participant export: one row per case, in the columns ESF+ asks for.

No name, no message, no intake answer, no municipality (in a small place the municipality
with an age and a start date can point to one person; the partnership is the unit the
managing authority funds). The id is a pseudonym: HMAC-SHA256 of the case id with a key
derived from SECRET_KEY, so it is the same in every export, and nobody without the key can
go back to the case. Columns and codes: docs/participants-export.md.
"""

from __future__ import annotations

import hashlib
import hmac
import tempfile
from collections.abc import Iterator, Sequence
from datetime import datetime, tzinfo
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from inbox.exports import BOLD, csv_lines, xlsx_cell
from storage.participants import Participant
from storage.profiles import RESULT_ON_LEAVING, UNKNOWN
from storage.reports import Cell

PSEUDONYM_LENGTH = 16  # hex digits: 64 bits, no two of a partnership's cases will meet
# (column, what it holds): the order of the file; the meaning is in docs/participants-export.md
COLUMNS = (
    "deelnemer_id",
    "partnerschap",
    "startdatum",
    "einddatum",
    "leeftijdsgroep",
    "geslacht",
    "arbeidsmarktstatus_bij_start",
    "opleidingsniveau",
    "beperking",
    "derdelander",
    "buitenlandse_herkomst",
    "minderheid",
    "dakloos",
    "landelijk",
    "uitstroom",
    "resultaat_bij_uitstroom",
    "kwalificatie",
    "resultaat_na_zes_maanden",
)
PROFILE_COLUMNS = {
    "geslacht": "gender",
    "arbeidsmarktstatus_bij_start": "labour_status",
    "opleidingsniveau": "education",
    "beperking": "disability",
    "derdelander": "third_country",
    "buitenlandse_herkomst": "foreign_background",
    "minderheid": "minority",
    "dakloos": "homeless",
    "landelijk": "rural",
    "kwalificatie": "qualification",
}
WIDTHS = {"deelnemer_id": 20, "partnerschap": 14, "startdatum": 12, "einddatum": 12}


def pseudonym_key(secret_key: str) -> bytes:
    """The export's own key, derived from SECRET_KEY (the key never leaves the server)."""
    return hmac.new(secret_key.encode(), b"instap participants export", hashlib.sha256).digest()


def pseudonym(key: bytes, case_id: int) -> str:
    """The participant's id in every export: stable, and not reversible without the key."""
    digest = hmac.new(key, f"case:{case_id}".encode(), hashlib.sha256).hexdigest()
    return digest[:PSEUDONYM_LENGTH]


def age_group(age: int | None) -> str:
    if age is None:
        return UNKNOWN
    return "under_18" if age < 18 else "18_29" if age < 30 else "30_plus"


def local_day(moment: datetime | None, tz: tzinfo) -> str:
    return moment.astimezone(tz).date().isoformat() if moment is not None else ""


def row_of(participant: Participant, key: bytes, tz: tzinfo) -> list[Cell]:
    """One participant as the file's columns (see COLUMNS)."""
    closed = participant.closed_at is not None
    outcome = participant.outcome or (UNKNOWN if closed else "")
    if outcome == "erased":
        result = UNKNOWN  # the youth asked to be forgotten: the outcome is gone with the rest
    else:
        result = RESULT_ON_LEAVING.get(outcome, UNKNOWN) if closed else ""
    values: dict[str, Cell] = {
        "deelnemer_id": pseudonym(key, participant.case_id),
        "partnerschap": participant.partnership_id,
        "startdatum": local_day(participant.created_at, tz),
        "einddatum": local_day(participant.closed_at, tz),
        "leeftijdsgroep": age_group(participant.age),
        "uitstroom": outcome,
        "resultaat_bij_uitstroom": result,
        "resultaat_na_zes_maanden": participant.six_month_result or (UNKNOWN if closed else ""),
        **{column: participant.profile[field] for column, field in PROFILE_COLUMNS.items()},
    }
    return [values[column] for column in COLUMNS]


def csv_header() -> str:
    return "".join(csv_lines([COLUMNS], bom=True))


def csv_batch(rows: Sequence[Sequence[Cell]]) -> str:
    return "".join(csv_lines(rows))


class XlsxFile:
    """An XLSX of participants written row by row to a temporary file (openpyxl's write-only
    mode keeps no rows in memory), then read back in chunks for the response."""

    def __init__(self) -> None:
        self.file: IO[bytes] = tempfile.TemporaryFile()  # noqa: SIM115  # see close()
        self.book = Workbook(write_only=True)
        self.sheet: Any = self.book.create_sheet("deelnemers")
        for i, column in enumerate(COLUMNS, start=1):
            width = WIDTHS.get(column, max(len(column) + 2, 10))
            self.sheet.column_dimensions[get_column_letter(i)].width = width
        self.sheet.freeze_panes = "A2"  # the header on the first row, for machines reading it
        self.sheet.append([xlsx_cell(self.sheet, column, BOLD) for column in COLUMNS])

    def append(self, rows: Sequence[Sequence[Cell]]) -> None:
        for row in rows:
            self.sheet.append([xlsx_cell(self.sheet, value) for value in row])

    def finish(self) -> None:
        self.book.save(self.file)
        self.file.seek(0)

    def chunks(self, size: int = 64 * 1024) -> Iterator[bytes]:
        while chunk := self.file.read(size):
            yield chunk

    def close(self) -> None:
        self.file.close()
