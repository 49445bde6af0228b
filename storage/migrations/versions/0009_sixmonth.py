"""The six-month question: an index of the closed cases not yet asked

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06 13:00:00

The scheduler's tick reads only the candidates (closed, never asked) through a partial
index, not every closed case. Cases closed long before this are not asked: the tick marks
them asked the first time it runs (storage.sixmonths.give_up_late).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

WHERE = "status = 'closed' AND six_month_asked_at IS NULL"


def upgrade() -> None:
    op.create_index(
        "ix_cases_six_month",
        "cases",
        ["closed_at"],
        sqlite_where=sa.text(WHERE),
        postgresql_where=sa.text(WHERE),
    )


def downgrade() -> None:
    op.drop_index("ix_cases_six_month", table_name="cases")
