"""Indexes for open work: open outbox jobs, the last week's check-in answers

Revision ID: 0022_plans_indexes
Revises: 0021_retention
Create Date: 2027-03-01 10:00:00

The sender's claim read the outbox in id order from the first job ever sent; the queue's
low scores read every answered check-in ever stored. They now
read what is open or recent (storage/indexes.py; checked by tests/storage/test_query_plans.py).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0022_plans_indexes"
down_revision = "0021_retention"
branch_labels = None
depends_on = None

OPEN_JOBS = "status IN ('pending', 'sending')"


def upgrade() -> None:
    op.create_index(
        "ix_outbox_open",
        "outbox",
        ["id"],
        sqlite_where=sa.text(OPEN_JOBS),
        postgresql_where=sa.text(OPEN_JOBS),
    )
    op.create_index(
        "ix_checkins_answered", "checkins", ["status", "answered_at", "score", "case_id"]
    )


def downgrade() -> None:
    op.drop_index("ix_checkins_answered", table_name="checkins")
    op.drop_index("ix_outbox_open", table_name="outbox")
