"""Group offers in Chromium on a 390 px phone: Sara makes a weekly atelier (first with a
duration of 0, answered next to the field), two youths sign up, and she opens the first
session and marks both as there, with one walk-in."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from playwright.async_api import Browser, expect
from sqlalchemy import select

from storage import offers
from storage.models import Case
from storage.offer_models import Booking, OfferSession
from tests.browser.test_inbox import PHONE, log_in
from tests.support.browser import artifact
from tests.support.inbox import add_case, add_worker
from tests.support.service import make_settings, serving


async def test_sara_makes_a_weekly_atelier_and_marks_who_came(
    browser: Browser, tmp_path: Path
) -> None:
    settings = make_settings(f"sqlite+aiosqlite:///{tmp_path}/instap.db", tmp_path)
    base = f"http://127.0.0.1:{settings.http_port}"
    first_day = (datetime.now(ZoneInfo("Europe/Brussels")) + timedelta(days=14)).date()
    async with serving(settings) as service:
        sara = await add_worker(service.db, "Sara")
        youths = [await add_case(service.db, name, "wam", chat=chat)
                  for name, chat in (("Noor Peeters", "1"), ("Lotte Janssens", "2"))]  # fmt: skip
        context = await browser.new_context(viewport=PHONE, locale="nl-BE")  # type: ignore[arg-type]
        page = await context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        try:
            await log_in(page, base, sara.username)
            await page.get_by_role("link", name="Aanbod", exact=True).click()
            await expect(page.get_by_role("heading", name="Nieuw aanbod")).to_be_visible()
            await page.get_by_label("Titel", exact=True).fill("Atelier sollicitatie")
            await page.get_by_label("Korte uitleg").fill("Samen je cv maken.")
            await page.get_by_label("Soort", exact=True).select_option("atelier")
            await page.get_by_label("Plaats", exact=True).fill("De Schakel")
            await page.get_by_label("Adres", exact=True).fill("Rijksweg 1, Maasmechelen")
            await page.get_by_label("Aantal plaatsen").fill("8")
            await page.get_by_label("Eerste datum").fill(first_day.isoformat())
            await page.get_by_label("Beginuur").fill("14:00")
            await page.get_by_label("Duur (minuten)").fill("0")
            await page.get_by_label("Elke week").check()
            await page.get_by_label("Hoeveel weken?").fill("4")
            await page.get_by_role("button", name="Aanbod maken").click()
            error = page.locator("#err-minutes")
            await expect(error).to_have_text(
                "Een sessie duurt tussen 1 minuut en 12 uur (720 minuten)."
            )
            await expect(page.get_by_label("Titel", exact=True)).to_have_value(
                "Atelier sollicitatie"
            )
            await page.screenshot(path=artifact("offers-form-error.png"), full_page=True)

            await page.get_by_label("Duur (minuten)").fill("120")
            await page.get_by_role("button", name="Aanbod maken").click()
            await expect(page.get_by_role("status")).to_contain_text("met 4 sessie(s)")
            async with service.db.transaction() as session:
                rows = list(await session.scalars(select(OfferSession).order_by(OfferSession.id)))
                assert len(rows) == 4
                for case_id in youths:  # they tap "Ik kom" in the chat
                    case = await session.get(Case, case_id)
                    assert case is not None
                    await offers.book(session, rows[0].id, case.youth_id, datetime.now(UTC))
            await page.reload()
            offer = page.locator(".offer-row")
            await expect(offer).to_contain_text("Atelier sollicitatie")
            await expect(offer.locator(".sessions li").first).to_contain_text("2 van 8 plaatsen")
            assert await page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
            await page.screenshot(path=artifact("offers-list.png"), full_page=True)

            await offer.locator(".sessions a").first.click()
            await expect(page.get_by_role("heading", name="Wie was er?")).to_be_visible()
            await page.get_by_label("Noor").check()
            await page.get_by_label("Lotte").check()
            await page.get_by_label("Zonder chat erbij (aantal)").fill("1")
            await page.get_by_role("button", name="Aanwezigheid bewaren").click()
            await expect(page.get_by_role("status")).to_contain_text(
                "Bewaard: 2 jongere(n) en 1 zonder chat waren erbij."
            )
            await expect(page.get_by_label("Noor")).to_be_checked()
            await expect(page.get_by_label("Lotte")).to_be_checked()
            assert await page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
            await page.screenshot(path=artifact("offers-session.png"), full_page=True)
            async with service.db.transaction() as session:
                marks = list(await session.scalars(select(Booking.attended)))
                walk_ins = (await session.get(OfferSession, rows[0].id)) or rows[0]
            assert marks == [True, True] and walk_ins.walk_ins == 1
            assert not errors
        finally:
            await context.close()
