"""Sara reads a long conversation on her 390 px phone: the newest 50 with the newest at the
bottom, "Oudere berichten tonen" prepends the 50 before without moving what she looks at,
again, then the rest; none twice, none missing; Noor writing meanwhile appears once.
Screenshots: test-artifacts/conversation-*.png."""

from __future__ import annotations

from pathlib import Path

from playwright.async_api import Browser, Page, expect
from sqlalchemy import select

from storage.models import Worker
from tests.botapi.server import BotApiServer
from tests.browser.test_inbox import PHONE, log_in
from tests.browser.test_inbox_phone import noor_waits
from tests.support.browser import artifact
from tests.support.conversation import chat, timeline_keys

ITEMS = "#timeline li[data-key]"


async def shown(page: Page) -> list[str]:
    keys: list[str] = await page.locator(ITEMS).evaluate_all("els => els.map(e => e.dataset.key)")
    return keys


async def test_sara_reads_back_through_a_long_conversation_on_her_phone(
    browser: Browser, bot_api: BotApiServer, tmp_path: Path
) -> None:
    async with noor_waits(browser, bot_api, tmp_path, PHONE, 9811) as scene:
        page, base, db = scene.page, scene.base, scene.service.db
        async with db.transaction() as session:
            sara = (await session.scalars(select(Worker).where(Worker.first_name == "Sara"))).one()
        everything = await chat(db, scene.case_id, sara.id)
        await log_in(page, base, "sara@wam")
        await page.goto(f"{base}/inbox/cases/{scene.case_id}")
        await expect(page.locator(ITEMS)).to_have_count(50)
        assert await shown(page) == everything[-50:]
        await expect(page.locator(ITEMS, has_text="bericht 120")).to_have_count(1)
        await page.locator(ITEMS).last.scroll_into_view_if_needed()
        await page.screenshot(path=artifact("conversation-newest-390.png"))

        older = page.get_by_role("link", name="Oudere berichten tonen")
        while await older.count():
            await older.scroll_into_view_if_needed()
            first = (await shown(page))[0]  # what she looks at: it must stay put
            anchor = page.locator(f'#timeline li[data-key="{first}"]')
            before = await anchor.bounding_box()
            count = min(await page.locator(ITEMS).count() + 50, len(everything))
            if count == 100:
                await page.screenshot(path=artifact("conversation-link-390.png"))
            await older.click()
            await expect(page.locator(ITEMS)).to_have_count(count)
            after = await anchor.bounding_box()
            assert before is not None and after is not None
            assert abs(after["y"] - before["y"]) < 2, (before, after)  # she stays where she was
            if count == 100:
                await page.screenshot(path=artifact("conversation-older-390.png"))
        await expect(older).to_have_count(0)
        assert await shown(page) == everything  # none twice, none missing, in order
        await page.evaluate("window.scrollTo(0, 0)")
        await page.screenshot(path=artifact("conversation-start-390.png"))

        bot_api.user_sends_text(9811, "Ben je er nog? Ik heb nieuws.")
        fresh = page.locator(ITEMS, has_text="Ben je er nog? Ik heb nieuws.")
        await expect(fresh).to_have_count(1, timeout=15_000)
        keys = await shown(page)
        assert len(keys) == len(set(keys)) and keys == await timeline_keys(db, scene.case_id)
        assert scene.errors == []
