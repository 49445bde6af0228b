"""A youth's data as a coordinator may see it: who looked at the case, and the export."""

from __future__ import annotations

from datetime import datetime

from core.privacy import export_for
from inbox.errors import Forbidden
from inbox.service.base import Base
from storage import casework
from storage.models import Youth
from storage.workers import WorkerView


class Privacy(Base):
    """Coordinators only; both are audited themselves."""

    async def audit_trail(
        self, worker: WorkerView, case_id: int
    ) -> list[tuple[datetime, str, str]]:
        if not worker.is_coordinator:
            raise Forbidden("Alleen coördinatoren zien wie een dossier bekeek.")
        async with self.db.transaction() as session:
            case = await self.own_case(session, worker, case_id)
            await casework.audit(session, worker.id, "view_audit", case.id, self.clock())
            return await casework.audit_trail(session, case.id)

    async def export(self, worker: WorkerView, case_id: int) -> tuple[str, str]:
        """A coordinator produces the youth's /mijngegevens file: (file name, JSON); audited."""
        if not worker.is_coordinator:
            raise Forbidden("Alleen coördinatoren kunnen de gegevens van een jongere exporteren.")
        now = self.clock()
        async with self.db.transaction() as session:
            case = await self.own_case(session, worker, case_id)
            youth = await session.get(Youth, case.youth_id)
            assert youth is not None
            _, name, content = await export_for(session, self.runtime(), youth, now)
            await casework.audit(session, worker.id, "export", case.id, now)
        return name, content
