"""The report's group offers (Groepsaanbod): sessions held, attendances and unique participants
in the period, per kind and per offer. One SQL query per table over the same `units`.

A session counts as held when it started in the period, was not cancelled, and the leader
saved who was there or counted walk-ins. Its attendances are the youths marked present plus
the walk-ins; its unique participants are the distinct youths marked present (a walk-in has
no chat, so nobody can tell whether two walk-ins are one person).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Integer, String, case, cast, exists, func, literal, null, select, union_all
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql import Subquery

from storage.offer_models import Booking, Offer, OfferSession
from storage.offers import KINDS
from storage.report_sql import Scope
from storage.reports import Cell, Table

TOTAL = "totaal"
FIGURES = (
    "Sessies gehouden", "Aanwezigheden", "Waarvan zonder chat", "Unieke deelnemers",
    "Gemiddeld aanwezig per sessie",
)  # fmt: skip
HELD = (
    "Een sessie telt als gehouden als ze in de periode begon en de begeleider bewaarde wie er "
    "was, of er jongeren zonder chat kwamen. Aanwezigheden: de jongeren die als aanwezig zijn "
    "aangeduid, plus wie zonder chat kwam."
)
UNIQUE = (
    "Unieke deelnemers: verschillende jongeren die als aanwezig zijn aangeduid. Wie zonder chat "
    "kwam, kunnen we niet als persoon tellen: die telt wel bij de aanwezigheden, niet bij de "
    "unieke deelnemers."
)


def units(scope: Scope) -> Subquery:
    """One row per youth marked present and one per held session with its walk-ins:
    (session_id, offer_id, title, kind, youth_id or NULL, people)."""
    saved = exists().where(Booking.session_id == OfferSession.id, Booking.attended.is_not(None))
    held = (
        select(OfferSession.id, OfferSession.walk_ins, Offer.id.label("offer_id"))
        .add_columns(Offer.title, Offer.kind)
        .join(Offer, Offer.id == OfferSession.offer_id)
        .where(
            scope.of_partnership(Offer.partnership_id),
            scope.span.in_period(OfferSession.starts_at),
            OfferSession.cancelled.is_(False),
            (OfferSession.walk_ins > 0) | saved,
        )
        .cte("held")
    )
    walk_ins = select(
        held.c.id.label("session_id"), held.c.offer_id, held.c.title, held.c.kind,
        cast(null(), Integer).label("youth_id"), held.c.walk_ins.label("people"),
    )  # fmt: skip
    present = (
        select(
            held.c.id,
            held.c.offer_id,
            held.c.title,
            held.c.kind,
            Booking.youth_id,
            literal(1, Integer),
        )
        .join(Booking, Booking.session_id == held.c.id)
        .where(Booking.attended.is_(True))
    )
    return union_all(walk_ins, present).subquery("units")


def figures(unit: Subquery) -> tuple[Any, ...]:
    """Sessions held, attendances, walk-ins and unique participants over the rows grouped."""
    return (
        func.count(func.distinct(unit.c.session_id)),
        func.coalesce(func.sum(unit.c.people), 0),
        func.coalesce(func.sum(case((unit.c.youth_id.is_(None), unit.c.people), else_=0)), 0),
        func.count(func.distinct(unit.c.youth_id)),
    )


def row(label: str, *counts: Any) -> tuple[Cell, ...]:
    sessions, attendances, walk_ins, unique = (int(n) for n in counts)
    average = round(attendances / sessions, 1) if sessions else None
    return (label, sessions, attendances, walk_ins, unique, average)


async def by_kind(session: AsyncSession, scope: Scope) -> Table:
    """Every kind (also one with nothing held) and the total, where a youth counts once."""
    unit = units(scope)
    stmt = union_all(
        select(unit.c.kind, *figures(unit)).group_by(unit.c.kind),
        select(cast(literal(TOTAL), String), *figures(unit)),
    )
    found = {str(kind): counts for kind, *counts in (await session.execute(stmt)).all()}
    rows = tuple(row(kind, *found.get(kind, (0, 0, 0, 0))) for kind in (*KINDS, TOTAL))
    return Table(
        "offers_by_kind", "Groepsaanbod per soort", ("Soort", *FIGURES), rows,
        f"{HELD} {UNIQUE} In het totaal telt een jongere die bij meer soorten kwam één keer.",
    )  # fmt: skip


async def by_offer(session: AsyncSession, scope: Scope) -> Table:
    """Each offer with a session held in the period, by kind and title."""
    unit = units(scope)
    stmt = select(unit.c.title, unit.c.kind, *figures(unit)).group_by(
        unit.c.offer_id, unit.c.title, unit.c.kind
    )
    order = {kind: i for i, kind in enumerate(KINDS)}
    found = sorted(
        (await session.execute(stmt)).all(), key=lambda r: (order.get(r[1], len(KINDS)), r[0])
    )
    rows = tuple((title, kind, *row(title, *counts)[1:]) for title, kind, *counts in found)
    return Table(
        "offers_by_offer", "Groepsaanbod per aanbod", ("Aanbod", "Soort", *FIGURES), rows,
        f"{HELD} {UNIQUE}",
    )  # fmt: skip


async def tables(session: AsyncSession, scope: Scope) -> list[Table]:
    return [await by_kind(session, scope), await by_offer(session, scope)]
