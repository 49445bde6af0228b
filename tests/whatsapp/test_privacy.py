"""A WhatsApp number is personal: masked for workers, listed for the youth, erased with them."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select

from core.bus import Bus
from core.i18n import Translator
from inbox.pages.case import channel_label
from inbox.service import Inbox
from storage import inbound, privacy, youths
from storage.db import Database
from storage.export import export
from storage.models import Case, Inbound
from storage.youths import masked_number
from tests.support.dialog import directory
from tests.support.inbox import add_case, add_worker
from tests.support.rows import everything
from tests.support.service import make_settings, serving, settled
from tests.support.whatsapp import WaYouth, complete_intake, with_whatsapp
from tests.waapi.server import WhatsAppApiServer

NOW = datetime(2027, 1, 10, 10, tzinfo=UTC)
NUMBER = "32470123456"


def test_workers_see_the_number_masked() -> None:
    assert masked_number(NUMBER) == "+32 470 •• •• 56"
    assert masked_number("123") == "•• ••"


async def test_the_number_is_in_the_youths_data_and_gone_after_erasure(db: Database) -> None:
    message = {"from": NUMBER, "id": "wamid.A", "type": "text", "text": {"body": "hallo"}}
    async with db.transaction() as session:
        youth = await youths.get_or_create(session, "whatsapp", NUMBER, "nl", NOW)
        await inbound.store(
            session, [("whatsapp", "wamid.A", f"whatsapp:{NUMBER}", {"message": message})], NOW
        )
        deletion = privacy.Deletion(None, "unfinished_intake")
        data = await export(session, youth, deletion, NOW, {})
        assert data["you"]["chat_app"] == "WhatsApp"
        assert data["you"]["phone_number"] == NUMBER
        await privacy.erase(session, youth, "request", NOW)
    async with db.transaction() as session:
        assert list((await session.execute(select(Inbound))).scalars()) == []
        assert await youths.find(session, "whatsapp", NUMBER) is None


async def test_a_youth_types_vergeet_mij_taps_yes_and_nothing_of_them_is_left(
    db_url: str, wa_api: WhatsAppApiServer, tmp_path: Path
) -> None:
    number = "32471904562"  # unlikely to occur by chance in any other value
    async with serving(with_whatsapp(make_settings(db_url, tmp_path), wa_api)) as service:
        noor = WaYouth(wa_api, number)
        await complete_intake(noor, "Noor")
        await noor.says("Ik heb een vraag over mijn cv", "Ik geef je bericht door")
        await wa_api.user_sends_media(number, kind="audio", data=b"OggS voice")

        await noor.says("vergeet mij", "Wil je dat we alles over jou wissen?")
        await noor.taps("Ja, wis alles", "Oké. Ik wis nu alles over jou.")

        async def erased() -> bool:
            await wa_api.wait_delivered()  # Meta's last statuses came in, too
            await settled(service)
            await service.privacy.tick()
            found = await everything(service.db)
            return number not in found and "Ik heb een vraag over mijn cv" not in found

        await wa_api.wait_until(erased, timeout=30, what="everything of Noor erased")
        # Statuses Meta posts about our last messages after the erasure keep nothing of her.
        wa_api.queue_status(wa_api.sent_to(number)[-1], "read")
        await wa_api.wait_delivered()
        assert number not in await everything(service.db)
        async with service.db.transaction() as session:
            case = (await session.execute(select(Case))).scalar_one()
            assert (case.outcome, case.answers) == ("erased", {})
            assert list((await session.execute(select(Inbound))).scalars()) == []
        assert not any((tmp_path / "media").iterdir())  # her voice message is gone too
        # A new message starts afresh: nothing of before is known.
        await noor.says("hallo", "Hoe mogen we je noemen?")


async def test_a_partnership_that_shows_numbers_sees_them_in_full(db: Database) -> None:
    """The number is masked for workers unless the partnership chose otherwise
    (`show_phone_numbers = true` in partnerships.toml): a coach who calls their youths."""
    d = directory()
    wam = replace(d.partnership("wam"), show_phone_numbers=True)
    shows = replace(d, partnerships=tuple(wam if p.id == "wam" else p for p in d.partnerships))
    case_id = await add_case(db, chat=NUMBER, channel="whatsapp")
    sara = await add_worker(db, "Sara")
    masked = Inbox(db, d, Translator(), Bus(), lambda: None)
    full = Inbox(db, shows, Translator(), Bus(), lambda: None)

    hidden = await masked.case(sara, case_id)
    shown = await full.case(sara, case_id)

    assert (channel_label(hidden.case, hidden.phone)) == "WhatsApp (+32 470 •• •• 56)"
    assert (channel_label(shown.case, shown.phone)) == "WhatsApp (+32 470 12 34 56)"
