"""The house style for youth text (docs/youth-text.md), checked where a machine can check it.

The texts are what a youth reads: the Dutch catalog entries of the chat (flows/, bot/ and
the web chat page; not the inbox or the notices to workers) and the youth-facing texts of
partnerships.toml. Each rule here is a line of docs/youth-text.md.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from bot.engine import LINK_FAILED, LINKED, NEW_MESSAGE, WISH_PINGS
from tests.support.dialog import Chat, directory

ROOT = Path(__file__).resolve().parents[1]
WORKER_FILES = ("bot/signals.py",)  # notices to workers, not to youths
WORKER_TEXTS = {LINKED, LINK_FAILED, NEW_MESSAGE, *WISH_PINGS.values()}

# One word the youth knows for each thing, and no words of the trade.
BANNED = {
    r"trajectgezel\w*": "coach",
    r"\w*begeleid\w*": "coach / helpen",
    r"jongerenwerker\w*": "coach",
    r"traject\w*": "-",
    r"activering": "-",
    r"neet": "-",
    r"\d+ dagen": "'een jaar', 'een maand', or a date",
    r"je kan": "je kunt",
    r"kan je": "kun je",
    r"jij kan": "jij kunt",
    r"tussen jou en je coach": "who reads it, truthfully: the team of coaches",
    r"alleen je coach": "who reads it, truthfully: the team of coaches",
}
WE = re.compile(r"\b(we|wij|ons|onze)\b", re.IGNORECASE)
ME = re.compile(r"\b(ik|mij|me|mijn)\b", re.IGNORECASE)
CLOCK = re.compile(r"\b\d{1,2}[:.]\d{2}\b")  # say 14u or 14u30, not 14:30 or 14.30


@cache
def chat_msgids() -> frozenset[str]:
    """Every text of the chat, as extracted from the code (what `make update` extracts)."""
    method_map = [("flows/**.py", "python"), ("bot/**.py", "python"), ("core/**.py", "python"),
                  ("bot/channels/webchat/templates/**.html", "jinja2")]  # fmt: skip
    found: set[str] = set()
    for path, _, message, _, _ in extract_from_dir(
        str(ROOT), method_map, keywords={"N_": None, "_": None}
    ):
        if isinstance(message, str) and path not in WORKER_FILES and message not in WORKER_TEXTS:
            found.add(message)
    return frozenset(m for m in found if "EEEE" not in m)  # not the date patterns


@cache
def youth_texts() -> dict[str, str]:
    """What the youth reads in Dutch: the nl catalog's text of each chat msgid, and the
    partnerships file's youth texts, each with where it comes from."""
    with (ROOT / "locales" / "nl" / "LC_MESSAGES" / "instap.po").open("rb") as f:
        catalog = {str(m.id): str(m.string or m.id) for m in read_po(f, locale="nl") if m.id}
    texts = {f"catalog: {m}": catalog.get(m, m) for m in chat_msgids()}
    d = directory()
    for p in d.partnerships:
        texts[f"partnerships.toml {p.id}.contact"] = p.contact["nl"]
        for i, location in enumerate(p.locations):  # the inbox offers "name, address"
            texts[f"partnerships.toml {p.id}.locations[{i}]"] = (
                f"{location.name}, {location.address}"
            )
    for line in d.help_lines.values():
        texts[f"partnerships.toml help_line {line.name}.hours"] = line.hours["nl"]
    return texts


def test_the_checks_see_the_chat_and_not_the_inbox() -> None:
    ids = chat_msgids()
    assert "Hoe oud ben je?" in ids and "Typ je bericht…" in ids
    assert NEW_MESSAGE not in ids and not any("inbox" in m.lower() for m in ids)


def test_one_plain_word_for_each_thing() -> None:
    found = [
        f"{where}: {word!r} → {instead}"
        for where, text in youth_texts().items()
        for word, instead in BANNED.items()
        if re.search(rf"\b{word}\b", text, re.IGNORECASE)
    ]
    assert not found, "\n".join(found)


def test_no_double_punctuation_after_a_name_that_ends_in_an_exclamation_mark() -> None:
    """ "verstuurd naar WAM!." — WAM!, JOW! and names like them end in "!"."""
    names = [n for p in directory().partnerships for n in (p.short_name, p.name)]
    assert any(n.endswith("!") for n in names)  # the case exists
    found = []
    for where, text in youth_texts().items():
        for name in names:
            shown = re.sub(r"\{partnership\}", name, text)
            if re.search(r"[!?][.,:;]", re.sub(r"\{\w+\}", "x", shown)):
                found.append(f"{where} (with {name})")
    assert not found, "\n".join(found)


def test_the_chat_speaks_as_ik_and_the_team_as_we_never_both_in_one_message() -> None:
    found = [t for t in youth_texts().values() if WE.search(t) and ME.search(t)]
    assert not found, "\n".join(found)


def test_times_are_written_the_flemish_way() -> None:
    found = [t for t in youth_texts().values() if CLOCK.search(t)]
    assert not found, "\n".join(found)


def test_one_question_per_message() -> None:
    found = [t for t in youth_texts().values() if t.count("?") > 1]
    assert not found, "\n".join(found)


def test_an_answer_never_gives_the_same_instruction_twice() -> None:
    """A youth who types instead of tapping reads one instruction, not the same one twice."""
    chat = Chat()
    turns = [chat.say(t) for t in ("/start", "Noor", "19", "Maasmechelen")]
    for label in (
        "Werk",
        "Klaar",
        "Overslaan",
        "Sociale media",
        "Ja, dat is oké",
        "Avond",
        "Klaar",
    ):
        turns.append(chat.say("hmm"))  # typed instead of tapped: asked again
        if label in [b.removeprefix("✅ ").split(" (")[0] for b in chat.buttons()]:
            turns.append(chat.press(next(b for b in chat.buttons() if b.startswith(label))))
    assert "Klopt dit?" in turns[-1]  # the walk went through both tap-and-Klaar steps
    for answer in turns:
        assert answer.count("Klaar") <= 1, answer
        taps = [s for s in re.split(r"(?<=[.!?])\s+", answer) if re.match(r"(Tik|Kies)\b", s)]
        assert len(taps) <= 1, answer
