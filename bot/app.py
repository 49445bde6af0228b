"""The composition root: build every part from Settings and run them in one process."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Coroutine
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

from aiohttp import web
from telegram import Bot

from bot import telegram as tg
from bot.checkins import CheckIns
from bot.dispatcher import Dispatcher
from bot.engine import Engine
from bot.feed import Feed
from bot.i18n import Translator
from bot.lexicon import load_lexicon
from bot.pages import Pages
from bot.partnerships_file import load_directory
from bot.privacy import Privacy
from bot.reminders import Reminders
from bot.scheduler import ticking
from bot.sender import Channel, Sender
from bot.settings import Settings
from bot.webchat import WebChannel, WebChat
from bot.world import World
from inbox import auth
from inbox.accounts import seed_demo
from inbox.api import InboxApi, problems_middleware
from inbox.live import Live
from inbox.media import MediaFiles
from inbox.pages import InboxPages
from inbox.security import security_headers
from inbox.service import Inbox
from storage.db import Database

log = logging.getLogger("instap")
TEMPLATES = Path(__file__).parent / "templates"
INBOX_TEMPLATES = Path(__file__).parent.parent / "inbox" / "templates"


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
    inbox: Inbox
    reminders: Reminders
    checkins: CheckIns
    privacy: Privacy
    webapp: web.Application
    tasks: list[asyncio.Task[None]] = field(default_factory=list)
    background: set[asyncio.Task[object]] = field(default_factory=set)

    def spawn(self, coroutine: Coroutine[object, object, object]) -> None:
        """Run a short job in the background, keeping a reference until it is done."""
        task = asyncio.create_task(coroutine)
        self.background.add(task)
        task.add_done_callback(self.background.discard)


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
        channels["telegram"] = tg.TelegramChannel(bot, settings.var_dir / "media")
    sender = Sender(db, channels, chat_rate=settings.chat_rate)
    inbox = Inbox(db, directory, world.translator, feed, sender.notify, settings.timezone)
    engine = Engine(db, world, sender.notify)
    dispatcher = Dispatcher(db, engine)
    receiver = (
        tg.TelegramReceiver(bot, db, dispatcher.notify, settings.webhook_secret) if bot else None
    )
    pages = Pages(TEMPLATES, INBOX_TEMPLATES)
    webchat = WebChat(
        db, feed, dispatcher.notify, settings.secret_key, pages, clock=lambda: engine.world.clock()
    )  # the engine's clock: buttons of an appointment that is over go grey
    secure = settings.public_url.startswith("https://")
    totp_roles = settings.require_totp_roles
    app = web.Application(
        client_max_size=1024 * 1024,
        middlewares=[  # headers first: they also cover redirects and error pages
            security_headers(secure),
            problems_middleware(),
            auth.middleware(db, require_totp_roles=totp_roles),
        ],
    )
    app[auth.TRUSTED_PROXIES] = settings.trusted_proxies
    app.add_routes(webchat.routes())
    app.on_shutdown.append(webchat.close)  # nor open chats
    app.add_routes([web.get("/healthz", health)])
    pages_app = InboxPages(inbox, db, pages, secure_cookies=secure, require_totp_roles=totp_roles)
    app.add_routes(pages_app.routes())
    app.add_routes(InboxApi(inbox).routes())
    live = Live(feed)
    app.add_routes(live.routes())
    app.on_shutdown.append(live.close)  # open event streams must not hold up a shutdown
    app.add_routes(MediaFiles(db, settings.var_dir / "media").routes())
    if receiver is not None:
        app.add_routes([web.post(tg.WEBHOOK_PATH, receiver.webhook)])
    reminders = Reminders(db, world, sender.notify)
    checkins = CheckIns(db, world, sender.notify)
    privacy = Privacy(db, world, settings.var_dir / "media", lambda p, c: None)
    service = Service(
        settings, db, world, feed, engine, dispatcher, sender, bot, receiver, inbox, reminders,
        checkins, privacy, app,
    )  # fmt: skip

    def case_changed(partnership_id: str, case_id: int) -> None:
        inbox.changed(partnership_id, case_id)
        service.spawn(inbox.auto_assign(partnership_id))

    engine.on_case = case_changed
    checkins.on_case = privacy.on_case = case_changed
    return service


async def health(request: web.Request) -> web.Response:
    return web.json_response({"ok": True})


@contextlib.asynccontextmanager
async def running(service: Service) -> AsyncIterator[web.AppRunner]:
    """Start the roles this instance has; stop them all on exit."""
    s = service.settings
    await service.db.migrate()
    if s.demo_accounts:
        await show_demo_logins(service)
    runner = web.AppRunner(service.webapp, access_log=None)
    scheduler = None
    await runner.setup()
    try:
        if "web" in s.roles or "receive" in s.roles:
            site = web.TCPSite(runner, s.http_host, s.http_port)
            await site.start()
        if "process" in s.roles:
            service.tasks.append(asyncio.create_task(service.dispatcher.run(), name="dispatcher"))
        if "send" in s.roles:
            service.tasks.append(asyncio.create_task(service.sender.run(), name="sender"))
        if "schedule" in s.roles:
            scheduler = ticking(
                {
                    "reminders": service.reminders.tick,
                    "checkins": service.checkins.tick,
                    "erasure": service.privacy.tick,
                },
                {"retention": service.privacy.nightly},
                s.timezone,
            )
        if scheduler is not None:
            scheduler.start()
        if service.bot is not None:
            await service.bot.initialize()
            if "receive" in s.roles:
                await start_telegram(service)
        else:
            log.info("Telegram is off: set TELEGRAM_BOT_TOKEN in .env to turn it on.")
        yield runner
    finally:
        if scheduler is not None and scheduler.running:
            scheduler.shutdown(wait=False)
        for task in service.tasks:
            task.cancel()
        await asyncio.gather(*service.tasks, return_exceptions=True)
        await service.dispatcher.stop()
        if service.bot is not None:
            await service.bot.shutdown()
        await runner.cleanup()
        await service.db.dispose()


async def show_demo_logins(service: Service) -> None:
    """A fresh local install gets demo accounts; their passwords are shown this once."""
    accounts = await seed_demo(service.db, service.world.directory)
    if not accounts:
        return
    s = service.settings
    lines = [
        f"Demo inbox at http://{s.http_host}:{s.http_port}/inbox ({accounts[0].partnership_id}):"
    ]
    lines += [f"  {a.username:6} {a.password}   ({a.role})" for a in accounts]
    lines.append("These passwords are shown only now. Set SECRET_KEY to run without demo accounts.")
    print("\n".join(lines), flush=True)


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
            log.info("Inbox: http://%s:%s/inbox", settings.http_host, settings.http_port)
        await asyncio.Event().wait()
