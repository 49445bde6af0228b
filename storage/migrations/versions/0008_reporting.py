"""Reporting: case profile, six-month result, needs, signals and first response

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06 12:30:00

The report counts in SQL, so what it groups by is copied out of the intake answers
(municipality, referral, age, needs), and a case's first worker message and the follow-up of
its "dringend" / "uit beeld" signals are filled in from the history already stored.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
PROFILE_FIELDS = (
    ("gender", 16), ("labour_status", 24), ("education", 16), ("disability", 8),
    ("third_country", 8), ("foreign_background", 8), ("minority", 8), ("homeless", 8),
    ("rural", 8), ("qualification", 8),
)  # fmt: skip


def upgrade() -> None:
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.add_column(sa.Column("municipality", sa.String(length=120), nullable=True))
        batch_op.add_column(sa.Column("referral", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("age", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("first_response_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("six_month_asked_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("six_month_result", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("six_month_answered_at", sa.DateTime(), nullable=True))
        batch_op.create_index("ix_cases_report_created", ["partnership_id", "created_at"])
        batch_op.create_index("ix_cases_report_closed", ["partnership_id", "closed_at"])

    op.create_table(
        "case_needs",
        sa.Column("case_id", ID, nullable=False),
        sa.Column("need", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name="fk_case_needs_case_id_cases", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("case_id", "need", name="pk_case_needs"),
    )
    op.create_table(
        "case_profiles",
        sa.Column("case_id", ID, nullable=False),
        *(sa.Column(name, sa.String(length=size), nullable=False) for name, size in PROFILE_FIELDS),
        sa.Column("filled_by", ID, nullable=True),
        sa.Column("filled_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name="fk_case_profiles_case_id_cases", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["filled_by"], ["workers.id"], name="fk_case_profiles_filled_by_workers"
        ),
        sa.PrimaryKeyConstraint("case_id", name="pk_case_profiles"),
    )
    op.create_table(
        "case_signals",
        sa.Column("id", ID, nullable=False),
        sa.Column("case_id", ID, nullable=False),
        sa.Column("partnership_id", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("raised_at", sa.DateTime(), nullable=False),
        sa.Column("followed_up_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name="fk_case_signals_case_id_cases", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_case_signals"),
    )
    with op.batch_alter_table("case_signals", schema=None) as batch_op:
        batch_op.create_index("ix_case_signals_case_id", ["case_id"], unique=False)
        batch_op.create_index("ix_case_signals_report", ["partnership_id", "raised_at"])
    backfill()


def backfill() -> None:
    """Fill the new columns from what is stored: intake answers, worker messages, case events."""
    conn = op.get_bind()
    cases = sa.table(
        "cases",
        sa.column("id", sa.Integer()),
        sa.column("youth_id", sa.Integer()),
        sa.column("partnership_id", sa.String()),
        sa.column("answers", sa.JSON()),
        sa.column("municipality", sa.String()),
        sa.column("referral", sa.String()),
        sa.column("age", sa.Integer()),
        sa.column("created_at", sa.DateTime()),
        sa.column("first_response_at", sa.DateTime()),
    )
    needs = sa.table(
        "case_needs", sa.column("case_id", sa.Integer()), sa.column("need", sa.String())
    )
    rows = conn.execute(sa.select(cases.c.id, cases.c.answers)).all()
    for case_id, answers in rows:
        answers = answers or {}
        age = answers.get("age")
        conn.execute(
            cases.update()
            .where(cases.c.id == case_id)
            .values(
                municipality=str(answers.get("municipality") or "")[:120] or None,
                referral=str(answers.get("referral") or "")[:16] or None,
                age=age if isinstance(age, int) else None,
            )
        )
        chosen = sorted({str(n)[:16] for n in answers.get("needs") or ()})
        if chosen:
            conn.execute(needs.insert(), [{"case_id": case_id, "need": n} for n in chosen])
    messages = sa.table(
        "messages",
        sa.column("youth_id", sa.Integer()),
        sa.column("author", sa.String()),
        sa.column("created_at", sa.DateTime()),
    )
    first = (
        sa.select(sa.func.min(messages.c.created_at))
        .where(
            messages.c.youth_id == cases.c.youth_id,
            messages.c.author == "worker",
            messages.c.created_at >= cases.c.created_at,
        )
        .scalar_subquery()
    )
    conn.execute(cases.update().values(first_response_at=first))
    backfill_signals(conn, cases)


def backfill_signals(conn: sa.Connection, cases: sa.TableClause) -> None:
    events = sa.table(
        "case_events",
        sa.column("id", sa.Integer()),
        sa.column("case_id", sa.Integer()),
        sa.column("kind", sa.String()),
        sa.column("data", sa.JSON()),
        sa.column("created_at", sa.DateTime()),
    )
    signals = sa.table(
        "case_signals",
        sa.column("case_id", sa.Integer()),
        sa.column("partnership_id", sa.String()),
        sa.column("kind", sa.String()),
        sa.column("raised_at", sa.DateTime()),
        sa.column("followed_up_at", sa.DateTime()),
    )
    stmt = (
        sa.select(events.c.case_id, cases.c.partnership_id, events.c.kind, events.c.data,
                  events.c.created_at)
        .join(cases, cases.c.id == events.c.case_id)
        .where(events.c.kind.in_(("urgent", "flag")))
        .order_by(events.c.case_id, events.c.id)
    )  # fmt: skip
    open_: dict[tuple[int, str], dict[str, object]] = {}
    done: list[dict[str, object]] = []
    for case_id, partnership_id, kind, data, at in conn.execute(stmt).all():
        data = data or {}
        if kind == "urgent":
            on = bool(data.get("urgent"))
            raised, cleared = ("urgent", None) if on else (None, "urgent")
        else:
            raised, cleared = data.get("flag"), data.get("cleared")
        if cleared and (case_id, cleared) in open_:
            row = open_.pop((case_id, cleared))
            row["followed_up_at"] = at
            done.append(row)
        if raised in ("urgent", "uit_beeld", "aandacht"):
            replaced = [k for k in open_ if k[0] == case_id and "urgent" not in (raised, k[1])]
            for key in replaced:  # a new flag replaces the old one
                row = open_.pop(key)
                row["followed_up_at"] = at
                done.append(row)
            open_[(case_id, str(raised))] = {
                "case_id": case_id, "partnership_id": partnership_id, "kind": raised,
                "raised_at": at, "followed_up_at": None,
            }  # fmt: skip
    done.extend(open_.values())
    if done:
        conn.execute(signals.insert(), done)


def downgrade() -> None:
    with op.batch_alter_table("case_signals", schema=None) as batch_op:
        batch_op.drop_index("ix_case_signals_report")
        batch_op.drop_index("ix_case_signals_case_id")
    op.drop_table("case_signals")
    op.drop_table("case_profiles")
    op.drop_table("case_needs")
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_index("ix_cases_report_closed")
        batch_op.drop_index("ix_cases_report_created")
        batch_op.drop_column("six_month_answered_at")
        batch_op.drop_column("six_month_result")
        batch_op.drop_column("six_month_asked_at")
        batch_op.drop_column("first_response_at")
        batch_op.drop_column("age")
        batch_op.drop_column("referral")
        batch_op.drop_column("municipality")
