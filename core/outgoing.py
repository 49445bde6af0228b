"""Put a flow's reply to a youth in the outbox: rendered in their language, buttons included."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from core.i18n import Translator
from flows.calendar import ics
from flows.model import N_, Reply
from flows.views import AppointmentView
from storage import outbox
from storage.models import Youth


async def send_reply(
    session: AsyncSession, translator: Translator, youth: Youth, reply: Reply, now: datetime
) -> None:
    for part in translator.reply(reply, youth.lang):
        buttons = part.buttons_json()
        message = await outbox.add_message(
            session, youth, direction="out", author="bot", text=part.text,
            buttons=buttons or None, now=now,
        )  # fmt: skip
        payload = {"chat_id": youth.channel_user_id, "text": part.text, "buttons": buttons}
        await outbox.enqueue(session, youth, "message", payload, now, message)


CALENDAR_CAPTION = N_("📅 Zet de afspraak in je agenda.")
CALENDAR_SUMMARY = N_("Afspraak met {name}")


async def send_calendar(
    session: AsyncSession,
    translator: Translator,
    youth: Youth,
    view: AppointmentView,
    now: datetime,
) -> None:
    """The appointment as an .ics file: a Telegram document, a download in the web chat."""
    caption = translator.gettext(CALENDAR_CAPTION, youth.lang)
    summary = translator.gettext(CALENDAR_SUMMARY, youth.lang).format(name=view.worker_name)
    filename = f"afspraak-{view.starts_at.astimezone(translator.tz):%Y-%m-%d}.ics"
    await send_file(session, youth, "ics", caption, filename, ics(view, summary, now), now)


async def send_file(
    session: AsyncSession,
    youth: Youth,
    kind: str,
    caption: str,
    filename: str,
    content: str,
    now: datetime,
) -> None:
    """A text file for the youth: a Telegram document, a download in the web chat."""  # fmt: skip
    message = await outbox.add_message(
        session, youth, direction="out", author="bot", text=caption, buttons=None, now=now
    )
    message.media = {"kind": kind, "filename": filename, "content": content}
    payload = {
        "chat_id": youth.channel_user_id,
        "caption": caption,
        "filename": filename,
        "content": content,
    }
    await outbox.enqueue(session, youth, "document", payload, now, message)
