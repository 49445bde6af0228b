"""The timeline by page: each source read newest first within its case (or youth)

Revision ID: 0024_timeline_indexes
Revises: 0023_queue_indexes
Create Date: 2027-02-20 10:00:00

The case page shows the newest 50 items and pages backwards by (created_at, kind, id): with
these the messages, notes and events of one case are each a short range scan, however long the
conversation (issue 16).
"""

from __future__ import annotations

from alembic import op

revision = "0024_timeline_indexes"
down_revision = "0023_queue_indexes"
branch_labels = None
depends_on = None

INDEXES = (
    ("ix_messages_timeline", "messages", ["youth_id", "created_at", "id"]),
    ("ix_notes_timeline", "notes", ["case_id", "created_at", "id"]),
    ("ix_case_events_timeline", "case_events", ["case_id", "created_at", "id"]),
)


def upgrade() -> None:
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns)


def downgrade() -> None:
    for name, table, _ in INDEXES:
        op.drop_index(name, table_name=table)
