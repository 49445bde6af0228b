"""Creating worker accounts outside the inbox: the CLI and the demo accounts of a fresh install."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from flows.directory import Directory
from inbox.passwords import hash_password, password_problem
from storage import workers
from storage.clock import utcnow
from storage.db import Database

DEMO = (
    ("sara", "Sara", "Sara Peeters", "worker", "CAW/JAC"),
    ("tom", "Tom", "Tom Janssens", "worker", "VDAB"),
    ("jan", "Jan", "Jan Claes", "coordinator", "Arktos"),
)


@dataclass(frozen=True)
class NewAccount:
    username: str
    password: str
    role: str
    partnership_id: str


def new_password() -> str:
    return secrets.token_urlsafe(12)


async def add_account(
    db: Database,
    directory: Directory,
    *,
    partnership_id: str,
    username: str,
    first_name: str,
    full_name: str,
    role: str,
    password: str | None = None,
    organisation: str = "",
) -> NewAccount:
    """Add a worker; a password is generated when none is given. Raises ValueError."""
    if not directory.has_partnership(partnership_id):
        known = ", ".join(p.id for p in directory.partnerships)
        raise ValueError(f"unknown partnership {partnership_id!r} (known: {known})")
    if role not in workers.ROLES:
        raise ValueError(f"role must be one of {', '.join(workers.ROLES)}")
    password = password or new_password()
    problem = password_problem(password, username)
    if problem:
        raise ValueError(problem)
    async with db.transaction() as session:
        if await workers.by_username(session, username):
            raise ValueError(f"username {username!r} is taken")
        await workers.add(
            session,
            partnership_id=partnership_id,
            username=username,
            first_name=first_name,
            full_name=full_name,
            password_hash=hash_password(password),
            role=role,
            now=utcnow(),
            organisation=organisation,
        )
    return NewAccount(username.strip().lower(), password, role, partnership_id)


async def seed_demo(
    db: Database, directory: Directory, partnership_id: str = "wam"
) -> list[NewAccount]:
    """On an empty database only: three demo accounts in one partnership, new passwords."""
    async with db.transaction() as session:
        if await workers.count(session):
            return []
    return [
        await add_account(
            db,
            directory,
            partnership_id=partnership_id,
            username=username,
            first_name=first,
            full_name=full,
            role=role,
            organisation=organisation,
        )
        for username, first, full, role, organisation in DEMO
    ]
