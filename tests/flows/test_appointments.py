"""Appointments: validation, reminder times across clock changes, and the youth's answers."""

from __future__ import annotations

import ast
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta

import pytest

from flows.appointments import (
    AppointmentProblem,
    appointment_message,
    reminder_times,
    validate_new,
)
from flows.context import Context
from flows.model import AppointmentAnswer, ButtonIn, Reply
from flows.state import Answers, State
from flows.views import AppointmentView
from tests.support.dialog import BRUSSELS, NOW, ROOT, Chat, lexicon, places, translator

# --- validation -----------------------------------------------------------------------------

OK = {"minutes": 60, "place": "WAM!-kantoor, Stationsstraat 1, Maasmechelen", "note": ""}


@pytest.mark.parametrize(
    ("day", "at", "changes", "field", "message"),
    [
        (date(2027, 3, 28), time(2, 30), {}, "time", "Die tijd bestaat niet op die dag"),
        (date(2026, 10, 25), time(2, 30), {}, "time", "Die tijd bestaat twee keer op die dag"),
        (date(2026, 11, 20), time(14, 0), {}, "time", "Die afspraak ligt in het verleden."),
        (date(2026, 11, 19), time(16, 0), {}, "time", "Die afspraak ligt in het verleden."),
        (date(2026, 11, 24), time(14, 0), {"minutes": 0}, "minutes", "minstens 1 minuut"),
        (date(2026, 11, 24), time(14, 0), {"minutes": -5}, "minutes", "minstens 1 minuut"),
        (date(2026, 11, 24), time(14, 0), {"minutes": 12 * 60 + 1}, "minutes", "hooguit 12 uur"),
        (date(2026, 11, 24), time(14, 0), {"place": "   "}, "place", "Vul in waar"),
        (date(2026, 11, 24), time(14, 0), {"place": "x" * 5000}, "place", "hooguit 300 tekens"),
        (date(2026, 11, 24), time(14, 0), {"note": "x" * 1001}, "note", "hooguit 1000 tekens"),
    ],
)
def test_bad_appointments_get_a_clear_problem(
    day: date, at: time, changes: dict[str, object], field: str, message: str
) -> None:
    args = {**OK, **changes}
    now = NOW if day.year == 2026 and day.month == 11 else datetime(2026, 1, 1, tzinfo=BRUSSELS)
    with pytest.raises(AppointmentProblem) as caught:
        validate_new(day, at, tz=BRUSSELS, now=now, **args)  # type: ignore[arg-type]
    assert caught.value.field == field
    assert message in str(caught.value)


def test_the_clock_change_problems_say_what_happens() -> None:
    earlier = datetime(2026, 1, 1, tzinfo=BRUSSELS)
    with pytest.raises(AppointmentProblem) as gap:
        validate_new(date(2027, 3, 28), time(2, 30), 60, "Kantoor", "", BRUSSELS, earlier)
    assert str(gap.value) == (
        "Die tijd bestaat niet op die dag (de klok springt een uur vooruit). Kies een ander uur."
    )
    with pytest.raises(AppointmentProblem) as fold:
        validate_new(date(2026, 10, 25), time(2, 30), 60, "Kantoor", "", BRUSSELS, earlier)
    assert str(fold.value) == (
        "Die tijd bestaat twee keer op die dag (de klok gaat een uur terug). Kies een ander uur."
    )


def test_a_good_appointment_starts_in_utc() -> None:
    starts = validate_new(date(2026, 11, 24), time(14), 60, "Kantoor", "", BRUSSELS, NOW)
    assert starts == datetime(2026, 11, 24, 13, 0, tzinfo=UTC)
    # Just around the clock changes, real times are fine.
    early = datetime(2026, 1, 1, tzinfo=BRUSSELS)
    assert validate_new(
        date(2027, 3, 28), time(3, 0), 60, "Kantoor", "", BRUSSELS, early
    ) == datetime(2027, 3, 28, 1, 0, tzinfo=UTC)
    assert validate_new(
        date(2026, 10, 25), time(3, 0), 60, "Kantoor", "", BRUSSELS, early
    ) == datetime(2026, 10, 25, 2, 0, tzinfo=UTC)


# --- reminder times -------------------------------------------------------------------------


def at(y: int, m: int, d: int, hh: int, mm: int = 0) -> datetime:
    """A Brussels wall time as an aware UTC datetime."""
    return datetime(y, m, d, hh, mm, tzinfo=BRUSSELS).astimezone(UTC)


def wall(moment: datetime) -> datetime:
    return moment.astimezone(BRUSSELS).replace(tzinfo=None)


EARLY = at(2026, 1, 1, 12)


def test_a_day_before_keeps_the_hour_across_the_autumn_change() -> None:
    starts = at(2026, 10, 26, 14)  # Monday, winter time
    due = reminder_times(starts, (1440, 2880), tz=BRUSSELS, now=EARLY)
    assert [(o, wall(d)) for o, d in due] == [
        (2880, datetime(2026, 10, 24, 14)),  # Saturday, still summer time
        (1440, datetime(2026, 10, 25, 14)),  # Sunday, after the change
    ]
    assert starts - due[0][1] == timedelta(hours=49)  # 2 days and the hour we got back


def test_a_day_before_keeps_the_hour_across_the_spring_change() -> None:
    starts = at(2027, 3, 29, 10)  # Monday, summer time
    due = reminder_times(starts, (1440, 2880), tz=BRUSSELS, now=EARLY)
    assert [(o, wall(d)) for o, d in due] == [
        (2880, datetime(2027, 3, 27, 10)),  # Saturday, still winter time
        (1440, datetime(2027, 3, 28, 10)),  # Sunday, after the change
    ]
    assert starts - due[0][1] == timedelta(hours=47)


@pytest.mark.parametrize(
    "starts",
    [at(2026, 10, 25, 3, 30), at(2027, 3, 28, 3, 30), at(2026, 11, 24, 14)],
)
def test_hours_and_minutes_are_exact_real_time(starts: datetime) -> None:
    no_quiet = (time(0), time(0))
    due = reminder_times(starts, (120, 5), tz=BRUSSELS, quiet=no_quiet, now=EARLY)
    assert due == [(120, starts - timedelta(hours=2)), (5, starts - timedelta(minutes=5))]


def test_a_reminder_in_quiet_hours_moves_to_the_evening_before() -> None:
    starts = at(2026, 11, 24, 9)  # Tuesday 9u: 2 hours before is 7u, too early
    due = reminder_times(starts, (1440, 120), tz=BRUSSELS, now=NOW)
    assert [(o, wall(d)) for o, d in due] == [
        (1440, datetime(2026, 11, 23, 9)),  # 9u is the end of the quiet hours: fine
        (120, datetime(2026, 11, 23, 20, 59)),
    ]


def test_a_late_evening_reminder_moves_earlier_the_same_evening() -> None:
    starts = at(2026, 11, 24, 23, 30)
    due = reminder_times(starts, (60,), tz=BRUSSELS, now=NOW)
    assert [(o, wall(d)) for o, d in due] == [(60, datetime(2026, 11, 24, 20, 59))]


def test_quiet_hours_that_do_not_cross_midnight() -> None:
    starts = at(2026, 11, 24, 14)
    lunch = (time(12), time(13, 30))
    due = reminder_times(starts, (60, 180), tz=BRUSSELS, quiet=lunch, now=NOW)
    assert [(o, wall(d)) for o, d in due] == [
        (180, datetime(2026, 11, 24, 11, 0)),
        (60, datetime(2026, 11, 24, 11, 59)),  # 13u is in the quiet hours
    ]


def test_reminders_in_the_past_are_dropped() -> None:
    starts = at(2026, 11, 24, 14)
    three_hours_before = starts - timedelta(hours=3)
    assert [o for o, _ in reminder_times(starts, (1440, 120), tz=BRUSSELS, now=three_hours_before)]
    assert reminder_times(starts, (1440, 120), tz=BRUSSELS, now=three_hours_before) == [
        (120, starts - timedelta(hours=2))
    ]
    assert reminder_times(starts, (1440, 120), tz=BRUSSELS, now=starts) == []
    # Created at 22u for 9u tomorrow: the 2-hour reminder would move to yesterday, so it goes.
    nine = at(2026, 11, 25, 9)
    assert reminder_times(nine, (120,), tz=BRUSSELS, now=at(2026, 11, 24, 22)) == []


def test_reminders_at_the_same_moment_become_one() -> None:
    starts = at(2026, 11, 24, 9)  # 21u and 22u the evening before both move to 20u59
    due = reminder_times(starts, (720, 660, 660), tz=BRUSSELS, now=NOW)
    assert [(o, wall(d)) for o, d in due] == [(720, datetime(2026, 11, 23, 20, 59))]


def test_a_negative_offset_is_a_bug() -> None:
    with pytest.raises(ValueError, match="negative"):
        reminder_times(at(2026, 11, 24, 9), (-5,), tz=BRUSSELS, now=NOW)


# --- messages -------------------------------------------------------------------------------

SARA = AppointmentView(
    id=7,
    starts_at=at(2026, 11, 24, 14),  # Tuesday; the chat's clock is Friday 20 November, 15u
    minutes=60,
    place="WAM!-kantoor, Stationsstraat 1, Maasmechelen",
    kind="gesprek",
    worker_name="Sara",
    note="Breng je identiteitskaart mee.",
    state="proposed",
    version=1,
)


def noor(view: AppointmentView | None = SARA) -> Chat:
    """Noor, registered with WAM!, with the appointment the engine would look up."""
    return Chat(state=State(step="done", answers=Answers(name="Noor", partnership_id="wam")),
                appointment=view)  # fmt: skip


def context(chat: Chat) -> Context:
    return Context(
        now=chat.now,
        lang=chat.lang,
        directory=places(),
        lexicon=lexicon(),
        appointment=chat.appointment,
    )


def receive(chat: Chat, reply: Reply) -> str:
    """The engine pushes a message to the youth (no event from them)."""
    chat.last = translator().reply(reply, chat.lang)
    return "\n".join(r.text for r in chat.last)


def told(chat: Chat, intro: str = "new") -> str:
    assert chat.appointment is not None
    reply = appointment_message(chat.appointment, context(chat), intro=intro)  # type: ignore[arg-type]
    return receive(chat, reply)


def answers(chat: Chat) -> list[AppointmentAnswer]:
    return [e for e in chat.effects if isinstance(e, AppointmentAnswer)]


def test_a_new_appointment_reads_plainly_with_two_buttons() -> None:
    chat = noor()
    assert told(chat) == (
        "Sara plant een afspraak met je.\n"
        "Wanneer: dinsdag 24 november om 14u\n"
        "Waar: WAM!-kantoor, Stationsstraat 1, Maasmechelen\n"
        "Wat: Gesprek\n"
        "Sara zegt erbij: Breng je identiteitskaart mee.\n"
        "Past dat voor jou?"
    )
    assert chat.buttons() == ["Oké, ik kom", "Dat past niet"]
    assert [b.data for r in chat.last for row in r.buttons for b in row] == [
        "appt:ok:7:1",
        "appt:no:7:1",
    ]


def test_on_the_day_the_youth_can_say_they_are_late() -> None:
    chat = noor()
    chat.now = datetime(2026, 11, 24, 13, 50, tzinfo=BRUSSELS)
    assert told(chat, "reminder") == (
        "Even een herinnering: je afspraak met Sara is dinsdag 24 november om 14u.\n"
        "Waar: WAM!-kantoor, Stationsstraat 1, Maasmechelen\n"
        "Wat: Gesprek\n"
        "Sara zegt erbij: Breng je identiteitskaart mee."
    )
    assert chat.buttons() == ["Oké, ik kom", "Dat past niet", "Ik ben te laat"]
    assert chat.press("Ik ben te laat") == "Oké, ik laat Sara weten dat je later bent. Tot zo!"
    assert answers(chat) == [AppointmentAnswer(7, "late")]


def test_late_is_refused_kindly_on_another_day() -> None:
    chat = noor()
    answer = "\n".join(chat.send(ButtonIn("appt:late:7:1")))
    assert answer == (
        "Je afspraak is pas dinsdag 24 november om 14u.\n"
        "Ben je die dag te laat? Laat het dan hier weten."
    )
    assert answers(chat) == []


def test_moved_and_cancelled_messages() -> None:
    chat = noor(replace(SARA, starts_at=at(2026, 11, 25, 10, 30), version=2, note=""))
    assert told(chat, "moved") == (
        "Je afspraak met Sara is verzet.\n"
        "Wanneer: woensdag 25 november om 10u30\n"
        "Waar: WAM!-kantoor, Stationsstraat 1, Maasmechelen\n"
        "Wat: Gesprek\n"
        "Past dat voor jou?"
    )
    assert chat.last[0].buttons[0][0].data == "appt:ok:7:2"
    chat.appointment = replace(SARA, state="cancelled")
    assert told(chat, "cancelled") == (
        "Je afspraak van dinsdag 24 november om 14u gaat niet door.\n"
        "Heb je een vraag? Stuur hier gerust een bericht."
    )
    assert chat.buttons() == []
    with pytest.raises(ValueError, match="cancelled"):
        told(chat, "reminder")


def test_the_message_in_english() -> None:
    chat = noor(replace(SARA, kind="vdab"))
    chat.lang = "en"
    text = told(chat)
    assert text.startswith("Sara is planning an appointment with you.\nWhen: Tuesday 24 November")
    assert "What: Appointment at VDAB" in text
    assert chat.buttons() == ["OK, I'll be there", "That doesn't suit me"]


def test_button_data_fits_telegram_with_huge_ids() -> None:
    chat = noor(replace(SARA, id=2**63 - 1, version=2**31))
    chat.now = datetime(2026, 11, 24, 8, tzinfo=BRUSSELS)
    told(chat)
    assert all(len(b.data.encode()) <= 64 for r in chat.last for row in r.buttons for b in row)


# --- the youth's answers as dialog tables ---------------------------------------------------


def test_ok_confirms() -> None:
    chat = noor()
    told(chat)
    assert chat.press("Oké, ik kom") == "Top, tot dan!"
    assert answers(chat) == [AppointmentAnswer(7, "confirmed")]


def test_does_not_suit_asks_a_day_part_and_why() -> None:
    chat = noor()
    told(chat)
    # (youth taps or types, bot answers)
    dialog = [
        ("Dat past niet", "Wanneer past het je beter?"),
        ("Avond (17u–20u)", "Wil je zeggen waarom? Typ het, of tik op Overslaan."),
        ("Ik heb dan les tot 16u.", "Dank je. Sara zoekt een nieuw moment met je."),
    ]
    for i, (done, expected) in enumerate(dialog):
        if i == 1:
            assert chat.buttons() == [
                "Voormiddag (9u–12u)",
                "Namiddag (12u–17u)",
                "Avond (17u–20u)",
                "Maakt niet uit",
            ]
            # The state survives a restart mid-way (serialised to the database and back).
            chat.state = State.from_json(chat.state.to_json())
        answer = chat.say(done) if i == 2 else chat.press(done)
        assert answer == expected
    assert answers(chat) == [
        AppointmentAnswer(
            7, "wants_change", dayparts=("evening",), reason="Ik heb dan les tot 16u."
        )
    ]
    assert chat.state.appt_change == 0 and chat.state.appt_dayparts == ()
    # The next message is an ordinary one for the coach again.
    assert chat.say("Tot later!").startswith("Bedankt! Ik geef je bericht door aan je coach.")


def test_does_not_suit_and_skip_why() -> None:
    chat = noor()
    told(chat)
    chat.press("Dat past niet")
    chat.press("Maakt niet uit")
    assert chat.press("Overslaan") == "Dank je. Sara zoekt een nieuw moment met je."
    assert answers(chat) == [AppointmentAnswer(7, "wants_change", dayparts=("any",))]


def test_typing_instead_of_picking_a_day_part_is_the_reason() -> None:
    chat = noor()
    told(chat)
    chat.press("Dat past niet")
    assert chat.say("Maandag kan ik beter") == "Dank je. Sara zoekt een nieuw moment met je."
    assert answers(chat) == [
        AppointmentAnswer(7, "wants_change", dayparts=(), reason="Maandag kan ik beter")
    ]


def test_crisis_words_while_moving_come_first() -> None:
    chat = noor()
    told(chat)
    chat.press("Dat past niet")
    assert "1813" in chat.say("ik wil niet meer leven")
    assert chat.state.appt_change == 7
    assert answers(chat) == []


def test_a_press_on_a_moved_appointment_shows_the_new_moment() -> None:
    chat = noor()
    told(chat)
    chat.appointment = replace(SARA, starts_at=at(2026, 11, 26, 11), version=2)
    assert chat.press("Oké, ik kom") == (
        "Die afspraak is intussen verzet. Hier is het nieuwe moment:\n"
        "Wanneer: donderdag 26 november om 11u\n"
        "Waar: WAM!-kantoor, Stationsstraat 1, Maasmechelen\n"
        "Wat: Gesprek\n"
        "Sara zegt erbij: Breng je identiteitskaart mee.\n"
        "Past dat voor jou?"
    )
    assert answers(chat) == []
    assert chat.press("Oké, ik kom") == "Top, tot dan!"
    assert answers(chat) == [AppointmentAnswer(7, "confirmed")]


@pytest.mark.parametrize("view", [replace(SARA, state="cancelled"), None])
def test_a_press_on_a_cancelled_or_gone_appointment(view: AppointmentView | None) -> None:
    chat = noor()
    told(chat)
    chat.appointment = view
    assert chat.press("Dat past niet") == "Die afspraak gaat niet meer door."
    assert answers(chat) == [] and chat.state.appt_change == 0


def test_cancelled_while_the_youth_was_typing_why() -> None:
    chat = noor()
    told(chat)
    chat.press("Dat past niet")
    chat.appointment = replace(SARA, state="cancelled")
    assert chat.say("Ik moet werken") == "Die afspraak gaat niet meer door."
    assert chat.state.appt_change == 0 and answers(chat) == []


def test_a_press_after_the_appointment() -> None:
    chat = noor()
    told(chat)
    chat.now = datetime(2026, 11, 24, 15, 0, tzinfo=BRUSSELS)
    assert chat.press("Oké, ik kom") == "Die afspraak is al voorbij."
    assert answers(chat) == []


@pytest.mark.parametrize("data", ["appt:ok", "appt:ok:x:1", "appt:maybe:7:1", "apptwhen:7:night"])
def test_broken_buttons_are_stale(data: str) -> None:
    chat = noor()
    assert "\n".join(chat.send(ButtonIn(data))) == "Die knop werkt niet meer."
    assert answers(chat) == []


def test_the_module_shows_its_table() -> None:
    doc = ast.get_docstring(ast.parse((ROOT / "flows" / "appointments.py").read_text("utf-8")))
    assert doc and "─" in doc
