"""Workers (trajectgezellen, coordinators, admins), their sessions, API tokens and logins."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import ApiToken, LoginAttempt, Worker, WorkerSession

ROLES = ("worker", "coordinator", "admin")


@dataclass(frozen=True)
class WorkerView:
    """A worker as the inbox needs them: never the password hash."""

    id: int
    partnership_id: str
    username: str
    first_name: str
    full_name: str
    organisation: str
    role: str
    languages: tuple[str, ...]
    municipalities: tuple[str, ...]
    capacity: int
    absent: bool
    cover_id: int | None
    telegram_linked: bool

    @property
    def is_coordinator(self) -> bool:
        return self.role in ("coordinator", "admin")


def view(worker: Worker) -> WorkerView:
    return WorkerView(
        worker.id,
        worker.partnership_id,
        worker.username,
        worker.first_name,
        worker.full_name,
        worker.organisation,
        worker.role,
        tuple((worker.languages or {}).get("codes", ["nl"])),
        tuple((worker.municipalities or {}).get("names", [])),
        worker.capacity,
        worker.absent,
        worker.cover_id,
        worker.telegram_chat_id is not None,
    )


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def add(
    session: AsyncSession,
    *,
    partnership_id: str,
    username: str,
    first_name: str,
    full_name: str,
    password_hash: str,
    role: str,
    now: datetime,
    organisation: str = "",
    languages: tuple[str, ...] = ("nl",),
    capacity: int = 15,
) -> Worker:
    worker = Worker(
        partnership_id=partnership_id,
        username=username.strip().lower(),
        first_name=first_name,
        full_name=full_name,
        organisation=organisation,
        role=role,
        password_hash=password_hash,
        languages={"codes": list(languages)},
        municipalities={"names": []},
        capacity=capacity,
        absent=False,
        active=True,
        created_at=now,
    )
    session.add(worker)
    await session.flush()
    return worker


async def by_username(session: AsyncSession, username: str) -> Worker | None:
    stmt = select(Worker).where(Worker.username == username.strip().lower(), Worker.active)
    return (await session.execute(stmt)).scalar_one_or_none()


async def get(session: AsyncSession, worker_id: int) -> Worker | None:
    worker = await session.get(Worker, worker_id)
    return worker if worker is not None and worker.active else None


async def of_partnership(session: AsyncSession, partnership_id: str) -> list[Worker]:
    stmt = (
        select(Worker)
        .where(Worker.partnership_id == partnership_id, Worker.active)
        .order_by(Worker.first_name, Worker.id)
    )
    return list((await session.execute(stmt)).scalars())


async def coordinators(session: AsyncSession, partnership_id: str) -> list[Worker]:
    """The partnership's coordinators (and admins): told at once about a crisis message."""
    return [w for w in await of_partnership(session, partnership_id) if w.role != "worker"]


async def count(session: AsyncSession) -> int:
    return int((await session.execute(select(func.count()).select_from(Worker))).scalar_one())


# --- sessions -------------------------------------------------------------------------------


async def open_session(
    session: AsyncSession, worker: Worker, token: str, csrf: str, now: datetime, ttl: timedelta
) -> None:
    session.add(
        WorkerSession(
            id=digest(token), worker_id=worker.id, csrf=csrf, created_at=now, expires_at=now + ttl
        )
    )


async def session_worker(
    session: AsyncSession, token: str, now: datetime
) -> tuple[Worker, WorkerSession] | None:
    row = await session.get(WorkerSession, digest(token))
    if row is None or row.expires_at <= now:
        return None
    worker = await get(session, row.worker_id)
    return (worker, row) if worker is not None else None


async def close_session(session: AsyncSession, token: str) -> None:
    await session.execute(delete(WorkerSession).where(WorkerSession.id == digest(token)))


async def close_all_sessions(session: AsyncSession, worker_id: int) -> None:
    await session.execute(delete(WorkerSession).where(WorkerSession.worker_id == worker_id))


# --- API tokens -----------------------------------------------------------------------------


async def add_token(
    session: AsyncSession, worker: Worker, token: str, name: str, now: datetime
) -> None:
    session.add(ApiToken(worker_id=worker.id, token_hash=digest(token), name=name, created_at=now))


async def token_worker(session: AsyncSession, token: str) -> Worker | None:
    stmt = select(ApiToken).where(ApiToken.token_hash == digest(token))
    row = (await session.execute(stmt)).scalar_one_or_none()
    return await get(session, row.worker_id) if row else None


# --- login throttling -----------------------------------------------------------------------


async def record_failed_login(
    session: AsyncSession, username: str, remote: str, now: datetime
) -> None:
    session.add(LoginAttempt(username=username.strip().lower()[:120], remote=remote[:64], at=now))


async def recent_failures(
    session: AsyncSession, username: str, remote: str, since: datetime
) -> tuple[int, int]:
    """Failed logins since `since`: (for this username, from this address)."""
    by_user = select(func.count()).where(
        LoginAttempt.username == username.strip().lower(), LoginAttempt.at >= since
    )
    by_remote = select(func.count()).where(LoginAttempt.remote == remote, LoginAttempt.at >= since)
    return (
        int((await session.execute(by_user)).scalar_one()),
        int((await session.execute(by_remote)).scalar_one()),
    )


async def clear_failures(session: AsyncSession, username: str) -> None:
    await session.execute(
        delete(LoginAttempt).where(LoginAttempt.username == username.strip().lower())
    )


# --- Telegram link codes --------------------------------------------------------------------


async def set_link_code(
    session: AsyncSession, worker: Worker, code: str, expires: datetime
) -> None:
    worker.link_code_hash = digest(code.upper())
    worker.link_code_expires = expires


async def link_telegram(
    session: AsyncSession, code: str, chat_id: str, now: datetime
) -> Worker | None:
    """Link the worker whose unexpired code this is to a Telegram chat; the code is used up."""
    stmt = select(Worker).where(
        Worker.link_code_hash == digest(code.strip().upper()), Worker.active
    )
    worker = (await session.execute(stmt)).scalar_one_or_none()
    if worker is None or worker.link_code_expires is None or worker.link_code_expires <= now:
        return None
    worker.telegram_chat_id = chat_id
    worker.link_code_hash = None
    worker.link_code_expires = None
    return worker
