"""Instap as a separate process (`python -m instap run`), to kill -9 it, and what it left behind.

The process talks to the test's Bot API or WhatsApp Cloud API server; its log goes to a file
in `var`.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import select

from storage import inbound
from storage.db import Database
from storage.models import OutboxJob
from tests.botapi.server import BotApiServer
from tests.support.dialog import ROOT
from tests.support.postgres import free_port
from tests.support.whatsapp import whatsapp_env
from tests.waapi.server import WhatsAppApiServer


def telegram_env(bot_api: BotApiServer) -> dict[str, str]:
    """The settings that point an instance at the Bot API test server (polling)."""
    return {
        "TELEGRAM_BOT_TOKEN": bot_api.token,
        "TELEGRAM_API_BASE_URL": bot_api.base_url,
        "TELEGRAM_API_FILE_URL": bot_api.base_file_url,
        "TELEGRAM_MODE": "polling",
    }


@contextmanager
def instap(
    db_url: str,
    api: BotApiServer | WhatsAppApiServer,
    var: Path,
    roles: str,
    *,
    port: int | None = None,
    chat_rate: float = 50.0,
) -> Iterator[subprocess.Popen[bytes]]:
    """Run `python -m instap run` with these roles, talking to this test server (a WhatsApp
    one posts its webhooks to the instance from then on); kill it on the way out if still
    running. `chat_rate`: messages a second to one chat (fast by default; Telegram's 1 when
    the server holds us to its flood limits)."""
    port = port or free_port()
    channel = telegram_env(api) if isinstance(api, BotApiServer) else whatsapp_env(api, port)
    env = {
        **os.environ,
        **channel,
        "DATABASE_URL": db_url,
        "HTTP_PORT": str(port),
        "VAR_DIR": str(var),
        "SECRET_KEY": "crash-test",
        "PARTNERSHIPS_FILE": str(ROOT / "partnerships.toml"),
        "ROLES": roles,
        "SEND_CHAT_RATE": str(chat_rate),
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
        process.wait(timeout=30)
        log.close()


async def inbound_statuses(db_url: str) -> dict[str, int]:
    """How many stored updates are pending, done …"""
    db = Database(db_url)
    try:
        async with db.transaction() as session:
            return await inbound.count_by_status(session)
    finally:
        await db.dispose()


async def outbox_statuses(db_url: str) -> set[str]:
    db = Database(db_url)
    try:
        async with db.transaction() as session:
            return set((await session.execute(select(OutboxJob.status))).scalars())
    finally:
        await db.dispose()


async def settled(db_url: str) -> bool:
    """Every stored update handled and every delivery done: nothing more will go out by itself."""
    handled = set(await inbound_statuses(db_url)) <= {"done"}
    return handled and not await outbox_statuses(db_url) & {"pending", "sending"}
