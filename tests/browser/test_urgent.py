"""The safety net in a real headless Chromium: a youth writes a crisis message in the web chat,
gets the help lines at once, and the worker sees "dringend" until they mark it followed up."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from playwright.async_api import Browser, ConsoleMessage, Page, expect
from sqlalchemy import select

from storage.clock import utcnow
from storage.db import Database
from storage.models import Case, CheckIn
from tests.browser.test_inbox import DESKTOP, PHONE, log_in
from tests.support.browser import artifact
from tests.support.inbox import add_worker
from tests.support.service import make_settings, serving


async def add_answers(db: Database, scores: list[int | None]) -> int:
    """Weekly check-ins of the (only) case, oldest first; None: not answered. Its id."""
    async with db.transaction() as session:
        (case,) = (await session.execute(select(Case))).scalars()
        for week, score in enumerate(scores):
            sent = utcnow() - timedelta(weeks=len(scores) - week)
            session.add(
                CheckIn(
                    youth_id=case.youth_id, case_id=case.id, kind="checkin",
                    status="answered" if score else "sent", due_at=sent, sent_at=sent,
                    answered_at=sent + timedelta(hours=2) if score else None, score=score,
                    note="Ik heb een stage gevonden!" if score == 5 else None, created_at=sent,
                )
            )  # fmt: skip
        return case.id


class ChatPage:
    """A youth in the web chat page (/chat): types, taps, and reads the bot's messages."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.log = page.locator("#log")

    async def says(self, text: str, expect_text: str) -> None:
        await self.page.get_by_label("Je bericht").fill(text)
        await self.page.get_by_role("button", name="Stuur", exact=True).click()
        await expect(self.log).to_contain_text(expect_text, timeout=15_000)

    async def taps(self, label: str, expect_text: str) -> None:
        latest = self.page.locator("#log .msg.out").last
        await latest.get_by_role("button", name=label, exact=True).click()
        await expect(self.log).to_contain_text(expect_text, timeout=15_000)


async def test_a_crisis_message_reaches_the_youth_and_the_worker(
    browser: Browser, tmp_path: Path
) -> None:
    settings = make_settings(f"sqlite+aiosqlite:///{tmp_path}/instap.db", tmp_path)
    base = f"http://127.0.0.1:{settings.http_port}"
    async with serving(settings) as service:
        await add_worker(service.db, "Sara")
        problems: list[str] = []

        def console(message: ConsoleMessage) -> None:
            if message.type == "error":  # a CSP violation is reported here too
                problems.append(message.text)

        # The youth signs up in the web chat, then writes what points at a crisis.
        youth_context = await browser.new_context(viewport=PHONE, locale="nl-BE")  # type: ignore[arg-type]
        youth_page = await youth_context.new_page()
        youth_page.on("pageerror", lambda e: problems.append(str(e)))
        youth_page.on("console", console)
        await youth_page.goto(f"{base}/chat")
        chat = ChatPage(youth_page)
        await chat.says("/start", "Hoe mogen we je noemen?")
        await chat.says("Noor", "Hoe oud ben je?")
        await chat.says("19", "In welke gemeente woon je?")
        await chat.says("Maasmechelen", "Waarmee wil je hulp?")
        await chat.taps("Werk", "✅ Werk")
        await chat.taps("Klaar", "Wil je er iets meer over vertellen?")
        await chat.taps("Overslaan", "Hoe heb je ons gevonden?")
        await chat.taps("Zelf gevonden", "Is dat oké voor jou?")
        await chat.taps("Ja, dat is oké", "Wanneer kunnen we je het best bereiken?")
        await chat.taps("Maakt niet uit", "✅ Maakt niet uit")
        await chat.taps("Klaar", "Klopt dit?")
        await chat.taps("Ja, verstuur", "WAM! heeft je aanmelding gekregen")
        await chat.says("ik wil niet meer leven", "1813")
        await expect(youth_page.locator("#log .msg.out").last).to_contain_text("1813")

        # The worker sees it in the queue and on the case page, and marks it followed up.
        context = await browser.new_context(viewport=DESKTOP, locale="nl-BE")  # type: ignore[arg-type]
        page = await context.new_page()
        page.on("pageerror", lambda e: problems.append(str(e)))
        page.on("console", console)
        await log_in(page, base, "sara@wam")
        row = page.locator('[data-kind="waiting"]', has_text="Noor")
        await expect(row.locator(".badge.urgent")).to_have_text("dringend")
        await expect(row.locator(".badge.urgent_hour")).to_have_text("binnen het uur")
        await expect(row.locator(".urgent-promise")).to_contain_text("Dringend: antwoord vóór")
        await expect(row).not_to_contain_text("antwoord ten laatste")
        await page.screenshot(path=artifact("inbox-urgent-queue-desktop.png"), full_page=True)
        await row.get_by_role("link", name="Noor").click()
        banner = page.locator("#urgent-banner")
        await expect(banner).to_contain_text(
            "Dringend: deze jongere stuurde een bericht dat op een crisis wijst. "
            "De hulplijnen zijn al gestuurd."
        )
        await expect(page.locator("#timeline")).to_contain_text("ik wil niet meer leven")
        await expect(page.locator("#timeline")).to_contain_text(
            "Dringend: bericht dat op een crisis wijst"
        )
        await page.screenshot(path=artifact("inbox-urgent-desktop.png"), full_page=True)

        # "Opgevolgd" asks what was done: the browser does not send it empty.
        await banner.get_by_role("button", name="Opgevolgd").click()
        await expect(page.locator("#urgent-banner")).to_be_visible()
        await expect(page.locator(".flash.ok")).to_have_count(0)
        done = "Gebeld: Noor is veilig bij haar zus. Morgen belt ze de Zelfmoordlijn mee."
        await banner.get_by_label("Wat deed je? Kort, het komt in de tijdlijn.").fill(done)
        await banner.get_by_role("button", name="Opgevolgd").click()
        await expect(page.locator(".flash.ok")).to_have_text("Opgevolgd: 'dringend' is weg.")
        await expect(page.locator("#timeline")).to_contain_text(
            f"Dringend opgevolgd (Sara): {done}"
        )
        await expect(page.locator("#urgent-banner")).to_have_count(0)
        await expect(page.locator(".case-head .badge.urgent")).to_have_count(0)
        await expect(page.locator("#timeline")).to_contain_text("Dringend opgevolgd (Sara)")
        await page.goto(f"{base}/inbox")
        await expect(page.locator('[data-kind="waiting"]', has_text="Noor")).to_be_visible()
        await expect(page.locator(".badge.urgent")).to_have_count(0)

        # Her check-ins: the answers and the chart (an inline SVG under the strict CSP).
        case_id = await add_answers(service.db, [4, 2, None, 5, 3])
        await page.goto(f"{base}/inbox/cases/{case_id}")
        chart = page.get_by_role("img", name="Check-ins: 4, 2, geen antwoord, 5, 3")
        await expect(chart).to_be_visible()
        await expect(chart.locator("circle.dot")).to_have_count(4)
        await expect(page.locator("#checkin-answers li")).to_have_count(5)
        await page.locator(".checkins").screenshot(path=artifact("inbox-checkins-desktop.png"))
        assert problems == []
        await context.close()
        await youth_context.close()
