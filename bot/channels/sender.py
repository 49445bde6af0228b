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
        if self.db.is_sqlite:
            async with self.db.transaction() as session:
                await outbox.release_all_claims(session)
        while True:
            try:
                sent = await self.drain_once()
            except Exception:
                log.exception("outbox drain failed")
                sent = 0
            if not sent:
                self.wake.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self.wake.wait(), timeout=1.0)

    async def drain_once(self) -> int:
        async with self.db.transaction() as session:
            jobs = await outbox.claim(session, self.clock(), set(self.channels))
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
        # Paced per chat: a youth's chat or a worker's; a fetch or tap answer per youth.
        chat = message.chat_id if isinstance(message, ChatMessage) else str(job.youth_id)
        bucket = self.bucket(job.channel, chat)
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
