"""Spikes: is this period's count far above what the series' own past says it should be?

Pure Python (it runs in the hourly job on a few hundred short series, and in
`make insights-spikes` on an operator's history); docs/insights.md "Spikes and trends" says why
this method and what it measured.

For period t, only counts up to and including t are used (no look-ahead):

- the *expected* count is a local level × a seasonal factor. The level is the mean of the last
  few periods' counts with the season taken out (it follows a trend within a few periods,
  where a trailing 12-month mean lags by six); the seasonal factor is the geometric mean, over
  the same period in past cycles (same month in past years, same weekday in past weeks), of
  that period's count over a centred mean around it, shrunk towards 1 when there are few cycles;
- past flagged spikes are replaced by what was expected of them before they enter any later
  baseline, so one spike neither raises the level nor masks the next;
- the *score* is the residual on the Anscombe (variance-stabilising) square-root scale,
  2(√(y+3/8) − √(μ+3/8)) — about N(0, 1) for a Poisson count — divided by the series' own
  robust spread of its past residuals (1.4826 × their median absolute deviation, at least 1),
  which measures its over-dispersion and how well the baseline predicts it, wherever that
  error comes from. A period is flagged when the score reaches `THRESHOLD` and the count is at
  least `MIN_COUNT` (three complaints over an expected one is not worth an e-mail).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

# Chosen on the FixMyStreet monthly counts to hold false alarms at or below 2 % per series-period (docs/insights.md).
THRESHOLD = 2.7
MIN_COUNT = 5


@dataclass(frozen=True)
class Season:
    """How a series repeats: `period` steps a cycle, `cycles` past cycles for the seasonal factor,
    `level` recent steps for the local level, `window` past residuals for the spread,
    `warmup` steps of history before anything is flagged."""

    period: int
    cycles: int
    level: int
    window: int
    warmup: int


MONTHLY = Season(period=12, cycles=3, level=2, window=24, warmup=12)
DAILY = Season(period=7, cycles=8, level=7, window=56, warmup=14)


@dataclass(frozen=True)
class Point:
    expected: float
    score: float
    flagged: bool


def anscombe(count: float) -> float:
    return 2.0 * math.sqrt(count + 0.375)


def _median(values: list[float]) -> float:
    ordered = sorted(values)
    n = len(ordered)
    middle = n // 2
    return ordered[middle] if n % 2 else 0.5 * (ordered[middle - 1] + ordered[middle])


class Scanner:
    """Feed counts one period at a time; each answer depends only on what was fed so far."""

    def __init__(self, season: Season = MONTHLY, threshold: float = THRESHOLD, min_count: int = MIN_COUNT) -> None:
        self.season = season
        self.threshold = threshold
        self.min_count = min_count
        self.clean: list[float] = []  # counts with past spikes replaced by their expectation
        self.prefix: list[float] = [0.0]  # running sums of `clean`, for centred means
        self.factors: list[float] = []  # the seasonal factor each period was given
        self.residuals: list[float] = []  # Anscombe residuals of past periods (not of isolated spikes)
        self.last_flagged = False

    def _factor(self, t: int) -> float:
        """The seasonal factor of period t from the same period of past cycles (centred means all in the past)."""
        p, half = self.season.period, self.season.period // 2
        logs = []
        for j in range(1, self.season.cycles + 1):
            u = t - j * p
            if u - half < 0:
                break
            top = min(u + half, t - 1)
            centred = (self.prefix[top + 1] - self.prefix[u - half]) / (top + 1 - (u - half))
            logs.append(math.log((self.clean[u] + 0.5) / (centred + 0.5)))
        if not logs:
            return 1.0
        return math.exp(sum(logs) / (len(logs) + 1))  # shrunk towards 1: one past cycle counts half

    def expected(self) -> float:
        """What the next period should bring, from the periods fed so far."""
        t = len(self.clean)
        if t == 0:
            return 0.0
        factor = self._factor(t)
        recent = range(max(0, t - self.season.level), t)
        level = sum(self.clean[i] / self.factors[i] for i in recent) / len(recent)
        return level * factor

    def spread(self) -> float:
        past = self.residuals[-self.season.window :]
        if len(past) < 4:
            return 2.0  # too little history to know the spread: be cautious
        return max(1.0, math.sqrt(sum(r * r for r in past) / len(past)))

    def judge(self, count: float) -> Point:
        """The next period's point if its count were `count`, without feeding it."""
        expected = self.expected()
        score = (anscombe(count) - anscombe(expected)) / self.spread()
        flagged = len(self.clean) >= self.season.warmup and score >= self.threshold and count >= self.min_count
        return Point(expected=expected, score=score, flagged=flagged)

    def push(self, count: float) -> Point:
        t = len(self.clean)
        point = self.judge(count)
        expected = point.expected
        residual = anscombe(count) - anscombe(expected)
        # A spike is kept out of later baselines and spreads; a second flagged period in a row is a new level.
        isolated = point.flagged and not self.last_flagged
        kept = expected if isolated else float(count)
        self.factors.append(self._factor(t) if t else 1.0)
        self.clean.append(kept)
        self.prefix.append(self.prefix[-1] + kept)
        if not isolated:
            self.residuals.append(residual)
        self.last_flagged = point.flagged
        return point


def scan(
    counts: Sequence[float], season: Season = MONTHLY, threshold: float = THRESHOLD, min_count: int = MIN_COUNT
) -> list[Point]:
    """Each period's expectation, score and flag, each from that period and the ones before it only."""
    scanner = Scanner(season, threshold, min_count)
    return [scanner.push(count) for count in counts]


def evaluate_fixmystreet() -> dict[str, object]:
    """The measured figures on the FixMyStreet monthly counts (`make insights-eval`; protocol in spikes_eval)."""
    from chalicelib.insights.spikes_eval import evaluate

    return evaluate()
