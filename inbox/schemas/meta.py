"""The `meta` tag and what every operation shares: the error answer."""

from __future__ import annotations

from inbox.schemas.base import Response


class Problem(Response):
    """RFC 9457 problem details; `detail` says in Dutch what to do."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str
