"""Simulated WhatsApp users, and waiting for what our service sends them.

Every ``user_*`` helper queues a webhook (delivered in order by the server) and returns the
new message's wamid at once; ``wait_for_sent`` / ``wait_until`` wait on conditions.
"""

from __future__ import annotations

from collections.abc import Callable

from tests.support.waits import WaitTimeout

from . import inbound
from .media import kind_for_mime
from .objects import JSON, Media, SentMessage
from .state import WaState

__all__ = ["UserSimulation", "WaitTimeout"]

_DEFAULT_MIME = {
    "audio": "audio/ogg",
    "image": "image/jpeg",
    "document": "application/pdf",
    "video": "video/mp4",
    "sticker": "image/webp",
}


class UserSimulation(WaState):
    """The ``user_*`` helpers and the waits."""

    async def user_sends_text(self, phone: str, text: str, *, name: str | None = None) -> str:
        """`phone` types `text`; returns the message's wamid."""
        return self.receive(phone, inbound.text(text), name=name, log=text)

    def _choice_message(self, phone: str, context_id: str | None, *, rows: bool) -> SentMessage:
        if context_id is not None:
            found = self.find_sent(context_id)
            if found is None or found.to != phone:
                raise ValueError(f"we sent no message {context_id} to {phone}")
            return found
        for sent in reversed(self.sent_to(phone)):
            if sent.rows if rows else sent.buttons:
                return sent
        kind = "list" if rows else "reply buttons"
        raise ValueError(f"we sent {phone} no message with {kind}\n{self.transcript_text(phone)}")

    async def user_taps_button(
        self,
        phone: str,
        button_id: str | None = None,
        *,
        title: str | None = None,
        context_id: str | None = None,
    ) -> str:
        """`phone` taps a reply button (by id or title) of our message `context_id`
        (default: the latest one with buttons)."""
        message = self._choice_message(phone, context_id, rows=False)
        button = next(
            (
                b
                for b in message.buttons
                if b.id == button_id or (button_id is None and b.title == title)
            ),
            None,
        )
        if button is None:
            raise ValueError(
                f"no button {button_id or title!r} on {message.wamid}: {message.buttons}"
            )
        context = {"from": self.display_phone_number, "id": message.wamid}
        if message.type == "template":
            reply = inbound.template_button(context, button.id, button.title)
        else:
            reply = inbound.button_reply(context, button.id, button.title)
        return self.receive(phone, reply, name=None, log=f"<tapped [{button.title}]>")

    async def user_picks_row(
        self,
        phone: str,
        row_id: str | None = None,
        *,
        title: str | None = None,
        context_id: str | None = None,
    ) -> str:
        """`phone` picks a row (by id or title) of our list message `context_id`
        (default: the latest list)."""
        message = self._choice_message(phone, context_id, rows=True)
        row = next(
            (r for r in message.rows if r.id == row_id or (row_id is None and r.title == title)),
            None,
        )
        if row is None:
            raise ValueError(f"no row {row_id or title!r} on {message.wamid}: {message.rows}")
        context = {"from": self.display_phone_number, "id": message.wamid}
        reply = inbound.list_reply(context, row.id, row.title, row.description)
        return self.receive(phone, reply, name=None, log=f"<picked ({row.title})>")

    async def user_chooses(self, phone: str, title: str) -> str:
        """Tap the button or pick the row with this title on our latest message offering it."""
        for sent in reversed(self.sent_to(phone)):
            if title in sent.button_titles:
                return await self.user_taps_button(phone, title=title, context_id=sent.wamid)
            if title in sent.row_titles:
                return await self.user_picks_row(phone, title=title, context_id=sent.wamid)
        raise ValueError(f"nothing titled {title!r} was offered to {phone}")

    async def user_sends_media(
        self,
        phone: str,
        *,
        kind: str,
        data: bytes = b"fake media bytes",
        mime_type: str | None = None,
        caption: str | None = None,
        filename: str | None = None,
        voice: bool = True,
        name: str | None = None,
    ) -> str:
        """`phone` sends a file; our service can fetch it by the media id in the webhook."""
        if kind not in _DEFAULT_MIME:
            raise ValueError(f"kind is one of {sorted(_DEFAULT_MIME)}")
        mime = mime_type or _DEFAULT_MIME[kind]
        if kind_for_mime(mime) is None:
            raise ValueError(f"WhatsApp users cannot send {mime}")
        if kind == "document" and filename is None:
            filename = "document.pdf"
        media = Media(self.new_media_id(), data, mime, filename)
        self.media[media.id] = media
        message = inbound.media_message(kind, media, caption, voice)
        label = f"<{kind} {mime}{' ' + filename if filename else ''}>"
        return self.receive(
            phone, message, name=name, log=label + (f" {caption}" if caption else "")
        )

    async def user_sends_location(
        self,
        phone: str,
        latitude: float = 51.0543,
        longitude: float = 3.7174,
        *,
        place: str | None = None,
        address: str | None = None,
        name: str | None = None,
    ) -> str:
        """`phone` shares a location (default: Gent)."""
        message = inbound.location(latitude, longitude, place, address)
        return self.receive(phone, message, name=name, log=f"<location {latitude},{longitude}>")

    async def user_sends_raw(self, phone: str, message: JSON, *, name: str | None = None) -> str:
        """`phone` sends any message object (reaction, contacts, unsupported, …); `from`,
        `id` and `timestamp` are filled in unless given."""
        return self.receive(phone, message, name=name, log=f"<{message.get('type', 'raw')}>")

    # --- waiting ------------------------------------------------------------------------

    async def wait_for_sent(
        self,
        phone: str,
        count: int = 1,
        timeout: float = 30.0,  # noqa: ASYNC109 - a deadline for the condition, not I/O
        *,
        predicate: Callable[[SentMessage], bool] | None = None,
    ) -> list[SentMessage]:
        """Wait until we sent `phone` at least `count` messages (matching `predicate`);
        return all sent to `phone`."""

        def matching() -> list[SentMessage]:
            return [s for s in self.sent_to(phone) if predicate is None or predicate(s)]

        await self.wait_until(
            lambda: len(matching()) >= count, timeout, what=f"{count} message(s) to {phone}"
        )
        return self.sent_to(phone)

    async def wait_delivered(self, timeout: float = 30.0) -> None:  # noqa: ASYNC109
        """Wait until every queued webhook was accepted with a 200."""
        await self.wait_until(lambda: not self.pending, timeout, what="webhooks delivered")
