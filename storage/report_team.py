"""How the team carries the work: caseload against capacity, check-ins answered, signals
followed up, and the main figures per worker and per municipality.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Case, CaseSignal, CheckIn, Worker
from storage.report_inflow import Groups
from storage.report_sql import UNKNOWN_LABEL, Scope, hours, median, percent
from storage.reports import Cell, Table

SIGNAL_LABELS = {"urgent": "dringend", "uit_beeld": "uit beeld"}
TO_WORK_OR_TRAINING = ("work", "training")
NOBODY = "niet toegewezen"
BREAKDOWN = ("Nieuw in de periode", "Open nu", "Afgesloten in de periode", "Naar werk of opleiding")


def count_if(condition: Any) -> Any:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


async def tables(session: AsyncSession, scope: Scope, counted: Groups) -> list[Table]:
    stmt = (
        select(Worker.id, Worker.full_name, Worker.capacity, Worker.active)
        .where(scope.of_partnership(Worker.partnership_id))
        .order_by(Worker.full_name, Worker.id)
    )
    team = [(int(i), str(name), int(cap), bool(on)) for i, name, cap, on in (await session.execute(stmt)).all()]  # fmt: skip
    return [
        caseload(team, counted),
        await checkins(session, scope),
        await signals(session, scope),
        *breakdowns(team, counted),
    ]


def caseload(team: list[tuple[int, str, int, bool]], counted: Groups) -> Table:
    load = counted.total(counted.open, 2)
    rows = tuple(
        (name, load.get(i, 0), capacity, percent(load.get(i, 0), capacity))
        for i, name, capacity, active in team
        if active
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
        # From the period's check-ins to their cases by key: not every case id of the
        # partnership first (its whole history).
        .join(Case, Case.id == CheckIn.case_id)
        .where(
            scope.cases(),
            CheckIn.kind == "checkin",
            scope.span.in_period(CheckIn.sent_at),
        )
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
        followed_up = CaseSignal.followed_up_at.is_not(None)
        middle = await median(session, took, *where, followed_up, n=followed)
        rows.append((label, raised, followed, raised - followed, hours(middle)))
    return Table(
        "signals", "Dringend en uit beeld: hoe snel opgevolgd",
        ("Signaal", "In de periode", "Opgevolgd", "Nog open", "Mediaan tot opvolging (uur)"),
        tuple(rows),
        "Opgevolgd: een trajectgezel haalde het signaal weg of schreef de jongere. De mediaan telt "
        "alleen opgevolgde signalen; de nog open signalen staan apart.",
    )  # fmt: skip


def breakdowns(team: list[tuple[int, str, int, bool]], counted: Groups) -> list[Table]:
    def figures(at: int) -> dict[Any, list[int]]:
        found: dict[Any, list[int]] = {}
        for rows, column in ((counted.new, 0), (counted.open, 1), (counted.closed, 2)):
            for row in rows:
                slot = found.setdefault(row[at], [0, 0, 0, 0])
                slot[column] += row[3]
                if column == 2 and row[0] in TO_WORK_OR_TRAINING:
                    slot[3] += row[3]
        return found

    names = {i: name for i, name, _, _ in team}
    workers: list[tuple[Cell, ...]] = [
        (names.get(w, "?") if w is not None else NOBODY, *n) for w, n in figures(2).items()
    ]
    places: list[tuple[Cell, ...]] = [
        (p if p is not None else UNKNOWN_LABEL, *n) for p, n in figures(1).items()
    ]
    return [
        Table(
            "per_worker", "Per trajectgezel", ("Trajectgezel", *BREAKDOWN),
            tuple(sorted(workers, key=lambda r: (r[0] == NOBODY, str(r[0])))),
            "Per dossier bij wie het nu ligt. Naar werk of opleiding: afgesloten met die uitkomst.",
        ),
        Table(
            "per_municipality", "Per gemeente", ("Gemeente", *BREAKDOWN),
            tuple(sorted(places, key=lambda r: (r[0] == UNKNOWN_LABEL, str(r[0])))),
        ),
    ]  # fmt: skip
