"""Signals to workers: a case turns urgent, needs "aandacht", drifts "uit beeld", comes back
after closing ("terug"), pauses, stops.

Each signal changes the case (a flag and a timeline event) and sends a content-free note to
the Telegram of whoever should know: the case's worker, or the coordinators when nobody has
it yet; a crisis always reaches the coordinators too, whatever the working hours.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from core.i18n import Translator
from core.outgoing import notify_worker
from flows.model import N_, Param
from storage import casework, workers
from storage.models import Case, Worker

# To workers (Dutch): never any content, only that there is something in the inbox.
URGENT = N_("Dringend: {name} stuurde een bericht dat op een crisis wijst. Open de inbox.")
LOW_SCORE = N_("{name} gaf een lage score bij de check-in. Open de inbox.")
OUT_OF_VIEW = N_("{name} is uit beeld: al een tijd geen bericht. Open de inbox.")
PAUSED = N_("{name} nam pauze tot {day}: geen automatische berichten tot dan.")
RETURNING = N_(
    "{name} komt terug: de begeleiding was afgesloten en er is een nieuw bericht. Open de inbox."
)
STOPPED = N_("{name} koos /stop: geen automatische berichten meer. Schrijven kan nog.")


class Signals:
    def __init__(self, translator: Translator) -> None:
        self.translator = translator

    async def tell(
        self,
        session: AsyncSession,
        case: Case,
        text: str,
        now: datetime,
        params: Mapping[str, Param] | None = None,
        *,
        coordinators: bool = False,
    ) -> None:
        """A note to the case's worker (or, with nobody on it or `coordinators`, the coordinators)."""
        to: dict[int, Worker] = {}
        worker = await casework.answering_worker(session, case)
        if worker is not None:
            to[worker.id] = worker
        if worker is None or coordinators:
            to |= {w.id: w for w in await workers.coordinators(session, case.partnership_id)}
        name = str((case.answers or {}).get("name") or "?")
        line = self.translator.gettext(text, "nl")
        values = {k: self.translator.param(v, "nl") for k, v in (params or {}).items()}
        for each in to.values():
            await notify_worker(session, each, line.format(name=name, **values), now)

    async def urgent(self, session: AsyncSession, case: Case, now: datetime) -> None:
        await casework.set_urgent(session, case, True, None, now)
        await self.tell(session, case, URGENT, now, coordinators=True)

    async def flag(self, session: AsyncSession, case: Case, flag: str, now: datetime) -> bool:
        """Flag "aandacht" (a low check-in) or "uit_beeld"; tell the worker once per flag."""
        if not await casework.set_flag(session, case, flag, None, now):
            return False
        await self.tell(session, case, LOW_SCORE if flag == "aandacht" else OUT_OF_VIEW, now)
        return True
