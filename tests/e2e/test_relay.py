"""Youth ↔ worker over Telegram: the worker's reply arrives signed; the bot then stays quiet."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from storage import casework
from tests.botapi.server import BotApiServer
from tests.support.inbox import add_worker
from tests.support.service import make_settings, serving, travel
from tests.support.telegram import Youth, complete_intake

TUESDAY_NOON = datetime(2026, 11, 24, 11, 0, tzinfo=UTC)  # 12u in Brussels: the team is at work
SATURDAY = datetime(2026, 11, 28, 11, 0, tzinfo=UTC)


async def test_a_worker_answers_and_the_youths_reply_reaches_the_inbox(
    db_url: str, bot_api: BotApiServer, tmp_path: Path
) -> None:
    async with serving(make_settings(db_url, tmp_path, bot_api)) as service:
        youth = Youth(bot_api, 9001)
        await complete_intake(youth)
        sara = await add_worker(service.db, "Sara")
        queue = await service.inbox.queue(sara)
        (waiting,) = queue.waiting
        assert waiting.case.name == "Noor" and waiting.case.channel == "telegram"
        await service.inbox.claim(sara, waiting.case.id)
        before = youth.seen()
        await service.inbox.reply(sara, waiting.case.id, "Hoi Noor! Past dinsdag om 14u?")
        await youth.until(before, "Sara schrijft:\nHoi Noor! Past dinsdag om 14u?")

        travel(service, TUESDAY_NOON)
        before = youth.seen()
        bot_api.user_sends_text(9001, "Ja, dat past!")

        async def arrived() -> bool:
            items = await service.inbox.timeline_after(sara, waiting.case.id, None)
            return any(i.text == "Ja, dat past!" and i.author == "youth" for i in items)

        await bot_api.wait_until(arrived, timeout=30)
        await service.dispatcher.idle()
        assert youth.seen() == before  # the bot does not answer for Sara
        items = await service.inbox.timeline_after(sara, waiting.case.id, None)
        (answer,) = [i for i in items if i.text == "Ja, dat past!"]
        assert not [i for i in items if i.author == "bot" and i.id > answer.id], items

        # On Saturday the youth hears, once, when Sara reads it.
        travel(service, SATURDAY)
        await youth.says("Nog een vraag", "Sara leest dit maandag 30 november om 9u.")
        async with service.db.transaction() as session:
            case = await casework.case_in(session, "wam", waiting.case.id)
            assert case is not None and case.unread >= 1


async def test_no_away_note_right_after_the_worker_wrote_outside_working_hours(
    db_url: str, bot_api: BotApiServer, tmp_path: Path
) -> None:
    """Sara answers on a Saturday morning; Noor answers back at once. "Sara leest dit
    maandag" would be untrue: she is right there. Hours later it is true again."""
    async with serving(make_settings(db_url, tmp_path, bot_api)) as service:
        youth = Youth(bot_api, 9002)
        await complete_intake(youth)
        sara = await add_worker(service.db, "Sara")
        (waiting,) = (await service.inbox.queue(sara)).waiting
        await service.inbox.claim(sara, waiting.case.id)
        travel(service, SATURDAY)
        before = youth.seen()
        await service.inbox.reply(sara, waiting.case.id, "Hoi Noor, ik zag je bericht al.")
        await youth.until(before, "Sara schrijft:\nHoi Noor, ik zag je bericht al.")

        travel(service, SATURDAY + timedelta(minutes=10))
        before = youth.seen()
        bot_api.user_sends_text(9002, "Oh fijn, dank je!")

        async def arrived() -> bool:
            items = await service.inbox.timeline_after(sara, waiting.case.id, None)
            return any(i.text == "Oh fijn, dank je!" for i in items)

        await bot_api.wait_until(arrived, timeout=30)
        await service.dispatcher.idle()
        items = await service.inbox.timeline_after(sara, waiting.case.id, None)
        assert not [i for i in items if "leest dit" in i.text], items
        assert youth.seen() == before  # no "Sara leest dit maandag": she just wrote

        travel(service, SATURDAY + timedelta(hours=3))
        await youth.says("Nog iets", "Sara leest dit maandag 30 november om 9u.")
