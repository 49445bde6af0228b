"""The report's period from a query string, and back: the page, the exports and the API share it.

    ?period=month&month=2026-11          a calendar month (the default: this month)
    ?period=quarter&quarter=2026-Q3      a quarter
    ?period=year&year=2026               a year
    ?period=custom&start=2026-03-01&end=2026-04-15

A period may run on past today (this month), never start after it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, timedelta

from inbox.errors import Invalid
from storage.reports import Period

KINDS = ("month", "quarter", "year", "custom")
FIRST_YEAR = 2000
MAX_DAYS = 5 * 366  # a custom period of at most about five years
MONTHS = (
    "januari", "februari", "maart", "april", "mei", "juni",
    "juli", "augustus", "september", "oktober", "november", "december",
)  # fmt: skip
SHORT = ("jan.", "feb.", "mrt.", "apr.", "mei", "jun.", "jul.", "aug.", "sep.", "okt.", "nov.", "dec.")  # fmt: skip

NONSENSE = "Kies een geldige periode: een maand, een kwartaal, een jaar of een eigen periode."
BAD_MONTH = "Geef de maand als jaar-maand, bijvoorbeeld 2026-11."
BAD_QUARTER = "Geef het kwartaal als jaar-kwartaal, bijvoorbeeld 2026-Q3."
BAD_YEAR = "Geef het jaar als vier cijfers, bijvoorbeeld 2026."
BAD_DAY = "Geef de begin- en einddatum als jaar-maand-dag, bijvoorbeeld 2026-03-01."
REVERSED = "De begindatum ligt na de einddatum. Kies een begin vóór het einde."
FUTURE = "Deze periode ligt in de toekomst. Er zijn nog geen cijfers."
TOO_OLD = "Zo ver terug zijn er geen cijfers. Kies een periode vanaf 2000."
TOO_LONG = "Een eigen periode duurt hoogstens vijf jaar."


class BadPeriod(Invalid):
    """The query asks for a period that does not exist or has no figures yet (Dutch message)."""


def period_from(query: Mapping[str, str], today: date) -> Period:
    """The period a query string asks for; no `period`: this month. Raise BadPeriod."""
    kind = query.get("period", "").strip() or infer(query)
    if kind == "month":
        period = month(query.get("month", "").strip() or today.strftime("%Y-%m"))
    elif kind == "quarter":
        default = f"{today.year}-Q{(today.month - 1) // 3 + 1}"
        period = quarter(query.get("quarter", "").strip() or default)
    elif kind == "year":
        period = year(query.get("year", "").strip() or str(today.year))
    elif kind == "custom":
        period = custom(query.get("start", "").strip(), query.get("end", "").strip())
    else:
        raise BadPeriod(NONSENSE)
    if period.start > today:
        raise BadPeriod(FUTURE)
    if period.start.year < FIRST_YEAR:
        raise BadPeriod(TOO_OLD)
    return period


def query_of(period: Period) -> dict[str, str]:
    """The query parameters that give this period back (for links and the export bar)."""
    start, end = period.start, period.end
    if start.day == 1 and end == last_of_month(start):
        return {"period": "month", "month": f"{start:%Y-%m}"}
    if start.day == 1 and start.month % 3 == 1 and end == last_of_month(add_months(start, 2)):
        return {"period": "quarter", "quarter": f"{start.year}-Q{(start.month - 1) // 3 + 1}"}
    if (start.month, start.day, end.month, end.day) == (1, 1, 12, 31) and start.year == end.year:
        return {"period": "year", "year": str(start.year)}
    return {"period": "custom", "start": start.isoformat(), "end": end.isoformat()}


def infer(query: Mapping[str, str]) -> str:
    """A link with only `?month=…` (or `quarter`, `year`, `start`) still means that period."""
    for kind, key in (("custom", "start"), ("month", "month"), ("quarter", "quarter")):
        if query.get(key):
            return kind
    return "year" if query.get("year") else "month"


def month(value: str) -> Period:
    found = re.fullmatch(r"(\d{4})-(\d{1,2})", value)
    if not found or not 1 <= int(found[2]) <= 12:
        raise BadPeriod(BAD_MONTH)
    start = date(int(found[1]), int(found[2]), 1)
    return Period(start, last_of_month(start), f"{MONTHS[start.month - 1]} {start.year}")


def quarter(value: str) -> Period:
    found = re.fullmatch(r"(\d{4})-?[QqKk]([1-4])", value)
    if not found:
        raise BadPeriod(BAD_QUARTER)
    start = date(int(found[1]), 3 * int(found[2]) - 2, 1)
    return Period(start, last_of_month(add_months(start, 2)), f"{start.year} K{found[2]}")


def year(value: str) -> Period:
    if not re.fullmatch(r"\d{4}", value):
        raise BadPeriod(BAD_YEAR)
    return Period(date(int(value), 1, 1), date(int(value), 12, 31), value)


def custom(start_value: str, end_value: str) -> Period:
    try:
        start, end = date.fromisoformat(start_value), date.fromisoformat(end_value)
    except ValueError:
        raise BadPeriod(BAD_DAY) from None
    if len(start_value) != 10 or len(end_value) != 10:
        raise BadPeriod(BAD_DAY)  # only 2026-03-01, not the other forms fromisoformat takes
    if start > end:
        raise BadPeriod(REVERSED)
    if (end - start).days > MAX_DAYS:
        raise BadPeriod(TOO_LONG)
    return Period(start, end, f"{short(start)} – {short(end)}")


def short(day: date) -> str:
    return f"{day.day} {SHORT[day.month - 1]} {day.year}"


def add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def last_of_month(day: date) -> date:
    return add_months(day, 1) - timedelta(days=1)
