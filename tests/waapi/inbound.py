"""Webhook bodies in Meta's shape: what simulated users send and the statuses of our sends.

Pure functions; see ``webhooks.py`` for signing and delivery.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

from .objects import JSON, Media

__all__ = [
    "button_reply",
    "envelope",
    "list_reply",
    "location",
    "media_message",
    "messages_value",
    "sign",
    "status_object",
    "statuses_value",
    "template_button",
    "text",
]

WABA_ID = "102290129340398"  # the WhatsApp Business Account id in entry[].id


def sign(app_secret: str, body: bytes) -> str:
    """The ``X-Hub-Signature-256`` header value for this raw body."""
    digest = hmac.new(app_secret.encode(), body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def envelope(value: JSON) -> JSON:
    """Wrap one change value as Meta posts it."""
    return {
        "object": "whatsapp_business_account",
        "entry": [{"id": WABA_ID, "changes": [{"value": value, "field": "messages"}]}],
    }


def _metadata(display_phone_number: str, phone_number_id: str) -> JSON:
    return {"display_phone_number": display_phone_number, "phone_number_id": phone_number_id}


def messages_value(metadata: tuple[str, str], phone: str, name: str, message: JSON) -> JSON:
    """A ``value`` with one message from `phone` (display name `name`)."""
    return {
        "messaging_product": "whatsapp",
        "metadata": _metadata(*metadata),
        "contacts": [{"profile": {"name": name}, "wa_id": phone}],
        "messages": [message],
    }


def statuses_value(metadata: tuple[str, str], status: JSON) -> JSON:
    return {
        "messaging_product": "whatsapp",
        "metadata": _metadata(*metadata),
        "statuses": [status],
    }


def status_object(
    wamid: str,
    status: str,
    recipient: str,
    timestamp: int,
    *,
    category: str = "service",
    errors: list[JSON] | None = None,
) -> JSON:
    """One entry of ``statuses``: sent, delivered, read or failed (with errors)."""
    entry: JSON = {
        "id": wamid,
        "status": status,
        "timestamp": str(timestamp),
        "recipient_id": recipient,
    }
    if status in ("sent", "delivered"):
        entry["conversation"] = {
            "id": hashlib.sha1(f"{recipient}/{category}".encode()).hexdigest()[:32],
            "origin": {"type": category},
        }
        entry["pricing"] = {
            "billable": category != "service",
            "pricing_model": "PMP",
            "category": category,
        }
    if errors:
        entry["errors"] = errors
    return entry


# --- message objects (without from / id / timestamp, which the state adds) ---------------


def text(body: str) -> JSON:
    return {"type": "text", "text": {"body": body}}


def button_reply(context: JSON, button_id: str, title: str) -> JSON:
    return {
        "context": context,
        "type": "interactive",
        "interactive": {"type": "button_reply", "button_reply": {"id": button_id, "title": title}},
    }


def template_button(context: JSON, payload: str, title: str) -> JSON:
    """A tap on a template's quick-reply button: its payload and its title (type "button")."""
    return {"context": context, "type": "button", "button": {"payload": payload, "text": title}}


def list_reply(context: JSON, row_id: str, title: str, description: str | None) -> JSON:
    reply: JSON = {"id": row_id, "title": title}
    if description is not None:
        reply["description"] = description
    return {
        "context": context,
        "type": "interactive",
        "interactive": {"type": "list_reply", "list_reply": reply},
    }


def media_message(kind: str, media: Media, caption: str | None, voice: bool) -> JSON:
    content: dict[str, Any] = {"mime_type": media.mime_type, "sha256": media.sha256, "id": media.id}
    if caption is not None and kind in ("image", "video", "document"):
        content["caption"] = caption
    if kind == "document" and media.filename:
        content["filename"] = media.filename
    if kind == "audio":
        content["voice"] = voice
    if kind == "sticker":
        content["animated"] = False
    return {"type": kind, kind: content}


def location(latitude: float, longitude: float, name: str | None, address: str | None) -> JSON:
    place: JSON = {"latitude": latitude, "longitude": longitude}
    if name:
        place["name"] = name
    if address:
        place["address"] = address
    return {"type": "location", "location": place}
