"""API tokens as a worker uses them, on both databases: a role that must use two-step login
gets nothing with a token until it is on, and makes a new one only with a code from the app;
a token has a name, a scope (read-only tokens cannot change anything), an expiry and a
last-used time, and its owner lists and revokes it on the account page and in the API.
Also: turning two-step login on asks for the password again, and passwords of only spaces
are refused."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from aiohttp import ClientResponse
from sqlalchemy import select

from core.i18n import Translator
from inbox import auth
from storage import workers
from storage.clock import utcnow
from storage.db import Database
from storage.models import ApiToken
from storage.workers import WorkerView
from tests.support.clock import BRUSSELS, Clock
from tests.support.inbox import PASSWORD, add_case, form_value, turn_on_totp
from tests.support.site import SECRET, Site, alert, open_site

NEEDS_2FA = "Eerst tweestapsverificatie instellen"
READ_ONLY = "Token mag alleen lezen"


@pytest.fixture
def clock() -> Clock:
    return Clock()  # real time: tokens expire on the same clock the server checks them by


@pytest.fixture
async def site(db: Database, clock: Clock, tmp_path: Path) -> AsyncIterator[Site]:
    async with open_site(db, clock, tmp_path) as made:
        yield made


@pytest.fixture
async def strict_site(db: Database, clock: Clock, tmp_path: Path) -> AsyncIterator[Site]:
    """REQUIRE_TOTP_ROLES=coordinator,admin."""
    async with open_site(db, clock, tmp_path, roles={"coordinator", "admin"}) as made:
        yield made


async def made_by_cli(site: Site, worker: WorkerView, token: str) -> None:
    """A token as `instap worker token` made it before this fix: no 2FA asked."""
    async with site.db.transaction() as session:
        row = await workers.get(session, worker.id)
        assert row is not None
        await workers.add_token(session, row, token, "script", utcnow())


async def bearer(
    site: Site, method: str, path: str, token: str, body: Any = None
) -> ClientResponse:
    return await site.client.request(
        method, path, json=body, headers={"Authorization": f"Bearer {token}"}
    )


async def test_a_role_that_must_use_two_step_login_gets_nothing_with_a_token_without_it(
    strict_site: Site,
) -> None:
    site = strict_site
    await made_by_cli(site, site.jan, "jans-old-token")
    for method, path, body in (
        ("GET", "/api/queue", None),
        ("GET", "/api/me", None),
        ("POST", "/api/tokens", {"name": "nog een"}),
    ):
        response = await bearer(site, method, path, "jans-old-token", body)
        assert response.status == 403, path
        assert (await response.json())["title"] == NEEDS_2FA, path

    # Sara's role need not: her token works as before.
    await made_by_cli(site, site.sara, "saras-token")
    assert (await bearer(site, "GET", "/api/queue", "saras-token")).status == 200

    # Jan turns two-step login on: his token reads again, but a new token needs a code.
    await turn_on_totp(site.db, site.jan.id, SECRET)
    assert (await bearer(site, "GET", "/api/queue", "jans-old-token")).status == 200
    response = await bearer(site, "POST", "/api/tokens", "jans-old-token", {"name": "nieuw"})
    assert response.status == 403
    assert (await response.json())["detail"] == "Typ een code uit je app om een token te maken."
    wrong = "000000" if site.code_now() != "000000" else "111111"
    body = {"name": "nieuw", "code": wrong}
    response = await bearer(site, "POST", "/api/tokens", "jans-old-token", body)
    assert response.status == 403 and "Die code klopt niet" in (await response.json())["detail"]
    body = {"name": "nieuw", "code": site.code_now()}
    response = await bearer(site, "POST", "/api/tokens", "jans-old-token", body)
    assert response.status == 201
    made = await response.json()
    assert (await bearer(site, "GET", "/api/me", made["token"])).status == 200
    # The same code a second time: used.
    response = await bearer(site, "POST", "/api/tokens", "jans-old-token", body)
    assert response.status == 403 and "al gebruikt" in (await response.json())["detail"]


async def test_a_token_has_a_scope_an_expiry_and_a_last_use_and_is_revoked_on_the_account_page(
    site: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    case_id = await add_case(site.db)
    await site.login(site.sara)
    status, page = await site.page("/inbox/account")
    assert status == 200 and "Je hebt geen API-tokens." in page
    assert "Je API-tokens stoppen hierdoor niet. Die trek je hieronder in." in page

    # A read-only token for a report, for 30 days: shown once, on the page itself.
    form = {"name": "Maandrapport", "scope": "read", "days": "30"}
    response = await site.post("/inbox/account/tokens", form)
    page = await response.text()
    assert response.status == 201
    assert "Kopieer hem nu: we tonen hem maar één keer." in page
    shown = re.search(r'<p class="secret" id="new-token">([^<]+)</p>', page)
    assert shown is not None
    token = shown.group(1)
    row = re.search(r'<tr id="token-(\d+)">(.*?)</tr>', page, re.S)
    assert row is not None
    token_id, cells = row.group(1), re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row.group(2)))
    assert "Maandrapport" in cells and "alleen lezen" in cells and "nog nooit" in cells
    in_30_days = site.clock() + timedelta(days=30)
    assert Translator().param(in_30_days.astimezone(BRUSSELS).date(), "nl") in cells

    # It reads; it changes nothing (403 on every POST and DELETE).
    assert (await bearer(site, "GET", "/api/queue", token)).status == 200
    for method, path, body in (
        ("POST", f"/api/cases/{case_id}/claim", None),
        ("POST", f"/api/cases/{case_id}/notes", {"text": "Via script"}),
        ("POST", "/api/tokens", {"name": "meer"}),
        ("DELETE", f"/api/tokens/{token_id}", None),
    ):
        response = await bearer(site, method, path, token, body)
        assert response.status == 403, path
        assert (await response.json())["title"] == READ_ONLY, path
    listed = await (await bearer(site, "GET", "/api/tokens", token)).json()
    assert [(t["id"], t["name"], t["scope"]) for t in listed] == [
        (int(token_id), "Maandrapport", "read")
    ]
    assert listed[0]["last_used_at"] is not None
    assert datetime.fromisoformat(listed[0]["expires_at"]).date() == in_30_days.date()
    assert token not in str(listed)
    _, page = await site.page("/inbox/account")
    assert "nog nooit" not in page  # the last use shows now

    # Revoked on the account page: it stops at once.
    response = await site.post(f"/inbox/account/tokens/{token_id}/revoke", {})
    assert response.status == 303
    status, page = await site.page(response.headers["Location"])
    assert "De token is ingetrokken. Hij werkt niet meer." in page
    assert "Je hebt geen API-tokens." in page
    assert (await bearer(site, "GET", "/api/me", token)).status == 401

    # A token with the default lifetime works 90 days, not a day more.
    await made_by_cli(site, site.sara, "saras-script")
    assert (await bearer(site, "GET", "/api/me", "saras-script")).status == 200
    later = utcnow() + timedelta(days=90, seconds=1)
    monkeypatch.setattr(auth, "utcnow", lambda: later)
    assert (await bearer(site, "GET", "/api/me", "saras-script")).status == 401


async def test_a_token_is_revoked_in_the_api_only_by_its_owner(site: Site) -> None:
    await made_by_cli(site, site.sara, "saras-token")
    await made_by_cli(site, site.jan, "jans-token")
    response = await bearer(
        site, "POST", "/api/tokens", "saras-token", {"name": "Agenda", "days": 7}
    )
    assert response.status == 201
    made = await response.json()
    assert made["scope"] == "write" and made["name"] == "Agenda"
    assert (
        datetime.fromisoformat(made["expires_at"]).date() == (utcnow() + timedelta(days=7)).date()
    )
    for days in (0, 366):
        body = {"name": "x", "days": days}
        assert (await bearer(site, "POST", "/api/tokens", "saras-token", body)).status == 422

    # Jan (a coordinator, but not the owner) cannot revoke Sara's token: 404, as a missing one.
    response = await bearer(site, "DELETE", f"/api/tokens/{made['id']}", "jans-token")
    assert response.status == 404
    assert (await bearer(site, "GET", "/api/me", made["token"])).status == 200
    response = await bearer(site, "DELETE", f"/api/tokens/{made['id']}", "saras-token")
    assert response.status == 204
    assert (await bearer(site, "GET", "/api/me", made["token"])).status == 401
    response = await bearer(site, "DELETE", f"/api/tokens/{made['id']}", "saras-token")
    assert response.status == 404

    # Only hashes are kept.
    async with site.db.transaction() as session:
        hashes = [t.token_hash for t in (await session.execute(select(ApiToken))).scalars()]
    assert hashes and all(len(h) == 64 for h in hashes)
    assert not {"saras-token", "jans-token", made["token"]} & set(hashes)


async def test_a_session_needs_the_form_token_and_a_code_to_make_a_token(site: Site) -> None:
    await turn_on_totp(site.db, site.sara.id, SECRET)
    page = await (await site.login(site.sara)).text()
    await site.code(page, site.code_now())
    site.clock.advance(30)
    _, account = await site.page("/inbox/account")
    assert 'name="code"' in account  # the form asks for a code from the app
    response = await site.post("/inbox/account/tokens", {"name": "Script", "scope": "write"})
    page = await response.text()
    assert response.status == 403
    assert alert(page) == "Typ een code uit je app om een token te maken."
    assert form_value(page, "name") == "Script"  # what was typed stays
    form = {"name": "Script", "scope": "write", "code": site.code_now()}
    response = await site.post("/inbox/account/tokens", form)
    assert response.status == 201 and 'id="new-token"' in await response.text()
    # An API call with the session cookie is no way around it either.
    response = await site.client.post(
        "/api/tokens", json={"name": "x"}, headers={"X-CSRF-Token": form_value(account, "csrf")}
    )
    assert response.status == 403


# --- turning two-step login on asks for the password -----------------------------------------


async def test_turning_on_two_step_login_needs_the_password_again(site: Site) -> None:
    await site.login(site.sara)
    _, page = await site.page("/inbox/account/2fa")
    assert 'name="password"' in page and 'autocomplete="current-password"' in page
    secret = form_value(page, "secret")
    form = {"csrf": form_value(page, "csrf"), "secret": secret,
            "secret_sig": form_value(page, "secret_sig"), "code": site.code_now(secret)}  # fmt: skip
    for password in ("", "wrong password!"):
        response = await site.client.post("/inbox/account/2fa", data={**form, "password": password})
        text = await response.text()
        assert response.status == 422, password
        assert "Dat wachtwoord klopt niet. Typ je wachtwoord en een nieuwe code." in text
        async with site.db.transaction() as session:
            row = await workers.get(session, site.sara.id)
            assert row is not None and row.totp_secret is None
    response = await site.client.post("/inbox/account/2fa", data={**form, "password": PASSWORD})
    assert response.status == 200 and "Tweestapsverificatie staat aan." in await response.text()


# --- passwords of only spaces ----------------------------------------------------------------


async def test_a_password_of_spaces_is_refused_and_spaces_around_one_do_not_count(
    site: Site,
) -> None:
    await site.login(site.jan)
    _, team = await site.page("/inbox/team")
    base = {"username": "eva", "first_name": "Eva", "full_name": "Eva Claes", "role": "worker",
            "capacity": "12", "languages": "nl", "csrf": form_value(team, "csrf")}  # fmt: skip
    for password, problem in (
        (" " * 10, "Een wachtwoord van alleen spaties kan niet. Kies een echt wachtwoord."),
        ("\t \u3000 " * 4, "Een wachtwoord van alleen spaties kan niet. Kies een echt wachtwoord."),
        ("   kort12   ", "Kies een wachtwoord van minstens 10 tekens."),
    ):
        response = await site.client.post("/inbox/team", data={**base, "password": password})
        page = await response.text()
        assert response.status == 422 and problem in page, repr(password)
    _, team = await site.page("/inbox/team")
    assert "Eva Claes" not in team

    # Typed on a phone with full-width letters, the same password logs in typed plainly.
    response = await site.client.post(
        "/inbox/team", data={**base, "password": "Ｍijn fiets staat in Ｇenk"}
    )
    assert response.status == 200 and "Eva is toegevoegd." in await response.text()
    site.client.session.cookie_jar.clear()
    response = await site.login_as("eva@wam", "Mijn fiets staat in Genk")  # names per partnership
    assert response.status == 303 and response.headers["Location"] == "/inbox"
