"""Check-ins, /pauze, the safety net and a block, over Telegram through the local Bot API server."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

from sqlalchemy import select

from storage.models import Case, CheckIn, OutboxJob
from storage.models import Youth as YouthRow
from tests.botapi.server import BotApiServer
from tests.support.clock import BRUSSELS
from tests.support.inbox import add_worker, link_telegram
from tests.support.service import make_settings, serving, travel
from tests.support.telegram import Youth, complete_intake

SARA_CHAT, JAN_CHAT = 7101, 7102


def local(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=BRUSSELS).astimezone(UTC)


async def test_a_weekly_check_in_a_pause_a_crisis_and_a_block(
    db_url: str, bot_api: BotApiServer, tmp_path: Path
) -> None:
    async with serving(make_settings(db_url, tmp_path, bot_api)) as service:
        sara = await add_worker(service.db, "Sara", role="coordinator")
        await link_telegram(service.db, sara.id, str(SARA_CHAT))
        bot_api.ensure_chat(SARA_CHAT)
        noor = Youth(bot_api, 7100)
        await complete_intake(noor)
        assert (
            "Mag ik af en toe vragen hoe het met je gaat?"
            in noor.api.bot_messages(7100)[-1]["text"]
        )
        await noor.taps("Elke week", "Top! Ik vraag je elke week eens hoe het gaat.")

        # Eight days later, in the evening she chose: the check-in with its five faces.
        registered = datetime.now(UTC)
        day = (registered + timedelta(days=8)).astimezone(BRUSSELS).date()
        travel(service, local(day, 18))
        before = noor.seen()
        assert await service.checkins.tick() == 1
        await noor.until(before, "Hoe gaat het met je deze week?")
        check_in = noor.api.bot_messages(7100)[-1]
        faces = [b["text"] for row in check_in["reply_markup"]["inline_keyboard"] for b in row]
        assert faces == ["😞", "🙁", "😐", "🙂", "😄"]
        await noor.taps("🙂", "Wil je er iets over kwijt?")
        await noor.says("Druk, maar oké", "Bedankt. Ik geef het door aan je coach.")

        # /pauze with nonsense gets the buttons; then two weeks of quiet.
        await noor.says("/pauze morgen", "Hoe lang wil je pauze?")
        await noor.taps("2 weken", "Oké, pauze tot")
        await bot_api.wait_until(
            lambda: any("nam pauze tot" in t for t in bot_api.sent_texts(SARA_CHAT)), timeout=20
        )

        # A crisis message: the help line in the first reply; the case urgent; Sara told.
        reply = await noor.says("ik wil niet meer leven", "1813")
        assert "1813" in reply.split("\n\n")[0]
        await bot_api.wait_until(
            lambda: any(t.startswith("Dringend: Noor") for t in bot_api.sent_texts(SARA_CHAT)),
            timeout=30,
        )
        async with service.db.transaction() as session:
            case = (await session.execute(select(Case))).scalar_one()
            assert case.urgent
            answered = (
                await session.execute(select(CheckIn).where(CheckIn.score.is_not(None)))
            ).scalar_one()
            assert (answered.score, answered.note) == (4, "Druk, maar oké")

        # Noor blocks the bot: unreachable, and no check-in is even tried after the pause.
        bot_api.user_blocks_bot(7100)

        async def unreachable() -> bool:
            async with service.db.transaction() as session:
                return (await session.execute(select(YouthRow))).scalar_one().unreachable

        await bot_api.wait_until(unreachable, timeout=30)
        travel(service, local(day + timedelta(days=21), 18))
        assert await service.checkins.tick() == 0
        async with service.db.transaction() as session:
            pending = (
                await session.execute(select(OutboxJob).where(OutboxJob.status == "pending"))
            ).scalars()
            assert not [j for j in pending if j.youth_id is not None]
