"""A long conversation by page: Sara sees the newest 50, asks for the older ones 50 at a time
(a link that works without JavaScript, and the fragment the script prepends), none twice and
none missing across ties; the live refresh adds what a youth writes meanwhile, once; and the
case page runs the same statements for 12 messages as for 120."""

from __future__ import annotations

import html
import re
from collections.abc import AsyncIterator

import pytest

from storage.db import Database
from tests.inbox.test_pages import youth_says
from tests.support.conversation import chat, keys, statements, timeline_keys
from tests.support.inbox import add_worker
from tests.support.pages import Site, open_pages

OLDER = re.compile(r'<li class="older"><a href="(/inbox/cases/[0-9]+\?voor=[^"#]+)#timeline" '
                   r'data-fragment="([^"]+)">Oudere berichten tonen</a>')  # fmt: skip


@pytest.fixture
async def site(db: Database) -> AsyncIterator[Site]:
    async with open_pages(db) as made:
        await made.login(made.sara)
        yield made


def older_link(page: str) -> tuple[str, str] | None:
    """The "Oudere berichten tonen" link: (its address, the fragment the script loads)."""
    found = OLDER.search(page)
    return (html.unescape(found.group(1)), html.unescape(found.group(2))) if found else None


async def test_sara_reads_back_through_120_messages_50_at_a_time(site: Site) -> None:
    everything = await chat(site.db, site.noor, site.sara.id)
    assert len(everything) > 140  # 120 messages, 12 notes, 12 flags, the case's own events

    status, page = await site.page(f"/inbox/cases/{site.noor}")
    assert status == 200
    newest = keys(page)
    assert newest == everything[-50:]  # the newest at the bottom, as before
    assert "bericht 120" in page and "bericht 050" not in page
    assert 'data-fragment="/inbox/cases/' in page  # the live refresh stays on

    seen, link = list(newest), older_link(page)
    pages = 1
    while link is not None:
        address, fragment_url = link
        status, older = await site.page(address)  # without JavaScript: the page before
        assert status == 200 and "Naar de nieuwste berichten" in older
        status, fragment = await site.page(fragment_url)  # with it: the same items, prepended
        assert status == 200 and keys(fragment) == keys(older)
        assert older_link(fragment) == older_link(older)
        assert 0 < len(keys(older)) <= 50
        seen = keys(older) + seen
        link, pages = older_link(older), pages + 1
    assert pages == 3
    assert seen == everything  # none twice, none missing, in order
    assert len(set(seen)) == len(seen)


async def test_ties_of_a_message_a_flag_and_a_note_split_across_pages(site: Site) -> None:
    everything = await chat(site.db, site.noor, site.sara.id, messages=12)
    for size in (1, 2, 3, 5):  # every split through the items that share a second
        seen: list[str] = []
        shown = await site.inbox.timeline_page(site.sara, site.noor, limit=size)
        while True:
            seen = [f"{i.kind}-{i.id}" for i in shown.items] + seen
            if shown.older is None:
                break
            shown = await site.inbox.timeline_page(site.sara, site.noor, shown.older, size)
        assert seen == everything, size


async def test_a_youth_writing_while_sara_reads_appears_once(site: Site) -> None:
    everything = await chat(site.db, site.noor, site.sara.id)
    _, page = await site.page(f"/inbox/cases/{site.noor}")
    last_seen = re.findall(r'data-at="([^"]+)"', page)[-1]
    address, fragment_url = older_link(page) or ("", "")
    _, older = await site.page(fragment_url)

    await youth_says(site.db, "1", "Ben je er nog?")
    _, fresh = await site.page(f"/inbox/cases/{site.noor}/timeline?after={last_seen}")
    assert "Ben je er nog?" in fresh and len(keys(fresh)) == 1
    assert keys(fresh)[0] not in keys(page) + keys(older)
    _, again = await site.page(address)  # the older page is still the same page
    assert keys(again) == keys(older)
    assert (
        keys(older) + keys(page) + keys(fresh) == (await timeline_keys(site.db, site.noor))[-101:]
    )
    assert len(everything) + 1 == len(await timeline_keys(site.db, site.noor))


async def test_another_partnerships_case_and_a_broken_cursor(site: Site) -> None:
    await chat(site.db, site.noor, site.sara.id)
    _, page = await site.page(f"/inbox/cases/{site.noor}")
    address, _ = older_link(page) or ("", "")
    cursor = address.split("voor=")[1]
    for path in (
        f"/inbox/cases/{site.elsewhere}?voor={cursor}",
        f"/inbox/cases/{site.elsewhere}/timeline?voor={cursor}",
    ):
        assert (await site.page(path))[0] == 404, path
    for bad in ("abc", "1-9-1", "-1-0-1", "1-0-1-1", "9" * 30 + "-0-1"):
        assert (await site.page(f"/inbox/cases/{site.noor}?voor={bad}"))[0] == 400, bad
        assert (await site.page(f"/inbox/cases/{site.noor}/timeline?voor={bad}"))[0] == 400, bad


async def test_the_case_page_costs_the_same_for_12_or_120_messages_and_a_bigger_team(
    site: Site,
) -> None:
    await chat(site.db, site.noor, site.sara.id, messages=12)
    await site.page(f"/inbox/cases/{site.noor}")  # the visit is audited once, the first time
    with statements(site.db) as short:
        await site.page(f"/inbox/cases/{site.noor}")
    await chat(site.db, site.noor, site.sara.id, messages=108)
    for name in ("Ann", "Bo", "Cas"):  # the team grows too
        await add_worker(site.db, name)
    with statements(site.db) as long:
        status, page = await site.page(f"/inbox/cases/{site.noor}")
    assert status == 200 and len(keys(page)) == 50
    assert len(long) == len(short)
