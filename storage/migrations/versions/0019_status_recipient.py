"""WhatsApp: an early status remembers whose number it was for, so erasure removes it

Revision ID: 0019_status_recipient
Revises: 0018_offer_for_whom
Create Date: 2027-02-10 10:00:00

A status Meta sends for a message we do not know (yet) waits in channel_statuses; a wamid
holds the youth's number. With the recipient stored, /vergeetmij deletes them with the rest.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0019_status_recipient"
down_revision = "0018_offer_for_whom"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("channel_statuses") as batch:
        batch.add_column(sa.Column("recipient", sa.String(32), nullable=False, server_default=""))
        batch.create_index("ix_channel_statuses_recipient", ["recipient"])


def downgrade() -> None:
    with op.batch_alter_table("channel_statuses") as batch:
        batch.drop_index("ix_channel_statuses_recipient")
        batch.drop_column("recipient")
