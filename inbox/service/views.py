"""What the inbox shows, as plain frozen dataclasses: the queue, a case, its promise."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from flows.assignment import Suggestion
from storage.casework import CaseSummary
from storage.checkins import Answer
from storage.timeline import TimelineItem
from storage.workers import WorkerView

Promise = Literal["on_time", "almost_late", "late", "urgent_hour", "urgent_late"]


@dataclass(frozen=True)
class UrgentPromise:
    """A crisis case: answered within the hour; outside working hours the coordinators are
    told at once and the hour starts when the team is back."""

    deadline: datetime
    after_hours: bool
    late: bool


@dataclass(frozen=True)
class QueuedCase:
    case: CaseSummary
    waiting_since: datetime
    promise: Promise
    deadline: datetime
    returning: bool = False  # wrote again after the case was closed


@dataclass(frozen=True)
class LowScore:
    """A youth who answered a check-in low this week: the newest low answer of the case."""

    case: CaseSummary
    score: int
    answered_at: datetime


@dataclass(frozen=True)
class QueueView:
    waiting: list[QueuedCase]
    mine: list[CaseSummary]  # one page; urgent ones first
    team: list[CaseSummary]  # coordinators: a page of the partnership's open cases
    low: list[LowScore] = field(default_factory=list)  # mine; coordinators: the partnership's
    urgent: dict[int, UrgentPromise] = field(default_factory=dict)  # by case id
    totals: dict[str, int] = field(default_factory=dict)  # per list, with the filters
    cursors: dict[str, str | None] = field(default_factory=dict)  # per list: the next page's
    unread: int = 0  # youth messages not yet seen on my (and covered) open cases


@dataclass(frozen=True)
class CheckinsView:
    """The youth's check-ins as a worker sees them on the case page."""

    rhythm: str | None  # week | 2weeks | month | none; None: never chosen
    quiet_hours: str | None  # the youth's own, like "22:00-10:00"; None: the partnership's
    default_quiet_hours: str  # the partnership's
    answers: list[Answer]  # newest first


@dataclass(frozen=True)
class CaseView:
    case: CaseSummary
    answers: dict[str, object]
    timeline: list[TimelineItem]
    colleagues: list[WorkerView]
    suggestions: list[Suggestion]
    quick_replies: tuple[str, ...]
    answering: WorkerView | None
    promise: Promise | None
    checkins: CheckinsView | None = None
    urgent: UrgentPromise | None = None
    may_act: bool = True  # False: a colleague's case, to read and leave a note on only
    # WhatsApp's 24-hour window: when free messages stop (None: no window on this channel).
    window_closes_at: datetime | None = None
    kept: int = 0  # messages waiting until the youth writes again
    phone: str = ""  # the WhatsApp number in full, only where the partnership shows numbers
    # The timeline shows a page (the newest, or one before `?voor=`); this cursor gives the
    # page before it (None: the timeline starts on this page).
    timeline_older: str | None = None
