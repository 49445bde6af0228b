"""Group offers over Telegram: /aanbod, one tap for a seat, and a freed seat told to the next."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from storage import offers
from storage.db import Database
from tests.botapi.server import BotApiServer
from tests.support.inbox import add_worker
from tests.support.service import make_settings, serving
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
