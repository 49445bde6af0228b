"""Kill -9 after WhatsApp webhooks were acknowledged but before they were handled: none lost,
none answered twice (as tests/e2e/test_crash.py for Telegram)."""

from __future__ import annotations

import signal
from collections.abc import Callable
from pathlib import Path

from tests.support.process import inbound_statuses, instap, settled
from tests.waapi.server import WhatsAppApiServer

YOUTHS = [f"3247070{n:04d}" for n in range(20)]


def texts(wa_api: WhatsAppApiServer, phone: str) -> list[str]:
    return [m.text or "" for m in wa_api.sent_to(phone)]


def asked_age(wa_api: WhatsAppApiServer, phone: str) -> Callable[[], bool]:
    return lambda: any("Hoe oud ben je?" in t for t in texts(wa_api, phone))


async def test_sigkill_between_acknowledge_and_handling_loses_nothing(
    db_url: str, wa_api: WhatsAppApiServer, tmp_path: Path
) -> None:
    wamids = [await wa_api.user_sends_text(phone, "hallo") for phone in YOUTHS]
    wamids += [await wa_api.user_sends_text(phone, "Noor") for phone in YOUTHS]

    # 1. An instance that only receives: it stores and acknowledges, then dies by SIGKILL.
    with instap(db_url, wa_api, tmp_path, "web,receive") as receiver:
        await wa_api.wait_delivered(timeout=60)  # Meta got a 200 for every one of them
        receiver.send_signal(signal.SIGKILL)
        receiver.wait(timeout=30)
    assert all(wa_api.sent_to(phone) == [] for phone in YOUTHS)
    assert await inbound_statuses(db_url) == {"pending": len(wamids)}

    # 2. After restart every acknowledged message is handled, in order, exactly once.
    with instap(db_url, wa_api, tmp_path, "web,receive,process,send"):
        for phone in YOUTHS:
            await wa_api.wait_until(asked_age(wa_api, phone), timeout=60, what=f"{phone}'s age")
        # Any (wrong) second answer would be stored and delivered before this holds.
        await wa_api.wait_until(lambda: settled(db_url), timeout=60, what="settled")
        await wa_api.wait_delivered(timeout=30)  # the statuses of what was sent, too
    assert await inbound_statuses(db_url) == {"done": len(wamids)}
    for phone in YOUTHS:
        said = texts(wa_api, phone)
        assert sum("Hoi! Ik ben Instap." in t for t in said) == 1, said
        assert sum("Leuk je te leren kennen, Noor!" in t for t in said) == 1, said
        assert sum("Hoe oud ben je?" in t for t in said) == 1, said
