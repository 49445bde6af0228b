"""In-memory runtime of the fake Bot API: chats, messages, files, the update queue.

Everything here is synchronous and free of I/O, so tests can drive it directly; the user_*
helpers play the part of people talking to the bot.
"""

from __future__ import annotations

import copy
import itertools
import time
from collections.abc import Callable
from typing import Any

from tests.support.waits import Changes

from .objects import (
    JSON,
    Call,
    ChatState,
    Event,
    StoredFile,
    bot_user,
    media_object,
    new_stored_file,
)
from .spec import Spec

__all__ = ["DEFAULT_UPDATES_EXCLUDED", "MEDIA_KINDS", "BotState"]

MEDIA_KINDS = (
    "sticker",
    "photo",
    "voice",
    "video",
    "video_note",
    "document",
    "location",
    "contact",
    "animation",
    "audio",
)
# Telegram leaves these out unless allowed_updates names them.
DEFAULT_UPDATES_EXCLUDED = frozenset({"chat_member", "message_reaction", "message_reaction_count"})
_GROUP_USER_ID = 4242


class BotState(Changes):
    """The data behind the server plus the helpers that simulate users."""

    def __init__(self, spec: Spec, token: str) -> None:
        self.spec = spec
        self.token = token
        self.bot_id = int(token.split(":", 1)[0]) if token.split(":", 1)[0].isdigit() else 1
        self.clock: Callable[[], float] = time.time
        self.chats: dict[int, ChatState] = {}
        self.files: dict[str, StoredFile] = {}
        self.pending_updates: list[JSON] = []
        self.confirmed_update_ids: set[int] = set()
        self.delivered_update_ids: set[int] = set()
        self._next_update_id = 100_001
        self._callback_ids = itertools.count(4_785_000_000_000_000_001)
        self.strict_chats = True  # sending to a chat nobody opened -> "chat not found"
        self.issued_callback_ids: set[str] = set()
        self.callback_chats: dict[str, int] = {}
        self.callback_answers: dict[str, JSON] = {}
        self.delivered_callback_ids: set[str] = set()
        self.answered_callback_ids: set[str] = set()
        self.invalid_callback_answers: list[str] = []
        self.calls: list[Call] = []
        self.violations: list[str] = []
        self.server_errors: list[str] = []  # bugs in this fake server, found by self-checks
        self.events: list[Event] = []
        self.commands: dict[tuple[str, str], list[JSON]] = {}
        self.bot_texts: dict[tuple[str, str], str] = {}  # (kind, language_code) -> text
        self.menu_buttons: dict[int | None, JSON] = {}
        Changes.__init__(self)

    # --- change notification ----------------------------------------------------------

    def now(self) -> int:
        return int(self.clock())

    # --- chats -------------------------------------------------------------------------

    def ensure_chat(
        self,
        chat_id: int,
        *,
        first_name: str = "Noor",
        language_code: str | None = "nl",
        chat_type: str = "private",
        username: str | None = None,
        title: str | None = None,
    ) -> ChatState:
        """Return the chat, creating it (and its private user) on first use."""
        state = self.chats.get(chat_id)
        if state is not None:
            return state
        if chat_type == "private":
            if chat_id <= 0:
                raise ValueError("private chats have positive ids (the user's id)")
            person: JSON = {"id": chat_id, "is_bot": False, "first_name": first_name}
            if username:
                person["username"] = username
            if language_code:
                person["language_code"] = language_code
            user: JSON | None = person
            chat: JSON = {"id": chat_id, "type": "private", "first_name": first_name}
            if username:
                chat["username"] = username
        else:
            if chat_id >= 0:
                raise ValueError("group chats have negative ids")
            user = None
            chat = {"id": chat_id, "type": chat_type, "title": title or f"Group {-chat_id}"}
        state = ChatState(chat=chat, user=user)
        self.chats[chat_id] = state
        return state

    def _sender(self, state: ChatState, first_name: str, language_code: str | None) -> JSON:
        if state.user is not None:
            return state.user
        sender: JSON = {"id": _GROUP_USER_ID, "is_bot": False, "first_name": first_name}
        if language_code:
            sender["language_code"] = language_code
        return sender

    def log(self, chat_id: int, who: str, text: str) -> None:
        self.events.append(Event(chat_id, who, text, self.clock()))

    # --- updates -----------------------------------------------------------------------

    def push_update(self, raw: JSON) -> int:
        """Queue a raw update (assigning update_id if missing); return its update_id."""
        update = copy.deepcopy(raw)
        update_id = update.get("update_id")
        if not isinstance(update_id, int):
            update_id = self._next_update_id
            update = {"update_id": update_id, **update}
        self._next_update_id = max(self._next_update_id, update_id + 1)
        query = update.get("callback_query")
        if isinstance(query, dict) and "id" in query:
            self.issued_callback_ids.add(str(query["id"]))
            chat = (query.get("message") or {}).get("chat") or {}
            self.callback_chats[str(query["id"])] = int(chat.get("id", 0))
        self.pending_updates.append(update)
        self.pending_updates.sort(key=lambda u: int(u["update_id"]))
        self.notify()
        return update_id

    def confirm_updates_below(self, offset: int) -> None:
        kept = []
        for update in self.pending_updates:
            if update["update_id"] < offset:
                self.confirmed_update_ids.add(update["update_id"])
            else:
                kept.append(update)
        self.pending_updates = kept

    def mark_delivered(self, update: JSON) -> None:
        self.delivered_update_ids.add(update["update_id"])
        query = update.get("callback_query")
        if isinstance(query, dict):
            self.delivered_callback_ids.add(str(query["id"]))

    @staticmethod
    def update_type(update: JSON) -> str:
        return next((k for k in update if k != "update_id"), "")

    @staticmethod
    def allows(allowed: list[str] | None, update: JSON) -> bool:
        kind = BotState.update_type(update)
        if not allowed:
            return kind not in DEFAULT_UPDATES_EXCLUDED
        return kind in allowed

    def unanswered_callback_ids(self) -> set[str]:
        """Callback query ids delivered to the bot that it never answered."""
        return self.delivered_callback_ids - self.answered_callback_ids

    # --- simulated users ---------------------------------------------------------------

    def _user_message(
        self,
        chat_id: int,
        *,
        first_name: str,
        language_code: str | None,
        chat_type: str,
        content: JSON,
    ) -> JSON:
        state = self.ensure_chat(
            chat_id, first_name=first_name, language_code=language_code, chat_type=chat_type
        )
        message: JSON = {
            "message_id": state.take_message_id(),
            "from": self._sender(state, first_name, language_code),
            "chat": state.chat,
            "date": self.now(),
            **content,
        }
        state.messages[message["message_id"]] = message
        return message

    def user_sends_text(
        self,
        chat_id: int,
        text: str,
        *,
        first_name: str = "Noor",
        language_code: str | None = "nl",
        chat_type: str = "private",
    ) -> int:
        """Simulate the user typing `text`; commands get their bot_command entity."""
        content: JSON = {"text": text}
        if text.startswith("/"):
            command = text.split()[0]
            content["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
        message = self._user_message(
            chat_id,
            first_name=first_name,
            language_code=language_code,
            chat_type=chat_type,
            content=content,
        )
        self.log(chat_id, message["from"]["first_name"], text)
        return self.push_update({"message": message})

    def user_sends(self, chat_id: int, kind: str, **extra: Any) -> int:
        """Simulate a non-text message: sticker, photo, voice, video, video_note, document,
        location, contact, animation or audio.  Known keywords: caption, content (bytes of
        the file), file_name, first_name, language_code, chat_type; anything else is merged
        into the media object."""
        if kind not in MEDIA_KINDS:
            raise ValueError(f"unknown kind {kind!r}; use one of {MEDIA_KINDS}")
        first_name = extra.pop("first_name", "Noor")
        language_code = extra.pop("language_code", "nl")
        chat_type = extra.pop("chat_type", "private")
        caption = extra.pop("caption", None)
        content: JSON = {}
        if kind == "location":
            content["location"] = {"latitude": 51.0543, "longitude": 3.7174, **extra}
        elif kind == "contact":
            content["contact"] = {
                "phone_number": "+32470123456",
                "first_name": first_name,
                "user_id": chat_id,
                **extra,
            }
        else:
            data = extra.pop("content", None)
            stored = new_stored_file(
                kind,
                data if isinstance(data, bytes) else f"fake {kind} bytes".encode(),
                extra.pop("file_name", "cv.pdf" if kind == "document" else None),
                extra.pop("mime_type", None),
            )
            self.files[stored.file_id] = stored
            content[kind] = media_object(kind, stored, extra)
            if kind == "animation":  # Telegram also fills `document` for backward compatibility
                content["document"] = media_object("document", stored)
            if caption is not None:
                content["caption"] = caption
        message = self._user_message(
            chat_id,
            first_name=first_name,
            language_code=language_code,
            chat_type=chat_type,
            content=content,
        )
        suffix = f" {caption!r}" if caption else ""
        self.log(chat_id, message["from"]["first_name"], f"<{kind}>{suffix}")
        return self.push_update({"message": message})

    def user_forwards_text(self, chat_id: int, text: str, *, origin_name: str = "Sam") -> int:
        """Simulate the user forwarding someone else's text message."""
        origin = {
            "type": "hidden_user",
            "date": self.now() - 3600,
            "sender_user_name": origin_name,
        }
        message = self._user_message(
            chat_id,
            first_name="Noor",
            language_code="nl",
            chat_type="private" if chat_id > 0 else "group",
            content={"forward_origin": origin, "text": text},
        )
        self.log(chat_id, message["from"]["first_name"], f"<forwarded from {origin_name}> {text}")
        return self.push_update({"message": message})

    def user_edits(self, chat_id: int, message_id: int, new_text: str) -> int:
        """Simulate the user editing one of their own earlier text messages."""
        state = self.chats[chat_id]
        message = state.messages.get(message_id)
        if message is None or message_id in state.bot_message_ids:
            raise ValueError(f"chat {chat_id} has no user message {message_id}")
        message["text"] = new_text
        message["edit_date"] = self.now()
        self.log(chat_id, message["from"]["first_name"], f"<edited #{message_id}> {new_text}")
        return self.push_update({"edited_message": copy.deepcopy(message)})

    def user_presses(self, chat_id: int, data: str, *, message_id: int | None = None) -> int:
        """Simulate the user tapping the inline button with this callback_data."""
        state = self.chats[chat_id]
        message = self._keyboard_message(state, message_id)
        buttons = _buttons(message)
        label = next((b.get("text") for b in buttons if b.get("callback_data") == data), None)
        if label is None:
            offered = [b.get("callback_data") for b in buttons]
            raise ValueError(
                f"message {message['message_id']} in chat {chat_id} has no button with "
                f"callback_data {data!r}; it offers {offered}"
            )
        sender = self._sender(state, "Noor", "nl")
        query: JSON = {
            "id": str(next(self._callback_ids)),
            "from": sender,
            "message": copy.deepcopy(message),
            "chat_instance": f"-{abs(chat_id) * 7919 % 10**12}",
            "data": data,
        }
        self.log(chat_id, sender["first_name"], f"<pressed [{label}] data={data!r}>")
        return self.push_update({"callback_query": query})

    def user_taps(self, chat_id: int, label: str, *, message_id: int | None = None) -> int:
        """Like user_presses, but find the button by its visible text."""
        message = self._keyboard_message(self.chats[chat_id], message_id)
        for button in _buttons(message):
            if button.get("text") == label and "callback_data" in button:
                return self.user_presses(
                    chat_id, button["callback_data"], message_id=message["message_id"]
                )
        labels = [b.get("text") for b in _buttons(message)]
        raise ValueError(f"no callback button labelled {label!r}; buttons: {labels}")

    def _keyboard_message(self, state: ChatState, message_id: int | None) -> JSON:
        if message_id is not None:
            if message_id not in state.bot_message_ids or message_id in state.deleted:
                raise ValueError(f"no (undeleted) bot message {message_id}")
            return state.messages[message_id]
        for candidate in reversed(state.bot_message_ids):
            message = state.messages[candidate]
            if candidate not in state.deleted and _buttons(message):
                return message
        raise ValueError(f"no bot message with an inline keyboard in chat {state.chat['id']}")

    def user_blocks_bot(self, chat_id: int) -> int:
        """Simulate the user blocking the bot (my_chat_member: member -> kicked)."""
        return self._membership(chat_id, "member", "kicked", blocked=True)

    def user_unblocks_bot(self, chat_id: int) -> int:
        """Simulate the user unblocking the bot (my_chat_member: kicked -> member)."""
        return self._membership(chat_id, "kicked", "member", blocked=False)

    def _membership(self, chat_id: int, old: str, new: str, *, blocked: bool) -> int:
        state = self.ensure_chat(chat_id)
        state.blocked = blocked
        me = bot_user(self.bot_id)
        new_member: JSON = {"status": new, "user": me}
        if new == "kicked":
            new_member["until_date"] = 0
        old_member: JSON = {"status": old, "user": me}
        if old == "kicked":
            old_member["until_date"] = 0
        sender = self._sender(state, "Noor", "nl")
        self.log(chat_id, sender["first_name"], "<blocked the bot>" if blocked else "<unblocked>")
        return self.push_update(
            {
                "my_chat_member": {
                    "chat": state.chat,
                    "from": sender,
                    "date": self.now(),
                    "old_chat_member": old_member,
                    "new_chat_member": new_member,
                }
            }
        )

    def set_blocked(self, chat_id: int, blocked: bool = True) -> None:
        """Mark the chat as blocked without sending an update."""
        self.ensure_chat(chat_id).blocked = blocked

    # --- what the bot said -------------------------------------------------------------

    def bot_messages(self, chat_id: int, *, include_deleted: bool = True) -> list[JSON]:
        """The bot's messages in this chat, oldest first, as they are now (after edits).

        Each is a copy of the Message object plus bookkeeping keys: ``raw_text`` (as sent,
        before parse_mode), ``parse_mode``, ``deleted``, ``history`` (earlier texts) and
        ``keyboard`` (a ReplyKeyboardMarkup, which Telegram does not echo in the Message)."""
        state = self.chats.get(chat_id)
        if state is None:
            return []
        return [
            {
                **copy.deepcopy(state.messages[mid]),
                **copy.deepcopy(state.bot_meta.get(mid, {})),
                "deleted": mid in state.deleted,
            }
            for mid in state.bot_message_ids
            if include_deleted or mid not in state.deleted
        ]

    def sent_texts(self, chat_id: int, *, raw: bool = False) -> list[str]:
        """Texts (or captions) of the bot's messages, as the user sees them."""
        key = "raw_text" if raw else "text"
        return [str(m.get(key) or m.get("caption") or "") for m in self.bot_messages(chat_id)]

    def transcript_text(self, chat_id: int | None = None) -> str:
        """A readable log of the conversation(s), one line per event."""
        lines = []
        for event in self.events:
            if chat_id is None or event.chat_id == chat_id:
                stamp = time.strftime("%H:%M:%S", time.localtime(event.at))
                prefix = f"[{event.chat_id}] " if chat_id is None else ""
                lines.append(f"{stamp} {prefix}{event.who}: {event.text}")
        return "\n".join(lines)


def _buttons(message: JSON) -> list[JSON]:
    markup = message.get("reply_markup") or {}
    rows = markup.get("inline_keyboard") or []
    return [button for row in rows for button in row]
