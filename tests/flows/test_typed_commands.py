"""Commands typed as words, as a youth on WhatsApp types them: no slash, any case, a full stop.

The table is what a youth types and what they must read back; the whole message is the
command, a sentence that only contains the word is for the coach.
"""

from __future__ import annotations

import pytest

from flows.lookups import needs
from flows.model import CommandIn, ExportData, SetStopped, TextIn
from flows.state import State
from flows.words import typed_command
from tests.support.dialog import Chat


def at_age_step() -> Chat:
    chat = Chat()
    chat.say("/start")
    chat.say("Noor")
    return chat


@pytest.mark.parametrize(
    ("typed", "command"),
    [
        ("stop", "stop"),
        ("Stop.", "stop"),
        ("STOP!", "stop"),
        ("/stop", "stop"),
        ("pauze", "pauze"),
        ("Pauze 2 weken", "pauze"),
        ("taal", "taal"),
        ("Language", "taal"),
        ("hulp", "hulp"),
        ("Help!", "hulp"),
        ("mijn gegevens", "mijngegevens"),
        ("Mijn Gegevens?", "mijngegevens"),
        ("mijngegevens", "mijngegevens"),
        ("vergeet mij", "vergeetmij"),
        ("Vergeet me", "vergeetmij"),
        ("forget me", "vergeetmij"),
        ("mijn afspraken", "afspraken"),
        ("Check-in", "checkin"),
        ("herinneringen", "herinneringen"),
    ],
)
def test_the_whole_message_as_a_word_is_the_command(typed: str, command: str) -> None:
    found = typed_command(TextIn(typed), State(step="done"))
    assert isinstance(found, CommandIn) and found.name == command


@pytest.mark.parametrize(
    "typed",
    [
        "ik wil stoppen met school",
        "stopt de bus hier?",
        "ik heb hulp nodig bij mijn cv",
        "taalcursus",
    ],
)
def test_a_sentence_with_the_word_is_for_the_coach(typed: str) -> None:
    assert typed_command(TextIn(typed), State(step="done")) == TextIn(typed)


def test_stop_typed_mid_intake_stops_and_start_resumes() -> None:
    chat = at_age_step()
    assert "geen berichten meer" in chat.say("Stop")
    assert chat.of_type(SetStopped) == [SetStopped(True)]
    chat.say("/start")
    assert "Hoe oud ben je?" in chat.press("Verdergaan")


def test_hulp_typed_shows_the_help_lines_and_the_intake_waits() -> None:
    chat = at_age_step()
    answer = chat.say("hulp")
    assert "1813" in answer and "112" in answer
    assert chat.state.step == "age"
    assert "Leuk je te leren kennen" not in answer


def test_hulp_as_the_answer_to_what_you_want_help_with_is_no_command() -> None:
    for step in ("needs", "summary", "edit_pick"):
        assert typed_command(TextIn("hulp"), State(step=step)) == TextIn("hulp")


def test_taal_typed_offers_the_languages() -> None:
    chat = at_age_step()
    assert "Welke taal wil je?" in chat.say("taal")
    assert "English" in chat.buttons()


def test_mijn_gegevens_typed_asks_for_the_export() -> None:
    chat = at_age_step()
    chat.say("mijn gegevens")
    assert chat.of_type(ExportData) == [ExportData()]


def test_vergeet_mij_typed_asks_to_be_sure() -> None:
    chat = at_age_step()
    answer = chat.say("vergeet mij")
    assert "wissen" in answer.lower()


def test_pauze_with_weeks_typed_needs_no_second_question() -> None:
    chat = at_age_step()
    answer = chat.say("pauze 2 weken")
    assert "Hoe lang wil je pauze?" not in answer


def test_the_engine_loads_the_appointments_for_mijn_afspraken_typed() -> None:
    assert needs(TextIn("mijn afspraken"), State(step="done")).upcoming
