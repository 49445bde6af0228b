"""What the engine looks up for an event (flows.lookups.needs), as a table."""

from __future__ import annotations

import pytest

from flows.appointments import Press, read_press
from flows.checkins import checkin_of, score_answer
from flows.lookups import Needs, needs, worker_link
from flows.model import BlockedIn, ButtonIn, CommandIn, Event, MediaIn, TextIn
from flows.state import State

NEW, DONE = State(), State(step="done")
MOVING = State(step="done", appt_change=12)  # picking a day part for appointment 12

CASES: list[tuple[Event, State, Needs]] = [
    # (event, state, what the engine looks up)
    (TextIn("hoi"), NEW, Needs()),
    (TextIn("hoi"), DONE, Needs(handler=True, open_checkin=True)),
    (ButtonIn("needs:work"), State(step="needs"), Needs()),
    (ButtonIn("appt:ok:12:1"), NEW, Needs(appointment=12)),
    (ButtonIn("apptwhen:12:morning"), DONE, Needs(handler=True, appointment=12)),
    (ButtonIn("apptwhy:12:skip"), MOVING, Needs(handler=True, appointment=12)),
    (ButtonIn("appt:ok:x:1"), DONE, Needs(handler=True)),  # no appointment named
    (ButtonIn("lang:en"), MOVING, Needs(handler=True)),  # another button: not the moving one
    (TextIn("morgen kan ik niet"), MOVING, Needs(handler=True, appointment=12, open_checkin=True)),
    (MediaIn("voice"), MOVING, Needs(handler=True, appointment=12)),
    (TextIn("oké ik kom"), DONE, Needs(handler=True, awaited_appointment=True, open_checkin=True)),
    (TextIn("Dat past niet"), NEW, Needs(awaited_appointment=True)),
    (ButtonIn("ci:7:3"), DONE, Needs(handler=True, checkin=7)),
    (ButtonIn("ci:x:3"), DONE, Needs(handler=True)),
    (TextIn("😐"), DONE, Needs(handler=True, open_checkin=True)),
    (CommandIn("afspraken"), DONE, Needs(handler=True, upcoming=True)),
    (CommandIn("toestemming"), NEW, Needs(consents=True)),
    (CommandIn("consent"), NEW, Needs(consents=True)),
    (BlockedIn(), DONE, Needs(handler=True)),
]


@pytest.mark.parametrize(("event", "state", "wanted"), CASES)
def test_what_the_engine_looks_up(event: Event, state: State, wanted: Needs) -> None:
    assert needs(event, state) == wanted


def test_only_koppel_is_a_workers_link() -> None:
    assert worker_link(CommandIn("koppel", "K7Q2")) == "K7Q2"
    assert worker_link(CommandIn("start")) is None
    assert worker_link(TextIn("/koppel K7Q2")) is None


@pytest.mark.parametrize(
    ("data", "press"),
    [
        ("appt:ok:12:1", Press("appt", 12, "ok", 1)),
        ("appt:late:12:3", Press("appt", 12, "late", 3)),
        ("appt:ok:12:", Press("appt", 12, "ok")),
        ("apptwhen:12:evening", Press("apptwhen", 12, "evening")),
        ("apptwhy:12:skip", Press("apptwhy", 12, "skip")),
        ("appt:ok:12", None),
        ("appt:ok:x:1", None),
        ("appt:ok:12:v2", None),
        ("apptwhen:12", None),
        ("ci:12:3", None),
    ],
)
def test_appointment_buttons_are_read_by_their_flow(data: str, press: Press | None) -> None:
    assert read_press(data) == press


@pytest.mark.parametrize(
    ("data", "checkin", "answer"),
    [("ci:12:3", 12, "3"), ("ci:12:no", 12, "no"), ("ci:x:3", 0, "3"), ("checkin:week", 0, "")],
)
def test_checkin_buttons_are_read_by_their_flow(data: str, checkin: int, answer: str) -> None:
    assert checkin_of(data) == checkin
    if answer:
        assert score_answer(data) == answer
