"""What the sender asks of a chat channel (Telegram, the web chat, WhatsApp next).

A channel renders an `Outgoing` (core/outgoing.py) into its own calls or frames, sends it,
and says how it went: a `Delivered`, or one of the DeliveryErrors in bot/channels/errors.py.
The sender (bot/channels/sender.py) knows channels only through this.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from core.outgoing import Outgoing


@dataclass(frozen=True)
class Delivered:
    """Sent. `ref` is the channel's id for the message (what a later Edit targets); for a
    FetchMedia, the name the file got in our media folder; None when there is nothing to keep.
    """

    ref: str | None = None


class Channel(Protocol):
    async def send(self, message: Outgoing, timeline_id: int | None) -> Delivered:
        """Send one message; raise a DeliveryError when it did not (surely) arrive.

        `timeline_id` is the youth's timeline message this delivers, if any (the web chat's
        own id for it).
        """
        ...
