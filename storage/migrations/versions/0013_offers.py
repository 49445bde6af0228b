"""Group offers: offers, their sessions (a weekly series is one row a week) and bookings

Revision ID: 0013_offers
Revises: 0012_whatsapp
Create Date: 2027-01-20 10:00:00

A booking is one row per youth and session (unique), a seat or a waiting-list place; the
waiting list is read in tap order (created_at).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from storage.types import UTCDateTime

revision = "0013_offers"
down_revision = "0012_whatsapp"
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "offers",
        sa.Column("id", Id, nullable=False),
        sa.Column("partnership_id", sa.String(64), nullable=False),
        sa.Column("title", sa.String(120), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("place", sa.String(120), nullable=False),
        sa.Column("address", sa.String(300), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("leader_id", Id, nullable=False),
        sa.Column("open", sa.Boolean(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["leader_id"], ["workers.id"], name="fk_offers_leader_id_workers"),
        sa.PrimaryKeyConstraint("id", name="pk_offers"),
    )
    op.create_index("ix_offers_partnership_id", "offers", ["partnership_id"])
    op.create_index("ix_offers_leader_id", "offers", ["leader_id"])
    op.create_table(
        "offer_sessions",
        sa.Column("id", Id, nullable=False),
        sa.Column("offer_id", Id, nullable=False),
        sa.Column("starts_at", UTCDateTime(), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.Column("cancelled", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["offer_id"],
            ["offers.id"],
            name="fk_offer_sessions_offer_id_offers",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_offer_sessions"),
    )
    op.create_index("ix_offer_sessions_offer_id", "offer_sessions", ["offer_id"])
    op.create_index("ix_offer_sessions_starts_at", "offer_sessions", ["starts_at"])
    op.create_table(
        "bookings",
        sa.Column("id", Id, nullable=False),
        sa.Column("session_id", Id, nullable=False),
        sa.Column("youth_id", Id, nullable=False),
        sa.Column("state", sa.String(12), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["offer_sessions.id"],
            name="fk_bookings_session_id_offer_sessions",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["youth_id"], ["youths.id"], name="fk_bookings_youth_id_youths", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_bookings"),
        sa.UniqueConstraint("session_id", "youth_id", name="uq_bookings_session_id"),
    )
    op.create_index("ix_bookings_youth_id", "bookings", ["youth_id"])
    op.create_index("ix_bookings_queue", "bookings", ["session_id", "state", "created_at"])


def downgrade() -> None:
    op.drop_table("bookings")
    op.drop_table("offer_sessions")
    op.drop_table("offers")
