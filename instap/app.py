"""The composition root: build every part from Settings and run them in one process."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Coroutine
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from zoneinfo import ZoneInfo

from aiohttp import web
from telegram import Bot

from bot.channels import telegram as tg
from bot.channels import whatsapp as wa
from bot.channels.base import Channel
from bot.channels.sender import Sender
from bot.channels.webchat import TEMPLATES as CHAT_TEMPLATES
from bot.channels.webchat import WebChannel, WebChat
from bot.channels.whatsapp_api import WhatsAppApi
from bot.dispatcher import Dispatcher
from bot.engine import Engine
from bot.ticks.checkins import CheckIns
from bot.ticks.offer_reminders import OfferReminders
from bot.ticks.privacy import Privacy
from bot.ticks.reminders import Reminders
from bot.ticks.scheduler import ticking
from bot.ticks.sixmonths import SixMonths
from config.partnerships import load_directory
from config.settings import Settings
from core.bus import Bus
from core.entry_links import Addresses
from core.i18n import Translator
from core.lexicon import load_lexicon
from core.metrics import Metrics
from core.relay import Relay
from core.runtime import Runtime
from core.templates import Templates
from inbox import auth
from inbox.accounts import seed_demo
from inbox.api import InboxApi, problems_middleware
from inbox.live import Live
from inbox.media import MediaFiles
from inbox.pages import InboxPages
from inbox.participants import pseudonym_key
from inbox.report_api import ReportApi
from inbox.reporting import Reporting
from inbox.security import security_headers
from inbox.service import Inbox
from instap.demo import add_demo_data, summary
from instap.health import Readiness
from instap.monitoring import Monitoring, observing
from storage.db import Database
from storage.demo import NotForDemo
from storage.election import Election

log = logging.getLogger("instap")
INBOX_TEMPLATES = Path(__file__).parent.parent / "inbox" / "templates"
STOP_WITHIN = 30.0  # seconds for each part to stop at shutdown
ASYNCIO = str(Path(asyncio.__file__).parent)
RELAY_START = 10.0  # seconds to wait at start for the live events' connection


@dataclass
class Service:
    settings: Settings
    db: Database
    runtime: Runtime
    bus: Bus
    engine: Engine
    dispatcher: Dispatcher
    sender: Sender
    bot: Bot | None
    receiver: tg.TelegramReceiver | None
    whatsapp: WhatsAppApi | None
    inbox: Inbox
    reminders: Reminders
    checkins: CheckIns
    privacy: Privacy
    sixmonths: SixMonths
    webapp: web.Application
    offer_reminders: OfferReminders
    metrics: Metrics = field(default_factory=Metrics)
    tasks: list[asyncio.Task[None]] = field(default_factory=list)
    background: set[asyncio.Task[object]] = field(default_factory=set)
    relay: Relay | None = None  # PostgreSQL: live events to and from the other instances
    election: Election | None = None  # PostgreSQL: which instance receives from Telegram

    def spawn(self, coroutine: Coroutine[object, object, object]) -> None:
        """Run a short job in the background, keeping a reference until it is done."""
        task = asyncio.create_task(coroutine)
        self.background.add(task)
        task.add_done_callback(self.background.discard)


def _left_to_the_sweep(key: str) -> None:
    """Stored for this youth; an instance with the "process" role will pick it up."""


def build(settings: Settings) -> Service:
    """Wire the parts; nothing starts yet. Raises on a broken partnerships file."""
    directory = load_directory(settings.partnerships_file)
    tz = ZoneInfo(settings.timezone)
    runtime = Runtime(directory, load_lexicon(), Translator(settings.timezone), tz)
    db = Database(settings.database_url)
    bus = Bus()
    channels: dict[str, Channel] = {"web": WebChannel(bus)}
    bot = None
    if settings.telegram_enabled:
        bot = tg.make_bot(
            settings.telegram_bot_token,
            settings.telegram_api_base_url,
            settings.file_url,
            settings.telegram_timeout,
        )
        channels["telegram"] = tg.TelegramChannel(bot, settings.var_dir / "media")
    whatsapp = None
    if settings.whatsapp_enabled:
        whatsapp = WhatsAppApi(
            settings.whatsapp_api_base_url,
            settings.whatsapp_access_token,
            settings.whatsapp_phone_number_id,
            settings.telegram_timeout,
        )
        channels["whatsapp"] = wa.WhatsAppChannel(
            whatsapp, settings.var_dir / "media", runtime.translator, wa.language_lookup(db)
        )
    rates = {"whatsapp": (settings.whatsapp_chat_rate, 6.0)}  # bursts of a few are tolerated
    metrics = Metrics()  # one registry per service: tests build many in one process
    shared = () if db.is_sqlite else ("telegram", "whatsapp")  # one budget per bot or number
    sender = Sender(
        db, channels, chat_rate=settings.chat_rate, rates=rates, metrics=metrics, shared=shared
    )
    inbox = Inbox(db, directory, runtime.translator, bus, sender.notify, settings.timezone)
    inbox.entry_addresses = Addresses(settings.web_base, settings.telegram_bot_username or None)
    engine = Engine(db, runtime, sender.notify, metrics=metrics)
    dispatcher = Dispatcher(db, engine)
    # What arrives is handled here only by an instance with the "process" role; without it,
    # it is stored and left to a processing instance's sweep.
    handle = dispatcher.notify if "process" in settings.roles else _left_to_the_sweep
    receiver = tg.TelegramReceiver(bot, db, handle, settings.webhook_secret) if bot else None
    pages = Templates(CHAT_TEMPLATES, INBOX_TEMPLATES)
    webchat = WebChat(
        db, bus, handle, settings.secret_key, pages, clock=lambda: engine.runtime.clock()
    )  # the engine's clock: buttons of an appointment that is over go grey
    secure = settings.public_url.startswith("https://")
    totp_roles = settings.require_totp_roles
    app = web.Application(
        client_max_size=1024 * 1024,
        middlewares=[  # ids and timing first, then headers: they also cover redirects and errors
            observing(metrics),
            security_headers(secure),
            problems_middleware(),
            auth.middleware(db, require_totp_roles=totp_roles),
        ],
    )
    app[auth.TRUSTED_PROXIES] = settings.trusted_proxies
    app.add_routes(webchat.routes())
    app.on_shutdown.append(webchat.close)  # nor open chats
    app.add_routes(Readiness(db, list(channels), lambda: standing(service)).routes())
    monitoring = Monitoring(
        metrics, db, directory, tz, lambda: engine.runtime.clock(),  # tests move that clock
        settings.metrics_token, list(channels),
    )  # fmt: skip
    app.add_routes(monitoring.routes())
    reporting = Reporting(inbox, pseudonym_key(settings.secret_key))
    pages_app = InboxPages(
        inbox, db, pages, secure_cookies=secure, require_totp_roles=totp_roles, reporting=reporting
    )
    app.add_routes(pages_app.routes())
    app.add_routes(InboxApi(inbox, ReportApi(inbox, reporting)).routes())
    live = Live(bus)
    app.add_routes(live.routes())
    app.on_shutdown.append(live.close)  # open event streams must not hold up a shutdown
    app.add_routes(MediaFiles(db, settings.var_dir / "media").routes())
    if receiver is not None:
        app.add_routes([web.post(tg.WEBHOOK_PATH, receiver.webhook)])
    whatsapp_receiver = None
    if whatsapp is not None:
        whatsapp_receiver = wa.WhatsAppReceiver(
            db, handle, settings.whatsapp_app_secret, settings.whatsapp_verify_token
        )
        app.add_routes(whatsapp_receiver.routes())
    reminders = Reminders(db, runtime, sender.notify, metrics=metrics)
    checkins = CheckIns(db, runtime, sender.notify)
    privacy = Privacy(db, runtime, settings.var_dir / "media", lambda p, c: None)
    sixmonths = SixMonths(db, runtime, sender.notify)
    service = Service(
        settings, db, runtime, bus, engine, dispatcher, sender, bot, receiver, whatsapp, inbox,
        reminders, checkins, privacy, sixmonths, app, OfferReminders(db, runtime, sender.notify),
        metrics=metrics,
    )  # fmt: skip

    def case_changed(partnership_id: str, case_id: int) -> None:
        inbox.changed(partnership_id, case_id)
        service.spawn(inbox.auto_assign(partnership_id))

    engine.on_case = case_changed
    if whatsapp_receiver is not None:
        whatsapp_receiver.on_status = inbox.changed  # delivered, read: the case page shows it
    checkins.on_case = privacy.on_case = case_changed
    if not db.is_sqlite:  # several instances may share the database
        service.relay = Relay(db.url, bus)
        if bot is not None:  # one lock per bot: two bots may share a database
            bot_id = settings.telegram_bot_token.split(":", 1)[0]
            service.election = Election(db.url, f"telegram:{bot_id}")
    return service


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
        if service.relay is not None:
            await start_relay(service, service.relay)
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
                    "offer_reminders": service.offer_reminders.tick,
                    "checkins": service.checkins.tick,
                    "sixmonths": service.sixmonths.tick,
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
        if service.whatsapp is not None:
            log.info("WhatsApp on: webhook at %s%s", s.web_base, wa.WEBHOOK_PATH)
        else:
            log.info(
                "WhatsApp is off: set WHATSAPP_ACCESS_TOKEN, WHATSAPP_PHONE_NUMBER_ID and "
                "WHATSAPP_APP_SECRET in .env to turn it on."
            )
        yield runner
    finally:
        if scheduler is not None and scheduler.running:
            scheduler.shutdown(wait=False)
        for task in service.tasks:
            task.cancel()
        await stopping("tasks", asyncio.gather(*service.tasks, return_exceptions=True))
        await stopping("dispatcher", service.dispatcher.stop())
        if service.bot is not None:
            await stopping("telegram", service.bot.shutdown())
        if service.whatsapp is not None:
            await stopping("whatsapp", service.whatsapp.close())
        await stopping("web", runner.cleanup())
        await stopping("database", service.db.dispose())


async def stopping(part: str, done: Awaitable[object]) -> None:
    """Wait for one part to stop, at most STOP_WITHIN seconds: a part that hangs is logged
    with where its tasks wait, and the rest still stops (work not done stays in the database
    and is picked up at the next start)."""
    try:
        async with asyncio.timeout(STOP_WITHIN):
            await done
    except TimeoutError:
        stuck = [t for t in asyncio.all_tasks() if not t.done() and t is not asyncio.current_task()]
        log.error(
            "%s did not stop within %.0f s; still running: %s",
            part,
            STOP_WITHIN,
            "; ".join(f"{t.get_name()} at {where(t)}" for t in stuck[:20]),
        )


def where(task: asyncio.Task[object]) -> str:
    """The innermost line outside asyncio a task waits on (following what it awaits)."""
    coro: object = task.get_coro()
    found = "?"
    while coro is not None:
        frame = getattr(coro, "cr_frame", None) or getattr(coro, "ag_frame", None)
        if frame is not None and not frame.f_code.co_filename.startswith(ASYNCIO):
            found = f"{frame.f_code.co_filename.rsplit('/', 1)[-1]}:{frame.f_lineno}"
        coro = getattr(coro, "cr_await", None) or getattr(coro, "ag_await", None)
    return found


async def show_demo_logins(service: Service) -> None:
    """A fresh local install gets demo accounts; their passwords are shown this once."""
    accounts = await seed_demo(service.db, service.runtime.directory)
    if not accounts:
        return
    s = service.settings
    lines = [
        f"Demo inbox at http://{s.http_host}:{s.http_port}/inbox ({accounts[0].partnership_id}):"
    ]
    lines += [f"  {a.username:6} {a.password}   ({a.role})" for a in accounts]
    lines.append("These passwords are shown only now. Set SECRET_KEY to run without demo accounts.")
    print("\n".join(lines), flush=True)
    if s.demo_data:  # a fresh database, just as the accounts: never next to real data
        directory = service.runtime.directory
        try:
            filled = await add_demo_data(service.db, directory, accounts[0].partnership_id)
        except NotForDemo as exc:
            print(f"No demo data: {exc}", flush=True)
            return
        print(summary(filled, directory.partnership(filled.partnership_id).name), flush=True)


async def start_telegram(service: Service) -> None:
    assert service.bot is not None and service.receiver is not None
    s = service.settings
    me = await service.bot.get_me()
    if not service.inbox.entry_addresses.telegram_bot:  # the posters' t.me links
        service.inbox.entry_addresses = replace(
            service.inbox.entry_addresses, telegram_bot=me.username
        )
    await tg.describe_bot(service.bot, service.runtime.translator)
    receiver, election = service.receiver, service.election
    if s.telegram_mode == "webhook":
        how = f"by webhook at {s.public_url}{tg.WEBHOOK_PATH}"
        if election is None:
            await receiver.set_webhook(s.public_url)
        else:  # the webhook is set by the instance holding the lock (and re-set on takeover)
            lead = partial(keep_webhook, receiver, s.public_url)
            service.tasks.append(asyncio.create_task(election.run(lead), name="telegram lead"))
    else:
        how = "by polling"
        if election is None:
            service.tasks.append(asyncio.create_task(receiver.poll(), name="telegram polling"))
        else:  # only the instance holding the lock polls: no competing getUpdates (409)
            task = asyncio.create_task(election.run(receiver.poll), name="telegram lead")
            service.tasks.append(task)
    where = "" if election is None else " (on one instance at a time: a PostgreSQL lock)"
    log.info("Telegram on: @%s %s%s", me.username, how, where)


def standing(service: Service) -> dict[str, str]:
    """How Telegram's receiving and the live events stand on this instance (for /readyz)."""
    found: dict[str, str] = {}
    receiver, election = service.receiver, service.election
    if receiver is not None and "receive" in service.settings.roles:
        if election is not None and not election.leading.is_set():
            found["telegram"] = "standby"  # another instance receives; this one takes over
        else:
            found["telegram"] = {None: "starting", True: "receiving", False: "failing"}[
                receiver.connected
            ]
    if service.relay is not None:
        found["live events"] = "listening" if service.relay.listening.is_set() else "reconnecting"
    return found


async def keep_webhook(receiver: tg.TelegramReceiver, public_url: str) -> None:
    """Register the webhook, then hold the lead until this instance stops."""
    await receiver.set_webhook(public_url)
    await asyncio.Event().wait()


async def start_relay(service: Service, relay: Relay) -> None:
    """Start passing live events between instances; wait (briefly) until it listens."""
    service.tasks.append(asyncio.create_task(relay.run(), name="live events"))
    try:
        async with asyncio.timeout(RELAY_START):
            await relay.listening.wait()
    except TimeoutError:
        log.warning("live events: not yet listening; other instances' events come later")


async def serve(settings: Settings) -> None:
    service = build(settings)
    async with running(service):
        if "web" in settings.roles:
            log.info("Web chat: http://%s:%s/chat", settings.http_host, settings.http_port)
            log.info("Inbox: http://%s:%s/inbox", settings.http_host, settings.http_port)
        await asyncio.Event().wait()
