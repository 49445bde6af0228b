"""Who comes in and goes out: registrations over time and by source, place and need, the
youths in guidance now, the cases closed by outcome, and requests from places nobody covers.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import String, cast, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from flows.intake_questions import NEEDS, REFERRALS
from storage.casework import OPEN
from storage.models import Case, CaseNeed, UncoveredDemand
from storage.report_sql import UNKNOWN_LABEL, Scope
from storage.reports import Table

# The outcomes at closing, as the inbox shows them (inbox.pages.labels.OUTCOME_LABELS).
OUTCOME_LABELS = {
    "work": "werk",
    "training": "opleiding",
    "other_help": "andere hulp",
    "no_contact": "geen contact meer",
    "moved": "verhuisd",
    "other": "andere",
    "erased": "gewist op verzoek",
}
STATUS_LABELS = {"waiting": "wachtend", "active": "actief", "paused": "gepauzeerd"}


def labelled(
    counts: dict[Any, int], labels: Iterable[tuple[str, str]], *, keep_zero: bool = True
) -> tuple[tuple[str, int], ...]:
    """Rows in the order of the labels (zero too), then unlisted values, then "onbekend"."""
    known = dict(labels)
    rows = [(label, counts.get(key, 0)) for key, label in known.items()]
    if not keep_zero:
        rows = [(label, n) for label, n in rows if n]
    rows += sorted((str(k), n) for k, n in counts.items() if k is not None and k not in known)
    if counts.get(None):
        rows.append((UNKNOWN_LABEL, counts[None]))
    return tuple(rows)


@dataclass(frozen=True)
class Groups:
    """The cases counted once each way, for the inflow and the team tables together:
    (key, municipality, worker id, count) with key the referral, the status or the outcome."""

    new: list[tuple[Any, Any, Any, int]]  # registered in the period, by referral
    open: list[tuple[Any, Any, Any, int]]  # open now, by status
    closed: list[tuple[Any, Any, Any, int]]  # closed in the period, by outcome

    @staticmethod
    def total(rows: list[tuple[Any, Any, Any, int]], at: int) -> dict[Any, int]:
        """Counts by one position: 0 the key, 1 the municipality, 2 the worker id."""
        found: dict[Any, int] = {}
        for row in rows:
            found[row[at]] = found.get(row[at], 0) + row[3]
        return found


async def groups(session: AsyncSession, scope: Scope) -> Groups:
    span = scope.span

    async def count(key: Any, *where: Any) -> list[tuple[Any, Any, Any, int]]:
        stmt = (
            select(key, Case.municipality, Case.worker_id, func.count())
            .where(scope.cases(), *where)
            .group_by(key, Case.municipality, Case.worker_id)
        )
        return [(k, m, w, int(n)) for k, m, w, n in (await session.execute(stmt)).all()]

    return Groups(
        await count(Case.referral, span.in_period(Case.created_at)),
        await count(Case.status, Case.status.in_(OPEN)),
        await count(Case.outcome, Case.status == "closed", span.in_period(Case.closed_at)),
    )


NO_ENTRY_LABEL = "zonder ingang"


async def by_entry_point(session: AsyncSession, scope: Scope, labels: Mapping[str, str]) -> Table:
    """Registrations of the period per poster or card (`labels`: key → label), none last."""
    stmt = (
        select(Case.entry_point, func.count())
        .where(scope.cases(), scope.span.in_period(Case.created_at))
        .group_by(Case.entry_point)
    )
    counts = {k: int(n) for k, n in (await session.execute(stmt)).all()}
    rows = [(label, counts.get(key, 0)) for key, label in labels.items()]
    rows += sorted((str(k), n) for k, n in counts.items() if k is not None and k not in labels)
    return Table(
        "inflow_by_entry_point", "Aanmeldingen per ingang", ("Ingang", "Aanmeldingen"),
        (*rows, (NO_ENTRY_LABEL, counts.get(None, 0))),
        "Via de link of QR-code van een affiche of kaartje. Zonder ingang: de jongere vond "
        "de chat zelf, of wiste de code uit het eerste bericht.",
    )  # fmt: skip


async def tables(session: AsyncSession, scope: Scope, counted: Groups) -> list[Table]:
    span = scope.span
    new = (scope.cases(), span.in_period(Case.created_at))
    bucket = scope.bucket(Case.created_at)
    stmt = select(bucket, func.count()).where(*new).group_by(bucket)
    per_bucket = {i: int(n) for i, n in (await session.execute(stmt)).all()}
    over_time = tuple((label, per_bucket.get(i, 0)) for i, (label, _, _) in enumerate(span.buckets))
    referral, place = counted.total(counted.new, 0), counted.total(counted.new, 1)
    needs = select(CaseNeed.need, func.count()).join(Case, Case.id == CaseNeed.case_id)
    needs = needs.where(*new).group_by(CaseNeed.need)
    need = {k: int(n) for k, n in (await session.execute(needs)).all()}
    status, outcome = counted.total(counted.open, 0), counted.total(counted.closed, 0)
    places = sorted(
        ((k, n) for k, n in place.items() if k is not None), key=lambda r: (-r[1], r[0])
    )
    in_guidance = labelled(status, STATUS_LABELS.items())
    return [
        Table(
            "inflow_over_time", "Nieuwe aanmeldingen", (span.unit, "Aanmeldingen"), over_time,
            f"Aanmeldingen per {span.unit.lower()} in de periode.",
        ),
        Table(
            "inflow_by_referral", "Aanmeldingen volgens hoe ze ons vonden",
            ("Gevonden via", "Aanmeldingen"), labelled(referral, REFERRALS),
        ),
        Table(
            "inflow_by_municipality", "Aanmeldingen per gemeente", ("Gemeente", "Aanmeldingen"),
            (*places, *(((UNKNOWN_LABEL, place[None]),) if place.get(None) else ())),
        ),
        Table(
            "inflow_by_need", "Aanmeldingen per vraag", ("Hulp bij", "Aanmeldingen"),
            labelled(need, NEEDS),
            "Een jongere kan hulp vragen bij meer dan één ding: de som is groter dan het aantal.",
        ),
        Table(
            "in_guidance", "Jongeren nu in begeleiding", ("Status", "Jongeren"),
            (*in_guidance, ("totaal", sum(status.values()))),
            "Open dossiers op dit moment, los van de gekozen periode.",
        ),
        Table(
            "closed_by_outcome", "Afgesloten in de periode, per uitkomst", ("Uitkomst", "Dossiers"),
            (*labelled(outcome, OUTCOME_LABELS.items(), keep_zero=False), ("totaal", sum(outcome.values()))),
        ),
    ]  # fmt: skip


async def blind_spots(session: AsyncSession, scope: Scope) -> Table:
    """Requests from places no partnership covers, per month and place (for every partnership)."""
    month = func.substr(cast(UncoveredDemand.day, String), 1, 7)
    period = scope.span.period
    stmt = (
        select(month, UncoveredDemand.place, func.count())
        .where(UncoveredDemand.day >= period.start, UncoveredDemand.day <= period.end)
        .group_by(month, UncoveredDemand.place)
        .order_by(month, func.count().desc(), UncoveredDemand.place)
    )
    rows = tuple((str(m), str(p), int(n)) for m, p, n in (await session.execute(stmt)).all())
    return Table(
        "blind_spots", "Blinde vlekken: vragen uit gemeenten zonder partnerschap",
        ("Maand", "Gemeente", "Vragen"), rows,
        "Jongeren uit deze gemeenten vonden geen partnerschap. We bewaren alleen de gemeente "
        "en de dag, niets over de jongere.",
    )  # fmt: skip
