"""data rights and login hardening

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23 00:13:11.508240
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("workers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("totp_secret", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("locked_until", sa.DateTime(), nullable=True))

    with op.batch_alter_table("youths", schema=None) as batch_op:
        batch_op.add_column(sa.Column("erase_requested_at", sa.DateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("youths", schema=None) as batch_op:
        batch_op.drop_column("erase_requested_at")

    with op.batch_alter_table("workers", schema=None) as batch_op:
        batch_op.drop_column("locked_until")
        batch_op.drop_column("totp_secret")
