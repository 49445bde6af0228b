"""Our typed messages as WhatsApp Cloud API message bodies: pure functions, no I/O.

A text with buttons becomes an interactive message when WhatsApp can show it:
≤ 3 buttons whose titles fit 20 characters → reply buttons; up to 10 (titles cut to 24,
the whole title then under it) → a list; more → the options numbered in the text (a typed
answer is understood by the flows, and a number by `numbered_choice`). A text longer than
WhatsApp takes is split at sentence ends; the buttons go with the last part.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from core.outgoing import Button, Rows, Template

MAX_TEXT = 4096  # a text message body
MAX_BODY = 1024  # an interactive message body
MAX_BUTTONS = 3
BUTTON_TITLE = 20
MAX_ROWS = 10
ROW_TITLE = 24
ROW_DESCRIPTION = 72
LABEL = 20  # the list's button label and its section title (24) alike
SENTENCE_END = re.compile(r"(?<=[.!?…:])\s+|\n+")

Body = dict[str, Any]


@dataclass(frozen=True)
class Labels:
    """The words around a list, in the youth's language: its button and its section title."""

    choose: str = "Kies"
    section: str = "Kies"


def split_text(text: str, limit: int) -> list[str]:
    """Parts of at most `limit` characters, cut after a sentence (else a space, else anywhere)."""
    parts: list[str] = []
    rest = text.strip()
    while len(rest) > limit:
        head = rest[: limit + 1]
        ends = [m.start() for m in SENTENCE_END.finditer(head) if 0 < m.start() <= limit]
        cut = ends[-1] if ends else head.rfind(" ", 0, limit + 1)
        if cut <= 0:
            cut = limit
        parts.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    return [*parts, rest] if rest or not parts else parts


def flat(rows: Rows) -> list[Button]:
    return [button for row in rows for button in row]


def cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def layout(buttons: list[Button]) -> str:
    """none | buttons | list | numbered: how WhatsApp can show these buttons."""
    if not buttons:
        return "none"
    if len(buttons) <= MAX_BUTTONS and all(len(b.text) <= BUTTON_TITLE for b in buttons):
        return "buttons"
    return "list" if len(buttons) <= MAX_ROWS else "numbered"


def envelope(to: str, kind: str, content: Body) -> Body:
    return {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": to,
        "type": kind,
        kind: content,
    }


def text_body(to: str, text: str) -> Body:
    return envelope(to, "text", {"body": text, "preview_url": False})


def reply_buttons(to: str, text: str, buttons: list[Button]) -> Body:
    replies = [{"type": "reply", "reply": {"id": b.data, "title": b.text}} for b in buttons]
    return envelope(
        to,
        "interactive",
        {"type": "button", "body": {"text": text}, "action": {"buttons": replies}},
    )


def row_of(button: Button) -> dict[str, str]:
    row = {"id": button.data, "title": cut(button.text, ROW_TITLE)}
    if len(button.text) > ROW_TITLE:
        row["description"] = cut(button.text, ROW_DESCRIPTION)
    return row


def list_message(to: str, text: str, buttons: list[Button], labels: Labels) -> Body:
    section = {"title": cut(labels.section, ROW_TITLE), "rows": [row_of(b) for b in buttons]}
    action = {"button": cut(labels.choose, LABEL), "sections": [section]}
    return envelope(to, "interactive", {"type": "list", "body": {"text": text}, "action": action})


def with_numbers(text: str, buttons: list[Button]) -> str:
    options = "\n".join(f"{n}. {b.text}" for n, b in enumerate(buttons, 1))
    return f"{text}\n\n{options}"


def render_text(to: str, text: str, rows: Rows, labels: Labels) -> list[Body]:
    """One or more message bodies for a text with button rows under it (or none)."""
    buttons = flat(rows)
    how = layout(buttons)
    if how in ("none", "numbered"):
        words = with_numbers(text, buttons) if how == "numbered" else text
        return [text_body(to, part) for part in split_text(words, MAX_TEXT)]
    parts = split_text(text, MAX_TEXT)
    parts[-1:] = split_text(parts[-1], MAX_BODY)
    last = (
        reply_buttons(to, parts[-1], buttons)
        if how == "buttons"
        else list_message(to, parts[-1], buttons, labels)
    )
    return [*(text_body(to, part) for part in parts[:-1]), last]


def document_body(to: str, media_id: str, filename: str, caption: str) -> Body:
    document = {"id": media_id, "filename": filename}
    if caption:
        document["caption"] = cut(caption, MAX_BODY)
    return envelope(to, "document", document)


def template_body(template: Template) -> Body:
    """An approved template (all WhatsApp takes outside the 24-hour window): its variables,
    and what each quick-reply button sends back."""
    values = [{"type": "text", "text": p} for p in template.params]
    components: list[Body] = [{"type": "body", "parameters": values}] if values else []
    components += [
        {
            "type": "button",
            "sub_type": "quick_reply",
            "index": str(i),
            "parameters": [{"type": "payload", "payload": payload}],
        }
        for i, payload in enumerate(template.payloads)
    ]
    content: Body = {
        "name": template.name,
        "language": {"policy": "deterministic", "code": template.lang},
    }
    if components:
        content["components"] = components
    return envelope(template.chat_id, "template", content)


def read_receipt(wamid: str) -> Body:
    """Mark a message of the youth as read (the blue ticks): the answer to a tap."""
    return {"messaging_product": "whatsapp", "status": "read", "message_id": wamid}


def numbered_choice(text: str, rows: Rows) -> Button | None:
    """The option a typed number picks on a message whose options were numbered."""
    buttons = flat(rows)
    if layout(buttons) != "numbered" or not text.strip().rstrip(".").isdigit():
        return None
    n = int(text.strip().rstrip("."))
    return buttons[n - 1] if 1 <= n <= len(buttons) else None
