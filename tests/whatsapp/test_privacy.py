"""A WhatsApp number is personal: masked for workers, listed for the youth, erased with them."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from storage import inbound, privacy, youths
from storage.db import Database
from storage.export import export
from storage.models import Inbound
from storage.youths import masked_number

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
