"""Indexes that let ticks and lists read open or recent work only (issue 16): the tables
are in storage.models (full), the ways in are here. Imported with the package, like
storage.offer_models, so Base.metadata (migrations, tests) holds them.

A partial index holds only the rows its WHERE names: reading it whole reads open work, not
history. A query uses one only when its own WHERE repeats that condition with the same
literal values (SQLite compares them as written; bound parameters do not match), hence the
conditions as SQL text, shared by the index and the query.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, Index, and_, text

from storage.models import Case, CheckIn, OutboxJob

# Jobs still to deliver (pending) or being delivered (sending): the sender's claim.
OPEN_JOBS = "status IN ('pending', 'sending')"

# The sender claims due jobs in id order: over this index that order is the open jobs'
# alone, never the sent ones before them.
OUTBOX_OPEN = Index(
    "ix_outbox_open",
    OutboxJob.id,
    sqlite_where=text(OPEN_JOBS),
    postgresql_where=text(OPEN_JOBS),
)

# The queue (storage.queue). Status comes right after the partnership (or worker), so closed
# history lies in its own range of each index: a queue page reads only open cases.
# Waiting (status, nobody) oldest first, and the team's open cases.
QUEUE = Index("ix_cases_queue", Case.partnership_id, Case.status, Case.worker_id, Case.created_at)
# A worker's open cases (my list, the unread count, the load per worker): a partial index,
# so closed history is not in it at all. casework.OPEN as SQL, shared with the queries.
OPEN_CASES = "status IN ('waiting', 'active', 'paused')"
MINE = Index(
    "ix_cases_worker_open",
    Case.worker_id,
    Case.updated_at,
    sqlite_where=text(OPEN_CASES),
    postgresql_where=text(OPEN_CASES),
)

# The team's open cases in the list's order (urgent first, then oldest): a page is the first
# rows of this index, not a sort of every open case of the partnership.
TEAM = Index(
    "ix_cases_team",
    Case.partnership_id,
    Case.urgent.desc(),
    Case.created_at,
    Case.id,
    sqlite_where=text(OPEN_CASES),
    postgresql_where=text(OPEN_CASES),
)


def open_case() -> ColumnElement[bool]:
    """The condition of ix_cases_worker_open, word for word (a bound IN would not match it)."""
    return and_(text(f"cases.{OPEN_CASES}"))


# Low check-in answers of the last week (the queue's "wie zit laag"): a range on answered_at
# within the answered ones, covering what the query reads.
CHECKINS_ANSWERED = Index(
    "ix_checkins_answered",
    CheckIn.status,
    CheckIn.answered_at,
    CheckIn.score,
    CheckIn.case_id,
)

# The erasure tick reads the youths who asked through storage.retention's
# ix_youths_erase_requested.
