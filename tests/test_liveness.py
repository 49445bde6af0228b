"""Which buttons still count, rule by rule (the web chat greys the others)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.channels.liveness import LIVE, liveness, passed_by
from storage.models import Appointment, Message

T0 = datetime(2026, 11, 20, 14, tzinfo=UTC)


def out(ident: int, data: str | None, minutes: int = 0) -> Message:
    rows = [[{"text": "x", "data": data}]] if data else None
    return Message(id=ident, direction="out", author="bot", text="…",
                   buttons={"rows": rows} if rows else None,
                   created_at=T0 + timedelta(minutes=minutes))  # fmt: skip


def came_in(ident: int, text: str) -> Message:
    return Message(id=ident, direction="in", author="youth", text=text, created_at=T0)


def appointment(state: str = "proposed", version: int = 1, updated: int = 0) -> Appointment:
    return Appointment(id=7, state=state, version=version, minutes=60,
                       starts_at=T0 + timedelta(days=3),
                       updated_at=T0 + timedelta(minutes=updated))  # fmt: skip


def test_an_appointment_stays_live_behind_newer_questions() -> None:
    found = liveness([out(1, "appt:ok:7:1"), out(2, "checkin:week")], {7: appointment()}, T0)
    assert found == {1: LIVE, 2: LIVE}


def test_moved_cancelled_over_and_answered() -> None:
    proposal = [out(1, "appt:ok:7:1")]
    assert liveness(proposal, {7: appointment(version=2)}, T0) == {1: "moved"}
    assert liveness(proposal, {7: appointment("cancelled")}, T0) == {1: "cancelled"}
    assert liveness(proposal, {}, T0) == {1: "cancelled"}
    assert liveness(proposal, {7: appointment()}, T0 + timedelta(days=4)) == {1: "over"}
    assert liveness(proposal, {7: appointment("confirmed", updated=5)}, T0) == {1: "answered"}


def test_a_reminder_after_the_confirmation_asks_again() -> None:
    messages = [out(1, "appt:ok:7:1"), out(2, "appt:ok:7:1", minutes=60)]
    found = liveness(messages, {7: appointment("confirmed", updated=5)}, T0)
    assert found == {1: "answered", 2: LIVE}


def test_only_the_newest_question_and_not_once_the_youth_moved_past_it() -> None:
    assert liveness([out(1, "ref:x"), out(2, "consent:yes")], {}, T0) == {1: "older", 2: LIVE}
    assert liveness([out(2, "apptwhy:7:skip")], {}, T0, passed=True) == {2: "older"}


def test_what_counts_as_moving_past_a_question() -> None:
    assert passed_by([came_in(3, "Ik heb dan les."), out(4, None)])
    assert passed_by([came_in(3, "▸ Elke week"), out(4, None)])
    assert not passed_by([came_in(3, "Ik heb dan les.")])  # no answer yet
    assert not passed_by([came_in(3, "/hulp"), out(4, None)])  # a command is an aside
    assert not passed_by([out(3, "appt:ok:7:1")])  # the coach planned something


def test_every_group_session_in_a_list_stays_tappable() -> None:
    """/aanbod shows each session as a message with "Ik kom": all of them count, and a
    question after them is still the newest question (the flows answer a full or past
    session kindly)."""
    messages = [out(1, "ofr:in:3"), out(2, "ofr:in:4"), out(3, "ofr:out:3"), out(4, "ref:x")]
    assert liveness(messages, {}, T0) == {1: LIVE, 2: LIVE, 3: LIVE, 4: LIVE}
    assert liveness(messages, {}, T0, passed=True) == {1: LIVE, 2: LIVE, 3: LIVE, 4: "older"}
