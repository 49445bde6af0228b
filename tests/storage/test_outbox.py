"""The outbox: one youth's deliveries go out in order, each claimed by one sender only."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

from sqlalchemy import select, text

from storage import outbox, youths
from storage.clock import utcnow
from storage.db import Database
from storage.models import Message, OutboxJob, Youth
from storage.outbox import Job

CHANNELS = {"telegram", "web"}


async def youth_with_messages(
    db: Database,
    user_id: str,
    texts: list[str],
    now: datetime,
    *,
    channel: str = "telegram",
    not_before: datetime | None = None,
) -> tuple[int, list[int]]:
    """A youth (created if new) and one outbox job per text; returns (youth id, job ids).

    `not_before` delays the first of these jobs (as if it was enqueued for later).
    """
    async with db.transaction() as session:
        youth = await youths.get_or_create(session, channel, user_id, "nl", now)
        for i, body in enumerate(texts):
            when = not_before if i == 0 and not_before is not None else now
            message = await outbox.add_message(
                session, youth, direction="out", author="bot", text=body, buttons=None, now=when
            )
            payload = {"chat_id": user_id, "text": body, "buttons": []}
            await outbox.enqueue(session, youth, "message", payload, when, message)
        youth_id = youth.id
    async with db.sessions() as session:
        stmt = select(OutboxJob.id).where(OutboxJob.youth_id == youth_id).order_by(OutboxJob.id)
        job_ids = list((await session.execute(stmt)).scalars())
    return youth_id, job_ids[-len(texts) :]


async def claim(db: Database, now: datetime, limit: int = 50) -> list[Job]:
    async with db.transaction() as session:
        return await outbox.claim(session, now, CHANNELS, limit)


async def sent(db: Database, job: Job, now: datetime, channel_id: str | None = None) -> None:
    async with db.transaction() as session:
        await outbox.mark_sent(session, job, channel_id, now)


async def load_job(db: Database, job_id: int) -> OutboxJob:
    async with db.sessions() as session:
        job = await session.get(OutboxJob, job_id)
        assert job is not None
        return job


async def test_claim_returns_only_the_head_of_each_youth(db: Database) -> None:
    now = utcnow()
    noor, noor_jobs = await youth_with_messages(db, "4242", ["Hoi Noor!", "Hoe oud ben je?"], now)
    sam, sam_jobs = await youth_with_messages(db, "5151", ["Hoi Sam!", "Waar woon je?"], now)
    _, (noor_third,) = await youth_with_messages(db, "4242", ["Welke gemeente?"], now)
    assert noor_third > sam_jobs[-1]  # enqueued after Sam's: still behind Noor's others

    first = await claim(db, now)
    assert [(j.youth_id, j.id) for j in first] == [(noor, noor_jobs[0]), (sam, sam_jobs[0])]
    assert [j.payload["text"] for j in first] == ["Hoi Noor!", "Hoi Sam!"]
    assert all(j.attempts == 1 and j.channel == "telegram" and j.kind == "message" for j in first)
    # While the heads are out (leased), nothing behind them is due.
    assert await claim(db, now) == []

    # Noor's head is delivered, Sam's not yet: only Noor moves on.
    await sent(db, first[0], now)
    assert [j.id for j in await claim(db, now)] == [noor_jobs[1]]

    # Noor's second job is out now; her third waits behind it, Sam's head is still out.
    assert await claim(db, now) == []
    async with db.sessions() as session:
        stmt = select(OutboxJob.status).where(OutboxJob.youth_id == noor).order_by(OutboxJob.id)
        assert list((await session.execute(stmt)).scalars()) == ["sent", "sending", "pending"]


async def test_one_youths_jobs_are_claimed_strictly_in_enqueue_order(db: Database) -> None:
    now = utcnow()
    texts = [f"bericht {i}" for i in range(6)]
    noor, noor_jobs = await youth_with_messages(db, "4242", texts, now)
    sam, sam_jobs = await youth_with_messages(db, "5151", texts[:3], now)

    seen: dict[int, list[int]] = {}
    while claimed := await claim(db, now):
        assert len({j.youth_id for j in claimed}) == len(claimed)  # one per youth
        for job in claimed:
            seen.setdefault(job.youth_id, []).append(job.id)
            await sent(db, job, now)
    assert seen == {noor: noor_jobs, sam: sam_jobs}


async def test_a_job_due_later_blocks_its_youth_but_not_others(db: Database) -> None:
    now = utcnow()
    later = now + timedelta(minutes=5)
    noor, noor_jobs = await youth_with_messages(
        db, "4242", ["herinnering", "daarna"], now, not_before=later
    )
    sam, sam_jobs = await youth_with_messages(db, "5151", ["Hoi Sam!"], now)

    (sam_job,) = await claim(db, now)
    assert (sam_job.youth_id, sam_job.id) == (sam, sam_jobs[0])
    await sent(db, sam_job, now)
    assert await claim(db, later - timedelta(seconds=1)) == []

    due = await claim(db, later)
    assert [(j.youth_id, j.id) for j in due] == [(noor, noor_jobs[0])]
    await sent(db, due[0], later)
    assert [j.id for j in await claim(db, later)] == [noor_jobs[1]]


async def test_an_expired_lease_can_be_claimed_again(db: Database) -> None:
    now = utcnow()
    _, (job_id,) = await youth_with_messages(db, "4242", ["Hoi Noor!"], now)

    (first,) = await claim(db, now)
    stored = await load_job(db, job_id)
    assert stored.status == "sending"
    assert stored.claimed_until == now + outbox.LEASE
    assert await claim(db, now + outbox.LEASE - timedelta(seconds=1)) == []
    assert await claim(db, now + outbox.LEASE) == []  # the lease runs up to and including

    # The sender that claimed it died: after the lease another one takes it over.
    retaken = now + outbox.LEASE + timedelta(seconds=1)
    (again,) = await claim(db, retaken)
    assert again.id == first.id
    assert again.attempts == 2
    assert (await load_job(db, job_id)).claimed_until == retaken + outbox.LEASE


async def test_release_all_claims_frees_what_a_dead_process_left(db: Database) -> None:
    now = utcnow()
    await youth_with_messages(db, "4242", ["Hoi Noor!"], now)
    (first,) = await claim(db, now)
    async with db.transaction() as session:
        await outbox.release_all_claims(session)
    (again,) = await claim(db, now)
    assert again.id == first.id


async def test_claim_only_takes_jobs_of_the_given_channels(db: Database) -> None:
    now = utcnow()
    _, web_jobs = await youth_with_messages(db, "noor-web", ["Hoi!"], now, channel="web")
    _, tg_jobs = await youth_with_messages(db, "4242", ["Hoi!"], now)
    async with db.transaction() as session:
        assert [j.id for j in await outbox.claim(session, now, {"web"})] == web_jobs
    async with db.transaction() as session:
        assert [j.id for j in await outbox.claim(session, now, {"telegram"})] == tg_jobs
    async with db.transaction() as session:
        assert await outbox.claim(session, now, {"whatsapp"}) == []


async def test_two_concurrent_claimers_never_claim_the_same_job(db: Database) -> None:
    # On PostgreSQL both transactions are open, and both hold their locks, while the other
    # claims: that is FOR UPDATE SKIP LOCKED's job. SQLite's single writer serialises them
    # (waiting at a barrier inside BEGIN IMMEDIATE would deadlock, so it does not wait).
    now = utcnow()  # fixed: leases from earlier rounds never run out during the test
    for round_no in range(50):
        heads: list[int] = []
        for n in range(4):
            _, job_ids = await youth_with_messages(
                db, f"r{round_no}-y{n}", ["eerste", "tweede"], now
            )
            heads.append(job_ids[0])
        before, after = asyncio.Barrier(2), asyncio.Barrier(2)

        async def claimer(before: asyncio.Barrier, after: asyncio.Barrier) -> list[Job]:
            async with db.transaction() as session:
                if not db.is_sqlite:
                    await session.execute(text("SELECT 1"))
                    await before.wait()
                jobs = await outbox.claim(session, now, CHANNELS, limit=2)
                if not db.is_sqlite:
                    await session.flush()
                    await after.wait()
                return jobs

        a, b = await asyncio.wait_for(
            asyncio.gather(claimer(before, after), claimer(before, after)), timeout=60
        )
        a_ids, b_ids = {j.id for j in a}, {j.id for j in b}
        assert not a_ids & b_ids, f"round {round_no}: both claimed {a_ids & b_ids}"
        assert sorted(a_ids | b_ids) == heads, f"round {round_no}: {a_ids}, {b_ids}"

    async with db.sessions() as session:
        stmt = select(OutboxJob.attempts).where(OutboxJob.status == "sending")
        attempts = list((await session.execute(stmt)).scalars())
    assert len(attempts) == 200
    assert set(attempts) == {1}


async def test_mark_sent_records_delivery_on_the_message(db: Database) -> None:
    now = utcnow()
    _, (job_id,) = await youth_with_messages(db, "4242", ["Hoi Noor!"], now)
    (job,) = await claim(db, now)
    assert job.message_id is not None
    await sent(db, job, now + timedelta(seconds=2), "1337")

    stored = await load_job(db, job_id)
    assert stored.status == "sent"
    assert stored.sent_at == now + timedelta(seconds=2)
    async with db.sessions() as session:
        message = await session.get(Message, job.message_id)
        assert message is not None
        assert message.delivery == "sent"
        assert message.channel_message_id == "1337"
        assert message.text == "Hoi Noor!"


async def test_mark_sent_of_a_job_without_message(db: Database) -> None:
    now = utcnow()
    async with db.transaction() as session:
        youth = await youths.get_or_create(session, "telegram", "4242", "nl", now)
        await outbox.enqueue(session, youth, "callback_answer", {"callback_id": "cb1"}, now)
    (job,) = await claim(db, now)
    assert job.message_id is None
    assert job.payload == {"callback_id": "cb1"}
    await sent(db, job, now)
    assert (await load_job(db, job.id)).status == "sent"


async def test_mark_failed_unreachable_marks_the_youth(db: Database) -> None:
    now = utcnow()
    noor, _ = await youth_with_messages(db, "4242", ["Hoi Noor!"], now)
    sam, _ = await youth_with_messages(db, "5151", ["Hoi Sam!"], now)
    noor_job, sam_job = await claim(db, now)
    async with db.transaction() as session:
        await outbox.mark_failed(session, noor_job, "Forbidden: bot was blocked", unreachable=True)
        await outbox.mark_failed(session, sam_job, "Bad Request: text is empty", unreachable=False)

    async with db.sessions() as session:
        noor_youth = await session.get(Youth, noor)
        sam_youth = await session.get(Youth, sam)
        assert noor_youth is not None and noor_youth.unreachable is True
        assert sam_youth is not None and sam_youth.unreachable is False
        for job in (noor_job, sam_job):
            stored = await session.get(OutboxJob, job.id)
            assert stored is not None and stored.status == "failed"
            message = await session.get(Message, job.message_id)
            assert message is not None and message.delivery == "failed"
        stored_noor = await session.get(OutboxJob, noor_job.id)
        assert stored_noor is not None
        assert stored_noor.last_error == "Forbidden: bot was blocked"
    # A failed job no longer holds up the youth's queue.
    assert await claim(db, now) == []


async def test_retry_at_reschedules_and_counts_timeouts(db: Database) -> None:
    now = utcnow()
    _, (job_id,) = await youth_with_messages(db, "4242", ["Hoi Noor!"], now)

    (job,) = await claim(db, now)
    wait = now + timedelta(seconds=10)
    async with db.transaction() as session:
        await outbox.retry_at(session, job, wait, "Timed out", timed_out=True)
    stored = await load_job(db, job_id)
    assert (stored.status, stored.timeouts, stored.not_before) == ("pending", 1, wait)
    assert stored.last_error == "Timed out"
    assert await claim(db, wait - timedelta(seconds=1)) == []

    (job,) = await claim(db, wait)
    assert job.attempts == 2
    async with db.transaction() as session:
        await outbox.retry_at(session, job, wait, "Timed out", timed_out=True)
    assert (await load_job(db, job_id)).timeouts == 2

    (job,) = await claim(db, wait)
    async with db.transaction() as session:
        await outbox.retry_at(session, job, wait, "502 Bad Gateway")
    stored = await load_job(db, job_id)
    assert (stored.timeouts, stored.last_error, stored.attempts) == (2, "502 Bad Gateway", 3)
