"""Posters in the inbox: Jan the coordinator sees each entry point's three links, downloads
QR codes that scan back to those links and prints a poster; Sara (a worker) may not."""

from __future__ import annotations

import html
import re
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from config.partnerships import load_directory
from core.entry_links import Addresses
from storage import registrations, youths
from storage.clock import utcnow
from storage.db import Database
from tests.support.dialog import ROOT
from tests.support.pages import Site, open_pages
from tests.support.qr import png_text, svg_text

WEB = "https://instap.example/chat?via=ocmw-maaseik"
TELEGRAM = "https://t.me/InstapBot?start=ocmw-maaseik"
WHATSAPP = (
    "https://wa.me/32470000000?text=Hoi%21%20Ik%20wil%20graag%20meer%20weten%20over%20Instap."
    "%20%28ocmw-maaseik%29"
)


@pytest.fixture
async def site(db: Database, tmp_path: Path) -> AsyncIterator[Site]:
    """WAM! with its WhatsApp number filled in, served at a public address with a bot."""
    text = (ROOT / "partnerships.toml").read_text(encoding="utf-8")
    with_number = text.replace('id = "wam"\n', 'id = "wam"\nwhatsapp_number = "32470000000"\n', 1)
    (tmp_path / "partnerships.toml").write_text(with_number, encoding="utf-8")
    async with open_pages(db) as made:
        made.inbox.directory = load_directory(tmp_path / "partnerships.toml")
        made.inbox.entry_addresses = Addresses("https://instap.example", "InstapBot")
        yield made


async def test_jan_sees_every_entry_point_with_its_three_links(site: Site) -> None:
    await site.login(site.jan)
    status, queue = await site.page("/inbox")
    assert 'href="/inbox/posters"' in queue
    status, page = await site.page("/inbox/posters")
    assert status == 200
    assert "Affiche OCMW Maaseik" in page and "Kaartje VDAB-consulent" in page
    poster = page.split('id="poster-ocmw-maaseik"', 1)[1].split("</section>", 1)[0]
    urls = [html.unescape(u) for u in re.findall(r'class="url" href="([^"]+)"', poster)]
    assert urls == [WEB, TELEGRAM, WHATSAPP]
    assert 'href="/inbox/posters/ocmw-maaseik/print"' in poster


@pytest.mark.parametrize(("channel", "url"), [("web", WEB), ("telegram", TELEGRAM), ("whatsapp", WHATSAPP)])  # fmt: skip
async def test_the_qr_codes_scan_back_to_the_link(site: Site, channel: str, url: str) -> None:
    await site.login(site.jan)
    png = await site.client.get(f"/inbox/posters/ocmw-maaseik/{channel}.png")
    assert png.status == 200 and png.content_type == "image/png"
    assert f'filename="instap-ocmw-maaseik-{channel}.png"' in png.headers["Content-Disposition"]
    assert png_text(await png.read()) == url
    svg = await site.client.get(f"/inbox/posters/ocmw-maaseik/{channel}.svg")
    assert svg.status == 200 and svg.content_type == "image/svg+xml"
    assert svg_text(await svg.read()) == url


async def test_the_printable_poster_speaks_to_the_youth(site: Site) -> None:
    await site.login(site.jan)
    status, page = await site.page("/inbox/posters/ocmw-maaseik/print")
    assert status == 200
    assert "Zoek je werk, een opleiding of wat hulp?" in page
    assert "Scan de code met de camera van je gsm." in page
    for channel in ("web", "telegram", "whatsapp"):
        assert f'src="/inbox/posters/ocmw-maaseik/{channel}.svg"' in page
    assert 'href="/inbox/static/poster.css"' in page


async def test_workers_and_other_partnerships_get_nothing(site: Site) -> None:
    await site.login(site.sara)  # a worker: 403, like the report
    status, page = await site.page("/inbox/posters")
    assert status == 403 and "Alleen coördinatoren" in page
    assert (await site.client.get("/inbox/posters/ocmw-maaseik/web.png")).status == 403
    _, queue = await site.page("/inbox")
    assert 'href="/inbox/posters"' not in queue
    site.client.session.cookie_jar.clear()
    await site.login(site.jan)
    assert (await site.client.get("/inbox/posters/nope/web.png")).status == 404
    assert (await site.client.get("/inbox/posters/ocmw-maaseik/fax.png")).status == 404


async def test_the_case_page_says_where_the_youth_came_from(site: Site) -> None:
    async with site.db.transaction() as session:
        youth = await youths.get_or_create(session, "web", "amir", "nl", utcnow())
        answers = {"name": "Amir", "entry_point": "ocmw-maaseik", "language": "nl"}
        case = await registrations.open_case(session, youth, "wam", answers, utcnow())
    await site.login(site.jan)
    _, page = await site.page(f"/inbox/cases/{case.id}")
    assert re.search(r"Via</dt>\s*<dd[^>]*>Affiche OCMW Maaseik", page), "Via: the poster"
