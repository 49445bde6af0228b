"""Noor's intake after /start, the same on Telegram and in the web chat: what most end-to-end
walks go through before the part they are about."""

from __future__ import annotations

from tests.support.telegram import Youth
from tests.support.webchat import WebYouth


async def finish_intake(youth: WebYouth | Youth) -> None:
    await youth.says("Noor", "Hoe oud ben je?")
    await youth.says("19", "In welke gemeente woon je?")
    await youth.says("Maasmechelen", "Waarmee wil je hulp?")
    await youth.taps("Werk", "✅ Werk")  # an edit of the question
    await youth.taps("Klaar", "Wil je er iets meer over vertellen?")
    await youth.taps("Overslaan", "Hoe heb je ons gevonden?")
    await youth.taps("Zelf gevonden", "Is dat oké voor jou?")
    await youth.taps("Ja, dat is oké", "Wanneer kunnen we je het best bereiken?")
    await youth.taps("Maakt niet uit", "✅ Maakt niet uit")
    await youth.taps("Klaar", "Klopt dit?")
    await youth.taps("Ja, verstuur", "WAM! heeft je aanmelding gekregen")
