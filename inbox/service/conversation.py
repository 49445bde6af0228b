"""The conversation: a worker's reply to the youth and the team's private notes."""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError

from flows.model import N_
from inbox.errors import Conflict, Invalid
from inbox.service.base import Base, storable
from storage import casework, followup
from storage.models import Youth
from storage.workers import WorkerView

MAX_REPLY = 4000  # Telegram allows 4,096 characters; the name line takes some
MAX_NOTE = 10_000
SIGNATURE = N_("{name} schrijft:")


class Conversation(Base):
    """Writing on a case: to the youth (signed) or for the team."""

    async def reply(
        self, worker: WorkerView, case_id: int, text: str, ref: str | None = None
    ) -> None:
        """Send a worker's message to the youth, signed with their first name."""
        text = storable(text).strip()
        if not text:
            raise Invalid("Je bericht is leeg.")
        if len(text) > MAX_REPLY:
            raise Invalid(
                f"Je bericht is {len(text)} tekens lang; het mag er hooguit {MAX_REPLY} zijn. "
                "Verdeel het over twee berichten."
            )
        now = self.clock()
        try:
            async with self.db.transaction() as session:
                case = await self.own_case(session, worker, case_id)
                if case.status == "closed":
                    raise Conflict("Deze aanmelding is afgesloten. Heropen ze eerst.")
                me = await self.acting(session, worker)
                if case.worker_id is None:
                    await casework.claim(session, case.id, me, now)  # answering is taking it
                else:
                    await self.may_act(session, worker, case)
                youth = await session.get(Youth, case.youth_id)
                assert youth is not None
                signature = self.translator.gettext(SIGNATURE, youth.lang).format(
                    name=me.first_name
                )
                await self.say_to_youth(session, youth, me, f"{signature}\n{text}", ref, now)
                await followup.worker_answered(session, case, now)
                await casework.mark_read(session, case)
                await casework.audit(session, worker.id, "reply", case.id, now)
        except IntegrityError:
            return  # the same form was submitted twice: it was sent once
        self.notify_outbox()
        self.changed(worker.partnership_id, case_id)

    async def note(self, worker: WorkerView, case_id: int, text: str) -> None:
        text = storable(text).strip()
        if not text:
            raise Invalid("Je notitie is leeg.")
        if len(text) > MAX_NOTE:
            raise Invalid(f"Een notitie mag hooguit {MAX_NOTE} tekens lang zijn.")
        now = self.clock()
        async with self.db.transaction() as session:
            case = await self.own_case(session, worker, case_id)
            me = await self.acting(session, worker)
            await casework.add_note(session, case, me, text, now)
            await casework.audit(session, worker.id, "note", case.id, now)
        self.changed(worker.partnership_id, case_id)
