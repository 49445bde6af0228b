"""The 24-hour window over the WhatsApp test server: a coach answers after a quiet weekend and
the youth first gets a template; their tap or their next message brings the answer."""

from __future__ import annotations

import html
import re
from datetime import timedelta
from pathlib import Path

from instap.app import Service
from storage.workers import WorkerView
from tests.support.service import make_settings, serving, settled
from tests.support.whatsapp import (
    WaYouth,
    case_page,
    complete_intake,
    sara_takes_the_case,
    time_passes,
    with_whatsapp,
)
from tests.waapi.server import WhatsAppApiServer

LOTTE = "32470123456"
REPLY = "Hoi Lotte, heb je dinsdag om 14u tijd voor een gesprek?"
ANNOUNCED = (
    "Hoi! Er staat een bericht van Sara voor je klaar bij Instap. "
    "Tik op de knop of stuur iets terug, dan krijg je het meteen."
)
A_WEEKEND = timedelta(days=2, hours=12)


def window_notice(page: str) -> tuple[str, str]:
    """The case page's note about the window: its classes and the text the worker reads."""
    found = re.search(r'<p id="window" class="([^"]*)"[^>]*>(.*?)</p>', page, re.S)
    assert found, "no window notice on the case page"
    return found.group(1), html.unescape(re.sub(r"<[^>]+>", "", found.group(2)))


async def reply_shown_as(service: Service, sara: WorkerView, case_id: int, state: str) -> bool:
    """Whether the case's timeline shows Sara's reply in this delivery state."""
    items = await service.inbox.timeline_after(sara, case_id, None)
    return any(i.text.endswith(REPLY) and i.delivery == state for i in items)


async def sara_answers_after_a_quiet_weekend(
    service: Service, wa_api: WhatsAppApiServer, youth: WaYouth
) -> tuple[WorkerView, int]:
    """Lotte signs up on Friday and goes quiet; on Monday Sara answers in the inbox.

    Lotte gets only the template; the case page tells Sara her reply waits."""
    await complete_intake(youth)
    sara, case_id = await sara_takes_the_case(service)
    await settled(service)
    time_passes(service, wa_api, A_WEEKEND)
    assert not wa_api.window_open(LOTTE)

    before = youth.seen()
    await service.inbox.reply(sara, case_id, REPLY)
    await youth.until(before, ANNOUNCED)
    await settled(service)
    (template,) = wa_api.sent_to(LOTTE)[before:]  # only the template, no free text
    assert (template.type, template.template_name) == ("template", "instap_bericht")
    assert template.text == ANNOUNCED and template.button_titles == ["Toon het bericht"]
    assert await reply_shown_as(service, sara, case_id, "held")

    classes, notice = window_notice(await case_page(service, sara, case_id))
    assert "closed" in classes.split()
    assert "Je bericht wordt bewaard en Lotte krijgt een korte melding." in notice
    assert notice.endswith("Nu bewaard: 1.")
    return sara, case_id


async def test_a_coach_answers_after_a_quiet_weekend_and_the_youth_taps_the_template(
    db_url: str, wa_api: WhatsAppApiServer, tmp_path: Path
) -> None:
    async with serving(with_whatsapp(make_settings(db_url, tmp_path), wa_api)) as service:
        lotte = WaYouth(wa_api, LOTTE)
        sara, case_id = await sara_answers_after_a_quiet_weekend(service, wa_api, lotte)

        before = lotte.seen()
        shown = await lotte.taps("Toon het bericht", REPLY)
        await settled(service)
        assert shown == f"Sara schrijft:\n{REPLY}"  # the answer itself, nothing more
        assert lotte.seen() == before + 1
        await wa_api.wait_until(
            lambda: reply_shown_as(service, sara, case_id, "delivered"), what="shown delivered"
        )
        classes, notice = window_notice(await case_page(service, sara, case_id))
        assert "closed" not in classes.split()
        assert notice.startswith("WhatsApp: je bericht komt meteen aan tot ")


async def test_a_youth_who_writes_instead_of_tapping_gets_the_answer_first(
    db_url: str, wa_api: WhatsAppApiServer, tmp_path: Path
) -> None:
    async with serving(with_whatsapp(make_settings(db_url, tmp_path), wa_api)) as service:
        lotte = WaYouth(wa_api, LOTTE)
        sara, case_id = await sara_answers_after_a_quiet_weekend(service, wa_api, lotte)

        before = lotte.seen()
        await wa_api.user_sends_text(LOTTE, "Sorry, ik was het weekend weg!")
        await lotte.until(before, REPLY)
        await settled(service)
        assert lotte.api.sent_to(LOTTE)[before].text == f"Sara schrijft:\n{REPLY}"
        await wa_api.wait_until(
            lambda: reply_shown_as(service, sara, case_id, "delivered"), what="shown delivered"
        )
        items = await service.inbox.timeline_after(sara, case_id, None)
        assert any(i.text == "Sorry, ik was het weekend weg!" for i in items)
