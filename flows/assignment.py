"""Handoff-queue assignment: who is suggested for a waiting case, who gets it automatically.

Pure and deterministic (stdlib only); storage supplies the candidates and applies the result.

Fairness rule (``auto_assign``): the oldest case is handed out first, always to the eligible
worker (role "worker", present, below capacity) with the lowest *load ratio*
``open_cases / capacity``; that worker's count goes up by one before the next case. This
fills everyone towards the same fraction of their capacity ("water filling"), so after a
run each worker's count is within one case of their capacity-proportional share, nobody
goes over capacity, and absent workers get nothing. Ties go to fewer open cases, then a
municipality match, then a language match, then the lowest id.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from fractions import Fraction
from typing import Final

__all__ = [
    "REASONS",
    "ROLES",
    "Candidate",
    "Suggestion",
    "WaitingCase",
    "auto_assign",
    "needs_requeue",
    "suggest",
]

#: Roles that can take a case; only "worker" is given cases automatically.
ROLES: Final = frozenset({"worker", "coordinator", "admin"})
#: Reason codes a suggestion can carry (the inbox translates them).
REASONS: Final = ("municipality", "language", "capacity", "full")

# Score weights: each tier outweighs everything below it, so sorting by score descending
# is the same order as the explicit sort key (room, municipality, language, free room).
_ROOM, _MUNICIPALITY, _LANGUAGE = 8.0, 4.0, 2.0
_MAX_SCORE: Final = _ROOM + _MUNICIPALITY + _LANGUAGE + 1.0


@dataclass(frozen=True)
class Candidate:
    """A worker as assignment sees them; ``open_cases`` counts active, paused and waiting."""

    id: int
    first_name: str
    languages: frozenset[str]
    municipalities: frozenset[str]
    capacity: int
    open_cases: int
    absent: bool
    role: str

    def __post_init__(self) -> None:
        if self.capacity < 0 or self.open_cases < 0:
            raise ValueError(f"negative capacity or open cases for candidate {self.id}")
        if self.role not in ROLES:
            raise ValueError(f"unknown role {self.role!r} for candidate {self.id}")

    @property
    def has_room(self) -> bool:
        return self.open_cases < self.capacity


@dataclass(frozen=True)
class WaitingCase:
    id: int
    created_at: datetime
    language: str
    municipality: str


@dataclass(frozen=True)
class Suggestion:
    """A worker proposed for a case; ``score`` in [0, 1], higher is better."""

    worker_id: int
    score: float
    reasons: tuple[str, ...]


def _load(open_cases: int, capacity: int) -> tuple[bool, Fraction]:
    # Exact fractions: float ratios could tie or misorder and break determinism.
    if capacity <= 0:
        return (True, Fraction(open_cases))
    return (False, Fraction(open_cases, capacity))


def _matches(case: WaitingCase, worker: Candidate) -> tuple[bool, bool]:
    municipality = case.municipality.casefold() in {m.casefold() for m in worker.municipalities}
    language = case.language.casefold() in {lang.casefold() for lang in worker.languages}
    return municipality, language


_RankKey = tuple[bool, bool, bool, tuple[bool, Fraction], int]


def suggest(case: WaitingCase, workers: Sequence[Candidate], limit: int = 3) -> list[Suggestion]:
    """Rank who fits a case best: room first, then municipality, language, free room, id."""
    ranked: list[tuple[_RankKey, Suggestion]] = []
    for worker in workers:
        if worker.absent:
            continue
        municipality, language = _matches(case, worker)
        room = worker.has_room
        load = _load(worker.open_cases, worker.capacity)
        free = float(1 - load[1]) if room else 0.0
        score = (
            _ROOM * room + _MUNICIPALITY * municipality + _LANGUAGE * language + free
        ) / _MAX_SCORE
        reasons = tuple(
            code
            for code, holds in (
                ("municipality", municipality),
                ("language", language),
                ("capacity", room),
                ("full", not room),
            )
            if holds
        )
        key = (not room, not municipality, not language, load, worker.id)
        ranked.append((key, Suggestion(worker.id, round(score, 4), reasons)))
    ranked.sort(key=lambda pair: pair[0])
    return [suggestion for _, suggestion in ranked[: max(limit, 0)]]


def auto_assign(
    cases: Sequence[WaitingCase], workers: Sequence[Candidate]
) -> list[tuple[int, int]]:
    """Hand out cases oldest first to the least-loaded eligible worker, as (case, worker)."""
    if len({w.id for w in workers}) != len(workers):
        raise ValueError("duplicate worker ids")
    if len({c.id for c in cases}) != len(cases):
        raise ValueError("duplicate case ids")
    eligible = [w for w in workers if w.role == "worker" and not w.absent and w.capacity > 0]
    load = {w.id: w.open_cases for w in eligible}
    assigned: list[tuple[int, int]] = []
    for case in sorted(cases, key=lambda c: (c.created_at, c.id)):
        room = [w for w in eligible if load[w.id] < w.capacity]
        if not room:
            break  # Loads only grow: nobody will have room for a younger case either.

        def key(w: Candidate, case: WaitingCase = case) -> tuple[Fraction, int, bool, bool, int]:
            municipality, language = _matches(case, w)
            return (
                Fraction(load[w.id], w.capacity),
                load[w.id],
                not municipality,
                not language,
                w.id,
            )

        chosen = min(room, key=key)
        load[chosen.id] += 1
        assigned.append((case.id, chosen.id))
    return assigned


def needs_requeue(worker: Candidate, cover: Candidate | None) -> bool:
    """Say whether an absent worker's waiting cases must go back to the queue (no present cover)."""
    if not worker.absent:
        return False
    return cover is None or cover.absent or cover.id == worker.id
