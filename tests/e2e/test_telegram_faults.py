"""Telegram says no: 429 waits, 5xx and timeouts retry, 403 marks the youth unreachable."""

from __future__ import annotations

import time
from pathlib import Path

from sqlalchemy import select

from instap.app import Service
from storage.models import OutboxJob, Youth
from tests.botapi.server import BotApiServer
from tests.support.service import make_settings, serving, settled


async def settled_jobs(service: Service) -> list[OutboxJob]:
    """The message jobs, once none is waiting or in flight any more."""
    await settled(service)
    async with service.db.transaction() as session:
        query = select(OutboxJob).where(OutboxJob.kind == "message").order_by(OutboxJob.id)
        return list((await session.execute(query)).scalars())


async def test_rate_limit_and_server_errors_delay_but_lose_nothing(
    db_url: str, bot_api: BotApiServer, tmp_path: Path
) -> None:
    async with serving(make_settings(db_url, tmp_path, bot_api)) as service:
        bot_api.inject_error("sendMessage", status=429, retry_after=1)
        bot_api.inject_error("sendMessage", status=502, count=2)
        started = time.monotonic()
        bot_api.user_sends_text(8001, "/start")
        await bot_api.wait_until(
            lambda: any("Hoe mogen we je noemen?" in t for t in bot_api.sent_texts(8001)),
            timeout=30,
        )
        assert time.monotonic() - started >= 1.0  # retry_after was honoured

        jobs = await settled_jobs(service)
        # The 429 is no failed attempt (Telegram asked us to wait); the two 502s are.
        assert [(j.status, j.attempts) for j in jobs] == [("sent", 3)]
    assert sum("Hoi! Ik ben Instap." in t for t in bot_api.sent_texts(8001)) == 1


async def test_a_timed_out_send_is_sent_again_and_counted(
    db_url: str, bot_api: BotApiServer, tmp_path: Path
) -> None:
    settings = make_settings(db_url, tmp_path, bot_api, telegram_timeout=1.0)
    async with serving(settings) as service:
        bot_api.inject_delay("sendMessage", 3.0)
        bot_api.user_sends_text(8002, "/start")
        await bot_api.wait_until(lambda: len(bot_api.sent_texts(8002)) >= 2, timeout=30)
        (job,) = await settled_jobs(service)
        assert job.status == "sent" and job.timeouts == 1
    # At-least-once: the delayed send did arrive, so the youth saw the welcome twice.
    assert sum("Hoi! Ik ben Instap." in t for t in bot_api.sent_texts(8002)) == 2


async def test_a_youth_who_blocked_the_bot_is_marked_unreachable(
    db_url: str, bot_api: BotApiServer, tmp_path: Path
) -> None:
    async with serving(make_settings(db_url, tmp_path, bot_api)) as service:
        bot_api.user_sends_text(8003, "/start")
        await bot_api.wait_until(lambda: bool(bot_api.sent_texts(8003)), timeout=30)
        bot_api.set_blocked(8003)
        bot_api.user_sends_text(8003, "Noor")  # sent just before the block reached us

        async def unreachable() -> bool:
            async with service.db.transaction() as session:
                youth = (await session.execute(select(Youth))).scalar_one()
                return youth.unreachable

        await bot_api.wait_until(unreachable, timeout=30)
        async with service.db.transaction() as session:
            statuses = [j.status for j in (await session.execute(select(OutboxJob))).scalars()]
        assert "failed" in statuses and "pending" not in statuses
