"""Every frame the chat page is sent about a message: timeline rows and edits, rendered here.

The page's own words (the chrome) come in the youth's language, also as a frame.
"""

from __future__ import annotations

from typing import Any

from bot.channels.liveness import LIVE
from bot.incoming import TAPPED
from core.i18n import catalog
from core.outgoing import Edit, rows_json
from flows.model import N_
from storage.models import Message


def message_json(message: Message, why: str = "older") -> dict[str, Any]:
    tapped = message.direction == "in" and message.text.startswith(TAPPED)
    return {
        "type": "message",
        "id": message.id,
        "direction": message.direction,
        "author": message.author,
        "text": message.text.removeprefix(TAPPED) if tapped else message.text,
        "tap": tapped,  # a pressed button: shown as a quiet chip, not as a typed bubble
        "buttons": (message.buttons or {}).get("rows", []),
        **live_json(why),
        "file": file_of(message),
        "at": message.created_at.isoformat(),
    }


def live_json(why: str) -> dict[str, Any]:
    """Whether the buttons still work; if not, why (the page says it under an appointment)."""
    return {"live": why == LIVE, "why": why or None}


# The page around the conversation, in the youth's language (the page itself starts in the
# browser's language; after /taal the open page and every reload follow the youth's choice).
CHROME = {
    "title": N_("Instap – chat"),
    "sub": N_("Gratis, en jij beslist"),
    "label": N_("Je bericht"),
    "placeholder": N_("Typ je bericht…"),
    "send": N_("Stuur"),
    "log": N_("Gesprek"),
    "online": N_("Verbonden"),
    "offline": N_("Geen verbinding. We proberen opnieuw…"),
    "sending": N_("Versturen…"),
    "connecting": N_("Verbinden…"),
    # Under the grey buttons of an appointment message: why they no longer work.
    "why_answered": N_("Je hebt hierop al geantwoord."),
    "why_moved": N_("Deze afspraak is verzet. Kijk bij het nieuwe bericht."),
    "why_cancelled": N_("Die afspraak gaat niet meer door."),
    "why_over": N_("Die afspraak is al voorbij."),
}


def chrome_json(lang: str) -> dict[str, Any]:
    translations = catalog(lang)
    strings = {key: translations.gettext(msgid) for key, msgid in CHROME.items()}
    return {"type": "chrome", "lang": lang, "strings": strings}


FILE_TYPES = {"ics": "text/calendar", "json": "application/json"}


def file_of(message: Message) -> dict[str, str] | None:
    """A file the youth can download from the chat (an .ics agenda entry, their data)."""
    media = message.media or {}
    kind = str(media.get("kind"))
    if kind not in FILE_TYPES:
        return None
    return {
        "name": str(media["filename"]),
        "type": FILE_TYPES[kind],
        "content": str(media["content"]),
    }


def edit_json(message: Message) -> dict[str, Any]:
    """An edit as the message stands on the timeline (it keeps the edit's buttons)."""
    return {
        "type": "edit",
        "id": message.id,
        "text": message.text,
        "buttons": (message.buttons or {}).get("rows", []),
    }


def edit_frame(edit: Edit) -> dict[str, Any]:
    """New buttons under a message already on the page."""
    return {
        "type": "edit",
        "id": int(edit.target),
        "text": edit.text,
        "buttons": rows_json(edit.buttons),
    }
