"""The queue by page: the waiting, mine and team lists read after a cursor, with filters, search
and a count each.

A page is read after an opaque cursor (the last row's sort key), never with OFFSET, so a youth
arriving between two pages shifts nothing and no case is shown twice. Every list is scoped to
open cases of one partnership (storage.indexes); the count runs over the same conditions.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import ColumnElement, and_, case, exists, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from storage.casework import CaseSummary, base_query, summary
from storage.indexes import open_case
from storage.models import Case, CaseEvent, CaseNeed, Youth
from storage.search import youths_saying

Kind = Literal["waiting", "mine", "team"]
KINDS: tuple[Kind, ...] = ("waiting", "mine", "team")
FLAGS = ("dringend", "aandacht", "uit_beeld", "terug")
SEARCH_TEXT_FROM = 3  # letters: shorter words match too many messages to be worth reading
# A list's order as (column, descending); the last column is unique, so the order is total.
Key = tuple[tuple[InstrumentedAttribute[Any], bool], ...]
OLDEST_FIRST: Key = ((Case.urgent, True), (Case.created_at, False), (Case.id, False))
RECENT_FIRST: Key = (
    (Case.urgent, True),
    (Case.unread, True),
    (Case.updated_at, True),
    (Case.id, True),
)
TYPES: dict[str, type] = {
    "urgent": bool, "unread": int, "id": int, "created_at": datetime, "updated_at": datetime,
}  # fmt: skip
ORDER: dict[Kind, Key] = {"waiting": OLDEST_FIRST, "mine": RECENT_FIRST, "team": OLDEST_FIRST}


class BadCursor(ValueError):
    """A cursor this module did not write (or for another list)."""


@dataclass(frozen=True)
class Filters:
    """What a team narrows the queue to; empty fields do not filter."""

    status: str = ""  # waiting | active | paused
    flag: str = ""  # dringend | aandacht | uit_beeld | terug
    worker_id: int | None = None
    municipality: str = ""
    need: str = ""
    channel: str = ""
    language: str = ""
    search: str = ""  # a first name (part of it), or a case number: "#42" or "42"
    # Waiting against the promise: waiting since [waiting_from, waiting_before).
    waiting_from: datetime | None = None
    waiting_before: datetime | None = None

    @property
    def youth(self) -> bool:
        """Whether the conditions read the youth (channel, language)."""
        return bool(self.channel or self.language)


@dataclass(frozen=True)
class Page:
    cases: list[CaseSummary]
    total: int  # in the whole list, with these filters
    next: str | None  # the cursor of the next page; None: this was the last


def waiting_since() -> ColumnElement[datetime]:
    """When the case came in, or when the youth last wrote again after it was closed."""
    reopened = (
        select(func.max(CaseEvent.created_at))
        .where(CaseEvent.case_id == Case.id, CaseEvent.kind == "reopened")
        .scalar_subquery()
    )
    return func.coalesce(reopened, Case.created_at)


def searching(words: str, dialect: str) -> ColumnElement[bool]:
    """A first name containing the words (any case), the case number, or (three letters or
    more) words the youth or their workers wrote (storage.search)."""
    term = words.strip()
    number = term.removeprefix("#").strip()
    name = func.lower(Case.answers["name"].as_string())
    matches: list[ColumnElement[bool]] = []
    if not term.startswith("#"):
        matches.append(name.contains(term.lower(), autoescape=True))
    if number.isdigit() and len(number) <= 15:
        matches.append(Case.id == int(number))
    if not term.startswith("#") and len(term) >= SEARCH_TEXT_FROM:
        matches.append(Case.youth_id.in_(youths_saying(dialect, term)))
    return or_(*matches) if matches else Case.id.is_(None)


def conditions(filters: Filters, dialect: str) -> list[ColumnElement[bool]]:
    found: list[ColumnElement[bool]] = []
    if filters.status:
        found.append(Case.status == filters.status)
    if filters.flag == "dringend":
        found.append(Case.urgent.is_(True))
    elif filters.flag:
        found.append(Case.flag == filters.flag)
    if filters.worker_id is not None:
        found.append(Case.worker_id == filters.worker_id)
    if filters.municipality:
        found.append(Case.municipality == filters.municipality)
    if filters.need:
        needs = select(CaseNeed.case_id).where(
            CaseNeed.case_id == Case.id, CaseNeed.need == filters.need
        )
        found.append(exists(needs))
    if filters.channel:
        found.append(Youth.channel == filters.channel)
    if filters.language:
        found.append(Youth.lang == filters.language)
    if filters.waiting_from or filters.waiting_before:
        found.append(Case.status == "waiting")
        if filters.waiting_from:
            found.append(waiting_since() >= filters.waiting_from)
        if filters.waiting_before:
            found.append(waiting_since() < filters.waiting_before)
    if filters.search.strip():
        found.append(searching(filters.search, dialect))
    return found


def scope(kind: Kind, partnership_id: str, worker_ids: Sequence[int]) -> list[ColumnElement[bool]]:
    """The open cases a list holds: nobody's waiting ones, these workers', or the team's."""
    mine = Case.partnership_id == partnership_id
    if kind == "waiting":
        return [mine, Case.status == "waiting", Case.worker_id.is_(None)]
    if kind == "mine":
        return [mine, Case.worker_id.in_(worker_ids), open_case()]
    return [mine, open_case()]


# --- cursors ----------------------------------------------------------------------------------


def encode(values: Sequence[object]) -> str:
    plain = [v.isoformat() if isinstance(v, datetime) else v for v in values]
    raw = json.dumps(plain, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode(cursor: str, key: Key) -> list[object]:
    """The sort key a cursor holds, typed as the list's columns; BadCursor otherwise."""
    try:
        raw = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (ValueError, binascii.Error) as exc:
        raise BadCursor(cursor) from exc
    if not isinstance(raw, list) or len(raw) != len(key):
        raise BadCursor(cursor)
    return [typed(value, column) for value, (column, _) in zip(raw, key, strict=True)]


def typed(value: object, column: InstrumentedAttribute[Any]) -> object:
    wanted = TYPES[column.key]
    if wanted is datetime and isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value)
        except ValueError as exc:
            raise BadCursor(value) from exc
        if moment.tzinfo is not None:
            return moment
    elif type(value) is wanted:  # the exact type: a bool is an int too
        return value
    raise BadCursor(str(value))


def after(key: Key, values: Sequence[object]) -> ColumnElement[bool]:
    """Rows after this sort key in the list's order (a keyset condition)."""
    later: list[ColumnElement[bool]] = []
    for i, (column, descending) in enumerate(key):
        same = [equal(c, v) for (c, _), v in zip(key[:i], values, strict=False)]
        value = values[i]
        if isinstance(value, bool):  # SQL compares flags with IS only: after True comes False
            if value == descending:
                later.append(and_(*same, column.is_(not value)))
            continue
        later.append(and_(*same, column < value if descending else column > value))
    # As one CASE the condition only filters what the list's own index found (open cases):
    # its ORs of ranges on created_at would tempt SQLite into a range over all history.
    return case((or_(*later), 1), else_=0) == 1


def equal(column: InstrumentedAttribute[Any], value: object) -> ColumnElement[bool]:
    return column.is_(value) if isinstance(value, bool) else column == value


def sort_key(case: CaseSummary, key: Key, updated_at: datetime) -> list[object]:
    of = {"urgent": case.urgent, "unread": case.unread, "created_at": case.created_at}
    of |= {"updated_at": updated_at, "id": case.id}
    return [of[column.key] for column, _ in key]


# --- reading ----------------------------------------------------------------------------------


async def count(
    session: AsyncSession,
    kind: Kind,
    partnership_id: str,
    worker_ids: Sequence[int],
    filters: Filters,
) -> int:
    """How many cases the whole list holds with these filters (over the queue's indexes)."""
    stmt = select(func.count()).select_from(Case)
    if filters.youth:
        stmt = stmt.join(Youth, Youth.id == Case.youth_id)
    stmt = stmt.where(
        *scope(kind, partnership_id, worker_ids),
        *conditions(filters, session.get_bind().dialect.name),
    )
    return int((await session.execute(stmt)).scalar_one())


async def page(
    session: AsyncSession,
    kind: Kind,
    partnership_id: str,
    worker_ids: Sequence[int],
    filters: Filters,
    cursor: str | None,
    limit: int,
) -> Page:
    """One page of a list after `cursor` (None: the first), and the list's count."""
    key = ORDER[kind]
    where = [
        *scope(kind, partnership_id, worker_ids),
        *conditions(filters, session.get_bind().dialect.name),
    ]
    total = await count(session, kind, partnership_id, worker_ids, filters)
    stmt = base_query().where(*where)
    if cursor:
        stmt = stmt.where(after(key, decode(cursor, key)))
    order = [column.desc() if descending else column.asc() for column, descending in key]
    rows = (await session.execute(stmt.order_by(*order).limit(limit + 1))).all()
    shown = rows[:limit]
    cases = [summary(c, y, w) for c, y, w in shown]
    last = shown[-1][0] if shown else None
    more = len(rows) > limit and last is not None
    next_cursor = encode(sort_key(cases[-1], key, last.updated_at)) if more and last else None
    return Page(cases, total, next_cursor)


async def unread(session: AsyncSession, worker_ids: Sequence[int]) -> int:
    """Youth messages not yet seen on these workers' open cases: one aggregate."""
    if not worker_ids:
        return 0
    stmt = select(func.coalesce(func.sum(Case.unread), 0)).where(
        Case.worker_id.in_(worker_ids), open_case()
    )
    return int((await session.execute(stmt)).scalar_one())
