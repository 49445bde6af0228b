"""Reminders of booked group sessions, and a booking's "te laat"

Revision ID: 0014_offer_reminders
Revises: 0013_offers
Create Date: 2027-01-21 10:00:00

One row per booking, planned start and offset: the tick claims due ones exactly once.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from storage.types import UTCDateTime

revision = "0014_offer_reminders"
down_revision = "0013_offers"
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    with op.batch_alter_table("bookings", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("late", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    op.create_table(
        "offer_reminders",
        sa.Column("id", Id, nullable=False),
        sa.Column("booking_id", Id, nullable=False),
        sa.Column("starts_at", UTCDateTime(), nullable=False),
        sa.Column("offset_minutes", sa.Integer(), nullable=False),
        sa.Column("due_at", UTCDateTime(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("sent_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["booking_id"],
            ["bookings.id"],
            name="fk_offer_reminders_booking_id_bookings",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_offer_reminders"),
        sa.UniqueConstraint(
            "booking_id", "starts_at", "offset_minutes", name="uq_offer_reminders_booking_id"
        ),
    )
    op.create_index("ix_offer_reminders_due", "offer_reminders", ["status", "due_at"])


def downgrade() -> None:
    op.drop_table("offer_reminders")
    with op.batch_alter_table("bookings", schema=None) as batch_op:
        batch_op.drop_column("late")
