"""/mijngegevens, /vergeetmij and /toestemming as dialog tables."""

from __future__ import annotations

from datetime import timedelta

from flows.model import ExportData, Forget, RecordConsent, SetRhythm
from flows.privacy import ConsentView
from tests.flows.test_intake import registered
from tests.support.dialog import NOW, Chat


def test_mijngegevens_asks_the_engine_for_the_export() -> None:
    chat = registered()
    chat.say("/mijngegevens")
    assert chat.of_type(ExportData) == [ExportData()]


def test_vergeetmij_asks_first_and_erases_only_after_yes() -> None:
    chat = registered()
    assert chat.say("/vergeetmij") == (
        "Wil je dat we alles over jou wissen?\n"
        "Dat zijn je antwoorden, je berichten, je afspraken en je check-ins.\n"
        "Je coach ziet daarna alleen nog dat je gegevens gewist zijn.\n"
        "Dit kan je niet ongedaan maken."
    )
    assert chat.buttons() == ["Ja, wis alles", "Nee, toch niet"]
    assert not chat.of_type(Forget)
    assert chat.press("Ja, wis alles") == (
        "Oké. Ik wis nu alles wat we over jou bewaren.\n"
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
        "✅ Je aanmelding bewaren en delen met WAM!.\n"
        "✅ Af en toe vragen hoe het met je gaat (check-ins).\n"
        "Nee zeggen mag altijd. Je kan je coach ook gewoon zelf contacteren."
    )
    assert chat.buttons() == ["Aanmelding intrekken en alles wissen", "Check-ins stoppen"]
    assert chat.press("Check-ins stoppen") == (
        "Oké, geen check-ins meer. Je kan altijd zelf iets sturen."
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
