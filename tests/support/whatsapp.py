"""A youth on WhatsApp, driven through the local Cloud API test server (tests/waapi)."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import Any

import aiohttp

from bot.channels.whatsapp import WEBHOOK_PATH
from config.settings import Settings
from core import whatsapp_templates
from instap.app import Service
from storage.workers import WorkerView
from tests.support.inbox import PASSWORD, add_worker, form_value
from tests.support.service import fast_forward
from tests.waapi.objects import SentMessage
from tests.waapi.server import WhatsAppApiServer

VERIFY_TOKEN = "test-verify-token"
CHAT_RATE = 50.0  # messages a second to one number: Meta's pair limit is the sender's test


def register_templates(wa_api: WhatsAppApiServer) -> None:
    """Our templates (config/whatsapp_templates.toml) as the partnership registers them."""
    wa_api.register_templates_file(whatsapp_templates.FILE)


def connect(wa_api: WhatsAppApiServer, port: int) -> None:
    """The test server (our templates registered there) posts its webhooks to this port."""
    register_templates(wa_api)
    wa_api.webhook_url = f"http://127.0.0.1:{port}{WEBHOOK_PATH}"


def with_whatsapp(settings: Settings, wa_api: WhatsAppApiServer, **changes: Any) -> Settings:
    """The service pointed at the test server, which posts its webhooks back to the service."""
    connect(wa_api, settings.http_port)
    return replace(
        settings,
        whatsapp_access_token=wa_api.access_token,
        whatsapp_phone_number_id=wa_api.phone_number_id,
        whatsapp_app_secret=wa_api.app_secret,
        whatsapp_verify_token=VERIFY_TOKEN,
        whatsapp_api_base_url=wa_api.base_url,
        whatsapp_chat_rate=CHAT_RATE,
        **changes,
    )


def whatsapp_env(wa_api: WhatsAppApiServer, port: int) -> dict[str, str]:
    """The same as environment variables, for an instance in its own process on `port`."""
    connect(wa_api, port)
    return {
        "WHATSAPP_ACCESS_TOKEN": wa_api.access_token,
        "WHATSAPP_PHONE_NUMBER_ID": wa_api.phone_number_id,
        "WHATSAPP_APP_SECRET": wa_api.app_secret,
        "WHATSAPP_VERIFY_TOKEN": VERIFY_TOKEN,
        "WHATSAPP_API_BASE_URL": wa_api.base_url,
        "WHATSAPP_CHAT_RATE": str(CHAT_RATE),
    }


def shown(message: SentMessage) -> str:
    """What the youth sees of a message: its text, its buttons or list rows (in full)."""
    rows = [f"{r.title} {r.description or ''}".strip() for r in message.rows]
    return "\n".join([message.text or "", *message.button_titles, *rows])


class WaYouth:
    """A youth on WhatsApp: types, taps a button or picks a row, reads what we sent."""

    def __init__(self, api: WhatsAppApiServer, phone: str) -> None:
        self.api, self.phone = api, phone

    def seen(self) -> int:
        return len(self.api.sent_to(self.phone))

    def last(self) -> SentMessage:
        return self.api.sent_to(self.phone)[-1]

    async def says(self, text: str, expect: str) -> str:
        before = self.seen()
        await self.api.user_sends_text(self.phone, text)
        return await self.until(before, expect)

    async def taps(self, title: str, expect: str) -> str:
        """Tap the reply button or pick the list row with this title on our latest message."""
        before = self.seen()
        await self.api.user_chooses(self.phone, title)
        return await self.until(before, expect)

    async def until(self, before: int, expect: str) -> str:
        def arrived() -> bool:
            texts = [shown(m) for m in self.api.sent_to(self.phone)[max(0, before - 1) :]]
            return any(expect in t for t in texts)

        await self.api.wait_until(arrived, timeout=30, what=f"{expect!r} to {self.phone}")
        return "\n".join(shown(m) for m in self.api.sent_to(self.phone)[before:])


async def complete_intake(youth: WaYouth, name: str = "Lotte", first: str = "hallo") -> None:
    """Through the intake to a case in WAM!'s queue, tapping and picking as on a phone;
    `first`: what the youth sends first (a poster's prefilled text, say)."""
    await youth.says(first, "Hoe mogen we je noemen?")
    await youth.says(name, "Hoe oud ben je?")
    await youth.says("19", "In welke gemeente woon je?")
    await youth.says("Maasmechelen", "Waarmee wil je hulp?")
    await youth.taps("Werk", "✅ Werk")
    await youth.taps("Klaar", "Wil je er iets meer over vertellen?")
    await youth.says("Ik zoek werk in de buurt.", "Hoe heb je ons gevonden?")
    await youth.taps("Sociale media", "Is dat oké voor jou?")
    await youth.taps("Ja, dat is oké", "Wanneer kunnen we je het best bereiken?")
    await youth.taps("Avond (17u–20u)", "✅ Avond")
    await youth.taps("Klaar", "Klopt dit?")
    await youth.taps("Ja, verstuur", "WAM! heeft je aanmelding gekregen")


def time_passes(service: Service, wa_api: WhatsAppApiServer, delta: timedelta) -> None:
    """Our clocks and Meta's move on together (a quiet weekend, a few days without a word)."""
    fast_forward(service, delta)
    wa_api.advance(seconds=delta.total_seconds())


async def sara_takes_the_case(service: Service) -> tuple[WorkerView, int]:
    """Sara, a WAM! worker, claims the one waiting case; returns her and its id."""
    sara = await add_worker(service.db, "Sara")
    (waiting,) = (await service.inbox.queue(sara)).waiting
    await service.inbox.claim(sara, waiting.case.id)
    return sara, waiting.case.id


async def case_page(service: Service, worker: WorkerView, case_id: int) -> str:
    """The case page as the worker's browser gets it: logged in over HTTP."""
    base = f"http://127.0.0.1:{service.settings.http_port}"
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
        async with http.get(f"{base}/inbox/login") as login:
            token = form_value(await login.text(), "login_token")
        form = {"username": worker.username, "password": PASSWORD, "login_token": token}
        async with http.post(f"{base}/inbox/login", data=form) as answer:
            assert answer.status == 200, await answer.text()
        async with http.get(f"{base}/inbox/cases/{case_id}") as page:
            assert page.status == 200
            return await page.text()
