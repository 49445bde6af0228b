"""The safety net on sentences it was never tuned on (tests/flows/data/safety_holdout.toml).

The held-out file was written before the lexicon was widened for issue 10 and is never
used to choose patterns, so these numbers say how well the patterns generalise. The
floors are what the lexicon reached when the file was first scored; they guard against
regressions, and `make bench` prints the current numbers.
"""

from __future__ import annotations

from pathlib import Path

from core.lexicon import load_lexicon
from flows.safety_score import describe, parse_cases, score

DATA = Path(__file__).parent / "data"
HOLDOUT = parse_cases((DATA / "safety_holdout.toml").read_text("utf-8"))
TUNED = parse_cases((DATA / "safety_cases.toml").read_text("utf-8"))


def test_the_held_out_file_is_separate_and_big_enough() -> None:
    assert len(HOLDOUT) >= 60
    assert sum(c.crisis for c in HOLDOUT) >= 30
    assert sum(not c.crisis for c in HOLDOUT) >= 30
    assert not {c.text for c in HOLDOUT} & {c.text for c in TUNED}


def test_held_out_recall_and_false_alarms_stay_above_their_floor() -> None:
    result = score(HOLDOUT, load_lexicon())
    assert result.recall >= 0.70, result.summary() + "\nmissed:\n" + describe(result.missed)
    assert result.false_alarm_rate <= 0.10, (
        result.summary() + "\nfalse alarms:\n" + describe(result.false_alarms)
    )
