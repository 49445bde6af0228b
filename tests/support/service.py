"""Run the whole service in the test process, talking to the local Bot API test server."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select

from config.settings import Settings
from instap.app import Service, build, running
from storage import inbound
from storage.clock import utcnow
from storage.models import OutboxJob
from tests.support.dialog import ROOT
from tests.support.postgres import free_port


def make_settings(
    db_url: str, var_dir: Path, bot_api: Any | None = None, **changes: Any
) -> Settings:
    settings = Settings(
        database_url=db_url,
        http_port=free_port(),
        secret_key="test-secret-key",
        webhook_secret="test-webhook-secret",
        partnerships_file=ROOT / "partnerships.toml",
        var_dir=var_dir,
        chat_rate=50.0,  # the per-chat limit itself is tested in tests/test_sender.py
    )
    if bot_api is not None:
        settings = replace(
            settings,
            telegram_bot_token=bot_api.token,
            telegram_api_base_url=bot_api.base_url,
            telegram_api_file_url=bot_api.base_file_url,
        )
    return replace(settings, **changes)


@contextlib.asynccontextmanager
async def serving(settings: Settings) -> AsyncIterator[Service]:
    service = build(settings)
    async with running(service):
        yield service


def set_clock(service: Service, clock: Callable[[], datetime]) -> None:
    """Every clock of the service (engine, tickers, sender, inbox) reads `clock`."""
    runtime = replace(service.engine.runtime, clock=clock)
    service.engine.runtime = service.checkins.runtime = service.reminders.runtime = runtime
    service.sixmonths.runtime = runtime
    service.sender.clock = clock
    service.inbox.clock = clock


def travel(service: Service, moment: datetime) -> None:
    """Every clock of the service at one fixed moment."""
    set_clock(service, lambda: moment)


def fast_forward(service: Service, delta: timedelta) -> None:
    """Every clock of the service jumps `delta` ahead, and keeps running from there."""
    ahead = service.engine.runtime.clock() - utcnow() + delta
    set_clock(service, lambda: utcnow() + ahead)


async def settled(service: Service, timeout: float = 30.0) -> None:  # noqa: ASYNC109
    """Wait until every stored update is handled and every delivery done (not a fixed time).

    After this, a wrong second answer would already have been stored and sent.
    """
    async with asyncio.timeout(timeout):
        while True:
            await service.dispatcher.idle()
            async with service.db.transaction() as session:
                handled = set(await inbound.count_by_status(session)) <= {"done"}
                jobs = set((await session.execute(select(OutboxJob.status))).scalars())
            if handled and not jobs & {"pending", "sending"}:
                return
            await asyncio.sleep(0.05)
