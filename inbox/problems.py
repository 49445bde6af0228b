"""JSON problem details (RFC 9457) for the API: every error has a status and a clear message."""

from __future__ import annotations

from aiohttp import web

from inbox.schemas.meta import Problem

ERRORS: dict[int, type[web.HTTPException]] = {
    400: web.HTTPBadRequest,
    401: web.HTTPUnauthorized,
    403: web.HTTPForbidden,
    404: web.HTTPNotFound,
    409: web.HTTPConflict,
    413: web.HTTPRequestEntityTooLarge,
    415: web.HTTPUnsupportedMediaType,
    422: web.HTTPUnprocessableEntity,
    429: web.HTTPTooManyRequests,
}


def problem(status: int, title: str, detail: str = "") -> web.HTTPException:
    body = Problem(title=title, status=status, detail=detail).model_dump_json()
    kind = ERRORS.get(status, web.HTTPInternalServerError)
    if kind is web.HTTPRequestEntityTooLarge:
        return web.HTTPRequestEntityTooLarge(
            0, 0, text=body, content_type="application/problem+json"
        )
    return kind(text=body, content_type="application/problem+json")
