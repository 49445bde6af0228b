"""Inbox hardening, through HTTP on both databases, as a worker sees it: common passwords,
lockout after failed logins, two-step login (TOTP), the set-up a coordinator cannot skip when
it is required, security headers on every kind of response, a new session at every login,
and logging out everywhere. Time only moves when a test moves the clock."""

from __future__ import annotations

import hashlib
import re
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from config.settings import Settings, SettingsError
from inbox import auth, totp
from inbox.passwords import common_passwords, password_problem
from inbox.security import CSP, HSTS
from storage import workers
from storage.clock import utcnow
from storage.db import Database
from storage.models import AuditEntry, Worker
from tests.support.clock import Clock
from tests.support.inbox import PASSWORD, form_value, turn_on_totp
from tests.support.site import SECRET, Site, alert, open_site

ROOT = Path(__file__).resolve().parents[2]
TOO_COMMON = "Dat wachtwoord is te bekend. Kies een ander."
WRONG = "Die gebruikersnaam of dat wachtwoord klopt niet."
LOCKED = re.compile(
    r"Te veel mislukte pogingen\. Voor je veiligheid kan je pas om (\d{1,2}u\d{2}) opnieuw aanmelden\."
)
EXPECTED_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}


@pytest.fixture
def clock() -> Clock:
    clock = Clock()
    clock.set_local(date(2026, 3, 10), time(14, 0))
    return clock


@pytest.fixture
async def site(db: Database, clock: Clock, tmp_path: Path) -> AsyncIterator[Site]:
    async with open_site(db, clock, tmp_path) as made:
        yield made


@pytest.fixture
async def strict_site(db: Database, clock: Clock, tmp_path: Path) -> AsyncIterator[Site]:
    """REQUIRE_TOTP_ROLES=coordinator,admin."""
    async with open_site(db, clock, tmp_path, roles={"coordinator", "admin"}) as made:
        yield made


# --- passwords ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "password",
    ["1234567890", "qwertyuiop", "QWERTYUIOP", "Basketball", "BASKETBALL", "basketball",
     "Liverpool1", "TinkerBell", "0987654321", "1qaz2wsx3edc", "Password12",
     "Wachtwoord", "WELKOM1234", "Azertyuiop", "wachtwoord123", "Paswoord123", "Welkom2025"],
)  # fmt: skip
def test_a_common_password_is_refused_in_any_case(password: str) -> None:
    assert password_problem(password) == TOO_COMMON


def test_the_shipped_list_is_read_whole() -> None:
    passwords = common_passwords()
    assert len(passwords) > 19_000
    assert {"password", "123456", "iloveyou", "wachtwoord", "welkom123", "azerty"} <= passwords
    assert password_problem(PASSWORD) is None
    assert password_problem("Mijn fiets staat in Genk") is None


def test_a_password_equal_to_the_username_is_refused() -> None:
    problem = "Je wachtwoord mag niet je gebruikersnaam zijn. Kies een ander."
    assert password_problem("Lies.Vandenbroeck", "lies.vandenbroeck") == problem
    assert password_problem("peetersanna", "PeetersAnna@wam") == problem
    assert password_problem("kort", "kort") == "Kies een wachtwoord van minstens 10 tekens."
    assert password_problem("een heel ander wachtwoord", "lies.vandenbroeck") is None


async def test_the_team_page_refuses_a_common_password(site: Site) -> None:
    await site.login(site.jan)
    _, team = await site.page("/inbox/team")
    form = {"username": "eva", "first_name": "Eva", "full_name": "Eva Claes", "role": "worker",
            "capacity": "12", "languages": "nl", "password": "Basketball",
            "csrf": form_value(team, "csrf")}  # fmt: skip
    response = await site.client.post("/inbox/team", data=form)
    page = await response.text()
    assert response.status == 422 and TOO_COMMON in page and 'value="Eva Claes"' in page


# --- lockout -----------------------------------------------------------------------------------


async def test_twenty_wrong_passwords_lock_the_account_for_fifteen_minutes(site: Site) -> None:
    seen = []
    for _ in range(20):
        response = await site.login(site.sara, "wrong password!")
        seen.append((response.status, alert(await response.text())))
        assert auth.COOKIE not in response.cookies
    assert seen[:5] == [(200, WRONG)] * 5
    locked = seen[5]
    assert locked[0] == 429
    found = LOCKED.fullmatch(locked[1])
    assert found and found.group(1) == "14u15"  # the clock says 14u00 in Brussels
    assert seen[5:] == [locked] * 15
    async with site.db.transaction() as session:
        row = await workers.get(session, site.sara.id)
        assert row is not None and row.locked_until == site.clock() + timedelta(minutes=15)

    # The right password changes nothing while the lock lasts: the same answer.
    response = await site.login(site.sara)
    assert (response.status, alert(await response.text())) == locked
    assert site.session_cookie() is None

    site.clock.advance(14 * 60 + 59)
    assert (await site.login(site.sara)).status == 429
    site.clock.advance(1)
    response = await site.login(site.sara)
    assert response.status == 303 and response.headers["Location"] == "/inbox"
    async with site.db.transaction() as session:
        row = await workers.get(session, site.sara.id)
        assert row is not None and row.locked_until is None
    status, page = await site.page("/inbox")
    assert status == 200 and "Wachtrij" in page


async def test_after_a_lock_the_count_starts_again(site: Site) -> None:
    for _ in range(5):
        await site.login(site.sara, "wrong password!")
    site.clock.advance(15 * 60)
    for _ in range(4):  # four new failures after the lock: not locked yet
        response = await site.login(site.sara, "wrong password!")
        assert response.status == 200 and alert(await response.text()) == WRONG
    response = await site.login(site.sara)
    assert response.status == 303


async def test_an_unknown_username_answers_exactly_like_a_known_one(site: Site) -> None:
    seen: dict[str, list[tuple[int, str]]] = {site.sara.username: [], "niemand@wam": []}
    for username, answers in seen.items():
        for _ in range(7):
            response = await site.login_as(username, "wrong password!")
            answers.append((response.status, alert(await response.text())))
    assert seen[site.sara.username] == seen["niemand@wam"]
    assert seen["niemand@wam"][:5] == [(200, WRONG)] * 5
    status, message = seen["niemand@wam"][5]
    assert status == 429 and LOCKED.fullmatch(message)


async def test_wrong_codes_count_towards_the_lock(site: Site) -> None:
    await turn_on_totp(site.db, site.sara.id, SECRET)
    response = await site.login(site.sara)
    page = await response.text()
    wrong = "000000" if site.code_now() != "000000" else "111111"
    for _ in range(5):
        response = await site.code(page, wrong)
        page = await response.text()
    response = await site.code(page, site.code_now())
    page = await response.text()
    assert response.status == 429 and LOCKED.fullmatch(alert(page))
    assert site.session_cookie() is None


# --- TOTP --------------------------------------------------------------------------------------

RFC6238_KEYS = {
    "sha1": b"12345678901234567890",
    "sha256": b"12345678901234567890123456789012",
    "sha512": b"1234567890123456789012345678901234567890123456789012345678901234",
}
RFC6238 = [  # Appendix B: (Unix time, SHA-1, SHA-256, SHA-512), 8 digits
    (59, "94287082", "46119246", "90693936"),
    (1111111109, "07081804", "68084774", "25091201"),
    (1111111111, "14050471", "67062674", "99943326"),
    (1234567890, "89005924", "91819424", "93441116"),
    (2000000000, "69279037", "90698825", "38618901"),
    (20000000000, "65353130", "77737706", "47863826"),
]
RFC4226 = ["755224", "287082", "359152", "969429", "338314", "254676", "287922", "162583",
           "399871", "520489"]  # fmt: skip


@pytest.mark.parametrize(("moment", "sha1", "sha256", "sha512"), RFC6238)
def test_the_rfc_6238_vectors(moment: int, sha1: str, sha256: str, sha512: str) -> None:
    step = totp.step_of(moment)
    for name, expected in (("sha1", sha1), ("sha256", sha256), ("sha512", sha512)):
        digest = getattr(hashlib, name)
        assert totp.code_at(RFC6238_KEYS[name], step, digits=8, digest=digest) == expected


def test_the_rfc_4226_vectors_with_six_digits() -> None:
    key = RFC6238_KEYS["sha1"]
    assert [totp.code_at(key, counter) for counter in range(10)] == RFC4226


def test_a_code_is_accepted_one_step_either_side_and_no_further() -> None:
    secret = totp.new_secret()
    assert len(secret) == 32 and totp.key_of(secret) and len(totp.key_of(secret)) == 20
    now = datetime.fromtimestamp(1_700_000_000, UTC)
    step = totp.step_of(now)
    key = totp.key_of(secret)
    for delta in (-1, 0, 1):
        code = totp.code_at(key, step + delta)
        assert totp.matching_step(secret, code, now) == step + delta
        assert totp.matching_step(secret.lower(), f"{code[:3]} {code[3:]}", now) == step + delta
    for delta in (-2, 2):
        code = totp.code_at(key, step + delta)
        if code not in {totp.code_at(key, step + d) for d in (-1, 0, 1)}:
            assert totp.matching_step(secret, code, now) is None
    assert totp.matching_step(secret, "12345", now) is None
    assert totp.matching_step(secret, "１２３４５６", now) is None  # only ASCII digits


def test_the_secret_is_shown_in_groups_and_as_an_otpauth_link() -> None:
    assert totp.grouped(SECRET) == "JBSW Y3DP EHPK 3PXP JBSW Y3DP EHPK 3PXP"
    assert totp.uri(SECRET, "sara@wam") == (
        "otpauth://totp/Instap:sara@wam?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
        "&issuer=Instap&algorithm=SHA1&digits=6&period=30"
    )


async def test_a_worker_sets_up_two_step_login(site: Site) -> None:
    await site.login(site.sara)
    before = site.session_cookie()
    status, account = await site.page("/inbox/account")
    assert status == 200 and "Staat uit." in account
    assert 'href="/inbox/account/2fa"' in account

    status, page = await site.page("/inbox/account/2fa")
    assert status == 200 and "Typ deze sleutel over:" in page
    shown = re.search(r'<p class="secret" id="totp-secret">([A-Z2-7 ]+)</p>', page)
    assert shown is not None
    secret = shown.group(1).replace(" ", "")
    assert len(secret) == 32 and shown.group(1) == totp.grouped(secret)
    assert f"otpauth://totp/Instap:sara@wam?secret={secret}&amp;issuer=Instap" in page

    form = {"csrf": form_value(page, "csrf"), "secret": secret,
            "secret_sig": form_value(page, "secret_sig"), "password": PASSWORD}  # fmt: skip
    wrong = "000000" if site.code_now(secret) != "000000" else "111111"
    response = await site.client.post("/inbox/account/2fa", data={**form, "code": wrong})
    assert response.status == 422 and "Die code klopt niet." in await response.text()
    async with site.db.transaction() as session:
        row = await workers.get(session, site.sara.id)
        assert row is not None and row.totp_secret is None  # not before a code matched

    # A secret the page did not hand out is refused (the form is signed).
    forged = {**form, "secret": SECRET, "code": site.code_now(SECRET)}
    response = await site.client.post("/inbox/account/2fa", data=forged)
    assert response.status == 403

    response = await site.client.post(
        "/inbox/account/2fa", data={**form, "code": site.code_now(secret)}
    )
    page = await response.text()
    assert response.status == 200 and "Tweestapsverificatie staat aan." in page
    assert "Staat aan: bij het aanmelden vragen we ook een code uit je app." in page
    after = site.session_cookie()
    assert after not in (None, before)  # more rights: a new session, the old one ends
    site.client.session.cookie_jar.clear()
    response = await site.client.get(
        "/inbox", headers={"Cookie": f"{auth.COOKIE}={before}"}, allow_redirects=False
    )
    assert response.status == 302
    async with site.db.transaction() as session:
        audit = (await session.execute(select(AuditEntry.action, AuditEntry.case_id))).all()
    assert ("totp_on", None) in audit

    # From now on the password alone is not enough; the code used for set-up is spent.
    site.client.session.cookie_jar.clear()
    response = await site.login(site.sara)
    page = await response.text()
    assert response.status == 200 and "Code uit je app" in page
    response = await site.code(page, site.code_now(secret))
    page = await response.text()
    assert "Die code is al gebruikt." in page and site.session_cookie() is None
    site.clock.advance(30)
    response = await site.code(page, site.code_now(secret))
    assert response.status == 303 and site.session_cookie() is not None


async def test_two_step_login(site: Site) -> None:
    await turn_on_totp(site.db, site.sara.id, SECRET)
    response = await site.login(site.sara, "wrong password!")
    assert alert(await response.text()) == WRONG  # the password comes first, as always

    response = await site.login(site.sara)
    page = await response.text()
    assert response.status == 200 and "Code uit je app" in page
    assert "Je wachtwoord klopt." in page
    assert auth.COOKIE not in response.cookies and site.session_cookie() is None
    pending = response.cookies[auth.PENDING_COOKIE]
    assert pending["httponly"] and pending["samesite"] == "Strict"
    assert pending["path"] == "/inbox/login"
    response = await site.client.get("/inbox", allow_redirects=False)
    assert response.status == 302 and response.headers["Location"].startswith("/inbox/login")

    wrong = "000000" if site.code_now() != "000000" else "111111"
    response = await site.code(page, wrong)
    page = await response.text()
    assert response.status == 200 and "Die code klopt niet." in alert(page)
    assert site.session_cookie() is None

    # A reload of the code page shows the form again.
    status, page = await site.page("/inbox/login/code")
    assert status == 200 and 'name="code"' in page

    response = await site.code(page, site.code_now())
    assert response.status == 303 and response.headers["Location"] == "/inbox"
    assert site.session_cookie() is not None
    status, page = await site.page("/inbox")
    assert status == 200 and "Wachtrij" in page

    # The same code again, in the same 30 seconds: refused, even with the right password.
    site.client.session.cookie_jar.clear()
    response = await site.login(site.sara)
    page = await response.text()
    response = await site.code(page, site.code_now())
    page = await response.text()
    assert "Die code is al gebruikt. Wacht op de volgende code in je app." in alert(page)
    assert site.session_cookie() is None
    site.clock.advance(30)
    response = await site.code(page, site.code_now())
    assert response.status == 303 and site.session_cookie() is not None


async def test_a_pending_login_works_once(site: Site) -> None:
    await turn_on_totp(site.db, site.sara.id, SECRET)
    response = await site.login(site.sara)
    page = await response.text()
    pending = response.cookies[auth.PENDING_COOKIE].value
    response = await site.code(page, site.code_now())
    assert response.status == 303

    # Someone kept the pending cookie: with it and a fresh code, no session.
    site.client.session.cookie_jar.clear()
    site.clock.advance(30)
    page = await (await site.client.get("/inbox/login")).text()
    site.client.session.cookie_jar.update_cookies({auth.PENDING_COOKIE: pending})
    response = await site.code(page, site.code_now())
    page = await response.text()
    assert "Je aanmelding is verlopen. Begin opnieuw met je wachtwoord." in alert(page)
    assert site.session_cookie() is None

    # A pending login made up without the password: the same.
    made_up = f"{site.sara.id}.{int(site.clock().timestamp()) + 200}.{'0' * 64}"
    site.client.session.cookie_jar.update_cookies({auth.PENDING_COOKIE: made_up})
    page = await (await site.client.get("/inbox/login")).text()
    response = await site.code(page, site.code_now())
    assert "Je aanmelding is verlopen." in alert(await response.text())
    assert site.session_cookie() is None


async def test_a_pending_login_expires_after_five_minutes(site: Site) -> None:
    await turn_on_totp(site.db, site.sara.id, SECRET)
    page = await (await site.login(site.sara)).text()
    site.clock.advance(5 * 60)
    response = await site.code(page, site.code_now())
    assert "Je aanmelding is verlopen." in alert(await response.text())
    assert site.session_cookie() is None


async def test_the_code_step_needs_a_pending_login(site: Site) -> None:
    response = await site.client.get("/inbox/login/code", allow_redirects=False)
    assert response.status == 303 and response.headers["Location"].startswith("/inbox/login")
    page = await (await site.client.get("/inbox/login")).text()
    response = await site.code(page, "123456")
    assert response.status == 403 and site.session_cookie() is None


# --- REQUIRE_TOTP_ROLES ------------------------------------------------------------------------


def test_the_setting_lists_roles(tmp_path: Path) -> None:
    env = {"SECRET_KEY": "x", "VAR_DIR": str(tmp_path)}
    no_file = tmp_path / "none.env"
    assert Settings.load(env, no_file).require_totp_roles == frozenset()
    loaded = Settings.load({**env, "REQUIRE_TOTP_ROLES": "coordinator, Admin"}, no_file)
    assert loaded.require_totp_roles == {"coordinator", "admin"}
    with pytest.raises(SettingsError, match="REQUIRE_TOTP_ROLES"):
        Settings.load({**env, "REQUIRE_TOTP_ROLES": "coordinator,boss"}, no_file)


async def test_a_coordinator_must_set_up_two_step_login_first(strict_site: Site) -> None:
    site = strict_site
    response = await site.login(site.jan)
    assert response.status == 303 and response.headers["Location"] == "/inbox/account/2fa"
    for path in ("/inbox", "/inbox/team", "/inbox/account", "/inbox/agenda"):
        response = await site.client.get(path, allow_redirects=False)
        assert response.status == 302, path
        assert response.headers["Location"] == "/inbox/account/2fa", path
    response = await site.client.get("/api/queue")
    assert response.status == 403
    assert (await response.json())["title"] == "Eerst tweestapsverificatie instellen"

    status, page = await site.page("/inbox/account/2fa")
    assert status == 200
    assert "Stel eerst tweestapsverificatie in. Pas daarna kan je verder in de inbox." in page
    secret = form_value(page, "secret")
    form = {"csrf": form_value(page, "csrf"), "secret": secret,
            "secret_sig": form_value(page, "secret_sig"), "code": site.code_now(secret),
            "password": PASSWORD}  # fmt: skip
    response = await site.client.post("/inbox/account/2fa", data=form, allow_redirects=False)
    assert response.status == 303 and response.headers["Location"].startswith("/inbox?ok=")
    status, page = await site.page(response.headers["Location"])
    assert status == 200 and "Tweestapsverificatie staat aan." in page and "Wachtrij" in page
    assert (await site.client.get("/inbox/team")).status == 200
    assert (await site.client.get("/api/queue")).status == 200

    # The next login asks for the code.
    site.client.session.cookie_jar.clear()
    site.clock.advance(30)
    page = await (await site.login(site.jan)).text()
    response = await site.code(page, site.code_now(secret))
    assert response.status == 303 and response.headers["Location"] == "/inbox"


async def test_a_worker_is_not_forced_when_only_coordinators_must(strict_site: Site) -> None:
    site = strict_site
    response = await site.login(site.sara)
    assert response.status == 303 and response.headers["Location"] == "/inbox"
    status, page = await site.page("/inbox")
    assert status == 200 and "Wachtrij" in page


# --- security headers --------------------------------------------------------------------------


async def response_headers(site: Site, path: str, **headers: str) -> tuple[int, dict[str, str]]:
    response = await site.client.get(path, headers=headers or None, allow_redirects=False)
    await response.read()
    return response.status, dict(response.headers)


async def test_every_kind_of_response_has_the_security_headers(site: Site) -> None:
    await site.login(site.sara)
    paths = {
        "/inbox": 200,  # an inbox page
        "/inbox/login?x=1": 303,  # a redirect (logged in already)
        "/api/me": 200,  # the API
        "/api/cases/1234567": 404,  # an API error
        "/chat": 200,  # the web chat
        "/static/chat.js": 200,  # static files
        "/inbox/static/inbox.css": 200,
        "/nergens": 404,
    }
    for path, expected in paths.items():
        status, headers = await response_headers(site, path)
        assert status == expected, path
        for name, value in EXPECTED_HEADERS.items():
            assert headers.get(name) == value, (path, name)
        assert "Strict-Transport-Security" not in headers, path
    _, headers = await response_headers(site, "/api/queue", Authorization="Bearer made-up")
    assert headers["Content-Security-Policy"] == CSP and headers["X-Frame-Options"] == "DENY"


async def test_hsts_only_behind_https(db: Database, clock: Clock, tmp_path: Path) -> None:
    async with open_site(db, clock, tmp_path, secure=True) as site:
        for path in ("/inbox/login", "/chat", "/static/chat.js", "/api/openapi.json"):
            status, headers = await response_headers(site, path)
            assert status == 200, path
            assert headers["Strict-Transport-Security"] == HSTS, path
            assert headers["Content-Security-Policy"] == CSP, path


async def test_the_web_chat_needs_nothing_inline(site: Site) -> None:
    status, page = await site.page("/chat")
    assert status == 200 and "Instap" in page
    scripts = re.findall(r"<script[^>]*>", page)
    assert scripts == ['<script src="/static/chat.js" defer>']
    assert "<style" not in page and "style=" not in page
    assert not re.search(r"\son[a-z]+\s*=", page)  # no inline event handlers
    chat_js = (ROOT / "bot" / "channels" / "webchat" / "static" / "chat.js").read_text()
    assert "eval(" not in chat_js and "new Function" not in chat_js
    assert 'location.host + "/chat/ws"' in chat_js  # same origin: connect-src 'self'


# --- sessions ----------------------------------------------------------------------------------


async def test_a_session_planted_before_login_is_not_the_one_after(site: Site) -> None:
    site.client.session.cookie_jar.update_cookies(
        {auth.COOKIE: "planted-by-someone-else"}, response_url=site.client.make_url("/")
    )
    assert site.session_cookie() == "planted-by-someone-else"
    response = await site.login(site.sara)
    assert response.status == 303
    assert response.cookies[auth.COOKIE].value != "planted-by-someone-else"
    after = site.session_cookie()
    assert after not in (None, "planted-by-someone-else")

    # A second login in the same browser (a login form left open in another tab): a new
    # session again, and the one from before ends.
    _, queue = await site.page("/inbox")
    jar = site.client.session.cookie_jar
    jar.clear()
    page = await (await site.client.get("/inbox/login")).text()
    assert after is not None
    jar.update_cookies({auth.COOKIE: after}, response_url=site.client.make_url("/"))
    form = {"username": site.sara.username, "password": PASSWORD, "csrf": form_value(queue, "csrf"),
            "login_token": form_value(page, "login_token")}  # fmt: skip
    response = await site.client.post("/inbox/login", data=form, allow_redirects=False)
    assert response.status == 303
    newest = site.session_cookie()
    assert newest not in (None, after)
    site.client.session.cookie_jar.clear()
    response = await site.client.get(
        "/inbox", headers={"Cookie": f"{auth.COOKIE}={after}"}, allow_redirects=False
    )
    assert response.status == 302
    response = await site.client.get(
        "/inbox", headers={"Cookie": f"{auth.COOKIE}={newest}"}, allow_redirects=False
    )
    assert response.status == 200


async def test_log_out_everywhere(site: Site) -> None:
    phone_token, _ = await auth.login(site.db, site.sara.username, PASSWORD, "10.0.0.2")
    jan_token, _ = await auth.login(site.db, site.jan.username, PASSWORD, "10.0.0.3")
    api_token = "sara-api-token-for-a-script"
    async with site.db.transaction() as session:
        row = await session.get(Worker, site.sara.id)
        assert row is not None
        await workers.add_token(session, row, api_token, "script", utcnow())

    await site.login(site.sara)
    status, page = await site.page("/inbox/account")
    assert status == 200 and "Overal afmelden" in page
    assert "Je API-tokens stoppen hierdoor niet. Die trek je hieronder in." in page
    response = await site.post("/inbox/account/logout-everywhere", {})
    assert response.status == 303
    assert response.headers["Location"] == "/inbox/login?done=everywhere"
    status, page = await site.page(response.headers["Location"])
    assert status == 200 and "Je bent nu overal afgemeld. Meld je hier opnieuw aan." in page
    assert site.session_cookie() is None

    async def status_with(token: str) -> int:
        response = await site.client.get(
            "/inbox", headers={"Cookie": f"{auth.COOKIE}={token}"}, allow_redirects=False
        )
        return response.status

    site.client.session.cookie_jar.clear()
    assert await status_with(phone_token) == 302  # Sara's other device: logged out
    assert await status_with(jan_token) == 200  # a colleague: untouched
    response = await site.client.get("/api/me", headers={"Authorization": f"Bearer {api_token}"})
    assert response.status == 200 and (await response.json())["username"] == "sara@wam"
    async with site.db.transaction() as session:
        audit = (await session.execute(select(AuditEntry.worker_id, AuditEntry.action))).all()
    assert (site.sara.id, "logout_everywhere") in audit


async def test_log_out_everywhere_needs_the_form_token(site: Site) -> None:
    await site.login(site.sara)
    response = await site.client.post(
        "/inbox/account/logout-everywhere", data={}, allow_redirects=False
    )
    assert response.status == 403
    status, _ = await site.page("/inbox")
    assert status == 200  # still logged in
