"""The web chat channel: a mobile page at /chat and a websocket that runs the same flows.

The youth is pseudonymous: the browser keeps a random token; we store only its keyed hash.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import json
import logging
import re
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any, assert_never

from aiohttp import WSCloseCode, WSMsgType, web
from sqlalchemy.ext.asyncio import AsyncSession

from bot.channels.base import Delivered
from bot.channels.errors import Rejected
from bot.channels.liveness import liveness, newest_question, passed_by
from bot.channels.webchat.frames import (
    chrome_json,
    edit_frame,
    edit_json,
    live_json,
    message_json,
)
from bot.incoming import MAX_TEXT
from core.bus import Bus
from core.i18n import language_of
from core.outgoing import AnswerTap, Document, Edit, FetchMedia, Outgoing, Template, Text
from core.templates import Templates
from storage import appointments, inbound, outbox, youths
from storage.clock import utcnow
from storage.db import Database
from storage.models import Youth

log = logging.getLogger(__name__)
STATIC = Path(__file__).parent / "static"
TEMPLATES = Path(__file__).parent / "templates"
TOKEN = re.compile(r"^[A-Za-z0-9_-]{22,128}$")
CLIENT_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
MAX_FRAME = 64 * 1024
# The open chat hears new messages by events (from any instance: core/relay.py); it also
# re-reads the database this often, in case an event was lost (a dropped connection).
REREAD_SECONDS = 30.0


def first_language(request: web.Request) -> str | None:
    header = request.headers.get("Accept-Language", "")
    first = header.split(",", 1)[0].split(";", 1)[0].strip()
    return first or None


class WebChannel:
    """Delivery to the web chat is the timeline itself; this wakes the open pages."""

    def __init__(self, bus: Bus) -> None:
        self.bus = bus

    async def send(self, message: Outgoing, timeline_id: int | None) -> Delivered:
        match message:
            case Edit(chat_id, target):
                self.bus.publish(f"web:{chat_id}", edit_frame(message))
                return Delivered(target)
            case Text(chat_id) | Document(chat_id):
                # The open page reads the new timeline row itself: our id is its reference.
                self.bus.publish(f"web:{chat_id}", {"type": "wake"})
                return Delivered(str(timeline_id) if timeline_id else None)
            case FetchMedia() | AnswerTap() | Template():
                raise Rejected(f"the web chat has no {message.kind}")
        assert_never(message)


class WebChat:
    def __init__(
        self,
        db: Database,
        bus: Bus,
        notify: Callable[[str], None],
        secret_key: str,
        pages: Templates,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.db = db
        self.clock = clock
        self.pages = pages
        self.bus = bus
        self.notify = notify
        self.secret = secret_key.encode()
        self.sockets: set[web.WebSocketResponse] = set()
        self.reread = REREAD_SECONDS

    async def close(self, app: web.Application | None = None) -> None:
        """On shutdown: open chats must not hold it up (the page reconnects by itself)."""
        for ws in list(self.sockets):
            await ws.close(code=WSCloseCode.GOING_AWAY, message=b"server shutdown")

    def routes(self) -> list[web.AbstractRouteDef]:
        return [
            web.get("/", self.home),
            web.get("/chat", self.page),
            web.get("/chat/ws", self.socket),
            web.static("/static", STATIC),
        ]

    async def home(self, request: web.Request) -> web.StreamResponse:
        raise web.HTTPFound("/chat")

    async def page(self, request: web.Request) -> web.StreamResponse:
        lang = language_of(request.query.get("lang") or first_language(request))
        html = self.pages.render("chat.html", lang, max_text=MAX_TEXT)  # as much as is kept
        return web.Response(
            text=html, content_type="text/html", headers={"Cache-Control": "no-cache"}
        )

    def user_id(self, token: str) -> str:
        return hmac.new(self.secret, token.encode(), hashlib.sha256).hexdigest()[:40]

    async def socket(self, request: web.Request) -> web.StreamResponse:
        ws = web.WebSocketResponse(heartbeat=30, max_msg_size=MAX_FRAME)
        await ws.prepare(request)
        try:
            hello = await ws.receive_json(timeout=30)
        except (TypeError, ValueError, TimeoutError):
            await ws.close(message=b"expected hello")
            return ws
        token = str(hello.get("token", ""))
        if hello.get("type") != "hello" or not TOKEN.match(token):
            await ws.send_json({"type": "error", "error": "bad_token"})
            await ws.close()
            return ws
        user = self.user_id(token)
        key = f"web:{user}"
        since = hello.get("since") if isinstance(hello.get("since"), int) else 0
        await ws.send_json({"type": "ready"})  # first: the page learns it is connected
        queue = self.bus.subscribe(key)
        self.sockets.add(ws)
        pusher = asyncio.create_task(self.push(ws, user, key, since, queue))
        try:
            async for frame in ws:
                if frame.type != WSMsgType.TEXT:
                    continue
                await self.receive(ws, user, key, frame.data)
        finally:
            pusher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await pusher
            self.bus.unsubscribe(key, queue)
            self.sockets.discard(ws)
        return ws

    async def receive(self, ws: web.WebSocketResponse, user: str, key: str, data: str) -> None:
        try:
            frame = json.loads(data)
        except json.JSONDecodeError:
            await ws.send_json({"type": "error", "error": "not_json"})
            return
        client_id = str(frame.get("client_id", "")) if isinstance(frame, dict) else ""
        if not CLIENT_ID.match(client_id) or frame.get("type") not in ("text", "button", "open"):
            await ws.send_json({"type": "error", "error": "bad_frame", "client_id": client_id})
            return
        if frame.get("type") == "open" and await self.known(user):
            await ws.send_json({"type": "ack", "client_id": client_id})
            return  # a returning youth: the page's first-visit start is not needed
        payload = {"user_id": user, "frame": frame}
        async with self.db.transaction() as session:
            await inbound.store(session, [("web", f"{user}:{client_id}", key, payload)], utcnow())
        await ws.send_json({"type": "ack", "client_id": client_id})
        self.notify(key)

    async def known(self, user: str) -> bool:
        async with self.db.transaction() as session:
            youth = await youths.find(session, "web", user)
            return youth is not None and bool(await outbox.messages_since(session, youth.id, 0))

    async def push(
        self,
        ws: web.WebSocketResponse,
        user: str,
        key: str,
        since: int,
        queue: asyncio.Queue[dict[str, Any]],
    ) -> None:
        """Send the timeline after `since`, then every new message as it is written.

        Also the page's own words in the youth's language, and which buttons still work: an
        appointment that was confirmed, moved or cancelled greys its buttons on the open page.
        """
        last, lang = since, ""
        shown: dict[int, str] = {}
        while not ws.closed:
            async with self.db.transaction() as session:
                youth = await youths.find(session, "web", user)
                messages = await outbox.messages_since(session, youth.id, last) if youth else []
                live = await self.live_buttons(session, youth)
            if youth is not None and youth.lang != lang:
                lang = youth.lang
                await ws.send_json(chrome_json(lang))
            for message in messages:
                await ws.send_json(message_json(message, live.get(message.id, "older")))
                last = message.id
                if message.id in live:
                    shown[message.id] = live[message.id]
            for ident, now_live in live.items():
                if ident <= last and shown.get(ident) != now_live:
                    shown[ident] = now_live
                    await ws.send_json({"type": "live", "id": ident, **live_json(now_live)})
            try:  # asyncio.timeout, not wait_for: on 3.11 that may swallow a cancel
                async with asyncio.timeout(self.reread):
                    event = await queue.get()
            except TimeoutError:
                continue
            if event["type"] == "edit":
                frame = event if "text" in event else await self.edited(user, event)
                if frame is not None:
                    await ws.send_json(frame)

    async def edited(self, user: str, event: dict[str, Any]) -> dict[str, Any] | None:
        """An edit made on another instance arrives as its message id: read what it shows."""
        async with self.db.transaction() as session:
            youth = await youths.find(session, "web", user)
            ref = str(event.get("id"))
            message = await outbox.message_by_ref(session, youth, ref) if youth else None
        return edit_json(message) if message is not None else None

    async def live_buttons(self, session: AsyncSession, youth: Youth | None) -> dict[int, str]:
        if youth is None:
            return {}
        with_buttons = await outbox.with_buttons(session, youth.id)
        if not with_buttons:
            return {}
        found = await appointments.of_youth_by_id(session, youth.id)
        question = newest_question(with_buttons)
        after = await outbox.messages_since(session, youth.id, question) if question else []
        return liveness(with_buttons, found, self.clock(), passed=passed_by(after))
