"""Group offers in the report: the sessions of an offer by start, and who was there

Revision ID: 0016_offer_report
Revises: 0015_offer_attendance
Create Date: 2027-01-28 10:00:00

The report reads an offer's sessions in the period (offer_id, starts_at) and a session's
attendance (session_id, attended, youth_id) from these indexes alone.
"""

from __future__ import annotations

from alembic import op

revision = "0016_offer_report"
down_revision = "0015_offer_attendance"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_offer_sessions_offer_starts", "offer_sessions", ["offer_id", "starts_at"])
    op.create_index("ix_bookings_attended", "bookings", ["session_id", "attended", "youth_id"])


def downgrade() -> None:
    op.drop_index("ix_bookings_attended", table_name="bookings")
    op.drop_index("ix_offer_sessions_offer_starts", table_name="offer_sessions")
