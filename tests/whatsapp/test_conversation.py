"""After the intake on WhatsApp: a worker's reply with its ticks, the youth's answer, files,
and what Meta's API throws at us (duplicates, rate limits, 5xx, a number that blocked us)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sqlalchemy import select

from core.outgoing import Button, Rows, Text, enqueue, rows_json
from inbox.pages.case import channel_label
from instap.app import Service
from storage import inbound, outbox, youths
from storage.models import Message, OutboxJob, Youth
from tests.support.inbox import add_worker
from tests.support.service import make_settings, serving, settled
from tests.support.whatsapp import VERIFY_TOKEN, WaYouth, complete_intake, with_whatsapp
from tests.waapi.server import WhatsAppApiServer

LOTTE = "32470123456"


def settings_for(db_url: str, wa_api: WhatsAppApiServer, tmp_path: Path) -> Any:
    return with_whatsapp(make_settings(db_url, tmp_path), wa_api)


async def deliveries(service: Service, text: str) -> str:
    async with service.db.transaction() as session:
        found = select(Message.delivery).where(Message.text.contains(text))
        return str((await session.execute(found)).scalar_one())


async def lotte(service: Service) -> Youth:
    async with service.db.transaction() as session:
        youth = await youths.find(session, "whatsapp", LOTTE)
        assert youth is not None
        return youth


async def test_a_workers_reply_is_delivered_and_read_and_the_answer_reaches_the_inbox(
    db_url: str, wa_api: WhatsAppApiServer, tmp_path: Path
) -> None:
    wa_api.reads = True
    async with serving(settings_for(db_url, wa_api, tmp_path)) as service:
        youth = WaYouth(wa_api, LOTTE)
        await complete_intake(youth)
        sara = await add_worker(service.db, "Sara")
        (waiting,) = (await service.inbox.queue(sara)).waiting
        assert waiting.case.channel == "whatsapp"
        assert channel_label(waiting.case) == "WhatsApp (+32 470 •• •• 56)"  # the case page
        await service.inbox.claim(sara, waiting.case.id)
        before = youth.seen()
        await service.inbox.reply(sara, waiting.case.id, "Hoi Lotte! Past dinsdag om 14u?")
        await youth.until(before, "Sara schrijft:\nHoi Lotte! Past dinsdag om 14u?")

        async def shown_as(state: str) -> bool:
            items = await service.inbox.timeline_after(sara, waiting.case.id, None)
            return any(i.text.endswith("Past dinsdag om 14u?") and i.delivery == state for i in items)  # fmt: skip

        await wa_api.wait_until(lambda: shown_as("read"), what="the reply shown as read")
        await wa_api.user_sends_text(LOTTE, "Ja, dat past!")

        async def arrived() -> bool:
            items = await service.inbox.timeline_after(sara, waiting.case.id, None)
            return any(i.text == "Ja, dat past!" and i.author == "youth" for i in items)

        await wa_api.wait_until(arrived, what="the answer in the inbox")


async def test_the_handshake_and_a_duplicate_webhook(
    db_url: str, wa_api: WhatsAppApiServer, tmp_path: Path
) -> None:
    async with serving(settings_for(db_url, wa_api, tmp_path)) as service:
        assert await wa_api.verify(VERIFY_TOKEN, "4242") == (200, "4242")
        assert (await wa_api.verify("wrong"))[0] == 403
        youth = WaYouth(wa_api, LOTTE)
        wamid = await wa_api.user_sends_text(LOTTE, "hallo")
        await youth.until(0, "Hoe mogen we je noemen?")
        # Meta delivers the same message again (it does, after a slow 200).
        again = {"id": wamid, "type": "text", "text": {"body": "hallo"}}
        await wa_api.user_sends_raw(LOTTE, again)
        await wa_api.wait_delivered()
        await settled(service)
        assert youth.seen() == 1
        async with service.db.transaction() as session:
            assert await inbound.count_by_status(session) == {"done": 1}


async def test_rate_limits_and_server_errors_are_retried(
    db_url: str, wa_api: WhatsAppApiServer, tmp_path: Path
) -> None:
    async with serving(settings_for(db_url, wa_api, tmp_path)) as service:
        youth = WaYouth(wa_api, LOTTE)
        wa_api.fail_next(status=503)
        await youth.says("hallo", "Hoe mogen we je noemen?")
        wa_api.rate_limit_next(code=131056)
        assert service.whatsapp is not None
        service.whatsapp.retry_after = 0.1  # Meta's pair limit asks for 6 seconds
        await youth.says("Lotte", "Hoe oud ben je?")
        await settled(service)
        async with service.db.transaction() as session:
            jobs = list((await session.execute(select(OutboxJob))).scalars())
        assert {j.status for j in jobs} == {"sent"}
        assert youth.seen() == 2  # each once, none lost, none doubled


async def test_a_number_that_blocked_us_becomes_unreachable(
    db_url: str, wa_api: WhatsAppApiServer, tmp_path: Path
) -> None:
    async with serving(settings_for(db_url, wa_api, tmp_path)) as service:
        youth = WaYouth(wa_api, LOTTE)
        await youth.says("hallo", "Hoe mogen we je noemen?")
        wa_api.block(LOTTE)
        await wa_api.user_sends_text(LOTTE, "Lotte")
        await wa_api.wait_delivered()
        await settled(service)
        assert (await lotte(service)).unreachable
        assert await deliveries(service, "Hoe oud ben je?") == "failed"


async def test_a_failed_status_for_a_blocked_number_makes_it_unreachable(
    db_url: str, wa_api: WhatsAppApiServer, tmp_path: Path
) -> None:
    async with serving(settings_for(db_url, wa_api, tmp_path)) as service:
        youth = WaYouth(wa_api, LOTTE)
        await youth.says("hallo", "Hoe mogen we je noemen?")
        wa_api.block(LOTTE, mode="status")
        await wa_api.user_sends_text(LOTTE, "Lotte")

        async def unreachable() -> bool:
            return (await lotte(service)).unreachable

        await wa_api.wait_until(unreachable, what="Lotte unreachable")
        assert await deliveries(service, "Hoe oud ben je?") == "failed"


async def test_a_voice_message_is_kept_for_the_coach(
    db_url: str, wa_api: WhatsAppApiServer, tmp_path: Path
) -> None:
    async with serving(settings_for(db_url, wa_api, tmp_path)) as service:
        await complete_intake(WaYouth(wa_api, LOTTE))
        await wa_api.user_sends_media(
            LOTTE, kind="audio", data=b"OggS voice", mime_type="audio/ogg"
        )
        await wa_api.wait_delivered()
        await settled(service)
        async with service.db.transaction() as session:
            found = select(Message).where(Message.text == "[voice]")
            voice = (await session.execute(found)).scalar_one()
        assert voice.media is not None and voice.media["state"] == "stored"
        assert (tmp_path / "media" / voice.media["path"]).read_bytes() == b"OggS voice"


async def bot_says(service: Service, text: str, rows: Rows = ()) -> None:
    """A bot message to Lotte as the engine would put it in the outbox."""
    now = service.engine.runtime.clock()
    async with service.db.transaction() as session:
        found = await session.get(Youth, (await lotte(service)).id)
        assert found is not None
        message = await outbox.add_message(
            session, found, direction="out", author="bot", text=text,
            buttons=rows_json(rows) or None, now=now,
        )  # fmt: skip
        await enqueue(session, found, Text(LOTTE, text, rows), now, message)
    service.sender.notify()


async def test_a_long_text_arrives_in_parts(
    db_url: str, wa_api: WhatsAppApiServer, tmp_path: Path
) -> None:
    async with serving(settings_for(db_url, wa_api, tmp_path)) as service:
        youth = WaYouth(wa_api, LOTTE)
        await youth.says("hallo", "Hoe mogen we je noemen?")
        long = "Dit is een zin van ongeveer vijftig tekens lang. " * 120  # 6,000 characters
        await bot_says(service, long)
        sent = await wa_api.wait_for_sent(LOTTE, count=3)
        parts = [m.text or "" for m in sent[1:]]
        assert all(len(p) <= 4096 and p.endswith(".") for p in parts)
        assert " ".join(parts) == long.strip()


async def test_more_than_ten_options_come_numbered_and_a_typed_number_picks_one(
    db_url: str, wa_api: WhatsAppApiServer, tmp_path: Path
) -> None:
    async with serving(settings_for(db_url, wa_api, tmp_path)) as service:
        youth = WaYouth(wa_api, LOTTE)
        await youth.says("hallo", "Hoe mogen we je noemen?")
        options = [Button(f"Optie {n}", f"lang:x{n}") for n in range(1, 13)]
        options[2] = Button("English", "lang:en")
        await bot_says(service, "Kies er een:", tuple((b,) for b in options))
        numbered = await youth.until(1, "12. Optie 12")
        assert "3. English" in numbered
        await youth.says("3", "Okay, we'll carry on in English.")


async def test_typed_mijn_gegevens_sends_the_data_as_a_document(
    db_url: str, wa_api: WhatsAppApiServer, tmp_path: Path
) -> None:
    async with serving(settings_for(db_url, wa_api, tmp_path)) as service:
        youth = WaYouth(wa_api, LOTTE)
        await complete_intake(youth)
        await youth.says("Mijn gegevens", "Dit bewaren we over jou:")
        sent = await wa_api.wait_for_sent(LOTTE, predicate=lambda m: m.type == "document")
        document = sent[-1]
        assert document.filename is not None and document.filename.startswith("mijn-gegevens-")
        assert document.media_id is not None
        data = json.loads(wa_api.media[document.media_id].data)
        assert data["you"]["chat_app"] == "WhatsApp" and data["you"]["phone_number"] == LOTTE
        await settled(service)


async def test_stickers_locations_and_reactions_get_the_kind_answer(
    db_url: str, wa_api: WhatsAppApiServer, tmp_path: Path
) -> None:
    async with serving(settings_for(db_url, wa_api, tmp_path)):
        youth = WaYouth(wa_api, LOTTE)
        await youth.says("hallo", "Hoe mogen we je noemen?")
        for send in (
            wa_api.user_sends_media(LOTTE, kind="sticker", mime_type="image/webp"),
            wa_api.user_sends_location(LOTTE),
            wa_api.user_sends_raw(LOTTE, {"type": "reaction", "reaction": {"emoji": "👍"}}),
        ):
            before = youth.seen()
            await send
            await youth.until(before, "Dat kan ik hier niet lezen.")


async def test_a_send_that_times_out_is_sent_again_and_counted(
    db_url: str, wa_api: WhatsAppApiServer, tmp_path: Path
) -> None:
    settings = with_whatsapp(make_settings(db_url, tmp_path, telegram_timeout=0.5), wa_api)
    async with serving(settings) as service:
        youth = WaYouth(wa_api, LOTTE)
        wa_api.delay_next(1.0)  # Meta took the message but answered too late
        await youth.says("hallo", "Hoe mogen we je noemen?")
        await wa_api.wait_for_sent(LOTTE, count=2)  # a doubled message beats a lost one
        await settled(service)
        async with service.db.transaction() as session:
            (job,) = (await session.execute(select(OutboxJob))).scalars()
        assert (job.status, job.timeouts) == ("sent", 1)
