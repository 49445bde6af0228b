"""Shared pieces of the benchmarks: data loaders, a timing loop, results and the table."""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import ParamSpec, TypeVar
from zoneinfo import ZoneInfo

from config.partnerships import load_directory
from core.lexicon import load_lexicon
from flows.directory import Directory
from flows.safety import Lexicon

ROOT = Path(__file__).resolve().parents[1]
BRUSSELS = ZoneInfo("Europe/Brussels")
# A Friday afternoon, as in the tests: a fixed clock keeps the flows deterministic.
NOW = datetime(2026, 11, 20, 15, 0, tzinfo=BRUSSELS)

T = TypeVar("T")
P = ParamSpec("P")


@cache
def directory() -> Directory:
    """The real partnerships file of the repository, with the shipped places list."""
    return load_directory(ROOT / "partnerships.toml")


def lexicon() -> Lexicon:
    return load_lexicon()


@dataclass
class Result:
    """One row of the table. `latencies` are per operation, in seconds (None: not measured)."""

    name: str
    ops: int
    seconds: float
    latencies: list[float] | None = None
    note: str = ""

    @property
    def rate(self) -> float:
        return self.ops / self.seconds if self.seconds > 0 else math.inf

    def percentile(self, p: float) -> float | None:
        return percentile(self.latencies, p) if self.latencies else None


def percentile(values: Sequence[float], p: float) -> float:
    """Nearest-rank percentile (p in 0…100) of unsorted values."""
    ordered = sorted(values)
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[rank - 1]


def timed_calls(
    name: str, func: Callable[[T], object], inputs: Iterable[T], *, note: str = ""
) -> Result:
    """Call `func` once per input; time each call and the whole loop.

    The per-call clock reads (~50 ns each) are inside the total, so ops/s is slightly
    pessimistic for the fastest functions; that is the honest direction to err in.
    """
    latencies: list[float] = []
    clock = time.perf_counter
    start = clock()
    for item in inputs:
        t0 = clock()
        func(item)
        latencies.append(clock() - t0)
    total = clock() - start
    return Result(name, len(latencies), total, latencies, note)


def best_of(rounds: int, measure: Callable[P, Result], *args: P.args, **kwargs: P.kwargs) -> Result:
    """Call `measure(*args, **kwargs)` `rounds` times; keep the fastest round.

    On a shared machine other processes only ever add time, so the fastest round is the
    closest to the code's own cost (the convention of `timeit`).
    """
    return max((measure(*args, **kwargs) for _ in range(rounds)), key=lambda r: r.rate)


def combine(name: str, parts: Sequence[Result], note: str = "") -> Result:
    """One row for several measured parts (ops and seconds add up, latencies merge)."""
    latencies = [x for r in parts for x in (r.latencies or ())]
    return Result(
        name,
        sum(r.ops for r in parts),
        sum(r.seconds for r in parts),
        latencies or None,
        note,
    )


def human_duration(seconds: float | None) -> str:
    if seconds is None:
        return "–"
    if seconds < 1e-3:
        return f"{seconds * 1e6:.1f} µs"
    if seconds < 1.0:
        return f"{seconds * 1e3:.2f} ms"
    return f"{seconds:.2f} s"


def human_rate(rate: float) -> str:
    if rate >= 100:
        return f"{rate:,.0f}"
    return f"{rate:,.1f}"


def table(results: Sequence[Result]) -> str:
    """A compact fixed-width table, followed by the notes of the rows that have one."""
    header = ("benchmark", "ops", "total s", "ops/s", "p50", "p95")
    rows = [
        (
            r.name,
            f"{r.ops:,}",
            f"{r.seconds:.3f}",
            human_rate(r.rate),
            human_duration(r.percentile(50)),
            human_duration(r.percentile(95)),
        )
        for r in results
    ]
    widths = [max(len(str(c)) for c in column) for column in zip(header, *rows, strict=True)]

    def line(cells: Sequence[str]) -> str:
        first = cells[0].ljust(widths[0])
        rest = (c.rjust(w) for c, w in zip(cells[1:], widths[1:], strict=True))
        return "  ".join((first, *rest))

    out = [line(header), "  ".join("-" * w for w in widths)]
    out += [line(row) for row in rows]
    notes = [f"  {r.name}: {r.note}" for r in results if r.note]
    if notes:
        out += ["", "notes:", *notes]
    return "\n".join(out)
