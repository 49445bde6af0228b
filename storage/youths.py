"""Youths as the channels know them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Youth

# Built once: building a statement (and its cache key) costs more than SQLite running it.
FIND = select(Youth).where(
    Youth.channel == bindparam("channel"), Youth.channel_user_id == bindparam("user_id")
)


async def find(session: AsyncSession, channel: str, user_id: str) -> Youth | None:
    params = {"channel": channel, "user_id": user_id}
    return (await session.execute(FIND, params)).scalar_one_or_none()


async def get_or_create(
    session: AsyncSession, channel: str, user_id: str, lang: str, now: datetime
) -> Youth:
    """The youth behind a channel id; callers hold the youth's processing lock."""
    youth = await find(session, channel, user_id)
    if youth is None:
        youth = Youth(
            channel=channel,
            channel_user_id=user_id,
            lang=lang,
            state={},
            stopped=False,
            unreachable=False,
            created_at=now,
            updated_at=now,
        )
        session.add(youth)
        await session.flush()
    return youth


def full_number(wa_id: str) -> str:
    """A WhatsApp number in full, for a partnership that shows them: "+32 470 12 34 56"."""
    d = "".join(c for c in wa_id if c.isdigit())
    if len(d) == 11:
        return f"+{d[:2]} {d[2:5]} {d[5:7]} {d[7:9]} {d[9:]}"
    return f"+{d}"


def masked_number(wa_id: str) -> str:
    """A WhatsApp number as workers see it: "32470123456" → "+32 470 •• •• 56"."""
    digits = "".join(c for c in wa_id if c.isdigit())
    if len(digits) < 9:
        return "•• ••"
    return f"+{digits[:2]} {digits[2:5]} •• •• {digits[-2:]}"
