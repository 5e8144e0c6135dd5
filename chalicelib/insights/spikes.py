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
  spread: the root mean square of its past residuals (at least 1), which measures its
  over-dispersion and how well the baseline predicts it, wherever that error comes from. With
  `Season.prior` > 0 that mean square is shrunk towards a negative-binomial one, 1 + `DISPERSION` × μ
  (the variance of the Anscombe residual of a count of mean μ and size 1/`DISPERSION`), weighted as
  `prior` residuals: a few calm months do not make a series look steadier than counts of its size
  are, and a big series' spread grows with its level. A period is flagged when the score reaches
  `THRESHOLD` and the count is at least `MIN_COUNT` (three complaints over an expected one is not
  worth an e-mail);
- series that share periods can be scored *together* (`GroupScan`): each series names a group
  (the same category in other districts), and its expectation is multiplied by the group's
  factor for that period: (Σ the other members' counts + `PRIOR`) / (Σ their expectations +
  `PRIOR`), the same period's surprise over every *other* series of the group (leave-one-out: a
  series never explains itself away). A period when the whole group rises (a holiday, a new app,
  a nationwide outage) is then expected everywhere, and one series rising alone stands out. It
  uses the same period of other series only, never a later one: no look-ahead. A series alone
  in its group gets the factor 1 and the ungrouped parameters — exactly `scan`;
- series can also name an *area* (the same district's other categories): the expectation is then
  also multiplied by the square root of the area's leave-one-out factor, (Σ the area's other
  series' counts + `AREA_PRIOR`) / (Σ their expectations, group factor included, + `AREA_PRIOR`):
  a month when a whole district rises (a council starts sending its reports through the site) is
  partly expected in each of its categories. Half the factor (the square root), because a
  district's other categories predict this one less well than the same category elsewhere does.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

# Chosen on the FixMyStreet monthly counts to hold false alarms at or below 2 % per series-period (docs/insights.md).
THRESHOLD = 2.5
MIN_COUNT = 5
# With a group factor the expectation is sharper, so the level may follow faster and the threshold be lower
# (chosen on the same protocol, false alarms still <= 2 %).
GROUPED_THRESHOLD = 2.2
PRIOR = 5.0  # counts added to both sides of the group factor: a group of a few small series stays near 1
AREA_PRIOR = 20.0  # the same for the area factor
AREA_POWER = 0.5  # the area factor enters as its square root
# 1/size of the negative binomial whose Anscombe-residual variance, 1 + DISPERSION × μ, the spread is shrunk towards
DISPERSION = 0.1


@dataclass(frozen=True)
class Season:
    """How a series repeats and how fast its baseline follows it.

    `period` steps make a cycle and `cycles` past cycles give the seasonal factor (0: none);
    `smoothing` is the weight of the newest period in the level (exponentially weighted);
    `window` past residuals give the spread; nothing is flagged before `warmup` steps of history;
    `clean`: an isolated flagged period enters the level as its expectation instead of its count;
    `prior`: the weight, in residuals, of the negative-binomial spread the residuals' spread is shrunk towards (0: none).
    """

    period: int
    cycles: int
    smoothing: float
    window: int
    warmup: int
    clean: bool = False
    prior: int = 0


MONTHLY = Season(period=12, cycles=0, smoothing=0.8, window=36, warmup=12)
DAILY = Season(period=7, cycles=8, smoothing=0.3, window=56, warmup=14)
MONTHLY_GROUPED = Season(period=12, cycles=0, smoothing=0.6, window=36, warmup=12, prior=36)
DAILY_GROUPED = DAILY


@dataclass(frozen=True)
class Point:
    expected: float
    score: float
    flagged: bool


def anscombe(count: float) -> float:
    return 2.0 * math.sqrt(count + 0.375)


class Scanner:
    """Feed counts one period at a time; each answer depends only on what was fed so far."""

    def __init__(self, season: Season = MONTHLY, threshold: float = THRESHOLD, min_count: int = MIN_COUNT) -> None:
        self.season = season
        self.threshold = threshold
        self.min_count = min_count
        self.clean: list[float] = []  # counts with isolated past spikes replaced by their expectation
        self.prefix: list[float] = [0.0]  # running sums of `clean`, for centred means
        self.smoothed: float | None = None  # the deseasonalised level, exponentially weighted
        self.residuals: list[float] = []  # Anscombe residuals of past periods
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
        """What the next period should bring, from the periods fed so far (before any group factor)."""
        if self.smoothed is None:
            return 0.0
        return self.smoothed * self._factor(len(self.clean))

    @property
    def started(self) -> bool:
        return self.smoothed is not None

    def spread(self, expected: float = 0.0) -> float:
        """The scale of the next period's residual when `expected` is its expectation."""
        past = self.residuals[-self.season.window :]
        prior = self.season.prior
        if prior:
            squares = sum(r * r for r in past) + prior * (1.0 + DISPERSION * expected)
            return max(1.0, math.sqrt(squares / (len(past) + prior)))
        if len(past) < 4:
            return 2.0  # too little history to know the spread: be cautious
        return max(1.0, math.sqrt(sum(r * r for r in past) / len(past)))

    def judge(self, count: float, factor: float = 1.0) -> Point:
        """The next period's point if its count were `count` (its group's factor `factor`), without feeding it."""
        expected = self.expected() * factor
        score = (anscombe(count) - anscombe(expected)) / self.spread(expected)
        flagged = len(self.clean) >= self.season.warmup and score >= self.threshold and count >= self.min_count
        return Point(expected=expected, score=score, flagged=flagged)

    def push(self, count: float, factor: float = 1.0) -> Point:
        t = len(self.clean)
        point = self.judge(count, factor)
        # Every period enters the level and the spread as it is, spikes too (`Season.clean` keeps isolated ones out
        # of the level): on real series a surge usually lasts, and a baseline that refuses it cries wolf again next
        # period (docs/insights.md measures it).
        isolated = self.season.clean and point.flagged and not self.last_flagged
        kept = point.expected / factor if isolated else float(count)
        factor = self._factor(t) if t else 1.0
        deseasonalised = kept / factor
        alpha = self.season.smoothing
        self.smoothed = (
            deseasonalised if self.smoothed is None else alpha * deseasonalised + (1 - alpha) * self.smoothed
        )
        self.clean.append(kept)
        self.prefix.append(self.prefix[-1] + kept)
        self.residuals.append(anscombe(count) - anscombe(point.expected))
        self.last_flagged = point.flagged
        return point


def scan(
    counts: Sequence[float], season: Season = MONTHLY, threshold: float = THRESHOLD, min_count: int = MIN_COUNT
) -> list[Point]:
    """Each period's expectation, score and flag, each from that period and the ones before it only."""
    scanner = Scanner(season, threshold, min_count)
    return [scanner.push(count) for count in counts]


K = TypeVar("K", bound=Hashable)


def group_factors(
    expected: Mapping[K, float],
    counts: Mapping[K, float],
    groups: Mapping[K, Hashable | None],
    prior: float = PRIOR,
) -> dict[K, float]:
    """Each series' leave-one-out group factor for one period, from the series in `expected` (those with a level).

    A series with no group, or alone in it, gets 1.
    """
    totals: dict[Hashable, list[float]] = {}
    for key, value in expected.items():
        group = groups.get(key)
        if group is not None:
            total = totals.setdefault(group, [0.0, 0.0])
            total[0] += counts.get(key, 0.0)
            total[1] += value
    factors: dict[K, float] = {}
    for key, value in expected.items():
        group = groups.get(key)
        if group is None:
            factors[key] = 1.0
            continue
        seen, wanted = totals[group]
        factors[key] = (seen - counts.get(key, 0.0) + prior) / (wanted - value + prior)
    return factors


class GroupScan(Generic[K]):
    """Series that share periods, scored together one period at a time (`step`); no answer uses a later period.

    `groups` maps a series to its group (None or missing: alone). A series in a group with at least one other
    series uses `grouped` and `grouped_threshold`; one alone uses `season` and `threshold`, exactly as `scan`.
    `areas` (optional) maps a series to its area: a series sharing its area with another also gets the area factor
    (`AREA_POWER`, `AREA_PRIOR`), with the settings its group gives it; without `areas` nothing changes.
    """

    def __init__(
        self,
        groups: Mapping[K, Hashable | None],
        season: Season = MONTHLY,
        grouped: Season = MONTHLY_GROUPED,
        threshold: float = THRESHOLD,
        grouped_threshold: float = GROUPED_THRESHOLD,
        min_count: int = MIN_COUNT,
        areas: Mapping[K, Hashable | None] | None = None,
    ) -> None:
        self.groups = _shared(groups)
        self.areas = _shared(areas or {})
        self.scanners: dict[K, Scanner] = {}
        self._settings = (season, grouped, threshold, grouped_threshold, min_count)

    def scanner(self, key: K) -> Scanner:
        found = self.scanners.get(key)
        if found is None:
            season, grouped, threshold, grouped_threshold, min_count = self._settings
            if self.groups.get(key) is None:  # an area alone keeps these settings (measured: docs/insights.md)
                found = Scanner(season, threshold, min_count)
            else:
                found = Scanner(grouped, grouped_threshold, min_count)
            self.scanners[key] = found
        return found

    def factors(self, counts: Mapping[K, float]) -> dict[K, float]:
        """This period's factor (group × area) of every series in `counts` (the series running this period)."""
        expected = {key: self.scanner(key).expected() for key in counts if self.scanner(key).started}
        found = group_factors(expected, counts, self.groups)
        if self.areas:
            adjusted = {key: value * found[key] for key, value in expected.items()}
            for key, factor in group_factors(adjusted, counts, self.areas, AREA_PRIOR).items():
                found[key] *= factor**AREA_POWER
        return {key: found.get(key, 1.0) for key in counts}

    def step(self, counts: Mapping[K, float]) -> dict[K, Point]:
        """Feed one period: `counts` has every series running this period (0 for none); their points."""
        factors = self.factors(counts)
        return {key: self.scanner(key).push(count, factors[key]) for key, count in counts.items()}


def _shared(groups: Mapping[K, Hashable | None]) -> dict[K, Hashable | None]:
    """`groups` with None for a series alone in its group."""
    sizes: dict[Hashable, int] = {}
    for group in groups.values():
        if group is not None:
            sizes[group] = sizes.get(group, 0) + 1
    return {key: group if group is not None and sizes[group] > 1 else None for key, group in groups.items()}


def evaluate_fixmystreet() -> dict[str, object]:
    """The measured figures on the FixMyStreet monthly counts (`make insights-eval`; protocol in spikes_eval)."""
    from chalicelib.insights.spikes_eval import evaluate

    return evaluate()
