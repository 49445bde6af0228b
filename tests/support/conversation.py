"""A long conversation on a case, as weeks of chatting leave it: messages both ways, three at
a time in the same second (ties), with a note and an event in that same second now and then."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import event, select

from storage.clock import utcnow
from storage.db import Database
from storage.models import Case, CaseEvent, Message, Note

KEY = re.compile(r'data-key="([a-z]+-[0-9]+)"')
ORDER = {"message": 0, "event": 1, "note": 2}  # at the same moment, as the inbox shows them


async def chat(db: Database, case_id: int, worker_id: int, messages: int = 120) -> list[str]:
    """Add the conversation; the keys (`message-12`) of the whole timeline, oldest first."""
    start = utcnow() - timedelta(days=2)
    async with db.transaction() as session:
        case = await session.get(Case, case_id)
        assert case is not None
        rows: list[Message | Note | CaseEvent] = []
        for i in range(messages):
            at = start + timedelta(seconds=i // 3)
            youth = i % 2 == 0
            rows.append(
                Message(
                    youth_id=case.youth_id, direction="in" if youth else "out",
                    author="youth" if youth else "worker", text=f"bericht {i + 1:03d}",
                    delivery="sent", worker_id=None if youth else worker_id, created_at=at,
                )
            )  # fmt: skip
            if i % 10 == 4:
                rows.append(Note(case_id=case_id, worker_id=worker_id, text=f"notitie {i + 1:03d}", created_at=at))  # fmt: skip
                rows.append(CaseEvent(case_id=case_id, worker_id=worker_id, kind="flag", data={"flag": "aandacht"}, created_at=at))  # fmt: skip
        session.add_all(rows)
    return await timeline_keys(db, case_id)


async def timeline_keys(db: Database, case_id: int) -> list[str]:
    """Every item of the case's timeline, read straight from the tables, in the inbox's order."""
    async with db.transaction() as session:
        case = await session.get(Case, case_id)
        assert case is not None
        found: list[tuple[datetime, int, int, str]] = []
        for model, kind, owner in (
            (Message, "message", Message.youth_id == case.youth_id),
            (Note, "note", Note.case_id == case_id),
            (CaseEvent, "event", CaseEvent.case_id == case_id),
        ):
            for row in await session.scalars(select(model).where(owner)):
                found.append((row.created_at, ORDER[kind], row.id, f"{kind}-{row.id}"))
    return [key for *_, key in sorted(found)]


def keys(html: str) -> list[str]:
    """The timeline items a page or fragment shows, top to bottom."""
    return KEY.findall(html)


@contextmanager
def statements(db: Database) -> Iterator[list[str]]:
    """The SQL statements run while inside (SQLAlchemy's before_cursor_execute)."""
    seen: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append(statement)

    engine = db.engine.sync_engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", count)
