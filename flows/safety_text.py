"""Safety net text folding: the form crisis patterns are matched against (pure)."""

from __future__ import annotations

import re
import unicodedata
from typing import Final

__all__ = ["norm_word", "normalise"]

_REMOVED_CHARS: Final = (
    "\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180e"
    "\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e"
    "\u2060\u2061\u2062\u2063\u2064\u2066\u2067\u2068\u2069\u206a\u206b\u206c\u206d\u206e\u206f"
    "\ufeff\ufe0e\ufe0f"
    # apostrophes: "don't" -> "dont", "'k" -> "k", "m'n" -> "mn"
    "'\u2018\u2019\u201b\u02bc\u02bb\u00b4`\u2032"
    # hyphens join: "zelf-moord" -> "zelfmoord", "self-harm" -> "selfharm"
    "-\u2010\u2011\u00b7"
)
_LAUGHING: Final = "\U0001f602\U0001f923\U0001f606\U0001f639\U0001f480\u2620"
_TRANSLATE: Final[dict[int, str | None]] = {
    **dict.fromkeys(map(ord, _REMOVED_CHARS)),
    **dict.fromkeys(map(ord, _LAUGHING), " lol "),
}
_COMBINING: Final = re.compile(
    r"[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]+"
)
# Sentence marks, and emoji (other than the laughing ones above), end a clause.
_CLAUSE: Final = re.compile(
    r"[.!?;:,\n\r\u2026\u3002\uff01\uff1f\u2600-\u27bf\U0001f000-\U0001faff]+"
)
_OTHER: Final = re.compile(r"[^a-z0-9. ]+")
# "!" or "|" between two letters stands for an i ("su!c!de", "k!ll"), not a sentence end.
_BANG_I: Final = re.compile(r"(?<=[^\W\d_])[!|](?=[^\W\d_])")
_PAIRS: Final = tuple((ch * 2, ch) for ch in "abcdefghijklmnopqrstuvwxyz")
_LEET_WORD: Final = re.compile(r"(?<![a-z0-9])(?=[a-z0-9]*[a-z])[a-z0-9]*[0-9][a-z0-9]*")
_LEET: Final = str.maketrans("013457", "oieast")
_DIGIT: Final = re.compile(r"[0-9]")


def normalise(text: str) -> str:
    """Fold ``text`` to the form patterns are matched against.

    Lowercase ASCII letters and digits, single spaces, `` . `` between clauses, accents
    and zero-width / bidi characters removed, apostrophes and hyphens dropped, runs of
    the same letter collapsed to one ("dooooood" -> "dod", "zelfmoord" -> "zelfmord"),
    and digits inside words read as letters ("z3lfm00rd").
    """
    folded = text.translate(_TRANSLATE)
    if "!" in folded or "|" in folded:
        folded = _BANG_I.sub("i", folded)
    if folded.isascii():
        folded = folded.lower()
    else:
        folded = unicodedata.normalize("NFKD", folded)
        folded = _COMBINING.sub("", folded).casefold()
        folded = _COMBINING.sub("", unicodedata.normalize("NFKD", folded))
    folded = _OTHER.sub(" ", _CLAUSE.sub(" . ", folded))
    if _DIGIT.search(folded):
        folded = _LEET_WORD.sub(lambda m: m.group().translate(_LEET), folded)
    for double, single in _PAIRS:
        while double in folded:
            folded = folded.replace(double, single)
    return " ".join(folded.split()).strip(" .")


def norm_word(raw: str) -> str:
    """Normalise a word list from the data file (no clause marks)."""
    return " ".join(normalise(raw).replace(".", " ").split())
