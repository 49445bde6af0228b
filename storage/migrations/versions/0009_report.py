"""Report: indexes for the open cases now and the check-ins sent in a period

Revision ID: 0009_report
Revises: 0008
Create Date: 2026-12-06 12:45:00

The report counts the open cases of a partnership by status, municipality and worker (the
index covers the query: no case row is read), and the check-ins sent in a period; without
these both were a scan of the whole table (EXPLAIN QUERY PLAN on 100,000 cases).
"""

from __future__ import annotations

from alembic import op

revision = "0009_report"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_cases_report_open", "cases", ["partnership_id", "status", "municipality", "worker_id"]
    )
    op.create_index("ix_checkins_report", "checkins", ["kind", "sent_at"])


def downgrade() -> None:
    op.drop_index("ix_checkins_report", table_name="checkins")
    op.drop_index("ix_cases_report_open", table_name="cases")
