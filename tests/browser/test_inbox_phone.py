"""The inbox as Sara (worker) and Jan (coordinator) use it, on a 390 px phone and a desktop.

Issue 10: every page fits the screen with one scroll and a compact header (item 12); a
youth writing while Sara's tab is open is one look in the audit trail, which speaks plain
Dutch (item 13); closing and handing over keep the appointment and the youth's messages
true (item 14). Screenshots of every page go to test-artifacts/.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from playwright.async_api import Browser, Page, expect
from sqlalchemy import select

from instap.app import Service
from storage import casework
from storage.clock import utcnow
from storage.models import Reminder
from tests.botapi.server import BotApiServer
from tests.browser.test_inbox import DESKTOP, PHONE, log_in
from tests.support.browser import artifact
from tests.support.inbox import add_worker
from tests.support.service import make_settings, serving
from tests.support.telegram import Youth, complete_intake

VIEWPORTS = pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
BRUSSELS = ZoneInfo("Europe/Brussels")
RAW_CODE = re.compile(r"\b[a-z]+_[a-z_]+\b")  # appointment_new, view_case, ...


@dataclass
class Scene:
    service: Service
    base: str
    youth: Youth
    case_id: int
    page: Page
    errors: list[str]
    width: str


@asynccontextmanager
async def noor_waits(
    browser: Browser, bot_api: BotApiServer, tmp_path: Path, viewport: dict[str, int], chat: int
) -> AsyncIterator[Scene]:
    """Noor registered on Telegram; Sara (worker), Tom and Jan (coordinator) work at WAM!."""
    settings = make_settings(f"sqlite+aiosqlite:///{tmp_path}/instap.db", tmp_path, bot_api)
    async with serving(settings) as service:
        youth = Youth(bot_api, chat)
        await complete_intake(youth)
        sara = await add_worker(service.db, "Sara")
        await add_worker(service.db, "Tom")
        await add_worker(service.db, "Jan", role="coordinator")
        (waiting,) = (await service.inbox.queue(sara)).waiting
        context = await browser.new_context(viewport=viewport, locale="nl-BE")  # type: ignore[arg-type]
        page = await context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        width = "phone" if viewport == PHONE else "desktop"
        base = f"http://127.0.0.1:{settings.http_port}"
        try:
            yield Scene(service, base, youth, waiting.case.id, page, errors, width)
        finally:
            await context.close()


async def log_out(page: Page) -> None:
    await page.get_by_role("button", name="Afmelden").click()
    await expect(page.get_by_label("Gebruikersnaam")).to_be_visible()


async def assert_fits(page: Page, viewport: dict[str, int], name: str) -> None:
    """What a person sees: no sideways scroll, the whole menu, a header that leaves room,
    and on a phone one scroll for the page (no box that scrolls inside it)."""
    width, height = viewport["width"], viewport["height"]
    await page.screenshot(path=artifact(f"inbox-phone-{name}-{viewport['width']}.png"))
    await page.screenshot(
        path=artifact(f"inbox-phone-{name}-{viewport['width']}-full.png"), full_page=True
    )
    scroll_width = await page.evaluate("document.scrollingElement.scrollWidth")
    assert scroll_width <= width, f"{name}: the page is {scroll_width} px wide"
    for link in await page.locator("nav.menu a").all():
        await expect(link).to_be_in_viewport(ratio=1)
        assert await link.evaluate("a => a.scrollWidth <= a.clientWidth + 1"), name
    header = await page.locator("header.top").bounding_box()
    assert header is not None and header["height"] <= 0.15 * height, f"{name}: {header}"
    if viewport == PHONE:
        nested = await page.evaluate(
            """() => [...document.querySelectorAll("main *")].filter(el => {
                 const y = getComputedStyle(el).overflowY;
                 return el.tagName !== "TEXTAREA" && (y === "auto" || y === "scroll")
                   && el.scrollHeight > el.clientHeight + 1;
               }).map(el => el.id || el.className)"""
        )
        assert nested == [], f"{name}: scrolls inside the page: {nested}"


@VIEWPORTS
async def test_every_inbox_page_fits_the_screen(
    viewport: dict[str, int], browser: Browser, bot_api: BotApiServer, tmp_path: Path
) -> None:
    async with noor_waits(browser, bot_api, tmp_path, viewport, 9801) as scene:
        page, base = scene.page, scene.base
        for n in range(12):  # a conversation longer than the screen
            bot_api.user_sends_text(9801, f"Nog een vraag, nummer {n}: hoe gaat het verder?")
        await log_in(page, base, "jan@wam")
        await expect(page.get_by_role("link", name="Team")).to_be_visible()
        await assert_fits(page, viewport, "queue")
        await page.goto(f"{base}/inbox/cases/{scene.case_id}")
        await expect(page.locator("#timeline")).to_contain_text("nummer 11", timeout=15_000)
        await page.reload()
        await assert_fits(page, viewport, "case")
        if viewport == PHONE:  # one scroll: a tap brings the newest message and the reply box
            await page.get_by_role("link", name="↓ Naar het laatste bericht").click()
            await expect(page.get_by_label("Je antwoord aan Noor")).to_be_in_viewport(ratio=1)
            newest = page.locator("#timeline .item.youth").last
            await expect(newest).to_contain_text("nummer 11")
            await expect(newest).to_be_in_viewport(ratio=1)
            await page.screenshot(path=artifact("inbox-phone-case-newest-390.png"))
        await page.get_by_role("link", name="Wie bekeek dit dossier?").click()
        await expect(page.get_by_role("heading", name="Wie bekeek dit dossier")).to_be_visible()
        await assert_fits(page, viewport, "audit")
        for label, name in [
            ("Agenda", "agenda"),
            ("Team", "team"),
            ("Mijn account", "account"),
            ("Telegram", "telegram"),
        ]:
            await page.get_by_role("link", name=label, exact=True).click()
            await expect(page.locator("main h1")).to_be_visible()
            await assert_fits(page, viewport, name)
        assert scene.errors == []


@VIEWPORTS
async def test_a_youth_writing_20_times_is_one_look_and_the_trail_speaks_dutch(
    viewport: dict[str, int], browser: Browser, bot_api: BotApiServer, tmp_path: Path
) -> None:
    async with noor_waits(browser, bot_api, tmp_path, viewport, 9802) as scene:
        page, base = scene.page, scene.base
        await log_in(page, base, "sara@wam")
        await page.goto(f"{base}/inbox/cases/{scene.case_id}")
        await page.get_by_role("button", name="Neem op").click()
        await expect(page.locator(".flash.ok")).to_be_visible()
        for n in range(1, 21):  # Sara's tab stays open while Noor writes
            bot_api.user_sends_text(9802, f"Bericht {n} van Noor")
            await expect(page.locator("#timeline")).to_contain_text(
                f"Bericht {n} van Noor", timeout=15_000
            )
        await log_out(page)

        await log_in(page, base, "jan@wam")
        await page.goto(f"{base}/inbox/cases/{scene.case_id}/audit")
        rows = page.locator("table.audit tbody tr")
        sara_looked = rows.filter(has_text="Sara Peeters").filter(has_text="bekeek het dossier")
        await expect(sara_looked).to_have_count(1)
        await expect(rows.filter(has_text="nam de aanmelding op")).to_have_count(1)

        # Every action the code can write reads as Dutch words, never as a code.
        async with scene.service.db.transaction() as session:
            for action in casework.AUDIT_ACTIONS:
                await casework.audit(session, None, action, scene.case_id, utcnow())
        await page.reload()
        shown = await page.locator("table.audit").inner_text()
        assert RAW_CODE.findall(shown) == []
        for words in ("plande een afspraak", "verzette een afspraak", "annuleerde een afspraak"):
            assert words in shown
        # Sara's one look and her claim, and Jan's two looks at the trail.
        await expect(rows).to_have_count(len(casework.AUDIT_ACTIONS) + 4)
        await page.screenshot(
            path=artifact(f"inbox-phone-audit-all-{scene.width}.png"), full_page=True
        )
        assert scene.errors == []


def in_three_days() -> date:
    return (datetime.now(BRUSSELS) + timedelta(days=3)).date()


@VIEWPORTS
async def test_handover_and_closing_keep_the_appointment_true(
    viewport: dict[str, int], browser: Browser, bot_api: BotApiServer, tmp_path: Path
) -> None:
    async with noor_waits(browser, bot_api, tmp_path, viewport, 9803) as scene:
        page, base, youth = scene.page, scene.base, scene.youth
        day = in_three_days()
        await log_in(page, base, "sara@wam")
        await page.goto(f"{base}/inbox/cases/{scene.case_id}")
        await page.get_by_role("button", name="Neem op").click()
        await page.get_by_text("Nieuwe afspraak").click()
        form = page.locator("#new-appointment")
        await form.get_by_label("Datum", exact=True).fill(day.isoformat())
        await form.get_by_label("Uur", exact=True).fill("14:00")
        await form.get_by_label("Waar", exact=True).fill("Kantoor WAM!, Maasmechelen")
        before = youth.seen()
        await page.get_by_role("button", name="Afspraak plannen").click()
        await youth.until(before, "Sara plant een afspraak met je.")
        await youth.taps("Oké, ik kom", "Top, tot dan!")
        card = page.locator(".appt").first
        await expect(card).to_contain_text("bevestigd", timeout=15_000)
        await expect(card).to_contain_text("met Sara")

        # Sara hands Noor over to Tom: the appointment goes with her, and Noor hears it.
        before = youth.seen()
        await page.get_by_label("Aan welke collega?").select_option(label="Tom (Tom Peeters)")
        await page.locator("#h-assign + form").get_by_role("button", name="Doorgeven").click()
        said = await youth.until(before, "nu met Tom.")
        assert "Tom neemt het nu over van Sara." in said
        assert "gaat gewoon door, nu met Tom." in said
        await expect(page.locator(".appt").first).to_contain_text("met Tom")
        await expect(page.locator("#timeline")).to_contain_text("De afspraak gaat nu door met Tom")
        await youth.taps("Dat past niet", "Wanneer past het je beter?")
        await youth.taps("Voormiddag (9u–12u)", "Wil je zeggen waarom?")
        said = await youth.taps("Overslaan", "zoekt een nieuw moment")
        assert "Tom zoekt een nieuw moment met je." in said and "Sara" not in said
        await page.screenshot(
            path=artifact(f"inbox-phone-handover-{scene.width}.png"), full_page=True
        )
        await page.locator("section.appointments").screenshot(
            path=artifact(f"inbox-phone-handover-appointment-{scene.width}.png")
        )
        await log_out(page)

        # Jan closes the case. "gewist op verzoek" is not something a person can pick.
        await log_in(page, base, "jan@wam")
        await page.goto(f"{base}/inbox/cases/{scene.case_id}")
        await page.get_by_label("Nieuwe status").select_option("closed")
        outcomes = page.get_by_label("Resultaat (verplicht bij afsluiten)")
        choices = [t.strip() for t in await outcomes.locator("option").all_inner_texts()]
        assert "werk" in choices and "gewist op verzoek" not in choices
        # Even a tampered form is refused.
        await outcomes.evaluate(
            "s => { s.add(new Option('gewist op verzoek', 'erased')); s.value = 'erased'; }"
        )
        await page.get_by_role("button", name="Status bewaren").click()
        await expect(page.locator(".flash.error")).to_contain_text("Kies een resultaat")
        await expect(page.locator(".facts .status")).to_contain_text("actief")

        before = youth.seen()
        await page.get_by_label("Nieuwe status").select_option("closed")
        await outcomes.select_option("work")
        await page.get_by_role("button", name="Status bewaren").click()
        said = await youth.until(before, "gaat niet door.")
        assert "Heb je een vraag? Stuur hier gerust een bericht." in said
        await expect(page.locator(".appt").first).to_contain_text("geannuleerd")
        await expect(page.locator("#timeline")).to_contain_text(
            "Afspraak geannuleerd: de aanmelding is afgesloten"
        )
        async with scene.service.db.transaction() as session:
            statuses = set((await session.execute(select(Reminder.status))).scalars())
        assert statuses == {"cancelled"}  # no reminder will go out
        await page.screenshot(
            path=artifact(f"inbox-phone-closed-{scene.width}.png"), full_page=True
        )
        await page.locator("section.appointments").screenshot(
            path=artifact(f"inbox-phone-closed-appointment-{scene.width}.png")
        )
        await page.locator("#timeline").screenshot(
            path=artifact(f"inbox-phone-closed-timeline-{scene.width}.png")
        )
        assert scene.errors == []
