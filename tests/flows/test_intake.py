"""The intake as dialog tables: what a youth types or taps, and what they read back."""

from __future__ import annotations

import pytest

from flows.model import CountSignpost, CountUncovered, CreateCase, RecordConsent, SafetyAlert
from tests.support.dialog import Chat


def register(chat: Chat, place: str = "Eisden") -> None:
    chat.say("/start")
    chat.say("Noor")
    chat.say("19")
    chat.say(place)


def finish(chat: Chat) -> str:
    chat.press("Werk")
    chat.press("Je goed voelen")
    chat.press("Klaar")
    chat.press("Overslaan")
    chat.press("Een vriend(in)")
    chat.press("Ja, dat is oké")
    chat.press("Namiddag (12u–17u)")
    chat.press("Klaar")
    return chat.press("Ja, verstuur")


def registered() -> Chat:
    """Noor from Eisden, registered with WAM!: the chat right after the intake."""
    chat = Chat()
    register(chat)
    finish(chat)
    return chat


def turn(chat: Chat, said: str) -> str:
    """A turn of a dialog table: "[Werk]" taps the button Werk, anything else is typed."""
    if said.startswith("[") and said.endswith("]"):
        return chat.press(said[1:-1])
    return chat.say(said)


ASK_NEEDS = "Waarmee wil je hulp? Je mag meer dan één ding kiezen. Tik daarna op Klaar."
ASK_REACH = "Wanneer kunnen we je het best bereiken? Kies wat past en tik op Klaar."


def test_a_youth_from_maasmechelen_lands_in_wams_queue() -> None:
    chat = Chat()
    # (youth says or [taps], whole answer they read[, the ticked buttons])
    dialog: list[tuple[str, str] | tuple[str, str, list[str]]] = [
        ("/start", "Hoi! Ik ben Instap. 👋\n"
                   "Zoek je werk, een opleiding of wat hulp? Ik breng je bij een coach in je buurt.\n"
                   "Het is gratis en jij beslist. Alleen het team van je coach leest mee.\n"
                   "Eerst een paar korte vragen. Dat duurt ongeveer 3 minuten.\n"
                   "Andere taal? Typ /taal.\n\n"
                   "Hoe mogen we je noemen? Je voornaam of een bijnaam is goed."),
        ("Noor", "Leuk je te leren kennen, Noor!\n\nHoe oud ben je?"),
        ("19", "In welke gemeente woon je? Je mag ook je postcode typen."),
        ("Eisden", f"Top! In Maasmechelen helpt WAM! je verder.\n\n{ASK_NEEDS}"),
        ("[Werk]", ASK_NEEDS, ["✅ Werk"]),  # the same message, its buttons ticked
        ("[Opleiding]", ASK_NEEDS, ["✅ Werk", "✅ Opleiding"]),
        ("[Opleiding]", ASK_NEEDS, ["✅ Werk"]),  # tapped twice: off again
        ("[Klaar]", "Wil je er iets meer over vertellen? Typ het gerust. Je mag ook overslaan."),
        ("Ik zoek al een jaar werk, maar het lukt niet.",
         "Dank je, dat helpt.\n\nHoe heb je ons gevonden?"),
        ("[VDAB]", "Nog één ding over je gegevens.\n"
                   "We bewaren je antwoorden en berichten. Daarmee helpt je coach je.\n"
                   "Alleen de mensen van WAM! zien ze.\n"
                   "Je mag altijd vragen wat we bewaren, of alles laten wissen.\n"
                   "Is dat oké voor jou?"),
        ("[Ja, dat is oké]", ASK_REACH),
        ("[Voormiddag (9u–12u)]", ASK_REACH, ["✅ Voormiddag (9u–12u)"]),
        ("[Klaar]", "Dit heb ik genoteerd:\n"
                    "Naam: Noor\n"
                    "Leeftijd: 19\n"
                    "Woonplaats: Maasmechelen\n"
                    "Hulp bij: Werk\n"
                    "Je vertelde: Ik zoek al een jaar werk, maar het lukt niet.\n"
                    "Gevonden via: VDAB\n"
                    "Bereikbaar: Voormiddag (9u–12u)\n"
                    "Klopt dit?"),
        # Friday 20 November + 2 working days = Tuesday 24 November.
        ("[Ja, verstuur]", "Top, Noor! WAM! heeft je aanmelding gekregen.\n"
                           "Een coach neemt contact met je op, ten laatste op dinsdag 24 november.\n"
                           "Heb je intussen een vraag? Stuur hier gerust een bericht.\n"
                           "Heb je het nu moeilijk? Typ /hulp.\n\n"
                           "Mag ik af en toe vragen hoe het met je gaat?\n"
                           "Dat is één korte vraag. Jij kiest hoe vaak."),
    ]  # fmt: skip
    for said, reads, *ticked in dialog:
        assert turn(chat, said) == reads, said
        if ticked:
            assert [b for b in chat.buttons() if b.startswith("✅")] == ticked[0], said
    (case,) = chat.of_type(CreateCase)
    assert isinstance(case, CreateCase)
    assert case.partnership_id == "wam"
    assert case.answers["name"] == "Noor"
    assert case.answers["age"] == 19
    assert case.answers["municipality"] == "Maasmechelen"
    assert case.answers["place_via"] == "Eisden"
    assert case.answers["needs"] == ["work"]
    assert case.answers["referral"] == "vdab"
    assert case.answers["reach"] == ["morning"]
    assert chat.of_type(RecordConsent) == [RecordConsent("intake", "intake-2026-11", True)]
    assert chat.state.step == "done"


@pytest.mark.parametrize(
    ("typed", "municipality", "partnership"),
    [
        ("3630", "Maasmechelen", "wam"),
        ("Maasmechelen", "Maasmechelen", "wam"),
        ("ik woon in Leut", "Maasmechelen", "wam"),
        ("Heusden-Zolder", "Heusden-Zolder", "samenwerkt"),
        ("3550", "Heusden-Zolder", "samenwerkt"),
        ("Ieper", "Ieper", "jow"),
        ("Kortrijk", "Kortrijk", "wwin"),
        ("Kessel-Lo", "Leuven", "boest"),
    ],
)
def test_places_route_to_their_partnership(typed: str, municipality: str, partnership: str) -> None:
    chat = Chat()
    register(chat, typed)
    assert chat.state.step == "needs", chat.last
    assert chat.state.answers.municipality == municipality
    assert chat.state.answers.partnership_id == partnership


def test_a_typo_gets_a_confirm_step() -> None:
    chat = Chat()
    register(chat, "maasmechele")
    assert "Bedoel je Maasmechelen?" in chat.last[-1].text
    assert "Top! In Maasmechelen helpt WAM" in chat.press("Ja")
    assert chat.state.answers.partnership_id == "wam"


def test_saying_no_to_a_guess_asks_again() -> None:
    chat = Chat()
    register(chat, "maasmechele")
    assert "In welke gemeente woon je?" in chat.press("Nee")
    assert "Top! In Heusden-Zolder" in chat.say("3550")


def test_dont_know_goes_to_the_fallback_partnership() -> None:
    chat = Chat()
    register(chat, "ik weet het niet")
    assert "Geen probleem." in "\n".join(r.text for r in chat.last)
    assert chat.state.answers.partnership_id == chat_fallback_id()
    finish(chat)
    (case,) = chat.of_type(CreateCase)
    assert isinstance(case, CreateCase)
    assert case.partnership_id == chat_fallback_id()


def chat_fallback_id() -> str:
    from tests.support.dialog import places

    return places().fallback.id


def test_nonsense_place_is_asked_again_kindly() -> None:
    chat = Chat()
    register(chat, "asdfgh")
    assert "Die plaats vind ik niet." in chat.last[0].text
    assert chat.state.step == "place"


def test_an_uncovered_place_is_signposted_and_counted() -> None:
    chat = Chat()
    register(chat, "Gent")
    answer = "\n".join(r.text for r in chat.last)
    assert "Voor Gent kan ik je nog niet doorsturen via deze chat." in answer
    assert "VDAB" in answer
    assert "Zonder je naam" in answer
    assert chat.of_type(CountUncovered) == [CountUncovered("Gent")]
    assert chat.state.step == "ended"
    assert not chat.of_type(CreateCase)


def test_a_16_year_old_is_signposted_kindly() -> None:
    chat = Chat()
    chat.say("/start")
    chat.say("Jonas")
    answer = chat.say("16")
    assert "Wij helpen jongeren vanaf 18 jaar." in answer
    assert "Awel" in answer and "102" in answer
    assert "JAC" in answer
    assert chat.of_type(CountSignpost) == [CountSignpost("too_young")]
    assert chat.state.step == "ended"


def test_a_34_year_old_is_signposted_kindly() -> None:
    chat = Chat()
    chat.say("/start")
    chat.say("Karim")
    answer = chat.say("ik ben 34")
    assert "Wij helpen jongeren tot 30 jaar." in answer
    assert "VDAB" in answer
    assert chat.of_type(CountSignpost) == [CountSignpost("too_old")]


@pytest.mark.parametrize("typed", ["negentien", "19 jaar", "  19 "])
def test_age_in_words_or_with_extra_text(typed: str) -> None:
    chat = Chat()
    chat.say("/start")
    chat.say("Noor")
    chat.say(typed)
    assert chat.state.answers.age == 19


def test_age_that_is_not_a_number_is_asked_again() -> None:
    chat = Chat()
    chat.say("/start")
    chat.say("Noor")
    assert "Typ je leeftijd als getal, bijvoorbeeld 19." in chat.say("oud genoeg")
    assert chat.state.step == "age"


def test_no_consent_gets_help_lines_and_a_way_back() -> None:
    chat = Chat()
    register(chat)
    chat.press("Werk")
    chat.press("Klaar")
    chat.press("Overslaan")
    chat.press("School")
    answer = chat.press("Nee")
    assert "Zonder jouw ja bewaren we niets." in answer
    assert "106" in answer
    assert "/start" in answer
    assert chat.of_type(RecordConsent) == [RecordConsent("intake", "intake-2026-11", False)]
    assert chat.state.step == "ended"
    assert "Hoi! Ik ben Instap." in chat.say("/start")


def test_changing_an_answer_from_the_summary() -> None:
    chat = Chat()
    register(chat)
    chat.press("Werk")
    chat.press("Klaar")
    chat.press("Overslaan")
    chat.press("School")
    chat.press("Ja, dat is oké")
    chat.press("Avond (17u–20u)")
    chat.press("Klaar")
    assert "Wat wil je aanpassen?" in chat.press("Iets aanpassen")
    assert "Hoe mogen we je noemen?" in chat.press("Naam")
    summary = chat.say("Noortje")
    assert "Naam: Noortje" in summary and "Klopt dit?" in summary
    chat.press("Iets aanpassen")
    chat.press("Woonplaats")
    summary = chat.say("3550")
    assert "Woonplaats: Heusden-Zolder" in summary
    assert chat.state.answers.partnership_id == "samenwerkt"


def test_needs_need_at_least_one_choice() -> None:
    chat = Chat()
    register(chat)
    assert "Kies minstens één ding." in chat.press("Klaar")
    assert chat.state.step == "needs"


def test_any_time_excludes_the_other_day_parts() -> None:
    chat = Chat()
    register(chat)
    chat.press("Werk")
    chat.press("Klaar")
    chat.press("Overslaan")
    chat.press("School")
    chat.press("Ja, dat is oké")
    chat.press("Voormiddag (9u–12u)")
    chat.press("Maakt niet uit")
    assert chat.state.answers.reach == ("any",)
    chat.press("Avond (17u–20u)")
    assert chat.state.answers.reach == ("evening",)


def test_crisis_words_get_help_first_then_the_question_again() -> None:
    chat = Chat()
    chat.say("/start")
    answer = chat.say("ik wil niet meer leven")
    assert "1813" in answer
    assert "Hoe mogen we je noemen?" in answer
    assert answer.index("1813") < answer.index("Hoe mogen we je noemen?")
    assert chat.state.step == "name"
    assert chat.state.answers.name == ""
    assert [type(e) for e in chat.of_type(SafetyAlert)] == [SafetyAlert]


def test_crisis_as_a_first_message_is_answered_before_the_welcome() -> None:
    chat = Chat()
    answer = chat.say("mijn vader slaat me")
    assert "1712" in answer
    assert "/start" in answer


def test_an_idiom_is_no_crisis() -> None:
    chat = Chat()
    chat.say("/start")
    answer = chat.say("haha ik lach me dood")
    assert not chat.of_type(SafetyAlert)
    # No crisis, and no name either: the question comes again, kindly.
    assert "Hoe mogen we je noemen?" in answer
    assert chat.state.answers.name == ""


def test_english_is_selectable_with_taal() -> None:
    chat = Chat()
    chat.say("/start")
    chat.say("/taal")
    assert chat.buttons() == ["Nederlands", "English"]
    answer = chat.press("English")
    assert "Okay, we'll carry on in English." in answer
    assert "What can we call you?" in answer
    chat.say("Sam")
    chat.say("20")
    assert "Great! In Maasmechelen, WAM" in chat.say("3630")
    assert "Work" in chat.buttons()
