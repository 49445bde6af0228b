"""The ESF+ tables: participants by gender × the common output indicators, and the results
on leaving and six months later (Regulation (EU) 2021/1057, Annex I). "Onbekend" is a row or
a column of its own everywhere: a profile nobody filled in is counted, never left out.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.casework import OPEN
from storage.models import Case, CaseProfile
from storage.profiles import GENDERS, RESULT_ON_LEAVING, UNKNOWN
from storage.report_sql import Scope, midnight
from storage.report_team import count_if
from storage.reports import Table

GENDER_LABELS = {
    "woman": "vrouw",
    "man": "man",
    "x": "x (non-binair of anders)",
    "not_said": "wil ik niet zeggen",
    UNKNOWN: "onbekend",
}
DISADVANTAGE_LABELS = {
    "disability": "met een handicap",
    "third_country": "onderdaan van een land buiten de EU",
    "foreign_background": "met een buitenlandse achtergrond",
    "minority": "van een minderheid (ook Roma)",
    "homeless": "dakloos of zonder eigen woning",
    "rural": "uit een landelijk gebied",
}
SIX_MONTH_LABELS = {
    "work": "werkt",
    "training": "volgt een opleiding",
    "looking": "zoekt nog",
    "other": "iets anders",
}
COLUMNS = ("Indicator", *GENDER_LABELS.values(), "totaal")


def field(name: str) -> Any:
    return func.coalesce(getattr(CaseProfile, name), UNKNOWN)


def output_indicators() -> list[tuple[str, Any]]:
    labour, education, age = field("labour_status"), field("education"), Case.age
    rows: list[tuple[str, Any]] = [
        ("Deelnemers", Case.id.is_not(None)),
        ("Werkloos (ook langdurig werkloos)", labour.in_(("unemployed", "long_term_unemployed"))),
        ("Langdurig werkloos", labour == "long_term_unemployed"),
        ("Inactief", labour == "inactive"),
        ("Werkend (ook zelfstandig)", labour == "employed"),
        ("Arbeidsmarktstatus onbekend", labour == UNKNOWN),
        ("Jonger dan 18", age < 18),
        ("18 tot en met 29 jaar", (age >= 18) & (age <= 29)),
        ("30 jaar of ouder", age >= 30),
        ("Leeftijd onbekend", age.is_(None)),
        ("Opleiding ISCED 0–2 (hoogstens lager secundair)", education == "isced_0_2"),
        ("Opleiding ISCED 3–4 (hoger secundair, postsecundair)", education == "isced_3_4"),
        ("Opleiding ISCED 5–8 (hoger onderwijs)", education == "isced_5_8"),
        ("Opleidingsniveau onbekend", education == UNKNOWN),
    ]
    for name, label in DISADVANTAGE_LABELS.items():
        rows.append((f"Kansengroep {label}: ja", field(name) == "yes"))
        rows.append((f"Kansengroep {label}: onbekend", field(name) == UNKNOWN))
    return rows


def result_indicators() -> list[tuple[str, Any]]:
    def result_is(result: str) -> Any:
        return Case.outcome.in_([o for o, r in RESULT_ON_LEAVING.items() if r == result])

    known = list(RESULT_ON_LEAVING)
    return [
        ("Verlaters (afgesloten in de periode)", Case.id.is_not(None)),
        ("In opleiding of vorming bij vertrek", result_is("education")),
        ("Aan het werk bij vertrek (ook zelfstandig)", result_is("employment")),
        ("Ander resultaat bij vertrek", result_is("other")),
        ("Resultaat bij vertrek onbekend", result_is(UNKNOWN) | ~Case.outcome.in_(known)),
        ("Behaalde een kwalificatie", field("qualification") == "yes"),
        ("Kwalificatie onbekend", field("qualification") == UNKNOWN),
    ]


def six_month_indicators() -> list[tuple[str, Any]]:
    result = func.coalesce(Case.six_month_result, UNKNOWN)
    return [
        ("Zes maanden na vertrek", Case.id.is_not(None)),
        *((f"Na zes maanden: {label}", result == key) for key, label in SIX_MONTH_LABELS.items()),
        ("Na zes maanden: onbekend (niet gevraagd of geen antwoord)", ~result.in_(list(SIX_MONTH_LABELS))),
    ]  # fmt: skip


async def by_gender(
    session: AsyncSession, indicators: list[tuple[str, Any]], *parts: tuple[Any, ...]
) -> tuple[tuple[str | int, ...], ...]:
    """One row per indicator, one column per gender (no profile: onbekend) and the total,
    over the cases of every part (each a WHERE; the parts must not overlap)."""
    gender = field("gender")
    counts: dict[str, list[int]] = {g: [0] * len(indicators) for g in GENDERS}
    for where in parts:
        stmt = (
            select(gender, *(count_if(condition) for _, condition in indicators))
            .select_from(Case)
            .outerjoin(CaseProfile, CaseProfile.case_id == Case.id)
            .where(*where)
            .group_by(gender)
        )
        for key, *figures in (await session.execute(stmt)).all():
            slot = counts[key if key in counts else UNKNOWN]
            for i, n in enumerate(figures):
                slot[i] += int(n)
    return tuple(
        (label, *(counts[g][i] for g in GENDER_LABELS), sum(counts[g][i] for g in GENDERS))
        for i, (label, _) in enumerate(indicators)
    )


def months_before(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    last = [31, 29 if year % 4 == 0 and (year % 100 or year % 400 == 0) else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]  # fmt: skip
    return date(year, month + 1, min(day.day, last[month]))


async def tables(session: AsyncSession, scope: Scope) -> list[Table]:
    span = scope.span
    # Not closed before the start: open now, or closed since (each an index range).
    still_open = (scope.cases(), Case.status.in_(OPEN), Case.created_at < span.end)
    closed_since = (
        scope.cases(), Case.status == "closed", Case.closed_at >= span.start,
        Case.created_at < span.end,
    )  # fmt: skip
    left = (scope.cases(), Case.status == "closed", span.in_period(Case.closed_at))
    period = span.period
    six_from = midnight(months_before(period.start, 6), span.tz)
    six_to = midnight(months_before(period.end + timedelta(days=1), 6), span.tz)
    six = (scope.cases(), Case.status == "closed", Case.closed_at >= six_from, Case.closed_at < six_to)  # fmt: skip
    return [
        Table(
            "esf_participants", "ESF+: deelnemers per gender en gemeenschappelijke outputindicator",
            COLUMNS, await by_gender(session, output_indicators(), still_open, closed_since),
            "Deelnemers: elk dossier dat in de periode liep (aangemeld vóór het einde en niet "
            "afgesloten vóór het begin). Een jongere met twee dossiers telt twee keer. Leeftijd "
            "bij de aanmelding. Wat de trajectgezel (nog) niet invulde, staat bij onbekend.",
        ),
        Table(
            "esf_results", "ESF+: resultaat bij vertrek", COLUMNS,
            await by_gender(session, result_indicators(), left),
            "Verlaters: dossiers afgesloten in de periode, volgens de uitkomst bij het afsluiten.",
        ),
        Table(
            "esf_six_months", "ESF+: situatie zes maanden na vertrek", COLUMNS,
            await by_gender(session, six_month_indicators(), six),
            "Dossiers waarvan de zes maanden na het afsluiten in de periode vallen. Geen "
            "antwoord op de vraag van de bot telt als onbekend.",
        ),
    ]  # fmt: skip
