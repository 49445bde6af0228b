"""The queue by page, as workers use it on a real database (SQLite and PostgreSQL): paging
through the waiting list without seeing a youth twice or missing one, the live fragment that
keeps the page and filters, a coordinator's filters and search, and another partnership's
cases that no page, filter or search ever shows."""

from __future__ import annotations

import html
import re
from collections.abc import AsyncIterator
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from inbox.service.queue import promise_range
from storage import casework, outbox
from storage.db import Database
from storage.models import Case, Youth
from tests.inbox.queue_population import add_youths, next_link, rows
from tests.support.pages import Site, open_pages


@pytest.fixture
async def site(db: Database) -> AsyncIterator[Site]:
    async with open_pages(db) as made:
        yield made


def path_of(link: str) -> str:
    """A link of the queue page (`?…#list-…`) as a path to ask for."""
    link = link.split("#")[0]
    return "/inbox" + link if link.startswith("?") else link


async def test_a_worker_pages_through_60_waiting_youths_none_twice_none_missing(
    site: Site,
) -> None:
    names = [f"Jongere{i:02d}" for i in range(60)]
    ids = [*await add_youths(site.db, names), site.noor]  # the 60 came in before Noor
    await site.login(site.sara)
    _, page = await site.page("/inbox")
    assert rows(page, "waiting") == ids[:25]
    assert "25 van 61 getoond" in page and '<span class="count">61</span>' in page
    seen = rows(page, "waiting")
    link = next_link(page, "waiting")
    late = await add_youths(
        site.db, ["Laatkomer"], chat_prefix="late", minutes_ago=0
    )  # arrives in between
    while link:
        _, page = await site.page(path_of(link))
        assert "Naar het begin" in page
        seen += rows(page, "waiting")
        link = next_link(page, "waiting")
    assert len(seen) == len(set(seen)) and seen == [*ids, *late]


async def test_the_live_fragment_refreshes_the_page_the_worker_is_on(site: Site) -> None:
    ids = [*await add_youths(site.db, [f"Jongere{i:02d}" for i in range(30)]), site.noor]
    await site.login(site.sara)
    _, first = await site.page("/inbox?municipality=Maasmechelen")
    _, second = await site.page(path_of(next_link(first, "waiting") or ""))
    fragment = html.unescape(re.findall(r'data-fragment="([^"]+)"', second)[0])
    assert "municipality=Maasmechelen" in fragment and "wachtend=" in fragment
    _, refreshed = await site.page(fragment)
    assert "<html" not in refreshed and rows(refreshed, "waiting") == ids[25:]


async def test_a_coordinator_filters_on_place_and_late_and_searches(site: Site) -> None:
    late_there = await add_youths(site.db, ["Yassin", "Yara"], days_ago=14, chat_prefix="a")
    await add_youths(site.db, ["Lotte"], municipality="Lanaken", days_ago=14, chat_prefix="b")
    fresh = await add_youths(site.db, ["Ymke"], chat_prefix="c")  # today: on time
    await site.login(site.jan)
    _, page = await site.page("/inbox?municipality=Maasmechelen&promise=late")
    assert rows(page, "waiting") == late_there and rows(page, "team") == late_there
    assert "te laat" in page and "selected>Maasmechelen</option>" in page
    assert '<details class="filters" open>' in page  # the filters a coordinator set stay open

    _, page = await site.page("/inbox?q=yas")
    assert rows(page, "waiting") == late_there[:1] and "Yassin" in page and "Yara" not in page
    _, page = await site.page(f"/inbox?q=%23{fresh[0]}")
    assert rows(page, "waiting") == fresh
    _, page = await site.page("/inbox?q=Niemand")
    assert rows(page, "waiting") == [] and "Niemand die past bij wat je zoekt." in page


async def test_a_coordinator_finds_the_youth_who_wrote_about_a_driving_licence(site: Site) -> None:
    """Jan remembers what was written, not the name: "die jongen van het rijbewijs"."""
    yassin, yara = await add_youths(site.db, ["Yassin", "Yara"], chat_prefix="r")
    async with site.db.transaction() as session:
        for case_id, text in ((yassin, "Ik wil mijn rijbewijs halen"), (yara, "Ik zoek werk")):
            case = await session.get(Case, case_id)
            assert case is not None
            youth = await session.get(Youth, case.youth_id)
            assert youth is not None
            await outbox.add_message(
                session, youth, direction="in", author="youth", text=text, buttons=None,
                now=case.created_at,
            )  # fmt: skip
    await site.login(site.jan)
    _, page = await site.page("/inbox?q=rijbew")  # the start of a word is enough
    assert rows(page, "waiting") == [yassin] and rows(page, "team") == [yassin]
    _, page = await site.page("/inbox?q=RIJBEWIJS+halen")  # every word, any case
    assert rows(page, "waiting") == [yassin]
    _, page = await site.page("/inbox?q=rijbewijs+werk")  # not in one message: nobody
    assert rows(page, "waiting") == []


async def test_filters_on_status_flag_need_channel_and_worker(site: Site) -> None:
    on_whatsapp = await add_youths(site.db, ["Wout"], channel="whatsapp", chat_prefix="w")
    await site.inbox.claim(site.sara, site.noor)
    async with site.db.transaction() as session:
        case = await session.get(Case, site.noor)
        assert case is not None
        case.urgent = True
    await site.login(site.jan)
    _, page = await site.page("/inbox?channel=whatsapp")
    assert rows(page, "waiting") == on_whatsapp and rows(page, "team") == on_whatsapp
    _, page = await site.page("/inbox?flag=dringend")
    assert rows(page, "team") == [site.noor] and rows(page, "waiting") == []
    _, page = await site.page(f"/inbox?worker={site.sara.id}&status=active&need=work")
    assert rows(page, "team") == [site.noor]
    _, page = await site.page("/inbox?need=housing")
    assert rows(page, "team") == []
    _, page = await site.page("/inbox?flag=nonsense&wachtend=garbage")  # left out, not a crash
    assert rows(page, "team") == [site.noor, *on_whatsapp]  # urgent first


async def test_my_unread_count_comes_from_every_case_not_the_page(site: Site) -> None:
    mine = await add_youths(site.db, [f"Jongere{i:02d}" for i in range(30)])
    for case_id in mine:
        await site.inbox.claim(site.sara, case_id)
    async with site.db.transaction() as session:
        for case_id in mine:
            case = await casework.case_in(session, "wam", case_id)
            assert case is not None
            case.unread = 2
    await site.login(site.sara)
    _, page = await site.page("/inbox")
    assert len(rows(page, "mine")) == 25 and "60 nieuw" in page and 'data-unread="60"' in page


async def test_no_page_filter_or_search_shows_another_partnerships_case(site: Site) -> None:
    theirs = await add_youths(site.db, ["Yassin"] * 30, partnership="samenwerkt", chat_prefix="s")
    await site.login(site.jan)
    for query in ("", "?q=yas", f"?q=%23{theirs[0]}", f"?q={site.elsewhere}", "?promise=late",
                  "?municipality=Maasmechelen", f"?worker={site.tom.id}"):  # fmt: skip
        _, page = await site.page(f"/inbox{query}")
        shown = {*rows(page, "waiting"), *rows(page, "team"), *rows(page, "mine")}
        assert not shown & {*theirs, site.elsewhere}, query
        assert "Yassin" not in page and "Lina" not in page


def test_waiting_against_the_promise_is_a_range_of_days() -> None:
    """Two working days: on Wednesday 9 December, Monday's youth is almost late (answer
    today), Sunday's is late (the weekend counts from Monday); on a Monday, last Thursday's
    youth is almost late."""
    tz = ZoneInfo("Europe/Brussels")
    wednesday = date(2026, 12, 9)
    late = promise_range("late", wednesday, 2, tz)
    almost = promise_range("almost_late", wednesday, 2, tz)
    assert late == (None, datetime(2026, 12, 7, tzinfo=tz))  # up to Sunday 6 December
    assert almost == (datetime(2026, 12, 7, tzinfo=tz), datetime(2026, 12, 8, tzinfo=tz))
    monday = promise_range("almost_late", date(2026, 12, 7), 2, tz)
    assert monday == (datetime(2026, 12, 3, tzinfo=tz), datetime(2026, 12, 4, tzinfo=tz))
