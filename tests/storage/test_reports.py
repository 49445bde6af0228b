"""The coordinator's report over a known partnership: every table, counted by hand.

The population (tests/storage/report_population.py) tells the story the figures come from.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest

from storage import followup, registrations, youths
from storage.db import Database
from storage.reports import Period, Report, build
from tests.storage.report_population import NOW, build_population

NOVEMBER = Period(date(2026, 11, 1), date(2026, 11, 30), "november 2026")
PROMISES = {"wwin": 2, "wam": 3}


@pytest.fixture
async def wwin(db: Database) -> tuple[Database, dict[int, int]]:
    return db, await build_population(db)


async def report(db: Database, partnership: str | None, period: Period = NOVEMBER) -> Report:
    async with db.transaction() as session:
        return await build(session, partnership, period, PROMISES, NOW)


def rows(report: Report, key: str) -> list[tuple[Any, ...]]:
    return [tuple(row) for row in report.table(key).rows]


async def test_inflow_in_guidance_and_outcomes(wwin: tuple[Database, dict[int, int]]) -> None:
    got = await report(wwin[0], "wwin")
    assert got.table("inflow_over_time").columns == ("Week", "Aanmeldingen")
    assert rows(got, "inflow_over_time") == [
        ("wk 44 (26 okt.)", 0), ("wk 45 (2 nov.)", 10), ("wk 46 (9 nov.)", 10),
        ("wk 47 (16 nov.)", 10), ("wk 48 (23 nov.)", 10), ("wk 49 (30 nov.)", 0),
    ]  # fmt: skip
    assert rows(got, "inflow_by_referral") == [
        ("VDAB", 16), ("OCMW", 8), ("School", 8), ("Een vriend(in)", 0), ("Sociale media", 0),
        ("Zelf gevonden", 0), ("Iets anders", 0), ("onbekend", 8),
    ]  # fmt: skip
    assert rows(got, "inflow_by_municipality") == [("Wetteren", 20), ("Lede", 16), ("onbekend", 4)]
    assert rows(got, "inflow_by_need")[:3] == [("Werk", 40), ("Opleiding", 14), ("Geld", 0)]
    assert rows(got, "in_guidance") == [
        ("wachtend", 10), ("actief", 21), ("gepauzeerd", 1), ("totaal", 32),
    ]  # fmt: skip
    assert rows(got, "closed_by_outcome") == [
        ("werk", 5), ("opleiding", 4), ("andere hulp", 1), ("geen contact meer", 1),
        ("verhuisd", 1), ("totaal", 12),
    ]  # fmt: skip


async def test_first_response_against_the_promise(wwin: tuple[Database, dict[int, int]]) -> None:
    db, ids = wwin
    got = await report(db, "wwin")
    assert rows(got, "first_response") == [
        ("Nieuwe aanmeldingen", 40),
        ("Op tijd beantwoord", 23),
        ("Te laat of nog niet beantwoord na de termijn", 13),
        ("Nog niet beantwoord, de termijn loopt nog", 4),
        ("Op tijd (%)", 63.9),
        ("Mediaan tot het eerste antwoord (uur)", 3.0),
    ]
    sara, tom, nobody = "Sara Janssens", "Tom De Smet", "niemand"
    assert rows(got, "first_response_late") == [
        (ids[15], "2026-11-09 09:00", "2026-11-14 09:00", sara),
        (ids[16], "2026-11-10 09:00", "2026-11-15 09:00", sara),
        (ids[17], "2026-11-11 09:00", "2026-11-16 09:00", sara),
        (ids[18], "2026-11-12 09:00", "2026-11-17 09:00", sara),
        (ids[19], "2026-11-13 09:00", "2026-11-18 09:00", sara),
        (ids[28], "2026-11-19 09:00", "nog niet", tom),
        (ids[29], "2026-11-20 09:00", "nog niet", tom),
        (ids[30], "2026-11-23 09:00", "nog niet", nobody),
        (ids[35], "2026-11-23 09:00", "nog niet", nobody),
        (ids[31], "2026-11-24 09:00", "nog niet", nobody),
        (ids[36], "2026-11-24 09:00", "nog niet", nobody),
        (ids[32], "2026-11-25 09:00", "nog niet", nobody),
        (ids[37], "2026-11-25 09:00", "nog niet", nobody),
    ]
    assert all(
        "Jongere" not in str(cell) for row in rows(got, "first_response_late") for cell in row
    )


async def test_caseload_checkins_and_signals(wwin: tuple[Database, dict[int, int]]) -> None:
    got = await report(wwin[0], "wwin")
    assert rows(got, "caseload") == [
        ("Jan Peeters", 0, 15, 0.0), ("Sara Janssens", 10, 10, 100.0), ("Tom De Smet", 12, 8, 150.0),
    ]  # fmt: skip
    assert rows(got, "checkins") == [
        ("Verstuurd", 6), ("Beantwoord", 4), ("Antwoordpercentage (%)", 66.7),
    ]  # fmt: skip
    assert rows(got, "signals") == [("dringend", 3, 2, 1, 4.0), ("uit beeld", 2, 1, 1, 24.0)]


async def test_per_worker_and_per_municipality(wwin: tuple[Database, dict[int, int]]) -> None:
    got = await report(wwin[0], "wwin")
    assert rows(got, "per_worker") == [
        ("Sara Janssens", 20, 10, 10, 7), ("Tom De Smet", 10, 12, 2, 2),
        ("niet toegewezen", 10, 10, 0, 0),
    ]  # fmt: skip
    assert rows(got, "per_municipality") == [
        ("Lede", 16, 12, 4, 3), ("Wetteren", 20, 17, 7, 5), ("onbekend", 4, 3, 1, 1),
    ]  # fmt: skip


async def test_esf_participants_by_gender_with_the_unknown_counted(
    wwin: tuple[Database, dict[int, int]],
) -> None:
    got = await report(wwin[0], "wwin")
    table = got.table("esf_participants")
    assert table.columns == (
        "Indicator", "vrouw", "man", "x (non-binair of anders)", "wil ik niet zeggen",
        "onbekend", "totaal",
    )  # fmt: skip
    assert "liep" in table.note
    figures = {row[0]: row[1:] for row in table.rows}
    assert figures["Deelnemers"] == (15, 13, 1, 1, 14, 44)
    assert figures["Werkloos (ook langdurig werkloos)"] == (10, 8, 1, 1, 0, 20)
    assert figures["Langdurig werkloos"] == (5, 3, 1, 1, 0, 10)
    assert figures["Inactief"] == (3, 2, 0, 0, 0, 5)
    assert figures["Werkend (ook zelfstandig)"] == (1, 2, 0, 0, 0, 3)
    assert figures["Arbeidsmarktstatus onbekend"] == (1, 1, 0, 0, 14, 16)
    assert figures["Jonger dan 18"] == (3, 2, 1, 0, 2, 8)
    assert figures["18 tot en met 29 jaar"] == (6, 5, 0, 1, 8, 20)
    assert figures["30 jaar of ouder"] == (3, 3, 0, 0, 2, 8)
    assert figures["Leeftijd onbekend"] == (3, 3, 0, 0, 2, 8)
    assert figures["Opleiding ISCED 0–2 (hoogstens lager secundair)"] == (5, 5, 0, 0, 0, 10)
    assert figures["Opleiding ISCED 3–4 (hoger secundair, postsecundair)"] == (5, 4, 0, 1, 0, 10)
    assert figures["Opleiding ISCED 5–8 (hoger onderwijs)"] == (0, 0, 0, 0, 0, 0)
    assert figures["Opleidingsniveau onbekend"] == (5, 4, 1, 0, 14, 24)
    assert figures["Kansengroep met een handicap: ja"] == (1, 1, 0, 0, 0, 2)
    assert figures["Kansengroep met een handicap: onbekend"] == (0, 0, 0, 0, 14, 14)
    assert figures["Kansengroep dakloos of zonder eigen woning: ja"] == (0, 0, 0, 0, 0, 0)
    assert figures["Kansengroep dakloos of zonder eigen woning: onbekend"] == (15, 13, 1, 1, 14, 44)
    assert len(figures) == 14 + 12


async def test_esf_results_on_leaving_and_after_six_months(
    wwin: tuple[Database, dict[int, int]],
) -> None:
    got = await report(wwin[0], "wwin")
    assert [row[1:] for row in got.table("esf_results").rows] == [
        (5, 3, 1, 1, 2, 12),  # left in November
        (1, 0, 1, 0, 2, 4),  # in education or training
        (2, 3, 0, 0, 0, 5),  # in employment
        (2, 0, 0, 0, 0, 2),  # other
        (0, 0, 0, 1, 0, 1),  # unknown (no contact)
        (2, 2, 0, 0, 0, 4),  # gained a qualification
        (0, 0, 0, 1, 2, 3),  # qualification unknown
    ]
    assert rows(got, "esf_six_months") == [
        ("Zes maanden na vertrek", 0, 0, 0, 0, 2, 2),
        ("Na zes maanden: werkt", 0, 0, 0, 0, 1, 1),
        ("Na zes maanden: volgt een opleiding", 0, 0, 0, 0, 0, 0),
        ("Na zes maanden: zoekt nog", 0, 0, 0, 0, 0, 0),
        ("Na zes maanden: iets anders", 0, 0, 0, 0, 0, 0),
        ("Na zes maanden: onbekend (niet gevraagd of geen antwoord)", 0, 0, 0, 0, 1, 1),
    ]


async def test_blind_spots_per_month_and_place(wwin: tuple[Database, dict[int, int]]) -> None:
    got = await report(wwin[0], "wwin")
    assert rows(got, "blind_spots") == [("2026-11", "Gent", 2), ("2026-11", "Aalst", 1)]
    autumn = Period(date(2026, 10, 1), date(2026, 11, 30), "")
    assert rows(await report(wwin[0], "wwin", autumn), "blind_spots") == [
        ("2026-10", "Gent", 1), ("2026-11", "Gent", 2), ("2026-11", "Aalst", 1),
    ]  # fmt: skip


async def test_an_admin_sees_every_partnership_and_a_year_goes_per_month(
    wwin: tuple[Database, dict[int, int]],
) -> None:
    db = wwin[0]
    everyone = await report(db, None)
    assert rows(everyone, "in_guidance")[-1] == ("totaal", 34)
    assert dict(rows(everyone, "closed_by_outcome"))["werk"] == 6
    assert dict(rows(everyone, "first_response"))["Nieuwe aanmeldingen"] == 43
    year = await report(db, "wwin", Period(date(2026, 1, 1), date(2026, 12, 31), "2026"))
    over_time = rows(year, "inflow_over_time")
    assert year.table("inflow_over_time").columns == ("Maand", "Aanmeldingen")
    assert over_time[0] == ("jan. 2026", 3)
    assert over_time[9:] == [("okt. 2026", 4), ("nov. 2026", 40)]  # none for December yet
    assert dict(rows(year, "closed_by_outcome"))["werk"] == 8


async def test_an_empty_period_is_all_zeros_and_says_so(
    wwin: tuple[Database, dict[int, int]],
) -> None:
    got = await report(wwin[0], "wwin", Period(date(2025, 3, 1), date(2025, 3, 31), "maart 2025"))
    assert dict(rows(got, "first_response"))["Nieuwe aanmeldingen"] == 0
    assert dict(rows(got, "first_response"))["Op tijd (%)"] is None
    assert rows(got, "first_response_late") == []
    assert {r[1] for r in rows(got, "inflow_over_time")} == {0}
    assert rows(got, "esf_participants")[0] == ("Deelnemers", 0, 0, 0, 0, 0, 0)


async def test_the_promise_counts_local_days_across_the_clock_change(db: Database) -> None:
    """Registered Friday 27 March 23:30 in Brussels, promised two working days: Tuesday 31
    March (summer time since Sunday). 23:30 that Tuesday is on time; 0:30 Wednesday is late,
    though both are still Tuesday in UTC."""
    friday_night = datetime(2026, 3, 27, 22, 30, tzinfo=UTC)
    async with db.transaction() as session:
        for chat, answered in (("a", datetime(2026, 3, 31, 21, 30)), ("b", datetime(2026, 3, 31, 22, 30))):  # fmt: skip
            youth = await youths.get_or_create(session, "web", chat, "nl", friday_night)
            case = await registrations.open_case(session, youth, "wwin", {}, friday_night)
            await followup.worker_answered(session, case, answered.replace(tzinfo=UTC))
    spring = Period(date(2026, 3, 1), date(2026, 4, 30), "")
    got = await report(db, "wwin", spring)
    figures = dict(rows(got, "first_response"))
    assert (figures["Op tijd beantwoord"], figures["Te laat of nog niet beantwoord na de termijn"]) == (1, 1)  # fmt: skip
    assert [r[2] for r in rows(got, "first_response_late")] == ["2026-04-01 00:30"]
