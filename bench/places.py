"""`Directory.match_place` per second over what youths type at the place question.

The queries come from the real data (partnerships.toml + flows/data/places.toml), drawn with
a fixed seed: exact municipality names, postcodes, deelgemeenten, and names with one typo
(a letter dropped, doubled, swapped with its neighbour, or replaced). One row per kind, and a
row for the whole mix.
"""

from __future__ import annotations

import random
import string
from collections import Counter
from collections.abc import Callable

from bench.common import Result, best_of, combine, directory, timed_calls
from flows.directory import Directory

SEED = 20261120


def pools(d: Directory) -> tuple[list[str], list[str], list[str]]:
    """Names, postcodes and deelgemeenten of every municipality the service knows."""
    names: set[str] = set()
    codes: set[str] = set()
    parts: set[str] = set()
    for p in d.partnerships:
        for m in p.municipalities:
            names.add(m.name)
            codes.update(m.postcodes)
            parts.update(m.deelgemeenten)
    for k in d.known_places:
        names.add(k.name)
        codes.update(k.postcodes)
        parts.update(k.deelgemeenten)
    return sorted(names), sorted(codes), sorted(parts)


def typo(word: str, rng: random.Random) -> str:
    """One plausible slip of the thumb; the result always differs from the word."""
    i = rng.randrange(1, len(word) - 1)
    edits: list[Callable[[], str]] = [
        lambda: word[:i] + word[i + 1 :],  # dropped
        lambda: word[:i] + word[i] + word[i:],  # doubled
        lambda: word[: i - 1] + word[i] + word[i - 1] + word[i + 1 :],  # swapped
        lambda: word[:i] + rng.choice(string.ascii_lowercase) + word[i + 1 :],  # replaced
    ]
    for _ in range(10):
        typed = rng.choice(edits)().lower()
        if typed != word.lower():
            return typed
    return word[:-1].lower()


def queries(d: Directory, per_kind: int) -> dict[str, list[str]]:
    rng = random.Random(SEED)
    names, codes, parts = pools(d)
    long_names = [n for n in names if len(n) >= 5]
    exact = [rng.choice(names) for _ in range(per_kind)]
    # Youths rarely care about capitals: half of the exact names are typed in lower case.
    exact = [n.lower() if i % 2 else n for i, n in enumerate(exact)]
    return {
        "exact names": exact,
        "postcodes": [rng.choice(codes) for _ in range(per_kind)],
        "deelgemeenten": [rng.choice(parts) for _ in range(per_kind)],
        "typos": [typo(rng.choice(long_names), rng) for _ in range(per_kind)],
    }


def run(quick: bool = False) -> list[Result]:
    d = directory()
    per_kind, rounds = (100, 3) if quick else (500, 5)
    mix = queries(d, per_kind)
    for texts in mix.values():  # warm up
        for text in texts:
            d.match_place(text)
    parts: list[Result] = []
    for kind, texts in mix.items():
        kinds = Counter(d.match_place(t).kind for t in texts)
        note = ", ".join(f"{k} {n}" for k, n in kinds.most_common())
        name = f"places.match_place {kind}"
        parts.append(best_of(rounds, timed_calls, name, d.match_place, texts, note=note))
    note = f"{per_kind} queries of each kind; each row the best of {rounds} rounds"
    return [*parts, combine("places.match_place (mix)", parts, note)]
