"""Safety net pattern language: compile one data-file pattern to a regex and its anchors.

The format is documented at the top of ``flows/data/safety/nl.toml``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Final

from flows.safety_text import norm_word

__all__ = ["END", "START", "LexiconError", "Pattern", "compile_pattern", "trie_regex"]


class LexiconError(ValueError):
    """A lexicon data file is malformed (message names the rule or pattern)."""


@dataclass(frozen=True, slots=True)
class Pattern:
    regex: re.Pattern[str]
    # One set per required word of the pattern, most selective first: the regex can only
    # match if every set has a member occurring in the normalised text. Empty for raw
    # regexes, which always run.
    requires: tuple[frozenset[str], ...]
    source: str

    def possible(self, present: set[str]) -> bool:
        """Could match, given the set of all anchor words present in the text."""
        # A plain loop: this runs for every candidate pattern of every message.
        for need in self.requires:  # noqa: SIM110 - faster than all() over a generator
            if need.isdisjoint(present):
                return False
        return True


_SEP: Final = r"[ .]*"  # between words of a crisis pattern: may cross a sentence break
_TIGHT_SEP: Final = r" *"  # between words of an idiom / exclude: stays in one sentence
START: Final = r"(?<![a-z0-9])"
END: Final = r"(?![a-z0-9])"
_CLAUSE_END: Final = r"(?= ?(?:\.|$))"
DEFAULT_GAP: Final = 3
_GAP_TOKEN: Final = re.compile(r"\*(\d*)")
_MANY: Final = r"(?:[1-9][0-9]+|[5-9])"  # the "#" token
# Words so frequent in chat that a pattern is better pre-filtered on another word.
# (normalised spelling: "mer" = meer, "vor" = voor, "an" = aan)
_COMMON: Final = frozenset(
    [
        "ik",
        "k",
        "je",
        "me",
        "mij",
        "mijn",
        "mn",
        "de",
        "het",
        "t",
        "en",
        "dat",
        "niet",
        "nie",
        "mer",
        "wel",
        "nog",
        "ok",
        "heb",
        "ben",
        "is",
        "wil",
        "ga",
        "doe",
        "don",
        "kan",
        "zo",
        "van",
        "op",
        "in",
        "an",
        "met",
        "vor",
        "er",
        "die",
        "hij",
        "ze",
        "i",
        "im",
        "my",
        "the",
        "a",
        "to",
        "and",
        "it",
        "not",
        "dont",
        "you",
        "so",
        "on",
        "at",
        "of",
        "with",
        "be",
        "have",
        "was",
        "just",
        "do",
    ]
)


def trie_regex(words: Iterable[str]) -> str:
    """A regex matching the longest of ``words`` at a position (a trie, so it is fast)."""
    trie: dict[str, Any] = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def build(node: dict[str, Any]) -> str:
        branches = [re.escape(ch) + build(sub) for ch, sub in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if "" in node else body

    return build(trie) or "(?!)"


def _anchor_cost(anchors: Iterable[str]) -> float:
    """Rough cost of pre-filtering on these words: short and common ones cost more."""
    return sum(16 / len(a) + (8 if a in _COMMON else 0) for a in anchors)


def _expand(alt: str, macros: Mapping[str, tuple[str, ...]], where: str) -> list[str]:
    if not alt.startswith("@"):
        return [alt]
    name = alt[1:]
    if name not in macros:
        raise LexiconError(f"{where}: unknown macro @{name}")
    return list(macros[name])


def _compile_token(
    token: str, macros: Mapping[str, tuple[str, ...]], where: str, sep: str
) -> tuple[str, tuple[str, ...]]:
    """Compile one token (``a|b|@macro|prefix*``) to a regex and its anchor strings."""
    regexes: list[str] = []
    anchors: list[str] = []
    for alt in token.split("|"):
        for item in _expand(alt, macros, where):
            prefix = item.endswith("*")
            words = norm_word(item.rstrip("*")).split()
            if not words:
                raise LexiconError(f"{where}: empty alternative in token {token!r}")
            body = sep.join(re.escape(word) for word in words)
            regexes.append(body + ("[a-z0-9]*" if prefix else ""))
            anchors.append(max(words, key=len))
    unique = sorted(set(regexes), key=lambda r: (-len(r), r))
    return "(?:" + "|".join(unique) + ")", tuple(sorted(set(anchors)))


def compile_pattern(
    source: str,
    macros: Mapping[str, tuple[str, ...]],
    negators: frozenset[str],
    where: str,
    *,
    tight: bool = False,
) -> Pattern:
    """Compile a data-file pattern; see the header of ``flows/data/safety/nl.toml``."""
    if source.startswith("re:"):
        try:
            return Pattern(re.compile(source[3:]), (), source)
        except re.error as exc:
            raise LexiconError(f"{where}: bad regex {source!r}: {exc}") from exc
    tokens = source.split()
    if not tokens:
        raise LexiconError(f"{where}: empty pattern")
    neg = "|".join(sorted((re.escape(n) for n in negators), key=len, reverse=True)) or "(?!)"
    # A gap swallows whole words only, so a pattern never reads "geen" at the end of
    # "ophangen" or "veel" at the end of "verveel" (words of one token may still be glued:
    # "ikwildood").
    gap_word = rf"(?!(?:{neg})(?![a-z0-9]))[a-z0-9]+(?![a-z0-9])"
    # Crisis patterns may run over a sentence break ("ik wil... dood"); idioms and
    # excludes may not, so they never cancel a crisis in the next sentence.
    word_sep, gap_sep = (_TIGHT_SEP, " +") if tight else (_SEP, "[ .]+")
    parts: list[str] = [START]
    requires: list[tuple[str, ...]] = []
    for position, token in enumerate(tokens):
        gap = _GAP_TOKEN.fullmatch(token)
        if gap:
            if position in (0, len(tokens) - 1):
                raise LexiconError(f"{where}: a gap '*' must stand between two words")
            count = int(gap.group(1) or DEFAULT_GAP)
            parts.append(rf"(?:{gap_sep}{gap_word}){{0,{count}}}")
            continue
        if token == "#":  # a number of five or more ("20 dafalgan"), never the anchor
            parts.append((word_sep if position > 0 else "") + _MANY)
            continue
        if token == "$":
            if position != len(tokens) - 1:
                raise LexiconError(f"{where}: '$' (end of sentence) must come last")
            parts.append(_CLAUSE_END)
            continue
        optional = token.endswith("?")
        if token.startswith("*"):  # "*zelfmoord": may be glued to the word before
            if position == 0:
                parts.pop()  # drop the start-of-word boundary
            token = token.lstrip("*")
        body, anchors = _compile_token(token.rstrip("?"), macros, where, word_sep)
        sep = word_sep if position > 0 else ""
        if optional:
            parts.append(f"(?:{sep}{body})?" if sep else f"(?:{body}{word_sep})?")
        else:
            parts.append(sep + body)
            requires.append(anchors)
    if tokens[-1] != "$":
        parts.append(END)
    if not requires:
        raise LexiconError(f"{where}: pattern {source!r} needs at least one required word")
    try:
        regex = re.compile("".join(parts))
    except re.error as exc:  # pragma: no cover - tokens are escaped
        raise LexiconError(f"{where}: cannot compile {source!r}: {exc}") from exc
    requires.sort(key=_anchor_cost)
    return Pattern(regex, tuple(frozenset(need) for need in requires), source)
