"""A typed number on WhatsApp that picks an option of the last message with numbered options."""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy.ext.asyncio import AsyncSession

from bot.channels.whatsapp_render import numbered_choice
from bot.incoming import Incoming
from core.outgoing import rows_from
from flows.model import ButtonIn, TextIn
from storage import outbox
from storage.models import Youth


async def numbered(session: AsyncSession, youth: Youth, incoming: Incoming) -> Incoming:
    """A typed "3" on WhatsApp, where more than ten options came numbered: the third option."""
    if incoming.channel != "whatsapp" or not isinstance(incoming.event, TextIn):
        return incoming
    last = await outbox.with_buttons(session, youth.id, limit=1)
    rows = rows_from((last[-1].buttons or {}).get("rows")) if last else ()
    chosen = numbered_choice(incoming.event.text, rows)
    if chosen is None:
        return incoming
    return replace(incoming, event=ButtonIn(chosen.data), button_ref=last[-1].channel_message_id)
