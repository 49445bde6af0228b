"""The first response against the partnership's promise: answered by the end of the n-th
working day after the registration day (flows.intake.add_workdays), as the youth was told.

Counted in SQL: the promise becomes, per weekday of the registration, a number of calendar
days, so "on time" is a comparison of two local days in the query.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

from sqlalchemy import case, func, literal, select
from sqlalchemy.ext.asyncio import AsyncSession

from flows.intake import add_workdays
from storage.models import Case, Worker
from storage.report_sql import Scope, hours, median, percent
from storage.report_team import count_if
from storage.reports import Table

DEFAULT_WORKDAYS = 2  # a partnership missing from `promises`
LATE_LISTED = 100
NOT_YET = "nog niet"
A_SUNDAY = date(2026, 1, 4)


def calendar_days(workdays: int) -> dict[int, int]:
    """Per weekday (0 Sunday … 6 Saturday): the promise in calendar days from that day."""
    days = {}
    for weekday in range(7):
        day = A_SUNDAY + timedelta(days=weekday)
        days[weekday] = (add_workdays(day, workdays) - day).days
    return days


def allowed_days(scope: Scope, created: Any, promises: Mapping[str, int]) -> Any:
    """The SQL for the days a case may wait for its first answer, from its registration day."""
    weekday = scope.weekday(created)

    def for_promise(workdays: int) -> Any:
        return case(calendar_days(workdays), value=weekday)

    if scope.partnership_id is not None:
        return for_promise(promises.get(scope.partnership_id, DEFAULT_WORKDAYS))
    others = for_promise(DEFAULT_WORKDAYS)
    if not promises:
        return others
    whens = [(Case.partnership_id == p, for_promise(n)) for p, n in promises.items()]
    return case(*whens, else_=others)


async def tables(session: AsyncSession, scope: Scope, promises: Mapping[str, int]) -> list[Table]:
    span = scope.span
    today = span.now.astimezone(span.tz).date()
    new = (scope.cases(), span.in_period(Case.created_at))
    created = scope.local_day(Case.created_at)
    allowed = allowed_days(scope, created, promises)
    answered = Case.first_response_at.is_not(None)
    waited = scope.days_between(created, scope.local_day(Case.first_response_at))
    overdue = scope.days_between(created, literal(today)) > allowed
    on_time, late = answered & (waited <= allowed), (answered & (waited > allowed)) | (~answered & overdue)  # fmt: skip
    stmt = select(func.count(), count_if(on_time), count_if(late), count_if(answered)).where(*new)
    total, in_time, too_late, replied = (int(n) for n in (await session.execute(stmt)).one())
    took = scope.seconds(Case.created_at, Case.first_response_at)
    middle = await median(session, took, *new, answered, n=replied)
    summary = (
        ("Nieuwe aanmeldingen", total),
        ("Op tijd beantwoord", in_time),
        ("Te laat of nog niet beantwoord na de termijn", too_late),
        ("Nog niet beantwoord, de termijn loopt nog", total - in_time - too_late),
        ("Op tijd (%)", percent(in_time, in_time + too_late)),
        ("Mediaan tot het eerste antwoord (uur)", hours(middle)),
    )
    return [
        Table(
            "first_response", "Eerste antwoord tegenover de belofte", ("Maatstaf", "Waarde"),
            summary,
            "Op tijd: een trajectgezel schreef de jongere ten laatste op de laatste werkdag die "
            "de jongere beloofd werd. Het aandeel telt alleen aanmeldingen waarvan de termijn "
            "voorbij is of die al beantwoord zijn. De mediaan telt alleen beantwoorde aanmeldingen.",
        ),
        await late_ones(session, scope, (*new, late), too_late),
    ]  # fmt: skip


async def late_ones(session: AsyncSession, scope: Scope, where: tuple[Any, ...], total: int) -> Table:  # fmt: skip
    """The late registrations by case number, oldest first: no names, only when and who."""
    tz = scope.span.tz
    stmt = (
        select(Case.id, Case.created_at, Case.first_response_at, Worker.full_name)
        .outerjoin(Worker, Worker.id == Case.worker_id)
        .where(*where)
        .order_by(Case.created_at, Case.id)
        .limit(LATE_LISTED)
    )
    rows = tuple(
        (
            case_id,
            f"{created_at.astimezone(tz):%Y-%m-%d %H:%M}",
            f"{answered_at.astimezone(tz):%Y-%m-%d %H:%M}" if answered_at else NOT_YET,
            worker or "niemand",
        )
        for case_id, created_at, answered_at, worker in (await session.execute(stmt)).all()
    )
    note = "Zonder namen van jongeren: het dossiernummer volstaat om het dossier te openen."
    if total > LATE_LISTED:
        note += f" De eerste {LATE_LISTED} van {total}."
    return Table(
        "first_response_late", "Te laat beantwoord",
        ("Dossier", "Aangemeld", "Eerste antwoord", "Trajectgezel"), rows, note,
    )  # fmt: skip
