"""Posters in Chromium: Noor opens a poster's web chat link and registers, and Jan (coordinator)
finds her source on the case page, then downloads a poster's QR code on a 390 px phone."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from playwright.async_api import Browser, expect

from storage import registrations
from tests.browser.test_inbox import DESKTOP, PHONE, log_in
from tests.browser.test_webchat import bot_says, sign_up
from tests.support.browser import artifact
from tests.support.inbox import add_worker
from tests.support.qr import png_text
from tests.support.service import make_settings, serving


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
async def test_a_poster_from_link_to_case_page_and_back_to_its_qr_code(
    viewport: dict[str, int], browser: Browser, tmp_path: Path
) -> None:
    settings = make_settings(
        f"sqlite+aiosqlite:///{tmp_path}/instap.db", tmp_path, telegram_bot_username="InstapBot"
    )
    width = "phone" if viewport == PHONE else "desktop"
    base = f"http://127.0.0.1:{settings.http_port}"
    async with serving(settings) as service:
        jan = await add_worker(service.db, "Jan", role="coordinator")
        youth = await browser.new_page(viewport=PHONE, locale="nl-BE")  # type: ignore[arg-type]
        await youth.goto(f"{base}/chat?via=ocmw-maaseik")
        await expect(bot_says(youth, "Hoe mogen we je noemen?")).to_be_visible(timeout=15_000)
        await sign_up(youth)
        await youth.close()
        async with service.db.transaction() as session:
            (case,) = await registrations.waiting(session, "wam")

        context = await browser.new_context(
            viewport=viewport, locale="nl-BE", accept_downloads=True
        )  # type: ignore[arg-type]
        page = await context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        try:
            await log_in(page, base, jan.username)
            await page.goto(f"{base}/inbox/cases/{case.id}")
            intake = page.locator("section.intake")
            await expect(intake).to_contain_text("Via")
            await expect(intake).to_contain_text("Affiche OCMW Maaseik")

            await page.get_by_role("link", name="Affiches").first.click()
            await expect(page.get_by_role("heading", name="Affiches en QR-codes")).to_be_visible()
            poster = page.locator("#poster-ocmw-maaseik")
            web_link = f"{base}/chat?via=ocmw-maaseik"
            await expect(poster.locator("a.url")).to_have_text(
                [web_link, "https://t.me/InstapBot?start=ocmw-maaseik"]
            )
            assert await page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
            await page.screenshot(path=artifact(f"posters-{width}.png"), full_page=True)

            row = poster.locator('[data-channel="web"]')
            async with page.expect_download() as info:
                await row.get_by_role("link", name="QR als PNG").click()
            download = await info.value
            assert download.suggested_filename == "instap-ocmw-maaseik-web.png"
            data = await asyncio.to_thread(Path(str(await download.path())).read_bytes)
            assert png_text(data) == web_link

            await poster.get_by_role("link", name="Affiche afdrukken").click()
            await expect(
                page.get_by_text("Zoek je werk, een opleiding of wat hulp?")
            ).to_be_visible()
            codes = page.locator(".codes img")
            await expect(codes).to_have_count(2)
            for i in range(2):  # every QR image loaded (the CSP lets our own SVGs through)
                assert await codes.nth(i).evaluate("img => img.complete && img.naturalWidth > 0")
            await page.screenshot(path=artifact(f"poster-print-{width}.png"), full_page=True)
            assert not errors
        finally:
            await context.close()
