"""Reading a name from what the youth typed: "hey ik ben Yassin" → "Yassin".

A greeting alone, a sentence, a phone number or a lone emoji is no name; the youth's own
capitals are kept ("de Vries", "McKenzie").
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from flows.understand import fold


def clean_name(text: str) -> str:
    """The typed text without invisible characters and with single spaces."""
    visible = "".join(c for c in text if unicodedata.category(c) not in {"Cf", "Cc"})
    return " ".join(visible.split())


def _bag(text: str) -> frozenset[str]:
    return frozenset(text.split())


GREETINGS = _bag(
    "hey hei hi hoi hallo hallo hello helo hola yo jo dag daag goeiedag goeiemorgen goedemorgen "
    "goeienavond goedenavond goedemiddag goeiemiddag salut salu salam salaam selam wa "
    "heey heyy heyyy hee hoii halo allo ewa ewaa sup hay hallootjes hoiii"
)
NAME_OPENERS = (
    "ik ben de", "ik ben den", "ik ben het", "ik ben", "kben", "k ben", "ik heet", "kheet",
    "k heet", "mijn naam is", "mn naam is", "m n naam is", "mijne naam is", "naam is",
    "ze noemen me", "ze noemen mij", "noem me", "noem mij", "zeg maar", "je mag me",
    "je mag mij", "het is", "dit is", "tis", "t is", "hier is", "my name is", "name is",
    "i am", "im", "i m", "its", "it s", "call me", "this is",
)  # fmt: skip
NAME_CLOSERS = ("hier", "here", "is de naam", "is mijn naam", "noemen", "is my name")
# Words that make a text a sentence, not a name.
SENTENCE_WORDS = _bag(
    "ik je jij u wij we ze zij hij wil wilt zoek zoeken heb hebt heeft ben bent is zijn kan "
    "kunt moet mag weet help hulp werk job school geld een het niet geen wat waar wanneer hoe "
    "waarom wie want maar omdat ook nog al graag please want need looking have what how"
)
NOT_NAMES = _bag(
    "ja nee neen ok oke okay yes no test start stop klaar help hulp hmm euh eh ? . ... werk "
    "geld school wonen opleiding papieren waarom wat hoe wie waar wanneer sorry bedankt merci "
    "dankje dankuwel thanks what why how who"
)
_PHONE = re.compile(r"^\+?[\d\s./()-]{6,}$")


def looks_like_phone(text: str) -> bool:
    return bool(_PHONE.match(text.strip())) and sum(c.isdigit() for c in text) >= 6


def name_in(text: str) -> str | None:
    """The name in an introduction: "hey ik ben Yassin" → "Yassin"; None if there is none.

    A greeting alone, a sentence, a phone number or a lone emoji is no name.
    """
    if looks_like_phone(text):
        return None
    tokens = text.split()
    folded = [fold(t) for t in tokens]
    while tokens and (folded[0] in GREETINGS or not folded[0]):
        tokens, folded = tokens[1:], folded[1:]
    tokens, folded = strip_phrase(tokens, folded, NAME_OPENERS, front=True)
    tokens, folded = strip_phrase(tokens, folded, NAME_CLOSERS, front=False)
    name: list[str] = []
    for token, word in zip(tokens, folded, strict=True):
        if word.isdigit() or (word in {"en", "and", "uit", "from"} and name):  # "Yassin 19"
            break
        name.append(token)
        if token.endswith((",", ".", "!", ";", ":")):
            break
    while len(name) > 1 and not any(c.isalnum() for c in name[-1]):
        name.pop()  # "Sam 👋": the wave is no part of the name
    cleaned = " ".join(name).strip(" ,.!;:?-")
    words = fold(cleaned).split()
    if not cleaned or not any(c.isalpha() for c in cleaned) or len(name) > 4:
        return None
    if fold(cleaned) in NOT_NAMES or (len(words) > 1 and set(words) & SENTENCE_WORDS):
        return None  # one word is checked gently: "Wil", "Job" and "Al" are names too
    if all(w in GREETINGS for w in words):
        return None
    if not cleaned.islower():
        return cleaned  # the youth chose their capitals ("de Vries", "McKenzie")
    return " ".join(t[:1].upper() + t[1:] for t in cleaned.split())


def strip_phrase(
    tokens: list[str], folded: list[str], phrases: Iterable[str], *, front: bool
) -> tuple[list[str], list[str]]:
    """Remove one opening ("ik ben") or closing ("hier") phrase from the tokens."""
    for phrase in phrases:
        wanted = phrase.split()
        n = len(wanted)
        if len(folded) > n and (folded[:n] if front else folded[-n:]) == wanted:
            return (tokens[n:], folded[n:]) if front else (tokens[:-n], folded[:-n])
    return tokens, folded
