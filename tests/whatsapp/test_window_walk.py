"""The walk by hand, as a test: Noor signs up on the WhatsApp test server's page, Sara answers
from the inbox, a day passes ("24 uur later" on the page), Sara answers again. Noor gets the
registered template's text and button, the case page tells Sara the window is closed and her
message is kept, and Noor's tap on the button brings it."""

from __future__ import annotations

import html
import re
from pathlib import Path

import aiohttp

from core.whatsapp_templates import FILE as TEMPLATES_FILE
from tests.support.inbox import PASSWORD, add_worker, form_value
from tests.support.service import make_settings, serving
from tests.support.whatsapp import WaYouth, complete_intake, with_whatsapp
from tests.waapi.server import WhatsAppApiServer

NOOR = "32470123456"


def window_note(page: str) -> str:
    found = re.search(r'<p id="window"[^>]*>(.*?)</p>', page, re.S)
    assert found, "no WhatsApp window note on the case page"
    return html.unescape(re.sub(r"<[^>]+>", "", found.group(1)))


async def test_a_reply_after_a_day_goes_as_the_template_and_the_case_page_says_so(
    db_url: str, wa_api: WhatsAppApiServer, tmp_path: Path
) -> None:
    assert "instap_bericht/nl" in wa_api.register_templates_file(TEMPLATES_FILE)
    settings = with_whatsapp(make_settings(db_url, tmp_path), wa_api)
    async with (
        serving(settings) as service,
        aiohttp.ClientSession(
            cookie_jar=aiohttp.CookieJar(unsafe=True)  # cookies for 127.0.0.1
        ) as browser,
    ):
        noor = WaYouth(wa_api, NOOR)
        await complete_intake(noor, "Noor")
        sara = await add_worker(service.db, "Sara")
        (waiting,) = (await service.inbox.queue(sara)).waiting
        case_id = waiting.case.id
        await service.inbox.claim(sara, case_id)
        inbox = f"http://127.0.0.1:{settings.http_port}/inbox"
        async with browser.get(f"{inbox}/login") as login:
            token = form_value(await login.text(), "login_token")
        form = {"username": sara.username, "password": PASSWORD, "login_token": token}
        async with browser.post(f"{inbox}/login", data=form) as response:
            assert response.status == 200

        async def case_page() -> str:
            async with browser.get(f"{inbox}/cases/{case_id}") as response:
                return await response.text()

        assert window_note(await case_page()).startswith("WhatsApp: je bericht komt meteen aan tot")
        before = noor.seen()
        await service.inbox.reply(sara, case_id, "Hoi Noor! Past donderdag om 14u?")
        await noor.until(before, "Sara schrijft:\nHoi Noor! Past donderdag om 14u?")

        async with browser.post(f"{wa_api.root_url}/ui/close-window", data={"phone": NOOR}):
            pass  # the page's "24 uur later"
        before = noor.seen()
        await service.inbox.reply(sara, case_id, "Tot donderdag, Rijksweg 12.")
        shown = await noor.until(before, "Toon het bericht")
        assert shown == (
            "Hoi! Er staat een bericht van Sara voor je klaar bij Instap. Tik op de knop of stuur "
            "iets terug, dan krijg je het meteen.\nToon het bericht"
        )

        async def kept() -> bool:
            return "Nu bewaard: 1." in window_note(await case_page())

        await wa_api.wait_until(kept, what="the case page saying the reply is kept")
        assert window_note(await case_page()).startswith(
            "WhatsApp: Noor schreef al meer dan een dag niets. Je bericht wordt bewaard"
        )
        async with browser.get(f"{wa_api.root_url}/?phone={NOOR}") as response:
            assert "<button>Toon het bericht</button>" in await response.text()

        await noor.taps("Toon het bericht", "Sara schrijft:\nTot donderdag, Rijksweg 12.")
