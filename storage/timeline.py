"""A case's timeline by page: messages both ways, notes and events merged in time order.

The order is (created_at, kind, id) with messages before events before notes at the same
moment. A page is the newest `limit` items before a cursor (keyset, never OFFSET): each of
the three sources gives its newest `limit + 1` before the cursor through its composite index
below, the merge keeps `limit`, and the extra one says whether older items exist.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Index, and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from storage.models import Case, CaseEvent, Message, Note, Worker

PAGE = 50  # what the case page shows at first, and each "Oudere berichten tonen"
MAX_PAGE = 200
ORDER = {"message": 0, "event": 1, "note": 2}  # at the same moment
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
Row = Message | Note | CaseEvent
CURSOR = re.compile(r"([0-9]{1,18})-([012])-([0-9]{1,16})")

# Each source read newest first within its case (or youth) through one of these; declared here
# because storage/models.py is full. Imported with the package (storage/__init__.py).
Index("ix_messages_timeline", Message.youth_id, Message.created_at, Message.id)
Index("ix_notes_timeline", Note.case_id, Note.created_at, Note.id)
Index("ix_case_events_timeline", CaseEvent.case_id, CaseEvent.created_at, CaseEvent.id)


@dataclass(frozen=True)
class TimelineItem:
    kind: str  # message | note | event
    id: int
    at: datetime
    author: str  # youth | bot | worker | system
    text: str
    worker_name: str = ""
    delivery: str = ""
    data: dict[str, Any] | None = None

    @property
    def cursor(self) -> Cursor:
        return Cursor(self.at, ORDER[self.kind], self.id)


@dataclass(frozen=True)
class Cursor:
    """A place in the timeline: the items strictly before it make the older page."""

    at: datetime
    order: int
    id: int

    @property
    def key(self) -> tuple[datetime, int, int]:
        return (self.at, self.order, self.id)

    def __str__(self) -> str:
        micros = (self.at - EPOCH) // timedelta(microseconds=1)
        return f"{micros}-{self.order}-{self.id}"

    @classmethod
    def parse(cls, text: str) -> Cursor:
        """Read a cursor as `str()` wrote it; ValueError for anything else."""
        found = CURSOR.fullmatch(text)
        if found is None:
            raise ValueError(f"not a timeline cursor: {text!r}")
        micros, order, id_ = (int(part) for part in found.groups())
        return cls(EPOCH + timedelta(microseconds=micros), order, id_)


@dataclass(frozen=True)
class Page:
    items: list[TimelineItem]  # oldest first, as the page shows them
    older: Cursor | None  # None: this page reaches the first item


def sources(case: Case) -> tuple[tuple[type[Row], str, ColumnElement[bool]], ...]:
    """The three kinds of item, each with the rows of this case."""
    return (
        (Message, "message", Message.youth_id == case.youth_id),
        (Note, "note", Note.case_id == case.id),
        (CaseEvent, "event", CaseEvent.case_id == case.id),
    )


def before(
    created: InstrumentedAttribute[datetime],
    id_: InstrumentedAttribute[int],
    kind: str,
    cursor: Cursor,
) -> ColumnElement[bool]:
    """The rows of one source that come before the cursor, as a range on its index."""
    if ORDER[kind] < cursor.order:
        return created <= cursor.at
    if ORDER[kind] > cursor.order:
        return created < cursor.at
    return and_(created <= cursor.at, or_(created < cursor.at, id_ < cursor.id))


async def page(
    session: AsyncSession,
    case: Case,
    older_than: Cursor | None = None,
    limit: int = PAGE,
    names: Mapping[int, str] | None = None,
) -> Page:
    """The newest `limit` items before the cursor (or the newest of all), oldest first.

    `names` maps worker ids to first names (the caller's team, when it has it loaded).
    """
    rows: list[Row] = []
    for model, kind, owner in sources(case):
        stmt = select(model).where(owner)
        if older_than is not None:
            stmt = stmt.where(before(model.created_at, model.id, kind, older_than))
        newest = stmt.order_by(model.created_at.desc(), model.id.desc()).limit(limit + 1)
        rows.extend(await session.scalars(newest))
    found = sorted(await items(session, rows, names), key=lambda i: i.cursor.key, reverse=True)
    shown = found[:limit][::-1]
    return Page(shown, shown[0].cursor if len(found) > limit else None)


async def after(
    session: AsyncSession, case: Case, moment: datetime, names: Mapping[int, str] | None = None
) -> list[TimelineItem]:
    """Every item after a moment (the live refresh of an open page), oldest first."""
    rows: list[Row] = []
    for model, _, owner in sources(case):
        rows.extend(await session.scalars(select(model).where(owner, model.created_at > moment)))
    return sorted(await items(session, rows, names), key=lambda i: i.cursor.key)


async def items(
    session: AsyncSession,
    rows: list[Row],
    names: Mapping[int, str] | None,
) -> list[TimelineItem]:
    """The rows as timeline items, with the first names of the workers they mention."""
    if names is None:
        ids = {row.worker_id for row in rows if row.worker_id is not None}
        stmt = select(Worker.id, Worker.first_name).where(Worker.id.in_(ids))
        names = {id_: name for id_, name in (await session.execute(stmt)).all()} if ids else {}
    return [item(row, names.get(row.worker_id or 0, "")) for row in rows]


def item(row: Row, worker_name: str) -> TimelineItem:
    if isinstance(row, Message):
        return TimelineItem(
            "message", row.id, row.created_at, row.author, row.text, worker_name, row.delivery,
            row.media,
        )  # fmt: skip
    if isinstance(row, Note):
        return TimelineItem("note", row.id, row.created_at, "worker", row.text, worker_name)
    return TimelineItem(
        "event", row.id, row.created_at, "system", row.kind, worker_name, data=dict(row.data)
    )
