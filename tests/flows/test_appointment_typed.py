"""Typing an answer to an appointment works like tapping; /afspraken offers the buttons too."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from flows.context import Context
from flows.conversation import step
from flows.model import AppointmentAnswer, CommandIn, Send
from flows.state import State
from tests.flows.test_appointments import SARA, answers, noor, told
from tests.support.dialog import NOW, lexicon, places, translator

DAYPARTS = ["Voormiddag (9u–12u)", "Namiddag (12u–17u)", "Avond (17u–20u)", "Maakt niet uit"]


@pytest.mark.parametrize(
    "typed",
    ["oké ik kom", "Oké, ik kom!", "ok ik kom", "ja ik kom", "Ja, ik kom 👍", "ik kom", "dat past"],
)
def test_typing_ik_kom_confirms_like_the_button(typed: str) -> None:
    chat = noor()
    told(chat)
    assert chat.say(typed) == "Top, tot dan!"
    assert answers(chat) == [AppointmentAnswer(7, "confirmed")]


@pytest.mark.parametrize(
    "typed", ["dat past niet", "Dat past niet.", "past niet", "past me niet", "ik kan niet"]
)
def test_typing_past_niet_asks_a_better_moment_like_the_button(typed: str) -> None:
    chat = noor()
    told(chat)
    # (youth types, bot answers) — the same turns as with the buttons
    dialog = [
        (typed, "Wanneer past het je beter?"),
        ("Avond (17u–20u)", "Wil je zeggen waarom? Typ het, of tik op Overslaan."),
        ("Ik werk overdag.", "Dank je. Sara zoekt een nieuw moment met je."),
    ]
    assert chat.say(dialog[0][0]) == dialog[0][1]
    assert chat.buttons() == DAYPARTS
    assert chat.press(dialog[1][0]) == dialog[1][1]
    assert chat.say(dialog[2][0]) == dialog[2][1]
    assert answers(chat) == [
        AppointmentAnswer(7, "wants_change", dayparts=("evening",), reason="Ik werk overdag.")
    ]


def test_typed_in_english() -> None:
    chat = noor()
    chat.lang = "en"
    told(chat)
    assert chat.say("I’ll come") == "Great, see you then!"
    assert answers(chat) == [AppointmentAnswer(7, "confirmed")]


def test_without_a_proposed_appointment_ik_kom_is_a_message_for_the_coach() -> None:
    # Nothing waits for an answer (none planned, or already confirmed): the coach reads it.
    for view in (None, replace(SARA, state="confirmed")):
        chat = noor(view)
        assert chat.say("oké ik kom").startswith("Bedankt! Ik geef je bericht door aan je coach.")
        assert answers(chat) == []


@pytest.mark.parametrize(
    "typed", ["ik kom morgen niet naar school", "past niet in mijn agenda, kan je bellen?", "ok"]
)
def test_a_longer_sentence_is_not_taken_as_an_answer(typed: str) -> None:
    chat = noor()
    told(chat)
    assert chat.say(typed).startswith("Bedankt! Ik geef je bericht door aan je coach.")
    assert answers(chat) == []


def test_typed_on_a_moved_appointment_answers_the_new_moment() -> None:
    # The engine hands the proposed appointment as it is now: the answer is for version 2.
    chat = noor(replace(SARA, version=2))
    assert chat.say("ok ik kom") == "Top, tot dan!"
    assert answers(chat) == [AppointmentAnswer(7, "confirmed")]


def test_a_late_press_on_skip_after_typing_why_does_not_wipe_the_reason() -> None:
    chat = noor()
    told(chat)
    chat.say("past niet")
    chat.press("Namiddag (12u–17u)")
    skip = chat.last  # the "Wil je zeggen waarom?" message with "Overslaan"
    assert chat.say("Ik heb dan les.") == "Dank je. Sara zoekt een nieuw moment met je."
    chat.last = skip  # the youth scrolls up and taps the old "Overslaan"
    assert chat.press("Overslaan") == "Die knop werkt niet meer."
    assert answers(chat) == [
        AppointmentAnswer(7, "wants_change", dayparts=("afternoon",), reason="Ik heb dan les.")
    ]


def test_afspraken_offers_the_buttons_for_one_still_waiting_for_an_answer() -> None:
    confirmed = replace(SARA, id=6, starts_at=SARA.starts_at - timedelta(days=1),
                        state="confirmed", place="VDAB Maasmechelen")  # fmt: skip
    ctx = Context(now=NOW, lang="nl", directory=places(), lexicon=lexicon(),
                  upcoming=(confirmed, SARA))  # fmt: skip
    (send,) = step(State(step="done"), CommandIn("afspraken"), ctx).effects
    assert isinstance(send, Send)
    (shown,) = translator().reply(send.reply, "nl")
    assert shown.text == (
        "Je volgende afspraken:\n"
        "📅 maandag 23 november om 14u · VDAB Maasmechelen · met Sara\n"
        "📅 dinsdag 24 november om 14u · WAM!-kantoor, Stationsstraat 1, Maasmechelen · met Sara\n"
        "Past dinsdag 24 november om 14u voor jou?"
    )
    assert [[b.text for b in row] for row in shown.buttons] == [["Oké, ik kom", "Dat past niet"]]
    assert [b.data for row in shown.buttons for b in row] == ["appt:ok:7:1", "appt:no:7:1"]
