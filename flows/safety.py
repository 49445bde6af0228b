"""Safety net: pure crisis-message detection (lexicon parsing, matching) and help-line choice."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Final, Literal, cast, get_args

from flows.safety_patterns import END, START, LexiconError, Pattern, compile_pattern, trie_regex
from flows.safety_text import norm_word, normalise

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

_DEFAULT_WINDOW: Final = 3
_KINDS: Final = ("intent", "mention")
_MACRO_NAME: Final = re.compile(r"[a-z_][a-z0-9_]*")


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
class Rule:
    """One explainable detection rule from a lexicon file."""

    phrase_id: str
    category: Category
    negatable: bool
    also: tuple[Category, ...]
    patterns: tuple[Pattern, ...]
    excludes: tuple[Pattern, ...]


@dataclass(frozen=True, slots=True)
class Lexicon:
    """Compiled detection data for one or more languages (build with ``parse_lexicon``)."""

    langs: tuple[str, ...]
    rules: tuple[Rule, ...]
    idioms: tuple[tuple[str, Pattern], ...]
    negators: frozenset[str]
    hedges: frozenset[str]
    blockers: frozenset[str]
    window: int
    #: Spelling variants (dialect, SMS, typos), normalised: variant word -> standard words.
    #: (Sorted pairs, so a Lexicon stays hashable.)
    spellings: tuple[tuple[str, str], ...] = ()
    # Derived lookup tables for speed, built by __post_init__: one regex (a trie of all
    # anchor words, longest first) scans a message once; the index maps an anchor to
    # the patterns (positions in _entries) that need it.
    _finder: re.Pattern[str] = field(init=False, repr=False, compare=False)
    _inside: dict[str, tuple[str, ...]] = field(init=False, repr=False, compare=False)
    _index: dict[str, tuple[int, ...]] = field(init=False, repr=False, compare=False)
    _always: tuple[int, ...] = field(init=False, repr=False, compare=False)
    _entries: tuple[tuple[Rule, Pattern], ...] = field(init=False, repr=False, compare=False)
    _speller: re.Pattern[str] | None = field(init=False, repr=False, compare=False)
    _spelled: dict[str, str] = field(init=False, repr=False, compare=False)

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
        object.__setattr__(self, "_finder", re.compile(trie_regex(anchors)))
        speller = (
            re.compile(f"{START}{trie_regex(v for v, _ in self.spellings)}{END}")
            if self.spellings
            else None
        )
        object.__setattr__(self, "_speller", speller)
        object.__setattr__(self, "_spelled", dict(self.spellings))

    def respell(self, norm: str) -> str:
        """Replace dialect / SMS spellings in normalised text by the standard words."""
        if self._speller is None:
            return norm
        spelled = self._spelled
        return self._speller.sub(lambda m: spelled[m.group()], norm)

    def _present(self, norm: str) -> set[str]:
        """Every anchor word that occurs somewhere in the normalised text."""
        inside = self._inside
        return {a for found in set(self._finder.findall(norm)) for a in inside[found]}

    def merge(self, *others: Lexicon) -> Lexicon:
        """Return a lexicon holding this one's rules and those of ``others``."""
        return merge(self, *others)


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
            norm_word(w) for w in _str_list(settings.get(key, []), f"{lang}.settings.{key}")
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
        target = norm_word(standard)
        for variant in (v for value in _str_list(variants, where) for v in value.split("|")):
            key = norm_word(variant)
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

    def compile_all(sources: object, where: str, *, tight: bool) -> tuple[Pattern, ...]:
        return tuple(
            compile_pattern(s, macros, negators, where, tight=tight)
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
    idioms: list[tuple[str, Pattern]] = []
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
        spellings=tuple(sorted(spellings.items())),
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
        spellings=tuple(sorted(_merge_spellings(lexicons).items())),
    )


def _merge_spellings(lexicons: Sequence[Lexicon]) -> dict[str, str]:
    merged: dict[str, str] = {}
    for lex in lexicons:
        for variant, standard in lex.spellings:
            if merged.setdefault(variant, standard) != standard:
                raise LexiconError(f"merged lexicons spell {variant!r} differently")
    return merged


# --------------------------------------------------------------------------- detecting


def _covered(span: tuple[int, int], covers: Iterable[tuple[int, int]]) -> bool:
    start, end = span
    return any(c_start <= start and end <= c_end for c_start, c_end in covers)


def _spans(patterns: Iterable[Pattern], text: str, present: set[str]) -> list[tuple[int, int]]:
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


def _every_start(regex: re.Pattern[str], text: str) -> Iterator[re.Match[str]]:
    """Matches at every start position, overlapping ones too.

    A match that an idiom or exclude does not cover may start at an earlier "ik" in the
    message ("ik heb schulden. ik heb me verwond bij het voetbal"); the match from the
    next start is the one the exclude was written for, so it gets its turn.
    """
    pos = 0
    while (match := regex.search(text, pos)) is not None:
        yield match
        pos = match.start() + 1


def _tightest(regex: re.Pattern[str], text: str, match: re.Match[str]) -> re.Match[str]:
    """The match that starts last and still ends where ``match`` ends.

    "ik ga slapen. ik ga dood van de schaamte" first matches "ik ga dood" from the first
    "ik"; the idiom covers the one from the second, which is the one it means.
    """
    end = match.end()
    while (inner := regex.search(text, match.start() + 1, end)) is not None and (
        inner.end() == end
    ):
        match = inner
    return match


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
        excluded: list[tuple[int, int]] | None = None
        for match in _every_start(pat.regex, norm):
            span = _tightest(pat.regex, norm, match).span()
            if idiom_spans is None:
                idiom_spans = _spans((p for _, p in lexicon.idioms), norm, present)
            if _covered(span, idiom_spans):
                continue
            if rule.excludes:
                if excluded is None:  # once per rule: long messages repeat an idiom
                    excluded = _spans(rule.excludes, norm, present)
                if _covered(span, excluded):
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
