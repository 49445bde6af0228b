"""The sender: drains the outbox in order per youth, at the channel's pace, and never loses
a message to a hiccup (a real database on each backend; only the channel is a stand-in)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select

from bot.channels import sender as sender_module
from bot.channels.base import Delivered
from bot.channels.errors import Rejected, RetryLater, Transient, Uncertain, Unreachable
from bot.channels.sender import Sender
from core.outgoing import (
    AnswerTap,
    Button,
    Document,
    Edit,
    FetchMedia,
    Outgoing,
    Text,
    from_json,
    send_text,
)
from storage import outbox, youths
from storage.clock import utcnow
from storage.db import Database
from storage.models import Message, OutboxJob, Youth
from storage.outbox import Job
from tests.support.clock import Clock


@dataclass
class Attempt:
    at: float  # time.monotonic() when the channel was asked
    message: Outgoing
    timeline_id: int | None
    outcome: str  # "sent" or the name of the error raised

    @property
    def text(self) -> str:
        assert isinstance(self.message, Text)
        return self.message.text


@dataclass
class FakeChannel:
    """Records every delivery; raises the errors planned for a message text, in turn."""

    attempts: list[Attempt] = field(default_factory=list)
    planned: dict[str, list[Exception]] = field(default_factory=dict)
    always: dict[str, Callable[[], Exception]] = field(default_factory=dict)

    def fail(self, text: str, *errors: Exception) -> None:
        self.planned.setdefault(text, []).extend(errors)

    async def send(self, message: Outgoing, timeline_id: int | None) -> Delivered:
        text = message.text if isinstance(message, Text) else ""
        error: Exception | None = None
        if text in self.always:
            error = self.always[text]()
        elif self.planned.get(text):
            error = self.planned[text].pop(0)
        outcome = type(error).__name__ if error else "sent"
        self.attempts.append(Attempt(time.monotonic(), message, timeline_id, outcome))
        if error is not None:
            raise error
        return Delivered(f"tg-{timeline_id}")

    def delivered(self, chat: str | None = None) -> list[str]:
        """The texts that arrived (in one chat), in order."""
        return [
            a.text
            for a in self.attempts
            if a.outcome == "sent" and isinstance(a.message, Text)
            if chat in (None, a.message.chat_id)
        ]

    def tries(self, text: str) -> list[Attempt]:
        return [a for a in self.attempts if isinstance(a.message, Text) and a.text == text]


def fast_sender(db: Database, channel: FakeChannel, clock: Callable[[], datetime]) -> Sender:
    """No rate limit to speak of: the tests about errors should not wait for buckets."""
    return Sender(db, {"telegram": channel}, clock=clock, chat_rate=1000.0, chat_burst=1000.0)


async def youth_says(
    db: Database, user_id: str, texts: list[str], now: datetime | None = None
) -> int:
    """Enqueue one bot message per text to a (new or known) youth; returns the youth's id."""
    now = now or utcnow()
    async with db.transaction() as session:
        youth = await youths.get_or_create(session, "telegram", user_id, "nl", now)
        for body in texts:
            message = await outbox.add_message(
                session, youth, direction="out", author="bot", text=body, buttons=None, now=now
            )
            await send_text(session, youth, message, now)
        return youth.id


async def drain(sender: Sender) -> None:
    """Drain until nothing is due now."""
    while await sender.drain_once():
        pass


async def job_row(db: Database, text: str) -> OutboxJob:
    async with db.sessions() as session:
        stmt = select(OutboxJob).join(Message).where(Message.text == text)
        return (await session.execute(stmt)).scalar_one()


async def message_row(db: Database, text: str) -> Message:
    async with db.sessions() as session:
        return (await session.execute(select(Message).where(Message.text == text))).scalar_one()


async def youth_row(db: Database, youth_id: int) -> Youth:
    async with db.sessions() as session:
        youth = await session.get(Youth, youth_id)
        assert youth is not None
        return youth


def outbox_job(row: OutboxJob) -> Job:
    return Job(
        row.id, row.youth_id, row.channel, row.kind, row.payload, row.message_id, row.attempts
    )


async def test_one_youths_messages_arrive_in_enqueue_order(db: Database) -> None:
    clock = Clock()
    channel = FakeChannel()
    noor_texts = ["Hoi Noor!", "Hoe oud ben je?", "In welke gemeente woon je?", "Top!", "Tot zo"]
    await youth_says(db, "4242", noor_texts, clock.now)
    await youth_says(db, "5151", ["Hoi Sam!", "Hoe oud ben je?"], clock.now)

    await drain(fast_sender(db, channel, clock))

    assert channel.delivered("4242") == noor_texts
    assert channel.delivered("5151") == ["Hoi Sam!", "Hoe oud ben je?"]
    assert all(a.outcome == "sent" for a in channel.attempts)
    first = await message_row(db, "Hoi Noor!")
    assert (first.delivery, first.channel_message_id) == ("sent", f"tg-{first.id}")
    assert (await job_row(db, "Tot zo")).status == "sent"


async def test_retry_later_waits_then_delivers(db: Database) -> None:
    channel = FakeChannel()
    channel.fail("Hoi Noor!", RetryLater(0.2))
    await youth_says(db, "4242", ["Hoi Noor!"])
    sender = Sender(db, {"telegram": channel}, chat_rate=1000.0, chat_burst=1000.0)

    before = utcnow()
    assert await sender.drain_once() == 1
    job = await job_row(db, "Hoi Noor!")
    assert job.status == "pending"
    assert job.not_before >= before + timedelta(seconds=0.2)
    assert job.last_error == "retry after 0.2s"
    assert channel.delivered() == []

    runner = asyncio.create_task(sender.run())
    try:
        for _ in range(300):  # a generous guard against a hang, not a speed requirement
            if (await job_row(db, "Hoi Noor!")).status == "sent":
                break
            await asyncio.sleep(0.05)
    finally:
        runner.cancel()
        await asyncio.gather(runner, return_exceptions=True)

    first, second = channel.tries("Hoi Noor!")
    assert (first.outcome, second.outcome) == ("RetryLater", "sent")
    assert second.at - first.at >= 0.19
    message = await message_row(db, "Hoi Noor!")
    assert message.delivery == "sent"
    assert (await job_row(db, "Hoi Noor!")).timeouts == 0


async def test_unreachable_fails_the_job_and_marks_the_youth(db: Database) -> None:
    clock = Clock()
    channel = FakeChannel()
    channel.fail("Hoi Noor!", Unreachable("Forbidden: bot was blocked by the user"))
    noor = await youth_says(db, "4242", ["Hoi Noor!"], clock.now)
    sam = await youth_says(db, "5151", ["Hoi Sam!"], clock.now)
    sender = fast_sender(db, channel, clock)

    await drain(sender)
    clock.advance(3600)
    await drain(sender)

    assert len(channel.tries("Hoi Noor!")) == 1  # never retried
    job = await job_row(db, "Hoi Noor!")
    assert (job.status, job.last_error) == ("failed", "Forbidden: bot was blocked by the user")
    assert (await message_row(db, "Hoi Noor!")).delivery == "failed"
    assert (await youth_row(db, noor)).unreachable is True
    assert (await youth_row(db, sam)).unreachable is False
    assert channel.delivered() == ["Hoi Sam!"]


async def test_rejected_fails_the_job_without_retry(db: Database) -> None:
    clock = Clock()
    channel = FakeChannel()
    channel.fail("Hoi Noor!", Rejected("Bad Request: message text is empty"))
    noor = await youth_says(db, "4242", ["Hoi Noor!", "Hoe oud ben je?"], clock.now)
    sender = fast_sender(db, channel, clock)

    await drain(sender)
    clock.advance(3600)
    await drain(sender)

    assert len(channel.tries("Hoi Noor!")) == 1
    assert (await job_row(db, "Hoi Noor!")).status == "failed"
    assert (await message_row(db, "Hoi Noor!")).delivery == "failed"
    assert (await youth_row(db, noor)).unreachable is False
    # The refused message does not hold up the next one.
    assert channel.delivered("4242") == ["Hoe oud ben je?"]


async def test_uncertain_is_sent_again_and_counted(db: Database) -> None:
    clock = Clock()
    channel = FakeChannel()
    channel.fail("Hoi Noor!", Uncertain("Timed out"))
    await youth_says(db, "4242", ["Hoi Noor!"], clock.now)
    sender = fast_sender(db, channel, clock)

    await drain(sender)
    job = await job_row(db, "Hoi Noor!")
    assert (job.status, job.timeouts, job.attempts) == ("pending", 1, 1)
    assert job.not_before == clock.now + sender.backoff(outbox_job(job))
    assert job.not_before > clock.now

    clock.advance(60)
    await drain(sender)
    # At-least-once: the first send may have arrived too; it is counted, not hidden.
    assert [a.outcome for a in channel.tries("Hoi Noor!")] == ["Uncertain", "sent"]
    job = await job_row(db, "Hoi Noor!")
    assert (job.status, job.timeouts, job.attempts) == ("sent", 1, 2)
    assert (await message_row(db, "Hoi Noor!")).delivery == "sent"


async def test_transient_errors_back_off_then_deliver(db: Database) -> None:
    clock = Clock()
    channel = FakeChannel()
    channel.fail("Hoi Noor!", Transient("502 Bad Gateway"), Transient("connection reset"))
    await youth_says(db, "4242", ["Hoi Noor!"], clock.now)
    sender = fast_sender(db, channel, clock)

    waits: list[timedelta] = []
    for _ in range(2):
        await drain(sender)
        job = await job_row(db, "Hoi Noor!")
        assert job.status == "pending"
        waits.append(job.not_before - clock.now)
        await drain(sender)  # not due yet: nothing happens
        clock.now = job.not_before
    assert waits[0] > timedelta(0)
    assert waits[1] > waits[0]  # backing off
    assert "connection reset" in (job.last_error or "")
    assert len(channel.attempts) == 2

    await drain(sender)
    assert [a.outcome for a in channel.attempts] == ["Transient", "Transient", "sent"]
    job = await job_row(db, "Hoi Noor!")
    assert (job.status, job.timeouts, job.attempts) == ("sent", 0, 3)


async def test_an_unexpected_error_is_retried_like_a_transient_one(db: Database) -> None:
    clock = Clock()
    channel = FakeChannel()
    channel.fail("Hoi Noor!", KeyError("chat_id"))
    await youth_says(db, "4242", ["Hoi Noor!"], clock.now)
    sender = fast_sender(db, channel, clock)

    await drain(sender)
    assert (await job_row(db, "Hoi Noor!")).status == "pending"
    clock.advance(60)
    await drain(sender)
    assert channel.delivered() == ["Hoi Noor!"]


async def test_a_job_that_keeps_failing_is_given_up_after_max_attempts(db: Database) -> None:
    clock = Clock()
    channel = FakeChannel(always={"Hoi Noor!": lambda: Transient("503 Service Unavailable")})
    noor = await youth_says(db, "4242", ["Hoi Noor!", "Ben je er nog?"], clock.now)
    sender = fast_sender(db, channel, clock)

    for _ in range(sender_module.MAX_ATTEMPTS + 3):
        await drain(sender)
        clock.advance(301)  # past the longest backoff

    assert len(channel.tries("Hoi Noor!")) == sender_module.MAX_ATTEMPTS
    job = await job_row(db, "Hoi Noor!")
    assert (job.status, job.attempts) == ("failed", sender_module.MAX_ATTEMPTS)
    assert (await message_row(db, "Hoi Noor!")).delivery == "failed"
    assert (await youth_row(db, noor)).unreachable is False
    # Given up, it no longer blocks the youth's next message.
    assert channel.delivered("4242") == ["Ben je er nog?"]


async def test_per_chat_rate_limit_spaces_one_youths_messages(db: Database) -> None:
    channel = FakeChannel()
    texts = [f"bericht {i}" for i in range(5)]
    await youth_says(db, "4242", texts)
    sender = Sender(db, {"telegram": channel}, chat_rate=2.0, chat_burst=1.0)

    await drain(sender)

    assert channel.delivered("4242") == texts
    stamps = [a.at for a in channel.attempts]
    # One token at once, then one every 0.5 s: four gaps of ~0.5 s.
    assert stamps[-1] - stamps[0] >= 1.5


async def test_per_chat_rate_limit_does_not_space_different_youths(db: Database) -> None:
    channel = FakeChannel()
    for n in range(5):
        await youth_says(db, f"{4242 + n}", [f"Hoi {n}!"])
    sender = Sender(db, {"telegram": channel}, chat_rate=2.0, chat_burst=1.0)

    assert await sender.drain_once() == 5  # one round: all five go out together

    assert sorted(channel.delivered()) == [f"Hoi {n}!" for n in range(5)]
    # Each youth's bucket gave its one token without a wait (a wait leaves it in debt);
    # a shared bucket would have made four of them wait.
    buckets = sender.per_chat
    assert len(buckets) == 5
    assert all(bucket.tokens >= 0 for bucket in buckets.values())


# --- the stored form ----------------------------------------------------------------------

EVERY_KIND: list[Outgoing] = [
    Text("4242", "Wat zoek je?", ((Button("Werk", "work"), Button("School", "school")),)),
    Text("4242", "Hoi Noor!"),
    Edit("4242", "981", "Wat zoek je?", ((Button("✅ Werk", "work"),),)),
    Document("4242", "📅 Zet de afspraak in je agenda.", "afspraak.ics", "BEGIN:VCALENDAR"),
    FetchMedia("AwACAgQ", "voice"),
    AnswerTap("cb-17"),
]


def test_every_kind_reads_back_as_it_was_stored() -> None:
    for message in EVERY_KIND:
        assert from_json(message.kind, message.to_json()) == message


async def test_rows_written_before_the_typed_message_are_still_sent(db: Database) -> None:
    """Outbox rows as the hand-built dicts wrote them (already in a database) still go out."""
    clock = Clock()
    channel = FakeChannel()
    old = [
        ("message", {"chat_id": "4242", "text": "Wat zoek je?",
                     "buttons": [[{"text": "Werk", "data": "work"}]]}),
        ("message", {"chat_id": "4242", "text": "Sara schrijft:\nHoi!", "buttons": []}),
        ("edit", {"chat_id": "4242", "target": "981", "text": "Wat zoek je?",
                  "buttons": [[{"text": "✅ Werk", "data": "work"}]]}),
        ("document", {"chat_id": "4242", "caption": "Je gegevens", "filename": "ik.json",
                      "content": "{}"}),
        ("fetch_media", {"file_id": "AwACAgQ", "kind": "voice"}),
        ("callback_answer", {"callback_query_id": "cb-17"}),
    ]  # fmt: skip
    async with db.transaction() as session:
        youth = await youths.get_or_create(session, "telegram", "4242", "nl", clock.now)
        for kind, payload in old:
            await outbox.enqueue(session, youth, kind, payload, clock.now)
        session.add(
            OutboxJob(
                youth_id=None, worker_id=None, channel="telegram", kind="message",
                payload={"chat_id": "777", "text": "Nieuw bericht van Noor", "buttons": []},
                status="pending", attempts=0, timeouts=0, not_before=clock.now,
                created_at=clock.now,
            )
        )  # fmt: skip

    await drain(fast_sender(db, channel, clock))

    note = Text("777", "Nieuw bericht van Noor")  # to a worker: no youth, its own order
    assert note in [a.message for a in channel.attempts]
    assert [a.message for a in channel.attempts if a.message != note] == [
        Text("4242", "Wat zoek je?", ((Button("Werk", "work"),),)),
        Text("4242", "Sara schrijft:\nHoi!"),
        Edit("4242", "981", "Wat zoek je?", ((Button("✅ Werk", "work"),),)),
        Document("4242", "Je gegevens", "ik.json", "{}"),
        FetchMedia("AwACAgQ", "voice"),
        AnswerTap("cb-17"),
    ]
    assert all(a.outcome == "sent" for a in channel.attempts)


async def test_an_unreadable_row_fails_at_once_and_holds_nothing_up(db: Database) -> None:
    clock = Clock()
    channel = FakeChannel()
    async with db.transaction() as session:
        youth = await youths.get_or_create(session, "telegram", "4242", "nl", clock.now)
        await outbox.enqueue(session, youth, "message", {"text": "to nobody"}, clock.now)
        await outbox.enqueue(session, youth, "carrier_pigeon", {"chat_id": "4242"}, clock.now)
    await youth_says(db, "4242", ["Hoi Noor!"], clock.now)

    await drain(fast_sender(db, channel, clock))

    assert channel.delivered() == ["Hoi Noor!"]  # the broken ones never reached the channel
    async with db.sessions() as session:
        rows = (await session.execute(select(OutboxJob).order_by(OutboxJob.id))).scalars().all()
    assert [(r.status, r.attempts) for r in rows] == [("failed", 1), ("failed", 1), ("sent", 1)]
    assert "chat_id" in (rows[0].last_error or "")
    assert "carrier_pigeon" in (rows[1].last_error or "")


# --- the flood budget is for messages ----------------------------------------------------


async def test_a_tap_is_answered_at_once_while_messages_wait_for_the_budget(db: Database) -> None:
    """Telegram limits messages to chats, not answers to taps: a youth who taps while twenty
    others' replies queue behind the overall limit sees the spinner stop at once."""
    channel = FakeChannel()
    for n in range(20):
        await youth_says(db, f"{5000 + n}", [f"Welkom {n}!"])
    # 3 a second: the last replies go out some 6 s after the first, room enough on a loaded
    # machine for the tap's three short transactions (enqueue, claim, record the call).
    sender = Sender(db, {"telegram": channel}, overall_rate=3.0, chat_rate=1000.0)
    runner = asyncio.create_task(sender.run())
    try:
        await until(lambda: len(channel.delivered()) >= 1)
        async with db.transaction() as session:
            tapper = await youths.get_or_create(session, "telegram", "4242", "nl", utcnow())
            await outbox.enqueue(session, tapper, "callback_answer", AnswerTap("cb-1").to_json(),
                                 utcnow())  # fmt: skip
        sender.notify()
        await until(lambda: any(isinstance(a.message, AnswerTap) for a in channel.attempts))
        replies_before_the_answer = len(channel.delivered())
        await until(lambda: len(channel.delivered()) == 20)
    finally:
        runner.cancel()
        await asyncio.gather(runner, return_exceptions=True)

    # The budget made the replies take seconds; the answer did not queue behind them.
    assert replies_before_the_answer < 20
    assert sorted(channel.delivered()) == sorted(f"Welkom {n}!" for n in range(20))


async def until(condition: Callable[[], bool]) -> None:
    for _ in range(3000):  # 30 s: a generous guard against a hang, not a speed requirement
        if condition():
            return
        await asyncio.sleep(0.01)
    raise AssertionError("the sender did not get there")


async def test_a_sender_woken_as_it_is_cancelled_still_stops(db: Database) -> None:
    """Shutdown cancels the sender; a delivery landing at that moment wakes it too. On Python
    3.11 asyncio.wait_for swallowed such a cancel and the service never stopped (a CI run hung
    for 300 s); asyncio.timeout passes it on."""
    sender = Sender(db, {"telegram": FakeChannel()})
    idle = asyncio.Event()
    start = sender.start

    async def start_and_tell(flying: dict[asyncio.Task[None], int]) -> int:
        started = await start(flying)
        if not started:
            idle.set()  # nothing to do: the sender now waits to be woken
        return started

    sender.start = start_and_tell  # type: ignore[method-assign]
    runner = asyncio.create_task(sender.run())
    await idle.wait()
    await asyncio.sleep(0)  # it is inside its wait now
    sender.notify()
    runner.cancel()
    done, _ = await asyncio.wait({runner}, timeout=30)
    assert runner in done and runner.cancelled()
