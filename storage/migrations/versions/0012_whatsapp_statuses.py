"""WhatsApp: statuses of our messages (delivered, read) and the longer wamid as a message ref

Revision ID: 0012_whatsapp
Revises: 0011_entry
Create Date: 2027-01-10 10:00:00

A WhatsApp message id (wamid) is longer than Telegram's: the column grows to 128 and gets an
index, since every status webhook looks a message up by it. A status that arrives before
the sender stored the wamid waits in channel_statuses until it does.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from storage.types import UTCDateTime

revision = "0012_whatsapp"
down_revision = "0011_entry"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("messages") as batch:
        batch.alter_column("channel_message_id", type_=sa.String(128), existing_type=sa.String(64))
        batch.create_index("ix_messages_channel_message_id", ["channel_message_id"])
    op.create_table(
        "channel_statuses",
        sa.Column("ref", sa.String(128), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("unreachable", sa.Boolean(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("ref", name="pk_channel_statuses"),
    )


def downgrade() -> None:
    op.drop_table("channel_statuses")
    with op.batch_alter_table("messages") as batch:
        batch.drop_index("ix_messages_channel_message_id")
        batch.alter_column("channel_message_id", type_=sa.String(64), existing_type=sa.String(128))
