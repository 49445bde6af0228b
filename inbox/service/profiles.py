"""A case's profile for the report: read (audited) and changed by whoever may act on the case."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from inbox.errors import Conflict, InboxError
from inbox.service.base import Base
from storage import casework, profiles
from storage.models import Case, Worker
from storage.profiles import BadProfileValue, Profile
from storage.workers import WorkerView


@dataclass(frozen=True)
class ProfileView:
    """The profile as the case page and the API show it: the values, and who filled it in."""

    profile: Profile
    filled_by_name: str | None  # the worker's first name; None: nobody yet (or gone)


class BadProfile(InboxError):
    """A value outside its field's list; `field` names the field. The API answers 422 as for
    `Invalid`; not an `Invalid`, so the page shows the form again instead of a flash."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


BAD_VALUE = "'{field}': kies een van de mogelijkheden in de lijst."
ERASED = "De jongere liet alles wissen: hier komen geen gegevens meer bij."
UNKNOWN_FIELD = "'{field}' hoort niet bij de rapportgegevens."


class Profiles(Base):
    """The worker fills the profile in over time; every field may stay "unknown"."""

    async def case_profile(self, worker: WorkerView, case_id: int, *, audit: bool) -> ProfileView:
        """The case's profile. `audit`: this read is the visit itself (the API); False where
        the visit is already logged (the case page)."""
        async with self.db.transaction() as session:
            case = await self.own_case(session, worker, case_id)
            if audit:
                await casework.audit_view(session, worker.id, case.id, self.clock(), "view_profile")
            return await self.profile_in(session, case)

    async def profile_in(self, session: AsyncSession, case: Case) -> ProfileView:
        """The case's profile in the caller's transaction (a filler of the team loaded there
        comes from the session, not another query)."""
        found = await profiles.profile_of(session, case.id)
        filler = await session.get(Worker, found.filled_by) if found.filled_by else None
        return ProfileView(found, filler.first_name if filler else None)

    async def set_profile(
        self, worker: WorkerView, case_id: int, values: dict[str, object]
    ) -> ProfileView:
        """Change the given fields (the others stay); the timeline and the audit log say so."""
        try:
            profiles.validate(values)
        except BadProfileValue as error:
            raise BadProfile(error.field, BAD_VALUE.format(field=error.field)) from None
        except KeyError as error:
            field = str(error.args[0])
            raise BadProfile(field, UNKNOWN_FIELD.format(field=field)) from None
        now = self.clock()
        async with self.db.transaction() as session:
            case = await self.own_case(session, worker, case_id)
            await self.may_act(session, worker, case)
            if case.outcome == "erased":  # storage.privacy.ERASED: a tombstone stays empty
                raise Conflict(ERASED)
            me = await self.acting(session, worker)
            before = await profiles.profile_of(session, case.id)
            changed = sorted(f for f, v in values.items() if getattr(before, f) != v)
            if values:
                await profiles.set_profile(session, case.id, values, me.id, now)
                await casework.add_event(
                    session, case.id, me.id, "profile", {"fields": changed}, now
                )
                await casework.audit(session, worker.id, "profile", case.id, now)
        if values:
            self.changed(worker.partnership_id, case_id)
        return await self.case_profile(worker, case_id, audit=False)
