"""Drain the outbox at the channels' real limits, with retries, backoff and honest counting."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta

from bot.channels.base import Channel
from bot.channels.errors import (
    OutsideWindow,
    Rejected,
    RetryLater,
    Transient,
    Uncertain,
    Unreachable,
)
from core.outgoing import ChatMessage, Document, Edit, Text, Unreadable, from_json
from core.window import keep
from storage import outbox, window
from storage.clock import utcnow
from storage.db import Database
from storage.outbox import Job

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 12
CLAIMS = 50  # jobs in flight at most: their token waits stay well inside the claim's lease


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
    ) -> None:
        """`rates`: (per second, burst) per chat for a channel whose limit differs."""
        self.db = db
        self.channels = channels
        self.clock = clock
        self.overall = TokenBucket(overall_rate, overall_rate)
        self.chat_rate, self.chat_burst = chat_rate, chat_burst
        self.rates = dict(rates or {})
        self.per_chat: dict[tuple[str, str], TokenBucket] = {}
        self.wake = asyncio.Event()

    def notify(self) -> None:
        self.wake.set()

    async def run(self) -> None:
        """Deliver continuously: a job claimed while others wait for a token goes out at once
        when it needs none (a tap's answer), so the flood budget is used and never blocks them."""
        if self.db.is_sqlite:
            async with self.db.transaction() as session:
                await outbox.release_all_claims(session)
        flying: dict[asyncio.Task[None], int] = {}  # deliveries in flight: their job ids
        try:
            while True:
                self.wake.clear()
                started = await self.start(flying)
                if not started:
                    # asyncio.timeout, not wait_for: on 3.11 wait_for loses a cancel that
                    # comes as the wake-up does, and a stopping instance never stops.
                    with contextlib.suppress(TimeoutError):
                        async with asyncio.timeout(1.0):
                            await self.wake.wait()
        finally:
            for task in flying:
                task.cancel()
            await asyncio.gather(*flying, return_exceptions=True)

    async def start(self, flying: dict[asyncio.Task[None], int]) -> int:
        """Claim what fits beside the deliveries in flight and start delivering it."""
        room = CLAIMS - len(flying)
        if room <= 0:
            return 0
        try:
            async with self.db.transaction() as session:
                jobs = await outbox.claim(
                    session, self.clock(), set(self.channels), room, busy=list(flying.values())
                )
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
            flying.pop(task, None)
            if not task.cancelled() and task.exception() is not None:
                log.error("outbox delivery failed", exc_info=task.exception())
            self.wake.set()  # room again, and the youth's next message may now go

        return done

    async def drain_once(self) -> int:
        """One round: claim, deliver all of it, return how many (tests and benchmarks)."""
        async with self.db.transaction() as session:
            jobs = await outbox.claim(session, self.clock(), set(self.channels), CLAIMS)
        await asyncio.gather(*(self.deliver(job) for job in jobs))
        return len(jobs)

    async def deliver(self, job: Job) -> None:
        try:
            message = from_json(job.kind, job.payload)
        except Unreadable as exc:
            log.error("outbox job %s failed: %s", job.id, exc)
            async with self.db.transaction() as session:
                await outbox.mark_failed(session, job, str(exc), unreachable=False)
            return
        if isinstance(message, Text | Edit | Document) and await self.kept(job, message, None):
            return
        if isinstance(message, ChatMessage):
            # Paced per chat and overall: what the flood limits count. A tap's answer or a
            # media fetch is not a message to a chat and goes out at once.
            bucket = self.bucket(job.channel, message.chat_id)
            await asyncio.sleep(max(bucket.delay(), self.overall.delay()))
        try:
            delivered = await self.channels[job.channel].send(message, job.message_id)
        except RetryLater as exc:
            await self.retry(job, timedelta(seconds=exc.seconds), str(exc), counts=False)
        except OutsideWindow as exc:  # the channel's clock says the window closed
            if isinstance(message, Text | Edit | Document):
                await self.kept(job, message, str(exc))
            else:  # a template or a fetch is never kept: Meta refused it for good
                async with self.db.transaction() as session:
                    await outbox.mark_failed(session, job, str(exc), unreachable=False)
        except Unreachable as exc:
            log.info("youth %s is unreachable: %s", job.youth_id, exc)
            async with self.db.transaction() as session:
                await outbox.mark_failed(session, job, str(exc), unreachable=True)
        except Rejected as exc:
            log.warning("outbox job %s (%s) rejected: %s", job.id, job.kind, exc)
            async with self.db.transaction() as session:
                await outbox.mark_failed(session, job, str(exc), unreachable=False)
        except Uncertain as exc:
            # The send may have arrived: a doubled message beats a lost one. Counted.
            log.warning("outbox job %s timed out; sending again", job.id)
            await self.retry(job, self.backoff(job), str(exc), timed_out=True)
        except (Transient, Exception) as exc:
            if not isinstance(exc, Transient):
                log.exception("outbox job %s failed unexpectedly", job.id)
            await self.retry(job, self.backoff(job), repr(exc))
        else:
            async with self.db.transaction() as session:
                await outbox.mark_sent(session, job, delivered.ref, self.clock())

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
        self.wake.set()
        return True

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
            else:
                await outbox.retry_at(
                    session, job, self.clock() + wait, error, timed_out=timed_out, counts=counts
                )
        self.wake.set()
