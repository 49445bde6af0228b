"""One flood budget per bot across instances: the next free slot per scope (storage/flood.py)

Revision ID: 0027_flood
Revises: 0026_heartbeat
Create Date: 2026-12-07 03:00:00

Three instances on PostgreSQL each kept their own 30/s budget and sent up to 55 messages a
second together; this row per bot and per chat is the budget they now share.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0027_flood"
down_revision = "0026_heartbeat"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "flood_slots",
        sa.Column("scope", sa.String(length=120), nullable=False),
        sa.Column("tat", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("scope", name=op.f("pk_flood_slots")),
    )


def downgrade() -> None:
    op.drop_table("flood_slots")
