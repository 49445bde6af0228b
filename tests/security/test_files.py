"""What a youth tells us lands in files: the SQLite database (and its -wal and -shm) and the
media folder. Another user of the machine reads none of them, whatever the umask says."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from storage.models import Message
from tests.botapi.server import BotApiServer
from tests.support.inbox import add_worker
from tests.support.service import make_settings, serving
from tests.support.telegram import Youth, complete_intake


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def open_umask() -> Iterator[None]:
    """The usual 022: new files readable by everyone unless we say otherwise."""
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


async def test_the_database_and_a_youths_voice_message_are_for_the_service_only(
    open_umask: None, bot_api: BotApiServer, tmp_path: Path
) -> None:
    var = tmp_path / "var"
    settings = make_settings(f"sqlite+aiosqlite:///{var}/instap.db", var, bot_api)
    async with serving(settings) as service:
        await complete_intake(Youth(bot_api, 9301))
        sara = await add_worker(service.db, "Sara")
        (waiting,) = (await service.inbox.queue(sara)).waiting
        await service.inbox.claim(sara, waiting.case.id)
        bot_api.user_sends(9301, "voice", content=b"OggS\x00a youth's voice")

        async def stored() -> bool:
            async with service.db.transaction() as session:
                query = select(Message).where(Message.media.is_not(None))
                message = (await session.execute(query)).scalar_one_or_none()
            return bool(message and message.media and message.media.get("state") == "stored")

        await bot_api.wait_until(stored, timeout=30)
        database = {p.name: mode(p) for p in var.glob("instap.db*")}
        media = var / "media"
        files = {p.name: mode(p) for p in media.iterdir()}
        media_mode = mode(media)
    assert {"instap.db", "instap.db-wal", "instap.db-shm"} <= set(database), database
    assert set(database.values()) == {0o600}, database
    assert media_mode == 0o700
    assert files and set(files.values()) == {0o600}, files


async def test_an_existing_readable_database_is_tightened_at_start(
    open_umask: None, tmp_path: Path
) -> None:
    """An install from before this fix: its files were 0644."""
    var = tmp_path / "var"
    var.mkdir()
    (var / "instap.db").touch()
    (var / "instap.db").chmod(0o644)
    settings = make_settings(f"sqlite+aiosqlite:///{var}/instap.db", var)
    async with serving(settings):
        pass
    assert mode(var / "instap.db") == 0o600  # its -wal and -shm (gone after a clean stop) follow
