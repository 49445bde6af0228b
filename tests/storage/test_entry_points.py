"""The poster a youth came through: on the case from registration on, counted in the report."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import select

from storage import registrations, youths
from storage.db import Database
from storage.models import Case
from storage.reports import Period, build

NOW = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)
NOVEMBER = Period(date(2026, 11, 1), date(2026, 11, 30), "november 2026")
LABELS = {"ocmw-maaseik": "Affiche OCMW Maaseik", "vdab-consulent": "Kaartje VDAB-consulent"}


async def register(db: Database, chat: str, entry: str, partnership: str = "wam") -> int:
    async with db.transaction() as session:
        youth = await youths.get_or_create(session, "web", chat, "nl", NOW)
        answers = {"name": chat, "entry_point": entry, "referral": "self"}
        return (await registrations.open_case(session, youth, partnership, answers, NOW)).id


async def test_the_key_lands_on_the_case_and_in_the_report(db: Database) -> None:
    first = await register(db, "noor", "ocmw-maaseik")
    await register(db, "yassin", "ocmw-maaseik")
    await register(db, "lotte", "")  # found the chat herself
    await register(db, "emma", "removed-poster")  # a poster since taken out of the file
    await register(db, "sam", "vdab-consulent", partnership="samenwerkt")  # another team's
    async with db.transaction() as session:
        case = await session.get(Case, first)
        assert case is not None and case.entry_point == "ocmw-maaseik"
        report = await build(session, "wam", NOVEMBER, {"wam": 2}, NOW, entry_points=LABELS)
        everyone = await build(session, None, NOVEMBER, {"wam": 2}, NOW, entry_points=LABELS)
    table = report.table("inflow_by_entry_point")
    assert table.title == "Aanmeldingen per ingang"
    assert table.rows == (
        ("Affiche OCMW Maaseik", 2),
        ("Kaartje VDAB-consulent", 0),
        ("removed-poster", 1),
        ("zonder ingang", 1),
    )
    assert dict(everyone.table("inflow_by_entry_point").rows)["Kaartje VDAB-consulent"] == 1


async def test_no_entry_point_is_stored_as_none(db: Database) -> None:
    await register(db, "noor", "")
    async with db.transaction() as session:
        points = (await session.execute(select(Case.entry_point))).scalars().all()
    assert points == [None]
