"""Pytest fixtures for the fake WhatsApp Cloud API.

Registered in the root conftest (``pytest_plugins``): ``whatsapp_api_spec`` (session) and
``wa_api`` (a started server per test that fails the test on any spec violation).
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.support.waits import checked, summary_line

from .server import WhatsAppApiServer
from .spec import WaSpec, default_spec_path

__all__ = ["wa_api", "whatsapp_api_spec"]

# Totals over the whole run, printed at the end (see pytest_terminal_summary below).
TOTALS = {"servers": 0, "calls": 0, "violations": 0}


@pytest.fixture(scope="session")
def whatsapp_api_spec() -> WaSpec:
    """The OpenAPI document: ``$WHATSAPP_API_SPEC`` or ``<repo>/../shared/whatsapp-cloud-api``."""
    path = default_spec_path()
    if not path.is_file():
        pytest.fail(f"WhatsApp Cloud API spec not found at {path}; set WHATSAPP_API_SPEC")
    return WaSpec.load(path)


@pytest.fixture
async def wa_api(whatsapp_api_spec: WaSpec) -> AsyncIterator[WhatsAppApiServer]:
    """A running fake Cloud API on a free port; fails the test if any request broke the spec.

    Set ``wa_api.webhook_url`` to where the service listens; failed webhooks are retried
    after 0.05 s, doubling up to 0.5 s."""
    server = WhatsAppApiServer(
        whatsapp_api_spec, webhook_retry_delay=0.05, webhook_max_retry_delay=0.5
    )

    def never_taken() -> str:
        return f"\n--- {len(server.pending)} webhook(s) never accepted by the service ---"

    async with checked(server, "WhatsApp API", TOTALS, never_taken):
        yield server


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    summary_line(terminalreporter, "WhatsApp", TOTALS)
