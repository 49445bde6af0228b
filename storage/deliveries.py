"""What a channel tells us later about a message we sent: delivered, read, or failed after all.

WhatsApp reports each of our messages' fate by webhook, by its wamid. A status may arrive
before the sender stored that wamid (Meta answers the send, then posts "sent" at once): it
waits in channel_statuses and is applied when the sender marks the message sent. Both
sides take the same lock on the wamid (PostgreSQL; SQLite writers queue anyway), so a status
that lands between the sender's update and its look-up is not missed.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.inbound import lock_key
from storage.models import ChannelStatus, Message, Youth

RANK = {"pending": 0, "sent": 1, "delivered": 2, "read": 3, "failed": 4}


def later(current: str, status: str) -> bool:
    """Whether `status` moves a message on from `current` (a late "delivered" after "read" does not)."""  # fmt: skip
    return RANK.get(status, 0) > RANK.get(current, 0)


async def apply(session: AsyncSession, message: Message, status: str, unreachable: bool) -> None:
    if later(message.delivery, status):
        message.delivery = status
    if status == "failed" and unreachable:  # blocked us, or no longer on WhatsApp
        await session.execute(
            update(Youth).where(Youth.id == message.youth_id).values(unreachable=True)
        )


async def record(
    session: AsyncSession,
    ref: str,
    status: str,
    unreachable: bool,
    now: datetime,
    recipient: str,
) -> Message | None:
    """A status for our message `ref` to `recipient`; the message it changed (None: kept for
    later, or dropped when the recipient is no youth of ours: erased, and a wamid holds their
    number). The youth is looked up after the message: an erasure that commits in between
    took the message with it, so a status is never kept for an erased youth."""
    await lock_key(session, f"status:{ref}")
    found = select(Message).where(Message.channel_message_id == ref, Message.direction == "out")
    message = (await session.execute(found.limit(1))).scalar_one_or_none()
    if message is not None:
        await apply(session, message, status, unreachable)
        return message
    ours = select(Youth.id).where(Youth.channel == "whatsapp", Youth.channel_user_id == recipient)
    if (await session.execute(ours.limit(1))).scalar_one_or_none() is None:
        return None
    kept = await session.get(ChannelStatus, ref)
    if kept is None:
        session.add(
            ChannelStatus(
                ref=ref, recipient=recipient[:32], status=status, unreachable=unreachable,
                updated_at=now,
            )
        )  # fmt: skip
    elif later(kept.status, status):
        kept.status, kept.unreachable, kept.updated_at = status, unreachable, now
    return None


async def catch_up(session: AsyncSession, message_id: int, ref: str) -> None:
    """The sender stored `ref` for this message: apply a status that came before it."""
    await lock_key(session, f"status:{ref}")
    kept = await session.get(ChannelStatus, ref)
    if kept is None:
        return
    message = await session.get(Message, message_id)
    if message is not None:
        await apply(session, message, kept.status, kept.unreachable)
    await session.execute(delete(ChannelStatus).where(ChannelStatus.ref == ref))


async def forget_before(session: AsyncSession, moment: datetime) -> None:
    """Statuses for messages that never showed up (another sender's, or erased): dropped."""
    await session.execute(delete(ChannelStatus).where(ChannelStatus.updated_at < moment))
