"""Lotte writes that she does not want to live any more while she is still signing up.

She gets the help lines at once and can finish; her registration then reaches the team as
"dringend", with its one-hour promise, exactly as if she had written it after signing up.
(tests/storage/test_registrations.py: a crisis before an earlier, closed registration does
not make a new one urgent.)
"""

from __future__ import annotations

from pathlib import Path

import aiohttp
from sqlalchemy import select

from storage import registrations
from storage.models import Case, CaseEvent
from tests.e2e.test_typing_persona import TYPED_INTAKE
from tests.e2e.test_webchat import WebYouth
from tests.support.service import make_settings, serving

CRISIS = "ik wil eigenlijk niet meer leven"


async def test_a_crisis_during_the_intake_makes_the_registration_urgent(
    db_url: str, tmp_path: Path
) -> None:
    settings = make_settings(db_url, tmp_path)
    base = f"http://127.0.0.1:{settings.http_port}"
    async with serving(settings) as service, aiohttp.ClientSession() as http:
        async with http.ws_connect(f"{base}/chat/ws") as ws:
            await ws.send_json({"type": "hello", "token": "lotte-web-token-0123456789ab"})
            assert (await ws.receive_json())["type"] == "ready"
            lotte = WebYouth(ws)
            for typed, reads in TYPED_INTAKE[:6]:
                await lotte.says(typed, reads)
            # "Wil je er iets meer over vertellen?" — and she tells what weighs most.
            help_lines = await lotte.says(CRISIS, "1813")
            assert "Zelfmoordlijn" in help_lines["text"]
            for typed, reads in TYPED_INTAKE[6:]:
                await lotte.says(typed, reads)
        async with service.db.transaction() as session:
            (waiting,) = await registrations.waiting(session, "wam")
            case = await session.get(Case, waiting.id)
            events = (await session.execute(select(CaseEvent.kind, CaseEvent.data)
                      .where(CaseEvent.case_id == waiting.id))).all()  # fmt: skip
        assert case is not None and case.urgent
        assert ("urgent", {"urgent": True}) in [tuple(e) for e in events]
