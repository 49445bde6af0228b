"""Security headers on every response: inbox pages, the API, the web chat, static files.

Put `security_headers(secure)` first in the app's middlewares, so it also sees the redirects
and errors the others raise. A handler that sets a header itself (say its own
Content-Security-Policy) keeps its own. Responses a handler sends itself before returning
(the event stream, the chat's websocket) have their headers out already and are left alone.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from aiohttp import web

# No inline scripts or styles anywhere: every script and stylesheet is a file under /static or
# /inbox/static. `connect-src 'self'` covers the inbox's EventSource and fetch, and the chat's
# websocket on the same host (CSP 3: 'self' matches ws:/wss: of the page's own host).
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'; "
    "object-src 'none'"
)
HSTS = "max-age=31536000; includeSubDomains"

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def headers(secure: bool) -> dict[str, str]:
    """The headers every response gets; HSTS only when the site is served over https."""
    found = {
        "Content-Security-Policy": CSP,
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "same-origin",
        "X-Frame-Options": "DENY",
        "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
    }
    if secure:
        found["Strict-Transport-Security"] = HSTS
    return found


def add_to(response: web.StreamResponse, extra: Mapping[str, str]) -> None:
    if response.prepared:
        return
    for name, value in extra.items():
        response.headers.setdefault(name, value)


def security_headers(secure: bool) -> Any:
    """The middleware: `secure` is True when the public address is https://."""
    extra = headers(secure)

    @web.middleware
    async def add_headers(request: web.Request, handler: Handler) -> web.StreamResponse:
        try:
            response = await handler(request)
        except web.HTTPException as exc:  # redirects and errors are responses too
            add_to(exc, extra)
            raise
        add_to(response, extra)
        return response

    return add_headers
