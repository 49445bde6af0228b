"""Group offers: attendance per booking and the walk-ins of a session

Revision ID: 0015_offer_attendance
Revises: 0014_offer_reminders
Create Date: 2027-01-27 10:00:00

`bookings.attended` is NULL until the leader saves the list, then true or false; the youths
who came without a chat are only counted (`offer_sessions.walk_ins`).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015_offer_attendance"
down_revision = "0014_offer_reminders"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("bookings") as batch:
        batch.add_column(sa.Column("attended", sa.Boolean(), nullable=True))
    with op.batch_alter_table("offer_sessions") as batch:
        batch.add_column(
            sa.Column("walk_ins", sa.Integer(), nullable=False, server_default=sa.text("0"))
        )


def downgrade() -> None:
    with op.batch_alter_table("offer_sessions") as batch:
        batch.drop_column("walk_ins")
    with op.batch_alter_table("bookings") as batch:
        batch.drop_column("attended")
