"""GET /api/queue by page: a client reads every list to the end with `next`, filters and
searches as on the pages, and gets a problem for a cursor or filter it made up."""

from __future__ import annotations

import pytest

from tests.inbox.queue_population import add_youths
from tests.inbox.test_api import PROBLEM, Api, conforms
from tests.inbox.test_api import api as api  # the fixtures, used here too
from tests.inbox.test_api import quick_hashes as quick_hashes
from tests.support.inbox import add_case, add_worker


async def test_a_client_pages_through_every_list_with_next(api: Api) -> None:
    jan = await add_worker(api.db, "Jan", role="coordinator")
    ids = await add_youths(api.db, [f"Jongere{i:02d}" for i in range(23)])
    for case_id in ids[:7]:
        assert (await api.post(f"/api/cases/{case_id}/claim", jan)).status == 204
    waiting, mine, team, pages = [], [], [], 0
    params: dict[str, str] = {"limit": "5"}
    while True:
        reply = await api.call("GET", "/api/queue", jan, params=params)
        conforms("GET", "/api/queue", reply)
        body = reply.body
        pages += 1
        assert len(body["waiting"]) <= 5 and len(body["team"]) <= 5
        assert body["totals"] == {"waiting": 16, "mine": 7, "team": 23}
        waiting += [q["case"]["id"] for q in body["waiting"]]
        mine += [c["id"] for c in body["mine"]]
        team += [c["id"] for c in body["team"]]
        if body["next"] is None:
            break
        params = {"limit": "5", "cursor": body["next"]}
    assert waiting == ids[7:] and sorted(mine) == ids[:7] and team == ids and pages == 5


async def test_filters_and_search_in_the_api(api: Api) -> None:
    sara = await add_worker(api.db, "Sara")
    late = await add_youths(api.db, ["Yassin"], days_ago=14, chat_prefix="a")
    noor = await add_case(api.db)
    body = (await api.get("/api/queue?promise=late&municipality=Maasmechelen", sara)).body
    assert [q["case"]["id"] for q in body["waiting"]] == late and body["next"] is None
    assert body["waiting"][0]["promise"] == "late"
    body = (await api.get("/api/queue?q=yas", sara)).body
    assert [q["case"]["id"] for q in body["waiting"]] == late
    body = (await api.get(f"/api/queue?q=%23{noor}", sara)).body
    assert [q["case"]["id"] for q in body["waiting"]] == [noor] and body["totals"]["waiting"] == 1


@pytest.mark.parametrize(
    "query", ["cursor=nonsense", "cursor=e30", "limit=0", "limit=101", "status=closed", "flag=x"]
)
async def test_a_made_up_cursor_or_filter_is_a_problem(api: Api, query: str) -> None:
    sara = await add_worker(api.db, "Sara")
    reply = await api.get(f"/api/queue?{query}", sara)
    assert reply.status == 422 and reply.content_type == PROBLEM
