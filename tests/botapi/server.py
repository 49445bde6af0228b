"""A local imitation of the Telegram Bot API for end-to-end tests with the real PTB client.

It answers ``/bot<token>/<method>`` like Telegram, validates every call against the official
spec (violations land in ``server.violations``), delivers updates by getUpdates or webhook,
serves files at ``/file/bot<token>/<path>``, and can inject errors and delays. With
``flood=True`` (or a `FloodLimits`) it enforces Telegram's flood limits: a message over them
gets 429 with ``retry_after`` and lands in ``server.flood.violations`` (the model: flood.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import json
import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web

from tests.support.waits import WaitTimeout

from .flood import Flood, FloodLimits
from .methods import HANDLERS
from .objects import JSON, ApiError, Call, UploadedFile
from .spec import Spec
from .state import BotState

__all__ = ["DEFAULT_TOKEN", "BotApiServer", "WaitTimeout", "default_spec_path"]

DEFAULT_TOKEN = "123456:TEST-TOKEN"
_log = logging.getLogger("tests.botapi")
_DEFAULT_DESCRIPTIONS = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden: bot was blocked by the user",
    404: "Not Found",
    409: "Conflict: terminated by other getUpdates request",
    500: "Internal Server Error",
    502: "Bad Gateway",
}


def default_spec_path() -> Path:
    """``$TELEGRAM_API_SPEC``, else ``<repo>/../shared/telegram-bot-api/api.json``."""
    env = os.environ.get("TELEGRAM_API_SPEC")
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[3] / "shared" / "telegram-bot-api" / "api.json"


@dataclass
class _Webhook:
    url: str
    secret_token: str | None
    allowed_updates: list[str] | None
    max_connections: int
    last_error_date: int | None = None
    last_error_message: str | None = None


@dataclass
class _Fault:
    status: int
    description: str
    parameters: JSON | None


class BotApiServer(BotState):
    """The fake Bot API.  ``await start()``, point ``telegram.Bot`` at ``base_url``."""

    def __init__(
        self,
        spec_path: str | Path | None = None,
        token: str = DEFAULT_TOKEN,
        *,
        spec: Spec | None = None,
        webhook_retry_delay: float = 0.2,
        webhook_timeout: float = 5.0,
        strict_chats: bool = True,
        flood: bool | FloodLimits = False,
    ) -> None:
        super().__init__(spec or Spec.load(spec_path or default_spec_path()), token)
        limits = flood if isinstance(flood, FloodLimits) else FloodLimits()
        self.flood: Flood | None = Flood(limits) if flood else None
        self.strict_chats = strict_chats
        self.webhook_retry_delay = webhook_retry_delay
        self.webhook_timeout = webhook_timeout
        self.base_url = ""
        self.base_file_url = ""
        self.root_url = ""
        self.webhook: _Webhook | None = None
        self.webhook_attempts: list[tuple[int, int]] = []  # (update_id, HTTP status; 0 = no conn)
        self._webhook_task: asyncio.Task[None] | None = None
        self._faults: dict[str, list[_Fault]] = {}
        self._html_faults: dict[str, list[int]] = {}
        self._delays: dict[str, list[float]] = {}
        self._allowed_updates: list[str] | None = None
        self._poll_generation = 0
        self._stopping = False
        self._runner: web.AppRunner | None = None

    # --- lifecycle ---------------------------------------------------------------------

    def make_app(self) -> web.Application:
        from . import ui  # the page is optional sugar

        app = web.Application(client_max_size=50 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle_api)
        app.router.add_get("/file/bot{token}/{path:.+}", self._handle_file)
        ui.add_routes(app, self)
        return app

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> None:
        """Listen on host:port (0 = a free port) and set base_url / base_file_url."""
        self._stopping = False
        self._runner = web.AppRunner(self.make_app(), access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, host, port)
        await site.start()
        bound_port = self._runner.addresses[0][1]
        self.root_url = f"http://{host}:{bound_port}"
        self.base_url = f"{self.root_url}/bot"
        self.base_file_url = f"{self.root_url}/file/bot"

    async def stop(self) -> None:
        """Stop webhook delivery, release long polls and close the listener."""
        self._stopping = True
        await self.remove_webhook()
        self.notify()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    # --- fault injection ---------------------------------------------------------------

    def _method_key(self, method: str) -> str:
        if method == "*":
            return method
        canonical = self.spec.canonical_method(method)
        if canonical is None:
            raise ValueError(f"{method!r} is not a Bot API method")
        return canonical

    def inject_error(
        self,
        method: str,
        *,
        status: int,
        description: str | None = None,
        count: int = 1,
        retry_after: int | None = None,
        parameters: JSON | None = None,
    ) -> None:
        """Make the next `count` calls of `method` ("*" = any) fail with this status."""
        params = dict(parameters or {})
        if status == 429:
            params.setdefault("retry_after", retry_after if retry_after is not None else 1)
        if description is None:
            if status == 429:
                description = f"Too Many Requests: retry after {params['retry_after']}"
            else:
                description = _DEFAULT_DESCRIPTIONS.get(status, f"Error {status}")
        fault = _Fault(status, description, params or None)
        self._faults.setdefault(self._method_key(method), []).extend([fault] * count)

    def inject_html_error(self, method: str, *, status: int, count: int = 1) -> None:
        """Answer the next `count` calls of `method` with a proxy's HTML error page (what a
        load balancer in front of the Bot API gives when it is down), not Telegram's JSON."""
        self._html_faults.setdefault(self._method_key(method), []).extend([status] * count)

    def inject_delay(self, method: str, seconds: float, count: int = 1) -> None:
        """Delay the next `count` answers of `method`; the call still takes effect."""
        self._delays.setdefault(self._method_key(method), []).extend([seconds] * count)

    def clear_injections(self) -> None:
        self._faults.clear()
        self._html_faults.clear()
        self._delays.clear()

    def _take_fault(self, method: str) -> _Fault | None:
        for key in (method, "*"):
            queue = self._faults.get(key)
            if queue:
                return queue.pop(0)
        return None

    def _take_delay(self, method: str) -> float:
        for key in (method, "*"):
            queue = self._delays.get(key)
            if queue:
                return queue.pop(0)
        return 0.0

    # --- HTTP --------------------------------------------------------------------------

    async def _handle_api(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return _reply(401, ApiError(401, "Unauthorized").body())
        name = request.match_info["method"]
        method = self.spec.canonical_method(name)
        if method is None:
            return self._reject(name, {}, 404, "Not Found", f"unknown method {name!r}")
        try:
            params, files = await self._decode(request, method)
        except ValueError as exc:
            return self._reject(method, {}, 400, f"Bad Request: {exc}", f"{method}: {exc}")
        for key in (method, "*"):
            if self._html_faults.get(key):
                status = self._html_faults[key].pop(0)
                self.calls.append(Call(method, params, status, {"html": True}, []))
                self.notify()
                page = f"<html><head><title>{status}</title></head><body><h1>{status}</h1>"
                return web.Response(text=page + "<hr>nginx</body></html>", status=status,
                                    content_type="text/html")  # fmt: skip
        status, body = await self.execute(method, params, files)
        return _reply(status, body)

    def _reject(
        self, method: str, params: JSON, status: int, description: str, violation: str
    ) -> web.Response:
        body = ApiError(status, description).body()
        self.violations.append(violation)
        _log.warning("Bot API violation: %s", violation)
        self.calls.append(Call(method, params, status, body, [violation]))
        self.notify()
        return _reply(status, body)

    async def _decode(
        self, request: web.Request, method: str
    ) -> tuple[JSON, dict[str, UploadedFile]]:
        raw: dict[str, str] = dict(request.query)
        params: JSON = {}
        files: dict[str, UploadedFile] = {}
        if request.can_read_body:
            ctype = request.content_type
            if ctype == "application/json":
                body = await request.json()
                if not isinstance(body, dict):
                    raise ValueError("JSON body must be an object")
                params.update(body)
            elif ctype in ("application/x-www-form-urlencoded", "multipart/form-data"):
                form = await request.post()
                for key, value in form.items():
                    if isinstance(value, web.FileField):
                        content = value.file.read()
                        files[key] = UploadedFile(value.filename, value.content_type, content)
                    else:
                        raw[key] = str(value)
            elif await request.read():
                raise ValueError(f"unsupported Content-Type {ctype}")
        for key, value in raw.items():
            params.setdefault(key, self.spec.decode_form_value(method, key, value))
        return params, files

    async def execute(
        self, method: str, params: JSON, files: dict[str, UploadedFile] | None = None
    ) -> tuple[int, JSON]:
        """Validate and run one decoded call; return (HTTP status, response body)."""
        files = files or {}
        problems = self.spec.validate_call(method, params, files)
        violations = [p.violation for p in problems]
        for violation in violations:
            _log.warning("Bot API violation: %s", violation)
        self.violations.extend(violations)
        delay = self._take_delay(method)
        if delay:
            await asyncio.sleep(delay)
        try:
            if problems:
                raise ApiError(400, problems[0].description)
            fault = self._take_fault(method)
            if fault is not None:
                raise ApiError(fault.status, fault.description, fault.parameters)
            self._check_flood(method, params)
            result = await self._dispatch(method, params, files, violations)
            status, body = 200, {"ok": True, "result": result}
        except ApiError as err:
            status, body = err.status, err.body()
        _log.debug("%s %s -> %s", method, params, status)
        self.calls.append(Call(method, params, status, copy.deepcopy(body), violations, [*files]))
        self.notify()
        return status, body

    def _check_flood(self, method: str, params: JSON) -> None:
        """In flood mode, refuse a message over Telegram's limits as Telegram does."""
        retry_after = self.flood.check(method, params.get("chat_id")) if self.flood else 0
        if retry_after:
            _log.info(
                "flood limit: %s to %s, retry after %s", method, params.get("chat_id"), retry_after
            )
            description = f"Too Many Requests: retry after {retry_after}"
            raise ApiError(429, description, {"retry_after": retry_after})

    async def _dispatch(
        self, method: str, params: JSON, files: dict[str, UploadedFile], violations: list[str]
    ) -> Any:
        handler = HANDLERS.get(method)
        if handler is None:
            if self.spec.returns(method) in (["Boolean"], ["True"]):
                return True
            msg = f"{method}: not implemented by the test server (tests/botapi/methods.py)"
            violations.append(msg)
            self.violations.append(msg)
            raise ApiError(400, f"Bad Request: {msg}")
        result = await handler(self, params, files)
        returns = self.spec.returns(method)
        if returns and all(self.spec.has_type(t.removeprefix("Array of ")) for t in returns):
            errors = self.spec.validate_value(tuple(returns), result, f"{method}->result")
            self.server_errors.extend(errors)
        return result

    async def _handle_file(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return _reply(401, ApiError(401, "Unauthorized").body())
        path = request.match_info["path"]
        for stored in self.files.values():
            if stored.file_path == path:
                return web.Response(
                    body=stored.content,
                    content_type=stored.mime_type or "application/octet-stream",
                )
        return _reply(404, ApiError(404, "Not Found").body())

    # --- getUpdates --------------------------------------------------------------------

    async def poll_updates(
        self, *, offset: int, limit: int, poll_seconds: int, allowed_updates: list[str] | None
    ) -> list[JSON]:
        """getUpdates: confirm below offset, then long-poll up to `poll_seconds`."""
        if self.webhook is not None:
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )
        if allowed_updates is not None:
            self._allowed_updates = list(allowed_updates)
        if offset > 0:
            self.confirm_updates_below(offset)
        elif offset < 0 and len(self.pending_updates) > -offset:
            self.confirm_updates_below(self.pending_updates[offset]["update_id"])
        self._poll_generation += 1
        generation = self._poll_generation
        self.notify()  # an older poll still waiting must now give up
        loop = asyncio.get_running_loop()
        deadline = loop.time() + poll_seconds
        while True:
            if generation != self._poll_generation:
                raise ApiError(
                    409,
                    "Conflict: terminated by other getUpdates request; "
                    "make sure that only one bot instance is running",
                )
            if self.webhook is not None:
                raise ApiError(409, "Conflict: terminated by setWebhook request")
            ready = [u for u in self.pending_updates if self.allows(self._allowed_updates, u)]
            remaining = deadline - loop.time()
            if ready or remaining <= 0 or self._stopping:
                break
            await self.wait_change(remaining)
        ready = ready[:limit]
        for update in ready:
            self.mark_delivered(update)
        return copy.deepcopy(ready)

    def drop_pending_updates(self) -> None:
        if self.pending_updates:
            self.confirm_updates_below(self.pending_updates[-1]["update_id"] + 1)

    # --- webhook -----------------------------------------------------------------------

    async def install_webhook(
        self,
        url: str,
        *,
        secret_token: str | None,
        allowed_updates: list[str] | None,
        max_connections: int,
    ) -> None:
        await self.remove_webhook()
        self.webhook = _Webhook(url, secret_token, allowed_updates, max_connections)
        self._webhook_task = asyncio.create_task(self._deliver(self.webhook))
        self.notify()

    async def remove_webhook(self) -> None:
        self.webhook = None
        task, self._webhook_task = self._webhook_task, None
        if task is not None and task is not asyncio.current_task():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self.notify()

    async def _deliver(self, hook: _Webhook) -> None:
        """POST pending updates to the webhook one at a time, in order, retrying failures."""
        timeout = aiohttp.ClientTimeout(total=self.webhook_timeout)
        async with aiohttp.ClientSession(timeout=timeout) as session:
            while self.webhook is hook and not self._stopping:
                update = next(
                    (u for u in self.pending_updates if self.allows(hook.allowed_updates, u)),
                    None,
                )
                if update is None:
                    await self.wait_change(1.0)
                    continue
                headers = {"Content-Type": "application/json"}
                if hook.secret_token:
                    headers["X-Telegram-Bot-Api-Secret-Token"] = hook.secret_token
                try:
                    payload = json.dumps(update).encode()
                    async with session.post(hook.url, data=payload, headers=headers) as resp:
                        await resp.read()
                        status = resp.status
                        error = f"Wrong response from the webhook: {resp.status} {resp.reason}"
                except (aiohttp.ClientError, TimeoutError) as exc:
                    status, error = 0, f"Connection failed: {type(exc).__name__}"
                self.webhook_attempts.append((update["update_id"], status))
                if 200 <= status < 300:
                    self.mark_delivered(update)
                    self.confirm_updates_below(update["update_id"] + 1)
                else:
                    hook.last_error_date, hook.last_error_message = self.now(), error
                    _log.debug("webhook delivery of %s failed: %s", update["update_id"], error)
                self.notify()
                if status < 200 or status >= 300:
                    await asyncio.sleep(self.webhook_retry_delay)

    def webhook_info(self) -> JSON:
        hook = self.webhook
        info: JSON = {
            "url": hook.url if hook else "",
            "has_custom_certificate": False,
            "pending_update_count": len(self.pending_updates),
        }
        if hook is not None:
            info["max_connections"] = hook.max_connections
            info["ip_address"] = "127.0.0.1"
            if hook.allowed_updates is not None:
                info["allowed_updates"] = hook.allowed_updates
            if hook.last_error_date is not None:
                info["last_error_date"] = hook.last_error_date
                info["last_error_message"] = hook.last_error_message
        return info

    # --- waiting -----------------------------------------------------------------------

    @property
    def polls_started(self) -> int:
        """How many getUpdates calls have begun; the newest may be waiting (long poll) now."""
        return self._poll_generation

    async def wait_for_bot_messages(
        self,
        chat_id: int,
        count: int,
        timeout: float = 30.0,  # noqa: ASYNC109 - a deadline for the condition, not I/O
    ) -> list[JSON]:
        """Wait until the bot has sent at least `count` messages to this chat."""
        await self.wait_until(
            lambda: len(self.bot_messages(chat_id)) >= count,
            timeout,
            what=f"{count} bot message(s) in chat {chat_id}",
        )
        return self.bot_messages(chat_id)

    def calls_to(self, method: str) -> list[Call]:
        """The recorded calls of one method (any spelling)."""
        canonical = self.spec.canonical_method(method) or method
        return [c for c in self.calls if c.method == canonical]


def _reply(status: int, body: JSON) -> web.Response:
    return web.json_response(body, status=status)
