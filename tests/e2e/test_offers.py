"""Group offers over Telegram: /aanbod, one tap for a seat, and a freed seat told to the next."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from storage import offers
from storage.db import Database
from tests.botapi.server import BotApiServer
from tests.support.inbox import add_worker
from tests.support.service import make_settings, serving, settled
from tests.support.telegram import Youth, complete_intake

BRUSSELS = ZoneInfo("Europe/Brussels")


async def cooking_atelier(db: Database, leader_id: int) -> datetime:
    """WAM!'s cooking atelier next week, one seat; returns when it starts."""
    day = (datetime.now(BRUSSELS) + timedelta(days=7)).date()
    starts = datetime.combine(day, time(14), tzinfo=BRUSSELS)
    async with db.transaction() as session:
        now = datetime.now(BRUSSELS)
        offer = await offers.create_offer(
            session, partnership_id="wam", title="Samen koken", description="We koken samen.",
            kind="atelier", place="De Kring", address="Marktplein 9, Maasmechelen", capacity=1,
            leader_id=leader_id, now=now,
        )  # fmt: skip
        await offers.add_sessions(session, offer, offers.weekly_starts(starts, 1), 120, now)
    return starts


async def test_a_youth_signs_up_and_a_freed_seat_goes_to_the_one_waiting(
    db_url: str, bot_api: BotApiServer, tmp_path: Path
) -> None:
    async with serving(make_settings(db_url, tmp_path, bot_api)) as service:
        noor, amir = Youth(bot_api, 9601), Youth(bot_api, 9602)
        await complete_intake(noor)
        await complete_intake(amir)
        sara = await add_worker(service.db, "Sara")
        await cooking_atelier(service.db, sara.id)

        shown = await noor.says("/aanbod", "Samen koken")
        assert "Dit staat er binnenkort op het programma:" in shown
        assert "om 14u · De Kring, Marktplein 9, Maasmechelen" in shown
        await noor.taps("Ik kom", "Top, je bent ingeschreven voor Samen koken")

        await amir.says("aanbod", "Samen koken")
        await amir.taps("Ik kom", "Het zit vol. Wil je op de wachtlijst?")
        await amir.taps("Ja, zet me erop", "Je staat op de wachtlijst voor Samen koken")

        before = amir.seen()
        await noor.taps("Toch niet", "Oké, je bent uitgeschreven voor Samen koken.")
        await amir.until(before, "Er is een plaats vrijgekomen voor Samen koken")


async def test_aanbod_shows_noor_only_what_is_for_her(
    db_url: str, bot_api: BotApiServer, tmp_path: Path
) -> None:
    """Noor is 19, lives in Maasmechelen and looks for work: she sees the atelier for her,
    not the one for 25+, not the one in Genk, not the one by invitation only."""
    async with serving(make_settings(db_url, tmp_path, bot_api)) as service:
        noor = Youth(bot_api, 9611)
        await complete_intake(noor)
        sara = await add_worker(service.db, "Sara")
        day = (datetime.now(BRUSSELS) + timedelta(days=7)).date()
        starts = datetime.combine(day, time(14), tzinfo=BRUSSELS)
        made = (
            ("Sollicitatietraining", offers.ForWhom(needs=("work",), age_max=25), True),
            ("Koken voor 25+", offers.ForWhom(age_min=25), True),
            ("Fietsen in Genk", offers.ForWhom(municipalities=("Genk",)), True),
            ("Netwerkmoment met werkgevers", offers.ForWhom(), False),
        )
        async with service.db.transaction() as session:
            now = datetime.now(BRUSSELS)
            for title, whom, is_open in made:
                offer = await offers.create_offer(
                    session, partnership_id="wam", title=title, description="", kind="atelier",
                    place="De Kring", address="Marktplein 9, Maasmechelen", capacity=8,
                    leader_id=sara.id, now=now, open=is_open, for_whom=whom,
                )  # fmt: skip
                await offers.add_sessions(session, offer, [starts], 120, now)

        before = noor.seen()
        await noor.says("/aanbod", "Sollicitatietraining")
        await settled(service)  # every session of the list is out: nothing else will come
        shown = "\n".join(bot_api.sent_texts(9611)[before:])
        assert "Sollicitatietraining" in shown
        assert "Koken voor 25+" not in shown
        assert "Fietsen in Genk" not in shown
        assert "Netwerkmoment met werkgevers" not in shown
