"""Appointments over Telegram: one tap to confirm or move; reminders survive SIGKILL, never doubled."""

from __future__ import annotations

import signal
from dataclasses import replace
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import select

from core.bus import Bus
from core.i18n import Translator
from inbox.appointments import Appointments
from inbox.service import Inbox
from storage import appointments, casework, models
from storage.db import Database
from storage.models import Appointment, OutboxJob, Reminder
from tests.botapi.server import BotApiServer
from tests.support.dialog import directory
from tests.support.inbox import add_case, add_worker
from tests.support.process import instap
from tests.support.service import make_settings, serving
from tests.support.telegram import Youth, complete_intake

BRUSSELS = ZoneInfo("Europe/Brussels")


async def appointment_state(db: Database, ident: int) -> tuple[str, bool, dict[str, object]]:
    async with db.transaction() as session:
        found = await session.get(Appointment, ident)
        assert found is not None
        return found.state, found.late, dict(found.wish)


async def test_the_youth_confirms_or_asks_to_move_with_one_tap(
    db_url: str, bot_api: BotApiServer, tmp_path: Path
) -> None:
    async with serving(make_settings(db_url, tmp_path, bot_api)) as service:
        youth = Youth(bot_api, 9501)
        await complete_intake(youth)
        sara = await add_worker(service.db, "Sara")
        (waiting,) = (await service.inbox.queue(sara)).waiting
        case_id = waiting.case.id
        await service.inbox.claim(sara, case_id)
        plans = Appointments(service.inbox)
        next_week = (datetime.now(BRUSSELS) + timedelta(days=7)).date()

        before = youth.seen()
        first = await plans.create(
            sara, case_id, day=next_week, at=time(14), minutes=60,
            place="Trajectgezellen WAM!", kind="gesprek", note="Breng je identiteitskaart mee.",
        )  # fmt: skip
        shown = await youth.until(before, "Past dat voor jou?")
        assert "Sara" in shown and "om 14u" in shown and "Breng je identiteitskaart mee." in shown
        await bot_api.wait_until(lambda: bool(bot_api.calls_to("sendDocument")), timeout=30)
        document = bot_api.bot_messages(9501)[-1]
        assert document["document"]["file_name"].endswith(".ics")
        assert document.get("caption") == "📅 Zet de afspraak in je agenda."
        await youth.taps("Oké, ik kom", "tot dan")
        assert (await appointment_state(service.db, first))[0] == "confirmed"

        second = await plans.create(
            sara, case_id, day=next_week, at=time(10, 30), minutes=30, place="VDAB Maasmechelen",
            kind="vdab",
        )  # fmt: skip
        await youth.until(youth.seen(), "om 10u30")
        await youth.taps("Dat past niet", "Wanneer past het je beter?")
        await youth.taps("Namiddag (12u–17u)", "Wil je zeggen waarom?")
        await youth.says("Ik moet 's ochtends naar de dokter.", "zoekt een nieuw moment")
        state, _, wish = await appointment_state(service.db, second)
        assert state == "wants_change"
        assert wish == {"dayparts": ["afternoon"], "reason": "Ik moet 's ochtends naar de dokter."}
        async with service.db.transaction() as session:
            case = await casework.case_in(session, "wam", case_id)
            assert case is not None and case.unread >= 1  # the worker sees the wish

        # A press on a cancelled appointment tells the youth what changed.
        await plans.cancel(sara, first)
        await youth.until(youth.seen(), "gaat niet door")
        first_message = next(
            m for m in bot_api.bot_messages(9501) if "Trajectgezellen WAM!" in str(m.get("text"))
        )
        before = youth.seen()
        bot_api.user_presses(9501, f"appt:ok:{first}:1", message_id=first_message["message_id"])
        await youth.until(before, "Die afspraak gaat niet meer door.")
        listed = await youth.says("/afspraken", "Je volgende afspraken:")
        assert "VDAB Maasmechelen" in listed and "Trajectgezellen WAM!" not in listed
        await bot_api.wait_until(lambda: not bot_api.unanswered_callback_ids(), timeout=30)


async def plan_overdue_reminders(
    db: Database, bot_api: BotApiServer, count: int, first: int = 0, worker: str = "Sara"
) -> None:
    """Appointments in 40 minutes, each with one reminder that is overdue (as after downtime)."""
    d = directory()
    d = replace(d, partnerships=tuple(
        replace(p, reminders_minutes_before=()) if p.id == "wam" else p for p in d.partnerships
    ))  # fmt: skip
    plans = Appointments(Inbox(db, d, Translator(), Bus(), lambda: None))
    sara = await add_worker(db, worker)
    start = (datetime.now(BRUSSELS) + timedelta(minutes=40)).replace(second=0, microsecond=0)
    overdue = datetime.now(UTC) - timedelta(minutes=1)
    for i in range(first, first + count):
        chat_id = 9600 + i
        bot_api.ensure_chat(chat_id)
        case_id = await add_case(db, chat=str(chat_id))
        ident = await plans.create(
            sara, case_id, day=start.date(), at=start.time(), minutes=30, place="K", kind="gesprek"
        )
        async with db.transaction() as session:
            found = await session.get(Appointment, ident)
            assert found is not None
            await appointments.plan_reminders(session, found, [(60, overdue)])
            youth = await session.get(models.Youth, found.youth_id)
            assert youth is not None
            youth.quiet_hours = "00:00-00:00"  # none: this test runs at any hour of the day


async def reminder_statuses(db_url: str) -> list[str]:
    db = Database(db_url)
    try:
        async with db.transaction() as session:
            return list((await session.execute(select(Reminder.status))).scalars())
    finally:
        await db.dispose()


async def all_sent(db_url: str) -> bool:
    db = Database(db_url)
    try:
        async with db.transaction() as session:
            statuses = set((await session.execute(select(OutboxJob.status))).scalars())
        return statuses == {"sent"}
    finally:
        await db.dispose()


def reminders_seen(bot_api: BotApiServer, count: int) -> list[int]:
    return [sum("herinnering" in t for t in bot_api.sent_texts(9600 + i)) for i in range(count)]


async def test_sigkill_after_claim_and_after_send_delivers_every_reminder_once(
    db: Database, db_url: str, bot_api: BotApiServer, tmp_path: Path
) -> None:
    count = 20
    await plan_overdue_reminders(db, bot_api, count)
    await db.dispose()

    # 1. An instance that only ticks: it claims the reminders (they become outbox messages
    #    in the same transaction) and is killed before anything is sent.
    assert await reminder_statuses(db_url) == ["pending"] * count
    with instap(db_url, bot_api, tmp_path, "web,schedule") as ticker:

        async def claimed() -> bool:
            return await reminder_statuses(db_url) == ["sent"] * count

        await bot_api.wait_until(claimed, timeout=60)
        ticker.send_signal(signal.SIGKILL)
        ticker.wait(timeout=30)
    assert reminders_seen(bot_api, count) == [0] * count

    # 2. A full instance delivers them; it is killed right after they were sent (and recorded).
    with instap(db_url, bot_api, tmp_path, "web,receive,process,send,schedule") as full:
        await bot_api.wait_until(lambda: reminders_seen(bot_api, count) == [1] * count, timeout=60)
        await bot_api.wait_until(lambda: all_sent(db_url), timeout=30)
        full.send_signal(signal.SIGKILL)
        full.wait(timeout=30)

    # 3. After a restart and a full tick, nothing goes out twice. One more overdue reminder
    #    (for a youth after the others) shows when a full tick and its delivery happened.
    later = Database(db_url)
    await plan_overdue_reminders(later, bot_api, 1, first=count, worker="Jan")
    await later.dispose()
    with instap(db_url, bot_api, tmp_path, "web,receive,process,send,schedule"):
        await bot_api.wait_until(lambda: reminders_seen(bot_api, count + 1)[-1] == 1, timeout=60)
        await bot_api.wait_until(lambda: all_sent(db_url), timeout=30)
    assert reminders_seen(bot_api, count) == [1] * count
