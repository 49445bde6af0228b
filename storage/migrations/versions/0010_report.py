"""Report: covering indexes for the registrations of a period, the open cases and check-ins

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06 12:45:00

The report counts the registrations of a period (by referral, municipality, worker and first
response), the open cases of a partnership (by status, municipality and worker) and the
check-ins sent in a period. Each index answers its query alone, no row is read; without
them the open cases and the check-ins were a scan of the whole table (EXPLAIN QUERY PLAN on
100,000 cases) and the rest read every case row of the period.
"""

from __future__ import annotations

from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


# Replaces 0008's (partnership_id, closed_at): with status = 'closed' in every leavers'
# query, SQLite took the open-cases index and read every closed case of the partnership.
LEFT = [
    "partnership_id", "status", "closed_at", "outcome", "six_month_result", "municipality",
    "worker_id",
]  # fmt: skip
NEW = ["partnership_id", "created_at", "first_response_at", "referral", "municipality", "worker_id"]


def upgrade() -> None:
    op.create_index("ix_cases_report_new", "cases", NEW)
    op.create_index(
        "ix_cases_report_open", "cases", ["partnership_id", "status", "municipality", "worker_id"]
    )
    op.drop_index("ix_cases_report_closed", table_name="cases")
    op.create_index("ix_cases_report_left", "cases", LEFT)
    op.create_index("ix_checkins_report", "checkins", ["kind", "sent_at", "case_id", "answered_at"])


def downgrade() -> None:
    op.drop_index("ix_checkins_report", table_name="checkins")
    op.drop_index("ix_cases_report_open", table_name="cases")
    op.drop_index("ix_cases_report_new", table_name="cases")
    op.drop_index("ix_cases_report_left", table_name="cases")
    op.create_index("ix_cases_report_closed", "cases", ["partnership_id", "closed_at"])
