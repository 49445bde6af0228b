"""Deliver queued webhooks to our service, signed, one at a time, retrying until a 200.

Meta retries failed deliveries with a growing delay; here the first delay is
``retry_delay`` seconds (small in tests), doubling up to ``max_retry_delay``.
"""

from __future__ import annotations

import asyncio
import json
import logging
from dataclasses import dataclass

import aiohttp

from .inbound import sign
from .state import WaState

__all__ = ["Attempt", "WebhookDelivery"]

_log = logging.getLogger("tests.waapi")


@dataclass(frozen=True)
class Attempt:
    """One POST to the webhook: what was sent and the HTTP status (0 = no connection)."""

    label: str
    status: int


class WebhookDelivery:
    """The background task that empties ``state.pending`` into ``url``."""

    def __init__(
        self,
        state: WaState,
        app_secret: str,
        *,
        retry_delay: float = 0.5,
        max_retry_delay: float = 30.0,
        timeout: float = 5.0,
    ) -> None:
        self.state = state
        self.app_secret = app_secret
        self.url: str | None = None
        self.retry_delay = retry_delay
        self.max_retry_delay = max_retry_delay
        self.timeout = timeout
        self.attempts: list[Attempt] = []
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="waapi-webhooks")

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)

    async def post(self, session: aiohttp.ClientSession, url: str, body: bytes) -> int:
        """POST one signed body; the HTTP status, or 0 if it never got one."""
        headers = {
            "Content-Type": "application/json",
            "X-Hub-Signature-256": sign(self.app_secret, body),
            "User-Agent": "facebookexternalua",
        }
        try:
            async with session.post(url, data=body, headers=headers) as response:
                await response.read()
                return response.status
        except (aiohttp.ClientError, TimeoutError) as exc:
            _log.debug("webhook delivery failed: %r", exc)
            return 0

    async def _run(self) -> None:
        state = self.state
        timeout = aiohttp.ClientTimeout(total=self.timeout)
        async with aiohttp.ClientSession(timeout=timeout) as session:
            while True:
                if not state.pending or self.url is None:
                    await state.wait_change(1.0)
                    continue
                item = state.pending[0]
                item.attempts += 1
                status = await self.post(session, self.url, json.dumps(item.body).encode())
                self.attempts.append(Attempt(item.label, status))
                if status == 200:
                    state.pending.remove(item)
                    state.delivered.append(item.body)
                    state.notify()
                    continue
                state.notify()
                delay = min(self.retry_delay * 2 ** (item.attempts - 1), self.max_retry_delay)
                await asyncio.sleep(delay)
