"""Many waiting youths at once for the queue's paging, filter and search tests."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from storage import registrations, youths
from storage.clock import utcnow
from storage.db import Database

ROW = re.compile(r'data-case="(\d+)"[^>]*data-kind="(\w+)"')


async def add_youths(
    db: Database,
    names: list[str],
    *,
    partnership: str = "wam",
    municipality: str = "Maasmechelen",
    days_ago: int = 0,
    chat_prefix: str = "q",
    channel: str = "telegram",
    minutes_ago: int | None = None,
) -> list[int]:
    """Waiting cases, one a minute apart (the first the oldest, `minutes_ago`, by default
    before any case made just now); their ids in that order."""
    back = len(names) + 1 if minutes_ago is None else minutes_ago
    start = utcnow() - timedelta(days=days_ago, minutes=back)
    ids = []
    async with db.transaction() as session:
        for i, name in enumerate(names):
            at: datetime = start + timedelta(minutes=i)
            youth = await youths.get_or_create(session, channel, f"{chat_prefix}{i}", "nl", at)
            youth.state = {"step": "done"}
            answers = {
                "name": name, "age": 19, "municipality": municipality, "needs": ["work"],
                "language": "nl",
            }  # fmt: skip
            case = await registrations.open_case(session, youth, partnership, answers, at)
            ids.append(case.id)
    return ids


def rows(page: str, kind: str) -> list[int]:
    """The case ids a rendered queue shows in one list, in order."""
    return [int(case) for case, of in ROW.findall(page) if of == kind]


def next_link(page: str, kind: str) -> str | None:
    """The "Volgende" link of one list (HTML-unescaped), if there is a next page."""
    section = re.search(rf'id="list-{kind}".*?(?:</section>)', page, re.S)
    assert section, f"no list {kind}"
    found = re.search(r'rel="next" href="([^"]+)"', section.group(0))
    return found.group(1).replace("&amp;", "&") if found else None
