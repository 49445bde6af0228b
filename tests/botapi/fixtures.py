"""Pytest fixtures for the fake Bot API.

Use from a conftest: ``pytest_plugins = ["tests.botapi.fixtures"]`` (root conftest only) or
``from tests.botapi.fixtures import bot_api, telegram_api_spec  # noqa: F401``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.support.waits import checked, summary_line

from .server import BotApiServer, default_spec_path
from .spec import Spec

__all__ = ["bot_api", "flood_bot_api", "telegram_api_spec", "telegram_api_spec_path"]

# Totals over the whole run, printed at the end (see pytest_terminal_summary below).
TOTALS = {"servers": 0, "calls": 0, "violations": 0}


@pytest.fixture(scope="session")
def telegram_api_spec_path() -> Path:
    """The Bot API spec: ``$TELEGRAM_API_SPEC`` or ``<repo>/../shared/telegram-bot-api``."""
    path = default_spec_path()
    if not path.is_file():
        pytest.fail(f"Telegram Bot API spec not found at {path}; set TELEGRAM_API_SPEC")
    return path


@pytest.fixture(scope="session")
def telegram_api_spec(telegram_api_spec_path: Path) -> Spec:
    """The parsed spec, loaded once per session."""
    return Spec.load(telegram_api_spec_path)


@pytest.fixture
async def bot_api(telegram_api_spec: Spec) -> AsyncIterator[BotApiServer]:
    """A running fake Bot API on a free port; fails the test if any call broke the spec."""
    server = BotApiServer(spec=telegram_api_spec, webhook_retry_delay=0.05)
    async with checked(server, "Bot API", TOTALS):
        yield server


@pytest.fixture
async def flood_bot_api(telegram_api_spec: Spec) -> AsyncIterator[BotApiServer]:
    """`bot_api` with Telegram's flood limits on (tests/botapi/flood.py): a message over them
    gets 429 and lands in `server.flood.violations`; the test asserts on those itself."""
    server = BotApiServer(spec=telegram_api_spec, webhook_retry_delay=0.05, flood=True)
    async with checked(server, "Bot API", TOTALS):
        yield server


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    summary_line(terminalreporter, "Bot API", TOTALS)
