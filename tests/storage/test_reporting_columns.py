"""What the report counts is recorded as it happens, and filled in for history by migration 0008."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, select, text

from storage import casework, followup, registrations, workers, youths
from storage.db import MIGRATIONS, Database
from storage.models import CaseNeed, CaseSignal

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
ANSWERS = {"name": "Noor", "age": 19, "municipality": "Wetteren", "referral": "vdab",
           "needs": ["work", "money", "work"]}  # fmt: skip


def upgrade_to(revision: str) -> Callable[[Connection], None]:
    def run(conn: Connection) -> None:
        cfg = Config()
        cfg.set_main_option("script_location", str(MIGRATIONS))
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)

    return run


async def test_a_new_case_copies_what_the_report_groups_by(db: Database) -> None:
    async with db.transaction() as session:
        youth = await youths.get_or_create(session, "web", "noor", "nl", T0)
        case = await registrations.open_case(session, youth, "wam", ANSWERS, T0)
        needs = await session.execute(select(CaseNeed.need).where(CaseNeed.case_id == case.id))
        assert (case.municipality, case.referral, case.age) == ("Wetteren", "vdab", 19)
        assert sorted(needs.scalars()) == ["money", "work"]


async def test_signals_are_followed_up_by_clearing_or_by_writing_to_the_youth(
    db: Database,
) -> None:
    async with db.transaction() as session:
        youth = await youths.get_or_create(session, "web", "noor", "nl", T0)
        case = await registrations.open_case(session, youth, "wam", ANSWERS, T0)
        sara = await workers.add(
            session, partnership_id="wam", username="sara", first_name="Sara",
            full_name="Sara P", password_hash="x", role="worker", now=T0,
        )  # fmt: skip
        await casework.set_urgent(session, case, True, None, T0 + timedelta(hours=1))
        await casework.set_flag(session, case, "uit_beeld", None, T0 + timedelta(hours=2))
        await casework.set_urgent(session, case, False, sara, T0 + timedelta(hours=3))
        await followup.worker_answered(session, case, T0 + timedelta(hours=5))
        await followup.worker_answered(session, case, T0 + timedelta(hours=9))
        await session.flush()
        rows = (await session.execute(select(CaseSignal).order_by(CaseSignal.id))).scalars()
        got = [(s.kind, s.raised_at - T0, s.followed_up_at - T0) for s in rows if s.followed_up_at]
        assert got == [
            ("urgent", timedelta(hours=1), timedelta(hours=3)),
            ("uit_beeld", timedelta(hours=2), timedelta(hours=5)),
        ]
        assert case.first_response_at == T0 + timedelta(hours=5)  # the first time only


async def test_the_migration_fills_in_history_from_answers_messages_and_events(
    db_url: str,
) -> None:
    db = Database(db_url)
    try:
        async with db.engine.begin() as conn:
            await conn.run_sync(upgrade_to("0007"))
            naive = T0.replace(tzinfo=None)
            json = (
                '\'{"name": "Noor", "age": 19, "municipality": "Wetteren", '
                '"referral": "vdab", "needs": ["work", "money"]}\''
            )
            await conn.execute(
                text(
                    "INSERT INTO youths (id, channel, channel_user_id, lang, state, stopped, "
                    "unreachable, reminders, created_at, updated_at) VALUES "
                    "(1, 'web', 'n', 'nl', '{}', false, false, true, :t, :t)"
                ),
                {"t": naive},
            )
            await conn.execute(
                text(
                    "INSERT INTO cases (id, youth_id, partnership_id, status, answers, urgent, "
                    f"unread, created_at, updated_at) VALUES (1, 1, 'wam', 'active', {json}, "
                    "false, 0, :t, :t)"
                ),
                {"t": naive},
            )
            for i, (kind, data, hours) in enumerate(
                [("urgent", '{"urgent": true}', 1), ("flag", '{"flag": "uit_beeld"}', 2),
                 ("urgent", '{"urgent": false}', 4), ("flag", '{"cleared": "uit_beeld"}', 6)]
            ):  # fmt: skip
                await conn.execute(
                    text(
                        "INSERT INTO case_events (id, case_id, kind, data, created_at) "
                        f"VALUES ({i + 1}, 1, '{kind}', '{data}', :t)"
                    ),
                    {"t": naive + timedelta(hours=hours)},
                )
            await conn.execute(
                text(
                    "INSERT INTO messages (youth_id, direction, author, text, delivery, "
                    "created_at) VALUES (1, 'out', 'worker', 'Hoi', 'sent', :t)"
                ),
                {"t": naive + timedelta(hours=3)},
            )
            await conn.run_sync(upgrade_to("head"))
        async with db.transaction() as session:
            row = (
                await session.execute(
                    text("SELECT municipality, referral, age, first_response_at FROM cases")
                )
            ).one()
            assert tuple(row[:3]) == ("Wetteren", "vdab", 19)
            assert str(row[3]).startswith("2026-03-02 12:00")
            needs = await session.execute(select(CaseNeed.need).order_by(CaseNeed.need))
            assert list(needs.scalars()) == ["money", "work"]
            signals = (await session.execute(select(CaseSignal).order_by(CaseSignal.id))).scalars()
            got = {
                (s.kind, s.raised_at - T0, s.followed_up_at - T0)
                for s in signals
                if s.followed_up_at
            }
            assert got == {
                ("urgent", timedelta(hours=1), timedelta(hours=4)),
                ("uit_beeld", timedelta(hours=2), timedelta(hours=6)),
            }
    finally:
        await db.dispose()
