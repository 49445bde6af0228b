"""Entry points: the key a poster's link carries lands in the registration, or nothing does."""

from __future__ import annotations

import pytest

from core.entry_links import Addresses, links
from flows.entry import EntryPoint, entry_key_in, known_key
from flows.model import CreateCase
from tests.flows.test_intake import finish, register
from tests.support.dialog import Chat

KNOWN = frozenset({"ocmw-maaseik", "vdab-consulent"})


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("Hoi! Ik wil graag meer weten over Instap. (ocmw-maaseik)", "ocmw-maaseik"),
        ("Hoi! Ik wil graag meer weten over Instap. ( VDAB-Consulent ) ", "vdab-consulent"),
        ("hallo (ocmw-maaseik)!", "ocmw-maaseik"),
        ("Hoi! Ik wil graag meer weten over Instap.", None),  # the youth deleted the key
        ("Hoi! (ocmw-gent)", None),  # no such poster: no source, no error
        ("(ocmw-maaseik) en nog iets erna", None),  # only at the end, as the link writes it
        ("ik woon in Maaseik (bij mijn ma)", None),
        ("", None),
        ("(" * 5000 + "ocmw-maaseik)", "ocmw-maaseik"),  # only the tail is read: fast
        ("(ocmw-maaseik)" + " " * 300, None),
    ],
)
def test_the_key_at_the_end_of_a_first_message(text: str, key: str | None) -> None:
    assert entry_key_in(text, KNOWN) == key


@pytest.mark.parametrize(
    ("args", "key"),
    [("ocmw-maaseik", "ocmw-maaseik"), (" OCMW-MAASEIK ", "ocmw-maaseik"), ("nope", None),
     ("", None), ("ocmw maaseik", None), ("x" * 500, None)],
)  # fmt: skip
def test_a_start_parameter_is_a_known_key_or_nothing(args: str, key: str | None) -> None:
    assert known_key(args, KNOWN) == key


def test_links_for_each_channel() -> None:
    poster = EntryPoint("ocmw-maaseik", "Affiche OCMW Maaseik", "wam")
    to = Addresses("https://instap.example/", "InstapBot", "32470000000")
    assert [(link.channel, link.url) for link in links(poster, to)] == [
        ("web", "https://instap.example/chat?via=ocmw-maaseik"),
        ("telegram", "https://t.me/InstapBot?start=ocmw-maaseik"),
        (
            "whatsapp",
            "https://wa.me/32470000000?text=Hoi%21%20Ik%20wil%20graag%20meer%20weten%20over"
            "%20Instap.%20%28ocmw-maaseik%29",
        ),
    ]
    # Without a bot name or number, only the web chat's link.
    assert [link.channel for link in links(poster, Addresses("http://127.0.0.1:8080"))] == ["web"]


def registration(chat: Chat) -> dict[str, object]:
    (case,) = chat.of_type(CreateCase)
    assert isinstance(case, CreateCase)
    return case.answers


def test_start_with_a_key_lands_in_the_registration() -> None:
    chat = Chat()
    assert "Hoe mogen we je noemen?" in chat.say("/start vdab-consulent")
    register_rest(chat)
    assert registration(chat)["entry_point"] == "vdab-consulent"


def test_an_unknown_key_is_just_no_source() -> None:
    chat = Chat()
    assert "Hoe mogen we je noemen?" in chat.say("/start ocmw-gent")
    register_rest(chat)
    assert registration(chat)["entry_point"] == ""


def test_a_whatsapp_first_message_with_the_key_starts_the_intake_with_it() -> None:
    chat = Chat()
    first = chat.say("Hoi! Ik wil graag meer weten over Instap. (ocmw-maaseik)")
    assert "Hoe mogen we je noemen?" in first
    register_rest(chat)
    assert registration(chat)["entry_point"] == "ocmw-maaseik"


def test_the_key_survives_starting_over_and_is_not_replaced_later() -> None:
    chat = Chat()
    chat.say("/start ocmw-maaseik")
    chat.say("Noor")
    chat.say("/start vdab-consulent")  # a second poster mid-intake: the first one stays
    chat.press("Opnieuw beginnen")
    register(chat)
    finish(chat)
    assert registration(chat)["entry_point"] == "ocmw-maaseik"
    chat.say("/start vdab-consulent")  # registered: nothing changes any more
    assert len(chat.of_type(CreateCase)) == 1


def register_rest(chat: Chat) -> None:
    chat.say("Noor")
    chat.say("19")
    chat.say("Eisden")
    finish(chat)
