"""The WhatsApp channel: receive webhooks durably and check them; render and send ours.

Webhooks are signed by Meta with the app secret (X-Hub-Signature-256 over the raw body):
the signature is checked before anything is parsed or stored, and a message is stored
(unique on its wamid) before Meta hears it arrived. Statuses of our own messages
(sent, delivered, read, failed) go straight to the message they are about.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import mimetypes
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, assert_never

from aiohttp import web

from bot.channels.base import Delivered
from bot.channels.telegram import MAX_DEPTH, SUFFIX, nested_at_most
from bot.channels.whatsapp_api import UNDELIVERABLE, WhatsAppApi
from bot.channels.whatsapp_render import Labels, document_body, render_text, template_body
from core.i18n import Translator
from core.outgoing import AnswerTap, Document, Edit, FetchMedia, Outgoing, Rows, Template, Text
from flows.model import N_
from storage import casework, deliveries, inbound, youths
from storage.clock import utcnow
from storage.db import Database
from storage.files import private_dir, private_file

log = logging.getLogger(__name__)

WEBHOOK_PATH = "/webhooks/whatsapp"
SIGNATURE_HEADER = "X-Hub-Signature-256"
CHOOSE = N_("Kies")  # the button that opens a list of answers
SECTION = N_("Kies een antwoord")
STATUSES = ("sent", "delivered", "read", "failed")
# WhatsApp takes documents as text/plain, PDF or Office files only: our .ics and .json go
# as text/plain; the file name keeps their extension, so the phone opens them right.
DOCUMENT_TYPE = "text/plain"


def signed(body: bytes, header: str, secret: str) -> bool:
    """Whether Meta signed this raw body with our app secret."""
    expected = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(header.encode(), expected.encode())


def suffix_of(mime_type: str) -> str:
    guess = mimetypes.guess_extension(mime_type.split(";")[0].strip()) or ""
    return guess if SUFFIX.match(guess) else ".bin"


class WhatsAppChannel:
    """Sends our messages through the Cloud API; a youth's files come back the same way."""

    def __init__(
        self,
        api: WhatsAppApi,
        media_dir: Path,
        translator: Translator,
        lang_of: Callable[[str], Awaitable[str]],
    ) -> None:
        self.api = api
        self.media_dir = media_dir
        self.translator = translator
        self.lang_of = lang_of  # a number's language, for the words around a list

    async def labels(self, chat_id: str) -> Labels:
        lang = await self.lang_of(chat_id)
        return Labels(self.translator.gettext(CHOOSE, lang), self.translator.gettext(SECTION, lang))

    async def send(self, message: Outgoing, timeline_id: int | None) -> Delivered:
        match message:
            case Text(chat_id, text, buttons) | Edit(chat_id, _, text, buttons):
                # WhatsApp cannot edit: new buttons (a multi-select tick) come as a new message.
                return Delivered(await self.post_all(chat_id, text, buttons))
            case Document(chat_id, caption, filename, content):
                media_id = await self.api.upload(filename, content.encode(), DOCUMENT_TYPE)
                return Delivered(
                    await self.api.send(document_body(chat_id, media_id, filename, caption))
                )
            case Template():
                return Delivered(await self.api.send(template_body(message)))
            case FetchMedia(media_id):
                return Delivered(await self.fetch(media_id))
            case AnswerTap():
                return Delivered(None)  # WhatsApp shows no spinner on a tap
        assert_never(message)

    async def post_all(self, chat_id: str, text: str, buttons: Rows) -> str | None:
        """The parts in order; the last one's wamid (it carries the buttons)."""
        labels = await self.labels(chat_id) if buttons else Labels()
        wamid = None
        for body in render_text(chat_id, text, buttons, labels):
            wamid = await self.api.send(body)
        return wamid

    async def fetch(self, media_id: str) -> str:
        """Download a youth's file into the media folder; return its name there."""
        content, mime_type = await self.api.download(media_id)
        name = f"{uuid.uuid4().hex}{suffix_of(mime_type)}"
        private_dir(self.media_dir)  # a youth's voice and photos: the service's user only
        path = self.media_dir / name
        path.write_bytes(content)
        private_file(path)
        return name


def bad(reason: str) -> web.Response:
    return web.json_response({"ok": False, "error": reason}, status=400)


def changes_of(payload: object) -> list[dict[str, Any]] | None:
    """The `value` of every change in a webhook, or None when it is not Meta's shape."""
    if not isinstance(payload, dict) or not isinstance(payload.get("entry"), list):
        return None
    values = []
    for entry in payload["entry"]:
        changes = entry.get("changes") if isinstance(entry, dict) else None
        if not isinstance(changes, list):
            return None
        for change in changes:
            value = change.get("value") if isinstance(change, dict) else None
            if not isinstance(value, dict):
                return None
            values.append(value)
    return values


def message_rows(values: list[dict[str, Any]]) -> list[tuple[str, str, str, dict[str, Any]]] | None:
    rows = []
    for value in values:
        for message in value.get("messages") or []:
            if not isinstance(message, dict) or not message.get("id") or not message.get("from"):
                return None
            key = f"whatsapp:{message['from']}"
            rows.append(("whatsapp", str(message["id"]), key, {"message": message}))
    return rows


Status = tuple[str, str, bool, str]  # wamid, status, unreachable, the recipient's number


def statuses_of(values: list[dict[str, Any]]) -> list[Status]:
    """(wamid, status, unreachable, recipient) for each status of ours we understand."""
    found = []
    for value in values:
        for status in value.get("statuses") or []:
            if not isinstance(status, dict) or status.get("status") not in STATUSES:
                continue
            codes = {e.get("code") for e in status.get("errors") or [] if isinstance(e, dict)}
            found.append(
                (
                    str(status.get("id")),
                    str(status["status"]),
                    bool(codes & UNDELIVERABLE),
                    str(status.get("recipient_id") or ""),
                )
            )
    return found


class WhatsAppReceiver:
    """The webhook: Meta's verification handshake, then signed deliveries stored durably."""

    def __init__(
        self,
        db: Database,
        notify: Callable[[str], None],
        app_secret: str,
        verify_token: str,
        on_status: Callable[[str, int], None] = lambda partnership_id, case_id: None,
    ) -> None:
        self.db = db
        self.notify = notify
        self.app_secret = app_secret
        self.verify_token = verify_token
        self.on_status = on_status  # a message's delivery changed: live pages refresh

    def routes(self) -> list[web.RouteDef]:
        return [web.get(WEBHOOK_PATH, self.verify), web.post(WEBHOOK_PATH, self.webhook)]

    async def verify(self, request: web.Request) -> web.Response:
        """GET: Meta checks the webhook is ours before it sends anything."""
        query = request.query
        given = query.get("hub.verify_token", "")
        if query.get("hub.mode") != "subscribe" or not hmac.compare_digest(
            given.encode(), self.verify_token.encode()
        ):
            return web.Response(status=403, text="forbidden")
        return web.Response(text=query.get("hub.challenge", ""), content_type="text/plain")

    async def webhook(self, request: web.Request) -> web.Response:
        body = await request.read()
        if not signed(body, request.headers.get(SIGNATURE_HEADER, ""), self.app_secret):
            return web.json_response({"ok": False, "error": "forbidden"}, status=403)
        try:
            payload = json.loads(body)
        except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
            return bad("body is not JSON")
        if not nested_at_most(payload, MAX_DEPTH):
            return bad("nested too deeply")
        values = changes_of(payload)
        rows = message_rows(values) if values is not None else None
        if values is None or rows is None:
            return bad("not a WhatsApp Business Account webhook")
        await self.store(rows, statuses_of(values))
        return web.json_response({"ok": True})

    async def store(
        self,
        rows: list[tuple[str, str, str, dict[str, Any]]],
        statuses: list[Status],
    ) -> None:
        now = utcnow()
        changed: dict[int, str] = {}  # case id → partnership
        async with self.db.transaction() as session:
            await inbound.store(session, rows, now)
            for ref, status, unreachable, recipient in statuses:
                # A wamid carries the number: kept for later only while the youth is ours.
                message = await deliveries.record(session, ref, status, unreachable, now, recipient)
                case = await casework.case_of_youth(session, message.youth_id) if message else None
                if case is not None:
                    changed[case.id] = case.partnership_id
        for key in dict.fromkeys(row[2] for row in rows):
            self.notify(key)
        for case_id, partnership_id in changed.items():
            self.on_status(partnership_id, case_id)


def language_lookup(db: Database) -> Callable[[str], Awaitable[str]]:
    """A WhatsApp number's language (Dutch for a number we do not know)."""

    async def lang_of(chat_id: str) -> str:
        async with db.transaction() as session:
            youth = await youths.find(session, "whatsapp", chat_id)
        return youth.lang if youth is not None else "nl"

    return lang_of
