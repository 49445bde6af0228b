"""The media types and sizes WhatsApp accepts (Meta's "Supported media types" page)."""

from __future__ import annotations

__all__ = ["KIND_OF_MIME", "MAX_BYTES", "SUPPORTED", "kind_for_mime"]

SUPPORTED: dict[str, frozenset[str]] = {
    "audio": frozenset({"audio/aac", "audio/amr", "audio/mpeg", "audio/mp4", "audio/ogg"}),
    "document": frozenset(
        {
            "text/plain",
            "application/pdf",
            "application/msword",
            "application/vnd.ms-excel",
            "application/vnd.ms-powerpoint",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "application/vnd.openxmlformats-officedocument.presentationml.presentation",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        }
    ),
    "image": frozenset({"image/jpeg", "image/png"}),
    "sticker": frozenset({"image/webp"}),
    "video": frozenset({"video/3gpp", "video/mp4"}),
}
MAX_BYTES = {
    "audio": 16 * 2**20,
    "document": 100 * 2**20,
    "image": 5 * 2**20,
    "sticker": 500 * 2**10,
    "video": 16 * 2**20,
}
KIND_OF_MIME = {mime: kind for kind, mimes in SUPPORTED.items() for mime in mimes}


def kind_for_mime(mime_type: str) -> str | None:
    """The message type a file of this MIME type can be sent as (None: not supported)."""
    return KIND_OF_MIME.get(mime_type.split(";")[0].strip().lower())
