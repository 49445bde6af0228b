"""'Voor het rapport' in Chromium on a 390 px phone: Sara fills in part of Noor's profile,
saves, and finds it kept with her name and the time. Screenshots go to test-artifacts/."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.async_api import Browser, expect

from storage import casework, registrations, workers, youths
from storage.clock import utcnow
from storage.db import Database
from tests.botapi.server import BotApiServer
from tests.browser.test_inbox import PHONE, log_in
from tests.support.browser import artifact
from tests.support.inbox import add_worker
from tests.support.service import make_settings, serving


async def noor_with_sara(db: Database) -> int:
    """Noor registered at WAM! and Sara took her case."""
    await add_worker(db, "Sara")
    now = utcnow()
    async with db.transaction() as session:
        sara = await workers.by_username(session, "sara@wam")
        assert sara is not None
        youth = await youths.get_or_create(session, "web", "noor", "nl", now)
        answers = {"name": "Noor", "age": 19, "municipality": "Wetteren", "needs": ["work"]}
        case = await registrations.open_case(session, youth, "wam", answers, now)
        assert await casework.claim(session, case.id, sara, now)
        return case.id


async def test_a_worker_fills_in_part_of_the_profile_on_a_phone(
    browser: Browser, bot_api: BotApiServer, tmp_path: Path
) -> None:
    settings = make_settings(f"sqlite+aiosqlite:///{tmp_path}/instap.db", tmp_path, bot_api)
    async with serving(settings) as service:
        case_id = await noor_with_sara(service.db)
        context = await browser.new_context(viewport=PHONE, locale="nl-BE")  # type: ignore[arg-type]
        page = await context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        base = f"http://127.0.0.1:{settings.http_port}"
        try:
            await log_in(page, base, "sara@wam")
            await page.goto(f"{base}/inbox/cases/{case_id}")
            card = page.locator("#profile")
            await card.get_by_text("Voor het rapport").click()
            await expect(card).to_contain_text("Nog niet ingevuld")
            await card.get_by_label("Gender").select_option(label="vrouw")
            await card.get_by_label("Situatie bij de start").select_option(
                label="langdurig werkzoekend (12 maanden of meer)"
            )
            await card.get_by_label("Opleidingsniveau").select_option(
                label="geen diploma secundair onderwijs (hoogstens lager secundair)"
            )
            await card.get_by_label("Woont in landelijk gebied").select_option(label="ja")
            await page.screenshot(path=artifact("profile-filling-390.png"), full_page=True)
            await card.get_by_role("button", name="Gegevens bewaren").click()

            await expect(page.locator(".flash")).to_have_text(
                "De gegevens voor het rapport zijn bewaard."
            )
            await expect(page.locator("#timeline")).to_contain_text(
                "Rapportgegevens aangepast (Sara)"
            )
            await page.reload()
            await card.get_by_text("Voor het rapport").click()
            await expect(card).to_contain_text(
                re.compile(r"Ingevuld door Sara, \w+dag \d+ \w+ om \d")
            )
            await expect(card.get_by_label("Gender")).to_have_value("woman")
            await expect(card.get_by_label("Situatie bij de start")).to_have_value("long_term_unemployed")  # fmt: skip
            await expect(card.get_by_label("Opleidingsniveau")).to_have_value("isced_0_2")
            await expect(card.get_by_label("Woont in landelijk gebied")).to_have_value("yes")
            await expect(card.get_by_label("Heeft een beperking")).to_have_value("unknown")
            await card.get_by_role("button", name="Gegevens bewaren").scroll_into_view_if_needed()
            await page.screenshot(path=artifact("profile-kept-390.png"))
            assert await page.evaluate("document.scrollingElement.scrollWidth") <= PHONE["width"]
            box = await card.bounding_box()
            assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
            assert errors == []
        finally:
            await context.close()
