"""A youth's name or message with a right-to-left override (U+202E) must not turn the
worker's page around: every piece of youth text sits in its own <bdi> or dir="auto" element,
and the character itself is kept (it may belong to a real Arabic or Hebrew name)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from html.parser import HTMLParser
from pathlib import Path

import pytest

from storage import casework, outbox
from storage.db import Database
from storage.models import Case, Worker, Youth
from tests.support.clock import Clock
from tests.support.inbox import add_case
from tests.support.site import Site, open_site

RLO = "\u202e"
NAME = f"Noor{RLO}gnoj"
MESSAGE = f"Hoi, ik ben het {RLO}tsop ni nej ed"


class Isolation(HTMLParser):
    """Each piece of text with U+202E, and whether its own element isolates it."""

    def __init__(self) -> None:
        super().__init__()
        self.open: list[tuple[str, bool]] = []
        self.found: list[tuple[str, bool]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ("br", "input", "meta", "link", "img", "hr"):
            self.open.append((tag, tag == "bdi" or "dir" in dict(attrs)))

    def handle_endtag(self, tag: str) -> None:
        while self.open and self.open.pop()[0] != tag:
            pass

    def handle_data(self, data: str) -> None:
        if RLO in data:
            tag, isolated = self.open[-1] if self.open else ("", False)
            self.found.append((f"<{tag}> {data.strip()!r}", isolated))


def texts_with_override(page: str) -> list[tuple[str, bool]]:
    parser = Isolation()
    parser.feed(page)
    return [found for found in parser.found if not found[0].startswith("<title>")]


@pytest.fixture
async def site(db: Database, tmp_path: Path) -> AsyncIterator[Site]:
    async with open_site(db, Clock(), tmp_path) as made:
        yield made


async def test_a_right_to_left_override_in_youth_text_is_isolated_on_every_page(
    site: Site,
) -> None:
    case_id = await add_case(site.db, NAME)
    waiting = await add_case(site.db, NAME, chat="2")
    async with site.db.transaction() as session:
        case = await session.get(Case, case_id)
        worker = await session.get(Worker, site.sara.id)
        assert case is not None and worker is not None
        youth = await session.get(Youth, case.youth_id)
        assert youth is not None
        await outbox.add_message(
            session, youth, direction="in", author="youth", text=MESSAGE, buttons=None,
            now=site.clock(), delivery="received",
        )  # fmt: skip
        case.status, case.worker_id = "active", site.sara.id
        await casework.add_note(session, case, worker, f"Belt {NAME} terug", site.clock())
    await site.login(site.sara)
    for path in ("/inbox", f"/inbox/cases/{case_id}", f"/inbox/cases/{waiting}",
                 f"/inbox/cases/{case_id}/timeline"):  # fmt: skip
        status, page = await site.page(path)
        assert status == 200, path
        found = texts_with_override(page)
        assert found, f"{path}: the youth's text is shown, override and all"
        loose = [text for text, isolated in found if not isolated]
        assert not loose, f"{path}: not isolated: {loose}"
