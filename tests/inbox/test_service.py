"""Inbox actions on a real database: claim, transfer, cover, absence, auto-assignment, replies."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import select

from core.bus import Bus
from core.i18n import Translator
from inbox.errors import Conflict, Forbidden, Invalid, NotFound
from inbox.service import Inbox
from storage import casework
from storage.clock import utcnow
from storage.db import Database
from storage.models import Case, Message, OutboxJob
from tests.support.dialog import directory
from tests.support.inbox import add_case, add_worker


def make_inbox(db: Database, **partnership_changes: object) -> Inbox:
    d = directory()
    if partnership_changes:
        wam = replace(d.partnership("wam"), **partnership_changes)  # type: ignore[arg-type]
        d = replace(d, partnerships=tuple(wam if p.id == "wam" else p for p in d.partnerships))
    return Inbox(db, d, Translator(), Bus(), lambda: None)


async def sent_texts(db: Database) -> list[str]:
    async with db.transaction() as session:
        query = select(Message).where(Message.direction == "out").order_by(Message.id)
        return [m.text for m in (await session.execute(query)).scalars()]


async def test_claim_reply_note_and_close(db: Database) -> None:
    inbox = make_inbox(db)
    sara = await add_worker(db, "Sara")
    case_id = await add_case(db)
    view = await inbox.queue(sara)
    assert [q.case.name for q in view.waiting] == ["Noor"]
    assert view.waiting[0].promise == "on_time"
    await inbox.claim(sara, case_id)
    view = await inbox.queue(sara)
    assert view.waiting == [] and [c.name for c in view.mine] == ["Noor"]
    await inbox.reply(sara, case_id, "Hoi Noor, ik ben Sara. Past dinsdag?", ref="r1")
    await inbox.reply(
        sara, case_id, "Hoi Noor, ik ben Sara. Past dinsdag?", ref="r1"
    )  # double submit
    assert await sent_texts(db) == ["Sara schrijft:\nHoi Noor, ik ben Sara. Past dinsdag?"]
    async with db.transaction() as session:
        jobs = list((await session.execute(select(OutboxJob))).scalars())
    assert len(jobs) == 1 and jobs[0].payload["chat_id"] == "1"
    await inbox.note(sara, case_id, "Belt liever niet; chat werkt goed.")
    with pytest.raises(Invalid, match="resultaat"):
        await inbox.set_status(sara, case_id, "closed", None)
    await inbox.set_status(sara, case_id, "closed", "work")
    detail = await inbox.case(sara, case_id)
    assert detail.case.status == "closed"
    kinds = [(i.kind, i.text) for i in detail.timeline]
    assert ("note", "Belt liever niet; chat werkt goed.") in kinds
    assert ("event", "claimed") in kinds and ("event", "status") in kinds
    with pytest.raises(Conflict):
        await inbox.reply(sara, case_id, "nog iets")


@pytest.mark.parametrize("text", ["", "   ", "x" * 4001])
async def test_empty_and_overlong_replies_are_refused(db: Database, text: str) -> None:
    inbox = make_inbox(db)
    sara = await add_worker(db, "Sara")
    case_id = await add_case(db)
    with pytest.raises(Invalid):
        await inbox.reply(sara, case_id, text)
    assert await sent_texts(db) == []


async def test_two_workers_claim_at_once_one_wins(db: Database) -> None:
    inbox = make_inbox(db)
    sara, tom = await add_worker(db, "Sara"), await add_worker(db, "Tom")
    for round_ in range(20):
        case_id = await add_case(db, chat=str(100 + round_))
        results = await asyncio.gather(
            inbox.claim(sara, case_id), inbox.claim(tom, case_id), return_exceptions=True
        )
        assert sorted(type(r).__name__ for r in results) == ["Conflict", "NoneType"]
        loser = next(r for r in results if isinstance(r, Conflict))
        assert "heeft deze aanmelding al genomen" in str(loser)


async def test_transfer_tells_the_youth_who_takes_over(db: Database) -> None:
    inbox = make_inbox(db)
    sara, tom = await add_worker(db, "Sara"), await add_worker(db, "Tom")
    case_id = await add_case(db)
    await inbox.claim(tom, case_id)
    await inbox.assign(tom, case_id, sara.id)
    assert await sent_texts(db) == [
        "Sara neemt het nu over van Tom. Je kunt gewoon hier blijven schrijven."
    ]
    with pytest.raises(Forbidden):
        await inbox.reply(tom, case_id, "nog even ik")


async def test_assigning_to_another_partnership_is_refused(db: Database) -> None:
    inbox = make_inbox(db)
    jan = await add_worker(db, "Jan", role="coordinator")
    lien = await add_worker(db, "Lien", partnership="samenwerkt")
    case_id = await add_case(db)
    with pytest.raises(NotFound):
        await inbox.assign(jan, case_id, lien.id)
    with pytest.raises(NotFound):
        await inbox.case(lien, case_id)
    with pytest.raises(NotFound):
        await inbox.claim(lien, case_id)


async def test_a_cover_answers_while_the_worker_is_absent(db: Database) -> None:
    inbox = make_inbox(db)
    sara, tom = await add_worker(db, "Sara"), await add_worker(db, "Tom")
    case_id = await add_case(db)
    await inbox.claim(sara, case_id)
    await inbox.set_presence(sara, sara.id, True, tom.id)
    assert await sent_texts(db) == ["Sara is even afwezig. Tom leest en antwoordt intussen."]
    assert [c.id for c in (await inbox.queue(tom)).mine] == [case_id]  # Tom sees it
    detail = await inbox.case(tom, case_id)
    assert detail.answering is not None and detail.answering.first_name == "Tom"


async def test_an_absent_worker_without_cover_frees_their_cases(db: Database) -> None:
    inbox = make_inbox(db)
    sara = await add_worker(db, "Sara")
    case_id = await add_case(db)
    await inbox.claim(sara, case_id)
    await inbox.set_presence(sara, sara.id, True, None)
    assert [q.case.id for q in (await inbox.queue(sara)).waiting] == [case_id]


async def test_auto_assignment_is_fair_and_skips_the_absent(db: Database) -> None:
    inbox = make_inbox(db, auto_assign=True)
    sara = await add_worker(db, "Sara", capacity=3)
    tom = await add_worker(db, "Tom", capacity=3)
    lien = await add_worker(db, "Lien", capacity=3)
    await inbox.set_presence(lien, lien.id, True, None)
    for i in range(8):
        await add_case(db, chat=str(200 + i))
    assert await inbox.auto_assign("wam") == 6
    async with db.transaction() as session:
        load = await casework.open_load(session, "wam")
    assert load == {sara.id: 3, tom.id: 3}
    assert len((await inbox.queue(sara)).waiting) == 2  # nobody has room: they wait


async def test_waiting_time_against_the_promise(db: Database) -> None:
    inbox = make_inbox(db)
    sara = await add_worker(db, "Sara")
    case_id = await add_case(db)
    async with db.transaction() as session:
        case = await session.get(Case, case_id)
        assert case is not None
        case.created_at = utcnow() - timedelta(days=10)
    assert (await inbox.queue(sara)).waiting[0].promise == "late"


async def test_every_read_of_a_case_is_audited(db: Database) -> None:
    inbox = make_inbox(db)
    sara = await add_worker(db, "Sara")
    jan = await add_worker(db, "Jan", role="coordinator")
    case_id = await add_case(db)
    await inbox.case(sara, case_id)
    await inbox.claim(sara, case_id)
    trail = await inbox.audit_trail(jan, case_id)
    assert {(action, who) for _, action, who in trail} >= {
        ("view_case", "Sara Peeters"),
        ("claim", "Sara Peeters"),
    }
    with pytest.raises(Forbidden):
        await inbox.audit_trail(sara, case_id)


async def test_a_closed_case_reopens_when_the_youth_writes_again(db: Database) -> None:
    inbox = make_inbox(db)
    sara = await add_worker(db, "Sara")
    case_id = await add_case(db)
    await inbox.claim(sara, case_id)
    await inbox.set_status(sara, case_id, "closed", "training")
    async with db.transaction() as session:
        case = await casework.case_in(session, "wam", case_id)
        assert case is not None
        reopened = await casework.youth_wrote(session, case.youth_id, utcnow())
        assert (
            reopened is not None and reopened.status == "active" and reopened.worker_id == sara.id
        )
    await inbox.set_status(sara, case_id, "closed", "moved")
    await inbox.set_presence(sara, sara.id, True, None)  # Sara is away now, nobody covers
    async with db.transaction() as session:
        case = await casework.case_in(session, "wam", case_id)
        assert case is not None
        reopened = await casework.youth_wrote(session, case.youth_id, utcnow())
        assert reopened is not None and reopened.status == "waiting" and reopened.worker_id is None


async def test_the_cover_may_reply_while_the_worker_is_away(db: Database) -> None:
    inbox = make_inbox(db)
    sara, tom = await add_worker(db, "Sara"), await add_worker(db, "Tom")
    case_id = await add_case(db)
    await inbox.claim(tom, case_id)
    await inbox.set_presence(tom, tom.id, True, sara.id)
    await inbox.reply(sara, case_id, "Hoi Noor, ik ben Sara en ik vervang Tom even.")
    assert (await sent_texts(db))[-1].startswith("Sara schrijft:")
