"""/mijngegevens and /vergeetmij over Telegram, through the local Bot API server."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import select

from storage.models import Case
from tests.botapi.server import BotApiServer
from tests.support.rows import everything
from tests.support.service import make_settings, serving
from tests.support.telegram import Youth, complete_intake

CHAT = 731_904_562  # unlikely to occur by chance in any other value


async def test_a_youth_gets_their_data_and_then_has_it_erased(
    db_url: str, bot_api: BotApiServer, tmp_path: Path
) -> None:
    async with serving(make_settings(db_url, tmp_path, bot_api)) as service:
        noor = Youth(bot_api, CHAT)
        await complete_intake(noor)
        await noor.says("Ik heb een vraag over mijn cv", "Bedankt! Ik geef je bericht door")

        summary = await noor.says("/mijngegevens", "Dit bewaren we over jou:")
        assert "✍️ berichten die jij stuurde: 5\n" in summary  # typed; no taps, no commands
        assert "We bewaren dit zolang je bij ons aangemeld bent" in summary
        await bot_api.wait_until(lambda: "document" in bot_api.bot_messages(CHAT)[-1], timeout=30)
        document = bot_api.bot_messages(CHAT)[-1]["document"]
        assert document["file_name"].startswith("mijn-gegevens-")
        data = json.loads(bot_api.files[document["file_id"]].content)
        assert (data["format"], data["version"]) == ("instap-export", 1)
        assert data["registrations"][0]["your_answers"]["name"] == "Noor"
        mine = [m["text"] for m in data["messages"] if m["from"] == "you" and m["kind"] == "text"]
        assert "Ik heb een vraag over mijn cv" in mine
        profile = data["from_your_chat_app"]["profile"]  # what Telegram sent along
        assert (profile["first_name"], profile["language_setting"]) == (["Noor"], ["nl"])

        await noor.says("/vergeetmij", "Wil je dat we alles over jou wissen?")
        await noor.taps("Ja, wis alles", "Oké. Ik wis nu alles over jou.")

        async def erased() -> bool:
            await service.privacy.tick()
            found = await everything(service.db)
            return str(CHAT) not in found and "Ik heb een vraag over mijn cv" not in found

        await bot_api.wait_until(erased, timeout=30)
        async with service.db.transaction() as session:
            case = (await session.execute(select(Case))).scalar_one()
            assert (case.outcome, case.answers) == ("erased", {})
        # A new message starts afresh: nothing of before is known.
        await noor.says("/start", "Hoe mogen we je noemen?")
