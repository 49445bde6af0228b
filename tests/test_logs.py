"""Logs hold no message texts and no bot token."""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import date, time, timedelta
from pathlib import Path

import pytest

from instap.cli import CONTENT_LOGGERS, RedactToken, setup_logging
from storage.db import Database
from tests.support.clock import Clock
from tests.support.outreach import Life
from tests.support.service import make_settings

SAID = ("mijn adres is Kerkstraat 12", "ik zie het niet meer zitten", "Noor Peeters", "4/5")


async def test_a_whole_conversation_logs_no_text_of_the_youth(
    db: Database, caplog: pytest.LogCaptureFixture, tmp_path: Path
) -> None:
    # Even at DEBUG, as set up by `instap run`: content-carrying libraries stay quiet.
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    setup_logging(replace(make_settings("sqlite://", tmp_path), log_level="DEBUG"))
    root.handlers[:] = handlers  # the rest of the session keeps pytest's log capture
    root.setLevel(level)
    caplog.set_level(logging.DEBUG)
    for name in CONTENT_LOGGERS:
        assert logging.getLogger(name).level == logging.WARNING
    clock = Clock()
    clock.set_local(date(2026, 11, 30), time(10))
    life = await Life.begin(db, clock, name="Noor Peeters")
    await life.press("checkin:week")
    for text in SAID:
        await life.says(text)
    await life.live_until(clock.now + timedelta(days=8))
    await life.says("3")
    await life.says("/mijngegevens")
    logged = "\n".join(r.getMessage() for r in caplog.records)
    for text in SAID:
        assert text not in logged


def test_the_bot_token_is_redacted_from_every_line() -> None:
    token = "123456:ABCdefGHIjklMNOpqrSTUvwxYZ012345678"
    record = logging.LogRecord(
        "httpx",
        logging.INFO,
        __file__,
        1,
        "HTTP Request: POST %s",
        (f"https://api.telegram.org/bot{token}/getMe",),
        None,
    )
    assert RedactToken(token).filter(record)
    assert token not in record.getMessage()
    assert "<token>" in record.getMessage()
