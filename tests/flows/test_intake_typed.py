"""A youth who types instead of tapping: every button step of the intake understands them.

Dialog tables: (what the youth types, what is stored or what they read back). The phrasings
are the ones real youths use: Flemish and SMS spellings, typos, several things at once.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from flows import intake_questions
from flows.model import CreateCase, RecordConsent, SetLanguage, SetRhythm
from flows.state import Step
from tests.support.dialog import Chat


def at_name() -> Chat:
    chat = Chat()
    chat.say("/start")
    return chat


def at_needs() -> Chat:
    chat = at_name()
    chat.say("Noor")
    chat.say("19")
    chat.say("Eisden")
    return chat


def at_referral() -> Chat:
    chat = at_needs()
    chat.say("werk, dat is alles")
    chat.say("nee")
    return chat


def at_consent() -> Chat:
    chat = at_referral()
    chat.say("via een vriendin")
    return chat


def at_reach() -> Chat:
    chat = at_consent()
    chat.say("is goed")
    return chat


def at_summary() -> Chat:
    chat = at_reach()
    chat.say("maakt niet uit")
    return chat


# --- 6. names --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    [
        "hey ik ben Yassin",
        "ik heet Yassin",
        "Yassin hier",
        "ik ben de Yassin",
        "mijn naam is Yassin",
        "m'n naam is Yassin",
        "hallo, Yassin",
        "yassin",
        "Yassin",
        "Hoi! Ik ben Yassin, 19 jaar",
        "heyy kben yassin",
        "hey ik ben Yassin en ik zoek werk",
        "Yassin 👋",
        "salut, ik ben den Yassin",
        "hi, my name is Yassin",
        "ze noemen me Yassin",
        "Yassin.",
    ],
)
def test_the_name_is_found_in_an_introduction(typed: str) -> None:
    chat = at_name()
    answer = chat.say(typed)
    assert "Leuk je te leren kennen, Yassin!" in answer
    assert "Hoe oud ben je?" in answer
    assert chat.state.answers.name == "Yassin"


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("el amrani", "El Amrani"),
        ("Anna-Lisa", "Anna-Lisa"),
        ("Lies van den Berg", "Lies van den Berg"),
        ("Sam99", "Sam99"),
        ("Naam6001", "Naam6001"),
        ("ik ben Noor, 19", "Noor"),
        ("Noor 19 jaar", "Noor"),
    ],
)
def test_names_keep_their_shape(typed: str, kept: str) -> None:
    chat = at_name()
    assert f"Leuk je te leren kennen, {kept}!" in chat.say(typed)


@pytest.mark.parametrize(
    ("typed", "hint"),
    [
        ("😎", "Ik vind geen naam in je bericht."),
        ("🦊", "Ik vind geen naam in je bericht."),
        ("hallo", "Hoi! 👋"),
        ("hey", "Hoi! 👋"),
        ("hallo hallo", "Hoi! 👋"),
        ("ik zoek werk", "Ik vind geen naam in je bericht."),
        ("wat moet ik hier doen?", "Ik vind geen naam in je bericht."),
        ("ik wil hulp want ik heb geen werk", "Ik vind geen naam in je bericht."),
        ("0470 12 34 56", "Je nummer hoeft hier niet."),
        ("+32470123456", "Je nummer hoeft hier niet."),
        ("ok", "Ik vind geen naam in je bericht."),
    ],
)
def test_what_is_no_name_is_asked_again_kindly(typed: str, hint: str) -> None:
    chat = at_name()
    answer = chat.say(typed)
    assert answer.startswith(hint)
    assert "Hoe mogen we je noemen?" in answer
    assert chat.state.step == "name"
    assert chat.state.answers.name == ""


def test_a_youth_who_insists_on_an_emoji_gets_it_as_a_nickname() -> None:
    chat = at_name()
    chat.say("🦊")
    second = chat.say("🦊")
    assert "Typ alleen je voornaam of een bijnaam, bijvoorbeeld: Sam." in second
    assert "Leuk je te leren kennen, 🦊!" in chat.say("🦊")


def test_a_phone_number_is_never_taken_as_a_name() -> None:
    chat = at_name()
    for _ in range(4):
        answer = chat.say("0470123456")
    assert "Je nummer hoeft hier niet." in answer
    assert chat.state.answers.name == ""
    assert "Leuk je te leren kennen, Yassin!" in chat.say("ik ben Yassin")


@pytest.mark.parametrize("name", ["Job", "Wil", "Al", "ik ben Job"])
def test_short_names_that_are_also_words_are_names(name: str) -> None:
    chat = at_name()
    assert "Leuk je te leren kennen, " + name.removeprefix("ik ben ") + "!" in chat.say(name)


def test_an_age_not_understood_twice_says_why_we_ask() -> None:
    chat = at_age()
    assert "Typ je leeftijd als getal" in chat.say("oud genoeg")
    assert "We vragen het omdat we jongeren van 18 tot 30 jaar helpen." in chat.say("waarom?")
    assert "In welke gemeente woon je?" in chat.say("ok, 23")


# --- 5. needs ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "needs"),
    [
        ("werk", ["work"]),
        ("Werk", ["work"]),
        ("wrek", ["work"]),
        ("een job", ["work"]),
        ("ik zoek werk en een opleiding", ["work", "school"]),
        ("werk + opleiding", ["work", "school"]),
        ("opleidng", ["school"]),
        ("ik wil terug naar school", ["school"]),
        ("geld", ["money"]),
        ("ik heb schulden", ["money"]),
        ("poen", ["money"]),
        ("een kot zoeken", ["housing"]),
        ("ik zoek een huis en werk", ["work", "housing"]),
        ("ik zit slecht in mijn vel", ["wellbeing"]),
        ("stress", ["wellbeing"]),
        ("papieren", ["papers"]),
        ("mijn verblijfsvergunning", ["papers"]),
        ("iets anders", ["other"]),
        ("work and money", ["work", "money"]),
        ("ik wil werke", ["work"]),
        ("een joppe", ["work"]),
        ("iets met geld", ["money"]),
        ("opleiding volgen en een kot", ["school", "housing"]),
        ("papiere", ["papers"]),
        ("WERK!!", ["work"]),
        ("werk, geld en wonen", ["work", "money", "housing"]),
    ],
)
def test_needs_can_be_typed(typed: str, needs: list[str]) -> None:
    chat = at_needs()
    answer = chat.say(typed)
    assert answer.startswith("Genoteerd:")
    assert "Nog iets? Typ het erbij, of typ klaar." in answer
    assert "Tik op wat past" not in answer
    assert sorted(chat.state.answers.needs) == sorted(needs)
    ticked = [b.removeprefix("✅ ") for b in chat.buttons() if b.startswith("✅ ")]
    assert len(ticked) == len(needs)


@pytest.mark.parametrize(
    "done",
    ["klaar", "Klaar!", "dat is alles", "das alles", "verder", "nee", "neen", "niks meer",
     "dat was het", "ok", "nee dat is alles", "ik ben klaar", "klopt", "dat klopt", "👍"],
)  # fmt: skip
def test_after_typing_a_need_klaar_or_dat_is_alles_goes_on(done: str) -> None:
    chat = at_needs()
    chat.say("werk")
    assert "Wil je er iets meer over vertellen?" in chat.say(done)
    assert chat.state.answers.needs == ("work",)


def test_a_need_and_dat_is_alles_in_one_message_goes_on() -> None:
    chat = at_needs()
    assert "Wil je er iets meer over vertellen?" in chat.say("werk en geld, dat is alles")
    assert chat.state.answers.needs == ("work", "money")


def test_typed_and_tapped_needs_add_up() -> None:
    chat = at_needs()
    chat.press("Wonen")
    answer = chat.say("en ook werk")
    assert "Genoteerd: Werk, Wonen." in answer
    chat.say("ja")  # "ja, there is more": asked what else, nothing lost
    assert "Genoteerd: Werk, Wonen, Papieren." in chat.say("papieren")
    chat.say("klaar")
    assert chat.state.answers.needs == ("work", "housing", "papers")


def test_klaar_without_a_need_asks_for_one() -> None:
    chat = at_needs()
    assert "Kies minstens één ding." in chat.say("klaar")
    assert chat.state.step == "needs"


def test_werk_never_loops_on_tik_op_wat_past() -> None:
    """Last time a youth who typed "werk" looped forever: now it is simply noted."""
    chat = at_needs()
    for _ in range(3):
        assert "Tik op wat past" not in chat.say("werk")
    chat.say("klaar")
    assert chat.state.step == "needs_text"


def test_words_we_do_not_understand_twice_go_to_the_coach_as_they_are() -> None:
    chat = at_needs()
    first = chat.say("het is ingewikkeld")
    assert "Dat begrijp ik niet goed." in first
    second = chat.say("allemaal tegelijk eigenlijk")
    assert "Ik geef het zo door aan je coach." in second
    assert "Hoe heb je ons gevonden?" in second
    assert chat.state.answers.needs == ("other",)
    assert "allemaal tegelijk eigenlijk" in chat.state.answers.needs_text


@pytest.mark.parametrize(
    "skip",
    ["nee", "neen", "niks", "niets", "overslaan", "sla over", "nee hoor", "nee dank je", "skip",
     "liever niet", "Nee!", "nvt"],
)  # fmt: skip
def test_skipping_the_free_text_by_typing(skip: str) -> None:
    chat = at_needs()
    chat.say("werk, dat is alles")
    answer = chat.say(skip)
    assert "Hoe heb je ons gevonden?" in answer
    assert "Dank je, dat helpt." not in answer
    assert chat.state.answers.needs_text == ""


# --- 5. referral ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "referral"),
    [
        ("via een vriendin", "friend"),
        ("een vriend", "friend"),
        ("van een maat", "friend"),
        ("via via, een kennis", "friend"),
        ("vdab", "vdab"),
        ("VDAB", "vdab"),
        ("mijn consulent bij de vdab", "vdab"),
        ("instagram", "social"),
        ("op insta", "social"),
        ("tiktok", "social"),
        ("sociale media", "social"),
        ("school", "school"),
        ("mijn leerkracht", "school"),
        ("het CLB", "school"),
        ("OCMW", "ocmw"),
        ("via het sociaal huis", "ocmw"),
        ("zelf gevonden", "self"),
        ("gegoogeld", "self"),
        ("via google", "self"),
        ("het JAC", "other"),
        ("mijn mama", "other"),
        ("iets anders", "other"),
    ],
)
def test_how_they_found_us_can_be_typed(typed: str, referral: str) -> None:
    chat = at_referral()
    assert "Is dat oké voor jou?" in chat.say(typed)
    assert chat.state.answers.referral == referral


def test_a_referral_we_do_not_understand_is_asked_once_then_noted() -> None:
    chat = at_referral()
    assert "Dat begrijp ik niet goed." in chat.say("euh")
    assert "Is dat oké voor jou?" in chat.say("zomaar")
    assert chat.state.answers.referral == "other"


# --- 5. consent ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "yes",
    ["ja", "Ja!", "jaa", "ok", "oké", "oke", "okee", "is goed", "is goe", "da's goed", "prima",
     "ja hoor", "tuurlijk", "akkoord", "geen probleem", "👍", "ja dat is oké", "yes"],
)  # fmt: skip
def test_consent_can_be_given_by_typing(yes: str) -> None:
    chat = at_consent()
    assert "Wanneer kunnen we je het best bereiken?" in chat.say(yes)
    assert chat.of_type(RecordConsent) == [RecordConsent("intake", "intake-2026-11", True)]


@pytest.mark.parametrize("no", ["nee", "neen", "liever niet", "nee liever niet", "no", "👎"])
def test_consent_can_be_refused_by_typing(no: str) -> None:
    chat = at_consent()
    chat.say(no)
    assert chat.of_type(RecordConsent) == [RecordConsent("intake", "intake-2026-11", False)]
    assert chat.state.step == "ended"


@pytest.mark.parametrize(
    "unsure", ["ik weet het niet", "misschien", "wat bedoel je?", "hmm", "ja maar wie ziet dat?"]
)
def test_unsure_about_consent_is_never_taken_as_yes(unsure: str) -> None:
    chat = at_consent()
    first = chat.say(unsure)
    assert "Typ ja als het oké is, of nee als je het liever niet wilt." in first
    second = chat.say(unsure)
    assert "Twijfel je? Dat mag." in second
    assert "Je kunt ook eerst zelf met WAM! praten:" in second
    assert not chat.of_type(RecordConsent)
    assert chat.state.step == "consent"
    assert "Wanneer kunnen we je het best bereiken?" in chat.say("ok dan, ja")


# --- 5. day parts ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "reach"),
    [
        ("namiddag", ("afternoon",)),
        ("in de namiddag", ("afternoon",)),
        ("namidag", ("afternoon",)),
        ("'s middags", ("afternoon",)),
        ("'s avonds", ("evening",)),
        ("savonds", ("evening",)),
        ("avond", ("evening",)),
        ("'s morgens", ("morning",)),
        ("voormiddag", ("morning",)),
        ("voormiddag of namiddag", ("morning", "afternoon")),
        ("overdag", ("morning", "afternoon")),
        ("in the evening", ("evening",)),
        ("na 17u", ("evening",)),
        ("rond 14u30", ("afternoon",)),
        ("tussen 10u en 12u", ("morning", "afternoon")),
        ("Voormiddag (9u–12u)", ("morning",)),  # a button's label, typed over
        ("Avond (17u–20u)", ("evening",)),
    ],
)
def test_day_parts_can_be_typed(typed: str, reach: tuple[str, ...]) -> None:
    chat = at_reach()
    assert chat.say(typed).startswith("Genoteerd:")
    assert chat.state.answers.reach == reach
    assert "Klopt dit?" in chat.say("klaar")


@pytest.mark.parametrize(
    "any_time", ["maakt niet uit", "maakt nie uit", "om het even", "altijd", "de hele dag"]
)
def test_any_time_typed_goes_straight_to_the_summary(any_time: str) -> None:
    chat = at_reach()
    summary = chat.say(any_time)
    assert "Bereikbaar: Maakt niet uit" in summary
    assert chat.state.answers.reach == ("any",)


def test_day_parts_not_understood_twice_become_any_time() -> None:
    chat = at_reach()
    assert "Typ wanneer het past, bijvoorbeeld: namiddag." in chat.say("hangt ervan af")
    answer = chat.say("geen flauw benul")
    assert "Je coach spreekt met je af wanneer het past." in answer
    assert "Bereikbaar: Maakt niet uit" in answer


# --- 5. summary and editing -----------------------------------------------------------------------


@pytest.mark.parametrize("send", ["klopt", "Klopt!", "verstuur", "ja", "ja klopt", "alles klopt",
                                  "stuur maar", "ok", "ja verstuur maar", "👍"])  # fmt: skip
def test_the_summary_can_be_sent_by_typing(send: str) -> None:
    chat = at_summary()
    assert "WAM! heeft je aanmelding gekregen" in chat.say(send)
    (case,) = chat.of_type(CreateCase)
    assert isinstance(case, CreateCase)
    assert case.answers["needs"] == ["work"]
    assert case.answers["referral"] == "friend"
    assert case.answers["reach"] == ["any"]


@pytest.mark.parametrize("change", ["aanpassen", "iets aanpassen", "nee", "klopt niet", "fout"])
def test_aanpassen_typed_asks_what_to_change(change: str) -> None:
    chat = at_summary()
    assert "Wat wil je aanpassen?" in chat.say(change)


@pytest.mark.parametrize(
    ("typed", "question"),
    [
        ("mijn leeftijd is fout", "Hoe oud ben je?"),
        ("de naam klopt niet", "Hoe mogen we je noemen?"),
        ("woonplaats aanpassen", "In welke gemeente woon je?"),
        ("ik wil mijn uren aanpassen", "Wanneer kunnen we je het best bereiken?"),
    ],
)
def test_naming_the_wrong_answer_goes_straight_to_that_question(typed: str, question: str) -> None:
    chat = at_summary()
    assert question in chat.say(typed)


def test_mijn_leeftijd_is_fout_then_the_right_age_back_to_the_summary() -> None:
    chat = at_summary()
    chat.say("mijn leeftijd is fout")
    summary = chat.say("20")
    assert "Leeftijd: 20" in summary and "Klopt dit?" in summary
    assert "heeft je aanmelding gekregen" in chat.say("verstuur")


@pytest.mark.parametrize(
    ("typed", "question"),
    [
        ("naam", "Hoe mogen we je noemen?"),
        ("leeftijd", "Hoe oud ben je?"),
        ("mijn gemeente", "In welke gemeente woon je?"),
        ("postcode", "In welke gemeente woon je?"),
        ("waarmee ik hulp wil", "Waarmee wil je hulp?"),
        ("opleiding", "Waarmee wil je hulp?"),
        ("hoe ik jullie vond", "Hoe heb je ons gevonden?"),
        ("wanneer jullie me bereiken", "Wanneer kunnen we je het best bereiken?"),
    ],
)
def test_what_to_change_can_be_typed(typed: str, question: str) -> None:
    chat = at_summary()
    chat.say("aanpassen")
    assert question in chat.say(typed)


def test_nothing_to_change_after_all_goes_back_to_the_summary() -> None:
    chat = at_summary()
    chat.say("aanpassen")
    assert "Klopt dit?" in chat.say("niks, laat maar")


# --- 5. place confirmation ---------------------------------------------------------------------


@pytest.mark.parametrize("yes", ["ja", "jaa", "jep", "klopt", "ja dat", "yes", "ok"])
def test_a_guessed_place_is_confirmed_by_typing(yes: str) -> None:
    chat = at_name()
    chat.say("Noor")
    chat.say("19")
    assert "Bedoel je Maasmechelen?" in chat.say("maasmechele")
    assert "Top! In Maasmechelen helpt WAM" in chat.say(yes)


@pytest.mark.parametrize("no", ["nee", "neen", "nope", "nee hoor"])
def test_a_guessed_place_is_refused_by_typing(no: str) -> None:
    chat = at_name()
    chat.say("Noor")
    chat.say("19")
    chat.say("maasmechele")
    assert "In welke gemeente woon je?" in chat.say(no)


@pytest.mark.parametrize(
    ("typed", "answer"),
    [
        ("Heusden-Zolder", "Top! In Heusden-Zolder helpt SamenWerkt"),
        ("heusden zolder", "Top! In Heusden-Zolder helpt SamenWerkt"),
        ("de eerste", "Top! In Heusden-Zolder helpt SamenWerkt"),
        ("1", "Top! In Heusden-Zolder helpt SamenWerkt"),
        ("de tweede", "Voor Destelbergen kan ik je nog niet doorsturen"),
        ("iets anders", "In welke gemeente woon je?"),
        ("3630", "Top! In Maasmechelen helpt WAM"),  # a place typed afresh
    ],
)
def test_a_place_among_several_can_be_typed(typed: str, answer: str) -> None:
    chat = at_name()
    chat.say("Noor")
    chat.say("19")
    assert "Welke plaats bedoel je?" in chat.say("heusden")
    assert answer in chat.say(typed)


@pytest.mark.parametrize(
    "dont_know", ["ik weet het niet", "weet ik niet", "k weet het nie", "geen idee", "idk"]
)
def test_dont_know_the_place_typed(dont_know: str) -> None:
    chat = at_name()
    chat.say("Noor")
    chat.say("19")
    assert "Geen probleem." in chat.say(dont_know)


def test_a_place_not_found_twice_points_to_geen_idee() -> None:
    chat = at_name()
    chat.say("Noor")
    chat.say("19")
    chat.say("asdfgh")
    assert "Typ dan: geen idee." in chat.say("qwerty")
    assert chat.state.step == "place"
    chat.say("geen idee")  # doing what the hint says moves on, with the fallback partnership
    assert chat.state.step == "needs"


# --- the check-in rhythm at the end, and /taal ---------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "rhythm", "told"),
    [
        ("elke week", "week", "elke week"),
        ("wekelijks", "week", "elke week"),
        ("om de 2 weken", "2weeks", "om de twee weken"),
        ("om de twee weken", "2weeks", "om de twee weken"),
        ("maandelijks", "month", "elke maand"),
        ("1 keer per maand", "month", "elke maand"),
        ("nooit", "none", "geen check-ins"),
        ("liever niet", "none", "geen check-ins"),
    ],
)
def test_the_check_in_rhythm_can_be_typed(typed: str, rhythm: str, told: str) -> None:
    chat = at_summary()
    assert "Mag ik af en toe vragen hoe het met je gaat?" in chat.say("verstuur")
    assert told in chat.say(typed)
    assert chat.of_type(SetRhythm) == [SetRhythm(rhythm)]


def test_a_message_for_the_coach_after_the_rhythm_question_is_no_rhythm() -> None:
    chat = at_summary()
    chat.say("verstuur")
    assert "Ik geef je bericht door aan je coach." in chat.say("wanneer belt iemand mij?")
    assert not chat.of_type(SetRhythm)
    chat.now = chat.now.replace(day=chat.now.day + 1)
    chat.say("nooit")  # a later "nooit" is a message, not an answer to an old question
    assert not chat.of_type(SetRhythm)


@pytest.mark.parametrize("typed", ["engels", "English", "english please", "in het engels"])
def test_a_language_can_be_typed_after_taal(typed: str) -> None:
    chat = at_name()
    chat.say("/taal")
    answer = chat.say(typed)
    assert "Okay, we'll carry on in English." in answer
    assert "What can we call you?" in answer
    assert chat.of_type(SetLanguage) == [SetLanguage("en")]
    assert chat.state.answers.name == ""


def test_a_name_typed_after_taal_is_still_a_name() -> None:
    chat = at_name()
    chat.say("/taal")
    assert "Leuk je te leren kennen, Noor!" in chat.say("Noor")


def test_an_english_youth_types_every_answer() -> None:
    chat = at_name()
    chat.say("/taal")
    chat.say("english")
    assert "Sam" in chat.say("hi, I'm Sam")
    chat.say("22")
    chat.say("3630")
    assert "Noted: Work, Money." in chat.say("work and money")
    chat.say("done")
    chat.say("no")
    chat.say("a friend")
    chat.say("yes")
    chat.say("afternoon, that's all")
    assert "Your sign-up" in chat.say("send") or chat.state.step == "done"
    (case,) = chat.of_type(CreateCase)
    assert isinstance(case, CreateCase)
    assert case.answers["needs"] == ["work", "money"]
    assert case.answers["referral"] == "friend"
    assert case.answers["reach"] == ["afternoon"]


# --- no loop: whatever is typed, the youth is never stuck on the same re-ask ----------------


def at_place() -> Chat:
    chat = at_name()
    chat.say("Noor")
    chat.say("19")
    return chat


def at_edit_pick() -> Chat:
    chat = at_summary()
    chat.say("aanpassen")
    return chat


def at_age() -> Chat:
    chat = at_name()
    chat.say("Noor")
    return chat


TYPED_STEPS: dict[Step, Callable[[], Chat]] = {
    "name": at_name,
    "age": at_age,
    "place": at_place,
    "edit_pick": at_edit_pick,
    "needs": at_needs,
    "referral": at_referral,
    "consent": at_consent,
    "reach": at_reach,
    "summary": at_summary,
}
# What the youth reads from the second miss on, where a step cannot simply move on for them
# (a name, a consent and the final "send" are theirs to give).
WAY_FORWARD: dict[Step, str] = {
    "age": "We vragen het omdat we jongeren van 18 tot 30 jaar helpen.",
    "name": "Typ alleen je voornaam of een bijnaam, bijvoorbeeld: Sam.",
    "place": "Twijfel je? Typ dan: geen idee.",
    "consent": "Je kunt ook eerst zelf met WAM! praten:",
    "summary": "Twijfel je? Je coach kan alles later ook nog aanpassen.",
}
SOMETHING = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=40
).filter(lambda t: bool(t.strip()) and not t.strip().startswith("/"))
PHRASES = st.sampled_from(
    ["ja", "nee", "hallo", "werk", "klaar", "euh", "?", "😎", "ik weet het niet", "0470123456",
     "wat moet ik hier doen", "misschien", "namiddag", "vdab", "hmm ok", "ja ja", "allee"]
)  # fmt: skip


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    step=st.sampled_from(sorted(TYPED_STEPS)),
    texts=st.lists(st.one_of(SOMETHING, PHRASES), min_size=2, max_size=5),
)
def test_no_typed_answer_repeats_the_same_re_ask_forever(step: Step, texts: list[str]) -> None:
    """From the second miss on a step, the youth moves on or reads a way forward."""
    chat = TYPED_STEPS[step]()
    first_miss = ""
    for text in texts:
        answer = chat.say(text)
        if chat.state.step != step:
            return  # understood, or moved on: not stuck
        if chat.state.misses == 1:
            first_miss = answer
        if chat.state.misses >= 2:
            assert step in WAY_FORWARD, f"{step} should have moved on: {answer}"
            assert WAY_FORWARD[step] in answer
            assert answer != first_miss


def test_ja_to_the_check_in_question_asks_how_often() -> None:
    chat = at_summary()
    chat.say("verstuur")
    assert "Hoe vaak mag ik het vragen? Typ bijvoorbeeld: elke week." in chat.say("ja")
    assert "Elke week" in chat.buttons()
    assert "elke week" in chat.say("elke week graag")
    assert chat.of_type(SetRhythm) == [SetRhythm("week")]


@pytest.mark.parametrize(
    ("typed", "answer"),
    [
        ("verder", "Waarmee wil je hulp?"),
        ("verdergaan", "Waarmee wil je hulp?"),
        ("ja", "Waarmee wil je hulp?"),
        ("opnieuw beginnen", "Hoi! Ik ben Instap."),
        ("opnieuw", "Hoi! Ik ben Instap."),
    ],
)
def test_continue_or_start_over_can_be_typed(typed: str, answer: str) -> None:
    chat = at_needs()
    assert "Wil je verdergaan of opnieuw beginnen?" in chat.say("/start")
    assert answer in chat.say(typed)


def test_once_a_coach_answers_a_ja_is_for_the_coach_not_the_check_in_question() -> None:
    chat = at_summary()
    chat.say("verstuur")
    chat.handler = "Sara"  # Sara took the case and wrote "Past dinsdag om 14u?"
    assert chat.say("Ja, dat past!") == ""  # the bot stays quiet: Sara answers herself
    assert chat.say("elke week") == ""
    assert not chat.of_type(SetRhythm)


@pytest.mark.parametrize(("key", "label"), intake_questions.NEEDS)
def test_typing_a_needs_button_label_is_like_tapping_it(key: str, label: str) -> None:
    chat = at_needs()
    chat.say(label)
    assert chat.state.answers.needs == (key,)


@pytest.mark.parametrize(("key", "label"), intake_questions.REFERRALS)
def test_typing_a_referral_button_label_is_like_tapping_it(key: str, label: str) -> None:
    chat = at_referral()
    chat.say(label)
    assert chat.state.answers.referral == key


@pytest.mark.parametrize(("key", "label"), intake_questions.REACH)
def test_typing_a_day_part_button_label_is_like_tapping_it(key: str, label: str) -> None:
    chat = at_reach()
    chat.say(label)
    assert chat.state.answers.reach == (key,)


@pytest.mark.parametrize(("step", "label"), intake_questions.EDITABLE)
def test_typing_an_edit_button_label_is_like_tapping_it(step: Step, label: str) -> None:
    chat = at_edit_pick()
    chat.say(label)
    assert chat.state.step == step and chat.state.editing


@pytest.mark.parametrize(
    ("at", "label", "step"),
    [
        (at_consent, "Ja, dat is oké", "reach"),
        (at_consent, "Nee", "ended"),
        (at_summary, "Ja, verstuur", "done"),
        (at_summary, "Iets aanpassen", "edit_pick"),
    ],
)
def test_typing_a_yes_no_button_label_is_like_tapping_it(
    at: Callable[[], Chat], label: str, step: Step
) -> None:
    chat = at()
    chat.say(label)
    assert chat.state.step == step
