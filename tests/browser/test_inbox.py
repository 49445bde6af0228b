"""The inbox in a real headless Chromium: a trajectgezel picks up and answers a youth."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.async_api import Browser, Page, expect

from tests.botapi.server import BotApiServer
from tests.support.browser import artifact
from tests.support.inbox import PASSWORD, add_worker
from tests.support.service import make_settings, serving
from tests.support.telegram import Youth, complete_intake

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


async def log_in(page: Page, base: str, username: str) -> None:
    await page.goto(f"{base}/inbox")
    await expect(page).to_have_url(f"{base}/inbox/login?next=/inbox")
    await page.get_by_label("Gebruikersnaam").fill(username)
    await page.get_by_label("Wachtwoord").fill(PASSWORD)
    await page.get_by_role("button", name="Aanmelden").click()
    await expect(page).to_have_url(f"{base}/inbox")


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
async def test_a_worker_picks_up_answers_notes_transfers_and_closes(
    viewport: dict[str, int], browser: Browser, bot_api: BotApiServer, tmp_path: Path
) -> None:
    db_url = f"sqlite+aiosqlite:///{tmp_path}/instap.db"
    settings = make_settings(db_url, tmp_path, bot_api)
    base = f"http://127.0.0.1:{settings.http_port}"
    width = "phone" if viewport == PHONE else "desktop"
    async with serving(settings) as service:
        youth = Youth(bot_api, 9301)
        await complete_intake(youth)
        await add_worker(service.db, "Sara")
        await add_worker(service.db, "Tom")
        context = await browser.new_context(viewport=viewport, locale="nl-BE")  # type: ignore[arg-type]
        page = await context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))

        await log_in(page, base, "sara@wam")
        waiting = page.locator('[data-kind="waiting"]', has_text="Noor")
        await expect(waiting).to_contain_text("Maasmechelen")
        await expect(waiting).to_contain_text("op tijd")
        await page.screenshot(path=artifact(f"inbox-queue-{width}.png"), full_page=True)

        await waiting.get_by_role("button", name="Neem op").click()
        await page.wait_for_load_state()
        await page.goto(f"{base}/inbox")
        await page.locator('[data-kind="mine"]').get_by_role("link", name="Noor").click()
        await expect(page.locator("main")).to_contain_text(
            "Ik zoek werk in de buurt."
        )  # intake card

        before = youth.seen()
        await page.get_by_label("Je antwoord aan Noor").fill(
            "Hoi Noor, ik ben Sara! Past dinsdag om 14u?"
        )
        await page.get_by_role("button", name="Versturen").click()
        await youth.until(before, "Sara schrijft:\nHoi Noor, ik ben Sara! Past dinsdag om 14u?")

        # The youth answers on Telegram: it appears in the open page without a reload.
        bot_api.user_sends_text(9301, "Ja hoor, dinsdag past!")
        await expect(page.locator("#timeline")).to_contain_text(
            "Ja hoor, dinsdag past!", timeout=15_000
        )

        await page.get_by_label("Notitie (alleen voor collega's)").fill(
            "Wil liefst in de namiddag afspreken."
        )
        await page.get_by_role("button", name="Notitie bewaren").click()
        await expect(page.locator("#timeline")).to_contain_text(
            "Wil liefst in de namiddag afspreken."
        )
        await page.screenshot(path=artifact(f"inbox-case-{width}.png"), full_page=True)

        before = youth.seen()
        await page.get_by_label("Aan welke collega?").select_option(label="Tom (Tom Peeters)")
        await page.locator("#h-assign + form").get_by_role("button", name="Doorgeven").click()
        await youth.until(before, "Tom neemt het nu over van Sara.")

        await page.get_by_label("Nieuwe status").select_option("closed")
        await page.get_by_label("Resultaat (verplicht bij afsluiten)").select_option("work")
        await page.get_by_role("button", name="Status bewaren").click()
        await expect(page.locator("#timeline")).to_contain_text("werk")
        assert errors == []
        await context.close()


async def test_a_worker_links_telegram_from_the_inbox(
    browser: Browser, bot_api: BotApiServer, tmp_path: Path
) -> None:
    settings = make_settings(f"sqlite+aiosqlite:///{tmp_path}/instap.db", tmp_path, bot_api)
    base = f"http://127.0.0.1:{settings.http_port}"
    async with serving(settings) as service:
        await add_worker(service.db, "Sara")
        page = await browser.new_page(viewport=PHONE)  # type: ignore[arg-type]
        await log_in(page, base, "sara@wam")
        await page.get_by_role("link", name="Telegram").click()
        await page.get_by_role("button", name="Maak een koppelcode").click()
        command = (await page.locator("#link-code").inner_text()).strip()
        assert command.startswith("/koppel ")
        bot_api.user_sends_text(9400, command, first_name="Sara")
        await bot_api.wait_until(
            lambda: any("Gekoppeld, Sara!" in t for t in bot_api.sent_texts(9400)), timeout=15
        )
        await page.goto(f"{base}/inbox/telegram")
        await expect(page.locator("main")).to_contain_text("Je Telegram is gekoppeld.")
