"""The queue on a 390 px phone with more youths than one page: Jan (coordinator) pages the
waiting list with a link a thumb can hit, searches a first name and filters on a
municipality, in real Chromium. Screenshots go to test-artifacts/queue-*.png."""

from __future__ import annotations

from pathlib import Path

from playwright.async_api import Browser, Page, expect

from tests.botapi.server import BotApiServer
from tests.browser.test_inbox import PHONE, log_in
from tests.inbox.queue_population import add_youths
from tests.support.browser import artifact
from tests.support.inbox import add_worker
from tests.support.service import make_settings, serving


async def fits(page: Page, name: str) -> None:
    """A screenshot to look at; nothing wider than the phone."""
    await page.screenshot(path=artifact(f"queue-{name}.png"), full_page=True)
    width = await page.evaluate("document.scrollingElement.scrollWidth")
    assert width <= PHONE["width"], f"{name}: {width} px wide"


async def test_paging_search_and_a_filter_on_a_phone(
    browser: Browser, bot_api: BotApiServer, tmp_path: Path
) -> None:
    settings = make_settings(f"sqlite+aiosqlite:///{tmp_path}/instap.db", tmp_path, bot_api)
    async with serving(settings) as service:
        jan = await add_worker(service.db, "Jan", role="coordinator")
        names = [f"Jongere{i:02d}" for i in range(30)]
        first = await add_youths(service.db, names, days_ago=7)
        await add_youths(service.db, ["Yassin"], days_ago=1, chat_prefix="y")
        await add_youths(service.db, ["Lotte"], municipality="Maaseik", chat_prefix="m")
        context = await browser.new_context(viewport=PHONE, locale="nl-BE")  # type: ignore[arg-type]
        page = await context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        base = f"http://127.0.0.1:{settings.http_port}"
        try:
            await log_in(page, base, jan.username)
            waiting = page.locator('#list-waiting li[data-kind="waiting"]')
            await expect(waiting).to_have_count(25)
            await expect(page.get_by_role("searchbox")).to_be_in_viewport()
            await expect(page.locator("details.filters")).not_to_have_attribute("open", "")
            await expect(page.locator("#list-waiting")).to_contain_text("25 van 32 getoond")
            await fits(page, "first")

            more = page.locator("#list-waiting").get_by_role("link", name="Volgende")
            box = await more.bounding_box()
            assert box is not None and box["height"] >= 44 and box["width"] >= 44
            await more.click()
            await expect(waiting).to_have_count(7)
            await expect(waiting.first).to_have_attribute("data-case", str(first[25]))
            await expect(page.locator("#list-waiting")).to_contain_text("Lotte")
            await fits(page, "next")
            await page.locator("#list-waiting").get_by_role("link", name="Naar het begin").click()
            await expect(waiting).to_have_count(25)

            await page.get_by_role("searchbox").fill("yas")
            await page.get_by_role("button", name="Zoeken").click()
            await expect(waiting).to_have_count(1)
            await expect(waiting).to_contain_text("Yassin")
            await expect(page.get_by_role("searchbox")).to_have_value("yas")
            await fits(page, "search")

            await page.get_by_role("searchbox").fill("")
            await page.locator("details.filters summary").click()
            await page.get_by_label("Gemeente").select_option("Maaseik")
            await page.get_by_role("button", name="Toon").click()
            await expect(waiting).to_have_count(1)
            await expect(waiting).to_contain_text("Lotte")
            await expect(page.locator("details.filters")).to_have_attribute("open", "")
            await fits(page, "filter")
            assert errors == []
        finally:
            await context.close()
