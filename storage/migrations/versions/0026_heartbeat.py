"""Outbox claims with a heartbeat: who holds a job, whether the channel is being called, and
a counter of possible duplicates after a crash

Revision ID: 0026_heartbeat
Revises: 0025_team_order
Create Date: 2027-03-01 10:00:00

A sender renews a short lease on its jobs in flight (claimed_by); it records that it calls the
channel (called_at) before it does, and the result right after. A job taken over while its
dead sender was calling the channel may have arrived twice: counted in `counters`.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0026_heartbeat"
down_revision = "0025_team_order"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.add_column(sa.Column("claimed_by", sa.String(64), nullable=True))
        batch.add_column(sa.Column("called_at", sa.DateTime(), nullable=True))
    op.create_table(
        "counters",
        sa.Column("name", sa.String(40), nullable=False),
        sa.Column("value", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_counters")),
    )


def downgrade() -> None:
    op.drop_table("counters")
    with op.batch_alter_table("outbox") as batch:
        batch.drop_column("called_at")
        batch.drop_column("claimed_by")
