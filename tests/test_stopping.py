"""Shutdown never hangs on one part: what does not stop in time is logged with where it waits."""

from __future__ import annotations

import asyncio
import logging

import pytest

from instap import app


async def test_a_part_that_hangs_is_named_and_the_rest_still_stops(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(app, "STOP_WITHIN", 0.05)
    forever = asyncio.Event()

    async def waits_on_a_lock_that_never_comes() -> None:
        await forever.wait()

    stuck = asyncio.create_task(waits_on_a_lock_that_never_comes(), name="drain-youth-7")
    stopped: list[str] = []

    async def stops() -> None:
        stopped.append("database")

    with caplog.at_level(logging.ERROR, logger="instap"):
        await app.stopping("dispatcher", asyncio.shield(stuck))
        await app.stopping("database", stops())
    assert stopped == ["database"]
    (record,) = caplog.records
    assert record.getMessage().startswith("dispatcher did not stop within 0 s; still running:")
    assert "drain-youth-7 at test_stopping.py:" in record.getMessage()
    stuck.cancel()
