"""The sender's shared flood budget (bot/channels/budget.py): which messages spend it, and
what happens when the database cannot say (the storage side: tests/storage/test_flood.py)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from bot.channels.sender import Sender
from storage.db import Database
from storage.flood import FloodSlot
from tests.conftest import fresh_postgres_database
from tests.support.postgres import PostgresServer
from tests.test_sender import FakeChannel


async def scopes(db: Database) -> set[str]:
    async with db.transaction() as session:
        return set((await session.execute(select(FloodSlot.scope))).scalars())


async def test_two_instances_spend_one_budget_for_telegram_and_none_for_the_web_chat(
    postgres: PostgresServer | str,
) -> None:
    url = await fresh_postgres_database(postgres)
    one, two = Database(url), Database(url)
    await one.migrate()
    channels = {"telegram": FakeChannel(), "web": FakeChannel()}
    try:
        first = Sender(one, channels, shared=("telegram",))
        second = Sender(two, channels, shared=("telegram",), overall_rate=30.0)
        assert await first.pace("telegram", "4001") == 0  # a quiet bot: at once
        await second.pace("telegram", "4002")
        await first.pace("web", "w-1")  # the web chat has no flood limit to share
        assert len(await scopes(one)) == 3  # the bot and its two chats, nothing for the web
        assert "telegram" in await scopes(one)
        # Neither instance kept Telegram's buckets to itself.
        assert list(first.per_chat) == [("web", "w-1")] and second.per_chat == {}
    finally:
        await one.dispose()
        await two.dispose()


async def test_without_the_database_the_sender_paces_on_its_own(tmp_path: Path) -> None:
    """SQLite has no shared budget: asked for one anyway, the sender falls back to its own."""
    db = Database(f"sqlite+aiosqlite:///{tmp_path}/instap.db")
    await db.migrate()
    try:
        sender = Sender(db, {"telegram": FakeChannel()}, shared=("telegram",), chat_burst=1.0)
        assert await sender.pace("telegram", "4001") == 0
        assert ("telegram", "4001") in sender.per_chat  # its own buckets took the token
        assert sender.overall.tokens <= sender.overall.burst - 1
    finally:
        await db.dispose()
