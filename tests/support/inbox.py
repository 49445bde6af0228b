"""Workers and cases for inbox tests, straight into the database."""

from __future__ import annotations

import html
import re

from inbox.passwords import hash_password
from storage import registrations, workers, youths
from storage.clock import utcnow
from storage.db import Database
from storage.models import Worker
from storage.workers import WorkerView

PASSWORD = "correct horse battery"


async def add_worker(db: Database, name: str, *, role: str = "worker", partnership: str = "wam",
                     capacity: int = 15) -> WorkerView:  # fmt: skip
    async with db.transaction() as session:
        worker = await workers.add(
            session, partnership_id=partnership, username=f"{name.lower()}@{partnership}",
            first_name=name, full_name=f"{name} Peeters", password_hash=hash_password(PASSWORD),
            role=role, now=utcnow(), capacity=capacity,
        )  # fmt: skip
        return workers.view(worker)


async def add_case(
    db: Database, name: str = "Noor", partnership: str = "wam", chat: str = "1",
    channel: str = "telegram",
) -> int:  # fmt: skip
    async with db.transaction() as session:
        youth = await youths.get_or_create(session, channel, chat, "nl", utcnow())
        youth.state = {"step": "done"}
        answers = {
            "name": name,
            "age": 19,
            "municipality": "Maasmechelen",
            "needs": ["work"],
            "language": "nl",
        }
        case = await registrations.open_case(session, youth, partnership, answers, utcnow())
        return case.id


async def link_telegram(db: Database, worker_id: int, chat_id: str) -> None:
    """As if the worker sent /koppel from their own Telegram: notifications go there."""
    async with db.transaction() as session:
        worker = await session.get(Worker, worker_id)
        assert worker is not None
        worker.telegram_chat_id = chat_id


def form_value(page: str, name: str) -> str:
    """The value of a named form field in a rendered page (hidden fields, prefilled inputs)."""
    found = re.search(rf'name="{name}" value="([^"]*)"', page)
    assert found, f"no field {name!r}"
    return html.unescape(found.group(1))


async def turn_on_totp(db: Database, worker_id: int, secret: str) -> None:
    """As if the worker set up two-step login with this secret (no code used yet)."""
    async with db.transaction() as session:
        worker = await session.get(Worker, worker_id)
        assert worker is not None
        workers.set_totp(worker, secret, -1)
