"""A thin WhatsApp Cloud API client on aiohttp: the few Graph calls we make, errors mapped.

Our own client (not pywa): the service already runs aiohttp, and the channel needs exact
control of how each Meta error maps to the sender's DeliveryErrors.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import aiohttp

from bot.channels.errors import (
    DeliveryError,
    OutsideWindow,
    Rejected,
    RetryLater,
    Transient,
    Uncertain,
    Unreachable,
)

log = logging.getLogger(__name__)

# Meta's error codes (https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes)
THROTTLED = {4, 80007, 130429, 131056}  # app, account, throughput and pair rate limits
UNDELIVERABLE = {131026}  # not on WhatsApp, blocked us, or an old app
RE_ENGAGEMENT = {131047}  # more than 24 hours since the youth last wrote
RETRY_SECONDS = 6.0  # the pair rate limit: one message per 6 seconds to one number


@dataclass(frozen=True)
class MetaError:
    status: int
    code: int | None
    message: str

    def __str__(self) -> str:
        return f"WhatsApp {self.status} (code {self.code}): {self.message}"


def meta_error(status: int, body: object) -> MetaError:
    error = body.get("error") if isinstance(body, dict) else None
    if not isinstance(error, dict):
        return MetaError(status, None, str(body)[:200])
    code = error.get("code")
    return MetaError(
        status, code if isinstance(code, int) else None, str(error.get("message", ""))[:200]
    )


def delivery_error(error: MetaError, wait: float = RETRY_SECONDS) -> DeliveryError:
    """How the sender should take a refused call (`wait`: after a rate limit, in seconds)."""
    if error.status == 429 or error.code in THROTTLED:
        return RetryLater(wait)
    if error.code in UNDELIVERABLE:
        return Unreachable(str(error))
    if error.code in RE_ENGAGEMENT:
        return OutsideWindow(str(error))
    if error.status >= 500:
        return Transient(str(error))
    return Rejected(str(error))


class WhatsAppApi:
    """Graph API calls for one business phone number; raises DeliveryErrors."""

    def __init__(
        self, base_url: str, token: str, phone_number_id: str, timeout: float = 15.0
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.token = token
        self.phone_number_id = phone_number_id
        self.timeout = aiohttp.ClientTimeout(total=timeout)
        self.session: aiohttp.ClientSession | None = None
        self.retry_after = RETRY_SECONDS  # Meta names no wait after a rate limit

    def client(self) -> aiohttp.ClientSession:
        if self.session is None or self.session.closed:
            self.session = aiohttp.ClientSession(
                headers={"Authorization": f"Bearer {self.token}"}, timeout=self.timeout
            )
        return self.session

    async def close(self) -> None:
        if self.session is not None:
            await self.session.close()

    async def call(self, method: str, url: str, **kwargs: Any) -> Any:
        """One Graph call; its JSON answer, or the DeliveryError it means."""
        try:
            async with self.client().request(method, url, **kwargs) as response:
                try:
                    body = await response.json(content_type=None)
                except ValueError:
                    body = None
                if response.status >= 400:
                    raise delivery_error(meta_error(response.status, body), self.retry_after)
                return body
        except TimeoutError as exc:
            raise Uncertain(f"WhatsApp {method} timed out") from exc
        except aiohttp.ClientError as exc:
            raise Transient(f"WhatsApp {method}: {exc!r}") from exc

    async def send(self, body: dict[str, Any]) -> str | None:
        """POST a message; its wamid (None for a read receipt)."""
        url = f"{self.base_url}/{self.phone_number_id}/messages"
        answer = await self.call("POST", url, json=body)
        messages = answer.get("messages") if isinstance(answer, dict) else None
        if messages and isinstance(messages[0], dict) and "id" in messages[0]:
            return str(messages[0]["id"])
        return None

    async def upload(self, filename: str, content: bytes, mime_type: str) -> str:
        """Upload a file for a document message; its media id."""
        form = aiohttp.FormData()
        form.add_field("messaging_product", "whatsapp")
        form.add_field("type", mime_type)
        form.add_field("file", content, filename=filename, content_type=mime_type)
        answer = await self.call("POST", f"{self.base_url}/{self.phone_number_id}/media", data=form)
        if not isinstance(answer, dict) or "id" not in answer:
            raise Rejected(f"WhatsApp media upload gave no id: {answer!r}"[:200])
        return str(answer["id"])

    async def download(self, media_id: str) -> tuple[bytes, str]:
        """A file the youth sent: its bytes and MIME type (the URL needs our token too)."""
        found = await self.call("GET", f"{self.base_url}/{media_id}")
        if not isinstance(found, dict) or not isinstance(found.get("url"), str):
            raise Rejected(f"WhatsApp media {media_id} has no url")
        try:
            async with self.client().get(found["url"]) as response:
                if response.status >= 400:
                    raise delivery_error(meta_error(response.status, None))
                return await response.read(), str(found.get("mime_type") or "")
        except TimeoutError as exc:
            raise Transient(f"WhatsApp media {media_id} download timed out") from exc
        except aiohttp.ClientError as exc:
            raise Transient(f"WhatsApp media {media_id}: {exc!r}") from exc
