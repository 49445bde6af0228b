"""The first response against the partnership's promise: answered by the end of the n-th
working day after the registration day (flows.intake.add_workdays), as the youth was told.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from flows.intake import add_workdays
from storage.models import Case, Worker
from storage.report_sql import Scope, as_day, hours, median, percent
from storage.reports import Table

DEFAULT_WORKDAYS = 2  # a partnership missing from `promises`
LATE_LISTED = 100
NOT_YET = "nog niet"


async def tables(session: AsyncSession, scope: Scope, promises: Mapping[str, int]) -> list[Table]:
    span = scope.span
    today = span.now.astimezone(span.tz).date()
    new = (scope.cases(), span.in_period(Case.created_at))
    created, answered = scope.local_day(Case.created_at), scope.local_day(Case.first_response_at)
    stmt = (
        select(Case.partnership_id, created, answered, func.count())
        .where(*new)
        .group_by(Case.partnership_id, created, answered)
    )
    on_time = late = pending = 0
    for partnership, day, answer_day, n in (await session.execute(stmt)).all():
        deadline = add_workdays(as_day(day), promises.get(partnership, DEFAULT_WORKDAYS))
        if answer_day is not None and as_day(answer_day) <= deadline:
            on_time += int(n)
        elif answer_day is not None or today > deadline:
            late += int(n)
        else:
            pending += int(n)
    took = scope.seconds(Case.created_at, Case.first_response_at)
    middle = await median(session, took, *new, Case.first_response_at.is_not(None))
    summary = (
        ("Nieuwe aanmeldingen", on_time + late + pending),
        ("Op tijd beantwoord", on_time),
        ("Te laat of nog niet beantwoord na de termijn", late),
        ("Nog niet beantwoord, de termijn loopt nog", pending),
        ("Op tijd (%)", percent(on_time, on_time + late)),
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
        await late_ones(session, scope, promises, today),
    ]  # fmt: skip


async def late_ones(
    session: AsyncSession, scope: Scope, promises: Mapping[str, int], today: date
) -> Table:
    """The late registrations by case number: no names, only when and who."""
    span = scope.span
    least = min([DEFAULT_WORKDAYS, *promises.values()])
    maybe_late = Case.first_response_at.is_(None) | (
        scope.seconds(Case.created_at, Case.first_response_at) > max(least - 1, 0) * 86400
    )
    stmt = (
        select(Case.id, Case.partnership_id, Case.created_at, Case.first_response_at, Worker.full_name)
        .outerjoin(Worker, Worker.id == Case.worker_id)
        .where(scope.cases(), span.in_period(Case.created_at), maybe_late)
        .order_by(Case.created_at, Case.id)
    )  # fmt: skip
    rows: list[tuple[int, str, str, str]] = []
    total = 0
    async for case_id, partnership, created_at, answered_at, worker in await session.stream(stmt):
        local = created_at.astimezone(span.tz)
        deadline = add_workdays(local.date(), promises.get(partnership, DEFAULT_WORKDAYS))
        if answered_at is None and today <= deadline:
            continue
        if answered_at is not None and answered_at.astimezone(span.tz).date() <= deadline:
            continue
        total += 1
        if len(rows) < LATE_LISTED:
            answered = answered_at.astimezone(span.tz) if answered_at else None
            rows.append(
                (
                    case_id,
                    f"{local:%Y-%m-%d %H:%M}",
                    f"{answered:%Y-%m-%d %H:%M}" if answered else NOT_YET,
                    worker or "niemand",
                )
            )
    note = "Zonder namen van jongeren: het dossiernummer volstaat om het dossier te openen."
    if total > LATE_LISTED:
        note += f" De eerste {LATE_LISTED} van {total}."
    return Table(
        "first_response_late", "Te laat beantwoord",
        ("Dossier", "Aangemeld", "Eerste antwoord", "Trajectgezel"), tuple(rows), note,
    )  # fmt: skip
