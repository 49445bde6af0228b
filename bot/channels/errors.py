"""Delivery outcomes a channel reports to the sender.

DeliveryError
 ├── RetryLater    the channel asked us to wait (Telegram 429 retry_after)
 ├── Unreachable   the youth blocked the bot or the chat is gone: never retried
 ├── Rejected      the channel refused this request for good (bad request)
 ├── Uncertain     timed out: it may have arrived; retried (at-least-once) and counted
 ├── Transient     network trouble or a 5xx: retried with backoff
 └── OutsideWindow WhatsApp's 24-hour window is closed: kept, and a template sent instead
"""

from __future__ import annotations


class DeliveryError(Exception):
    pass


class RetryLater(DeliveryError):
    def __init__(self, seconds: float) -> None:
        super().__init__(f"retry after {seconds:g}s")
        self.seconds = seconds


class OutsideWindow(DeliveryError):
    """WhatsApp's customer service window is closed (error 131047): kept until it opens."""


class Unreachable(DeliveryError):
    pass


class Rejected(DeliveryError):
    pass


class Uncertain(DeliveryError):
    pass


class Transient(DeliveryError):
    pass


def brief(exc: BaseException, limit: int = 200) -> str:
    """An error on one short line: a proxy's HTML error page is cut, not logged whole."""
    text = " ".join(str(exc).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
