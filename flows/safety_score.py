"""How well the safety net does on a labelled case file: recall, wrong category, false alarms.

Case files are ``tests/flows/data/safety_cases.toml`` (tuned on) and
``tests/flows/data/safety_holdout.toml`` (never tuned on); ``make bench`` prints both.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from flows.safety import CATEGORIES, Detection, Lexicon, detect

__all__ = ["Case", "Score", "describe", "parse_cases", "score"]

NONE = "none"


@dataclass(frozen=True, slots=True)
class Case:
    """One labelled sentence: ``expect`` is a category, or "none" for a look-alike."""

    lang: str
    expect: str
    text: str

    @property
    def crisis(self) -> bool:
        return self.expect != NONE


@dataclass(frozen=True, slots=True)
class Score:
    """Counts over a case file, and the cases behind each kind of mistake."""

    crisis: int
    look_alikes: int
    missed: tuple[Case, ...]
    wrong_category: tuple[tuple[Case, Detection], ...]
    false_alarms: tuple[tuple[Case, Detection], ...]

    @property
    def recall(self) -> float:
        """Share of crisis sentences that raise an alarm (of any category)."""
        return 1 - len(self.missed) / self.crisis if self.crisis else 1.0

    @property
    def category_accuracy(self) -> float:
        """Share of crisis sentences that raise the alarm of the expected category."""
        wrong = len(self.missed) + len(self.wrong_category)
        return 1 - wrong / self.crisis if self.crisis else 1.0

    @property
    def false_alarm_rate(self) -> float:
        """Share of look-alike sentences that raise an alarm."""
        return len(self.false_alarms) / self.look_alikes if self.look_alikes else 0.0

    def summary(self) -> str:
        """One line for a report: recall, right category and false alarms with counts."""
        caught = self.crisis - len(self.missed)
        right = caught - len(self.wrong_category)
        return (
            f"recall {self.recall:.3f} ({caught}/{self.crisis}), "
            f"right category {self.category_accuracy:.3f} ({right}/{self.crisis}), "
            f"false alarms {self.false_alarm_rate:.1%} "
            f"({len(self.false_alarms)}/{self.look_alikes})"
        )


def parse_cases(toml_text: str) -> list[Case]:
    """Read a case file (``cases = [{lang, expect, text}, ...]``); reject unknown labels."""
    cases = [Case(c["lang"], c["expect"], c["text"]) for c in tomllib.loads(toml_text)["cases"]]
    unknown = {c.expect for c in cases} - {*CATEGORIES, NONE}
    if unknown:
        raise ValueError(f"unknown expect values in case file: {sorted(unknown)}")
    return cases


def score(cases: Iterable[Case], lexicon: Lexicon) -> Score:
    """Run ``detect`` on every case and count hits, misses and false alarms."""
    crisis = look_alikes = 0
    missed: list[Case] = []
    wrong: list[tuple[Case, Detection]] = []
    false_alarms: list[tuple[Case, Detection]] = []
    for case in cases:
        found = detect(case.text, lexicon)
        if case.crisis:
            crisis += 1
            if found is None:
                missed.append(case)
            elif found.category != case.expect:
                wrong.append((case, found))
        else:
            look_alikes += 1
            if found is not None:
                false_alarms.append((case, found))
    return Score(crisis, look_alikes, tuple(missed), tuple(wrong), tuple(false_alarms))


def describe(mistakes: Sequence[Case | tuple[Case, Detection]]) -> str:
    """The mistakes, one per line, for an assertion message."""
    rows = []
    for item in mistakes:
        case, found = item if isinstance(item, tuple) else (item, None)
        rows.append(f"  {case.expect:>9} {case.text!r} -> {found.phrase_id if found else '-'}")
    return "\n".join(rows)
