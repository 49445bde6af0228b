"""How the team carries the work: caseload against capacity, check-ins answered, signals
followed up, and the main figures per worker and per municipality.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.casework import OPEN
from storage.models import Case, CaseSignal, CheckIn, Worker
from storage.report_sql import UNKNOWN_LABEL, Scope, hours, median, percent
from storage.reports import Table

SIGNAL_LABELS = {"urgent": "dringend", "uit_beeld": "uit beeld"}
TO_WORK_OR_TRAINING = ("work", "training")
BREAKDOWN = ("Nieuw in de periode", "Open nu", "Afgesloten in de periode", "Naar werk of opleiding")


def count_if(condition: Any) -> Any:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


async def tables(session: AsyncSession, scope: Scope) -> list[Table]:
    return [
        await caseload(session, scope),
        await checkins(session, scope),
        await signals(session, scope),
        *await breakdowns(session, scope),
    ]


async def caseload(session: AsyncSession, scope: Scope) -> Table:
    stmt = (
        select(Worker.full_name, Worker.capacity, func.count(Case.id))
        .outerjoin(Case, (Case.worker_id == Worker.id) & Case.status.in_(OPEN))
        .where(scope.of_partnership(Worker.partnership_id), Worker.active)
        .group_by(Worker.id, Worker.full_name, Worker.capacity)
        .order_by(Worker.full_name, Worker.id)
    )
    rows = tuple(
        (name, int(n), int(capacity), percent(int(n), int(capacity)))
        for name, capacity, n in (await session.execute(stmt)).all()
    )
    return Table(
        "caseload", "Caseload per trajectgezel tegenover de capaciteit",
        ("Trajectgezel", "Open dossiers", "Capaciteit", "Bezetting (%)"), rows,
        "Open dossiers op dit moment (wachtend, actief of gepauzeerd).",
    )  # fmt: skip


async def checkins(session: AsyncSession, scope: Scope) -> Table:
    stmt = (
        select(func.count(), count_if(CheckIn.answered_at.is_not(None)))
        .select_from(CheckIn)
        .join(Case, Case.id == CheckIn.case_id)
        .where(scope.cases(), CheckIn.kind == "checkin", scope.span.in_period(CheckIn.sent_at))
    )
    sent, answered = (int(n) for n in (await session.execute(stmt)).one())
    return Table(
        "checkins", "Check-ins", ("Maatstaf", "Waarde"),
        (("Verstuurd", sent), ("Beantwoord", answered), ("Antwoordpercentage (%)", percent(answered, sent))),
        "Check-ins verstuurd in de periode, en hoeveel daarvan de jongere beantwoordde.",
    )  # fmt: skip


async def signals(session: AsyncSession, scope: Scope) -> Table:
    rows = []
    for kind, label in SIGNAL_LABELS.items():
        where = (
            scope.of_partnership(CaseSignal.partnership_id),
            CaseSignal.kind == kind,
            scope.span.in_period(CaseSignal.raised_at),
        )
        stmt = select(func.count(), count_if(CaseSignal.followed_up_at.is_not(None))).where(*where)
        raised, followed = (int(n) for n in (await session.execute(stmt)).one())
        took = scope.seconds(CaseSignal.raised_at, CaseSignal.followed_up_at)
        middle = await median(session, took, *where, CaseSignal.followed_up_at.is_not(None))
        rows.append((label, raised, followed, raised - followed, hours(middle)))
    return Table(
        "signals", "Dringend en uit beeld: hoe snel opgevolgd",
        ("Signaal", "In de periode", "Opgevolgd", "Nog open", "Mediaan tot opvolging (uur)"),
        tuple(rows),
        "Opgevolgd: een trajectgezel haalde het signaal weg of schreef de jongere. De mediaan telt "
        "alleen opgevolgde signalen; de nog open signalen staan apart.",
    )  # fmt: skip


async def breakdowns(session: AsyncSession, scope: Scope) -> list[Table]:
    span = scope.span
    new, closed = span.in_period(Case.created_at), span.in_period(Case.closed_at)
    figures = (
        count_if(new),
        count_if(Case.status.in_(OPEN)),
        count_if(closed),
        count_if(closed & Case.outcome.in_(TO_WORK_OR_TRAINING)),
    )
    relevant = (scope.cases(), new | Case.status.in_(OPEN) | closed)
    by_worker = (
        select(Worker.full_name, *figures)
        .select_from(Case)
        .outerjoin(Worker, Worker.id == Case.worker_id)
        .where(*relevant)
        .group_by(Worker.id, Worker.full_name)
        .order_by(Worker.full_name)
    )
    by_place = (
        select(Case.municipality, *figures)
        .where(*relevant)
        .group_by(Case.municipality)
        .order_by(Case.municipality)
    )
    workers = [(name or "niet toegewezen", *map(int, n)) for name, *n in (await session.execute(by_worker)).all()]  # fmt: skip
    places = [(place or UNKNOWN_LABEL, *map(int, n)) for place, *n in (await session.execute(by_place)).all()]  # fmt: skip
    return [
        Table(
            "per_worker", "Per trajectgezel", ("Trajectgezel", *BREAKDOWN),
            tuple(sorted(workers, key=lambda r: (r[0] == "niet toegewezen", str(r[0])))),
            "Per dossier bij wie het nu ligt. Naar werk of opleiding: afgesloten met die uitkomst.",
        ),
        Table(
            "per_municipality", "Per gemeente", ("Gemeente", *BREAKDOWN),
            tuple(sorted(places, key=lambda r: (r[0] == UNKNOWN_LABEL, str(r[0])))),
        ),
    ]  # fmt: skip
