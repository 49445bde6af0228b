"""Kill -9 after updates were acknowledged but before they were handled: none lost, none twice."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from storage import inbound
from storage.db import Database
from tests.botapi.server import BotApiServer
from tests.support.dialog import ROOT
from tests.support.postgres import free_port

YOUTHS = range(7001, 7021)


@contextmanager
def instap(
    db_url: str, bot_api: BotApiServer, var: Path, roles: str
) -> Iterator[subprocess.Popen[bytes]]:
    env = {
        **os.environ,
        "DATABASE_URL": db_url,
        "TELEGRAM_BOT_TOKEN": bot_api.token,
        "TELEGRAM_API_BASE_URL": bot_api.base_url,
        "TELEGRAM_API_FILE_URL": bot_api.base_file_url,
        "TELEGRAM_MODE": "polling",
        "HTTP_PORT": str(free_port()),
        "VAR_DIR": str(var),
        "SECRET_KEY": "crash-test",
        "PARTNERSHIPS_FILE": str(ROOT / "partnerships.toml"),
        "ROLES": roles,
        "SEND_CHAT_RATE": "50",
        "PUBLIC_URL": "",
    }
    log = (var / f"instap-{roles.replace(',', '-')}.log").open("ab")
    process = subprocess.Popen(
        [sys.executable, "-m", "instap", "run"], cwd=ROOT, env=env, stdout=log, stderr=log
    )
    try:
        yield process
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=10)
        log.close()


async def pending_count(db_url: str) -> dict[str, int]:
    db = Database(db_url)
    try:
        async with db.transaction() as session:
            return await inbound.count_by_status(session)
    finally:
        await db.dispose()


async def test_sigkill_between_acknowledge_and_handling_loses_nothing(
    db_url: str, bot_api: BotApiServer, tmp_path: Path
) -> None:
    update_ids = [bot_api.user_sends_text(chat_id, "/start") for chat_id in YOUTHS]
    update_ids += [bot_api.user_sends_text(chat_id, "Noor") for chat_id in YOUTHS]

    # 1. An instance that only receives: it stores and acknowledges, then dies by SIGKILL.
    with instap(db_url, bot_api, tmp_path, "web,receive") as receiver:
        await bot_api.wait_until(
            lambda: set(update_ids) <= bot_api.confirmed_update_ids, timeout=60
        )
        receiver.send_signal(signal.SIGKILL)
        receiver.wait(timeout=10)
    assert all(bot_api.sent_texts(chat_id) == [] for chat_id in YOUTHS)
    assert await pending_count(db_url) == {"pending": len(update_ids)}

    # 2. After restart every acknowledged update is handled, in order, exactly once.
    with instap(db_url, bot_api, tmp_path, "web,receive,process,send"):
        for chat_id in YOUTHS:
            await bot_api.wait_until(
                lambda c=chat_id: any("Hoe oud ben je?" in t for t in bot_api.sent_texts(c)),
                timeout=60,
            )
        await asyncio.sleep(1.0)  # room for any (wrong) second answer to arrive
    assert await pending_count(db_url) == {"done": len(update_ids)}
    for chat_id in YOUTHS:
        texts = bot_api.sent_texts(chat_id)
        assert sum("Hoi! Ik ben Instap." in t for t in texts) == 1, texts
        assert sum("Leuk je te leren kennen, Noor!" in t for t in texts) == 1, texts
        assert sum("Hoe oud ben je?" in t for t in texts) == 1, texts
