"""Telegram: a button on an older message does the right thing, typing works like tapping,
and a tick keeps the text above the question."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from inbox.appointments import Appointments
from storage.models import Appointment
from tests.botapi.server import BotApiServer
from tests.support.inbox import add_worker
from tests.support.service import make_settings, serving
from tests.support.telegram import Youth, complete_intake

BRUSSELS = ZoneInfo("Europe/Brussels")
CHAT = 9811


def message_with(bot_api: BotApiServer, text: str, nth: int = 0) -> dict[str, object]:
    found = [m for m in bot_api.bot_messages(CHAT) if text in str(m.get("text", ""))]
    return found[nth]


async def test_old_appointment_buttons_on_telegram(
    db_url: str, bot_api: BotApiServer, tmp_path: Path
) -> None:
    async with serving(make_settings(db_url, tmp_path, bot_api)) as service:
        youth = Youth(bot_api, CHAT)
        await complete_intake(youth)
        # Ticking "Werk" edited the question's buttons; the answer above it is still there.
        needs = message_with(bot_api, "Waarmee wil je hulp?")
        assert "Top! In Maasmechelen helpt WAM! je verder." in str(needs["text"])

        sara = await add_worker(service.db, "Sara")
        (waiting,) = (await service.inbox.queue(sara)).waiting
        await service.inbox.claim(sara, waiting.case.id)
        plans = Appointments(service.inbox)
        next_week = (datetime.now(BRUSSELS) + timedelta(days=7)).date()
        ident = await plans.create(
            sara, waiting.case.id, day=next_week, at=time(14), minutes=60,
            place="Trajectgezellen WAM!", kind="gesprek",
        )  # fmt: skip
        await youth.until(youth.seen(), "Past dat voor jou?")
        await bot_api.wait_until(lambda: bool(bot_api.calls_to("sendDocument")), timeout=30)
        # Newer messages arrive after the proposal: the .ics file, the list of appointments.
        await youth.says("/afspraken", "Je volgende afspraken:")

        # Sara moves it; the youth taps "Oké, ik kom" on the OLD proposal first.
        await plans.move(sara, ident, day=next_week, at=time(16, 30))
        await youth.until(youth.seen(), "is verzet")
        old = message_with(bot_api, "plant een afspraak met je")
        before = youth.seen()
        bot_api.user_taps(CHAT, "Oké, ik kom", message_id=int(str(old["message_id"])))
        shown = await youth.until(before, "Die afspraak is intussen verzet.")
        assert "om 16u30" in shown
        async with service.db.transaction() as session:
            found = await session.get(Appointment, ident)
            assert found is not None and found.state == "proposed"  # nothing confirmed

        # The moved one's button (not the newest message any more) confirms it.
        moved = message_with(bot_api, "is verzet")
        await bot_api.wait_until(lambda: len(bot_api.calls_to("sendDocument")) >= 2, timeout=30)
        assert bot_api.bot_messages(CHAT)[-1]["message_id"] != moved["message_id"]
        before = youth.seen()
        bot_api.user_taps(CHAT, "Oké, ik kom", message_id=int(str(moved["message_id"])))
        await youth.until(before, "Top, tot dan!")
        async with service.db.transaction() as session:
            found = await session.get(Appointment, ident)
            assert found is not None and found.state == "confirmed"

        # Typing instead of tapping works on Telegram too.
        await plans.create(
            sara, waiting.case.id, day=next_week, at=time(10, 30), minutes=30,
            place="VDAB Maasmechelen", kind="vdab",
        )  # fmt: skip
        await youth.until(youth.seen(), "om 10u30")
        await youth.says("past niet", "Wanneer past het je beter?")
        await bot_api.wait_until(lambda: not bot_api.unanswered_callback_ids(), timeout=30)
