"""The `reports` tag: the coordinator's figures of a period, table by table."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from pydantic import Field

from inbox.schemas.base import Response, bounded

# A query value of the report (period, month, quarter, year, start, end, partnership).
QueryText = Annotated[str, bounded(64)]


class ReportPeriod(Response):
    """From `start` up to and including `end` (local dates, Europe/Brussels)."""

    start: date
    end: date
    label: str = Field(description='As the report page shows it: "november 2026", "2026 K3".')


class ReportTable(Response):
    """One table of the report, as the page, the CSV and the XLSX show it."""

    key: str = Field(description='Stable name, e.g. "inflow_by_month".')
    title: str = Field(description="Dutch, as the coordinator reads it.")
    columns: list[str]
    rows: list[list[str | int | float | None]]
    note: str = Field(description='What the figures mean, e.g. how "onbekend" is counted.')


class Report(Response):
    """The figures of one partnership (or of all, for an admin: `partnership` null)."""

    partnership: str | None
    period: ReportPeriod
    tables: list[ReportTable]


Page = Annotated[int, Field(ge=1, le=1_000_000)]


class Participant(Response):
    """One participant of the anonymous export (docs/participants-export.md): no name, no
    message, no municipality. Codes as storage.profiles lists them; null: not (yet) ended."""

    deelnemer_id: str = Field(description="Pseudonym: the same in every export, not reversible.")
    partnerschap: str
    startdatum: date
    einddatum: date | None
    leeftijdsgroep: str = Field(
        description="under_18, 18_29, 30_plus or unknown (at registration)."
    )
    geslacht: str
    arbeidsmarktstatus_bij_start: str
    opleidingsniveau: str
    beperking: str
    derdelander: str
    buitenlandse_herkomst: str
    minderheid: str
    dakloos: str
    landelijk: str
    uitstroom: str | None
    resultaat_bij_uitstroom: str | None
    kwalificatie: str
    resultaat_na_zes_maanden: str | None


class ParticipantPage(Response):
    """A page of the period's participants, oldest registration first."""

    partnership: str | None
    period: ReportPeriod
    page: int
    per_page: int
    next_page: int | None = Field(description="The next page's number; null on the last page.")
    participants: list[Participant]
