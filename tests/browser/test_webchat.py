"""The web chat on a 390 px phone in Chromium, walked the way a youth walks it (issue 10, 1–4).

What is asserted is what the youth sees: bubbles, chips, buttons that work or are grey, the
words of the page around the conversation.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from playwright.async_api import Browser, Locator, Page, expect

from inbox.appointments import Appointments
from tests.support.browser import artifact
from tests.support.inbox import add_worker
from tests.support.service import make_settings, serving

BRUSSELS = ZoneInfo("Europe/Brussels")
PHONE = {"width": 390, "height": 844}


def bot_says(page: Page, text: str) -> Locator:
    """The newest bot bubble that shows this text."""
    return page.locator(".msg.out", has_text=text).last


async def says(page: Page, text: str, expect_text: str) -> None:
    """Type a message and press Enter, as on a phone keyboard; wait for the answer."""
    await page.get_by_role("textbox").fill(text)
    await page.get_by_role("textbox").press("Enter")
    await expect(bot_says(page, expect_text)).to_be_visible(timeout=15_000)


async def taps(page: Page, label: str, expect_text: str) -> None:
    """Tap the newest working button with this label; wait for the answer."""
    button = page.locator(".msg.out .buttons button:enabled", has_text=label).last
    await button.click()
    await expect(bot_says(page, expect_text)).to_be_visible(timeout=15_000)


def buttons_of(page: Page, text: str, label: str) -> Locator:
    return bot_says(page, text).get_by_role("button", name=label)


async def sign_up(page: Page) -> None:
    """Noor (19, Maasmechelen) signs up, tapping and typing like a youth on a phone."""
    await expect(bot_says(page, "Hoi! Ik ben Instap.")).to_be_visible(timeout=15_000)
    await says(page, "Noor", "Hoe oud ben je?")
    await says(page, "19", "In welke gemeente woon je?")
    await says(page, "Maasmechelen", "Waarmee wil je hulp?")
    question = bot_says(page, "Waarmee wil je hulp?")
    await question.get_by_role("button", name="Werk").click()
    await expect(question.get_by_role("button", name="✅ Werk")).to_be_visible()
    # Item 4: the tick edits the buttons; the answer joined above the question stays.
    await expect(question).to_contain_text("Top! In Maasmechelen helpt WAM! je verder.")
    await question.get_by_role("button", name="Opleiding").click()
    await expect(question.get_by_role("button", name="✅ Opleiding")).to_be_visible()
    await expect(question).to_contain_text("Top! In Maasmechelen helpt WAM! je verder.")
    await page.screenshot(path=artifact("webchat-phone-ticks-keep-text.png"))
    await taps(page, "Klaar", "Wil je er iets meer over vertellen?")
    await says(page, "Ik zoek werk in de buurt.", "Hoe heb je ons gevonden?")
    await taps(page, "Sociale media", "Is dat oké voor jou?")
    await taps(page, "Ja, dat is oké", "Wanneer kunnen we je het best bereiken?")
    await page.locator(".msg.out .buttons button:enabled", has_text="Avond").last.click()
    await expect(page.get_by_role("button", name="✅ Avond (17u–20u)")).to_be_visible()
    await taps(page, "Klaar", "Klopt dit?")
    await taps(page, "Ja, verstuur", "WAM! heeft je aanmelding gekregen")


async def test_the_youth_sees_only_what_they_did_and_edits_keep_the_text(
    browser: Browser, tmp_path: Path
) -> None:
    settings = make_settings(f"sqlite+aiosqlite:///{tmp_path}/instap.db", tmp_path)
    base = f"http://127.0.0.1:{settings.http_port}"
    async with serving(settings):
        page = await browser.new_page(viewport=PHONE, locale="nl-BE")  # type: ignore[arg-type]
        await page.goto(f"{base}/chat")
        await expect(bot_says(page, "Hoe mogen we je noemen?")).to_be_visible(timeout=15_000)
        # Item 3: the page started the chat; the youth typed nothing, so no bubble of theirs.
        await expect(page.locator(".msg.in")).to_have_count(0)
        await expect(page.locator("#log")).not_to_contain_text("/start")
        await sign_up(page)
        # Taps show as quiet chips with the button's words, not as "▸ Klaar" bubbles.
        chips = page.locator(".msg.in.tap")
        await expect(chips.filter(has_text="Klaar")).to_have_count(2)
        await expect(chips.filter(has_text="Ja, verstuur")).to_have_count(1)
        await expect(page.locator("#log")).not_to_contain_text("▸")
        typed = page.locator(".msg.in:not(.tap)")
        await expect(typed.filter(has_text="Noor")).to_have_count(1)
        # A chip is quieter than a typed bubble: no filled background.
        chip_bg = await chips.first.evaluate("e => getComputedStyle(e).backgroundColor")
        typed_bg = await typed.first.evaluate("e => getComputedStyle(e).backgroundColor")
        assert chip_bg != typed_bg
        # Nothing is wider than the phone.
        assert await page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        await page.screenshot(path=artifact("webchat-phone-chips.png"), full_page=True)

        # She pastes her whole story, 5,000 characters: all of it arrives, nothing cut off.
        story = ("Ik wil graag uitleggen hoe het nu zit met school en thuis. " * 90)[:4999] + "."
        await says(page, story, "Ik geef je bericht door")
        assert await page.locator(".msg.in:not(.tap)").last.inner_text() == story

        # Coming back later (a reload): still no phantom /start, chips still chips.
        await page.reload()
        await expect(bot_says(page, "WAM! heeft je aanmelding gekregen")).to_be_visible(
            timeout=15_000
        )
        await expect(page.locator("#log")).not_to_contain_text("/start")
        await expect(page.locator(".msg.in.tap").filter(has_text="Klaar")).to_have_count(2)


async def test_the_page_follows_the_youths_language(browser: Browser, tmp_path: Path) -> None:
    settings = make_settings(f"sqlite+aiosqlite:///{tmp_path}/instap.db", tmp_path)
    base = f"http://127.0.0.1:{settings.http_port}"
    async with serving(settings):
        page = await browser.new_page(viewport=PHONE, locale="nl-BE")  # type: ignore[arg-type]
        await page.goto(f"{base}/chat")
        await expect(bot_says(page, "Hoe mogen we je noemen?")).to_be_visible(timeout=15_000)
        composer = page.get_by_role("textbox")
        await expect(composer).to_have_attribute("placeholder", "Typ je bericht…")
        await expect(page.locator("#status")).to_have_text("Verbonden")
        await says(page, "/taal", "Welke taal wil je?")
        await taps(page, "English", "What can we call you?")
        # Item 2: the page around the conversation switches too, without a reload.
        await expect(composer).to_have_attribute("placeholder", "Type your message…")
        await expect(page.locator("#send")).to_have_text("Send")
        await expect(page.locator("#status")).to_have_text("Connected")
        await expect(page.locator("header .sub")).to_have_text("Free, and you decide")
        await expect(page.locator("html")).to_have_attribute("lang", "en")
        assert await page.title() == "Instap – chat"
        await page.screenshot(path=artifact("webchat-phone-english.png"))

        # A reload in a Dutch browser keeps English: the youth chose it.
        await page.reload()
        await expect(composer).to_have_attribute("placeholder", "Type your message…")
        await expect(page.locator("#send")).to_have_text("Send")
        await expect(page.locator("#status")).to_have_text("Connected", timeout=15_000)
        await says(page, "Noor", "How old are you?")
        await expect(page.locator("#send")).to_have_text("Send")
        await page.screenshot(path=artifact("webchat-phone-english-reloaded.png"))

        # Back to Dutch: the page follows again.
        await says(page, "/taal", "Which language")
        await taps(page, "Nederlands", "Hoe oud ben je?")
        await expect(composer).to_have_attribute("placeholder", "Typ je bericht…")
        await expect(page.locator("#send")).to_have_text("Stuur")


async def test_appointment_buttons_work_as_long_as_they_mean_something(
    browser: Browser, tmp_path: Path
) -> None:
    settings = make_settings(f"sqlite+aiosqlite:///{tmp_path}/instap.db", tmp_path)
    base = f"http://127.0.0.1:{settings.http_port}"
    async with serving(settings) as service:
        page = await browser.new_page(viewport=PHONE, locale="nl-BE")  # type: ignore[arg-type]
        await page.goto(f"{base}/chat")
        await sign_up(page)
        sara = await add_worker(service.db, "Sara")
        (waiting,) = (await service.inbox.queue(sara)).waiting
        await service.inbox.claim(sara, waiting.case.id)
        plans = Appointments(service.inbox)
        next_week = (datetime.now(BRUSSELS) + timedelta(days=7)).date()
        first = await plans.create(
            sara, waiting.case.id, day=next_week, at=time(14), minutes=60,
            place="Trajectgezellen WAM!, Maasmechelen", kind="gesprek",
        )  # fmt: skip
        proposal = "Sara plant een afspraak met je."
        # The .ics file comes after the proposal: the proposal's buttons still work.
        await expect(page.locator(".msg.out .file")).to_have_count(1, timeout=15_000)
        await expect(buttons_of(page, proposal, "Oké, ik kom")).to_be_enabled()
        await expect(buttons_of(page, proposal, "Dat past niet")).to_be_enabled()
        # So after /afspraken, and after a reload.
        await says(page, "/afspraken", "Je volgende afspraken:")
        await expect(buttons_of(page, proposal, "Oké, ik kom")).to_be_enabled()
        # The list asks too, for the one still waiting for an answer.
        listed = "Je volgende afspraken:"
        await expect(bot_says(page, listed)).to_contain_text("om 14u voor jou?")
        await expect(buttons_of(page, listed, "Oké, ik kom")).to_be_enabled()
        await page.reload()
        await expect(bot_says(page, "Je volgende afspraken:")).to_be_visible(timeout=15_000)
        await expect(buttons_of(page, proposal, "Oké, ik kom")).to_be_enabled()
        await expect(buttons_of(page, proposal, "Dat past niet")).to_be_enabled()
        await page.screenshot(path=artifact("webchat-phone-appointment-live.png"), full_page=True)

        # Sara moves it: the old message's buttons go grey at once, the new one's work.
        await plans.move(sara, first, day=next_week, at=time(16, 30))
        moved = "Je afspraak met Sara is verzet."
        await expect(bot_says(page, moved)).to_contain_text("om 16u30", timeout=15_000)
        await expect(buttons_of(page, proposal, "Oké, ik kom")).to_be_disabled(timeout=15_000)
        await expect(bot_says(page, proposal).locator(".why")).to_have_text(
            "Deze afspraak is verzet. Kijk bij het nieuwe bericht."
        )
        await expect(buttons_of(page, moved, "Oké, ik kom")).to_be_enabled()
        await expect(bot_says(page, moved).locator(".why")).to_have_count(0)
        await page.reload()
        await expect(bot_says(page, moved)).to_be_visible(timeout=15_000)
        await expect(buttons_of(page, proposal, "Oké, ik kom")).to_be_disabled()
        await expect(buttons_of(page, moved, "Oké, ik kom")).to_be_enabled()
        await page.screenshot(path=artifact("webchat-phone-appointment-moved.png"), full_page=True)

        # Typing works like tapping; once confirmed, its buttons go grey.
        await says(page, "oké ik kom", "Top, tot dan!")
        await expect(buttons_of(page, moved, "Oké, ik kom")).to_be_disabled(timeout=15_000)
        await expect(bot_says(page, moved).locator(".why")).to_have_text(
            "Je hebt hierop al geantwoord."
        )
        # An old question of the intake is just grey, without a note.
        await expect(bot_says(page, "Klopt dit?").locator(".why")).to_have_count(0)
        await expect(page.locator(".msg.in", has_text="oké ik kom")).to_have_count(1)

        # A second one: "past niet" typed asks for a better moment, like the button.
        await plans.create(
            sara, waiting.case.id, day=next_week, at=time(10, 30), minutes=30,
            place="VDAB Maasmechelen", kind="vdab",
        )  # fmt: skip
        await expect(bot_says(page, "om 10u30")).to_be_visible(timeout=15_000)
        await says(page, "past niet", "Wanneer past het je beter?")
        await taps(page, "Namiddag (12u–17u)", "Wil je zeggen waarom?")
        await says(page, "Ik heb dan les.", "Sara zoekt een nieuw moment met je.")
        # The question was answered by typing: its "Overslaan" goes grey too.
        await expect(buttons_of(page, "Wil je zeggen waarom?", "Overslaan")).to_be_disabled(
            timeout=15_000
        )
        assert await page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        await page.screenshot(path=artifact("webchat-phone-appointment-typed.png"), full_page=True)
