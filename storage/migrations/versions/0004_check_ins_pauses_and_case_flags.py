"""check-ins, pauses and case flags

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22 23:27:32.760618
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "checkins",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("youth_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("case_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("due_at", sa.DateTime(), nullable=False),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.Column("answered_at", sa.DateTime(), nullable=True),
        sa.Column("score", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("reason", sa.String(length=16), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_checkins_case_id_cases"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["youth_id"],
            ["youths.id"],
            name=op.f("fk_checkins_youth_id_youths"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_checkins")),
    )
    with op.batch_alter_table("checkins", schema=None) as batch_op:
        batch_op.create_index("ix_checkins_due", ["status", "due_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_checkins_youth_id"), ["youth_id"], unique=False)
        batch_op.create_index(
            "uq_checkins_planned",
            ["youth_id"],
            unique=True,
            sqlite_where=sa.text("status = 'planned'"),
            postgresql_where=sa.text("status = 'planned'"),
        )

    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.add_column(sa.Column("flag", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("flagged_at", sa.DateTime(), nullable=True))

    with op.batch_alter_table("youths", schema=None) as batch_op:
        batch_op.add_column(sa.Column("checkin_rhythm", sa.String(length=8), nullable=True))
        batch_op.add_column(sa.Column("paused_until", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("quiet_hours", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("last_automated_at", sa.DateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("youths", schema=None) as batch_op:
        batch_op.drop_column("last_automated_at")
        batch_op.drop_column("quiet_hours")
        batch_op.drop_column("paused_until")
        batch_op.drop_column("checkin_rhythm")

    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_column("flagged_at")
        batch_op.drop_column("flag")

    with op.batch_alter_table("checkins", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_checkins_planned",
            sqlite_where=sa.text("status = 'planned'"),
            postgresql_where=sa.text("status = 'planned'"),
        )
        batch_op.drop_index(batch_op.f("ix_checkins_youth_id"))
        batch_op.drop_index("ix_checkins_due")

    op.drop_table("checkins")
