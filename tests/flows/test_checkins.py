"""Check-ins, /checkin and /pauze as dialog tables; the scheduler's decisions as tables too."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from flows.checkins import Decision, decide, next_due, parse_score
from flows.model import (
    CheckinAnswer,
    CheckinNote,
    CreateCase,
    MediaIn,
    SafetyAlert,
    SetPause,
    SetRhythm,
    SetStopped,
)
from flows.pacing import Pacing, QuietHours
from flows.state import State
from flows.views import CheckinView
from tests.flows.test_intake import finish, register, registered
from tests.support.dialog import NOW, Chat

BRUSSELS = ZoneInfo("Europe/Brussels")


# --- the rhythm ----------------------------------------------------------------------------


def test_the_end_of_the_intake_asks_how_often_and_the_youth_chooses() -> None:
    chat = Chat()
    register(chat)
    last = finish(chat)
    assert chat.of_type(CreateCase)
    assert "Top, Noor! WAM! heeft je aanmelding gekregen." in last
    assert "Mag ik af en toe vragen hoe het met je gaat?" in last
    assert chat.buttons() == ["Elke week", "Om de twee weken", "Elke maand", "Liever niet"]
    assert chat.press("Om de twee weken") == (
        "Top! Ik vraag je om de twee weken eens hoe het gaat.\n"
        "Wil je dat later anders? Typ /checkin."
    )
    assert chat.of_type(SetRhythm) == [SetRhythm("2weeks")]


def test_checkin_command_shows_the_current_rhythm_and_changes_it() -> None:
    chat = registered()
    chat.rhythm = "week"
    assert chat.say("/checkin").startswith("Mag ik af en toe vragen hoe het met je gaat?")
    assert chat.buttons() == ["✅ Elke week", "Om de twee weken", "Elke maand", "Liever niet"]
    assert chat.press("Liever niet") == (
        "Oké, ik stuur je geen check-ins. Je kunt altijd zelf iets sturen.\n"
        "Wil je dat later anders? Typ /checkin."
    )
    assert chat.of_type(SetRhythm)[-1] == SetRhythm("none")


def test_an_unknown_rhythm_button_is_refused_kindly() -> None:
    chat = registered()
    assert chat.send_button("checkin:daily") == "Die knop werkt niet meer."
    assert not chat.of_type(SetRhythm)


# --- answering a check-in ------------------------------------------------------------------


@pytest.mark.parametrize(("data", "score"), [("ci:12:1", 1), ("ci:12:3", 3), ("ci:12:5", 5)])
def test_a_tap_on_the_scale_is_stored_on_its_check_in(data: str, score: int) -> None:
    chat = registered()
    chat.checkin = CheckinView(12)
    answer = chat.send_button(data)
    assert chat.of_type(CheckinAnswer) == [CheckinAnswer(12, score)]
    assert "Wil je er iets over kwijt? Typ het of stuur een spraakbericht." in answer
    assert chat.buttons() == ["Nee, dank je"]
    assert chat.state.checkin_note == 12


def test_a_low_answer_is_taken_seriously_and_points_to_help() -> None:
    chat = registered()
    chat.checkin = CheckinView(12)
    assert chat.send_button("ci:12:2") == (
        "Dat klinkt niet zo goed. Fijn dat je het laat weten.\n"
        "Je coach hoort het ook.\n"
        "Heb je het nu echt moeilijk? Typ /hulp.\n"
        "Wil je er iets over kwijt? Typ het of stuur een spraakbericht."
    )


def test_a_good_answer_then_a_note_for_the_coach() -> None:
    chat = registered()
    chat.checkin = CheckinView(12)
    assert chat.send_button("ci:12:4").startswith("Dank je om het te laten weten!")
    chat.checkin = None
    assert chat.say("Ik heb een sollicitatie gehad!") == "Bedankt. Ik geef het door aan je coach."
    assert chat.of_type(CheckinNote) == [CheckinNote(12, "Ik heb een sollicitatie gehad!")]
    assert chat.state.checkin_note == 0
    # The next message is an ordinary one for the coach again, not a note.
    assert chat.say("En nog iets").startswith("Bedankt! Ik geef je bericht door aan je coach.")
    assert len(chat.of_type(CheckinNote)) == 1


def test_a_voice_note_after_an_answer_is_relayed() -> None:
    chat = registered()
    chat.checkin = CheckinView(12)
    chat.send_button("ci:12:3")
    assert chat.send(MediaIn("voice", "", "file-1")) == ["Bedankt. Ik geef het door aan je coach."]
    assert chat.of_type(CheckinNote) == [CheckinNote(12, "[voice]")]


def test_no_thanks_ends_the_check_in() -> None:
    chat = registered()
    chat.checkin = CheckinView(12)
    chat.send_button("ci:12:4")
    assert chat.press("Nee, dank je") == "Oké! Tot de volgende keer."
    assert chat.state.checkin_note == 0
    assert not chat.of_type(CheckinNote)


@pytest.mark.parametrize(
    ("typed", "score"),
    [("3", 3), (" 4 ", 4), ("4/5", 4), ("2 op 5", 2), ("😐", 3), ("😄", 5), ("🙂", 4),
     ("😞", 1), ("😢", 1), ("👍🏽", 4), ("☹️", 2)],
)  # fmt: skip
def test_a_score_typed_as_a_number_or_emoji_answers_the_open_check_in(
    typed: str, score: int
) -> None:
    chat = registered()
    chat.checkin = CheckinView(12)  # the engine finds the open check-in for a typed answer
    chat.say(typed)
    assert chat.of_type(CheckinAnswer) == [CheckinAnswer(12, score)]


@pytest.mark.parametrize("typed", ["6", "0", "35", "3 euro", "goed", "😐 maar moe", "13/5", ""])
def test_other_texts_are_no_score(typed: str) -> None:
    assert parse_score(typed) is None


def test_a_typed_number_without_an_open_check_in_is_a_message_for_the_coach() -> None:
    chat = registered()
    assert chat.say("3").startswith("Bedankt! Ik geef je bericht door aan je coach.")
    assert not chat.of_type(CheckinAnswer)


def test_an_answer_to_an_old_check_in_is_stored_on_that_one() -> None:
    # Check-in 7 was sent a week before check-in 8; the youth taps on the old message.
    chat = registered()
    chat.checkin = CheckinView(7)  # the engine looked up the id in the button: 7, not 8
    chat.send_button("ci:7:5")
    assert chat.of_type(CheckinAnswer) == [CheckinAnswer(7, 5)]


def test_a_button_of_a_check_in_that_is_gone_is_refused_kindly() -> None:
    chat = registered()
    chat.checkin = None
    assert chat.send_button("ci:99:3") == "Die knop werkt niet meer."
    assert chat.send_button("ci:12:9") == "Die knop werkt niet meer."
    assert not chat.of_type(CheckinAnswer)


def test_crisis_words_in_a_check_in_note_get_the_help_lines_first() -> None:
    chat = registered()
    chat.checkin = CheckinView(12)
    chat.send_button("ci:12:1")
    answer = chat.say("ik zie het niet meer zitten")
    assert chat.of_type(SafetyAlert)
    assert "1813" in answer.split("\n")[2]


# --- /pauze ----------------------------------------------------------------------------------


def test_pauze_offers_one_two_or_four_weeks() -> None:
    chat = registered()
    assert chat.say("/pauze") == "Hoe lang wil je pauze? Ik stuur je dan zelf geen berichten."
    assert chat.buttons() == ["1 week", "2 weken", "4 weken"]
    assert chat.press("2 weken") == (
        "Oké, pauze tot vrijdag 4 december. Tot dan stuur ik je zelf niets.\n"
        "Je kunt wel altijd zelf iets sturen."
    )
    assert chat.of_type(SetPause) == [SetPause(NOW + timedelta(weeks=2))]


@pytest.mark.parametrize(
    ("typed", "weeks"), [("/pauze 1", 1), ("/pauze 4", 4), ("/pauze 2 weken", 2)]
)
def test_pauze_with_a_number_of_weeks_pauses_at_once(typed: str, weeks: int) -> None:
    chat = registered()
    chat.say(typed)
    assert chat.of_type(SetPause) == [SetPause(NOW + timedelta(weeks=weeks))]


@pytest.mark.parametrize(
    "typed", ["/pauze banaan", "/pauze 3", "/pauze -1", "/pauze 99999", "/pauze 🙃"]
)
def test_pauze_with_nonsense_gets_the_buttons(typed: str) -> None:
    chat = registered()
    chat.say(typed)
    assert chat.buttons() == ["1 week", "2 weken", "4 weken"]
    assert not chat.of_type(SetPause)


def test_a_paused_youth_can_end_the_pause() -> None:
    chat = registered()
    chat.paused_until = NOW + timedelta(days=3)
    assert chat.say("/pauze").startswith("Je hebt pauze tot maandag 23 november.")
    assert chat.press("Pauze stoppen") == (
        "Je pauze is voorbij. Ik stuur je weer af en toe een berichtje."
    )
    assert chat.of_type(SetPause) == [SetPause(None)]


def test_a_youth_who_pauses_mid_intake_keeps_their_intake() -> None:
    chat = Chat()
    chat.say("/start")
    chat.say("Noor")
    chat.say("/pauze")
    answer = chat.press("1 week")
    assert answer.endswith("Hoe oud ben je?")
    assert chat.state.step == "age"
    assert chat.state.answers.name == "Noor"
    chat.say("19")
    assert chat.state.step == "place"


def test_a_stale_pause_button_is_refused_kindly() -> None:
    chat = registered()
    assert chat.send_button("pause:7") == "Die knop werkt niet meer."
    assert not chat.of_type(SetPause)


# --- /stop ---------------------------------------------------------------------------------


def test_stop_ends_automated_messages_but_the_youth_can_still_write() -> None:
    chat = registered()
    chat.say("/stop")
    assert chat.of_type(SetStopped) == [SetStopped(True)]
    assert chat.say("Ik heb toch een vraag").startswith(
        "Bedankt! Ik geef je bericht door aan je coach."
    )
    chat.say("/start")
    assert chat.of_type(SetStopped) == [SetStopped(True), SetStopped(False)]


# --- the scheduler's side --------------------------------------------------------------------

SUNDAY = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)


def local(moment: datetime | None) -> str:
    assert moment is not None
    return moment.astimezone(BRUSSELS).strftime("%a %d %b %H:%M")


@pytest.mark.parametrize(
    ("rhythm", "parts", "expected"),
    [
        ("week", ("afternoon",), "Sun 29 Nov 14:00"),
        ("week", ("morning", "evening"), "Sun 29 Nov 10:00"),
        ("week", ("evening",), "Sun 29 Nov 18:00"),
        ("week", ("any",), "Sun 29 Nov 14:00"),
        ("week", (), "Sun 29 Nov 14:00"),
        ("2weeks", ("morning",), "Sun 06 Dec 10:00"),
        ("month", ("afternoon",), "Sun 20 Dec 14:00"),
    ],
)
def test_the_next_check_in_falls_inside_a_chosen_day_part(
    rhythm: str, parts: tuple[str, ...], expected: str
) -> None:
    due = next_due(SUNDAY, rhythm, parts, QuietHours(), BRUSSELS, SUNDAY)
    assert local(due) == expected


def test_no_rhythm_plans_nothing() -> None:
    assert next_due(SUNDAY, "none", (), QuietHours(), BRUSSELS, SUNDAY) is None


def test_a_day_part_inside_the_youths_quiet_hours_moves_to_one_outside() -> None:
    # Evening wanted, but this youth's quiet hours start at 17u: the morning is used instead.
    quiet = QuietHours(time(17), time(9))
    due = next_due(SUNDAY, "week", ("evening", "morning"), quiet, BRUSSELS, SUNDAY)
    assert local(due) == "Sun 29 Nov 10:00"
    # Only the evening, and it is always quiet: the first moment the quiet hours end.
    due = next_due(SUNDAY, "week", ("evening",), quiet, BRUSSELS, SUNDAY)
    assert local(due) == "Sun 29 Nov 09:00"


def test_the_time_of_day_holds_across_the_clock_change() -> None:
    before = datetime(2027, 3, 22, 13, 0, tzinfo=UTC)  # 14u in winter time
    due = next_due(before, "week", ("afternoon",), QuietHours(), BRUSSELS, before)
    assert local(due) == "Mon 29 Mar 14:00"


NOW_UTC = datetime(2026, 11, 25, 13, 0, tzinfo=UTC)  # a Wednesday, 14u in Brussels


@pytest.mark.parametrize(
    ("pacing", "contacts", "unanswered", "expected"),
    [
        (Pacing(), (), 0, Decision("send")),
        (Pacing(stopped=True), (), 0, Decision("drop", reason="stopped")),
        (Pacing(unreachable=True), (), 0, Decision("drop", reason="stopped")),
        (
            Pacing(paused_until=NOW_UTC + timedelta(days=3)),
            (),
            0,
            Decision("defer", at=NOW_UTC + timedelta(days=3), reason="paused"),
        ),
        (
            Pacing(quiet=QuietHours(time(13), time(15))),
            (),
            0,
            Decision("defer", at=datetime(2026, 11, 25, 14, 0, tzinfo=UTC), reason="quiet"),
        ),
        (
            Pacing(last_automated_at=NOW_UTC - timedelta(days=5)),
            (),
            0,
            Decision("defer", at=NOW_UTC + timedelta(days=2), reason="unanswered"),
        ),
        (
            # answered since: no waiting
            Pacing(
                last_automated_at=NOW_UTC - timedelta(days=5),
                last_heard_at=NOW_UTC - timedelta(days=4),
            ),
            (NOW_UTC - timedelta(days=4),),
            0,
            Decision("send"),
        ),
        (Pacing(), (NOW_UTC - timedelta(days=1),), 0, Decision("skip", reason="contact")),
        (Pacing(), (NOW_UTC + timedelta(days=1),), 0, Decision("skip", reason="contact")),
        (Pacing(), (NOW_UTC - timedelta(days=5),), 0, Decision("send")),
        (Pacing(), (), 2, Decision("recontact", reason="unanswered")),
    ],
    ids=[
        "send", "stopped", "blocked", "paused", "quiet", "a-week-apart", "answered",
        "wrote-yesterday", "appointment-tomorrow", "wrote-long-ago", "two-unanswered",
    ],
)  # fmt: skip
def test_what_happens_to_a_due_check_in(
    pacing: Pacing, contacts: tuple[datetime, ...], unanswered: int, expected: Decision
) -> None:
    assert decide(NOW_UTC, "checkin", "week", pacing, BRUSSELS, contacts, unanswered) == expected


def test_a_re_contact_ignores_recent_contact_but_not_the_pacing() -> None:
    assert decide(NOW_UTC, "recontact", "none", Pacing(), BRUSSELS, (NOW_UTC,)) == Decision("send")
    paused = Pacing(paused_until=NOW_UTC + timedelta(days=1))
    assert decide(NOW_UTC, "recontact", "none", paused, BRUSSELS).action == "defer"


def test_state_remembers_the_note_step() -> None:
    state = State(step="done", checkin_note=5)
    assert State.from_json(state.to_json()) == state
