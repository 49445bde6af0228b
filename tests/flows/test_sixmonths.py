"""The six-month question as dialog tables; the scheduler's decision as a table too."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from flows import sixmonths
from flows.model import SafetyAlert, SixMonthAnswer
from flows.pacing import Pacing, QuietHours
from flows.views import SixMonthView
from storage.profiles import SIX_MONTH
from tests.flows.test_intake import registered, turn
from tests.support.dialog import Chat, translator

BRUSSELS = ZoneInfo("Europe/Brussels")
CASE = 12
BUTTONS = ["Ik werk", "Ik volg een opleiding", "Ik zoek nog", "Iets anders", "Liever niet zeggen"]
THANKS = (
    "Dank je om het te laten weten!\n"
    "Wil je ooit weer hulp of iets vragen? Stuur gerust een bericht. We lezen mee."
)
HINT = (
    "Sorry, dat snap ik niet helemaal. Tik wat het best past, of typ bijvoorbeeld: werk, school of zoeken.\n"
    "Wil je iets vragen aan het team? Stuur het dan gewoon."
)


def asked(lang: str = "nl") -> Chat:
    """Noor's case closed half a year ago; the tick just sent the question (as it does)."""
    chat = registered()
    chat.lang = lang
    chat.state = replace(chat.state, asking=sixmonths.pending(CASE))
    chat.six_month = SixMonthView(CASE)
    chat.last = translator().reply(sixmonths.question(CASE, "Noor", "WAM!"), lang)
    return chat


def answers(chat: Chat) -> list[str | None]:
    return [e.result for e in chat.of_type(SixMonthAnswer) if isinstance(e, SixMonthAnswer)]


def test_the_question_is_kind_and_offers_five_answers() -> None:
    chat = asked()
    assert [r.text for r in chat.last] == [
        "Hoi Noor!\n"
        "De hulp van WAM! stopte een half jaar geleden.\n"
        "We zijn benieuwd hoe het nu met je gaat.\n"
        "Wat doe je nu?\n"
        "Tik wat past. Antwoorden hoeft niet."
    ]
    assert chat.buttons() == BUTTONS


def test_the_question_in_english() -> None:
    chat = asked("en")
    assert chat.last[0].text.startswith("Hi Noor!\nYour guidance at WAM! ended six months ago.")
    assert chat.buttons() == [
        "I work", "I'm in education or training", "I'm still looking", "Something else",
        "I'd rather not say",
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("said", "result"),
    [
        ("[Ik werk]", "work"),
        ("[Ik volg een opleiding]", "training"),
        ("[Ik zoek nog]", "looking"),
        ("[Iets anders]", "other"),
        ("[Liever niet zeggen]", "unknown"),
        ("werk", "work"),
        ("ik werk nu", "work"),
        ("Ik heb een job bij Colruyt!", "work"),
        ("school", "training"),
        ("opleiding", "training"),
        ("ik volg een opleidng", "training"),  # a typo
        ("zoeken", "looking"),
        ("ik zoek nog werk", "looking"),
        ("nog geen werk", "looking"),
        ("niks", "looking"),
        ("iets anders", "other"),
        ("liever niet", "unknown"),
    ],
)
def test_a_tap_or_typed_words_answer_and_get_thanks(said: str, result: str) -> None:
    chat = asked()
    assert turn(chat, said) == THANKS
    assert answers(chat) == [result]
    assert chat.state.asking == ""


def test_an_unclear_answer_gets_one_kind_hint_not_a_loop() -> None:
    chat = asked()
    assert chat.say("tja") == HINT
    assert chat.buttons() == BUTTONS
    assert answers(chat) == [None]  # the hint belongs to the question: the case stays closed
    # A second unclear text is an ordinary message: it reaches the team, no second hint.
    second = chat.say("ik weet het echt niet")
    assert HINT not in second
    assert second.startswith("Bedankt! Ik geef je bericht door aan je coach.")
    assert answers(chat) == [None]
    # The buttons of the question keep working.
    assert chat.send_button(sixmonths.button_data(CASE, "looking")) == THANKS
    assert answers(chat) == [None, "looking"]


def test_after_the_hint_a_typed_answer_still_counts() -> None:
    chat = asked()
    chat.say("hmm")
    assert chat.say("ik studeer") == THANKS
    assert answers(chat) == [None, "training"]


def test_a_long_story_is_for_the_team_not_an_answer() -> None:
    chat = asked()
    story = "ik heb een paar maanden gewerkt maar nu is het contract op en ik weet niet wat ik moet"
    assert chat.say(story) == HINT  # one hint; nothing stored from a story
    assert answers(chat) == [None]


def test_an_old_question_answered_again_or_not_theirs() -> None:
    chat = asked()
    chat.press("Ik werk")
    chat.six_month = SixMonthView(CASE, answered=True)
    chat.last = translator().reply(sixmonths.question(CASE, "Noor", "WAM!"), "nl")
    assert chat.press("Ik zoek nog") == "Dat had je al laten weten. Dank je!"
    assert answers(chat) == ["work"]
    chat.six_month = None  # another youth's case, or a forged one
    assert chat.send_button("sm:99:work") == "Die knop werkt niet meer."
    assert chat.send_button(f"sm:{CASE}:millionaire") == "Die knop werkt niet meer."
    assert answers(chat) == ["work"]


def test_typed_words_without_an_open_question_are_an_ordinary_message() -> None:
    chat = registered()
    assert chat.say("ik werk nu").startswith("Bedankt! Ik geef je bericht door aan je coach.")
    assert not chat.of_type(SixMonthAnswer)


def test_once_answered_a_typed_word_is_not_taken_again() -> None:
    chat = asked()
    chat.say("werk")
    chat.six_month = SixMonthView(CASE, answered=True)
    assert chat.say("school").startswith("Bedankt! Ik geef je bericht door aan je coach.")
    assert answers(chat) == ["work"]


def test_crisis_words_in_the_answer_get_the_safety_answer_first() -> None:
    chat = asked()
    answer = chat.say("ik zoek nog maar ik zie het niet meer zitten")
    assert chat.of_type(SafetyAlert)
    assert "1813" in answer
    assert not answers(chat)
    # What follows is for the team (the case reopened with the message), not a hint.
    assert chat.state.asking == ""
    assert HINT not in chat.say("ik weet het gewoon niet meer")
    assert not answers(chat)
    # The buttons still answer the question.
    assert chat.send_button(sixmonths.button_data(CASE, "looking")) == THANKS


def test_the_flow_offers_exactly_the_stored_values() -> None:
    assert tuple(key for key, _ in sixmonths.RESULTS) == SIX_MONTH
    assert set(sixmonths.TYPED) == set(SIX_MONTH)


# --- the scheduler's decision --------------------------------------------------------------------

CLOSED = datetime(2026, 5, 4, 12, 0, tzinfo=UTC)  # a Monday
DUE = CLOSED + timedelta(days=182)  # Monday 2 November, 13:00 in Brussels


def local(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=BRUSSELS).astimezone(UTC)


AFTERNOON = local(2, 14)  # the first afternoon moment (the youth's day part) after DUE


@pytest.mark.parametrize(
    ("now", "rhythm", "pacing", "kwargs", "expected"),
    [
        (DUE - timedelta(minutes=1), "week", Pacing(), {}, ("wait", "not_yet")),
        (DUE, "week", Pacing(), {}, ("wait", "day_part")),
        (AFTERNOON, "week", Pacing(), {}, ("send", "")),
        (AFTERNOON, "none", Pacing(), {}, ("skip", "no_consent")),
        (AFTERNOON, "", Pacing(), {}, ("skip", "no_consent")),
        (AFTERNOON, "month", Pacing(stopped=True), {}, ("skip", "stopped")),
        (AFTERNOON, "month", Pacing(unreachable=True), {}, ("skip", "stopped")),
        (AFTERNOON, "month", Pacing(), {"erased": True}, ("skip", "stopped")),
        (AFTERNOON, "month", Pacing(), {"newer_case": True}, ("skip", "newer_case")),
        (DUE + timedelta(days=31), "week", Pacing(), {}, ("skip", "late")),
        # Paused until Thursday: wait, then the first afternoon moment after it.
        (AFTERNOON, "week", Pacing(paused_until=local(5, 9)), {}, ("wait", "paused")),
        (local(5, 13), "week", Pacing(paused_until=local(5, 9)), {}, ("wait", "day_part")),
        (local(5, 14), "week", Pacing(paused_until=local(5, 9)), {}, ("send", "")),
        # The youth's own quiet hours cover the afternoon: the moment they end.
        (AFTERNOON, "week", Pacing(quiet=QuietHours(time(12), time(16))), {}, ("wait", "quiet")),
        (local(2, 16), "week", Pacing(quiet=QuietHours(time(12), time(16))), {}, ("send", "")),
        # Only evenings: not in the afternoon but at 18:00.
        (AFTERNOON, "week", Pacing(), {"dayparts": ("evening",)}, ("wait", "day_part")),
        (local(2, 18), "week", Pacing(), {"dayparts": ("evening",)}, ("send", "")),
        # A tick after a night the service was down: not at 23:00, but the next morning.
        (local(2, 23), "week", Pacing(), {}, ("wait", "quiet")),
    ],
)
def test_decide(
    now: datetime, rhythm: str, pacing: Pacing, kwargs: dict[str, object], expected: tuple[str, str]
) -> None:
    dayparts = kwargs.pop("dayparts", ("afternoon",))
    assert isinstance(dayparts, tuple)
    decision = sixmonths.decide(now, CLOSED, rhythm, pacing, BRUSSELS, dayparts, **kwargs)  # type: ignore[arg-type]
    assert (decision.action, decision.reason) == expected
