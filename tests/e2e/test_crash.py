"""Kill -9 after updates were acknowledged but before they were handled: none lost, none twice."""

from __future__ import annotations

import signal
from pathlib import Path

from tests.botapi.server import BotApiServer
from tests.support.process import inbound_statuses, instap, settled

YOUTHS = range(7001, 7021)


async def test_sigkill_between_acknowledge_and_handling_loses_nothing(
    db_url: str, bot_api: BotApiServer, tmp_path: Path
) -> None:
    update_ids = [bot_api.user_sends_text(chat_id, "/start") for chat_id in YOUTHS]
    update_ids += [bot_api.user_sends_text(chat_id, "Noor") for chat_id in YOUTHS]

    # 1. An instance that only receives: it stores and acknowledges, then dies by SIGKILL.
    with instap(db_url, bot_api, tmp_path, "web,receive") as receiver:
        await bot_api.wait_until(
            lambda: set(update_ids) <= bot_api.confirmed_update_ids, timeout=60
        )
        receiver.send_signal(signal.SIGKILL)
        receiver.wait(timeout=30)
    assert all(bot_api.sent_texts(chat_id) == [] for chat_id in YOUTHS)
    assert await inbound_statuses(db_url) == {"pending": len(update_ids)}

    # 2. After restart every acknowledged update is handled, in order, exactly once.
    with instap(db_url, bot_api, tmp_path, "web,receive,process,send"):
        for chat_id in YOUTHS:
            await bot_api.wait_until(
                lambda c=chat_id: any("Hoe oud ben je?" in t for t in bot_api.sent_texts(c)),
                timeout=60,
            )
        # Any (wrong) second answer would be stored and delivered before this holds.
        await bot_api.wait_until(lambda: settled(db_url), timeout=60, what="settled")
    assert await inbound_statuses(db_url) == {"done": len(update_ids)}
    for chat_id in YOUTHS:
        texts = bot_api.sent_texts(chat_id)
        assert sum("Hoi! Ik ben Instap." in t for t in texts) == 1, texts
        assert sum("Leuk je te leren kennen, Noor!" in t for t in texts) == 1, texts
        assert sum("Hoe oud ben je?" in t for t in texts) == 1, texts
