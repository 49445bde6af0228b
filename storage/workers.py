"""Workers (trajectgezellen, coordinators, admins), their sessions, API tokens and logins."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import set_committed_value

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
    has_totp: bool = False  # two-step login (TOTP) is set up

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
        worker.totp_secret is not None,
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


async def covered_by(session: AsyncSession, worker: WorkerView) -> list[int]:
    """The absent colleagues this worker covers for."""
    stmt = select(Worker.id).where(
        Worker.partnership_id == worker.partnership_id,
        Worker.active,
        Worker.absent,
        Worker.cover_id == worker.id,
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


async def close_all_sessions(session: AsyncSession, worker_id: int) -> int:
    """End every session of a worker (API tokens are revoked apart): how many there were."""
    result = await session.execute(
        delete(WorkerSession).where(WorkerSession.worker_id == worker_id)
    )
    return int(getattr(result, "rowcount", 0) or 0)


# --- API tokens -----------------------------------------------------------------------------


TOKEN_SCOPES = ("read", "write")  # read: GET only; write: every operation
TOKEN_DAYS = 90  # a new token's lifetime unless its maker chooses another
MAX_TOKEN_DAYS = 365
LAST_USED_EVERY = timedelta(minutes=1)  # not a write per request: a minute is precise enough


@dataclass(frozen=True)
class TokenView:
    """An API token as its owner sees it in a list: never the token, never its hash."""

    id: int
    name: str
    scope: str
    created_at: datetime
    expires_at: datetime
    last_used_at: datetime | None


def token_view(row: ApiToken) -> TokenView:
    return TokenView(row.id, row.name, row.scope, row.created_at, row.expires_at, row.last_used_at)


async def add_token(
    session: AsyncSession, worker: Worker, token: str, name: str, now: datetime, *,
    scope: str = "write", days: int = TOKEN_DAYS,
) -> TokenView:  # fmt: skip
    """Keep the hash of a new token, valid for `days` from now."""
    if scope not in TOKEN_SCOPES or not 1 <= days <= MAX_TOKEN_DAYS:
        raise ValueError(f"scope {scope!r} or {days} days")
    row = ApiToken(
        worker_id=worker.id, token_hash=digest(token), name=name, scope=scope, created_at=now,
        expires_at=now + timedelta(days=days), last_used_at=None,
    )  # fmt: skip
    session.add(row)
    await session.flush()
    return token_view(row)


async def use_token(session: AsyncSession, token: str, now: datetime) -> tuple[Worker, str] | None:
    """The worker and scope of an unexpired token of an active worker; notes its use."""
    stmt = select(ApiToken).where(ApiToken.token_hash == digest(token))
    row = (await session.execute(stmt)).scalar_one_or_none()
    if row is None or row.expires_at <= now:
        return None
    worker = await get(session, row.worker_id)
    if worker is None:
        return None
    if row.last_used_at is None or now - row.last_used_at >= LAST_USED_EVERY:
        row.last_used_at = now
    return worker, row.scope


async def token_worker(
    session: AsyncSession, token: str, now: datetime | None = None
) -> Worker | None:
    found = await use_token(session, token, now or datetime.now(UTC))
    return found[0] if found else None


async def tokens_of(session: AsyncSession, worker_id: int) -> list[TokenView]:
    """A worker's tokens, newest first (expired ones too, until they are revoked)."""
    stmt = (
        select(ApiToken)
        .where(ApiToken.worker_id == worker_id)
        .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
    )
    return [token_view(row) for row in (await session.execute(stmt)).scalars()]


async def revoke_token(session: AsyncSession, worker_id: int, token_id: int) -> bool:
    """Delete one of the worker's own tokens: False if they have none with that id."""
    result = await session.execute(
        delete(ApiToken).where(ApiToken.id == token_id, ApiToken.worker_id == worker_id)
    )
    return int(getattr(result, "rowcount", 0) or 0) == 1


async def revoke_all_tokens(session: AsyncSession, worker_id: int) -> int:
    result = await session.execute(delete(ApiToken).where(ApiToken.worker_id == worker_id))
    return int(getattr(result, "rowcount", 0) or 0)


async def deactivate(session: AsyncSession, worker: Worker) -> None:
    """No more logins: the account stays (for the audit trail), its sessions and tokens end."""
    worker.active = False
    await close_all_sessions(session, worker.id)
    await revoke_all_tokens(session, worker.id)


# --- login throttling and lockout ------------------------------------------------------------


async def record_failed_login(
    session: AsyncSession, username: str, remote: str, now: datetime
) -> None:
    session.add(LoginAttempt(username=username.strip().lower()[:120], remote=remote[:64], at=now))


@dataclass(frozen=True)
class Failures:
    by_user: int
    by_address: int
    by_pair: int  # of the username from the address
    newest: datetime | None  # the newest failure counted for the username


async def failures_after(
    session: AsyncSession, username: str, remote: str, *, window_start: datetime,
    user_from: datetime | None = None,
) -> Failures:  # fmt: skip
    """Failed logins after `window_start` (not at it), for the username and from the address.

    `user_from` (when a lock ended) leaves out the username's failures from before it.
    """
    name = username.strip().lower()
    user = [LoginAttempt.username == name, LoginAttempt.at > window_start]
    if user_from is not None:
        user.append(LoginAttempt.at >= user_from)
    by_user = select(func.count(), func.max(LoginAttempt.at)).where(*user)
    by_remote = select(func.count()).where(
        LoginAttempt.remote == remote[:64], LoginAttempt.at > window_start
    )
    by_pair = select(func.count()).where(*user, LoginAttempt.remote == remote[:64])
    count, newest = (await session.execute(by_user)).one()
    if newest is not None and newest.tzinfo is None:  # an aggregate may skip the column type
        newest = newest.replace(tzinfo=UTC)
    from_address = int((await session.execute(by_remote)).scalar_one())
    pair = int((await session.execute(by_pair)).scalar_one())
    return Failures(int(count), from_address, pair, newest)


async def clear_failures(session: AsyncSession, username: str) -> None:
    await session.execute(
        delete(LoginAttempt).where(LoginAttempt.username == username.strip().lower())
    )


def lock(worker: Worker, until: datetime) -> None:
    """No login (password or code) until then, right or wrong."""
    worker.locked_until = until


def unlock(worker: Worker) -> None:
    worker.locked_until = None


# --- two-step login (TOTP) -------------------------------------------------------------------
# The column holds "SECRET:STEP": the base32 secret and the last step a code was used for, so
# a code works once, and a pending login signed with the column value works once too.


def totp_secret(worker: Worker) -> str | None:
    return worker.totp_secret.partition(":")[0] if worker.totp_secret else None


def totp_last_step(worker: Worker) -> int:
    step = (worker.totp_secret or "").partition(":")[2]
    return int(step) if step.isdigit() else -1


def set_totp(worker: Worker, secret: str, used_step: int) -> None:
    """Turn two-step login on, with the step of the code that confirmed it already used."""
    worker.totp_secret = f"{secret}:{used_step}"


def clear_totp(worker: Worker) -> None:
    """Two-step login off (a lost phone): the next login asks for the password only."""
    worker.totp_secret = None


async def use_totp_step(session: AsyncSession, worker: Worker, step: int) -> bool:
    """Mark a step's code used; False if it (or a later one) was used already.

    One UPDATE that only matches the value we read: two logins racing with the same code
    cannot both win.
    """
    old, secret = worker.totp_secret, totp_secret(worker)
    if old is None or secret is None or step <= totp_last_step(worker):
        return False
    new = f"{secret}:{step}"
    result = await session.execute(
        update(Worker)
        .where(Worker.id == worker.id, Worker.totp_secret == old)
        .values(totp_secret=new)
        .execution_options(synchronize_session=False)
    )
    if int(getattr(result, "rowcount", 0) or 0) != 1:
        return False
    set_committed_value(worker, "totp_secret", new)
    return True


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
