"""The sender's heartbeat: it keeps its jobs in flight while a call takes long, never sends a
job whose lease it could not renew, and another sender takes over a dead one's jobs (a real
database on each backend; only the channel is a stand-in)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

import pytest

from bot.channels.base import Delivered
from bot.channels.sender import Sender
from core.outgoing import Outgoing
from storage import outbox
from storage.db import Database
from storage.outbox import LEASE
from tests.support.clock import Clock
from tests.test_sender import FakeChannel, drain, fast_sender, job_row, youth_says


@dataclass
class SlowChannel(FakeChannel):
    """A channel whose calls hang until the test lets them through (`gate`)."""

    called: asyncio.Event = field(default_factory=asyncio.Event)
    gate: asyncio.Event = field(default_factory=asyncio.Event)

    async def send(self, message: Outgoing, timeline_id: int | None) -> Delivered:
        self.called.set()
        await self.gate.wait()
        return await super().send(message, timeline_id)


async def until(condition: Callable[[], Awaitable[bool]], what: str) -> None:
    """Wait for a condition with a generous deadline (a guard against a hang, not a speed bound)."""
    for _ in range(1200):  # 60 s
        if await condition():
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"not within 60 s: {what}")


async def duplicates(db: Database) -> int:
    async with db.sessions() as session:
        return await outbox.duplicates(session)


async def test_the_heartbeat_keeps_a_long_call_from_being_taken_over(db: Database) -> None:
    clock = Clock()
    channel = SlowChannel()
    await youth_says(db, "4242", ["Hoi Noor!"], clock.now)
    sender = fast_sender(db, channel, clock)
    runner = asyncio.create_task(sender.run())
    try:
        await asyncio.wait_for(channel.called.wait(), timeout=60)
        # The call hangs; time goes on past the first lease, and the heartbeat renews it.
        clock.advance(LEASE.total_seconds() - 1)
        renewed = clock.now + LEASE

        async def heartbeat_seen() -> bool:
            return (await job_row(db, "Hoi Noor!")).claimed_until == renewed

        await until(heartbeat_seen, "the lease renewed")
        async with db.transaction() as session:
            later = renewed - outbox.RENEW
            assert await outbox.claim(session, later, {"telegram"}, owner="b") == []
        channel.gate.set()

        async def delivered() -> bool:
            return (await job_row(db, "Hoi Noor!")).status == "sent"

        await until(delivered, "the message sent")
    finally:
        runner.cancel()
        await asyncio.gather(runner, return_exceptions=True)
    assert channel.delivered() == ["Hoi Noor!"]
    assert (await job_row(db, "Hoi Noor!")).claimed_by == sender.instance
    assert await duplicates(db) == 0


async def test_a_job_whose_lease_could_not_be_renewed_is_not_sent(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = Clock()
    channel = FakeChannel()
    await youth_says(db, "4242", ["Hoi Noor!"], clock.now)
    sender = fast_sender(db, channel, clock)
    (job,) = await sender.claim(10)

    async def database_down(*args: object) -> set[int]:
        raise ConnectionResetError("the database went away")

    monkeypatch.setattr(outbox, "renew", database_down)
    clock.advance(outbox.RENEW.total_seconds())
    await sender.renew()  # fails: the lease still ends where the claim put it
    clock.advance(LEASE.total_seconds())  # the job waited (for its turn) past that end
    await sender.deliver(job)
    assert channel.attempts == []  # not sent: another sender may have it by now
    stored = await job_row(db, "Hoi Noor!")
    assert (stored.status, stored.called_at) == ("sending", None)

    # The database is back: whoever claims it next sends it, once, and no duplicate is counted.
    monkeypatch.undo()
    await drain(fast_sender(db, channel, clock))
    assert channel.delivered() == ["Hoi Noor!"]
    assert await duplicates(db) == 0


async def test_a_dead_senders_job_is_taken_over_and_counted_as_a_possible_duplicate(
    db: Database,
) -> None:
    clock = Clock()
    await youth_says(db, "4242", ["Hoi Noor!", "Hoe oud ben je?"], clock.now)
    dead_channel = SlowChannel()
    dying = fast_sender(db, dead_channel, clock)
    (job,) = await dying.claim(10)
    call = asyncio.create_task(dying.deliver(job))
    await asyncio.wait_for(dead_channel.called.wait(), timeout=60)
    call.cancel()  # kill -9 while the channel was being called: no result recorded
    await asyncio.gather(call, return_exceptions=True)
    assert (await job_row(db, "Hoi Noor!")).called_at == clock.now

    heir_channel = FakeChannel()
    heir = Sender(db, {"telegram": heir_channel}, clock=clock, chat_rate=1000, chat_burst=1000)
    assert await heir.drain_once() == 0  # the lease still holds
    clock.advance(LEASE.total_seconds() + 1)
    await drain(heir)
    assert heir_channel.delivered() == ["Hoi Noor!", "Hoe oud ben je?"]
    assert await duplicates(db) == 1  # "Hoi Noor!" may have reached Noor twice
    assert (await job_row(db, "Hoi Noor!")).claimed_by == heir.instance
