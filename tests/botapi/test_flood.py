"""Flood mode of the fake Bot API: Telegram's limits as a bot meets them (tests/botapi/flood.py).

The server's bucket clock stands still in these tests, so what passes and what is refused
does not depend on how fast this machine is.
"""

from __future__ import annotations

import datetime as dtm
from collections.abc import AsyncIterator

import pytest
import telegram
from telegram.constants import ChatAction
from telegram.error import RetryAfter

from .flood import Flood
from .server import BotApiServer
from .spec import Spec

NOOR, SARA = 1001, 1002
GROUP = -500


class Stopped:
    """A clock that moves only when told."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
async def flooded(telegram_api_spec: Spec) -> AsyncIterator[tuple[BotApiServer, Stopped]]:
    server = BotApiServer(spec=telegram_api_spec, flood=True)
    assert server.flood is not None
    clock = server.flood.clock = Stopped()
    await server.start()
    try:
        yield server, clock
    finally:
        await server.stop()
    assert server.violations == []  # flood violations are not spec violations


@pytest.fixture(autouse=True)
def _ptb_timedelta(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", "true")


async def test_a_chat_gets_a_short_burst_then_429_with_retry_after(
    flooded: tuple[BotApiServer, Stopped],
) -> None:
    server, clock = flooded
    server.user_sends_text(NOOR, "/start")
    async with telegram.Bot(server.token, base_url=server.base_url) as bot:
        for n in range(5):
            await bot.send_message(NOOR, f"bericht {n}")
        with pytest.raises(RetryAfter) as refused:
            await bot.send_message(NOOR, "een te veel")
        assert refused.value.retry_after == dtm.timedelta(seconds=1)
        # Typing and a tap's answer are not limited.
        for _ in range(40):
            await bot.send_chat_action(NOOR, ChatAction.TYPING)
        clock.now += 1.0
        await bot.send_message(NOOR, "na een seconde")
    assert server.flood is not None
    assert [(v.method, v.chat_id, v.retry_after) for v in server.flood.violations] == [
        ("sendMessage", str(NOOR), 1)
    ]
    assert server.sent_texts(NOOR)[-1] == "na een seconde"
    assert "een te veel" not in server.sent_texts(NOOR)
    assert sum(server.flood.histogram().values()) == 6


def test_thirty_a_second_overall_then_429() -> None:
    clock = Stopped()
    flood = Flood(clock=clock)
    assert [flood.check("sendMessage", chat) for chat in range(1, 31)] == [0] * 30
    assert flood.check("sendMessage", 31) == 1
    assert flood.check("answerCallbackQuery", 31) == 0
    assert flood.check("sendChatAction", 31) == 0
    clock.now += 1 / 30
    assert flood.check("sendDocument", 31) == 0
    assert flood.check("editMessageText", 32) == 1
    assert len(flood.violations) == 2


def test_a_group_gets_twenty_a_minute() -> None:
    clock = Stopped()
    flood = Flood(clock=clock)
    assert [flood.check("sendMessage", GROUP) for _ in range(10)] == [0] * 10
    assert flood.check("sendMessage", GROUP) == 3  # one message per three seconds
    assert flood.check("sendMessage", SARA) == 0  # another chat is not held up
    clock.now += 60
    assert [flood.check("sendMessage", GROUP) for _ in range(10)] == [0] * 10
    assert flood.check("sendMessage", GROUP) == 3
