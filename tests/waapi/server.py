"""A local imitation of the WhatsApp Cloud API (Graph API v23.0) for end-to-end tests.

It answers ``POST /v23.0/{phone-number-id}/messages`` and the media endpoints like Meta,
validates every request against the OpenAPI document plus WhatsApp's documented limits
(breaks land in ``server.violations`` and get Meta's error answer), enforces the 24-hour
window and templates, posts signed webhooks (user messages, statuses) to ``webhook_url``,
and injects 5xx, rate limits, undeliverable numbers and delays on demand.
"""

from __future__ import annotations

import asyncio
import json
import logging
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web

from .errors import MetaError, invalid_parameter
from .limits import limit_errors
from .media import MAX_BYTES, SUPPORTED, kind_for_mime
from .objects import JSON, Call, Media
from .spec import Operation, WaSpec, default_spec_path
from .users import UserSimulation
from .webhooks import WebhookDelivery

__all__ = ["API_VERSION", "WhatsAppApiServer"]

API_VERSION = "v23.0"
_log = logging.getLogger("tests.waapi")
_IMPLEMENTED = frozenset({"sendMessage", "uploadImage", "retrieveMediaUrl", "deleteMedia"})
_DOWNLOAD_PATH = "/whatsapp_business/attachments/"
_URL_LIFETIME = 300  # seconds a media URL stays valid
_FAULTS = {
    500: (131000, "Something went wrong"),
    503: (131016, "Service unavailable"),
}
_RATE_LIMITS = {
    130429: "Rate limit hit",
    131056: "(Business Account, Consumer Account) pair rate limit hit",
    80007: "Rate limit issues",
}
_MEDIA_KINDS = ("audio", "document", "image", "sticker", "video")


class WhatsAppApiServer(UserSimulation):
    """The fake Cloud API.  ``await start()``; the client posts to
    ``f"{base_url}/{phone_number_id}/messages"`` with ``Authorization: Bearer <access_token>``."""

    def __init__(
        self,
        spec: WaSpec | str | Path | None = None,
        *,
        app_secret: str = "test-app-secret",
        access_token: str = "test-token",
        phone_number_id: str = "1234567890",
        display_phone_number: str = "3292000000",
        webhook_url: str | None = None,
        webhook_retry_delay: float = 0.5,
        webhook_max_retry_delay: float = 30.0,
    ) -> None:
        super().__init__(
            access_token=access_token,
            phone_number_id=phone_number_id,
            display_phone_number=display_phone_number,
        )
        self.spec = spec if isinstance(spec, WaSpec) else WaSpec.load(spec or default_spec_path())
        self.app_secret = app_secret
        self.webhooks = WebhookDelivery(
            self,
            app_secret,
            retry_delay=webhook_retry_delay,
            max_retry_delay=webhook_max_retry_delay,
        )
        self.webhooks.url = webhook_url
        self.root_url = ""
        self.base_url = ""
        self._faults: dict[str, list[MetaError]] = {}
        self._delays: list[float] = []
        self._runner: web.AppRunner | None = None

    @property
    def webhook_url(self) -> str | None:
        return self.webhooks.url

    @webhook_url.setter
    def webhook_url(self, url: str | None) -> None:
        self.webhooks.url = url
        self.notify()

    # --- lifecycle ----------------------------------------------------------------------

    def make_app(self) -> web.Application:
        from . import ui  # the page is optional sugar

        app = web.Application(client_max_size=110 * 2**20)
        ui.add_routes(app, self)
        app.router.add_get(_DOWNLOAD_PATH, self._handle_download)
        app.router.add_get("/favicon.ico", _no_icon)  # browsers ask; not an API call
        app.router.add_route("*", "/{version}/{tail:.*}", self._handle_api)
        return app

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> None:
        """Listen on host:port (0 = a free port), set base_url, start webhook delivery."""
        self._runner = web.AppRunner(self.make_app(), access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        await web.TCPSite(self._runner, host, port).start()
        self.root_url = f"http://{host}:{self._runner.addresses[0][1]}"
        self.base_url = f"{self.root_url}/{API_VERSION}"
        self.webhooks.start()

    async def stop(self) -> None:
        await self.webhooks.stop()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    # --- faults -------------------------------------------------------------------------

    def fail_next(self, status: int = 500, times: int = 1, *, on: str = "send") -> None:
        """Answer the next `times` requests with a server error (500 or 503).

        on: "send" (message sends, not read receipts), "media" (upload, URL, download), "any".
        """
        code, message = _FAULTS.get(status, (1, "An unknown error occurred"))
        fault = MetaError(status, code, message, violation=False)
        self._faults.setdefault(on, []).extend([fault] * times)

    def rate_limit_next(self, code: int = 130429, times: int = 1, *, on: str = "send") -> None:
        """Answer the next `times` requests with HTTP 429 and this rate-limit code."""
        fault = MetaError(429, code, _RATE_LIMITS.get(code, "Rate limit hit"), violation=False)
        self._faults.setdefault(on, []).extend([fault] * times)

    def delay_next(self, seconds: float, times: int = 1) -> None:
        """Hold the next `times` answers (the request still takes effect) to cause timeouts."""
        self._delays.extend([seconds] * times)

    def clear_faults(self) -> None:
        self._faults.clear()
        self._delays.clear()

    def _take_fault(self, kind: str) -> MetaError | None:
        for key in (kind, "any"):
            queue = self._faults.get(key)
            if queue:
                return queue.pop(0)
        return None

    # --- HTTP ---------------------------------------------------------------------------

    def _record(
        self, request: web.Request, op: str, body: Any, status: int, answer: Any, errs: list[str]
    ) -> None:
        for violation in errs:
            _log.warning("WhatsApp API violation: %s", violation)
        self.violations.extend(errs)
        self.calls.append(
            Call(request.method, request.path, op, body, status, answer, errs, self.now)
        )
        self.notify()

    def _authorized(self, request: web.Request) -> bool:
        return request.headers.get("Authorization", "") == f"Bearer {self.access_token}"

    async def _handle_api(self, request: web.Request) -> web.StreamResponse:
        found = self.spec.find(request.method, request.path, _IMPLEMENTED)
        op: Operation | None = found[0] if found else None
        body: Any = None
        try:
            if not self._authorized(request):
                raise MetaError(401, 190, "Invalid OAuth access token - Cannot parse access token")
            if op is None:
                raise MetaError(
                    400,
                    100,
                    "Unsupported request - method type",
                    details=f"no operation {request.method} {request.path} in {self.spec.title}",
                )
            if request.match_info["version"] != API_VERSION:
                raise invalid_parameter(
                    f"API version {request.match_info['version']}; the spec is {API_VERSION}",
                    code=100,
                )
            handler = {
                "sendMessage": self._messages,
                "uploadImage": self._upload,
                "retrieveMediaUrl": self._media_url,
                "deleteMedia": self._media_delete,
            }.get(op.operation_id)
            if handler is None:
                raise MetaError(
                    400,
                    100,
                    "Unsupported request",
                    details=f"{op.operation_id} is not "
                    "implemented by the test server (tests/waapi/server.py)",
                )
            body, answer = await handler(request, found[1] if found else {})
            status = 200
        except MetaError as err:
            status, answer = err.status, err.body()
            self._record(
                request,
                op.operation_id if op else "",
                body,
                status,
                answer,
                [f"{request.method} {request.path}: {err}"] if err.violation else [],
            )
            return web.json_response(answer, status=status)
        self._record(request, op.operation_id, body, status, answer, [])
        if self._delays:
            await asyncio.sleep(self._delays.pop(0))
        return web.json_response(answer, status=status)

    async def _json_body(self, request: web.Request) -> JSON:
        if request.content_type != "application/json":
            raise invalid_parameter(
                f"Content-Type {request.content_type!r}; send application/json", code=100
            )
        try:
            body = await request.json()
        except json.JSONDecodeError as exc:
            raise invalid_parameter(f"body is not JSON: {exc}", code=100) from None
        if not isinstance(body, dict):
            raise invalid_parameter("the body must be a JSON object", code=100)
        return body

    def _check_phone_number_id(self, params: dict[str, str]) -> None:
        given = params.get("Phone_Number_ID")
        if given != self.phone_number_id:
            raise MetaError(
                400,
                100,
                "Unsupported post request",
                details=f"Object with ID '{given}' does "
                f"not exist; this server's phone number id is {self.phone_number_id}",
            )

    async def _messages(self, request: web.Request, params: dict[str, str]) -> tuple[Any, JSON]:
        body = await self._json_body(request)
        self._check_phone_number_id(params)
        if "status" in body:
            return body, self._read_receipt(body)
        problems = self.spec.schema_errors("Message", body, "")
        if problems:
            raise invalid_parameter("; ".join(problems), code=100)
        for error in limit_errors(body):
            raise error
        self._check_media_ref(body)
        fault = self._take_fault("send")
        if fault is not None:
            raise fault
        self.check_send(body)
        sent = self.accept_send(body)
        return body, {
            "messaging_product": "whatsapp",
            "contacts": [{"input": str(body["to"]), "wa_id": sent.to}],
            "messages": [{"id": sent.wamid}],
        }

    def _read_receipt(self, body: JSON) -> JSON:
        """Mark as read (and maybe show typing): {messaging_product, status: read, message_id}."""
        problems = []
        if body.get("messaging_product") != "whatsapp":
            problems.append("messaging_product must be 'whatsapp'")
        if body.get("status") != "read":
            problems.append(f"status {body.get('status')!r}; only 'read' can be sent")
        if body.get("message_id") not in self.received:
            problems.append(f"message_id {body.get('message_id')!r} is not a received message")
        indicator = body.get("typing_indicator")
        if indicator is not None and indicator != {"type": "text"}:
            problems.append(f"typing_indicator {indicator!r}; use {{'type': 'text'}}")
        extra = set(body) - {"messaging_product", "status", "message_id", "typing_indicator"}
        if extra:
            problems.append(f"unexpected fields {sorted(extra)}")
        if problems:
            raise invalid_parameter("; ".join(problems), code=100)
        self.read_receipts.append(str(body["message_id"]))
        return {"success": True}

    def _check_media_ref(self, body: JSON) -> None:
        kind = str(body.get("type"))
        media = body.get(kind) if kind in _MEDIA_KINDS else None
        if isinstance(media, dict) and "id" in media and media["id"] not in self.media:
            raise invalid_parameter(f"{kind}.id {media['id']!r} was never uploaded", code=100)

    async def _upload(self, request: web.Request, params: dict[str, str]) -> tuple[Any, JSON]:
        self._check_phone_number_id(params)
        if request.content_type != "multipart/form-data":
            raise invalid_parameter(
                f"Content-Type {request.content_type!r}; upload as multipart/form-data", code=100
            )
        form = await request.post()
        upload = form.get("file")
        fields = {k: v for k, v in form.items() if not isinstance(v, web.FileField)}
        recorded = {**fields, "file": getattr(upload, "filename", None)}
        if fields.get("messaging_product") != "whatsapp":
            raise invalid_parameter("messaging_product must be 'whatsapp'", code=131008)
        if not isinstance(upload, web.FileField):
            raise invalid_parameter("file is required (a multipart file part)", code=131008)
        mime = str(fields.get("type") or "")
        if not mime:
            raise invalid_parameter("type (the file's MIME type) is required", code=131008)
        kind = kind_for_mime(mime)
        data = upload.file.read()
        if kind is None:
            raise MetaError(
                400,
                131053,
                "Media upload error",
                details=f"{mime} is not a supported media type; documents can be "
                f"{', '.join(sorted(SUPPORTED['document']))} (send a calendar file as "
                "text/plain with its .ics filename)",
            )
        if len(data) > MAX_BYTES[kind]:
            raise MetaError(
                400,
                131053,
                "Media upload error",
                details=f"{kind} of {len(data)} bytes; the limit is {MAX_BYTES[kind]}",
            )
        fault = self._take_fault("media")
        if fault is not None:
            raise fault
        media = Media(self.new_media_id(), data, mime.split(";")[0], upload.filename)
        self.media[media.id] = media
        return recorded, {"id": media.id}

    def _known_media(self, params: dict[str, str]) -> Media:
        media = self.media.get(params.get("Media_ID", ""))
        if media is None:
            raise MetaError(
                400,
                100,
                "Unsupported get request",
                details=f"Object with ID '{params.get('Media_ID')}' does not exist",
            )
        return media

    async def _media_url(self, request: web.Request, params: dict[str, str]) -> tuple[Any, JSON]:
        media = self._known_media(params)
        fault = self._take_fault("media")
        if fault is not None:
            raise fault
        return dict(request.query), {
            "messaging_product": "whatsapp",
            "url": f"{self.root_url}{_DOWNLOAD_PATH}?mid={media.id}&ext={int(self.now)}",
            "mime_type": media.mime_type,
            "sha256": media.sha256,
            "file_size": str(len(media.data)),
            "id": media.id,
        }

    async def _media_delete(self, request: web.Request, params: dict[str, str]) -> tuple[Any, JSON]:
        media = self._known_media(params)
        del self.media[media.id]
        return dict(request.query), {"success": True}

    async def _handle_download(self, request: web.Request) -> web.StreamResponse:
        media = self.media.get(request.query.get("mid", ""))
        try:
            if not self._authorized(request):
                raise MetaError(401, 190, "Invalid OAuth access token - Cannot parse access token")
            if media is None:
                raise MetaError(404, 100, "Media not found", details=f"no media {request.query}")
            issued = request.query.get("ext", "")
            if not issued.isdigit() or self.now - int(issued) > _URL_LIFETIME:
                raise MetaError(
                    404,
                    100,
                    "Media URL expired",
                    details="media URLs are valid for 5 minutes; get a new one from /{media-id}",
                    violation=False,
                )
            fault = self._take_fault("media")
            if fault is not None:
                raise fault
        except MetaError as err:
            violations = [f"GET {request.path_qs}: {err}"] if err.violation else []
            self._record(request, "downloadMedia", None, err.status, err.body(), violations)
            return web.json_response(err.body(), status=err.status)
        self._record(request, "downloadMedia", None, 200, f"<{len(media.data)} bytes>", [])
        return web.Response(body=media.data, content_type=media.mime_type)

    # --- webhook verification -----------------------------------------------------------

    async def verify(self, verify_token: str, challenge: str = "1158201444") -> tuple[int, str]:
        """Do Meta's subscription handshake against webhook_url; return (status, body)."""
        if self.webhook_url is None:
            raise ValueError("set server.webhook_url first")
        query = {
            "hub.mode": "subscribe",
            "hub.verify_token": verify_token,
            "hub.challenge": challenge,
        }
        async with (
            aiohttp.ClientSession() as session,
            session.get(self.webhook_url, params=query) as response,
        ):
            return response.status, await response.text()


async def _no_icon(_request: web.Request) -> web.Response:
    return web.Response(status=404)
