"""Group offers: "voor wie" (needs, municipalities, age) and walk-ins named if they agree

Revision ID: 0018_offer_for_whom
Revises: 0017_offer_invitations
Create Date: 2027-02-09 10:00:00

An offer without criteria is for everyone (as before); `open` already says whether /aanbod
lists it. `walk_in_names` keeps the first names of walk-ins who agreed; the count stays
`walk_ins`.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from storage.types import JSONType

revision = "0018_offer_for_whom"
down_revision = "0017_offer_invitations"
branch_labels = None
depends_on = None

EMPTY = sa.text("'[]'")


def upgrade() -> None:
    with op.batch_alter_table("offers") as batch:
        batch.add_column(sa.Column("for_needs", JSONType, nullable=False, server_default=EMPTY))
        batch.add_column(
            sa.Column("for_municipalities", JSONType, nullable=False, server_default=EMPTY)
        )
        batch.add_column(sa.Column("age_min", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("age_max", sa.Integer(), nullable=True))
    with op.batch_alter_table("offer_sessions") as batch:
        batch.add_column(sa.Column("walk_in_names", JSONType, nullable=False, server_default=EMPTY))


def downgrade() -> None:
    with op.batch_alter_table("offer_sessions") as batch:
        batch.drop_column("walk_in_names")
    with op.batch_alter_table("offers") as batch:
        for name in ("age_max", "age_min", "for_municipalities", "for_needs"):
            batch.drop_column(name)
