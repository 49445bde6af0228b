"""The team: colleagues and their load, adding one, absence and cover, and the code that
links a worker's own Telegram for notifications.
"""

from __future__ import annotations

import asyncio
import secrets
from datetime import datetime, timedelta

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from flows.assignment import needs_requeue
from flows.model import N_
from inbox.errors import Forbidden, Invalid
from inbox.passwords import hash_password, password_problem
from inbox.service.assignment import Assignment
from inbox.service.base import candidate, storable
from storage import casework, workers
from storage.models import Worker, Youth
from storage.workers import WorkerView

COVER = N_("{old} is even afwezig. {new} leest en antwoordt intussen.")
LINK_CODE_TTL = timedelta(minutes=15)
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I to misread


class Team(Assignment):
    """The partnership's workers; an absence may send cases back to be auto-assigned."""

    async def everyone(self, worker: WorkerView) -> list[WorkerView]:
        """The partnership's workers, without their load (the queue's filter and cover form)."""
        async with self.db.transaction() as session:
            team = await workers.of_partnership(session, worker.partnership_id)
        return [workers.view(w) for w in team]

    async def team(self, worker: WorkerView) -> list[tuple[WorkerView, int]]:
        async with self.db.transaction() as session:
            team = await workers.of_partnership(session, worker.partnership_id)
            load = await casework.open_load(session, worker.partnership_id)
        return [(workers.view(w), load.get(w.id, 0)) for w in team]

    async def add_worker(
        self,
        worker: WorkerView,
        *,
        username: str,
        first_name: str,
        full_name: str,
        password: str,
        role: str = "worker",
        capacity: int = 15,
        languages: tuple[str, ...] = ("nl",),
        organisation: str = "",
    ) -> WorkerView:
        if not worker.is_coordinator:
            raise Forbidden("Alleen coördinatoren voegen collega's toe.")
        if role not in ("worker", "coordinator"):
            raise Invalid("Kies de rol trajectgezel of coördinator.")
        if not username.strip() or not first_name.strip():
            raise Invalid("Vul een gebruikersnaam en een voornaam in.")
        username = in_partnership(username, worker.partnership_id)
        problem = password_problem(password, username)
        if problem:
            raise Invalid(problem)
        for value, most, what in ((username, 120, "De gebruikersnaam"), (first_name, 60, "De voornaam"),
                                  (full_name, 120, "De volledige naam"), (organisation, 120, "De organisatie")):  # fmt: skip
            if len(storable(value)) > most:
                raise Invalid(f"{what} mag hooguit {most} tekens lang zijn.")
        if not 0 <= capacity <= 200:
            raise Invalid("Het aantal jongeren moet tussen 0 en 200 liggen.")
        hashed = await asyncio.to_thread(hash_password, password)  # slow on purpose: off the loop
        try:
            async with self.db.transaction() as session:
                new = await workers.add(
                    session,
                    partnership_id=worker.partnership_id,
                    username=username,
                    first_name=first_name.strip(),
                    full_name=full_name.strip() or first_name.strip(),
                    password_hash=hashed,
                    role=role,
                    now=self.clock(),
                    organisation=organisation.strip(),
                    languages=languages,
                    capacity=capacity,
                )
                await casework.audit(session, worker.id, "add_worker", None, self.clock())
                return workers.view(new)
        except IntegrityError as exc:  # only a name in this partnership can clash
            raise Invalid("Die gebruikersnaam bestaat al.") from exc

    async def set_presence(
        self, worker: WorkerView, worker_id: int, absent: bool, cover_id: int | None
    ) -> None:
        """Mark a worker absent or back; with no present cover their cases go back to the queue."""
        if worker.id != worker_id and not worker.is_coordinator:
            raise Forbidden("Je kunt alleen jezelf afwezig zetten.")
        now = self.clock()
        async with self.db.transaction() as session:
            target = await self.colleague(session, worker, worker_id)
            cover = await self.colleague(session, worker, cover_id) if cover_id else None
            if cover is not None and cover.id == target.id:
                raise Invalid("Iemand kan niet zijn eigen vervanger zijn.")
            target.absent, target.cover_id = absent, cover.id if cover else None
            load = await casework.open_load(session, worker.partnership_id)
            if needs_requeue(candidate(target, load.get(target.id, 0)),
                             candidate(cover, load.get(cover.id, 0)) if cover else None):  # fmt: skip
                for case in await casework.assigned_to(session, [target.id]):
                    row = await casework.case_in(session, worker.partnership_id, case.id)
                    if row is not None and row.status != "closed":
                        await casework.unassign(session, row, None, "absent", now)
            elif absent and cover is not None:
                await self.tell_cover(session, target, cover, now)
            await casework.audit(session, worker.id, "presence", None, now)
        self.notify_outbox()
        self.changed(worker.partnership_id)
        await self.auto_assign(worker.partnership_id)

    async def tell_cover(
        self, session: AsyncSession, absent: Worker, cover: Worker, now: datetime
    ) -> None:
        """Youths of an absent worker hear who answers meanwhile."""
        for case in await casework.assigned_to(session, [absent.id]):
            row = await casework.case_in(session, absent.partnership_id, case.id)
            youth = await session.get(Youth, row.youth_id) if row else None
            if youth is not None:
                text = self.translator.gettext(COVER, youth.lang).format(
                    old=absent.first_name, new=cover.first_name
                )
                await self.say_to_youth(session, youth, None, text, None, now)

    async def link_code(self, worker: WorkerView) -> str:
        """A one-time code the worker sends to the bot (/koppel CODE) to get notifications."""
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(6))
        async with self.db.transaction() as session:
            me = await self.acting(session, worker)
            await workers.set_link_code(session, me, code, self.clock() + LINK_CODE_TTL)
        return code


def in_partnership(username: str, partnership_id: str) -> str:
    """The login name of a colleague a coordinator adds: what they typed, ending in
    "@<partnership>" ("sara" in wam becomes "sara@wam").

    Login names stay unique over the whole instance (the login page asks for no
    partnership), yet a coordinator can only ever clash with a name of their own
    partnership: whether "sara" exists elsewhere is not theirs to learn.
    """
    name = username.strip()
    suffix = f"@{partnership_id}"
    return name if name.lower().endswith(suffix.lower()) else name + suffix
