"""Decode what a channel delivered (a Telegram update, a WhatsApp message, a web chat frame)
into a flow event."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, get_args

from flows.model import (
    BlockedIn,
    ButtonIn,
    CommandIn,
    EditedIn,
    Event,
    GroupIn,
    MediaIn,
    MediaKind,
    TextIn,
)

# Every kind of media a message can carry ("forward" and "other" are not Telegram fields).
MEDIA_KINDS: tuple[MediaKind, ...] = tuple(
    k for k in get_args(MediaKind) if k not in ("forward", "other")
)
TAPPED = "▸ "  # a pressed button on the timeline: "▸ Klaar" (the web chat shows a chip)
MAX_TEXT = 10_000  # far above Telegram's 4,096; a web chat frame longer than this is cut


@dataclass(frozen=True)
class Incoming:
    channel: str  # telegram | whatsapp | web
    user_id: str  # Telegram chat id, WhatsApp number (wa_id), or the web chat's hashed token
    event: Event
    lang_hint: str | None = None
    callback_id: str | None = None  # Telegram callback query to answer
    button_ref: str | None = None  # the message that carried the pressed button
    shown: bool = True  # False: not on the timeline (the web chat's own /start on opening)


def telegram_key(update: dict[str, Any]) -> str | None:
    """The ordering key of an update: its chat (one youth's updates run in order)."""
    for name in ("message", "edited_message", "my_chat_member"):
        chat = (update.get(name) or {}).get("chat")
        if isinstance(chat, dict) and "id" in chat:
            return f"telegram:{chat['id']}"
    query = update.get("callback_query") or {}
    chat = (query.get("message") or {}).get("chat")
    if isinstance(chat, dict) and "id" in chat:
        return f"telegram:{chat['id']}"
    sender = query.get("from")
    if isinstance(sender, dict) and "id" in sender:
        return f"telegram:{sender['id']}"
    return None


def command_of(text: str) -> CommandIn | None:
    if not text.startswith("/") or len(text) < 2:
        return None
    head, _, args = text[1:].partition(" ")
    name = head.split("@", 1)[0].lower()
    if not name.replace("_", "").isalnum():
        return None
    return CommandIn(name, args.strip())


def telegram_event(message: dict[str, Any]) -> Event:
    text = message.get("text")
    if isinstance(text, str):
        if message.get("forward_origin") or message.get("forward_date"):
            return MediaIn("forward", text[:MAX_TEXT])
        return command_of(text) or TextIn(text[:MAX_TEXT])
    caption = str(message.get("caption") or "")[:MAX_TEXT]
    if "location" in message:
        spot = message["location"]
        return MediaIn("location", f"📍 {spot.get('latitude')}, {spot.get('longitude')}")
    if "contact" in message:
        card = message["contact"]
        return MediaIn(
            "contact", f"{card.get('first_name', '')} {card.get('phone_number', '')}".strip()
        )
    for kind in MEDIA_KINDS:
        if kind in message:
            item = message[kind]
            if isinstance(item, list):  # photo: several sizes, the largest last
                item = item[-1] if item else {}
            return MediaIn(
                kind, caption, str(item.get("file_id", "")) if isinstance(item, dict) else ""
            )
    return MediaIn("other", caption)


def decode_telegram(update: dict[str, Any]) -> Incoming | None:
    """None for update types the service does not act on (they are stored and marked done)."""
    if "message" in update:
        message = update["message"]
        chat = message["chat"]
        sender = message.get("from") or {}
        if chat.get("type") != "private":
            return Incoming("telegram", str(chat["id"]), GroupIn())
        return Incoming(
            "telegram", str(chat["id"]), telegram_event(message), sender.get("language_code")
        )
    if "edited_message" in update:
        message = update["edited_message"]
        if message["chat"].get("type") != "private":
            return None
        text = str(message.get("text") or message.get("caption") or "")
        return Incoming("telegram", str(message["chat"]["id"]), EditedIn(text[:MAX_TEXT]))
    if "callback_query" in update:
        query = update["callback_query"]
        message = query.get("message") or {}
        chat = message.get("chat") or {"id": query["from"]["id"], "type": "private"}
        ref = str(message["message_id"]) if "message_id" in message else None
        event: Event = ButtonIn(str(query.get("data") or ""))
        if chat.get("type") != "private":
            event = GroupIn()
        return Incoming(
            "telegram",
            str(chat["id"]),
            event,
            (query.get("from") or {}).get("language_code"),
            callback_id=str(query["id"]),
            button_ref=ref,
        )
    if "my_chat_member" in update:
        member = update["my_chat_member"]
        if (
            member["chat"].get("type") == "private"
            and member["new_chat_member"]["status"] == "kicked"
        ):
            return Incoming("telegram", str(member["chat"]["id"]), BlockedIn())
    return None


# WhatsApp message types carrying a file, as our media kinds (audio: "voice" when recorded).
WHATSAPP_MEDIA: dict[str, MediaKind] = {
    "audio": "audio",
    "image": "photo",
    "video": "video",
    "document": "document",
    "sticker": "sticker",
}


def whatsapp_event(message: dict[str, Any]) -> Event:
    kind = str(message.get("type") or "")
    found = message.get(kind)
    item: dict[str, Any] = found if isinstance(found, dict) else {}
    if kind == "text":
        text = str(item.get("body") or "")[:MAX_TEXT]
        return command_of(text.strip()) or TextIn(text)
    if kind == "interactive":
        reply = item.get("button_reply") or item.get("list_reply") or {}
        return ButtonIn(str(reply.get("id") or "")[:64])
    if kind == "button":  # a template's quick reply
        return ButtonIn(str(item.get("payload") or item.get("text") or "")[:64])
    if kind in WHATSAPP_MEDIA:
        media: MediaKind = (
            "voice" if kind == "audio" and item.get("voice") else WHATSAPP_MEDIA[kind]
        )
        caption = str(item.get("caption") or "")[:MAX_TEXT]
        return MediaIn(media, caption, str(item.get("id") or ""))
    if kind == "location":
        return MediaIn("location", f"📍 {item.get('latitude')}, {item.get('longitude')}")
    if kind == "contacts":
        cards = message.get("contacts") or [{}]
        card = cards[0] if isinstance(cards[0], dict) else {}
        phones = card.get("phones") or [{}]
        phone = phones[0].get("phone", "") if isinstance(phones[0], dict) else ""
        name = (card.get("name") or {}).get("formatted_name", "")
        return MediaIn("contact", f"{name} {phone}".strip())
    if kind == "reaction":
        return MediaIn("other", str(item.get("emoji") or ""))
    return MediaIn("other")


def decode_whatsapp(payload: dict[str, Any]) -> Incoming | None:
    """A stored WhatsApp message: {"message": <the webhook's message object>}."""
    message = payload.get("message")
    if not isinstance(message, dict) or not message.get("from"):
        return None
    context = message.get("context") or {}
    ref = context.get("id") if message.get("type") in ("interactive", "button") else None
    return Incoming(
        "whatsapp",
        str(message["from"]),
        whatsapp_event(message),
        button_ref=str(ref) if ref else None,
    )


def decode_web(user_id: str, frame: dict[str, Any]) -> Incoming | None:
    """A web chat frame: {"type": "text", "text": …}, {"type": "button", "data", "message_id"}
    or {"type": "open", "via": …} (the page opened for the first time, from a poster's link)."""
    kind = frame.get("type")
    lang = frame.get("lang") if isinstance(frame.get("lang"), str) else None
    if kind == "open":  # a first visit: the page starts the conversation, the youth typed nothing
        via = frame.get("via") if isinstance(frame.get("via"), str) else ""  # /chat?via=<key>
        return Incoming("web", user_id, CommandIn("start", str(via)[:40]), lang, shown=False)
    if kind == "text" and isinstance(frame.get("text"), str):
        text = frame["text"][:MAX_TEXT]
        return Incoming("web", user_id, command_of(text.strip()) or TextIn(text), lang)
    if kind == "button" and isinstance(frame.get("data"), str):
        ref = frame.get("message_id")
        return Incoming(
            "web", user_id, ButtonIn(frame["data"][:64]), lang, button_ref=str(ref) if ref else None
        )
    return None


def decode(source: str, payload: dict[str, Any]) -> Incoming | None:
    if source == "telegram":
        return decode_telegram(payload)
    if source == "whatsapp":
        return decode_whatsapp(payload)
    if source == "web":
        return decode_web(str(payload["user_id"]), payload["frame"])
    raise ValueError(f"unknown inbound source {source!r}")
