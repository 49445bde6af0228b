"""Commands typed as words (WhatsApp has no menu): the whole message, but not as a name or
as the youth's own words."""

from __future__ import annotations

from dataclasses import replace

from flows.model import CommandIn, ExportData, SetStopped, TextIn
from flows.state import State
from flows.words import typed_command
from tests.support.dialog import Chat


def at(step: str) -> Chat:
    chat = Chat()
    chat.say("/start")
    if step != "name":
        chat.say("Noor")
    return chat


def test_the_words_act_as_the_command_in_any_spelling() -> None:
    for typed in ("hulp", "Hulp!", " HULP ", "/hulp"):
        chat = at("age")
        answer = chat.say(typed)
        assert "1813" in answer and "112" in answer, typed
        assert chat.state.step == "age"
    chat = at("age")
    assert "Welke taal wil je?" in chat.say("Taal")
    chat = at("age")
    assert "geen berichten meer" in chat.say("Stop.")
    assert chat.of_type(SetStopped) == [SetStopped(True)]
    chat = at("age")
    chat.say("mijn gegevens")
    assert chat.of_type(ExportData) == [ExportData()]
    chat = at("age")
    assert "Wil je dat we alles over jou wissen?" in chat.say("Vergeet mij")
    chat = at("age")
    assert "Wil je dat we alles over jou wissen?" in chat.say("vergeetmij")


def test_only_the_whole_message_counts() -> None:
    chat = at("age")
    answer = chat.say("ik wil stoppen met school")
    assert "geen berichten meer" not in answer
    assert chat.of_type(SetStopped) == []


def test_at_the_name_question_the_words_are_commands_too() -> None:
    """Its welcome says "Andere taal? Typ /taal."; nobody is called "Vergeet mij"."""
    chat = at("name")
    assert "Welke taal wil je?" in chat.say("taal")
    chat = at("name")
    assert "Wil je dat we alles over jou wissen?" in chat.say("Vergeet mij")
    assert chat.state.answers.name == ""


def test_what_the_youth_wants_to_tell_is_their_own_words() -> None:
    chat = at("age")
    chat.say("19")
    chat.say("Maasmechelen")
    chat.press("Werk")
    chat.press("Klaar")
    assert chat.state.step == "needs_text"
    chat.say("hulp")
    assert chat.state.answers.needs_text == "hulp"
    assert chat.state.step == "referral"


def test_a_note_with_a_check_in_or_a_reason_to_move_an_appointment_is_free_text() -> None:
    done = State(step="done")
    assert typed_command(TextIn("Stop!"), done) == CommandIn("stop")
    assert typed_command(TextIn("stop"), replace(done, checkin_note=7)) == TextIn("stop")
    assert typed_command(TextIn("hulp"), replace(done, appt_change=3)) == TextIn("hulp")
