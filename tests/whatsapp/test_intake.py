"""The intake over WhatsApp: our Cloud API client and webhook against the local test server."""

from __future__ import annotations

from pathlib import Path

from storage import registrations
from tests.support.service import make_settings, serving
from tests.support.whatsapp import WaYouth, with_whatsapp
from tests.waapi.server import WhatsAppApiServer

LOTTE = "32470123456"


async def test_a_youth_signs_up_on_whatsapp(
    db_url: str, wa_api: WhatsAppApiServer, tmp_path: Path
) -> None:
    settings = with_whatsapp(make_settings(db_url, tmp_path), wa_api)
    async with serving(settings) as service:
        youth = WaYouth(wa_api, LOTTE)
        await youth.says("hallo", "Hoe mogen we je noemen?")
        await youth.says("Lotte", "Hoe oud ben je?")
        await youth.says("19", "In welke gemeente woon je?")
        await youth.says("Maasmechelen", "Waarmee wil je hulp?")
        await youth.taps("Werk", "✅ Werk")
        await youth.taps("Klaar", "Wil je er iets meer over vertellen?")
        await youth.says("Ik zoek werk in de buurt.", "Hoe heb je ons gevonden?")
        await youth.taps("Sociale media", "Is dat oké voor jou?")
        await youth.taps("Ja, dat is oké", "Wanneer kunnen we je het best bereiken?")
        await youth.taps("Avond (17u–20u)", "✅ Avond")
        await youth.taps("Klaar", "Klopt dit?")
        await youth.taps("Ja, verstuur", "WAM! heeft je aanmelding gekregen")
        async with service.db.transaction() as session:
            (case,) = await registrations.waiting(session, "wam")
    assert case.answers["name"] == "Lotte"
    assert case.answers["municipality"] == "Maasmechelen"
    assert case.answers["needs"] == ["work"]
    assert case.answers["reach"] == ["evening"]
    assert case.channel == "whatsapp"
    print(wa_api.transcript_text())
