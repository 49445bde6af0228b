"""What goes out to a chat, typed: every outbox job is built here and stored as `to_json()`.

Outgoing
 ├── ChatMessage   shown in the youth's (or a worker's) chat
 │    ├── Text       words, with button rows under them or none
 │    ├── Edit       new buttons for a message sent earlier (a multi-select tick)
 │    ├── Document   a text file: an .ics agenda entry, the youth's data
 │    └── Template   an approved WhatsApp template, when the 24-hour window is closed
 ├── FetchMedia    not shown: fetch a voice message, photo or file the youth sent
 └── AnswerTap     not shown: tell the chat app a pressed button was seen

Each channel renders these in its own way (bot/channels/: Bot API calls, web-chat frames);
nothing else builds a channel payload. The stored form is the shape the outbox always had,
so rows written before these types existed read back as they are.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar

from sqlalchemy.ext.asyncio import AsyncSession

from core.i18n import Rendered, Translator
from flows.calendar import ics, session_ics
from flows.model import N_, Reply
from flows.views import AppointmentView, OfferView
from storage import outbox
from storage.models import Message, Worker, Youth


@dataclass(frozen=True)
class Button:
    text: str
    data: str  # ≤ 64 bytes: what the flow reads back when it is pressed


Rows = tuple[tuple[Button, ...], ...]


def rows_of(part: Rendered) -> Rows:
    """The button rows of a rendered reply part."""
    return tuple(tuple(Button(b.text, b.data) for b in row) for row in part.buttons)


def rows_json(rows: Rows) -> list[list[dict[str, str]]]:
    return [[{"text": b.text, "data": b.data} for b in row] for row in rows]


def rows_from(data: Any) -> Rows:
    return tuple(tuple(Button(str(b["text"]), str(b["data"])) for b in row) for row in data or ())


@dataclass(frozen=True)
class Text:
    """Words in a chat, with button rows under them or none.

    `purpose` and `params` say what it is, for a channel that must announce a kept message
    with a template (core/whatsapp_templates.py): a "reminder" with the coach's name and the
    time, or a "message" from someone. Empty: an ordinary message from Instap.
    """

    kind: ClassVar[str] = "message"
    chat_id: str
    text: str
    buttons: Rows = ()
    purpose: str = ""
    params: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "chat_id": self.chat_id,
            "text": self.text,
            "buttons": rows_json(self.buttons),
        }
        if self.purpose:
            data["purpose"], data["params"] = self.purpose, list(self.params)
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Text:
        return cls(
            str(data["chat_id"]),
            str(data["text"]),
            rows_from(data.get("buttons")),
            str(data.get("purpose") or ""),
            tuple(str(p) for p in data.get("params") or ()),
        )


@dataclass(frozen=True)
class Edit:
    """New buttons under a message sent earlier; its text is sent again as it was."""

    kind: ClassVar[str] = "edit"
    chat_id: str
    target: str  # the message as the channel knows it (Telegram's id; ours on the web)
    text: str
    buttons: Rows = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "chat_id": self.chat_id,
            "target": self.target,
            "text": self.text,
            "buttons": rows_json(self.buttons),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Edit:
        return cls(
            str(data["chat_id"]),
            str(data["target"]),
            str(data["text"]),
            rows_from(data.get("buttons")),
        )


@dataclass(frozen=True)
class Document:
    """A text file with a caption: a Telegram document, a download in the web chat."""

    kind: ClassVar[str] = "document"
    chat_id: str
    caption: str
    filename: str
    content: str

    def to_json(self) -> dict[str, Any]:
        return {
            "chat_id": self.chat_id,
            "caption": self.caption,
            "filename": self.filename,
            "content": self.content,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Document:
        return cls(
            str(data["chat_id"]),
            str(data.get("caption") or ""),
            str(data["filename"]),
            str(data["content"]),
        )


@dataclass(frozen=True)
class FetchMedia:
    """Fetch a file the youth sent (voice, photo…) and keep it for their coach."""

    kind: ClassVar[str] = "fetch_media"
    file_id: str  # the channel's reference to the file
    media: str  # voice | audio | photo | document | video | video_note

    def to_json(self) -> dict[str, Any]:
        return {"file_id": self.file_id, "kind": self.media}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> FetchMedia:
        return cls(str(data["file_id"]), str(data["kind"]))


@dataclass(frozen=True)
class AnswerTap:
    """Tell the chat app a pressed button was seen (Telegram stops its spinner)."""

    kind: ClassVar[str] = "callback_answer"
    callback_id: str

    def to_json(self) -> dict[str, Any]:
        return {"callback_query_id": self.callback_id}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> AnswerTap:
        return cls(str(data["callback_query_id"]))


@dataclass(frozen=True)
class Template:
    """An approved WhatsApp template, sent when the youth has not written for 24 hours.

    `params` fill its variables; `payloads` are what its quick-reply buttons send back.
    """

    kind: ClassVar[str] = "template"
    chat_id: str
    name: str
    lang: str
    params: tuple[str, ...] = ()
    payloads: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "chat_id": self.chat_id,
            "name": self.name,
            "lang": self.lang,
            "params": list(self.params),
            "payloads": list(self.payloads),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Template:
        return cls(
            str(data["chat_id"]),
            str(data["name"]),
            str(data["lang"]),
            tuple(str(p) for p in data.get("params") or ()),
            tuple(str(p) for p in data.get("payloads") or ()),
        )


ChatMessage = Text | Edit | Document | Template
Outgoing = Text | Edit | Document | Template | FetchMedia | AnswerTap
KINDS: dict[str, type[Outgoing]] = {
    each.kind: each for each in (Text, Edit, Document, Template, FetchMedia, AnswerTap)
}


class Unreadable(ValueError):
    """A stored outbox payload that is no Outgoing: a bug wrote it, no retry will help."""


def from_json(kind: str, data: Mapping[str, Any]) -> Outgoing:
    """Read an outbox job back: its kind column and its stored payload."""
    if kind not in KINDS:
        raise Unreadable(f"unknown job kind {kind!r}")
    try:
        return KINDS[kind].from_json(data)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise Unreadable(f"unreadable {kind} payload: missing or bad {exc}") from exc


# --- putting it in the outbox ----------------------------------------------------------


async def enqueue(
    session: AsyncSession,
    youth: Youth,
    message: Outgoing,
    now: datetime,
    timeline: Message | None = None,
    not_before: datetime | None = None,
) -> None:
    """Put one job in the youth's outbox; `timeline` is the message row it delivers.

    `not_before`: the job waits until then (an invitation after the youth's quiet hours).
    """
    await outbox.enqueue(session, youth, message.kind, message.to_json(), now, timeline, not_before)


async def send_reply(
    session: AsyncSession,
    translator: Translator,
    youth: Youth,
    reply: Reply,
    now: datetime,
    *,
    purpose: str = "",
    params: tuple[str, ...] = (),
    not_before: datetime | None = None,
) -> None:
    """A flow's reply in the youth's language, buttons included: on the timeline, then out.

    `purpose` and `params`: what a template says of it if it must wait (see `Text`);
    `not_before`: when it may go out (see `enqueue`).
    """
    for part in translator.reply(reply, youth.lang):
        text = Text(youth.channel_user_id, part.text, rows_of(part), purpose, params)
        buttons = rows_json(text.buttons)
        message = await outbox.add_message(
            session, youth, direction="out", author="bot", text=part.text,
            buttons=buttons or None, now=now,
        )  # fmt: skip
        await enqueue(session, youth, text, now, message, not_before)


async def send_text(
    session: AsyncSession, youth: Youth, message: Message, now: datetime, author: str = ""
) -> None:
    """A message already on the youth's timeline (a worker's reply), sent as it stands.

    `author`: the worker's first name, for the template that announces it if it must wait.
    """
    params = (author,) if author else ()
    await enqueue(
        session,
        youth,
        Text(youth.channel_user_id, message.text, (), "message", params),
        now,
        message,
    )


async def send_edit(
    session: AsyncSession, youth: Youth, target: Message, ref: str, part: Rendered, now: datetime
) -> None:
    """New buttons under `target` (known to the channel as `ref`), on the timeline too."""
    edit = Edit(youth.channel_user_id, ref, target.text, rows_of(part))
    target.buttons = {"rows": rows_json(edit.buttons)} if edit.buttons else None
    await enqueue(session, youth, edit, now)


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


SESSION_CAPTION = N_("📅 Zet {title} in je agenda.")


async def send_session_calendar(
    session: AsyncSession, translator: Translator, youth: Youth, view: OfferView, now: datetime,
    not_before: datetime | None = None,
) -> None:  # fmt: skip
    """A group session as an .ics file (with an invitation), due with it."""
    caption = translator.gettext(SESSION_CAPTION, youth.lang).format(title=view.title)
    filename = f"activiteit-{view.starts_at.astimezone(translator.tz):%Y-%m-%d}.ics"
    content = session_ics(view, now)
    await send_file(session, youth, "ics", caption, filename, content, now, not_before)


async def send_file(
    session: AsyncSession,
    youth: Youth,
    kind: str,
    caption: str,
    filename: str,
    content: str,
    now: datetime,
    not_before: datetime | None = None,
) -> None:
    """A text file for the youth: a Telegram document, a download in the web chat."""  # fmt: skip
    message = await outbox.add_message(
        session, youth, direction="out", author="bot", text=caption, buttons=None, now=now
    )
    message.media = {"kind": kind, "filename": filename, "content": content}
    document = Document(youth.channel_user_id, caption, filename, content)
    await enqueue(session, youth, document, now, message, not_before)


async def answer_tap(session: AsyncSession, youth: Youth, callback_id: str, now: datetime) -> None:
    await enqueue(session, youth, AnswerTap(callback_id), now)


async def fetch_media(
    session: AsyncSession, youth: Youth, message: Message, file_id: str, media: str, now: datetime
) -> None:
    """Fetch the file behind `message` (what the youth sent) into our media folder."""
    message.media = {"kind": media, "state": "pending"}
    await enqueue(session, youth, FetchMedia(file_id, media), now, message)


async def notify_worker(session: AsyncSession, worker: Worker, text: str, now: datetime) -> None:
    """A short Telegram note to a worker who linked their account (never case content)."""
    if worker.telegram_chat_id is None:
        return
    note = Text(worker.telegram_chat_id, text)
    await outbox.enqueue_for_worker(session, worker, note.kind, note.to_json(), now)
