"""One youth's life on a hand-moved clock: the real engine and check-in tick, no network.

The youth writes through the web chat's inbound rows (as the web chat stores them), the
engine handles them, and the scheduler's tick runs whenever the test moves the clock.
Every message the bot sent on a tick (not as an answer) is an automated one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update

from bot.engine import Engine
from bot.ticks.checkins import CheckIns
from bot.ticks.reminders import Reminders
from core.i18n import Translator
from core.lexicon import load_lexicon
from core.runtime import Runtime
from storage import casework, checkins, inbound, registrations, youths
from storage.db import Database
from storage.models import Case, CheckIn, Message, OutboxJob, Worker, Youth
from tests.support.clock import BRUSSELS, Clock
from tests.support.dialog import directory

USER = "noor"
KEY = f"web:{USER}"


@dataclass
class Sent:
    at: datetime  # local time
    what: str  # "check-in", "re-contact", "reminder" or the first words
    message_id: int = 0


@dataclass
class Life:
    db: Database
    clock: Clock
    engine: Engine
    ticker: CheckIns
    reminders: Reminders
    youth_id: int = 0
    case_id: int = 0
    frames: int = 0
    automated: list[Sent] = field(default_factory=list)
    heard: list[datetime] = field(default_factory=list)  # when the youth did something

    @classmethod
    async def begin(
        cls, db: Database, clock: Clock, reach: tuple[str, ...] = ("afternoon",), name: str = "Noor"
    ) -> Life:
        """A registered youth (Noor, WAM!) whose case waits in the queue."""
        runtime = Runtime(directory(), load_lexicon(), Translator(), BRUSSELS, clock)
        life = cls(
            db, clock, Engine(db, runtime, lambda: None), CheckIns(db, runtime, lambda: None),
            Reminders(db, runtime, lambda: None),
        )  # fmt: skip
        async with db.transaction() as session:
            youth = await youths.get_or_create(session, "web", USER, "nl", clock.now)
            youth.state = {"step": "done"}
            answers = {"name": name, "age": 19, "municipality": "Maasmechelen",
                       "needs": ["work"], "reach": list(reach), "language": "nl"}  # fmt: skip
            case = await registrations.open_case(session, youth, "wam", answers, clock.now)
            case.last_youth_message_at = clock.now  # the intake was their last word
            life.youth_id, life.case_id = youth.id, case.id
        return life

    async def send(self, frame: dict[str, Any], user: str = USER) -> list[str]:
        """A youth (Noor, or another web chat user) sends a frame; returns the bot's answers."""
        self.frames += 1
        frame = {"client_id": f"c{self.frames}", **frame}
        await self.deliver()
        before = await self.last_message_id()
        async with self.db.transaction() as session:
            row = (
                "web",
                f"{user}:c{self.frames}",
                f"web:{user}",
                {"user_id": user, "frame": frame},
            )
            await inbound.store(session, [row], self.clock.now)
        while await self.engine.process_next(f"web:{user}"):
            pass
        if user == USER:
            self.heard.append(self.clock.now)
        return [m.text for m in await self.messages_after(before) if m.author == "bot"]

    async def says(self, text: str) -> list[str]:
        return await self.send({"type": "text", "text": text})

    async def press(self, data: str) -> list[str]:
        return await self.send({"type": "button", "data": data})

    async def tick(self) -> None:
        await self.deliver()
        before = await self.last_message_id()
        await self.ticker.tick()
        await self.reminders.tick()
        for message in await self.messages_after(before):
            self.automated.append(
                Sent(message.created_at.astimezone(BRUSSELS), kind_of(message.text), message.id)
            )

    async def deliver(self) -> None:
        """What was written before now has gone out: the sender is quick, though not instant."""
        async with self.db.transaction() as session:
            await session.execute(
                update(OutboxJob)
                .where(OutboxJob.status == "pending", OutboxJob.created_at < self.clock.now)
                .values(status="sent", sent_at=self.clock.now)
            )

    async def outgoing(self) -> list[Sent]:
        """The automated messages that stayed in the outbox (a /stop withdraws unsent ones)."""
        async with self.db.transaction() as session:
            ids = [s.message_id for s in self.automated]
            kept = set(
                (await session.execute(select(Message.id).where(Message.id.in_(ids)))).scalars()
            )
        return [s for s in self.automated if s.message_id in kept]

    async def live_until(self, until: datetime, step: timedelta = timedelta(hours=1)) -> None:
        """Move the clock in steps to `until`, ticking like the scheduler does."""
        while self.clock.now < until:
            self.clock.now = min(self.clock.now + step, until)
            await self.tick()

    async def last_message_id(self) -> int:
        async with self.db.transaction() as session:
            found = await session.execute(select(Message.id).order_by(Message.id.desc()).limit(1))
            return found.scalar_one_or_none() or 0

    async def messages_after(self, after: int) -> list[Message]:
        async with self.db.transaction() as session:
            stmt = select(Message).where(Message.id > after).order_by(Message.id)
            return list((await session.execute(stmt)).scalars())

    async def claim(self, worker_id: int) -> None:
        async with self.db.transaction() as session:
            worker = await session.get(Worker, worker_id)
            assert worker is not None
            assert await casework.claim(session, self.case_id, worker, self.clock.now)

    async def case(self) -> Case:
        async with self.db.transaction() as session:
            case = await session.get(Case, self.case_id)
            assert case is not None
            return case

    async def youth(self) -> Youth:
        async with self.db.transaction() as session:
            youth = await session.get(Youth, self.youth_id)
            assert youth is not None
            return youth

    async def set_youth(self, **values: Any) -> None:
        async with self.db.transaction() as session:
            youth = await session.get(Youth, self.youth_id)
            assert youth is not None
            for key, value in values.items():
                setattr(youth, key, value)

    async def open_checkin(self) -> int:
        """The id of the check-in the youth would tap on now (the newest sent one)."""
        async with self.db.transaction() as session:
            stmt = (
                select(CheckIn.id)
                .where(CheckIn.youth_id == self.youth_id, CheckIn.sent_at.is_not(None))
                .order_by(CheckIn.id.desc())
                .limit(1)
            )
            return (await session.execute(stmt)).scalar_one()

    async def answers(self) -> list[tuple[int | None, str]]:
        async with self.db.transaction() as session:
            return [(a.score, a.note) for a in await checkins.answers(session, self.youth_id)]

    async def worker_notes(self) -> list[str]:
        async with self.db.transaction() as session:
            stmt = select(OutboxJob).where(OutboxJob.worker_id.is_not(None)).order_by(OutboxJob.id)
            return [str(j.payload["text"]) for j in (await session.execute(stmt)).scalars()]


def kind_of(text: str) -> str:
    if "Hoe gaat het met je deze week?" in text:
        return "check-in"
    if "We hebben al even niets van je gehoord" in text:
        return "re-contact"
    if "herinnering" in text.lower():
        return "reminder"
    return text[:40]
