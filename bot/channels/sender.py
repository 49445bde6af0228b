"""Drain the outbox at the channels' real limits, with retries, backoff and honest counting.

Each sender holds its jobs in flight on a short lease (storage/outbox.py) that its heartbeat
renews; a job whose lease it could not renew in time is never sent by it (another sender may
have taken it over). Right before the channel is called the sender records that it calls it,
and right after the result: a crash between the two is the only time a message may be doubled.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import secrets
import socket
import time
from collections.abc import Callable, Collection, Mapping
from datetime import datetime, timedelta

from bot.channels.base import Channel
from bot.channels.budget import SharedBudget
from bot.channels.errors import (
    OutsideWindow,
    Rejected,
    RetryLater,
    Transient,
    Uncertain,
    Unreachable,
    brief,
)
from core.metrics import Metrics
from core.outgoing import ChatMessage, Document, Edit, Text, Unreadable, from_json
from core.window import keep
from storage import outbox, window
from storage.clock import utcnow
from storage.db import Database
from storage.flood import Pace
from storage.outbox import Job

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 12
CLAIMS = 50  # jobs in flight at most


def instance_name() -> str:
    """This sender's name on its claims: host, process id and a random tail (unique)."""
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{secrets.token_hex(4)}"


class TokenBucket:
    """At most `rate` per second on average, bursts up to `burst`."""

    def __init__(self, rate: float, burst: float) -> None:
        self.rate, self.burst = rate, burst
        self.tokens, self.stamp = burst, time.monotonic()

    def delay(self) -> float:
        """Take a token; return how long to wait before using it."""
        now = time.monotonic()
        self.tokens = min(self.burst, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        self.tokens -= 1
        return 0.0 if self.tokens >= 0 else -self.tokens / self.rate


class Sender:
    def __init__(
        self,
        db: Database,
        channels: Mapping[str, Channel],
        *,
        clock: Callable[[], datetime] = utcnow,
        overall_rate: float = 30.0,
        chat_rate: float = 1.0,
        chat_burst: float = 3.0,
        rates: Mapping[str, tuple[float, float]] | None = None,
        instance: str | None = None,
        metrics: Metrics | None = None,
        shared: Collection[str] = (),
    ) -> None:
        """`rates`: (per second, burst) per chat for a channel whose limit differs.
        `instance`: the name on this sender's claims (default: unique per process). `shared`:
        the channels whose budget all instances share through the database (PostgreSQL)."""
        self.metrics = metrics or Metrics()
        self.db = db
        self.instance = instance or instance_name()
        # The jobs in flight and when their lease ends as this sender wrote it (its clock):
        # the claim, the heartbeat and the call's record extend it.
        self.leases: dict[int, datetime] = {}
        self.channels = channels
        self.clock = clock
        self.overall = TokenBucket(overall_rate, overall_rate)
        self.chat_rate, self.chat_burst = chat_rate, chat_burst
        self.rates = dict(rates or {})
        self.per_chat: dict[tuple[str, str], TokenBucket] = {}
        self.wake = asyncio.Event()
        self.budget = SharedBudget(db, shared, overall_rate) if shared else None

    def notify(self) -> None:
        self.wake.set()

    async def run(self) -> None:
        """Deliver continuously: a job claimed while others wait for a token goes out at once
        when it needs none (a tap's answer), so the flood budget is used and never blocks them."""
        if self.db.is_sqlite:
            async with self.db.transaction() as session:
                await outbox.release_all_claims(session)
        flying: dict[asyncio.Task[None], int] = {}  # deliveries in flight: their job ids
        heartbeat = asyncio.create_task(self.heartbeat(), name="outbox-heartbeat")
        try:
            while True:
                self.wake.clear()
                started = await self.start(flying)
                if not started:
                    # asyncio.timeout, not wait_for: on 3.11 wait_for swallows a cancel that
                    # comes as the wake-up does, and the sender then never stops.
                    with contextlib.suppress(TimeoutError):
                        async with asyncio.timeout(1.0):
                            await self.wake.wait()
        finally:
            for task in [*flying, heartbeat]:
                task.cancel()
            await asyncio.gather(*flying, heartbeat, return_exceptions=True)

    async def start(self, flying: dict[asyncio.Task[None], int]) -> int:
        """Claim what fits beside the deliveries in flight and start delivering it."""
        room = CLAIMS - len(flying)
        if room <= 0:
            return 0
        try:
            jobs = await self.claim(room, busy=list(flying.values()))
        except Exception:
            log.exception("outbox claim failed")
            return 0
        for job in jobs:
            task = asyncio.create_task(self.deliver(job), name=f"deliver-{job.id}")
            flying[task] = job.id
            task.add_done_callback(self.landed(flying))
        return len(jobs)

    def landed(self, flying: dict[asyncio.Task[None], int]) -> Callable[[asyncio.Task[None]], None]:
        def done(task: asyncio.Task[None]) -> None:
            self.leases.pop(flying.pop(task, 0), None)
            if not task.cancelled() and task.exception() is not None:
                log.error("outbox delivery failed", exc_info=task.exception())
            self.wake.set()  # room again, and the youth's next message may now go

        return done

    async def drain_once(self) -> int:
        """One round: claim, deliver all of it, return how many (tests and benchmarks)."""
        jobs = await self.claim(CLAIMS)
        heartbeat = asyncio.create_task(self.heartbeat())
        try:
            await asyncio.gather(*(self.deliver(job) for job in jobs))
        finally:
            heartbeat.cancel()
            await asyncio.gather(heartbeat, return_exceptions=True)
            for job in jobs:
                self.leases.pop(job.id, None)
        return len(jobs)

    async def claim(self, room: int, busy: list[int] | None = None) -> list[Job]:
        """Claim up to `room` due jobs under this sender's name; their leases start now."""
        now = self.clock()
        async with self.db.transaction() as session:
            jobs = await outbox.claim(
                session, now, set(self.channels), room, busy or (), self.instance
            )
        self.leases.update((job.id, now + outbox.LEASE) for job in jobs)
        return jobs

    async def heartbeat(self) -> None:
        """Renew the leases of the jobs in flight every RENEW, as long as this sender runs."""
        while True:
            await asyncio.sleep(outbox.RENEW.total_seconds())
            await self.renew()

    async def renew(self) -> None:
        """One renewal of every lease in flight (one statement). A job it no longer holds, or
        all of them when the database does not answer, stops when its known lease ends."""
        ids = list(self.leases)
        if not ids:
            return
        now = self.clock()
        try:
            async with asyncio.timeout(outbox.LEASE.total_seconds()):
                async with self.db.transaction() as session:
                    held = await outbox.renew(session, self.instance, ids, now)
        except Exception as exc:  # any failure: the leases simply run out
            log.warning("outbox lease renewal failed (%r); %s jobs may stop", exc, len(ids))
            return
        for job_id in ids:
            if job_id in self.leases:  # not landed meanwhile
                self.leases[job_id] = now + outbox.LEASE if job_id in held else now

    async def calling(self, job: Job) -> bool:
        """Record that the channel is called for this job now; False when this sender's lease
        ran out (renewals failed, or another sender took the job over): then it must not."""
        now = self.clock()
        if now >= self.leases.get(job.id, now + outbox.LEASE):
            log.warning("outbox job %s: lease not renewed in time; left to its next claim", job.id)
            return False
        try:
            async with self.db.transaction() as session:
                mine = await outbox.calling(session, job, now)
        except Exception as exc:  # unrecorded: not sent, the lease runs out
            log.warning("outbox job %s: could not record the call (%r); not sent", job.id, exc)
            return False
        if not mine:
            log.warning("outbox job %s: no longer this sender's; not sent", job.id)
            return False
        if job.id in self.leases:
            self.leases[job.id] = now + outbox.LEASE
        return True

    async def deliver(self, job: Job) -> None:
        try:
            message = from_json(job.kind, job.payload)
        except Unreadable as exc:
            log.error("outbox job %s failed: %s", job.id, exc)
            self.metrics.sent(job.channel, "failed")
            async with self.db.transaction() as session:
                await outbox.mark_failed(session, job, str(exc), unreachable=False)
            return
        if isinstance(message, Text | Edit | Document) and await self.kept(job, message, None):
            return
        if isinstance(message, ChatMessage):
            # Paced per chat and overall: what the flood limits count. A tap's answer or a
            # media fetch is not a message to a chat and goes out at once.
            wait = await self.pace(job.channel, message.chat_id)
            if wait > 0:
                self.metrics.flood_wait(job.channel, wait)
            await asyncio.sleep(wait)
        if not await self.calling(job):
            return
        try:
            delivered = await self.channels[job.channel].send(message, job.message_id)
        except RetryLater as exc:
            log.warning("outbox job %s: %s asked us to wait %gs", job.id, job.channel, exc.seconds)
            self.metrics.slowed(job.channel, exc.seconds)
            self.metrics.sent(job.channel, "rate_limited")
            await self.retry(job, timedelta(seconds=exc.seconds), str(exc), counts=False)
        except OutsideWindow as exc:  # the channel's clock says the window closed
            if isinstance(message, Text | Edit | Document):
                await self.kept(job, message, str(exc))
            else:  # a template or a fetch is never kept: Meta refused it for good
                self.metrics.sent(job.channel, "rejected")
                async with self.db.transaction() as session:
                    await outbox.mark_failed(session, job, str(exc), unreachable=False)
        except Unreachable as exc:
            log.info("youth %s is unreachable: %s", job.youth_id, exc)
            self.metrics.sent(job.channel, "unreachable")
            async with self.db.transaction() as session:
                await outbox.mark_failed(session, job, str(exc), unreachable=True)
        except Rejected as exc:
            log.warning("outbox job %s (%s) rejected: %s", job.id, job.kind, exc)
            self.metrics.sent(job.channel, "rejected")
            async with self.db.transaction() as session:
                await outbox.mark_failed(session, job, str(exc), unreachable=False)
        except Uncertain as exc:
            # The send may have arrived: a doubled message beats a lost one. Counted.
            log.warning("outbox job %s timed out; sending again", job.id)
            self.metrics.sent(job.channel, "timed_out")
            await self.retry(job, self.backoff(job), str(exc), timed_out=True)
        except Transient as exc:  # expected (a 5xx, a dropped connection): one line, no trace
            log.warning("outbox job %s: %s; retrying", job.id, brief(exc))
            self.metrics.sent(job.channel, "retried")
            await self.retry(job, self.backoff(job), repr(exc))
        except Exception as exc:
            log.exception("outbox job %s failed unexpectedly", job.id)
            self.metrics.sent(job.channel, "retried")
            await self.retry(job, self.backoff(job), repr(exc))
        else:
            async with self.db.transaction() as session:
                await outbox.mark_sent(session, job, delivered.ref, self.clock())
            self.metrics.sent(job.channel, "sent")

    async def kept(self, job: Job, message: Text | Edit | Document, error: str | None) -> bool:
        """Whether the channel's window for this youth is closed: then the job is kept and a
        template announces it (core/window.py). `error`: the channel said so already."""
        if job.youth_id is None or job.channel not in window.WINDOWS:
            return False
        now = self.clock()
        async with self.db.transaction() as session:
            if error is None and await window.is_open(session, job.youth_id, job.channel, now):
                return False
            await keep(session, job, message, now, error or "the 24-hour window is closed")
        log.info("outbox job %s kept until youth %s writes", job.id, job.youth_id)
        self.metrics.sent(job.channel, "kept")
        self.wake.set()
        return True

    async def pace(self, channel: str, chat: str) -> float:
        """Take the tokens for one message to a chat; return how long to wait before it."""
        rate, burst = self.rates.get(channel, (self.chat_rate, self.chat_burst))
        if self.budget is not None and channel in self.budget.channels:
            wait = await self.budget.wait(channel, chat, Pace(rate, burst))
            if wait is not None:
                return wait
        return max(self.bucket(channel, chat).delay(), self.overall.delay())

    def bucket(self, channel: str, chat: str) -> TokenBucket:
        if (channel, chat) not in self.per_chat:
            rate, burst = self.rates.get(channel, (self.chat_rate, self.chat_burst))
            self.per_chat[channel, chat] = TokenBucket(rate, burst)
        return self.per_chat[channel, chat]

    def backoff(self, job: Job) -> timedelta:
        return timedelta(seconds=min(300.0, 0.5 * 2 ** (job.attempts - 1)))

    async def retry(
        self, job: Job, wait: timedelta, error: str, *, timed_out: bool = False, counts: bool = True
    ) -> None:
        async with self.db.transaction() as session:
            if counts and job.attempts >= MAX_ATTEMPTS:
                await outbox.mark_failed(session, job, error, unreachable=False)
                log.error("outbox job %s given up after %s attempts", job.id, job.attempts)
                self.metrics.sent(job.channel, "failed")
            else:
                await outbox.retry_at(
                    session, job, self.clock() + wait, error, timed_out=timed_out, counts=counts
                )
        self.wake.set()
