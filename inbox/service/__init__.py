"""Inbox actions, shared by the pages and the JSON API: one place that checks and does.

Every action takes the acting worker first and works inside that worker's partnership:
a case, worker or message of another partnership raises NotFound, exactly as a missing one.
Inside the partnership, `Inbox.may_act` is the one rule for acting on a case that is not yours.

`Inbox` is one object put together from one module per part of the API (the mixins below);
`base` holds what they share, `views` what they return.
"""

from __future__ import annotations

from inbox.service.base import NOT_YOURS, Base, candidate, storable
from inbox.service.cases import Cases
from inbox.service.conversation import MAX_NOTE, MAX_REPLY, Conversation
from inbox.service.privacy import Privacy
from inbox.service.profiles import BadProfile, Profiles, ProfileView
from inbox.service.reports import Reports
from inbox.service.status import Status
from inbox.service.team import Team, in_partnership
from inbox.service.views import (
    CaseView,
    CheckinsView,
    LowScore,
    Promise,
    QueuedCase,
    QueueView,
    UrgentPromise,
)

__all__ = [
    "MAX_NOTE",
    "MAX_REPLY",
    "NOT_YOURS",
    "BadProfile",
    "CaseView",
    "CheckinsView",
    "Inbox",
    "LowScore",
    "ProfileView",
    "Promise",
    "QueueView",
    "QueuedCase",
    "UrgentPromise",
    "candidate",
    "in_partnership",
    "storable",
]


class Inbox(Cases, Conversation, Status, Team, Privacy, Profiles, Reports, Base):
    """The inbox service: reading (`Cases`), writing (`Conversation`), who answers
    (`Assignment`, through `Status` and `Team`), a case's state (`Status`), the team
    (`Team`), a coordinator's view of a youth's data (`Privacy`), the case's profile for the
    report (`Profiles`) and the report (`Reports`)."""
