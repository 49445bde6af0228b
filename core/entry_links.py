"""The links a poster or card carries for each channel, and their QR codes (segno).

The entry point and its key are flows.entry's; where the links point (the public address,
the Telegram bot, the partnership's WhatsApp number) is the operator's.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from urllib.parse import quote, urlencode

import segno

from flows.entry import EntryPoint

# The prefilled WhatsApp text: Dutch, the key at the end, so a youth sees what they send.
WHATSAPP_TEXT = "Hoi! Ik wil graag meer weten over Instap. ({key})"
CHANNELS = ("web", "telegram", "whatsapp")
CHANNEL_LABELS = {"web": "Webchat", "telegram": "Telegram", "whatsapp": "WhatsApp"}


@dataclass(frozen=True)
class Addresses:
    """Where the links point: set by the operator (settings), not by the partnerships file."""

    web_base: str  # PUBLIC_URL, or the local address: "http://127.0.0.1:8080"
    telegram_bot: str | None = None  # the bot's username, without @
    whatsapp_number: str | None = None  # the partnership's number, E.164 digits without +


@dataclass(frozen=True)
class Link:
    channel: str  # web | telegram | whatsapp
    url: str


def links(entry: EntryPoint, to: Addresses) -> tuple[Link, ...]:
    """The entry point's link for each channel that is set up (web chat always)."""
    found = [Link("web", f"{to.web_base.rstrip('/')}/chat?{urlencode({'via': entry.key})}")]
    if to.telegram_bot:
        bot = quote(to.telegram_bot.lstrip("@"))
        found.append(Link("telegram", f"https://t.me/{bot}?{urlencode({'start': entry.key})}"))
    if to.whatsapp_number:
        text = quote(WHATSAPP_TEXT.format(key=entry.key))
        found.append(Link("whatsapp", f"https://wa.me/{to.whatsapp_number}?text={text}"))
    return tuple(found)


def qr_svg(url: str) -> bytes:
    """The QR code of `url` as a standalone SVG (scales to any print size)."""
    out = io.BytesIO()
    segno.make(url, error="m").save(out, kind="svg", border=4, omitsize=True, title=url)
    return out.getvalue()


def qr_png(url: str) -> bytes:
    """The QR code of `url` as a PNG, large enough for an A4 poster (about 10 px a module)."""
    out = io.BytesIO()
    segno.make(url, error="m").save(out, kind="png", scale=10, border=4)
    return out.getvalue()
