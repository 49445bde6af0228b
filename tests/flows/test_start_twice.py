"""The web chat starts the conversation itself; a youth who then types /start is not told
they were "already busy" with nothing answered yet."""

from __future__ import annotations

from tests.support.dialog import Chat


def test_start_before_any_answer_asks_the_first_question_again() -> None:
    chat = Chat()
    chat.say("/start")  # the page opened: welcome and the first question
    answer = chat.say("/start")  # the youth types /start too
    assert answer == "Hoe mogen we je noemen? Je voornaam of een bijnaam is goed."
    assert "Hoe oud ben je?" in chat.say("Noor")
    # With an answer given, /start offers to continue or begin again, as before.
    assert "Wil je verdergaan of opnieuw beginnen?" in chat.say("/start")
