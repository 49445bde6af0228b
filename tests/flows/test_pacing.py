"""Quiet hours, pauses, /stop and the weekly limit as tables (flows.pacing)."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from flows.pacing import Pacing, QuietHours, earliest, held_because, parse_quiet_hours

BRUSSELS = ZoneInfo("Europe/Brussels")


def at(day: int, hour: int, minute: int = 0) -> datetime:
    """A local Brussels moment in December 2026, in UTC."""
    return datetime(2026, 12, day, hour, minute, tzinfo=BRUSSELS).astimezone(UTC)


@pytest.mark.parametrize(
    ("typed", "window"),
    [
        ("21-9", "21:00-09:00"),
        ("22:30-07:00", "22:30-07:00"),
        ("21u-9u", "21:00-09:00"),
        ("22u30 - 8u", "22:30-08:00"),
        ("13-15", "13:00-15:00"),
        ("0-0", "00:00-00:00"),
    ],
)
def test_quiet_hours_are_read_as_people_write_them(typed: str, window: str) -> None:
    assert str(parse_quiet_hours(typed)) == window


@pytest.mark.parametrize("typed", ["", "21", "25-9", "21:61-9", "avond", "21-9-3", "-1-9"])
def test_anything_else_is_not_a_window(typed: str) -> None:
    assert parse_quiet_hours(typed) is None


@pytest.mark.parametrize(
    ("window", "clock", "quiet"),
    [
        (QuietHours(), time(20, 59), False),
        (QuietHours(), time(21), True),
        (QuietHours(), time(3), True),
        (QuietHours(), time(8, 59), True),
        (QuietHours(), time(9), False),
        (QuietHours(time(13), time(15)), time(14), True),
        (QuietHours(time(13), time(15)), time(15), False),
        (QuietHours(time(0), time(0)), time(3), False),  # no quiet hours at all
    ],
)
def test_which_moments_are_quiet(window: QuietHours, clock: time, quiet: bool) -> None:
    assert window.contains(clock) is quiet


@pytest.mark.parametrize(
    ("moment", "opens"),
    [
        (at(7, 14), at(7, 14)),  # not quiet: now
        (at(7, 22), at(8, 9)),  # evening: tomorrow at 9u
        (at(8, 3), at(8, 9)),  # night: this morning at 9u
    ],
)
def test_quiet_hours_end_at_nine(moment: datetime, opens: datetime) -> None:
    assert QuietHours().next_open(moment, BRUSSELS) == opens


NOW = at(9, 14)  # a Wednesday afternoon


@pytest.mark.parametrize(
    ("pacing", "why", "first"),
    [
        (Pacing(), None, NOW),
        (Pacing(stopped=True), "stopped", None),
        (Pacing(unreachable=True), "stopped", None),
        (Pacing(paused_until=at(16, 14)), "paused", at(16, 14)),
        (Pacing(paused_until=at(16, 23)), "paused", at(17, 9)),  # the pause ends at night
        (Pacing(paused_until=at(1, 10)), None, NOW),  # a pause in the past
        (Pacing(last_automated_at=at(5, 14)), "unanswered", at(12, 14)),
        (Pacing(last_automated_at=at(5, 14), last_heard_at=at(6, 10)), None, NOW),
        (Pacing(last_automated_at=at(2, 14)), None, NOW),  # a week ago: one more may go
        (Pacing(quiet=QuietHours(time(12), time(16))), "quiet", at(9, 16)),
    ],
    ids=[
        "free", "stopped", "blocked", "paused", "pause-ends-at-night", "old-pause",
        "unanswered", "answered", "unanswered-a-week-ago", "own-quiet-hours",
    ],
)  # fmt: skip
def test_when_an_automated_message_may_go(
    pacing: Pacing, why: str | None, first: datetime | None
) -> None:
    assert held_because(NOW, pacing, BRUSSELS) == why
    assert earliest(NOW, pacing, BRUSSELS) == first


def test_reminders_are_not_held_by_the_weekly_limit() -> None:
    pacing = Pacing(last_automated_at=NOW - timedelta(days=1))
    assert held_because(NOW, pacing, BRUSSELS, capped=False) is None
    assert earliest(NOW, pacing, BRUSSELS, capped=False) == NOW
