"""Entry points: the poster or card a youth came through, on the case

Revision ID: 0011_entry
Revises: 0010
Create Date: 2026-12-08 10:00:00

Set once at registration from the key in the link (web chat ?via=, Telegram /start, the
WhatsApp first message); the report counts the registrations of a period per entry point
through the index alone.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011_entry"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("cases") as batch_op:
        batch_op.add_column(sa.Column("entry_point", sa.String(length=40), nullable=True))
    op.create_index(
        "ix_cases_report_entry", "cases", ["partnership_id", "created_at", "entry_point"]
    )


def downgrade() -> None:
    op.drop_index("ix_cases_report_entry", table_name="cases")
    with op.batch_alter_table("cases") as batch_op:
        batch_op.drop_column("entry_point")
