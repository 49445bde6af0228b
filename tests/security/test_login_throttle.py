"""One address cannot lock everyone out (issue 11, finding 4), through the real service.

Someone guesses at thirty random usernames from the address the whole office shares (or the
proxy's): the real workers there still log in with their right passwords. A second guess at
any name from that address is refused; a worker's account is locked only by failures on it.
Behind a proxy named in TRUSTED_PROXIES each person counts from their own address, taken
from X-Forwarded-For; without it that header is ignored, so rotating it hides nothing.
"""

from __future__ import annotations

import ipaddress
import re
import secrets
from collections.abc import Mapping
from pathlib import Path

import aiohttp

from tests.support.inbox import PASSWORD, add_worker
from tests.support.service import make_settings, serving

WRONG = "Die gebruikersnaam of dat wachtwoord klopt niet."
TOO_MANY = "Te veel mislukte pogingen"


async def log_in(
    base: str, username: str, password: str, headers: Mapping[str, str] | None = None
) -> tuple[int, str]:
    """A person at the login page: open it, type, press the button; what they see."""
    jar = aiohttp.CookieJar(unsafe=True)  # the cookie of a 127.0.0.1 site
    async with aiohttp.ClientSession(cookie_jar=jar, headers=headers) as http:
        async with http.get(f"{base}/inbox/login") as page:
            found = re.search(r'name="login_token" value="([^"]*)"', await page.text())
            assert found
        form = {"username": username, "password": password, "login_token": found.group(1)}
        async with http.post(f"{base}/inbox/login", data=form, allow_redirects=False) as r:
            return r.status, await r.text()


async def test_guessing_from_a_shared_address_does_not_lock_out_real_workers(
    db_url: str, tmp_path: Path
) -> None:
    settings = make_settings(db_url, tmp_path)
    base = f"http://127.0.0.1:{settings.http_port}"
    async with serving(settings) as service:
        anna = await add_worker(service.db, "Anna", role="coordinator")
        sara = await add_worker(service.db, "Sara")
        guessed = [f"{secrets.token_hex(4)}@wam" for _ in range(30)]
        for name in guessed:
            status, page = await log_in(base, name, "Welkom2026!")
            assert (status, WRONG in page) == (200, True)
        for worker in (anna, sara):  # same address, right password: straight in
            status, _ = await log_in(base, worker.username, PASSWORD)
            assert status == 303, worker.username
        status, page = await log_in(base, guessed[0], "Welkom2027!")  # a second guess
        assert status == 429 and TOO_MANY in page
        status, page = await log_in(base, sara.username, "niet mijn wachtwoord")
        assert (status, WRONG in page) == (200, True)  # Sara mistypes once…
        status, page = await log_in(base, sara.username, PASSWORD)
        assert status == 429 and TOO_MANY in page  # …and waits: the address is guessing


async def test_behind_a_trusted_proxy_each_person_counts_from_their_own_address(
    db_url: str, tmp_path: Path
) -> None:
    proxy = (ipaddress.ip_network("127.0.0.1/32"),)
    settings = make_settings(db_url, tmp_path, trusted_proxies=proxy)
    base = f"http://127.0.0.1:{settings.http_port}"
    attacker = {"X-Forwarded-For": "203.0.113.9"}
    office = {"X-Forwarded-For": "198.51.100.7"}
    async with serving(settings) as service:
        sara = await add_worker(service.db, "Sara")
        for n in range(30):
            status, _ = await log_in(base, f"gok{n}@wam", "Welkom2026!", attacker)
            assert status == 200
        status, _ = await log_in(base, "gok0@wam", "Welkom2027!", attacker)
        assert status == 429  # the guessing address is slowed down…
        status, _ = await log_in(base, sara.username, "niet mijn wachtwoord", office)
        assert status == 200  # …Sara at the office is not: she mistypes and tries again
        status, _ = await log_in(base, sara.username, PASSWORD, office)
        assert status == 303


async def test_without_a_trusted_proxy_a_forged_forwarded_for_is_ignored(
    db_url: str, tmp_path: Path
) -> None:
    settings = make_settings(db_url, tmp_path)
    base = f"http://127.0.0.1:{settings.http_port}"
    async with serving(settings):
        for n in range(30):
            forged = {"X-Forwarded-For": f"198.51.100.{n + 1}"}
            status, _ = await log_in(base, f"gok{n}@wam", "Welkom2026!", forged)
            assert status == 200
        forged = {"X-Forwarded-For": "192.0.2.200"}
        status, page = await log_in(base, "gok0@wam", "Welkom2027!", forged)
        assert status == 429 and TOO_MANY in page
