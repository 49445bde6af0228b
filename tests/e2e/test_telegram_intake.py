"""The intake over Telegram: the real python-telegram-bot client against the local Bot API server."""

from __future__ import annotations

from pathlib import Path

import pytest

from storage import registrations
from tests.botapi.server import BotApiServer
from tests.support.service import make_settings, serving
from tests.support.telegram import Youth, answers, complete_intake

NOOR = 4001


@pytest.mark.parametrize("mode", ["polling", "webhook"])
async def test_a_youth_from_maasmechelen_signs_up_on_telegram(
    mode: str, db_url: str, bot_api: BotApiServer, tmp_path: Path
) -> None:
    settings = make_settings(db_url, tmp_path, bot_api, telegram_mode=mode)
    if mode == "webhook":
        settings = make_settings(
            db_url, tmp_path, bot_api, telegram_mode=mode,
            public_url=f"http://127.0.0.1:{settings.http_port}", http_port=settings.http_port,
        )  # fmt: skip
    async with serving(settings) as service:
        youth = Youth(bot_api, NOOR)
        await complete_intake(youth)
        async with service.db.transaction() as session:
            (case,) = await registrations.waiting(session, "wam")
        assert case.answers["name"] == "Noor"
        assert case.answers["municipality"] == "Maasmechelen"
        assert case.answers["needs"] == ["work"]
        assert case.answers["needs_text"] == "Ik zoek werk in de buurt."
        assert case.answers["referral"] == "social"
        assert case.answers["reach"] == ["evening"]
        assert case.channel == "telegram"
        await bot_api.wait_until(lambda: not bot_api.unanswered_callback_ids(), timeout=30)
    if mode == "webhook":
        assert bot_api.webhook_attempts, "updates should have come by webhook"
    assert bot_api.calls_to("setMyCommands"), "the Dutch command menu is set"
    nl_menu = [c for c in bot_api.calls_to("setMyCommands") if "language_code" not in c.params]
    assert "hulp" in str(nl_menu[0].params["commands"])


async def test_uncovered_and_out_of_age_youths_are_signposted(
    db_url: str, bot_api: BotApiServer, tmp_path: Path
) -> None:
    async with serving(make_settings(db_url, tmp_path, bot_api)) as service:
        gent = Youth(bot_api, 4002)
        await gent.says("/start", "Hoe mogen we je noemen?")
        await gent.says("Lotte", "Hoe oud ben je?")
        await gent.says("22", "In welke gemeente woon je?")
        await gent.says("9000", "nog niet doorsturen")
        young = Youth(bot_api, 4003)
        await young.says("/start", "Hoe mogen we je noemen?")
        await young.says("Jonas", "Hoe oud ben je?")
        await young.says("16", "vanaf 18 jaar")
        older = Youth(bot_api, 4004)
        await older.says("/start", "Hoe mogen we je noemen?")
        await older.says("Karim", "Hoe oud ben je?")
        await older.says("34", "tot 30 jaar")
        async with service.db.transaction() as session:
            assert await registrations.uncovered_report(session) == [("Gent", 1)]
            assert await registrations.signpost_report(session) == {"too_young": 1, "too_old": 1}
            assert await registrations.waiting(session) == []


async def test_bad_input_gets_a_kind_answer_and_nothing_breaks(
    db_url: str, bot_api: BotApiServer, tmp_path: Path
) -> None:
    async with serving(make_settings(db_url, tmp_path, bot_api)):
        youth = Youth(bot_api, 4005)
        await youth.says("/start", "Hoe mogen we je noemen?")
        before = youth.seen()
        bot_api.user_sends(4005, "sticker")
        await youth.until(before, "Dat kan ik hier niet lezen.")
        before = youth.seen()
        bot_api.user_sends(4005, "voice")
        await youth.until(before, "Spraakberichten")
        await youth.says("<b>Noor</b> & co_*_", "Leuk je te leren kennen, <b>Noor</b> & co_*_!")
        long = await youth.says("x" * 4096, "Typ je leeftijd als getal")
        assert long
        await youth.says("/foo", "Dat commando ken ik niet.")
        await youth.says("19", "In welke gemeente woon je?")
        place_question = bot_api.bot_messages(4005)[-1]["message_id"]
        await youth.says("3630", "Waarmee wil je hulp?")
        before = youth.seen()
        bot_api.user_presses(4005, "place:dk", message_id=place_question)
        (again,) = await answers(bot_api, 4005, before, 1)
        assert again.startswith("Die knop werkt niet meer.\n\nWaarmee wil je hulp?")
        # A group chat is declined politely.
        bot_api.user_sends_text(-500, "/start", chat_type="group")
        await bot_api.wait_until(
            lambda: any("privégesprek" in t for t in bot_api.sent_texts(-500)), timeout=10
        )
