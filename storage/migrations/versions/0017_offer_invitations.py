"""Group offers: a worker's invitations (once per youth and session) and "we hebben je gemist"

Revision ID: 0017_offer_invitations
Revises: 0016_offer_report
Create Date: 2027-02-02 10:00:00

`offer_invitations` holds one row per youth and session, so a second "Verstuur" sends
nothing twice; `offer_missed` one row per youth and offer (a series): the gentle message
after a missed session goes once.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from storage.types import UTCDateTime

revision = "0017_offer_invitations"
down_revision = "0016_offer_report"
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def youth_column() -> sa.Column[int]:
    return sa.Column("youth_id", Id, nullable=False)


def upgrade() -> None:
    op.create_table(
        "offer_invitations",
        sa.Column("id", Id, nullable=False),
        sa.Column("session_id", Id, nullable=False),
        youth_column(),
        sa.Column("worker_id", Id, nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["offer_sessions.id"],
            name="fk_offer_invitations_session_id_offer_sessions",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["youth_id"],
            ["youths.id"],
            name="fk_offer_invitations_youth_id_youths",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["worker_id"], ["workers.id"], name="fk_offer_invitations_worker_id_workers"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_offer_invitations"),
        sa.UniqueConstraint("session_id", "youth_id", name="uq_offer_invitations_session_id"),
    )
    op.create_index("ix_offer_invitations_youth_id", "offer_invitations", ["youth_id"])
    op.create_table(
        "offer_missed",
        sa.Column("id", Id, nullable=False),
        sa.Column("offer_id", Id, nullable=False),
        youth_column(),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["offer_id"], ["offers.id"], name="fk_offer_missed_offer_id_offers", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["youth_id"], ["youths.id"], name="fk_offer_missed_youth_id_youths", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_offer_missed"),
        sa.UniqueConstraint("offer_id", "youth_id", name="uq_offer_missed_offer_id"),
    )
    op.create_index("ix_offer_missed_youth_id", "offer_missed", ["youth_id"])


def downgrade() -> None:
    op.drop_table("offer_missed")
    op.drop_table("offer_invitations")
