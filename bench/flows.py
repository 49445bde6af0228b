"""Throughput of the pure flow `flows.conversation.step` over complete intakes.

Each intake runs from a fresh State to a registered case (12 or 13 steps), with a few
different places so that exact, postcode, deelgemeente and typo-then-confirm paths all run.
The second row adds what the engine does around every step: the state JSON round trip.
"""

from __future__ import annotations

import time
from collections.abc import Sequence

from bench.common import NOW, Result, best_of, directory, lexicon
from flows import conversation
from flows.context import Context
from flows.model import ButtonIn, CommandIn, CreateCase, Effect, Event, TextIn
from flows.state import State

# Places typed at the place step; the typo needs one extra step ("ja" to "Bedoel je …?").
PLACES: tuple[tuple[str, ...], ...] = (
    ("3630",),
    ("Maasmechelen",),
    ("ik woon in Leut",),
    ("Heusden-Zolder",),
    ("Ieper",),
    ("Kessel-Lo",),
    ("maasmechele", "ja"),
)


def intake(place: Sequence[str]) -> list[Event]:
    """A complete intake: /start … summary confirmed."""
    return [
        CommandIn("start", ""),
        TextIn("Noor"),
        TextIn("19"),
        *(TextIn(p) for p in place),
        ButtonIn("needs:work"),
        ButtonIn("needs:wellbeing"),
        ButtonIn("needs:done"),
        TextIn("Ik zoek al een jaar werk, maar het lukt niet zo goed. Kan iemand helpen?"),
        ButtonIn("ref:friend"),
        ButtonIn("consent:yes"),
        ButtonIn("reach:afternoon"),
        ButtonIn("reach:done"),
        ButtonIn("sum:ok"),
    ]


def context() -> Context:
    return Context(now=NOW, lang="nl", directory=directory(), lexicon=lexicon(), channel="web")


def check(scripts: Sequence[list[Event]], ctx: Context) -> None:
    """Every script must end in a case: otherwise the benchmark measures re-asks."""
    for script in scripts:
        state, effects = State(), list[Effect]()
        for event in script:
            transition = conversation.step(state, event, ctx)
            state = transition.state
            effects.extend(transition.effects)
        if state.step != "done" or not any(isinstance(e, CreateCase) for e in effects):
            raise RuntimeError(f"intake script did not register: ended at {state.step!r}")


def run_steps(scripts: Sequence[list[Event]], rounds: int, ctx: Context, *, json: bool) -> Result:
    latencies: list[float] = []
    clock = time.perf_counter
    step = conversation.step
    start = clock()
    for i in range(rounds):
        script = scripts[i % len(scripts)]
        state = State()
        for event in script:
            t0 = clock()
            if json:
                state = State.from_json(state.to_json())
            state = step(state, event, ctx).state
            latencies.append(clock() - t0)
    total = clock() - start
    name = "flows.step + state json" if json else "flows.step (full intake)"
    return Result(name, len(latencies), total, latencies)


def run(quick: bool = False) -> list[Result]:
    ctx = context()
    scripts = [intake(place) for place in PLACES]
    check(scripts, ctx)
    intakes, rounds = (100, 3) if quick else (600, 5)
    run_steps(scripts, 20, ctx, json=False)  # warm up
    plain = best_of(rounds, run_steps, scripts, intakes, ctx, json=False)
    steps = plain.ops / intakes
    plain.note = f"best of {rounds} rounds of {intakes:,} intakes ({steps:.1f} steps each)"
    with_json = best_of(rounds, run_steps, scripts, intakes, ctx, json=True)
    with_json.note = "as above, State.from_json(state.to_json()) before each step"
    return [plain, with_json]
