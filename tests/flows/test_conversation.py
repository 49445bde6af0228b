"""Commands and bad input in every state: a kind answer, nothing lost."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from flows.model import BlockedIn, ButtonIn, EditedIn, GroupIn, MarkUnreachable, MediaIn, SetStopped
from tests.support.dialog import ROOT, Chat


def at_age_step() -> Chat:
    chat = Chat()
    chat.say("/start")
    chat.say("Noor")
    return chat


def test_a_second_start_mid_intake_asks_continue_or_restart() -> None:
    chat = at_age_step()
    assert "Wil je verdergaan of opnieuw beginnen?" in chat.say("/start")
    assert "Hoe oud ben je?" in chat.press("Verdergaan")
    assert chat.state.answers.name == "Noor"
    chat.say("/start")
    assert "Hoe mogen we je noemen?" in chat.press("Opnieuw beginnen")
    assert chat.state.answers.name == ""


def test_a_youth_who_comes_back_days_later_continues_where_they_were() -> None:
    chat = at_age_step()
    # The state is all there is: serialised to the database and back.
    from flows.state import State

    chat.state = State.from_json(chat.state.to_json())
    assert "Leuk je" not in chat.say("hallo?")
    assert chat.state.step == "age"
    assert "Typ je leeftijd als getal" in chat.last[0].text


def test_stop_works_in_every_state_and_start_resumes() -> None:
    chat = at_age_step()
    answer = chat.say("/stop")
    assert "geen berichten meer" in answer
    assert chat.of_type(SetStopped) == [SetStopped(True)]
    assert "Je koos voor /stop." in chat.say("19")
    assert chat.state.step == "age"
    chat.say("/start")
    assert "Hoe oud ben je?" in chat.press("Verdergaan")


def test_hulp_shows_help_lines_at_any_time() -> None:
    chat = at_age_step()
    answer = chat.say("/hulp")
    assert "1813" in answer and "112" in answer
    assert chat.state.step == "age"


def test_an_unknown_command_mid_flow_repeats_the_question() -> None:
    chat = at_age_step()
    answer = chat.say("/foo")
    assert "Dat commando ken ik niet." in answer
    assert "Hoe oud ben je?" in answer


@pytest.mark.parametrize("kind", ["sticker", "photo", "video", "location", "contact", "document"])
def test_media_in_the_intake_gets_a_kind_answer(kind: str) -> None:
    chat = at_age_step()
    answer = "\n".join(chat.send(MediaIn(kind)))  # type: ignore[arg-type]
    assert "Dat kan ik hier niet lezen." in answer
    assert "Hoe oud ben je?" in answer


def test_voice_is_answered_honestly() -> None:
    chat = at_age_step()
    answer = "\n".join(chat.send(MediaIn("voice")))
    assert "Spraakberichten kan ik hier nog niet beluisteren." in answer


def test_forwarded_and_edited_messages() -> None:
    chat = at_age_step()
    assert "doorgestuurd bericht" in "\n".join(chat.send(MediaIn("forward", "19")))
    assert "Je paste een bericht aan." in "\n".join(chat.send(EditedIn("Noortje")))
    assert chat.state.answers.name == "Noor"


def test_an_old_button_is_refused_kindly() -> None:
    chat = at_age_step()
    answer = "\n".join(chat.send(ButtonIn("consent:yes")))
    assert "Die knop werkt niet meer." in answer
    assert chat.state.step == "age"
    assert "Die knop werkt niet meer." in "\n".join(chat.send(ButtonIn("garbage")))


def test_a_5000_character_name_is_refused_and_a_long_story_is_kept() -> None:
    chat = Chat()
    chat.say("/start")
    assert "hooguit 40 tekens" in chat.say("x" * 5000)
    chat.say("Noor")
    chat.say("19")
    chat.say("3630")
    chat.press("Werk")
    chat.press("Klaar")
    story = "Ik wil werken. " * 340  # about 5,100 characters
    chat.say(story)
    assert chat.state.answers.needs_text == story.strip()


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("نور", "نور"),  # a lone emoji is no name: see tests/flows/test_intake_typed.py
        ("No\u200bor", "Noor"),
        ("<b>Noor</b> & *co*", "<b>Noor</b> & *co*"),
    ],
)
def test_names_in_any_script_are_kept_as_plain_text(typed: str, kept: str) -> None:
    chat = Chat()
    chat.say("/start")
    answer = chat.say(typed)
    assert chat.state.answers.name == kept
    assert f"Leuk je te leren kennen, {kept}!" in answer


def test_a_group_chat_is_declined_politely() -> None:
    chat = Chat()
    assert "privégesprek" in "\n".join(chat.send(GroupIn()))
    assert chat.state.step == "new"


def test_blocking_the_bot_marks_the_youth_unreachable_without_a_reply() -> None:
    chat = at_age_step()
    assert chat.send(BlockedIn()) == []
    assert chat.of_type(MarkUnreachable) == [MarkUnreachable()]


def test_after_registration_messages_go_to_the_coach() -> None:
    from tests.flows.test_intake import finish, register

    chat = Chat()
    register(chat)
    finish(chat)
    assert "Ik geef je bericht door aan je coach." in chat.say("wanneer belt iemand?")
    assert chat.say("hallo??") == ""  # one automatic answer per burst, not one per message
    assert "Je bent al aangemeld. WAM! helpt je verder." in chat.say("/start")


def test_while_a_worker_handles_the_case_the_bot_stays_quiet() -> None:
    from datetime import timedelta

    from tests.flows.test_intake import finish, register

    chat = Chat()
    register(chat)
    finish(chat)
    chat.handler = "Sara"
    assert chat.say("Hoi Sara, morgen past ook") == ""
    assert "1813" in chat.say("ik wil niet meer leven")  # the safety net still answers
    assert "Ik geef je bericht ook door aan je coach." in chat.last[-1].text
    # Friday evening: the team is back on Monday at 9.
    chat.now = chat.now.replace(hour=19)
    chat.back_at = (chat.now + timedelta(days=3)).replace(hour=9)
    assert chat.say("ben je daar?") == "Sara leest dit maandag 23 november om 9u."
    assert chat.say("hallo?") == ""
    chat.now += timedelta(hours=3)
    assert chat.say("nog iemand?") == "Sara leest dit maandag 23 november om 9u."


def test_flow_modules_show_their_table() -> None:
    for name in ("intake.py", "conversation.py", "checkins.py", "pacing.py", "privacy.py"):
        doc = ast.get_docstring(ast.parse((Path(ROOT) / "flows" / name).read_text("utf-8")))
        assert doc and "─" in doc
