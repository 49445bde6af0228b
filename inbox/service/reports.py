"""The coordinator's report: who may read which partnership's figures, and reading them."""

from __future__ import annotations

from inbox.errors import Forbidden, NotFound
from inbox.service.base import Base
from storage import casework
from storage.reports import Period, Report, build
from storage.workers import WorkerView

ALL = "all"  # an admin's choice: every partnership together
NOT_YOURS = "Dit rapport bestaat niet (of niet voor jouw partnerschap)."
ONLY_COORDINATORS = "Alleen coördinatoren bekijken het rapport."


class Reports(Base):
    """Coordinators read their partnership's report; an admin any partnership's, or all."""

    def report_scope(self, worker: WorkerView, asked: str | None) -> str | None:
        """The partnership the report is about (None: all); another one's is 'not found'."""
        if not worker.is_coordinator:
            raise Forbidden(ONLY_COORDINATORS)
        if worker.role != "admin":
            if asked not in (None, "", worker.partnership_id):
                raise NotFound(NOT_YOURS)
            return worker.partnership_id
        if asked == ALL:
            return None
        if asked in (None, ""):
            return worker.partnership_id
        if not self.directory.has_partnership(asked):
            raise NotFound(NOT_YOURS)
        return asked

    def promises(self) -> dict[str, int]:
        """Each partnership's first-response promise, in working days."""
        return {p.id: p.first_response_workdays for p in self.directory.partnerships}

    def entry_labels(self, scope: str | None) -> dict[str, str]:
        """The label of each poster or card of the partnership (None: of every partnership)."""
        return {
            e.key: e.label
            for p in self.directory.partnerships
            if scope in (None, p.id)
            for e in p.entry_points
        }

    async def report(self, worker: WorkerView, partnership: str | None, period: Period) -> Report:
        """The figures for a period; reading them is audit-logged ("view_report")."""
        scope = self.report_scope(worker, partnership)
        now = self.clock()
        async with self.db.transaction() as session:
            report = await build(
                session, scope, period, self.promises(), now, self.translator.tz,
                self.entry_labels(scope),
            )  # fmt: skip
            await casework.audit(session, worker.id, "view_report", None, now)
        return report
