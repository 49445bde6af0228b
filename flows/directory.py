"""The directory: partnerships, help lines and known places, and typo-tolerant place matching.

Pure data and logic (stdlib only); `config/partnerships.py` builds it from the TOML files.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Literal

from flows.entry import EntryPoint
from flows.pacing import DEFAULT_QUIET, QuietHours

LocalText = Mapping[str, str]
"""A text per language code ("nl" is required and is the fallback, "en" optional)."""

DEFAULT_LANG = "nl"

SITUATIONS = frozenset({"danger", "suicide", "violence", "talk", "young", "drugs", "welfare"})
"""Tags a help line can carry; the flows pick one or two lines that fit a situation."""


def pick(text: LocalText, lang: str) -> str:
    """The text in `lang`, else in Dutch, else empty."""
    return text.get(lang) or text.get(DEFAULT_LANG) or ""


@dataclass(frozen=True)
class HelpLine:
    id: str
    name: str
    number: str | None
    url: str | None
    hours: LocalText
    situations: tuple[str, ...]
    checked_on: date
    verified: bool
    about: LocalText = field(default_factory=dict)


@dataclass(frozen=True)
class Municipality:
    name: str
    postcodes: tuple[str, ...]
    deelgemeenten: tuple[str, ...] = ()
    to_confirm: bool = False
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Location:
    name: str
    address: str


DEFAULT_REMINDERS = (24 * 60, 2 * 60)
DEFAULT_DRIFT_DAYS = 21
"""Minutes before an appointment at which a reminder goes out (the day before, 2 hours before)."""


@dataclass(frozen=True)
class Partnership:
    id: str
    name: str
    short_name: str
    municipalities: tuple[Municipality, ...]
    organisations: tuple[str, ...]
    contact: LocalText
    first_response_workdays: int
    working_hours: Mapping[int, tuple[time, time]]
    locations: tuple[Location, ...] = ()
    phone: str | None = None  # to call the partnership yourself
    email: str | None = None
    reminders_minutes_before: tuple[int, ...] = DEFAULT_REMINDERS
    help_line_ids: tuple[str, ...] = ()
    is_fallback: bool = False
    to_confirm: bool = False
    quick_replies: tuple[str, ...] = ()  # ready-made answers for workers (Dutch)
    auto_assign: bool = False  # give new cases to the least-loaded worker automatically
    quiet_hours: QuietHours = DEFAULT_QUIET  # no automated messages to youths then
    drift_days: int = DEFAULT_DRIFT_DAYS  # no word from a youth this long: "uit beeld"
    retention_unfinished_days: int = 30  # an intake left unfinished is erased after this
    retention_closed_days: int = 365  # a closed case is erased this long after closing
    entry_points: tuple[EntryPoint, ...] = ()  # posters and cards that link to the chat
    whatsapp_number: str | None = None  # E.164 digits without +, for the wa.me links
    show_phone_numbers: bool = False  # workers see WhatsApp numbers in full, not masked

    def is_open(self, moment: datetime) -> bool:
        """Whether `moment` (local wall-clock time) falls inside the working hours."""
        hours = self.working_hours.get(moment.weekday())
        return hours is not None and hours[0] <= moment.time() < hours[1]

    def next_opening(self, moment: datetime) -> datetime | None:
        """When the team is next at work (`moment` itself when open now; None: never)."""
        if self.is_open(moment):
            return moment
        for days in range(8):
            day = (moment + timedelta(days=days)).date()
            hours = self.working_hours.get(day.weekday())
            if hours is None:
                continue
            start = datetime.combine(day, hours[0], tzinfo=moment.tzinfo)
            if start > moment:
                return start
        return None


@dataclass(frozen=True)
class KnownPlace:
    """A real municipality from the reference list (covered by a partnership or not)."""

    name: str
    postcodes: tuple[str, ...]
    deelgemeenten: tuple[str, ...] = ()
    province: str = ""
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class PlaceCandidate:
    municipality: str
    via: str
    partnership_id: str | None  # None: a real place that no partnership covers
    score: float


MatchKind = Literal["exact", "fuzzy", "ambiguous", "unknown"]


@dataclass(frozen=True)
class PlaceMatch:
    """exact: route at once; fuzzy: confirm the one candidate; ambiguous: let the youth choose."""

    kind: MatchKind
    candidates: tuple[PlaceCandidate, ...] = ()


UNKNOWN = PlaceMatch("unknown")

# --- normalising --------------------------------------------------------------------------


def word_set(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Words around a place name that carry no place ("ik woon in", "gemeente", "I live in").
FILLER = word_set(
    "ik woon woont wonen woonachtig in te bij gemeente deelgemeente stad dorp postcode "
    "postnummer mijn is het ben en een b ook maar nu wel dus hier daar niet weet geen nee ja "
    "ok oke hallo hoi hey i live im at my city town village postal code zip the from"
)  # fmt: skip
# Everyday words that are also a (deel)gemeente: only a match when typed on their own.
COMMON_WORDS = word_set(
    "werken appels wortel boom lint meer mere berg as ham peer mol lot bevel perk paal beek "
    "donk laar elst eke hove moen heule marke reet welle voort haren mal heks melden lo vorst "
    "mater outer eine burst linden baal hoeke zande moere leke kanne gestel bost "
    "schore mollem essen waarloos kessel weert hamme"
)  # fmt: skip
ABBREVIATIONS = {"st": "sint", "ste": "sint", "olv": "onze lieve vrouw"}
NON_ALNUM = re.compile(r"[^a-z0-9]+")
POSTCODE = re.compile(r"^[1-9]\d{3}$")
MAX_TEXT = 200
MAX_TOKENS = 12
MAX_NGRAM = 5


def normalise(text: str) -> str:
    """Lowercase, strip accents, and treat every run of punctuation or spaces as one space."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(NON_ALNUM.sub(" ", bare).split())


def tokens_of(text: str) -> list[str]:
    """The meaningful words of `text`, abbreviations expanded and filler dropped."""
    words: list[str] = []
    for word in normalise(text[:MAX_TEXT]).split():
        words.extend(ABBREVIATIONS.get(word, word).split())
    return [w for w in words if w not in FILLER][:MAX_TOKENS]


def compact(tokens: Iterable[str]) -> str:
    return "".join(tokens)


# --- similarity -------------------------------------------------------------------------


def edit_distance(a: str, b: str) -> int:
    """Optimal string alignment distance: insertions, deletions, substitutions, swaps."""
    if a == b:
        return 0
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        row = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            best = min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                best = min(best, prev2[j - 2] + 1)
            row[j] = best
        prev2, prev = prev, row
    return prev[-1]


def similarity(a: str, b: str) -> float:
    longest = max(len(a), len(b))
    return 1.0 - edit_distance(a, b) / longest if longest else 1.0


def bigrams(key: str) -> set[str]:
    padded = f"^{key}$"
    return {padded[i : i + 2] for i in range(len(padded) - 1)}


# --- the index ------------------------------------------------------------------------------

NAME_RANK = 0  # official name or alias: wins over a deelgemeente with the same name
PART_RANK = 1


@dataclass(frozen=True)
class Entry:
    municipality: str
    partnership_id: str | None
    via: str
    rank: int


FUZZY_MIN = 0.75  # below this similarity a guess is not worth showing
FUZZY_MARGIN = 0.08  # candidates this close to the best one are equally plausible
FUZZY_POOL = 12  # keys per query that get the exact (slower) distance
PARTIAL_SCORE = 0.9  # a name found inside a longer sentence
MAX_CHOICES = 3


@dataclass(frozen=True)
class PlaceIndex:
    """Normalised lookup tables built once per directory."""

    names: Mapping[str, tuple[Entry, ...]]
    postcodes: Mapping[str, tuple[Entry, ...]]
    grams: Mapping[str, tuple[str, ...]]

    @staticmethod
    def build(partnerships: Iterable[Partnership], places: Iterable[KnownPlace]) -> PlaceIndex:
        names: dict[str, list[Entry]] = {}
        postcodes: dict[str, list[Entry]] = {}
        covered: set[str] = set()

        def add(name: str, pid: str | None, pcs: Iterable[str], parts: Iterable[str],
                aliases: Iterable[str]) -> None:  # fmt: skip
            seen: set[str] = set()
            for label, rank in (
                [(name, NAME_RANK)]
                + [(a, NAME_RANK) for a in aliases]
                + [(p, PART_RANK) for p in parts]
            ):
                key = compact(tokens_of(label))
                if key and key not in seen:
                    seen.add(key)
                    names.setdefault(key, []).append(Entry(name, pid, label, rank))
            for code in dict.fromkeys(pcs):
                postcodes.setdefault(code, []).append(Entry(name, pid, code, NAME_RANK))

        for partnership in partnerships:
            for m in partnership.municipalities:
                covered.add(compact(tokens_of(m.name)))
                add(m.name, partnership.id, m.postcodes, m.deelgemeenten, m.aliases)
        for place in places:
            if compact(tokens_of(place.name)) not in covered:
                add(place.name, None, place.postcodes, place.deelgemeenten, place.aliases)
        grams: dict[str, list[str]] = {}
        for key in names:
            for gram in bigrams(key):
                grams.setdefault(gram, []).append(key)
        return PlaceIndex(
            names={k: tuple(v) for k, v in names.items()},
            postcodes={k: tuple(v) for k, v in postcodes.items()},
            grams={k: tuple(v) for k, v in grams.items()},
        )

    def exact(self, key: str) -> tuple[Entry, ...]:
        """Entries named exactly `key`; an official name hides deelgemeenten of others."""
        entries = self.names.get(key, ())
        named = tuple(e for e in entries if e.rank == NAME_RANK)
        return named or entries

    def close_keys(self, query: str) -> list[tuple[float, str]]:
        """Keys similar to `query`, best first, each with its similarity."""
        if len(query) < 3:
            return []
        counts: dict[str, int] = {}
        for gram in bigrams(query):
            for key in self.grams.get(gram, ()):
                counts[key] = counts.get(key, 0) + 1
        slack = max(1, len(query) // 4)
        pool = sorted(
            (k for k in counts if abs(len(k) - len(query)) <= slack),
            key=lambda k: -counts[k],
        )[:FUZZY_POOL]
        scored = [(similarity(query, key), key) for key in pool]
        return sorted((s for s in scored if s[0] >= FUZZY_MIN), reverse=True)


# --- the directory ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Directory:
    """Everything the flows need to route a youth and signpost help; built from the files."""

    partnerships: tuple[Partnership, ...]
    help_lines: Mapping[str, HelpLine]
    fallback: Partnership
    known_places: tuple[KnownPlace, ...] = ()
    index: PlaceIndex = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.fallback not in self.partnerships:
            object.__setattr__(self, "partnerships", (*self.partnerships, self.fallback))
        object.__setattr__(self, "index", PlaceIndex.build(self.partnerships, self.known_places))

    def entry_point(self, key: str) -> EntryPoint | None:
        """The poster or card with this key (keys are unique in the file), or None."""
        return next((e for p in self.partnerships for e in p.entry_points if e.key == key), None)

    @property
    def entry_keys(self) -> frozenset[str]:
        return frozenset(e.key for p in self.partnerships for e in p.entry_points)

    def partnership(self, partnership_id: str) -> Partnership:
        """The partnership with this id; the fallback when the id is unknown (e.g. removed)."""
        for partnership in self.partnerships:
            if partnership.id == partnership_id:
                return partnership
        return self.fallback

    def has_partnership(self, partnership_id: str) -> bool:
        return any(p.id == partnership_id for p in self.partnerships)

    def help_line(self, line_id: str) -> HelpLine | None:
        return self.help_lines.get(line_id)

    def help_lines_for(
        self, situation: str, partnership_id: str | None = None
    ) -> tuple[HelpLine, ...]:
        """Lines tagged `situation`, in the partnership's order when it lists its own lines."""
        ids = self.partnership(partnership_id).help_line_ids if partnership_id else ()
        lines = [self.help_lines[i] for i in ids if i in self.help_lines] or list(
            self.help_lines.values()
        )
        return tuple(line for line in lines if situation in line.situations)

    def route(self, candidate: PlaceCandidate) -> Partnership:
        """The partnership that serves a chosen place: its own, or the fallback."""
        if candidate.partnership_id is None:
            return self.fallback
        return self.partnership(candidate.partnership_id)

    def match_place(self, text: str) -> PlaceMatch:
        """Recognise a municipality, deelgemeente or postcode in what a youth typed."""
        tokens = tokens_of(text)
        if not tokens:
            return UNKNOWN
        codes = [t for t in tokens if POSTCODE.match(t)]
        words = [t for t in tokens if not t.isdigit()]
        by_code = [self.index.postcodes[c] for c in codes if c in self.index.postcodes]
        whole = self.index.exact(compact(words)) if words else ()
        if by_code:
            return self._from_postcodes(by_code, words, whole)
        if whole:
            return settle(candidates(whole, 1.0), exact=True)
        found = self._from_ngrams(words)
        if found.kind == "exact":
            return found
        # A near-miss of the whole text ("heusden zoldr") beats a name found in part of it.
        whole_fuzzy = self._fuzzy(words, whole_only=found.kind != "unknown")
        best = whole_fuzzy.candidates[0].score if whole_fuzzy.candidates else 0.0
        if found.kind == "unknown" or best >= PARTIAL_SCORE:
            return whole_fuzzy
        return found

    def _from_postcodes(
        self,
        by_code: list[tuple[Entry, ...]],
        words: list[str],
        whole: tuple[Entry, ...],
    ) -> PlaceMatch:
        groups = [candidates(entries, 1.0) for entries in by_code]
        if words:
            named = whole or tuple(e for group in self._ngram_hits(words)[0] for e in group)
            if named:
                groups.append(candidates(named, 1.0))
        return settle(agree(groups), exact=True)

    def _ngram_hits(self, words: list[str]) -> tuple[list[tuple[Entry, ...]], bool]:
        """Exact names inside a longer text, longest first; and whether they cover all words."""
        used = [False] * len(words)
        hits: list[tuple[Entry, ...]] = []
        for size in range(min(MAX_NGRAM, len(words)), 0, -1):
            for start in range(len(words) - size + 1):
                span = range(start, start + size)
                if any(used[i] for i in span):
                    continue
                key = compact(words[start : start + size])
                if size == 1 and len(words) > 1 and (key in COMMON_WORDS or len(key) < 3):
                    continue
                entries = self.index.exact(key)
                if entries:
                    hits.append(entries)
                    for i in span:
                        used[i] = True
        return hits, all(used)

    def _from_ngrams(self, words: list[str]) -> PlaceMatch:
        hits, covered = self._ngram_hits(words)
        if not hits:
            return UNKNOWN
        score = 1.0 if covered else PARTIAL_SCORE
        found = agree([candidates(entries, score) for entries in hits])
        return settle(found, exact=covered)

    def _fuzzy(self, words: list[str], *, whole_only: bool = False) -> PlaceMatch:
        queries = {compact(words)}
        if len(words) > 1 and not whole_only:
            for size in range(1, min(3, len(words)) + 1):
                for start in range(len(words) - size + 1):
                    part = words[start : start + size]
                    if size > 1 or (part[0] not in COMMON_WORDS and len(part[0]) >= 4):
                        queries.add(compact(part))
        best: dict[str, PlaceCandidate] = {}
        for query in queries:
            for score, key in self.index.close_keys(query):
                for cand in candidates(self.index.exact(key), round(score, 3)):
                    old = best.get(cand.municipality)
                    if old is None or cand.score > old.score:
                        best[cand.municipality] = cand
        if not best:
            return UNKNOWN
        ranked = ordered(best.values())
        top = ranked[0].score
        close = tuple(c for c in ranked if c.score >= top - FUZZY_MARGIN)
        if len(close) == 1:
            return PlaceMatch("fuzzy", close)
        return PlaceMatch("ambiguous", close[:MAX_CHOICES])


def candidates(entries: Iterable[Entry], score: float) -> tuple[PlaceCandidate, ...]:
    """One candidate per municipality (the first way it was reached wins)."""
    out: dict[str, PlaceCandidate] = {}
    for e in entries:
        out.setdefault(
            e.municipality, PlaceCandidate(e.municipality, e.via, e.partnership_id, score)
        )
    return tuple(out.values())


def agree(groups: list[tuple[PlaceCandidate, ...]]) -> tuple[PlaceCandidate, ...]:
    """Municipalities every clue points to ("Heusden, Zolder"); all of them if clues disagree."""
    common = set.intersection(*({c.municipality for c in g} for g in groups))
    pool = [c for g in groups for c in g if not common or c.municipality in common]
    return candidates_best(pool)


def candidates_best(pool: Iterable[PlaceCandidate]) -> tuple[PlaceCandidate, ...]:
    best: dict[str, PlaceCandidate] = {}
    for c in pool:
        if c.municipality not in best or c.score > best[c.municipality].score:
            best[c.municipality] = c
    return ordered(best.values())


def ordered(pool: Iterable[PlaceCandidate]) -> tuple[PlaceCandidate, ...]:
    """Best score first; a covered place before an uncovered one; then by name."""
    return tuple(sorted(pool, key=lambda c: (-c.score, c.partnership_id is None, c.municipality)))


def settle(found: tuple[PlaceCandidate, ...], *, exact: bool) -> PlaceMatch:
    if not found:
        return UNKNOWN
    if len(found) > 1:
        return PlaceMatch("ambiguous", ordered(found))
    return PlaceMatch("exact" if exact else "fuzzy", found)
