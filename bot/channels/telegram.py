"""The Telegram channel: receive updates (polling or webhook) durably; render and send ours.

Updates are stored before Telegram hears they arrived: the webhook answers 200 only after
the insert commits, and polling moves its offset only past stored updates.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import re
import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any, assert_never

from aiohttp import web
from telegram import Bot, BotCommand, InlineKeyboardButton, InlineKeyboardMarkup, InputFile
from telegram.constants import ChatAction
from telegram.error import (
    BadRequest,
    Forbidden,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)
from telegram.request import HTTPXRequest

from bot.channels.base import Delivered
from bot.channels.errors import Rejected, RetryLater, Transient, Uncertain, Unreachable, brief
from bot.incoming import telegram_key
from core.i18n import LANGUAGES, Translator
from core.outgoing import AnswerTap, Document, Edit, FetchMedia, Outgoing, Rows, Template, Text
from flows.model import N_
from storage import inbound
from storage.clock import utcnow
from storage.db import Database
from storage.files import private_dir, private_file

log = logging.getLogger(__name__)

SUFFIX = re.compile(r"^\.[a-z0-9]{1,5}$")
ALLOWED_UPDATES = ["message", "edited_message", "callback_query", "my_chat_member"]
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
WEBHOOK_PATH = "/telegram/webhook"

COMMANDS = (
    ("start", N_("Begin of ga verder met je aanmelding")),
    ("hulp", N_("Hulplijnen als het even niet gaat")),
    ("afspraken", N_("Je volgende afspraken")),
    ("herinneringen", N_("Herinneringen voor afspraken aan of uit")),
    ("checkin", N_("Hoe vaak ik vraag hoe het gaat")),
    ("pauze", N_("Even geen berichten: 1, 2 of 4 weken")),
    ("mijngegevens", N_("Alles wat we over jou bewaren")),
    ("toestemming", N_("Waar je ja of nee op zei")),
    ("vergeetmij", N_("Alles over jou wissen")),
    ("taal", N_("Kies je taal")),
    ("stop", N_("Geen automatische berichten meer van Instap")),
)
DESCRIPTION = N_(
    "Zoek je werk, een opleiding of wat hulp? Instap brengt je gratis bij een coach in je buurt."
)
SHORT_DESCRIPTION = N_("Gratis hulp bij werk, school en meer. Jij beslist.")


class QuietRequest(HTTPXRequest):
    """python-telegram-bot logs a body that is no JSON (a proxy's HTML page with a 502) at
    ERROR with a traceback before it raises; that is an expected outage, which the sender
    and the poller log once, as a warning."""

    @staticmethod
    def parse_json_payload(payload: bytes) -> dict[str, Any]:
        try:
            parsed: dict[str, Any] = json.loads(payload.decode("utf-8", "replace"))
        except ValueError as exc:
            raise TelegramError("Invalid server response") from exc
        return parsed


def make_bot(token: str, base_url: str, file_url: str, timeout: float = 15.0) -> Bot:
    request = QuietRequest(connection_pool_size=32, read_timeout=timeout, write_timeout=timeout)
    polling = QuietRequest(connection_pool_size=2, read_timeout=40)
    return Bot(
        token,
        base_url=base_url,
        base_file_url=file_url,
        request=request,
        get_updates_request=polling,
    )


def keyboard(rows: Rows) -> InlineKeyboardMarkup | None:
    if not rows:
        return None
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(b.text, callback_data=b.data) for b in row] for row in rows]
    )


def seconds(value: float | timedelta) -> float:
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


class TelegramChannel:
    """Sends our messages with python-telegram-bot, mapping its errors to ours."""

    def __init__(self, bot: Bot, media_dir: Path) -> None:
        self.bot = bot
        self.media_dir = media_dir

    async def fetch(self, file_id: str) -> str:
        """Download a youth's file into the media folder; return its name there.

        The file's Bot API URL holds the bot token: it is used here only, never shown.
        """
        found = await self.bot.get_file(file_id)
        suffix = Path(found.file_path or "").suffix.lower()
        if not SUFFIX.match(suffix):
            suffix = ".bin"
        name = f"{uuid.uuid4().hex}{suffix}"
        private_dir(self.media_dir)  # a youth's voice and photos: the service's user only
        private_file(await found.download_to_drive(self.media_dir / name))
        return name

    async def send(self, message: Outgoing, timeline_id: int | None) -> Delivered:
        try:
            return Delivered(await self.render(message))
        except RetryAfter as exc:
            raise RetryLater(seconds(exc.retry_after)) from exc
        except Forbidden as exc:
            raise Unreachable(str(exc)) from exc
        except TimedOut as exc:  # before NetworkError: TimedOut subclasses it
            raise Uncertain(str(exc)) from exc
        except BadRequest as exc:  # also a NetworkError subclass
            raise Rejected(str(exc)) from exc
        except NetworkError as exc:
            raise Transient(str(exc)) from exc
        except TelegramError as exc:
            raise Rejected(str(exc)) from exc

    async def render(self, message: Outgoing) -> str | None:
        """Our message as Bot API calls; returns Telegram's message id (a fetch: a file name)."""
        match message:
            case Text(chat_id, text, buttons):
                sent = await self.bot.send_message(chat_id, text, reply_markup=keyboard(buttons))
                return str(sent.message_id)
            case Edit(chat_id, target, text, buttons):
                try:
                    await self.bot.edit_message_text(
                        text,
                        chat_id=chat_id,
                        message_id=int(target),
                        reply_markup=keyboard(buttons),
                    )
                except BadRequest as exc:
                    if "not modified" not in str(exc).lower():
                        raise
                return target
            case Document(chat_id, caption, filename, content):
                sent = await self.bot.send_document(
                    chat_id, InputFile(content.encode(), filename=filename), caption=caption or None
                )
                return str(sent.message_id)
            case FetchMedia(file_id):
                return await self.fetch(file_id)
            case AnswerTap(callback_id):
                await self.bot.answer_callback_query(callback_id)
                return None
            case Template():
                raise Rejected("templates are WhatsApp's; Telegram has no 24-hour window")
        assert_never(message)


class TelegramReceiver:
    """Stores updates durably, then tells the dispatcher which youth has work."""

    def __init__(self, bot: Bot, db: Database, notify: Any, secret: str) -> None:
        self.bot = bot
        self.db = db
        self.notify = notify
        self.secret = secret
        self.connected: bool | None = None  # None: not receiving (yet); else the last call's luck

    async def store(self, updates: list[dict[str, Any]]) -> None:
        rows = []
        for update in updates:
            key = telegram_key(update) or f"telegram:update:{update['update_id']}"
            rows.append(("telegram", str(update["update_id"]), key, update))
        async with self.db.transaction() as session:
            await inbound.store(session, rows, utcnow())
        for _, _, key, update in rows:
            self.notify(key)
            self.typing(update)

    def typing(self, update: dict[str, Any]) -> None:
        """Show "typing…" while the reply is prepared (best effort, never blocks)."""
        message = update.get("message") or {}
        chat = message.get("chat") or {}
        if chat.get("type") == "private" and "text" in message:
            task = asyncio.create_task(self.try_typing(chat["id"]))
            task.add_done_callback(lambda t: t.exception() if not t.cancelled() else None)

    async def try_typing(self, chat_id: int) -> None:
        try:
            await self.bot.send_chat_action(chat_id, ChatAction.TYPING)
        except TelegramError as exc:
            log.debug("typing indicator failed: %s", exc)

    async def webhook(self, request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(given.encode(), self.secret.encode()):
            return web.json_response({"ok": False, "error": "forbidden"}, status=403)
        try:
            update = json.loads(await request.read())
        except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
            return web.json_response({"ok": False, "error": "body is not JSON"}, status=400)
        if not nested_at_most(update, MAX_DEPTH):
            return web.json_response({"ok": False, "error": "nested too deeply"}, status=400)
        if not isinstance(update, dict) or type(update.get("update_id")) is not int:
            return web.json_response({"ok": False, "error": "no integer update_id"}, status=400)
        await self.store([update])
        return web.json_response({"ok": True})

    async def poll(self) -> None:
        """Long polling; the offset moves past an update only once it is stored."""
        await self.bot.delete_webhook(drop_pending_updates=False)
        offset: int | None = None
        while True:
            try:
                updates = await self.bot.get_updates(
                    offset=offset, timeout=25, allowed_updates=ALLOWED_UPDATES
                )
            except RetryAfter as exc:
                await asyncio.sleep(seconds(exc.retry_after))
                continue
            except (NetworkError, TelegramError) as exc:
                log.warning("getUpdates failed (%s); retrying", brief(exc))
                self.connected = False
                await asyncio.sleep(2)
                continue
            self.connected = True
            if not updates:
                continue
            raw = [u.to_dict() for u in updates]
            await self.store(raw)
            offset = max(u["update_id"] for u in raw) + 1

    async def set_webhook(self, public_url: str) -> None:
        await self.bot.set_webhook(
            public_url + WEBHOOK_PATH,
            secret_token=self.secret,
            allowed_updates=ALLOWED_UPDATES,
            max_connections=40,
        )
        self.connected = True


async def describe_bot(bot: Bot, translator: Translator) -> None:
    """The command menu and descriptions, in Dutch by default and in every other language."""
    for lang in LANGUAGES:
        code = None if lang == "nl" else lang
        commands = [BotCommand(name, translator.gettext(text, lang)) for name, text in COMMANDS]
        await bot.set_my_commands(commands, language_code=code)
        await bot.set_my_description(translator.gettext(DESCRIPTION, lang), language_code=code)
        await bot.set_my_short_description(
            translator.gettext(SHORT_DESCRIPTION, lang), language_code=code
        )


MAX_DEPTH = 32  # a real update nests about ten levels (a reply's message's entities)


def nested_at_most(value: object, limit: int) -> bool:
    """Whether parsed JSON nests no deeper than `limit` (walked without recursion)."""
    stack: list[tuple[object, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        children = (
            item.values() if isinstance(item, dict) else item if isinstance(item, list) else ()
        )
        for child in children:
            if isinstance(child, dict | list):
                if depth + 1 > limit:
                    return False
                stack.append((child, depth + 1))
    return True
