"""`flows.safety.detect` per second over 200-character messages.

Three kinds of message, each exactly 200 characters of everyday chat:
- ordinary: nothing alarming (the common case: most messages are like this);
- look-alikes: an idiom that shares crisis words ("ik lach me dood") and must NOT fire;
- crisis: a crisis phrase at the start, middle or end of the message.
Every message is checked before timing, so the rows measure what they claim to.

Then the quality rows: recall, right category and false alarms on the project's case
file (tests/flows/data/safety_cases.toml, which the lexicon is tuned on) and on the
held-out file (safety_holdout.toml, never tuned on); their time is one `detect` per case.
"""

from __future__ import annotations

import random
import time

from bench.common import ROOT, Result, best_of, combine, lexicon, timed_calls
from flows.safety import detect
from flows.safety_score import parse_cases, score

LENGTH = 200
SEED = 4242
CASE_FILES = {
    "safety.cases (tuned on)": ROOT / "tests" / "flows" / "data" / "safety_cases.toml",
    "safety.holdout (never tuned on)": ROOT / "tests" / "flows" / "data" / "safety_holdout.toml",
}

FILLER = (
    "Hallo, ik ben op zoek naar werk in de buurt.",
    "Ik heb vorig jaar mijn diploma gehaald maar vind niks.",
    "Mijn mama zegt dat ik eens bij de VDAB moet gaan.",
    "Kan ik ook 's avonds bellen want overdag werk ik soms in de winkel?",
    "Ik weet niet goed welke opleiding bij mij past.",
    "Hi, I just moved here and I am looking for a job or a course.",
    "Ik heb geen rijbewijs, is dat een probleem?",
    "Wanneer kan ik een afspraak maken met iemand?",
    "Mijn vriend heeft ook hulp gekregen van jullie, hij was heel tevreden.",
    "Sorry voor mijn spelling, ik typ op mijn gsm.",
    "Ik woon nog bij mijn ouders en wil graag op mezelf gaan wonen.",
    "Is het gratis? Ik heb niet veel geld.",
)
LOOK_ALIKES = (
    "ik lach me dood",
    "ik ben doodmoe",
    "ik ga nog dood van de stress van die examens",
    "ik verveel me dood",
    "dat examen was moordend",
    "ik schrok me dood",
)
CRISIS = (
    "ik wil dood",
    "ik zie het niet meer zitten",
    "ik wil niet meer leven",
    "ik denk aan zelfmoord",
    "ik heb pillen genomen",
    "ik snij mezelf",
    "hij slaat me",
    "ik word thuis geslagen",
    "I want to die",
    "I cut myself again",
)


def message(rng: random.Random, phrase: str = "", where: int = 0) -> str:
    """Filler sentences around `phrase` (0: at the start, 1: middle, 2: end), 200 chars."""
    room = LENGTH - len(phrase) - 2
    before: list[str] = []
    after: list[str] = []
    target = {0: 0, 1: room // 2, 2: room}[where] if phrase else room
    while sum(len(s) + 1 for s in before) < target:
        before.append(rng.choice(FILLER))
    head = " ".join(before)[:target].rsplit(" ", 1)[0] if target else ""
    while len(head) + len(phrase) + sum(len(s) + 1 for s in after) < LENGTH:
        after.append(rng.choice(FILLER))
    pieces = [p for p in (head, f"{phrase}." if phrase else "", " ".join(after)) if p]
    return " ".join(pieces)[:LENGTH]


def messages(count: int) -> dict[str, list[str]]:
    rng = random.Random(SEED)
    lex = lexicon()
    ordinary = [message(rng) for _ in range(count)]
    look = [message(rng, LOOK_ALIKES[i % len(LOOK_ALIKES)], i % 3) for i in range(count)]
    crisis = [message(rng, CRISIS[i % len(CRISIS)], i % 3) for i in range(count)]
    for text in (*ordinary, *look, *crisis):
        assert len(text) == LENGTH, (len(text), text)
    for text in (*ordinary, *look):
        if detect(text, lex) is not None:
            raise RuntimeError(f"false alarm in a benchmark message: {text!r}")
    for text in crisis:
        if detect(text, lex) is None:
            raise RuntimeError(f"crisis phrase missed in a benchmark message: {text!r}")
    return {"ordinary": ordinary, "look-alikes": look, "crisis": crisis}


def run(quick: bool = False) -> list[Result]:
    lex = lexicon()
    count, rounds = (300, 3) if quick else (2000, 5)
    mix = messages(count)

    def call(text: str) -> object:
        return detect(text, lex)

    for texts in mix.values():  # warm up
        for text in texts[:50]:
            call(text)
    parts = [
        best_of(rounds, timed_calls, f"safety.detect {kind}", call, texts)
        for kind, texts in mix.items()
    ]
    note = (
        f"{count:,} messages of {LENGTH} characters of each kind, each checked for the "
        f"expected outcome first; each row the best of {rounds} rounds"
    )
    return [*parts, combine("safety.detect (mix)", parts, note), *quality()]


def quality() -> list[Result]:
    """Recall and false alarms on each case file, as rows whose note says the numbers."""
    lex = lexicon()
    rows = []
    for name, path in CASE_FILES.items():
        cases = parse_cases(path.read_text("utf-8"))
        start = time.perf_counter()
        result = score(cases, lex)
        rows.append(Result(name, len(cases), time.perf_counter() - start, note=result.summary()))
    return rows
