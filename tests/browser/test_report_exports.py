"""Jan (coordinator) downloads the report and the anonymous participant list from the report
page in Chromium, on a 390 px phone and a desktop; the files hold what the page shows."""

from __future__ import annotations

import asyncio
import csv
import io
from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.async_api import Browser, expect

from tests.browser.test_inbox import DESKTOP, PHONE, log_in
from tests.support.browser import artifact
from tests.support.inbox import add_case, add_worker
from tests.support.service import make_settings, serving


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
async def test_jan_downloads_the_report_and_the_participants(
    viewport: dict[str, int], browser: Browser, tmp_path: Path
) -> None:
    settings = make_settings(f"sqlite+aiosqlite:///{tmp_path}/instap.db", tmp_path)
    width = "phone" if viewport == PHONE else "desktop"
    async with serving(settings) as service:
        jan = await add_worker(service.db, "Jan", role="coordinator")
        for i, name in enumerate(("Noor Zilverschoon", "Lotte Bergamot")):
            await add_case(service.db, name, "wam", chat=f"b{i}")
        base = f"http://127.0.0.1:{settings.http_port}"
        context = await browser.new_context(
            viewport=viewport, locale="nl-BE", accept_downloads=True
        )  # type: ignore[arg-type]
        page = await context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        try:
            await log_in(page, base, jan.username)
            await page.goto(f"{base}/inbox/report")
            downloads = page.get_by_role("navigation", name="Downloaden")
            await expect(downloads).to_be_visible()
            titles = await page.locator("section.report-table h2").all_inner_texts()
            await downloads.scroll_into_view_if_needed()
            await page.screenshot(path=artifact(f"report-downloads-{width}.png"))

            async with page.expect_download() as info:
                await downloads.get_by_role("link", name="Rapport (Excel)").click()
            excel = await info.value
            assert excel.suggested_filename.startswith("instap-rapport-wam-")
            book = load_workbook(io.BytesIO(await read(await excel.path())))
            assert [sheet.cell(1, 1).value for sheet in book.worksheets] == titles

            async with page.expect_download() as info:
                await downloads.get_by_role("link", name="Anonieme deelnemerslijst (CSV)").click()
            listed = await info.value
            assert listed.suggested_filename.startswith("instap-deelnemers-wam-")
            text = (await read(await listed.path())).decode("utf-8-sig")
            rows = list(csv.reader(io.StringIO(text), delimiter=";"))
            assert rows[0][0] == "deelnemer_id" and len(rows) == 3
            assert "Noor" not in text and "Zilverschoon" not in text
            assert page.url.startswith(f"{base}/inbox/report")  # a download, not a new page
            assert not errors
        finally:
            await context.close()


async def read(path: Path) -> bytes:
    return await asyncio.to_thread(path.read_bytes)
