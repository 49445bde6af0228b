"""Three instances on one PostgreSQL database share one flood budget: a hundred youths write
at once, everyone is answered, and Telegram (the local Bot API server in flood mode) never
has to refuse a message."""

from __future__ import annotations

import contextlib
from pathlib import Path

from config.settings import Settings
from tests.botapi.server import BotApiServer
from tests.conftest import fresh_postgres_database
from tests.support.postgres import PostgresServer
from tests.support.service import make_settings, serving
from tests.support.telegram import shown_text

YOUTHS = range(7001, 7101)
DEADLINE = 120.0  # seconds per round for all of them: generous on a loaded 2-core machine


async def round_of(bot_api: BotApiServer, text: str, expect: str) -> None:
    """Every youth types `text` at once; wait until each has the answer `expect` in it."""
    before = {chat: len(bot_api.bot_messages(chat)) for chat in YOUTHS}
    for chat in YOUTHS:
        bot_api.user_sends_text(chat, text)

    def answered(chat: int) -> bool:
        return any(expect in shown_text(m) for m in bot_api.bot_messages(chat)[before[chat] :])

    await bot_api.wait_until(
        lambda: all(answered(chat) for chat in YOUTHS),
        DEADLINE,
        what=f"every youth answered {expect!r}",
    )


async def test_three_instances_answer_a_hundred_youths_within_telegrams_limits(
    postgres: PostgresServer | str, flood_bot_api: BotApiServer, tmp_path: Path
) -> None:
    url = await fresh_postgres_database(postgres)

    def instance(name: str, roles: set[str]) -> Settings:
        folder = tmp_path / name
        folder.mkdir()
        # The real per-chat pace (tests elsewhere raise it out of the way).
        return make_settings(url, folder, flood_bot_api, roles=frozenset(roles), chat_rate=1.0)

    async with contextlib.AsyncExitStack() as stack:
        # One after the other: the first one brings the new database to the newest schema.
        await stack.enter_async_context(serving(instance("a", {"receive", "process", "send"})))
        await stack.enter_async_context(serving(instance("b", {"process", "send"})))
        await stack.enter_async_context(serving(instance("c", {"process", "send"})))
        await round_of(flood_bot_api, "/start", "Hoe mogen we je noemen?")
        await round_of(flood_bot_api, "Noor", "Hoe oud ben je?")
        await round_of(flood_bot_api, "19", "In welke gemeente woon je?")

    assert flood_bot_api.flood is not None
    assert flood_bot_api.flood.violations == []
    sent = sum(flood_bot_api.flood.histogram().values())
    assert sent >= 3 * len(YOUTHS)  # at least one answer per youth and round
