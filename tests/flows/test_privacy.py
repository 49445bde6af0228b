"""/mijngegevens, /vergeetmij and /toestemming as dialog tables."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from flows.model import ExportData, Forget, RecordConsent, SetRhythm
from flows.privacy import export_summary
from flows.views import ConsentView, Stored
from tests.flows.test_intake import registered
from tests.support.dialog import NOW, Chat, translator


def test_mijngegevens_asks_the_engine_for_the_export() -> None:
    chat = registered()
    chat.say("/mijngegevens")
    assert chat.of_type(ExportData) == [ExportData()]


def read(stored: Stored, lang: str = "nl") -> str:
    """The /mijngegevens summary as the youth reads it in the chat."""
    return "\n".join(r.text for r in translator().reply(export_summary(stored), lang))


NOOR = Stored(
    sent_by_you=4, from_coach=1, appointments=1, checkins=2, consents=2, has_answers=True,
    coach="Sara", delete_on=None, rule="open_case", keep_days=365,
)  # fmt: skip


def test_mijngegevens_counts_what_the_youth_would_count() -> None:
    assert read(NOOR) == (
        "Dit bewaren we over jou:\n"
        "📝 je antwoorden van de aanmelding\n"
        "✍️ berichten die jij stuurde: 4\n"
        "💬 berichten van je coach: 1\n"
        "📅 afspraken: 1\n"
        "🙂 check-ins: 2\n"
        "✅ je keuzes over toestemming: 2\n"
        "Je coach is Sara.\n"
        "We bewaren dit zolang je bij ons aangemeld bent, en daarna nog een jaar.\n"
        "In het bestand hieronder staat alles, ook onze automatische berichten.\n"
        "Wil je dat we alles wissen? Typ /vergeetmij."
    )
    english = read(NOOR, "en")
    assert "✍️ messages you sent: 4\n💬 messages from your coach: 1\n" in english
    assert "We keep this while you are registered with us, and one more year after that." in english


def test_mijngegevens_says_how_long_in_words_a_person_uses() -> None:
    assert "en daarna nog 2 jaar." in read(replace(NOOR, keep_days=730))
    assert "en daarna nog 90 dagen." in read(replace(NOOR, keep_days=90))
    closed = replace(NOOR, rule="closed_case", delete_on=NOW + timedelta(days=365))
    assert "We wissen alles vanzelf op zaterdag 20 november 2027." in read(closed)


def test_mijngegevens_before_a_coach_answers() -> None:
    waiting = replace(NOOR, from_coach=0, coach=None, appointments=0, checkins=0)
    text = read(waiting)
    assert "✍️ berichten die jij stuurde: 4" in text
    assert "coach" not in text  # nothing about a coach the youth has not met yet


def test_vergeetmij_asks_first_and_erases_only_after_yes() -> None:
    chat = registered()
    assert chat.say("/vergeetmij") == (
        "Wil je dat we alles over jou wissen?\n"
        "Dat zijn je antwoorden, je berichten, je afspraken en je check-ins.\n"
        "Je coach ziet daarna alleen nog dat je gegevens gewist zijn.\n"
        "Dit kun je niet ongedaan maken."
    )
    assert chat.buttons() == ["Ja, wis alles", "Nee, toch niet"]
    assert not chat.of_type(Forget)
    assert chat.press("Ja, wis alles") == (
        "Oké. Ik wis nu alles over jou.\n"
        "Dit is mijn laatste bericht. Wil je later opnieuw beginnen? Typ dan /start."
    )
    assert chat.of_type(Forget) == [Forget()]
    assert chat.state.step == "new"


def test_no_changes_nothing() -> None:
    chat = registered()
    chat.say("/vergeetmij")
    assert chat.press("Nee, toch niet") == "Oké, er verandert niets."
    assert not chat.of_type(Forget)
    assert chat.state.step == "done"


def test_an_old_yes_button_does_not_erase() -> None:
    chat = registered()
    chat.say("/vergeetmij")
    chat.now = NOW + timedelta(hours=2)
    answer = chat.press("Ja, wis alles")
    assert answer.startswith("Die knop werkt niet meer.\n\nWil je dat we alles over jou wissen?")
    assert not chat.of_type(Forget)


def test_a_forged_yes_button_does_not_erase() -> None:
    chat = registered()
    for data in ("forget:yes", "forget:yes:abc", "forget:yes:0", "forget:maybe"):
        chat.send_button(data)
    assert not chat.of_type(Forget)


def test_toestemming_shows_what_the_youth_agreed_to_and_takes_it_back() -> None:
    chat = registered()
    chat.press("Elke week")
    assert chat.of_type(RecordConsent)[-1] == RecordConsent("checkins", "checkins-2026-11", True)
    chat.consents = (ConsentView("intake", True, NOW), ConsentView("checkins", True, NOW))
    assert chat.say("/toestemming") == (
        "Hier gaf je toestemming voor:\n"
        "✅ WAM! mag je aanmelding bewaren en gebruiken.\n"
        "✅ Af en toe vragen hoe het met je gaat (check-ins).\n"
        "Nee zeggen mag altijd. Je kunt je coach ook gewoon zelf contacteren."
    )
    assert chat.buttons() == ["Aanmelding intrekken en alles wissen", "Check-ins stoppen"]
    assert chat.press("Check-ins stoppen") == (
        "Oké, geen check-ins meer. Je kunt altijd zelf iets sturen."
    )
    assert chat.of_type(RecordConsent)[-1] == RecordConsent("checkins", "checkins-2026-11", False)
    assert chat.of_type(SetRhythm)[-1] == SetRhythm("none")


def test_withdrawing_the_intake_consent_leads_to_erasure() -> None:
    chat = registered()
    chat.consents = (ConsentView("intake", True, NOW),)
    chat.say("/toestemming")
    answer = chat.press("Aanmelding intrekken en alles wissen")
    assert answer.startswith("Zonder je toestemming bewaren we niets meer over jou.")
    assert "Ja, wis alles" in chat.buttons()


def test_check_ins_can_be_turned_back_on() -> None:
    chat = registered()
    chat.consents = (ConsentView("checkins", False, NOW),)
    assert "❌ Check-ins: je zei nee." in chat.say("/toestemming")
    assert chat.press("Check-ins weer aanzetten").startswith(
        "Mag ik af en toe vragen hoe het met je gaat?"
    )


def test_nothing_agreed_yet() -> None:
    assert Chat().say("/toestemming") == "Je gaf ons nog geen toestemming voor iets."
