"""What a log line is about: the HTTP request or the inbound update being handled.

Context variables, so each request's and each youth's task carries its own; the JSON log
format (instap/logs.py) writes them on every line logged while they are set.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

REQUEST_ID: ContextVar[str | None] = ContextVar("request_id", default=None)
UPDATE_ID: ContextVar[str | None] = ContextVar("update_id", default=None)


@contextmanager
def request(request_id: str) -> Iterator[None]:
    """Lines logged inside carry this request id."""
    token = REQUEST_ID.set(request_id)
    try:
        yield
    finally:
        REQUEST_ID.reset(token)


@contextmanager
def update(source: str, row_id: int) -> Iterator[None]:
    """Lines logged inside carry the inbound row being handled, as "telegram:42"."""
    token = UPDATE_ID.set(f"{source}:{row_id}")
    try:
        yield
    finally:
        UPDATE_ID.reset(token)
