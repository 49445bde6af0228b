"""The report in Chromium as Jan (coordinator) sees it on a 390 px phone and a desktop: the
charts are drawn and readable, wide tables scroll in their own box (never the page), and he
changes the period. Screenshots go to test-artifacts/."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from playwright.async_api import Browser, expect

from storage import casework, followup, registrations, workers, youths
from storage.clock import utcnow
from storage.db import Database
from tests.botapi.server import BotApiServer
from tests.browser.test_inbox import DESKTOP, PHONE, log_in
from tests.support.browser import artifact
from tests.support.inbox import add_worker
from tests.support.service import make_settings, serving

CHARTS = ("inflow_over_time", "closed_by_outcome", "first_response")


async def some_work(db: Database) -> None:
    """Six youths registered today at WAM!: Sara answered four and closed two."""
    await add_worker(db, "Sara")
    now = utcnow()
    async with db.transaction() as session:
        sara = await workers.by_username(session, "sara@wam")
        assert sara is not None
        for i in range(6):
            youth = await youths.get_or_create(session, "web", f"r{i}", "nl", now)
            answers = {"name": f"Jongere {i}", "age": 19 + i, "municipality": ("Wetteren", "Lede")[i % 2],
                       "referral": ("vdab", "school", "ocmw")[i % 3], "needs": ["work"]}  # fmt: skip
            case = await registrations.open_case(session, youth, "wam", answers, now)
            if i < 4:
                assert await casework.claim(session, case.id, sara, now)
                await session.refresh(case)
                await followup.worker_answered(session, case, now + timedelta(minutes=5))
            if i < 2:
                await casework.set_status(session, case, "closed", ("work", "training")[i], sara, now)  # fmt: skip


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
async def test_a_coordinator_reads_the_report_and_changes_the_period(
    viewport: dict[str, int], browser: Browser, bot_api: BotApiServer, tmp_path: Path
) -> None:
    settings = make_settings(f"sqlite+aiosqlite:///{tmp_path}/instap.db", tmp_path, bot_api)
    width = viewport["width"]
    async with serving(settings) as service:
        await add_worker(service.db, "Jan", role="coordinator")
        await some_work(service.db)
        context = await browser.new_context(viewport=viewport, locale="nl-BE")  # type: ignore[arg-type]
        page = await context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        base = f"http://127.0.0.1:{settings.http_port}"
        try:
            await log_in(page, base, "jan@wam")
            await page.get_by_role("link", name="Rapport", exact=True).click()
            await expect(page.locator("main h1")).to_contain_text("Rapport")
            for key in CHARTS:
                chart = page.locator(f"#chart-{key}")
                await expect(chart).to_be_visible()
                assert (await chart.bounding_box() or {"width": 0})["width"] > 0.6 * min(width, 500)
            inflow = page.get_by_role("img", name="Nieuwe aanmeldingen")
            await expect(inflow).to_have_attribute("aria-label", re.compile(r"^Nieuwe aanmeldingen: wk \d+.*: 6"))  # fmt: skip
            await expect(page.locator("#t-first_response")).to_contain_text("Nieuwe aanmeldingen")
            await expect(page.locator("#t-closed_by_outcome")).to_contain_text("werk")
            await page.screenshot(path=artifact(f"report-{width}.png"))
            await page.screenshot(path=artifact(f"report-{width}-full.png"), full_page=True)
            assert await page.evaluate("document.scrollingElement.scrollWidth") <= width
            for link in await page.locator("nav.menu a").all():
                await expect(link).to_be_in_viewport(ratio=1)
            wide = page.locator("#t-esf_participants .table-scroll")
            await wide.scroll_into_view_if_needed()
            if viewport == PHONE:  # the ESF+ table is wider than a phone: it scrolls by itself
                assert await wide.evaluate("el => el.scrollWidth > el.clientWidth")
            await page.screenshot(path=artifact(f"report-esf-{width}.png"))

            year = str(utcnow().year - 1)
            await page.get_by_role("radio", name="Jaar").check()
            await page.locator("#f-year").select_option(year)
            await page.get_by_role("button", name="Toon het rapport").click()
            await expect(page).to_have_url(re.compile(rf"/inbox/report\?period=year&.*year={year}"))
            await expect(page.locator("main h1")).to_contain_text(year)
            await expect(page.get_by_role("status").filter(has_text="Geen aanmeldingen")).to_be_visible()  # fmt: skip
            await expect(page.locator("#chart-inflow_over_time")).to_be_visible()
            await page.screenshot(path=artifact(f"report-year-{width}.png"))

            await page.get_by_role("radio", name="Eigen periode").check()
            await page.get_by_label("Van").fill("2026-05-01")
            await page.get_by_label("Tot en met").fill("2026-04-01")
            await page.get_by_role("button", name="Toon het rapport").click()
            await expect(page.get_by_role("alert")).to_contain_text("De begindatum ligt na de einddatum")  # fmt: skip
            await page.screenshot(path=artifact(f"report-bad-period-{width}.png"))
            assert errors == []
        finally:
            await context.close()
