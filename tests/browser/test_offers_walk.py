"""Issue 15's walk in Chromium on a 390 px phone: Sara makes a weekly atelier and invites a
selection by municipality; Noor signs up in the web chat, Amir over the local Bot API server;
after the session Sara marks who came, Noor's case shows it and Amir is missed, gently."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from playwright.async_api import Browser, Page, expect

from storage.clock import utcnow
from tests.botapi.server import BotApiServer
from tests.browser.test_inbox import PHONE, log_in
from tests.browser.test_webchat import bot_says, sign_up
from tests.support.browser import artifact
from tests.support.inbox import add_worker
from tests.support.service import fast_forward, make_settings, serving
from tests.support.telegram import Youth, complete_intake

BRUSSELS = ZoneInfo("Europe/Brussels")
TITLE = "Atelier sollicitatie"


async def shot(page: Page, step: str, *, full_page: bool = True) -> None:
    """A screenshot of one step; nothing on it is wider than the phone."""
    assert await page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    await page.screenshot(path=artifact(f"offers-walk-{step}.png"), full_page=full_page)


async def create_atelier(sara: Page, day: str) -> None:
    """The form on Aanbod: a weekly atelier of four sessions at 14u."""
    await sara.get_by_role("link", name="Aanbod", exact=True).click()
    await sara.get_by_label("Titel", exact=True).fill(TITLE)
    await sara.get_by_label("Korte uitleg").fill("Samen je cv maken en oefenen voor een gesprek.")
    await sara.get_by_label("Soort", exact=True).select_option("atelier")
    await sara.get_by_label("Plaats", exact=True).fill("De Schakel")
    await sara.get_by_label("Adres", exact=True).fill("Rijksweg 1, Maasmechelen")
    await sara.get_by_label("Aantal plaatsen").fill("8")
    await sara.get_by_label("Eerste datum").fill(day)
    await sara.get_by_label("Beginuur").fill("14:00")
    await sara.get_by_label("Duur (minuten)").fill("120")
    await sara.get_by_label("Elke week").check()
    await sara.get_by_label("Hoeveel weken?").fill("4")
    await sara.get_by_role("button", name="Aanbod maken").click()
    await expect(sara.get_by_role("status")).to_contain_text("met 4 sessie(s)")
    await expect(sara.locator(".offer-row .sessions li")).to_have_count(3)  # the next three


async def invite_maasmechelen(sara: Page) -> None:
    """Uitnodigen from the first session: a selection by municipality, seen, then sent."""
    await sara.locator(".offer-row .sessions a").first.click()
    await sara.get_by_role("link", name="Uitnodigen").click()
    await sara.get_by_label("Een selectie in het partnerschap").check()
    await sara.get_by_label("Gemeente", exact=True).fill("Maasmechelen")
    await sara.get_by_role("button", name="Toon de selectie").click()
    await expect(sara.get_by_role("heading", name="Uitnodiging voor 2 jongere(n)")).to_be_visible()
    await expect(sara.locator(".invited li")).to_have_text(["Noor", "Amir"])
    await shot(sara, "3-selection")
    await sara.get_by_role("button", name="Verstuur").click()
    await expect(sara.get_by_role("status")).to_have_text("Uitgenodigd: 2 · overgeslagen: 0")


async def test_an_atelier_from_invitation_to_attendance(
    browser: Browser, bot_api: BotApiServer, tmp_path: Path
) -> None:
    settings = make_settings(f"sqlite+aiosqlite:///{tmp_path}/instap.db", tmp_path, bot_api)
    base = f"http://127.0.0.1:{settings.http_port}"
    day = (datetime.now(BRUSSELS) + timedelta(days=1)).date()
    async with serving(settings) as service:
        # Tomorrow at 10u, outside the quiet hours: the invitations go out at once.
        fast_forward(service, datetime.combine(day, time(10), BRUSSELS) - utcnow())
        await add_worker(service.db, "Sara")
        phones = [await browser.new_context(viewport=PHONE, locale="nl-BE") for _ in range(2)]  # type: ignore[arg-type]
        noor, sara = [await phone.new_page() for phone in phones]
        errors: list[str] = []
        for page in (noor, sara):
            page.on("pageerror", lambda e: errors.append(str(e)))
        try:
            await noor.goto(f"{base}/chat")
            await sign_up(noor)
            await shot(noor, "1-noor-registered")
            amir = Youth(bot_api, 9715)
            await complete_intake(amir, name="Amir")

            await log_in(sara, base, "sara@wam")
            await create_atelier(sara, day.isoformat())
            await shot(sara, "2-atelier-created")
            before = amir.seen()
            await invite_maasmechelen(sara)
            await shot(sara, "4-invitations-sent")

            invitation = bot_says(noor, "Je bent uitgenodigd!")
            await expect(invitation).to_contain_text(TITLE, timeout=15_000)
            await invitation.get_by_role("button", name="Ik kom", exact=True).click()
            await expect(bot_says(noor, "Top, je bent ingeschreven")).to_contain_text(TITLE)
            await shot(noor, "5-noor-signed-up")
            await amir.until(before, "Je bent uitgenodigd!")
            told = await amir.taps("Ik kom", "Top, je bent ingeschreven")
            assert f"Top, je bent ingeschreven voor {TITLE}" in told

            await sara.reload()
            await expect(sara.get_by_label("Noor")).not_to_be_checked()
            await expect(sara.get_by_label("Amir")).not_to_be_checked()
            await expect(sara.get_by_text("2 van 8 plaatsen ingenomen")).to_be_visible()
            await shot(sara, "6-both-signed-up")

            # 16u30: the session (14u–16u) is over, so whoever did not come is missed.
            fast_forward(service, timedelta(hours=6, minutes=30))
            await sara.reload()
            await expect(sara.get_by_role("link", name="Uitnodigen")).to_have_count(0)
            await sara.get_by_label("Noor").check()
            await sara.get_by_label("Zonder chat erbij (aantal)").fill("1")
            before = amir.seen()
            await sara.get_by_role("button", name="Aanwezigheid bewaren").click()
            await expect(sara.get_by_role("status")).to_have_text(
                "Bewaard: 1 jongere(n) en 1 zonder chat waren erbij."
            )
            await expect(sara.get_by_label("Noor")).to_be_checked()
            await expect(sara.get_by_label("Amir")).not_to_be_checked()
            await shot(sara, "7-attendance")
            missed = await amir.until(before, "We hebben je gemist")
            assert f"We hebben je gemist bij {TITLE}." in missed

            await sara.goto(f"{base}/inbox")
            await sara.get_by_role("link", name="Noor").first.click()
            attended = sara.locator(".attended-list")
            await expect(attended).to_contain_text(f"Was erbij: {TITLE}")
            await attended.scroll_into_view_if_needed()
            await shot(sara, "8-noor-case", full_page=False)  # the whole case is very long
            await expect(bot_says(noor, "We hebben je gemist")).to_have_count(0)
            assert not errors
        finally:
            for phone in phones:
                await phone.close()
