"""Plain records of the fake WhatsApp Cloud API: calls, sent messages, media, events."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "JSON",
    "Button",
    "Call",
    "Event",
    "Media",
    "Row",
    "SentMessage",
    "body_params",
    "parse_sent",
]

JSON = dict[str, Any]


@dataclass(frozen=True)
class Call:
    """One HTTP request to the server and its answer."""

    method: str
    path: str
    operation: str  # the OpenAPI operationId, or "" when no operation matched
    body: Any
    status: int
    response: Any
    violations: list[str]
    at: float


@dataclass(frozen=True)
class Event:
    """One line of the transcript."""

    phone: str
    who: str
    text: str
    at: float


@dataclass(frozen=True)
class Media:
    """An uploaded file or one a simulated user sent."""

    id: str
    data: bytes
    mime_type: str
    filename: str | None = None

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


@dataclass(frozen=True)
class Button:
    id: str
    title: str


@dataclass(frozen=True)
class Row:
    id: str
    title: str
    description: str | None = None
    section: str | None = None


@dataclass
class SentMessage:
    """A message our service sent, parsed for assertions; ``payload`` is the request body."""

    wamid: str
    to: str
    type: str
    payload: JSON
    at: float
    text: str | None = None  # text body, interactive body or media caption
    header: str | None = None
    footer: str | None = None
    buttons: list[Button] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)
    list_button: str | None = None
    template_name: str | None = None
    template_lang: str | None = None
    template_params: list[str] = field(default_factory=list)
    media_id: str | None = None
    link: str | None = None
    filename: str | None = None
    context_id: str | None = None
    statuses: list[str] = field(default_factory=list)  # as posted to the webhook

    @property
    def button_titles(self) -> list[str]:
        return [b.title for b in self.buttons]

    @property
    def button_ids(self) -> list[str]:
        return [b.id for b in self.buttons]

    @property
    def row_titles(self) -> list[str]:
        return [r.title for r in self.rows]

    @property
    def row_ids(self) -> list[str]:
        return [r.id for r in self.rows]

    @property
    def choices(self) -> list[tuple[str, str]]:
        """(id, title) of every button or list row the user can tap."""
        return [(b.id, b.title) for b in self.buttons] + [(r.id, r.title) for r in self.rows]

    def summary(self) -> str:
        """One transcript line: the text plus what can be tapped or what template was used."""
        parts = [self.text or f"<{self.type}>"]
        if self.type == "template":
            params = ", ".join(repr(p) for p in self.template_params)
            parts[0] = f"<template {self.template_name}/{self.template_lang}({params})>"
            parts += [self.text] if self.text else []
        if self.filename:
            parts.append(f"<{self.type} {self.filename}>")
        if self.buttons:
            parts.append(" ".join(f"[{b.title}]" for b in self.buttons))
        if self.rows:
            parts.append(f"<list {self.list_button}: " + " | ".join(self.row_titles) + ">")
        return " ".join(parts)


def _text_of(value: Any) -> str | None:
    return value.get("text") if isinstance(value, dict) else None


def body_params(template: JSON) -> list[str]:
    """The body variables of a template send, in order."""
    return [
        str(p.get("text", p.get("payload", "")))
        for component in template.get("components") or []
        if isinstance(component, dict) and component.get("type") == "body"
        for p in component.get("parameters") or []
        if isinstance(p, dict)
    ]


def parse_sent(payload: JSON, wamid: str, to: str, at: float) -> SentMessage:
    """Read the interesting parts of a valid send request."""
    kind = str(payload.get("type", "text"))
    sent = SentMessage(wamid=wamid, to=to, type=kind, payload=payload, at=at)
    sent.context_id = (payload.get("context") or {}).get("message_id")
    content = payload.get(kind) or {}
    if kind == "text":
        sent.text = content.get("body")
    elif kind == "interactive":
        sent.text = _text_of(content.get("body"))
        sent.header = _text_of(content.get("header"))
        sent.footer = _text_of(content.get("footer"))
        action = content.get("action") or {}
        sent.buttons = [
            Button(str(b["reply"]["id"]), str(b["reply"]["title"]))
            for b in action.get("buttons") or []
        ]
        sent.list_button = action.get("button")
        sent.rows = [
            Row(str(r["id"]), str(r["title"]), r.get("description"), section.get("title"))
            for section in action.get("sections") or []
            for r in section.get("rows") or []
        ]
    elif kind == "template":
        sent.template_name = content.get("name")
        sent.template_lang = (content.get("language") or {}).get("code")
        sent.template_params = body_params(content)
    elif isinstance(content, dict):
        sent.text = content.get("caption")
        sent.media_id = content.get("id")
        sent.link = content.get("link")
        sent.filename = content.get("filename")
    return sent
