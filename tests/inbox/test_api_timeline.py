"""getTimeline by page: the newest 50 with a Link to the older page, backwards through a long
conversation with ties (none twice, none missing), `after` as before, and bad cursors."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import pytest
from aiohttp.test_utils import TestClient, TestServer

from storage.db import Database
from tests.inbox.test_api import Api, make_app, make_inbox
from tests.support.conversation import chat, timeline_keys
from tests.support.inbox import add_case, add_worker


@pytest.fixture
async def api(db: Database) -> AsyncIterator[Api]:
    inbox = make_inbox(db)
    async with TestClient(TestServer(make_app(db, inbox))) as client:
        yield Api(db, inbox, client)


NEXT = re.compile(r'^<(/api/cases/[0-9]+/timeline\?[^>]+)>; rel="next"$')


def keys(items: list[dict[str, object]]) -> list[str]:
    return [f"{i['kind']}-{i['id']}" for i in items]


def next_page(headers: dict[str, str]) -> str | None:
    link = headers.get("Link")
    if link is None:
        return None
    found = NEXT.match(link)
    assert found, link
    return found.group(1)


async def test_pages_backwards_through_a_long_conversation(api: Api) -> None:
    sara = await add_worker(api.db, "Sara")
    case_id = await add_case(api.db)
    everything = await chat(api.db, case_id, sara.id)

    first = await api.get(f"/api/cases/{case_id}/timeline", sara)
    assert first.status == 200 and keys(first.body) == everything[-50:]
    case = (await api.get(f"/api/cases/{case_id}", sara)).body
    assert keys(case["timeline"]) == everything[-50:]
    assert f"before={case['timeline_older']}" in (next_page(first.headers) or "")

    seen, url = keys(first.body), next_page(first.headers)
    while url is not None:
        page = await api.get(url, sara)
        assert page.status == 200 and 0 < len(page.body) <= 50
        seen, url = keys(page.body) + seen, next_page(page.headers)
    assert seen == everything

    small = await api.call("GET", f"/api/cases/{case_id}/timeline", sara, params={"limit": "7"})
    seen, url = keys(small.body), next_page(small.headers)
    assert len(seen) == 7 and url is not None and "limit=7" in url
    while url is not None:
        page = await api.get(url, sara)
        seen, url = keys(page.body) + seen, next_page(page.headers)
    assert seen == everything


async def test_after_keeps_its_meaning_and_bad_pages_are_refused(api: Api) -> None:
    sara = await add_worker(api.db, "Sara")
    tom = await add_worker(api.db, "Tom", partnership="samenwerkt")
    case_id = await add_case(api.db)
    everything = await chat(api.db, case_id, sara.id, messages=60)
    url = f"/api/cases/{case_id}/timeline"
    since = "2000-01-01T00:00:00Z"
    everything_after = await api.call("GET", url, sara, params={"after": since})
    assert keys(everything_after.body) == everything == await timeline_keys(api.db, case_id)
    assert "Link" not in everything_after.headers  # all of it, as before

    first = await api.get(url, sara)
    cursor = (next_page(first.headers) or "").split("before=")[1].split("&")[0]
    assert (await api.call("GET", url, tom, params={"before": cursor})).status == 404
    for params in (
        {"before": "abc"},
        {"before": "1-3-1"},
        {"before": ""},
        {"limit": "0"},
        {"limit": "201"},
        {"limit": "x"},
        {"before": cursor, "after": since},
    ):
        reply = await api.call("GET", url, sara, params=params)
        assert reply.status == 422, params
    assert len((await api.call("GET", url, sara, params={"limit": "200"})).body) == len(everything)
