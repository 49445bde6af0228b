"""The queue by page: indexes that read open cases only

Revision ID: 0023_queue_indexes
Revises: 0022_plans_indexes
Create Date: 2027-02-20 10:00:00

The queue's lists (waiting, mine, the team's) are read by partnership or worker and status,
in their order (this week's check-in answers: 0022_plans_indexes). With status before
time, closed history lies in its own range of each index and is never read.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0023_queue_indexes"
down_revision = "0022_plans_indexes"
branch_labels = None
depends_on = None

OPEN_CASES = "status IN ('waiting', 'active', 'paused')"  # a worker's open cases only


def upgrade() -> None:
    op.create_index(
        "ix_cases_queue", "cases", ["partnership_id", "status", "worker_id", "created_at"]
    )
    op.create_index(
        "ix_cases_worker_open",
        "cases",
        ["worker_id", "updated_at"],
        sqlite_where=sa.text(OPEN_CASES),
        postgresql_where=sa.text(OPEN_CASES),
    )


def downgrade() -> None:
    op.drop_index("ix_cases_worker_open", "cases")
    op.drop_index("ix_cases_queue", "cases")
