"""Safety net: pure crisis-message detection (lexicon parsing, matching) and help-line choice."""

from __future__ import annotations

import re
import tomllib
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final, Literal, cast, get_args

__all__ = [
    "CATEGORIES",
    "Category",
    "Detection",
    "Lexicon",
    "LexiconError",
    "Rule",
    "detect",
    "help_line_ids",
    "help_line_ids_for",
    "merge",
    "normalise",
    "parse_lexicon",
]

Category = Literal["suicide", "self_harm", "violence", "danger"]

#: Categories from most to least urgent; ``detect`` reports the first one that fires.
CATEGORIES: Final[tuple[Category, ...]] = ("danger", "suicide", "self_harm", "violence")
_URGENCY: Final[dict[str, int]] = {name: rank for rank, name in enumerate(CATEGORIES)}
assert set(get_args(Category)) == set(CATEGORIES)

#: Help-line ids as used by the partnerships / help-lines data file.
_HELP_LINES: Final[Mapping[Category, tuple[str, ...]]] = {
    "danger": ("112", "101"),
    "suicide": ("1813",),
    "self_harm": ("1813", "106"),
    "violence": ("1712",),
}
#: Second line next to 112 when an immediate danger comes with another category.
_WITH_DANGER: Final[Mapping[Category, str]] = {
    "suicide": "1813",
    "self_harm": "1813",
    "violence": "101",
    "danger": "101",
}

_DEFAULT_GAP: Final = 3
_DEFAULT_WINDOW: Final = 3
_KINDS: Final = ("intent", "mention")


class LexiconError(ValueError):
    """A lexicon data file is malformed (message names the rule or pattern)."""


@dataclass(frozen=True, slots=True)
class Detection:
    """Why the safety net fired: the most urgent category and the rule that matched.

    ``also`` lists further categories seen in the same message (most urgent first);
    it holds no user text, so a Detection is safe to log.
    """

    category: Category
    phrase_id: str
    also: tuple[Category, ...] = ()


@dataclass(frozen=True, slots=True)
class _Pattern:
    regex: re.Pattern[str]
    # One set per required word of the pattern, most selective first: the regex can only
    # match if every set has a member occurring in the normalised text. Empty for raw
    # regexes, which always run.
    requires: tuple[frozenset[str], ...]
    source: str

    def possible(self, present: set[str]) -> bool:
        """Could match, given the set of all anchor words present in the text."""
        return all(not need.isdisjoint(present) for need in self.requires)


@dataclass(frozen=True, slots=True)
class Rule:
    """One explainable detection rule from a lexicon file."""

    phrase_id: str
    category: Category
    negatable: bool
    also: tuple[Category, ...]
    patterns: tuple[_Pattern, ...]
    excludes: tuple[_Pattern, ...]


@dataclass(frozen=True, slots=True)
class Lexicon:
    """Compiled detection data for one or more languages (build with ``parse_lexicon``)."""

    langs: tuple[str, ...]
    rules: tuple[Rule, ...]
    idioms: tuple[tuple[str, _Pattern], ...]
    negators: frozenset[str]
    hedges: frozenset[str]
    blockers: frozenset[str]
    window: int
    #: Spelling variants (dialect, SMS, typos), normalised: variant word -> standard words.
    spellings: Mapping[str, str] = field(default_factory=dict)
    # Derived lookup tables for speed, built by __post_init__: one regex (a trie of all
    # anchor words, longest first) scans a message once; the index maps an anchor to
    # the patterns (positions in _entries) that need it.
    _finder: re.Pattern[str] = field(init=False, repr=False, compare=False)
    _inside: dict[str, tuple[str, ...]] = field(init=False, repr=False, compare=False)
    _index: dict[str, tuple[int, ...]] = field(init=False, repr=False, compare=False)
    _always: tuple[int, ...] = field(init=False, repr=False, compare=False)
    _entries: tuple[tuple[Rule, _Pattern], ...] = field(init=False, repr=False, compare=False)
    _speller: re.Pattern[str] | None = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        entries = tuple((rule, pat) for rule in self.rules for pat in rule.patterns)
        index: dict[str, list[int]] = {}
        always: list[int] = []
        for position, (_, pat) in enumerate(entries):
            if not pat.requires:
                always.append(position)
            else:
                for anchor in pat.requires[0]:
                    index.setdefault(anchor, []).append(position)
        anchors = {
            anchor
            for pat in (
                *(p for _, p in entries),
                *(p for _, p in self.idioms),
                *(p for rule in self.rules for p in rule.excludes),
            )
            for need in pat.requires
            for anchor in need
        }
        # Words found by the finder bring every anchor written inside them ("mezelf": "me").
        inside = {a: tuple(b for b in anchors if b in a) for a in anchors}
        object.__setattr__(self, "_entries", entries)
        object.__setattr__(self, "_index", {k: tuple(v) for k, v in index.items()})
        object.__setattr__(self, "_always", tuple(always))
        object.__setattr__(self, "_inside", inside)
        object.__setattr__(self, "_finder", re.compile(_trie_regex(anchors)))
        speller = (
            re.compile(f"{_START}{_trie_regex(self.spellings)}{_END}") if self.spellings else None
        )
        object.__setattr__(self, "_speller", speller)

    def respell(self, norm: str) -> str:
        """Replace dialect / SMS spellings in normalised text by the standard words."""
        if self._speller is None:
            return norm
        spellings = self.spellings
        return self._speller.sub(lambda m: spellings[m.group()], norm)

    def _present(self, norm: str) -> set[str]:
        """Every anchor word that occurs somewhere in the normalised text."""
        inside = self._inside
        return {a for found in set(self._finder.findall(norm)) for a in inside[found]}

    def merge(self, *others: Lexicon) -> Lexicon:
        """Return a lexicon holding this one's rules and those of ``others``."""
        return merge(self, *others)


# --------------------------------------------------------------------------- normalising

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


def _norm_word(raw: str) -> str:
    """Normalise a word list from the data file (no clause marks)."""
    return " ".join(normalise(raw).replace(".", " ").split())


# --------------------------------------------------------------------------- compiling

_SEP: Final = r"[ .]*"  # between words of a crisis pattern: may cross a sentence break
_TIGHT_SEP: Final = r" *"  # between words of an idiom / exclude: stays in one sentence
_START: Final = r"(?<![a-z0-9])"
_END: Final = r"(?![a-z0-9])"
_CLAUSE_END: Final = r"(?= ?(?:\.|$))"
_GAP_TOKEN: Final = re.compile(r"\*(\d*)")
_MANY: Final = r"(?:[1-9][0-9]+|[5-9])"  # the "#" token
_MACRO_NAME: Final = re.compile(r"[a-z_][a-z0-9_]*")
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


def _trie_regex(words: Iterable[str]) -> str:
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
            words = _norm_word(item.rstrip("*")).split()
            if not words:
                raise LexiconError(f"{where}: empty alternative in token {token!r}")
            body = sep.join(re.escape(word) for word in words)
            regexes.append(body + ("[a-z0-9]*" if prefix else ""))
            anchors.append(max(words, key=len))
    unique = sorted(set(regexes), key=lambda r: (-len(r), r))
    return "(?:" + "|".join(unique) + ")", tuple(sorted(set(anchors)))


def _compile_pattern(
    source: str,
    macros: Mapping[str, tuple[str, ...]],
    negators: frozenset[str],
    where: str,
    *,
    tight: bool = False,
) -> _Pattern:
    """Compile a data-file pattern; see the header of ``flows/data/safety/nl.toml``."""
    if source.startswith("re:"):
        try:
            return _Pattern(re.compile(source[3:]), (), source)
        except re.error as exc:
            raise LexiconError(f"{where}: bad regex {source!r}: {exc}") from exc
    tokens = source.split()
    if not tokens:
        raise LexiconError(f"{where}: empty pattern")
    neg = "|".join(sorted((re.escape(n) for n in negators), key=len, reverse=True)) or "(?!)"
    gap_word = rf"(?!(?:{neg})(?![a-z0-9]))[a-z0-9]+"
    # Crisis patterns may run over a sentence break ("ik wil... dood"); idioms and
    # excludes may not, so they never cancel a crisis in the next sentence.
    word_sep, gap_sep = (_TIGHT_SEP, " +") if tight else (_SEP, "[ .]+")
    parts: list[str] = [_START]
    requires: list[tuple[str, ...]] = []
    for position, token in enumerate(tokens):
        gap = _GAP_TOKEN.fullmatch(token)
        if gap:
            if position in (0, len(tokens) - 1):
                raise LexiconError(f"{where}: a gap '*' must stand between two words")
            count = int(gap.group(1) or _DEFAULT_GAP)
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
        parts.append(_END)
    if not requires:
        raise LexiconError(f"{where}: pattern {source!r} needs at least one required word")
    try:
        regex = re.compile("".join(parts))
    except re.error as exc:  # pragma: no cover - tokens are escaped
        raise LexiconError(f"{where}: cannot compile {source!r}: {exc}") from exc
    requires.sort(key=_anchor_cost)
    return _Pattern(regex, tuple(frozenset(need) for need in requires), source)


def _str_list(value: object, where: str) -> list[str]:
    if isinstance(value, str):
        return [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise LexiconError(f"{where}: expected a list of strings")
    return cast(list[str], value)


def _category(value: object, where: str) -> Category:
    if value not in _URGENCY:
        raise LexiconError(f"{where}: category must be one of {', '.join(CATEGORIES)}")
    return cast(Category, value)


def parse_lexicon(toml_text: str, lang: str) -> Lexicon:
    """Parse and compile one language's lexicon (TOML text) into a ``Lexicon``.

    Raises ``LexiconError`` with the offending rule id on any mistake.
    """
    try:
        data = tomllib.loads(toml_text)
    except tomllib.TOMLDecodeError as exc:
        raise LexiconError(f"{lang}: invalid TOML: {exc}") from exc
    file_lang = data.get("lang", lang)
    if file_lang != lang:
        raise LexiconError(f"lexicon says lang={file_lang!r} but was loaded as {lang!r}")

    settings = data.get("settings", {})
    if not isinstance(settings, dict):
        raise LexiconError(f"{lang}: [settings] must be a table")

    def words(key: str) -> frozenset[str]:
        return frozenset(
            _norm_word(w) for w in _str_list(settings.get(key, []), f"{lang}.settings.{key}")
        )

    negators, hedges, blockers = words("negators"), words("hedges"), words("blockers")
    window = settings.get("window", _DEFAULT_WINDOW)
    if not isinstance(window, int) or not 1 <= window <= 10:
        raise LexiconError(f"{lang}.settings.window must be an integer 1..10")

    raw_spellings = data.get("spellings", {})
    if not isinstance(raw_spellings, dict):
        raise LexiconError(f"{lang}: [spellings] must be a table")
    spellings: dict[str, str] = {}
    for standard, variants in raw_spellings.items():
        where = f"{lang}.spellings.{standard}"
        target = _norm_word(standard)
        for variant in (v for value in _str_list(variants, where) for v in value.split("|")):
            key = _norm_word(variant)
            if not key or not target or key == target or spellings.get(key, target) != target:
                raise LexiconError(f"{where}: bad or conflicting variant {variant!r}")
            spellings[key] = target

    raw_macros = data.get("macros", {})
    if not isinstance(raw_macros, dict):
        raise LexiconError(f"{lang}: [macros] must be a table")
    macros: dict[str, tuple[str, ...]] = {}
    for name, value in raw_macros.items():
        if not _MACRO_NAME.fullmatch(name):
            raise LexiconError(f"{lang}: bad macro name {name!r}")
        alts = [a for v in _str_list(value, f"{lang}.macros.{name}") for a in v.split("|")]
        if any(a.startswith("@") or not a.strip() for a in alts):
            raise LexiconError(f"{lang}.macros.{name}: macros cannot nest or be empty")
        macros[name] = tuple(a.strip() for a in alts)

    def compile_all(sources: object, where: str, *, tight: bool) -> tuple[_Pattern, ...]:
        return tuple(
            _compile_pattern(s, macros, negators, where, tight=tight)
            for s in _str_list(sources, where)
        )

    seen: set[str] = set()

    def take_id(table: Mapping[str, object], kind: str) -> str:
        ident = table.get("id")
        if not isinstance(ident, str) or not ident:
            raise LexiconError(f"{lang}: every [[{kind}]] needs an id")
        if ident in seen:
            raise LexiconError(f"{lang}: duplicate id {ident!r}")
        seen.add(ident)
        return ident

    rules: list[Rule] = []
    for table in data.get("rule", []):
        ident = take_id(table, "rule")
        unknown = set(table) - {"id", "category", "kind", "also", "patterns", "exclude", "note"}
        if unknown:
            raise LexiconError(f"{ident}: unknown keys {sorted(unknown)}")
        kind = table.get("kind", "intent")
        if kind not in _KINDS:
            raise LexiconError(f"{ident}: kind must be 'intent' or 'mention'")
        patterns = compile_all(table.get("patterns", []), ident, tight=False)
        if not patterns:
            raise LexiconError(f"{ident}: needs at least one pattern")
        rules.append(
            Rule(
                phrase_id=ident,
                category=_category(table.get("category"), ident),
                negatable=kind == "mention",
                also=tuple(_category(c, ident) for c in _str_list(table.get("also", []), ident)),
                patterns=patterns,
                excludes=compile_all(table.get("exclude", []), ident, tight=True),
            )
        )
    idioms: list[tuple[str, _Pattern]] = []
    for table in data.get("idiom", []):
        ident = take_id(table, "idiom")
        patterns = compile_all(table.get("patterns", []), ident, tight=True)
        idioms.extend((ident, p) for p in patterns)
    rules.sort(key=lambda r: _URGENCY[r.category])
    return Lexicon(
        langs=(lang,),
        rules=tuple(rules),
        idioms=tuple(idioms),
        negators=negators,
        hedges=hedges,
        blockers=blockers,
        window=window,
        spellings=spellings,
    )


def merge(*lexicons: Lexicon) -> Lexicon:
    """Combine lexicons of several languages into one (rule ids must stay unique)."""
    if not lexicons:
        raise LexiconError("merge needs at least one lexicon")
    rules = [rule for lex in lexicons for rule in lex.rules]
    ids = [rule.phrase_id for rule in rules]
    if len(ids) != len(set(ids)):
        raise LexiconError("merged lexicons share rule ids")
    rules.sort(key=lambda r: _URGENCY[r.category])
    langs: list[str] = []
    for lex in lexicons:
        langs.extend(lang for lang in lex.langs if lang not in langs)
    return Lexicon(
        langs=tuple(langs),
        rules=tuple(rules),
        idioms=tuple(idiom for lex in lexicons for idiom in lex.idioms),
        negators=frozenset().union(*(lex.negators for lex in lexicons)),
        hedges=frozenset().union(*(lex.hedges for lex in lexicons)),
        blockers=frozenset().union(*(lex.blockers for lex in lexicons)),
        window=max(lex.window for lex in lexicons),
        spellings=_merge_spellings(lexicons),
    )


def _merge_spellings(lexicons: Sequence[Lexicon]) -> dict[str, str]:
    merged: dict[str, str] = {}
    for lex in lexicons:
        for variant, standard in lex.spellings.items():
            if merged.setdefault(variant, standard) != standard:
                raise LexiconError(f"merged lexicons spell {variant!r} differently")
    return merged


# --------------------------------------------------------------------------- detecting


def _covered(span: tuple[int, int], covers: Iterable[tuple[int, int]]) -> bool:
    start, end = span
    return any(c_start <= start and end <= c_end for c_start, c_end in covers)


def _spans(patterns: Iterable[_Pattern], text: str, present: set[str]) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    for pat in patterns:
        if pat.possible(present):
            spans.extend(m.span() for m in pat.regex.finditer(text))
    return spans


def _negated(text: str, start: int, lexicon: Lexicon) -> bool:
    """A clear negation stands in the same clause, at most ``window`` words before."""
    clause = text[:start]
    clause = clause[clause.rfind(".") + 1 :]
    words: Sequence[str] = clause.split()[-lexicon.window :]
    for position in range(len(words) - 1, -1, -1):
        word = words[position]
        if word in lexicon.blockers:
            return False
        if word in lexicon.negators:
            following = words[position + 1] if position + 1 < len(words) else ""
            return following not in lexicon.hedges
    return False


def detect(text: str, lexicon: Lexicon) -> Detection | None:
    """Return the most urgent crisis signal in ``text``, or None when there is none."""
    norm = lexicon.respell(normalise(text))
    if not norm:
        return None
    present = lexicon._present(norm)
    index = lexicon._index
    candidates = set(lexicon._always).union(*(index[a] for a in present if a in index))
    idiom_spans: list[tuple[int, int]] | None = None
    fired: list[Rule] = []
    fired_ids: set[str] = set()
    for position in sorted(candidates):
        rule, pat = lexicon._entries[position]
        if rule.phrase_id in fired_ids or not pat.possible(present):
            continue
        for match in pat.regex.finditer(norm):
            span = match.span()
            if idiom_spans is None:
                idiom_spans = _spans((p for _, p in lexicon.idioms), norm, present)
            if _covered(span, idiom_spans):
                continue
            if rule.excludes and _covered(span, _spans(rule.excludes, norm, present)):
                continue
            if rule.negatable and _negated(norm, span[0], lexicon):
                continue
            fired.append(rule)
            fired_ids.add(rule.phrase_id)
            break
    if not fired:
        return None
    fired.sort(key=lambda r: _URGENCY[r.category])  # stable: data-file order within a category
    best = fired[0]
    seen = {best.category}
    also: list[Category] = []
    for category in (*best.also, *(r.category for r in fired[1:])):
        if category not in seen:
            seen.add(category)
            also.append(category)
    also.sort(key=lambda c: _URGENCY[c])
    return Detection(category=best.category, phrase_id=best.phrase_id, also=tuple(also))


# --------------------------------------------------------------------------- help lines


def help_line_ids(category: Category) -> tuple[str, ...]:
    """One or two help-line ids (partnerships-file ids) that fit ``category``.

    danger -> 112 + 101, suicide -> 1813, self_harm -> 1813 + 106, violence -> 1712.
    """
    return _HELP_LINES[category]


def help_line_ids_for(detection: Detection) -> tuple[str, ...]:
    """Help lines for a detection, taking a second category into account (max two).

    Immediate danger always leads with 112; the second line follows the other
    category (1813 for suicide or self-harm, 101 police for violence). Otherwise the
    main category's first line is paired with the first line of the next category.
    """
    primary = _HELP_LINES[detection.category]
    if not detection.also:
        return primary
    other = detection.also[0]
    if detection.category == "danger":
        return ("112", _WITH_DANGER[other])
    second = _HELP_LINES[other][0]
    return primary if second in primary else (primary[0], second)
