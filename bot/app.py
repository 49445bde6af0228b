"""The composition root: build every part from Settings and run them in one process."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path
from zoneinfo import ZoneInfo

from aiohttp import web
from telegram import Bot

from bot import telegram as tg
from bot.dispatcher import Dispatcher
from bot.engine import Engine, World
from bot.feed import Feed
from bot.i18n import Translator
from bot.pages import Pages
from bot.partnerships_file import load_directory
from bot.sender import Channel, Sender
from bot.settings import Settings
from bot.webchat import WebChannel, WebChat
from flows.safety import Lexicon, merge, parse_lexicon
from storage.db import Database

log = logging.getLogger("instap")
TEMPLATES = Path(__file__).parent / "templates"


def load_lexicon() -> Lexicon:
    """The crisis phrase lists shipped as data (flows/data/safety/*.toml)."""
    folder = files("flows.data.safety")
    lexicons = [
        parse_lexicon(folder.joinpath(f"{lang}.toml").read_text("utf-8"), lang)
        for lang in ("nl", "en")
    ]
    return merge(*lexicons)


@dataclass
class Service:
    settings: Settings
    db: Database
    world: World
    feed: Feed
    engine: Engine
    dispatcher: Dispatcher
    sender: Sender
    bot: Bot | None
    receiver: tg.TelegramReceiver | None
    webapp: web.Application
    tasks: list[asyncio.Task[None]] = field(default_factory=list)


def build(settings: Settings) -> Service:
    """Wire the parts; nothing starts yet. Raises on a broken partnerships file."""
    directory = load_directory(settings.partnerships_file)
    tz = ZoneInfo(settings.timezone)
    world = World(directory, load_lexicon(), Translator(settings.timezone), tz)
    db = Database(settings.database_url)
    feed = Feed()
    channels: dict[str, Channel] = {"web": WebChannel(feed)}
    bot = None
    if settings.telegram_enabled:
        bot = tg.make_bot(
            settings.telegram_bot_token,
            settings.telegram_api_base_url,
            settings.file_url,
            settings.telegram_timeout,
        )
        channels["telegram"] = tg.TelegramChannel(bot)
    sender = Sender(db, channels, chat_rate=settings.chat_rate)
    engine = Engine(db, world, sender.notify)
    dispatcher = Dispatcher(db, engine)
    receiver = (
        tg.TelegramReceiver(bot, db, dispatcher.notify, settings.webhook_secret) if bot else None
    )
    webchat = WebChat(db, feed, dispatcher.notify, settings.secret_key, Pages(TEMPLATES))
    app = web.Application(client_max_size=1024 * 1024)
    app.add_routes(webchat.routes())
    app.add_routes([web.get("/healthz", health)])
    if receiver is not None:
        app.add_routes([web.post(tg.WEBHOOK_PATH, receiver.webhook)])
    return Service(settings, db, world, feed, engine, dispatcher, sender, bot, receiver, app)


async def health(request: web.Request) -> web.Response:
    return web.json_response({"ok": True})


@contextlib.asynccontextmanager
async def running(service: Service) -> AsyncIterator[web.AppRunner]:
    """Start the roles this instance has; stop them all on exit."""
    s = service.settings
    await service.db.migrate()
    runner = web.AppRunner(service.webapp, access_log=None)
    await runner.setup()
    try:
        if "web" in s.roles or "receive" in s.roles:
            site = web.TCPSite(runner, s.http_host, s.http_port)
            await site.start()
        if "process" in s.roles:
            service.tasks.append(asyncio.create_task(service.dispatcher.run(), name="dispatcher"))
        if "send" in s.roles:
            service.tasks.append(asyncio.create_task(service.sender.run(), name="sender"))
        if service.bot is not None:
            await service.bot.initialize()
            if "receive" in s.roles:
                await start_telegram(service)
        else:
            log.info("Telegram is off: set TELEGRAM_BOT_TOKEN in .env to turn it on.")
        yield runner
    finally:
        for task in service.tasks:
            task.cancel()
        await asyncio.gather(*service.tasks, return_exceptions=True)
        await service.dispatcher.stop()
        if service.bot is not None:
            await service.bot.shutdown()
        await runner.cleanup()
        await service.db.dispose()


async def start_telegram(service: Service) -> None:
    assert service.bot is not None and service.receiver is not None
    s = service.settings
    me = await service.bot.get_me()
    await tg.describe_bot(service.bot, service.world.translator)
    if s.telegram_mode == "webhook":
        await service.receiver.set_webhook(s.public_url)
        log.info("Telegram on: @%s by webhook at %s%s", me.username, s.public_url, tg.WEBHOOK_PATH)
    else:
        service.tasks.append(asyncio.create_task(service.receiver.poll(), name="telegram polling"))
        log.info("Telegram on: @%s by polling", me.username)


async def serve(settings: Settings) -> None:
    service = build(settings)
    async with running(service):
        if "web" in settings.roles:
            log.info("Web chat: http://%s:%s/chat", settings.http_host, settings.http_port)
        await asyncio.Event().wait()
