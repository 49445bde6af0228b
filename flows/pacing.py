"""When an automated message may reach a youth: quiet hours, pauses, /stop, one a week.

Automated messages are the ones nobody asked for at that moment: check-ins, the one
re-contact after a youth drifted out of view, and appointment reminders. Answers to the
youth's own messages, crisis help and what a worker writes are never held here.

rule                                        effect on an automated message
──────────────────────────────────────────  ────────────────────────────────────────────
/stop, or the youth blocked the bot         none at all, until /start or a new message
/pauze until a moment                       none before that moment
quiet hours (partnership's, or the youth's) moved to the moment they end
the last check-in or re-contact unanswered  the next one waits a week after it
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

WEEK = timedelta(days=7)


@dataclass(frozen=True)
class QuietHours:
    """A local clock window without automated messages; it may cross midnight."""

    start: time = time(21)
    end: time = time(9)

    def contains(self, wall: time) -> bool:
        if self.start == self.end:
            return False
        if self.start < self.end:
            return self.start <= wall < self.end
        return wall >= self.start or wall < self.end

    def next_open(self, moment: datetime, tz: ZoneInfo) -> datetime:
        """`moment` itself when it is outside the quiet hours, else the moment they end."""
        local = moment.astimezone(tz)
        if not self.contains(local.time().replace(tzinfo=None)):
            return moment
        day = local.date()
        if self.start > self.end and local.time() >= self.start:
            day += timedelta(days=1)
        return wall_time(day, self.end, tz).astimezone(moment.tzinfo)

    def as_tuple(self) -> tuple[time, time]:
        return self.start, self.end

    def __str__(self) -> str:
        return f"{self.start:%H:%M}-{self.end:%H:%M}"


DEFAULT_QUIET = QuietHours()
_QUIET = re.compile(r"^\s*(\d{1,2})(?:[:.u](\d{2}))?u?\s*[-–]\s*(\d{1,2})(?:[:.u](\d{2}))?u?\s*$")


def parse_quiet_hours(text: str) -> QuietHours | None:
    """Read "21-9", "22:30-07:00" or "21u-9u"; None when it is not a window."""
    found = _QUIET.match(text)
    if found is None:
        return None
    h1, m1, h2, m2 = found.groups()
    try:
        start, end = time(int(h1), int(m1 or 0)), time(int(h2), int(m2 or 0))
    except ValueError:
        return None
    return QuietHours(start, end)


def wall_time(day: date, clock: time, tz: ZoneInfo) -> datetime:
    """A local wall-clock moment (in a spring-forward gap zoneinfo reads it as the moment after)."""
    return datetime.combine(day, clock, tzinfo=tz)


@dataclass(frozen=True)
class Pacing:
    """What decides whether an automated message may go out to one youth."""

    quiet: QuietHours = DEFAULT_QUIET
    paused_until: datetime | None = None
    stopped: bool = False
    unreachable: bool = False
    last_automated_at: datetime | None = None  # the last check-in or re-contact sent
    last_heard_at: datetime | None = None  # the last message or button from the youth

    @property
    def waiting_for_answer(self) -> bool:
        """The last check-in or re-contact has had no answer yet."""
        sent, heard = self.last_automated_at, self.last_heard_at
        return sent is not None and (heard is None or heard < sent)


Why = Literal["stopped", "paused", "quiet", "unanswered"]


def earliest(
    now: datetime, pacing: Pacing, tz: ZoneInfo, *, capped: bool = True
) -> datetime | None:
    """The first moment from `now` an automated message may go out; None: not until the youth acts.

    `capped`: whether the one-unanswered-message-a-week rule applies (check-ins and
    re-contacts; appointment reminders, which the youth asked for, are not capped).
    """
    if pacing.stopped or pacing.unreachable:
        return None
    moment = now
    if pacing.paused_until is not None and moment < pacing.paused_until:
        moment = pacing.paused_until
    if capped and pacing.waiting_for_answer:
        assert pacing.last_automated_at is not None
        moment = max(moment, pacing.last_automated_at + WEEK)
    return pacing.quiet.next_open(moment, tz)


def held_because(now: datetime, pacing: Pacing, tz: ZoneInfo, *, capped: bool = True) -> Why | None:
    """Why an automated message may not go out now (None: it may)."""
    if pacing.stopped or pacing.unreachable:
        return "stopped"
    if pacing.paused_until is not None and now < pacing.paused_until:
        return "paused"
    if capped and pacing.waiting_for_answer:
        assert pacing.last_automated_at is not None
        if now < pacing.last_automated_at + WEEK:
            return "unanswered"
    if pacing.quiet.contains(now.astimezone(tz).time().replace(tzinfo=None)):
        return "quiet"
    return None
