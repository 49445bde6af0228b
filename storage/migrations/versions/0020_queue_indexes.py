"""The queue by page: indexes that read open cases and this week's check-in answers only

Revision ID: 0020_queue_indexes
Revises: 0019_status_recipient
Create Date: 2027-02-20 10:00:00

The queue's lists (waiting, mine, the team's) are read by partnership or worker and status,
in their order; the low check-ins of the last 7 days by status and answer time. With status
before time, closed history lies in its own range of each index and is never read.
"""

from __future__ import annotations

from alembic import op

revision = "0020_queue_indexes"
down_revision = "0019_status_recipient"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_cases_queue", "cases", ["partnership_id", "status", "worker_id", "created_at"]
    )
    op.create_index("ix_cases_worker_open", "cases", ["worker_id", "status", "updated_at"])
    op.create_index("ix_checkins_answered", "checkins", ["status", "answered_at"])


def downgrade() -> None:
    op.drop_index("ix_checkins_answered", "checkins")
    op.drop_index("ix_cases_worker_open", "cases")
    op.drop_index("ix_cases_queue", "cases")
