"""A coordinator adding a colleague learns nothing about other partnerships (issue 11,
finding 11): every name they choose gets their partnership after an "@", so it can only
clash with a name in their own team. Login stays one field, unambiguous over the instance."""

from __future__ import annotations

from pathlib import Path

import aiohttp

from storage import workers
from storage.clock import utcnow
from tests.security.test_login_throttle import log_in
from tests.support.inbox import add_worker
from tests.support.service import make_settings, serving

TOKEN = "usernames-token-for-bert-of-samenwerkt"
NEW_PASSWORD = "een lang nieuw wachtwoord"


async def test_adding_a_name_that_exists_elsewhere_reveals_nothing(
    db_url: str, tmp_path: Path
) -> None:
    settings = make_settings(db_url, tmp_path)
    base = f"http://127.0.0.1:{settings.http_port}"
    async with serving(settings) as service:
        sara = await add_worker(service.db, "Sara")  # sara@wam, in another partnership
        bert = await add_worker(service.db, "Bert", role="coordinator", partnership="samenwerkt")
        async with service.db.transaction() as session:
            row = await workers.get(session, bert.id)
            assert row is not None
            await workers.add_token(session, row, TOKEN, "team", utcnow())
        bearer = {"Authorization": f"Bearer {TOKEN}"}

        async def add(username: str) -> tuple[int, dict[str, object]]:
            body = {"username": username, "first_name": "Sara", "password": NEW_PASSWORD}
            async with (
                aiohttp.ClientSession(headers=bearer) as http,
                http.post(f"{base}/api/team", json=body) as r,
            ):
                return r.status, await r.json()

        for typed, stored in (("sara@wam", "sara@wam@samenwerkt"), ("sara", "sara@samenwerkt")):
            status, answer = await add(typed)
            assert (status, answer.get("username")) == (201, stored), answer
        status, answer = await add("Sara")  # the same name twice in one's own team
        assert status == 422 and answer["detail"] == "Die gebruikersnaam bestaat al."
        for username in ("sara@samenwerkt", "sara@wam@samenwerkt"):
            assert (await log_in(base, username, NEW_PASSWORD))[0] == 303
        assert (await log_in(base, sara.username, NEW_PASSWORD))[0] == 200  # not her password
