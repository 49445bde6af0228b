"""Claims with a heartbeat: a sender's lease is short and renewed; a dead sender's jobs are
taken over once it lapses, and a job it was calling the channel for is counted as a possible
duplicate. Two senders, "a" and "b", on one database."""

from __future__ import annotations

from datetime import datetime, timedelta

from storage import outbox
from storage.clock import utcnow
from storage.db import Database
from storage.outbox import LEASE, Job
from tests.storage.test_outbox import CHANNELS, load_job, sent, youth_with_messages

SECOND = timedelta(seconds=1)


async def claim_as(db: Database, owner: str, now: datetime) -> list[Job]:
    async with db.transaction() as session:
        return await outbox.claim(session, now, CHANNELS, owner=owner)


async def renew_as(db: Database, owner: str, ids: list[int], now: datetime) -> set[int]:
    async with db.transaction() as session:
        return await outbox.renew(session, owner, ids, now)


async def calls(db: Database, job: Job, now: datetime) -> bool:
    async with db.transaction() as session:
        return await outbox.calling(session, job, now)


async def duplicates(db: Database) -> int:
    async with db.sessions() as session:
        return await outbox.duplicates(session)


async def test_a_renewed_lease_keeps_the_job_with_its_sender(db: Database) -> None:
    now = utcnow()
    _, jobs = await youth_with_messages(db, "4242", ["Hoi Noor!"], now)
    _, more = await youth_with_messages(db, "5151", ["Hoi Sam!"], now)
    claimed = await claim_as(db, "a", now)
    assert [(j.id, j.owner) for j in claimed] == [(jobs[0], "a"), (more[0], "a")]
    assert (await load_job(db, jobs[0])).claimed_by == "a"

    # Every RENEW, one statement for all of a's jobs in flight.
    beat = now + outbox.RENEW
    assert await renew_as(db, "a", [jobs[0], more[0]], beat) == {jobs[0], more[0]}
    assert (await load_job(db, jobs[0])).claimed_until == beat + LEASE
    # Past the first lease, b finds nothing to take: a is alive.
    assert await claim_as(db, "b", now + LEASE + SECOND) == []
    # b cannot renew what a holds.
    assert await renew_as(db, "b", [jobs[0]], beat) == set()
    assert (await load_job(db, jobs[0])).claimed_until == beat + LEASE


async def test_a_lapsed_lease_is_taken_over_and_the_old_sender_may_no_longer_send(
    db: Database,
) -> None:
    now = utcnow()
    _, (job_id,) = await youth_with_messages(db, "4242", ["Hoi Noor!"], now)
    (old,) = await claim_as(db, "a", now)

    # a stopped renewing (dead, or its database connection down): after the lease, b has it.
    later = now + LEASE + SECOND
    (new,) = await claim_as(db, "b", later)
    assert (new.id, new.owner, new.attempts) == (job_id, "b", 2)
    # a's heartbeat, back, learns that it lost the job; a may not call the channel for it.
    assert await renew_as(db, "a", [job_id], later) == set()
    assert not await calls(db, old, later)
    # Nor does a late result of a overwrite b's: b records its own.
    async with db.transaction() as session:
        await outbox.retry_at(session, old, later, "timed out", timed_out=True)
    stored = await load_job(db, job_id)
    assert (stored.status, stored.claimed_by, stored.timeouts) == ("sending", "b", 0)
    assert await calls(db, new, later)
    await sent(db, new, later)
    assert (await load_job(db, job_id)).status == "sent"
    assert await duplicates(db) == 0  # a never called the channel: no message can be doubled


async def test_a_sender_does_not_call_the_channel_once_its_own_lease_ran_out(
    db: Database,
) -> None:
    now = utcnow()
    _, (job_id,) = await youth_with_messages(db, "4242", ["Hoi Noor!"], now)
    (job,) = await claim_as(db, "a", now)
    assert not await calls(db, job, now + LEASE)  # the renewals failed: too late
    assert await calls(db, job, now + LEASE - SECOND)  # still in time: recorded, lease renewed
    stored = await load_job(db, job_id)
    assert stored.called_at == now + LEASE - SECOND
    assert stored.claimed_until == now + 2 * LEASE - SECOND


async def test_a_job_taken_over_while_it_was_being_sent_counts_as_a_possible_duplicate(
    db: Database,
) -> None:
    now = utcnow()
    _, (noor_job,) = await youth_with_messages(db, "4242", ["Hoi Noor!"], now)
    _, (sam_job,) = await youth_with_messages(db, "5151", ["Hoi Sam!"], now)
    noor, _sam = await claim_as(db, "a", now)
    # a recorded that it calls the channel for Noor's message, then died before the result.
    assert await calls(db, noor, now)
    assert await duplicates(db) == 0

    later = now + LEASE + SECOND
    taken = await claim_as(db, "b", later)
    assert {j.id for j in taken} == {noor_job, sam_job}
    assert await duplicates(db) == 1  # Noor's may have arrived; Sam's was never sent
    assert (await load_job(db, noor_job)).called_at is None  # b's own call is not made yet
    for job in taken:
        assert await calls(db, job, later)
        await sent(db, job, later)

    # The counter only grows: the next crash adds to it.
    _, (third,) = await youth_with_messages(db, "4242", ["Tot zo"], later)
    (job,) = await claim_as(db, "b", later)
    assert await calls(db, job, later)
    async with db.transaction() as session:
        await outbox.release_all_claims(session)  # SQLite's restart of the one instance
    assert await duplicates(db) == 2
    (again,) = await claim_as(db, "c", later)
    assert again.id == third
    assert await duplicates(db) == 2  # released already: not counted twice
