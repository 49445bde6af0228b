"""WhatsApp messages as flow events."""

from __future__ import annotations

from typing import Any

from bot.incoming import Incoming, decode
from flows.model import ButtonIn, CommandIn, MediaIn, TextIn


def incoming(message: dict[str, Any]) -> Incoming | None:
    base = {"from": "32470123456", "id": "wamid.IN1", "timestamp": "1790000000"}
    return decode("whatsapp", {"message": {**base, **message}})


def test_text_command_and_long_text() -> None:
    said = incoming({"type": "text", "text": {"body": "hallo"}})
    assert said == Incoming("whatsapp", "32470123456", TextIn("hallo"))
    command = incoming({"type": "text", "text": {"body": " /taal "}})
    assert command is not None and command.event == CommandIn("taal")
    long = incoming({"type": "text", "text": {"body": "a" * 20_000}})
    assert long is not None and long.event == TextIn("a" * 10_000)


def test_a_button_reply_and_a_list_pick_name_the_message_they_were_on() -> None:
    tap = incoming({
        "type": "interactive",
        "context": {"from": "1234", "id": "wamid.OUT7"},
        "interactive": {"type": "button_reply", "button_reply": {"id": "work", "title": "Werk"}},
    })  # fmt: skip
    assert tap is not None
    assert (tap.event, tap.button_ref) == (ButtonIn("work"), "wamid.OUT7")
    pick = incoming({
        "type": "interactive",
        "context": {"id": "wamid.OUT8"},
        "interactive": {"type": "list_reply", "list_reply": {"id": "muni:genk", "title": "Genk"}},
    })  # fmt: skip
    assert pick is not None
    assert (pick.event, pick.button_ref) == (ButtonIn("muni:genk"), "wamid.OUT8")


def test_media_kinds() -> None:
    cases = [
        ({"type": "audio", "audio": {"id": "m1", "voice": True}}, MediaIn("voice", "", "m1")),
        ({"type": "audio", "audio": {"id": "m2"}}, MediaIn("audio", "", "m2")),
        ({"type": "image", "image": {"id": "m3", "caption": "cv"}}, MediaIn("photo", "cv", "m3")),
        ({"type": "video", "video": {"id": "m4"}}, MediaIn("video", "", "m4")),
        ({"type": "document", "document": {"id": "m5"}}, MediaIn("document", "", "m5")),
        ({"type": "sticker", "sticker": {"id": "m6"}}, MediaIn("sticker", "", "m6")),
        (
            {"type": "location", "location": {"latitude": 50.9, "longitude": 5.4}},
            MediaIn("location", "📍 50.9, 5.4"),
        ),
        (
            {
                "type": "contacts",
                "contacts": [{"name": {"formatted_name": "Sam"}, "phones": [{"phone": "+32 470"}]}],
            },
            MediaIn("contact", "Sam +32 470"),
        ),
        ({"type": "reaction", "reaction": {"emoji": "👍"}}, MediaIn("other", "👍")),
        ({"type": "unsupported", "errors": [{"code": 131051}]}, MediaIn("other")),
    ]
    for message, event in cases:
        decoded = incoming(message)
        assert decoded is not None and decoded.event == event, message


def test_a_payload_without_a_sender_is_not_acted_on() -> None:
    assert decode("whatsapp", {"message": {"type": "text"}}) is None
    assert decode("whatsapp", {}) is None
