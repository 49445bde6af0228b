"""Inputs at the edge of what Python's calendar and parser can hold answer a clear 4xx, never
a 500 (issue 11, finding 10): days in year 1 and 9999 in the agenda (API and page), a
timeline moment whose UTC lies before year 1, and a webhook body nested 100,000 levels deep
(with the right secret)."""

from __future__ import annotations

from pathlib import Path

import aiohttp

from bot.channels.telegram import SECRET_HEADER, WEBHOOK_PATH
from inbox import auth
from storage import inbound, workers
from storage.clock import utcnow
from tests.botapi.server import BotApiServer
from tests.support.inbox import add_case, add_worker
from tests.support.service import make_settings, serving

TOKEN = "bounded-inputs-token-for-anna"


async def test_edge_days_moments_and_deep_json_get_a_clear_4xx(
    db_url: str, bot_api: BotApiServer, tmp_path: Path
) -> None:
    settings = make_settings(db_url, tmp_path, bot_api)
    settings = make_settings(
        db_url, tmp_path, bot_api, telegram_mode="webhook", http_port=settings.http_port,
        public_url=f"http://127.0.0.1:{settings.http_port}",
    )  # fmt: skip
    base = f"http://127.0.0.1:{settings.http_port}"
    async with serving(settings) as service:
        anna = await add_worker(service.db, "Anna", role="coordinator")
        case_id = await add_case(service.db, "Noor", chat="e1")
        await service.inbox.claim(anna, case_id)
        async with service.db.transaction() as session:
            row = await workers.get(session, anna.id)
            assert row is not None
            await workers.add_token(session, row, TOKEN, "edges", utcnow())
        opened = await auth.open_session(service.db, anna.id)
        bearer = {"Authorization": f"Bearer {TOKEN}"}
        cookie = {"Cookie": f"{auth.COOKIE}={opened.token}"}
        async with aiohttp.ClientSession() as http:
            for day in ("0001-01-01", "9999-12-31"):
                async with http.get(f"{base}/api/agenda?day={day}", headers=bearer) as r:
                    assert r.status == 422, (day, r.status)
                    assert "Kies een dag tussen 2000 en 2999." in (await r.json())["detail"]
                async with http.get(f"{base}/inbox/agenda?day={day}", headers=cookie) as r:
                    assert r.status == 422, (day, r.status)
                    assert "Kies een dag tussen 2000 en 2999." in await r.text()
            async with http.get(f"{base}/inbox/agenda?day=2026-11-20", headers=cookie) as r:
                assert r.status == 200  # an ordinary day still shows
            edge = "0001-01-01T00:00:00%2B14:00"
            async with http.get(
                f"{base}/inbox/cases/{case_id}/timeline?after={edge}", headers=cookie
            ) as r:
                assert r.status == 400
                assert "geen geldig tijdstip" in await r.text()
            deep = b"[" * 100_000 + b"]" * 100_000
            good = {SECRET_HEADER: settings.webhook_secret, "Content-Type": "application/json"}
            async with http.post(f"{base}{WEBHOOK_PATH}", data=deep, headers=good) as r:
                assert r.status == 400
            shallow_but_deep = b'{"update_id": 5, "message": ' + b'{"a": ' * 200 + b"1" + b"}" * 201
            async with http.post(f"{base}{WEBHOOK_PATH}", data=shallow_but_deep, headers=good) as r:
                assert r.status == 400
                assert (await r.json())["error"] == "nested too deeply"
            async with http.get(f"{base}/healthz") as r:
                assert r.status == 200  # still up
        async with service.db.transaction() as session:
            assert await inbound.count_by_status(session) == {}
