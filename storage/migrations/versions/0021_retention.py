"""Retention by index: overdue youths found in SQL without reading the erased history

Revision ID: 0021_retention
Revises: 0020_message_search
Create Date: 2027-03-01 10:00:00

The nightly retention job reads unfinished intakes by their last update and closed cases by
partnership and closing date; the erasure tick reads only the youths who asked. Partial
indexes: erased stubs and tombstones, which only grow, are in none of them.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0021_retention"
down_revision = "0020_message_search"
branch_labels = None
depends_on = None

NOT_ERASED = sa.text("channel != 'erased'")
CLOSED = sa.text("status = 'closed' AND coalesce(outcome, '') != 'erased'")
ASKED = sa.text("erase_requested_at IS NOT NULL")


def upgrade() -> None:
    op.create_index("ix_youths_retention", "youths", ["updated_at"],
                    sqlite_where=NOT_ERASED, postgresql_where=NOT_ERASED)  # fmt: skip
    op.create_index("ix_cases_retention", "cases", ["partnership_id", "closed_at"],
                    sqlite_where=CLOSED, postgresql_where=CLOSED)  # fmt: skip
    op.create_index("ix_youths_erase_requested", "youths", ["erase_requested_at"],
                    sqlite_where=ASKED, postgresql_where=ASKED)  # fmt: skip


def downgrade() -> None:
    op.drop_index("ix_youths_erase_requested", "youths")
    op.drop_index("ix_cases_retention", "cases")
    op.drop_index("ix_youths_retention", "youths")
