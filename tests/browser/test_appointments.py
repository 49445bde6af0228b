"""The youth's taps on an appointment update the worker's open inbox page live (Chromium)."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from playwright.async_api import Browser, expect

from tests.botapi.server import BotApiServer
from tests.browser.test_inbox import DESKTOP, log_in
from tests.support.browser import artifact
from tests.support.inbox import add_worker
from tests.support.service import make_settings, serving, travel
from tests.support.telegram import Youth, complete_intake

BRUSSELS = ZoneInfo("Europe/Brussels")


async def test_confirm_move_and_late_show_up_live(
    browser: Browser, bot_api: BotApiServer, tmp_path: Path
) -> None:
    settings = make_settings(f"sqlite+aiosqlite:///{tmp_path}/instap.db", tmp_path, bot_api)
    base = f"http://127.0.0.1:{settings.http_port}"
    async with serving(settings) as service:
        youth = Youth(bot_api, 9701)
        await complete_intake(youth)
        sara = await add_worker(service.db, "Sara")
        (waiting,) = (await service.inbox.queue(sara)).waiting
        await service.inbox.claim(sara, waiting.case.id)
        tomorrow = (datetime.now(BRUSSELS) + timedelta(days=1)).date()
        travel(service, datetime.combine(tomorrow, time(10), tzinfo=BRUSSELS))

        page = await browser.new_page(viewport=DESKTOP)  # type: ignore[arg-type]
        await log_in(page, base, "sara@wam")
        await page.goto(f"{base}/inbox/cases/{waiting.case.id}")
        form = page.locator("#new-appointment")
        await page.get_by_text("Nieuwe afspraak").click()
        await form.get_by_label("Datum", exact=True).fill(tomorrow.isoformat())
        await form.get_by_label("Uur", exact=True).fill("14:00")
        await form.get_by_label("Waar", exact=True).fill("Trajectgezellen WAM!, Maasmechelen")
        before = youth.seen()
        await page.get_by_role("button", name="Afspraak plannen").click()
        await youth.until(before, "Past dat voor jou?")
        card = page.locator(".appt").first
        await expect(card).to_contain_text("voorgesteld")

        await youth.taps("Oké, ik kom", "tot dan")
        await expect(card).to_contain_text("bevestigd", timeout=15_000)
        await youth.taps("Ik ben te laat", "later bent")
        await expect(card).to_contain_text("is te laat", timeout=15_000)

        if not await form.is_visible():
            await page.get_by_text("Nieuwe afspraak").click()
        await form.get_by_label("Datum", exact=True).fill(tomorrow.isoformat())
        await form.get_by_label("Uur", exact=True).fill("16:30")
        await form.get_by_label("Waar", exact=True).fill("Trajectgezellen WAM!, Maasmechelen")
        before = youth.seen()
        await page.get_by_role("button", name="Afspraak plannen").click()
        await youth.until(before, "om 16u30")
        await youth.taps("Dat past niet", "Wanneer past het je beter?")
        await youth.taps("Voormiddag (9u–12u)", "Wil je zeggen waarom?")
        await youth.taps("Overslaan", "zoekt een nieuw moment")
        await expect(page.locator(".appt.wants_change")).to_contain_text(
            "wil de afspraak verzetten", timeout=15_000
        )
        await page.screenshot(path=artifact("inbox-appointments-desktop.png"), full_page=True)
