"""The safety net in the conversation: every crisis phrase, in every state, gets a help line
in the very first reply; look-alikes never do. Phrases: tests/flows/data/safety_cases.toml."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from flows.model import SafetyAlert, TextIn
from flows.safety import help_line_ids
from flows.views import CheckinView
from tests.flows.test_intake import registered
from tests.flows.test_safety import CRISIS, LOOK_ALIKES
from tests.support.dialog import Chat, places


def mid_intake(lang: str) -> Chat:
    chat = Chat(lang=lang)
    chat.say("/start")
    chat.say("Noor")
    return chat


def registered_in(lang: str) -> Chat:
    chat = registered()
    chat.lang = lang  # as if they switched with /taal afterwards
    return chat


def writing_a_check_in_note(lang: str) -> Chat:
    chat = registered_in(lang)
    chat.checkin = CheckinView(12)
    chat.send_button("ci:12:2")
    chat.checkin = None
    return chat


def stopped(lang: str) -> Chat:
    chat = registered_in(lang)
    chat.say("/stop")
    return chat


def never_spoke(lang: str) -> Chat:
    return Chat(lang=lang)


STATES: dict[str, Callable[[str], Chat]] = {
    "first-message": never_spoke,
    "mid-intake": mid_intake,
    "registered": registered_in,
    "check-in-note": writing_a_check_in_note,
    "after-stop": stopped,
}


def numbers(category: str) -> set[str]:
    lines = places().help_lines
    return {lines[i].number for i in help_line_ids(category) if i in lines and lines[i].number}  # type: ignore[arg-type]


def test_the_phrase_file_has_enough_of_both_kinds() -> None:
    for lang, least in (("nl", 40), ("en", 10)):
        assert sum(c["lang"] == lang for c in CRISIS) >= least // 2
        assert sum(c["lang"] == lang for c in LOOK_ALIKES) >= least // 4
        assert sum(c["lang"] == lang for c in CRISIS + LOOK_ALIKES) >= least


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("case", CRISIS, ids=[c["text"] for c in CRISIS])
def test_every_crisis_phrase_gets_a_help_line_in_the_first_reply(
    case: dict[str, Any], state: str
) -> None:
    chat = STATES[state](case["lang"])
    replies = chat.send(TextIn(case["text"]))
    alerts = [e for e in chat.effects if isinstance(e, SafetyAlert)]
    assert alerts and alerts[-1].category == case["expect"]
    first = replies[0]
    assert any(number in first for number in numbers(case["expect"])), first


@pytest.mark.parametrize("case", LOOK_ALIKES, ids=[c["text"] for c in LOOK_ALIKES])
def test_a_look_alike_gets_no_alarm(case: dict[str, Any]) -> None:
    chat = registered_in(case["lang"])
    replies = chat.send(TextIn(case["text"]))
    assert not [e for e in chat.effects if isinstance(e, SafetyAlert)]
    assert not any("1813" in r or "112" in r for r in replies)
