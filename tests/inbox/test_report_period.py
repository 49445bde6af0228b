"""The report's period as a coordinator types it in the address bar or picks it in the filter."""

from __future__ import annotations

from datetime import date

import pytest

from inbox.pages.report_period import BadPeriod, period_from, query_of
from storage.reports import Period

TODAY = date(2026, 12, 6)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, Period(date(2026, 12, 1), date(2026, 12, 31), "december 2026")),
        (
            {"period": "month", "month": "2026-11"},
            Period(date(2026, 11, 1), date(2026, 11, 30), "november 2026"),
        ),
        ({"month": "2024-2"}, Period(date(2024, 2, 1), date(2024, 2, 29), "februari 2024")),
        (
            {"period": "quarter", "quarter": "2026-Q3"},
            Period(date(2026, 7, 1), date(2026, 9, 30), "2026 K3"),
        ),
        ({"period": "quarter"}, Period(date(2026, 10, 1), date(2026, 12, 31), "2026 K4")),
        (
            {"period": "year", "year": "2025"},
            Period(date(2025, 1, 1), date(2025, 12, 31), "2025"),
        ),
        (
            {"period": "custom", "start": "2026-03-01", "end": "2026-04-15"},
            Period(date(2026, 3, 1), date(2026, 4, 15), "1 mrt. 2026 – 15 apr. 2026"),
        ),
        (
            {"period": "custom", "start": "2026-12-06", "end": "2026-12-06"},
            Period(date(2026, 12, 6), date(2026, 12, 6), "6 dec. 2026 – 6 dec. 2026"),
        ),
    ],
)
def test_a_period_from_the_query(query: dict[str, str], expected: Period) -> None:
    assert period_from(query, TODAY) == expected


@pytest.mark.parametrize(
    ("query", "says"),
    [
        ({"period": "custom", "start": "2026-05-01", "end": "2026-04-01"}, "begindatum ligt na"),
        ({"period": "month", "month": "2027-01"}, "in de toekomst"),
        ({"period": "custom", "start": "2026-12-07", "end": "2027-01-01"}, "in de toekomst"),
        ({"period": "year", "year": "2027"}, "in de toekomst"),
        ({"period": "month", "month": "2026-13"}, "bijvoorbeeld 2026-11"),
        ({"period": "month", "month": "november"}, "bijvoorbeeld 2026-11"),
        ({"period": "quarter", "quarter": "2026-Q5"}, "bijvoorbeeld 2026-Q3"),
        ({"period": "year", "year": "twintig"}, "vier cijfers"),
        ({"period": "custom", "start": "2026-02-30", "end": "2026-03-01"}, "jaar-maand-dag"),
        ({"period": "custom", "start": "", "end": ""}, "jaar-maand-dag"),
        ({"period": "custom", "start": "20260301", "end": "20260401"}, "jaar-maand-dag"),
        ({"period": "custom", "start": "2010-01-01", "end": "2026-01-01"}, "hoogstens vijf jaar"),
        ({"period": "year", "year": "1999"}, "vanaf 2000"),
        ({"period": "week"}, "Kies een geldige periode"),
        ({"period": "<script>"}, "Kies een geldige periode"),
    ],
)
def test_a_bad_period_says_what_is_wrong_in_dutch(query: dict[str, str], says: str) -> None:
    with pytest.raises(BadPeriod) as error:
        period_from(query, TODAY)
    assert says in str(error.value)


@pytest.mark.parametrize(
    "query",
    [
        {"period": "month", "month": "2026-11"},
        {"period": "quarter", "quarter": "2026-Q3"},
        {"period": "year", "year": "2025"},
        {"period": "custom", "start": "2026-03-01", "end": "2026-04-15"},
        {"period": "custom", "start": "2026-02-01", "end": "2026-03-31"},
    ],
)
def test_a_period_gives_its_query_back(query: dict[str, str]) -> None:
    back = query_of(period_from(query, TODAY))
    assert period_from(back, TODAY) == period_from(query, TODAY)
    if query["period"] != "custom" or query["end"] == "2026-04-15":
        assert back == query
