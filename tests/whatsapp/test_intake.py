"""The intake over WhatsApp: our Cloud API client and webhook against the local test server."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from core.entry_links import WHATSAPP_TEXT
from storage import registrations
from storage.models import Consent
from tests.support.service import make_settings, serving
from tests.support.whatsapp import WaYouth, complete_intake, with_whatsapp
from tests.waapi.server import WhatsAppApiServer

LOTTE = "32470123456"


async def test_a_youth_signs_up_on_whatsapp(
    db_url: str, wa_api: WhatsAppApiServer, tmp_path: Path
) -> None:
    settings = with_whatsapp(make_settings(db_url, tmp_path), wa_api)
    async with serving(settings) as service:
        await complete_intake(WaYouth(wa_api, LOTTE))
        async with service.db.transaction() as session:
            (case,) = await registrations.waiting(session, "wam")
            ledger = (
                await session.execute(select(Consent.kind, Consent.given, Consent.channel))
            ).all()
    # Her yes is in the consent ledger with the app she said it in.
    assert ledger == [("intake", True, "whatsapp")]
    assert case.answers["name"] == "Lotte"
    assert case.answers["municipality"] == "Maasmechelen"
    assert case.answers["needs"] == ["work"]
    assert case.answers["reach"] == ["evening"]
    assert case.channel == "whatsapp"


async def test_typed_answers_work_where_buttons_are_offered(
    db_url: str, wa_api: WhatsAppApiServer, tmp_path: Path
) -> None:
    """A youth who types instead of tapping (or types the number of a numbered option)."""
    settings = with_whatsapp(make_settings(db_url, tmp_path), wa_api)
    async with serving(settings):
        youth = WaYouth(wa_api, "32470000002")
        await youth.says("hallo", "Hoe mogen we je noemen?")
        await youth.says("Sam", "Hoe oud ben je?")
        await youth.says("twintig", "In welke gemeente woon je?")
        await youth.says("3630", "Waarmee wil je hulp?")
        await youth.says("werk", "Nog iets? Typ het erbij, of typ klaar.")
        await youth.says("klaar", "Wil je er iets meer over vertellen?")
        await youth.says("overslaan", "Hoe heb je ons gevonden?")
        await youth.says("via een vriend", "Is dat oké voor jou?")
        await youth.says("ja", "Wanneer kunnen we je het best bereiken?")


async def test_a_youth_from_a_poster_sends_the_prefilled_text_and_the_case_knows_it(
    db_url: str, wa_api: WhatsAppApiServer, tmp_path: Path
) -> None:
    """The poster's wa.me link fills in "… (ocmw-maaseik)": the case and the report say so."""
    settings = with_whatsapp(make_settings(db_url, tmp_path), wa_api)
    first = WHATSAPP_TEXT.format(key="ocmw-maaseik")
    async with serving(settings) as service:
        await complete_intake(WaYouth(wa_api, LOTTE), first=first)
        async with service.db.transaction() as session:
            (case,) = await registrations.waiting(session, "wam")
    assert case.answers["entry_point"] == "ocmw-maaseik"
