"""Between the intake and a coach's first answer: the youth hears where they stand.

Also the youth who says no to consent: they read how to reach the partnership themselves,
and no promise that someone will call.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from flows.model import RecordConsent
from tests.flows.test_intake import register, registered
from tests.support.dialog import Chat, places


def test_hallo_five_times_in_ten_minutes_gets_one_honest_status_note() -> None:
    chat = registered()  # Friday 20 November, 15u: WAM! promised an answer by Tuesday
    chat.answer_by = date(2026, 11, 24)
    notes = []
    for typed in ("hallo?", "ben je er nog?", "hallo??", "iemand?", "hallo"):
        notes.append(chat.say(typed))
        chat.now += timedelta(minutes=2)
    note, *rest = notes
    assert rest == ["", "", "", ""]  # never more than one note per burst
    assert note.splitlines() == [
        "Bedankt! Ik geef je bericht door aan je coach.",
        "Een coach van WAM! antwoordt je ten laatste op dinsdag 24 november.",
        "Kan het niet wachten? Praat dan nu met iemand:",
        "📞 Tele-Onthaal: bel 106 of kijk op tele-onthaal.be. Bellen kan dag en nacht, "
        "gratis en anoniem. Op de website zie je wanneer je kunt chatten.",
    ]
    # Later that evening: still quiet. The next morning: the note once more.
    chat.now = chat.now.replace(hour=22)
    assert chat.say("?") == ""
    chat.now = (chat.now + timedelta(days=1)).replace(hour=10)
    again = chat.say("nog altijd niks?")
    assert "ten laatste op dinsdag 24 november" in again
    assert chat.say("ok") == ""


def test_past_the_promised_day_the_note_says_sorry_instead_of_an_old_date() -> None:
    chat = registered()
    chat.answer_by = date(2026, 11, 24)
    chat.now = chat.now.replace(day=26, hour=11)  # Thursday: nobody answered yet
    note = chat.say("hallo? ik wacht al lang")
    assert "Het duurt langer dan we beloofden. Sorry!" in note
    assert "24 november" not in note
    assert "106" in note


def test_the_status_note_follows_the_youths_language() -> None:
    chat = registered()
    chat.answer_by = date(2026, 11, 24)
    chat.say("/taal")
    chat.press("English")
    note = chat.say("hello?")
    assert "A WAM! coach will answer you by Tuesday 24 November at the latest." in note
    assert "Can't it wait? Talk to someone now:" in note


def test_while_a_worker_has_the_case_the_bot_stays_quiet_at_work() -> None:
    chat = registered()
    chat.handler = "Sara"  # Sara claimed the case; Friday 15u, she is at work
    for typed in ("hallo?", "ben je er nog?", "hallo??"):
        assert chat.say(typed) == ""


def refuse_consent(chat: Chat, place: str = "Eisden") -> str:
    register(chat, place)
    chat.press("Werk")
    chat.press("Klaar")
    chat.press("Overslaan")
    chat.press("Een vriend(in)")
    return chat.press("Nee")


def test_no_consent_gives_wams_own_contact_and_promises_no_call() -> None:
    chat = Chat()
    answer = refuse_consent(chat)
    assert "Zonder jouw ja bewaren we niets." in answer
    assert "Er belt dus ook niemand je op." in answer
    assert "Wil je toch met WAM! praten? Neem dan zelf contact op:" in answer
    assert "📍 Team WAM! Maasland: Op afspraak, in je eigen gemeente" in answer
    assert "🕘 maandag tot donderdag: van 9u tot 17u\n🕘 vrijdag: van 9u tot 16u" in answer
    # WAM! lists no phone of its own yet: a real free number is always there.
    assert "0800 30 700" in answer
    # Nothing that promises a call the youth just said no to, and no colon left dangling.
    assert "neemt binnen 2 werkdagen contact" not in answer
    assert "contact met je op" not in answer
    assert not any(line.rstrip().endswith(":") and nxt == "" for line, nxt in pairs(answer))
    assert chat.of_type(RecordConsent) == [RecordConsent("intake", "intake-2026-11", False)]


def test_no_consent_shows_the_partnerships_phone_when_the_file_has_one() -> None:
    real = places()
    wam = replace(real.partnership("wam"), phone="089 00 00 00", email="wam@example.org")
    chat = Chat(
        places=replace(real, partnerships=(*(p for p in real.partnerships if p.id != "wam"), wam))
    )
    answer = refuse_consent(chat)
    assert "📞 Bel 089 00 00 00" in answer
    assert "✉️ Mail naar wam@example.org" in answer
    assert "0800 30 700" not in answer  # the partnership's own line is enough


def test_no_consent_in_heusden_gives_samenwerkts_address() -> None:
    answer = refuse_consent(Chat(), "Zolder")
    assert "📍 Mijn terrein (SamenWerkt): Marktplein 9, 3550 Heusden-Zolder" in answer
    assert "🕘 vrijdag: van 9u tot 12u" in answer


def pairs(text: str) -> list[tuple[str, str]]:
    lines = text.splitlines()
    return list(zip(lines, [*lines[1:], ""], strict=True))


def test_a_youth_who_comes_back_after_closing_hears_a_fresh_promise() -> None:
    chat = registered()
    chat.answer_by = date(2026, 11, 24)
    assert "dinsdag 24 november" in chat.say("Bedankt voor alles!")
    # Weeks later the case is closed (the engine knows no promised day for it any more):
    # the youth writes again and is told when someone answers, counted from today.
    chat.answer_by = None
    chat.now = chat.now.replace(month=12, day=14, hour=10)  # Monday 14 December
    note = chat.say("Hoi, ik ben het terug. Mijn job is gestopt.")
    assert "Een coach van WAM! antwoordt je ten laatste op woensdag 16 december." in note


def test_a_crisis_within_a_burst_still_gets_the_help_lines_at_once() -> None:
    chat = registered()
    assert "Bedankt!" in chat.say("hallo?")
    answer = chat.say("ik wil niet meer leven")  # minutes later, inside the same burst
    assert "1813" in answer and "Ik geef je bericht ook door aan je coach." in answer
