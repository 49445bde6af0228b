"""Tests for the safety net: lexicon data, crisis phrases, look-alikes, robustness, speed."""

from __future__ import annotations

import random
import tomllib
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.lexicon import load_lexicon
from flows.safety import (
    CATEGORIES,
    Detection,
    Lexicon,
    LexiconError,
    detect,
    help_line_ids,
    help_line_ids_for,
    normalise,
    parse_lexicon,
)
from flows.safety_score import describe, parse_cases, score

CASES_FILE = Path(__file__).parent / "data" / "safety_cases.toml"
KNOWN_LINES = {"112", "101", "1813", "106", "102", "jac", "1712", "druglijn"}


def lexicon() -> Lexicon:
    return load_lexicon()


def load_cases() -> list[dict[str, Any]]:
    cases: list[dict[str, Any]] = tomllib.loads(CASES_FILE.read_text("utf-8"))["cases"]
    return cases


CASES = load_cases()
CRISIS = [c for c in CASES if c["expect"] != "none"]
LOOK_ALIKES = [c for c in CASES if c["expect"] == "none"]


def test_case_file_is_big_enough() -> None:
    per_lang = {lang: sum(c["lang"] == lang for c in CASES) for lang in ("nl", "en")}
    assert per_lang["nl"] >= 450
    assert per_lang["en"] >= 100
    assert len(CRISIS) >= 300
    assert len(LOOK_ALIKES) >= 300
    assert {c["expect"] for c in CASES} <= {*CATEGORIES, "none"}
    assert {c["expect"] for c in CRISIS} == set(CATEGORIES)
    texts = [c["text"] for c in CASES]
    assert len(texts) == len(set(texts)), "a sentence is in the case file twice"


def test_recall_is_complete_and_false_alarms_stay_under_five_percent() -> None:
    result = score(parse_cases(CASES_FILE.read_text("utf-8")), lexicon())
    assert result.recall == 1.0, "missed:\n" + describe(result.missed)
    assert result.category_accuracy == 1.0, "wrong category:\n" + describe(result.wrong_category)
    assert result.false_alarm_rate <= 0.05, "false alarms:\n" + describe(result.false_alarms)


#: The category decides which help line comes first: the youth sees this number.
FIRST_LINE = {"danger": "112", "suicide": "1813", "self_harm": "1813", "violence": "1712"}


@pytest.mark.parametrize("case", CRISIS, ids=[c["text"] for c in CRISIS])
def test_each_crisis_gets_the_help_line_of_its_kind(case: dict[str, Any]) -> None:
    found = detect(case["text"], lexicon())
    assert found is not None
    lines = help_line_ids_for(found)
    assert lines[0] == FIRST_LINE[case["expect"]], (case["text"], found, lines)
    assert 1 <= len(lines) <= 2


@pytest.mark.parametrize("case", CRISIS, ids=[c["text"] for c in CRISIS])
def test_crisis_phrase_is_detected(case: dict[str, Any]) -> None:
    found = detect(case["text"], lexicon())
    assert found is not None, f"missed: {case['text']!r} -> {normalise(case['text'])!r}"
    assert found.category == case["expect"], found


@pytest.mark.parametrize("case", LOOK_ALIKES, ids=[c["text"] for c in LOOK_ALIKES])
def test_look_alike_is_not_detected(case: dict[str, Any]) -> None:
    assert detect(case["text"], lexicon()) is None


def test_two_everyday_sentences_in_one_message_rarely_raise_an_alarm() -> None:
    # Youths write several sentences in one message; crisis patterns may run over a
    # sentence break, so two look-alikes together must not add up to an alarm.
    rng = random.Random(10)
    texts = [c["text"] for c in LOOK_ALIKES]
    pairs = [". ".join(rng.sample(texts, 2)) for _ in range(3000)]
    alarms = [t for t in pairs if detect(t, lexicon()) is not None]
    assert len(alarms) <= len(pairs) * 0.005, alarms[:10]


def test_a_crisis_next_to_an_everyday_sentence_is_still_caught() -> None:
    rng = random.Random(11)
    texts = [c["text"] for c in LOOK_ALIKES]
    for _ in range(1500):
        case = rng.choice(CRISIS)
        other = rng.choice(texts)
        for text in (f"{other}. {case['text']}", f"{case['text']}, {other}"):
            found = detect(text, lexicon())
            assert found is not None, text
            # the same category, or a more urgent one the two sentences point to together
            assert CATEGORIES.index(found.category) <= CATEGORIES.index(case["expect"]), text


# --------------------------------------------------------------------------- behaviour


def test_detection_is_explainable_and_holds_no_text() -> None:
    found = detect("ik wil dood", lexicon())
    assert found == Detection("suicide", "nl.suicide.wil_dood")


def test_most_urgent_category_wins_and_others_are_kept() -> None:
    found = detect("hij slaat me en ik wil dood", lexicon())
    assert found is not None
    assert found.category == "suicide"
    assert found.also == ("violence",)
    danger = detect("ik heb pillen genomen", lexicon())
    assert danger is not None
    assert danger.category == "danger"
    assert "suicide" in danger.also


@pytest.mark.parametrize(
    ("text", "expect"),
    [
        ("ik denk niet aan zelfmoord", None),
        ("ik denk niet aan zelfmoord, maar ik wil wel dood", "suicide"),
        ("ik weet niet of ik nog wil leven", "suicide"),
        ("niet zelfmoord maar ik wil niet meer leven", "suicide"),
        ("ik denk nooit meer aan zelfmoord", None),
        ("ik kan niet stoppen met denken aan zelfmoord", "suicide"),
        ("ik weet niet of zelfmoord de oplossing is", "suicide"),
        ("I'm not suicidal", None),
        ("I can't stop thinking about suicide", "suicide"),
        ("I don't want to kill myself but", "suicide"),
    ],
)
def test_negation_cancels_only_mentions(text: str, expect: str | None) -> None:
    found = detect(text, lexicon())
    assert (found.category if found else None) == expect


def test_idiom_cancels_only_the_span_it_covers() -> None:
    assert detect("ik ga dood van de honger", lexicon()) is None
    found = detect("ik ga dood van de honger. ik ga dood echt", lexicon())
    assert found is not None
    assert found.category == "suicide"


@pytest.mark.parametrize(
    ("raw", "normal"),
    [
        ("Ik wil DOOOOOD!!!", "ik wil dod"),
        ("zelf-moord", "zelfmord"),
        ("z3lfm00rd", "zelfmord"),
        ("suïcidaal", "suicidal"),
        ("ik\u200bwil\u200ddood", "ikwildod"),
        ("don't", "dont"),
        ("ja, nee", "ja . ne"),
        ("\u202eabc\u202c", "abc"),
        ("😂", "lol"),
        ("su!c!de", "suicide"),
        ("wow!! super!", "wow . super"),
        ("", ""),
    ],
)
def test_normalise(raw: str, normal: str) -> None:
    assert normalise(raw) == normal


# --------------------------------------------------------------------------- help lines


def test_help_lines() -> None:
    assert help_line_ids("danger") == ("112", "101")
    assert help_line_ids("suicide") == ("1813",)
    assert help_line_ids("self_harm") == ("1813", "106")
    assert help_line_ids("violence") == ("1712",)
    for category in CATEGORIES:
        ids = help_line_ids(category)
        assert 1 <= len(ids) <= 2
        assert set(ids) <= KNOWN_LINES


@pytest.mark.parametrize(
    ("detection", "lines"),
    [
        (Detection("danger", "x", ("suicide",)), ("112", "1813")),
        (Detection("danger", "x", ("violence",)), ("112", "101")),
        (Detection("danger", "x"), ("112", "101")),
        (Detection("suicide", "x", ("violence",)), ("1813", "1712")),
        (Detection("self_harm", "x", ("violence",)), ("1813", "1712")),
        (Detection("suicide", "x", ("self_harm",)), ("1813",)),
        (Detection("violence", "x"), ("1712",)),
    ],
)
def test_help_lines_for_detection(detection: Detection, lines: tuple[str, ...]) -> None:
    assert help_line_ids_for(detection) == lines
    assert len(lines) <= 2


# --------------------------------------------------------------------------- lexicon data


def test_every_rule_has_a_unique_explainable_id() -> None:
    ids = [rule.phrase_id for rule in lexicon().rules]
    assert len(ids) == len(set(ids))
    for rule in lexicon().rules:
        lang, category, _ = rule.phrase_id.split(".")
        assert lang in {"nl", "en"}
        assert category == rule.category


def test_bad_lexicon_is_rejected_with_a_clear_message() -> None:
    with pytest.raises(LexiconError, match="unknown macro"):
        parse_lexicon('[[rule]]\nid="x"\ncategory="suicide"\npatterns=["@nope"]', "nl")
    with pytest.raises(LexiconError, match="category"):
        parse_lexicon('[[rule]]\nid="x"\ncategory="sad"\npatterns=["a"]', "nl")
    with pytest.raises(LexiconError, match="duplicate"):
        parse_lexicon(
            '[[rule]]\nid="x"\ncategory="suicide"\npatterns=["a"]\n'
            '[[rule]]\nid="x"\ncategory="suicide"\npatterns=["b"]',
            "nl",
        )
    with pytest.raises(LexiconError, match="lang"):
        parse_lexicon('lang = "en"', "nl")
    with pytest.raises(LexiconError, match="gap"):
        parse_lexicon('[[rule]]\nid="x"\ncategory="suicide"\npatterns=["* a"]', "nl")


def test_pattern_format() -> None:
    lex = parse_lexicon(
        """
        [settings]
        negators = ["niet"]
        [macros]
        ik = "ik|k"
        [[rule]]
        id = "t.suicide.a"
        category = "suicide"
        patterns = ["@ik wil * dood", "te_veel pillen", "zelfmoord*", "kan niet meer $"]
        [[rule]]
        id = "t.violence.b"
        category = "violence"
        kind = "mention"
        patterns = ["geweld"]
        """,
        "nl",
    )
    assert detect("k wil heel graag dood", lex) is not None
    assert detect("ik wil niet dood", lex) is None  # a gap never swallows a negation
    assert detect("teveel pillen", lex) is not None
    assert detect("zelfmoordgedachten", lex) is not None
    assert detect("kan niet meer", lex) is not None
    assert detect("kan niet meer wachten", lex) is None
    assert detect("geen geweld", lex) is not None  # "geen" is not a negator here
    assert detect("niet geweld", lex) is None


def test_spellings_read_dialect_and_sms_as_the_standard_word() -> None:
    lex = parse_lexicon(
        """
        [spellings]
        ik = "ich"
        kan = "kin"
        "niet meer" = "neet mie"
        [[rule]]
        id = "t.suicide.a"
        category = "suicide"
        patterns = ["ik kan niet meer $"]
        """,
        "nl",
    )
    assert lex.respell(normalise("Ich kin neet mie")) == "ik kan niet mer"
    assert detect("ich kin neet mie", lex) is not None
    assert detect("ich kin net niet meer", lex) is None  # "net" stays "net" on its own
    with pytest.raises(LexiconError, match="conflicting"):
        parse_lexicon('[spellings]\nik = "ich"\nmij = "ich"', "nl")


def test_a_number_token_needs_five_or_more() -> None:
    lex = parse_lexicon(
        """
        [[rule]]
        id = "t.danger.a"
        category = "danger"
        patterns = ["heb # dafalgan genomen"]
        """,
        "nl",
    )
    assert detect("ik heb 20 dafalgan genomen", lex) is not None
    assert detect("ik heb 5 dafalgan genomen", lex) is not None
    assert detect("ik heb 2 dafalgan genomen", lex) is None
    assert detect("ik heb dafalgan genomen", lex) is None


@pytest.mark.parametrize(
    ("text", "expect"),
    [
        # the kinds the independent corpus missed (issue 10), said in other words
        ("ik wil gewoon voorgoed verdwijnen, niemand zou het merken", "suicide"),
        ("ik heb al weken tabletten opgespaard om er een eind aan te maken", "suicide"),
        ("straks maak ik mezelf van kant", "suicide"),
        ("ik heb het scheermes vast en ik ga het doen", "danger"),
        ("kwil nie meer leve", "suicide"),
        ("mijn ex heeft gedreigd dat hij me gaat vermoorden", "violence"),
        ("ik heb 40 paracetamol binnen", "danger"),
        ("ik heb afscheidsbriefjes geschreven", "suicide"),
        # and what must stay quiet
        ("ik wil verdwijnen uit dit dorp en naar de stad verhuizen", None),
        ("ik lach me dood", None),
        ("dat mes is bot", None),
        ("ik heb 2 dafalgan genomen tegen de koppijn", None),
    ],
)
def test_issue_10_kinds_in_other_words(text: str, expect: str | None) -> None:
    found = detect(text, lexicon())
    assert (found.category if found else None) == expect, found


# --------------------------------------------------------------------------- properties

FILLER_WORDS = [
    "hoi",
    "ja",
    "ok",
    "euh",
    "vandaag",
    "morgen",
    "school",
    "werk",
    "mama",
    "hallo",
    "trouwens",
    "weet",
    "je",
    "vrijdag",
    "bus",
    "hello",
    "so",
    "yeah",
    "today",
    "anyway",
    "btw",
    "coach",
    "afspraak",
    "gsm",
    "examen",
    "14u30",
    "Maasmechelen",
    "3630",
]
SEPARATORS = [". ", "! ", "\n", "... ", " 😢 ", ", "]

filler = st.lists(st.sampled_from(FILLER_WORDS), max_size=12).map(" ".join)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    case=st.sampled_from(CRISIS),
    before=filler,
    after=filler,
    sep_before=st.sampled_from(SEPARATORS),
    sep_after=st.sampled_from(SEPARATORS),
)
def test_crisis_phrase_survives_filler(
    case: dict[str, Any], before: str, after: str, sep_before: str, sep_after: str
) -> None:
    text = f"{before}{sep_before}{case['text']}{sep_after}{after}"
    found = detect(text, lexicon())
    assert found is not None, text
    assert found.category == case["expect"], (text, found)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=5000))
def test_detect_never_raises_on_any_unicode(text: str) -> None:
    result = detect(text, lexicon())
    assert result is None or result.category in CATEGORIES


@settings(max_examples=100, deadline=None)
@given(
    st.text(
        alphabet=st.sampled_from(
            [
                *"abcdeiklmnoprstwz .!?'-",
                *"\u200b\u200d\u202e\u202c\u2066\ufeff\u00ad",  # zero-width, bidi
                *"ابجدهوزחטיכלמ",  # Arabic and Hebrew (RTL)
                *"😂💀😢éïßİ",
            ]
        ),
        max_size=5000,
    )
)
def test_detect_never_raises_on_rtl_and_zero_width(text: str) -> None:
    detect(text, lexicon())


@pytest.mark.parametrize(
    "text",
    [
        "a" * 5000,
        "ab" * 2500,
        "ik wil " * 700,
        "\u200b" * 5000,
        "\u202e" + "ik wil dood " * 400,
        "ik " + "heel " * 1200 + "dood",
        "x" * 4999 + " ik wil dood",
        # an idiom or an excluded remark repeated: every match is looked at and rejected
        ("ik ga dood van de honger " * 200)[:5000],
        ("ik heb mijn pillen al genomen. " * 160)[:5000],
        ("niemand zou me missen op dat feest " * 140)[:5000],
    ],
)
def test_detect_handles_long_and_odd_messages(text: str) -> None:
    # No timing here (a loaded machine is slow, `make bench` measures speed): a pattern that
    # backtracks catastrophically on such input never returns, and pytest's timeout ends it.
    detect(text, lexicon())


def test_zero_width_and_rtl_do_not_hide_a_crisis() -> None:
    for text in ("\u202eik wil dood\u202c", "ik\u200b \u200dwil dood", "\ufeffzelfmoord"):
        assert detect(text, lexicon()) is not None, text
