"""The youth's last check-ins as a small chart on the case page."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from flows.checkins import SCALE
from flows.model import N_
from inbox.pages.formats import gettext
from storage.checkins import Answer

NO_ANSWER = N_("geen antwoord")
TREND_LABEL = N_("Check-ins: {scores}")
TREND_MAX = 12  # check-ins in the chart
TREND_WIDTH, TREND_HEIGHT = 300, 124
TREND_LEFT, TREND_RIGHT, TREND_TOP, TREND_BOTTOM = 34, 12, 12, 16


@dataclass(frozen=True)
class TrendPoint:
    x: float
    y: float  # for a check-in without an answer: just under the chart
    score: int | None


@dataclass(frozen=True)
class Trend:
    """The last check-ins as a small chart: oldest left; score 5 at the top, 1 at the bottom."""

    points: list[TrendPoint]
    lines: list[str]  # an SVG `points` list per run of answered check-ins (no answer: a gap)
    rows: list[tuple[int, float, str]]  # (score, y, emoji) for the scale
    label: str  # "Check-ins: 4, 2, geen antwoord, 5"
    width: int = TREND_WIDTH
    height: int = TREND_HEIGHT
    left: int = TREND_LEFT
    right: int = TREND_WIDTH - TREND_RIGHT


def score_y(score: int) -> float:
    step = (TREND_HEIGHT - TREND_TOP - TREND_BOTTOM) / 4
    return round(TREND_TOP + (5 - score) * step, 1)


def trend(answers: Sequence[Answer]) -> Trend | None:
    """The chart of the last (up to 12) check-ins; `answers` come newest first."""
    shown = list(reversed(answers[:TREND_MAX]))
    if not shown:
        return None
    span = TREND_WIDTH - TREND_LEFT - TREND_RIGHT
    step = span / (len(shown) - 1) if len(shown) > 1 else 0.0
    start = TREND_LEFT + (span / 2 if len(shown) == 1 else 0)
    points = [
        TrendPoint(
            round(start + i * step, 1),
            score_y(a.score) if a.score else TREND_HEIGHT - 5,
            a.score,
        )
        for i, a in enumerate(shown)
    ]
    lines, run = [], []
    for point in [*points, None]:
        if point is not None and point.score:
            run.append(f"{point.x:g},{point.y:g}")
            continue
        if len(run) > 1:
            lines.append(" ".join(run))
        run = []
    scores = [str(a.score) if a.score else gettext(NO_ANSWER) for a in shown]
    return Trend(
        points=points,
        lines=lines,
        rows=[(score, score_y(score), emoji) for score, emoji in reversed(SCALE)],
        label=gettext(TREND_LABEL).format(scores=", ".join(scores)),
    )
