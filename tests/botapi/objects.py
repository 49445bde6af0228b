"""Plain records and Telegram object builders shared by the fake Bot API server."""

from __future__ import annotations

import hashlib
import itertools
import time
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "ApiError",
    "Call",
    "ChatState",
    "Event",
    "StoredFile",
    "UploadedFile",
    "bot_user",
    "file_ids",
]

JSON = dict[str, Any]

_file_counter = itertools.count(1)


class ApiError(Exception):
    """A Telegram error answer: ``{"ok": false, "error_code": ..., "description": ...}``."""

    def __init__(self, status: int, description: str, parameters: JSON | None = None) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.parameters = parameters

    def body(self) -> JSON:
        body: JSON = {"ok": False, "error_code": self.status, "description": self.description}
        if self.parameters:
            body["parameters"] = self.parameters
        return body


@dataclass
class Call:
    """One HTTP call the client made, as answered."""

    method: str
    params: JSON
    status: int
    response: JSON
    violations: list[str]
    files: list[str] = field(default_factory=list)
    at: float = field(default_factory=time.time)


@dataclass
class UploadedFile:
    """A multipart file part of a request."""

    filename: str | None
    content_type: str | None
    content: bytes


@dataclass
class StoredFile:
    """A file the server knows by file_id and can serve at its file_path."""

    file_id: str
    file_unique_id: str
    file_path: str
    content: bytes
    file_name: str | None = None
    mime_type: str | None = None

    def as_file(self) -> JSON:
        return {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_size": len(self.content),
            "file_path": self.file_path,
        }


@dataclass
class Event:
    """One line of the human-readable transcript."""

    chat_id: int
    who: str
    text: str
    at: float = field(default_factory=time.time)


@dataclass
class ChatState:
    """What the server knows about one chat."""

    chat: JSON
    user: JSON | None  # the private-chat partner, or None for groups
    next_message_id: int = 1
    blocked: bool = False
    messages: dict[int, JSON] = field(default_factory=dict)  # every message, by id
    bot_message_ids: list[int] = field(default_factory=list)
    bot_meta: dict[int, JSON] = field(default_factory=dict)  # raw_text, history, keyboards
    deleted: set[int] = field(default_factory=set)

    def take_message_id(self) -> int:
        message_id = self.next_message_id
        self.next_message_id += 1
        return message_id


def bot_user(bot_id: int, *, full: bool = False) -> JSON:
    user: JSON = {
        "id": bot_id,
        "is_bot": True,
        "first_name": "Instap",
        "username": "instap_test_bot",
    }
    if full:
        user.update(
            can_join_groups=True,
            can_read_all_group_messages=False,
            supports_inline_queries=False,
            can_connect_to_business=False,
            has_main_web_app=False,
        )
    return user


def file_ids(kind: str) -> tuple[str, str]:
    """Return a fresh (file_id, file_unique_id) pair that looks like Telegram's."""
    n = next(_file_counter)
    digest = hashlib.sha1(f"{kind}:{n}".encode()).hexdigest()
    prefix = {"photo": "AgAC", "sticker": "CAAC", "voice": "AwAC", "video": "BAAC"}.get(
        kind, "BQAC"
    )
    return f"{prefix}AgQAAxkBAAI{n:05d}{digest[:24]}", f"AgAD{digest[24:36]}"


_EXTENSIONS = {
    "photo": ("photos", "jpg", "image/jpeg"),
    "sticker": ("stickers", "webp", "image/webp"),
    "voice": ("voice", "oga", "audio/ogg"),
    "video": ("videos", "mp4", "video/mp4"),
    "video_note": ("video_notes", "mp4", "video/mp4"),
    "animation": ("animations", "mp4", "video/mp4"),
    "audio": ("music", "mp3", "audio/mpeg"),
    "document": ("documents", "pdf", "application/pdf"),
}


def new_stored_file(
    kind: str, content: bytes, file_name: str | None = None, mime_type: str | None = None
) -> StoredFile:
    folder, ext, default_mime = _EXTENSIONS.get(kind, ("documents", "bin", None))
    file_id, unique = file_ids(kind)
    if file_name and "." in file_name:
        ext = file_name.rsplit(".", 1)[1]
    path = f"{folder}/file_{file_id[-6:]}.{ext}"
    return StoredFile(file_id, unique, path, content, file_name, mime_type or default_mime)


def media_object(kind: str, stored: StoredFile, extra: JSON | None = None) -> Any:
    """Build the message field for a media kind (a list of sizes for photos)."""
    base: JSON = {
        "file_id": stored.file_id,
        "file_unique_id": stored.file_unique_id,
        "file_size": len(stored.content),
    }
    extra = dict(extra or {})
    if kind == "photo":
        sizes = []
        for width, height in ((90, 67), (320, 240), (800, 600)):
            size = dict(base, width=width, height=height)
            if (width, height) != (800, 600):
                # Thumbnails get their own ids; only the largest is the real upload.
                size["file_id"], size["file_unique_id"] = file_ids("photo")
            sizes.append(size)
        return sizes
    shapes: dict[str, JSON] = {
        "sticker": {
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "emoji": "👍",
        },
        "voice": {"duration": 3, "mime_type": stored.mime_type},
        "video": {"width": 640, "height": 360, "duration": 5, "mime_type": stored.mime_type},
        "video_note": {"length": 240, "duration": 4},
        "animation": {"width": 320, "height": 240, "duration": 2, "mime_type": stored.mime_type},
        "audio": {
            "duration": 30,
            "performer": "Artist",
            "title": "Song",
            "mime_type": stored.mime_type,
        },
        "document": {"mime_type": stored.mime_type},
    }
    obj = dict(base, **shapes.get(kind, {}))
    if stored.file_name and kind in ("document", "video", "animation", "audio"):
        obj["file_name"] = stored.file_name
    obj.update(extra)
    return {k: v for k, v in obj.items() if v is not None}
