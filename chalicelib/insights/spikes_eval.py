"""How well `spikes` finds injected spikes in real civic counts: the FixMyStreet monthly counts.

FixMyStreet Geographic Count Data, mySociety (ODC-By 1.0; infra/data/fixmystreet/LICENCE.txt):
reports per month per local authority district × category, 2007-02 … 2020-12.

The protocol (docs/insights.md "Spikes and trends"):

- a series is one (area, category), from its first month with a report to the last month of the
  data; a month without a row is 0;
- a series-period t is *eligible* when it has at least 24 months of history before it and the
  mean of its 12 previous months is at least 10 reports (×2 of fewer is noise, not a spike);
- *false alarms* = flags on the data as it is, over eligible series-periods (real surges in the
  data count against the method too);
- *recall* for ×k: every eligible period with at least one report, one at a time, has its count
  multiplied by k (history untouched) and is flagged or not. With no look-ahead a period's flag
  depends only on it and its past, so injecting at every eligible period one at a time is exact
  and needs no random draw (a sample of it would only add noise);
- the series are scored month by month together, each with its category's (the other districts)
  and its district's (the other categories) leave-one-out factors;
- one threshold for every series; `split` checks it: chosen on the areas of one half (CRC-32 of the
  area code even or odd) and applied to the other;
- the comparison: a negative-binomial test on the trailing 12-month mean with its size by the
  method of moments from the same 12 months, its p-value threshold set to the same ≤ 2 % false
  alarms.
"""

from __future__ import annotations

import csv
import gzip
import math
import zlib
from collections import defaultdict
from dataclasses import replace
from pathlib import Path
from typing import Any

from chalicelib.insights.spikes import GROUPED_THRESHOLD, MONTHLY, MONTHLY_GROUPED, THRESHOLD, GroupScan, Scanner

DATA = Path(__file__).resolve().parents[2] / "infra" / "data" / "fixmystreet" / "lad-shef-b-monthly.csv.gz"
HISTORY = 24
MIN_BASELINE = 10.0
BANDS = ((5.0, 10.0), (10.0, 20.0), (20.0, 50.0), (50.0, math.inf))

PROTOCOL = (
    "FixMyStreet monthly reports per (district, category) (FixMyStreet Geographic Count Data, mySociety, ODC-By); "
    "a series runs from its first report to 2020-12, missing months are 0; a series-period is eligible with >= 24 months "
    "of history and a mean of >= 10 reports over its previous 12 months; false alarms = flags on the unaltered data per "
    "eligible series-period; recall = share of eligible periods (count >= 1) flagged when that one period's count is "
    "multiplied by 2 or 3, every such period injected one at a time (no look-ahead makes this exact); one threshold for "
    "every series; group = the category (other districts), area = the district (other categories), both leave-one-out."
)


def load(path: Path = DATA) -> dict[tuple[str, str], list[int]]:
    """Every series as a list of monthly counts from its first report to the data's last month."""
    by_series: dict[tuple[str, str], dict[int, int]] = defaultdict(dict)
    last = 0
    with gzip.open(path, "rt", encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            year, month = row["month"].split("-")
            index = int(year) * 12 + int(month) - 1
            last = max(last, index)
            by_series[(row["area"], row["category"])][index] = by_series[(row["area"], row["category"])].get(
                index, 0
            ) + int(row["reports"])
    series = {}
    for key, months in by_series.items():
        first = min(months)
        series[key] = [months.get(i, 0) for i in range(first, last + 1)]
    return series


def _eligible(counts: list[int], t: int) -> float | None:
    """The trailing 12-month mean when period t is eligible, else None."""
    if t < HISTORY:
        return None
    mean = sum(counts[t - 12 : t]) / 12
    return mean if mean >= MIN_BASELINE else None


def _nb_tail(count: int, mean: float, size: float | None) -> float:
    """P(Y >= count) for a negative binomial (a Poisson when `size` is None)."""
    if count <= 0:
        return 1.0
    if mean <= 0:
        return 0.0
    if size is None:
        log_p = -mean
        total = 0.0
        for k in range(count):
            total += math.exp(log_p)
            log_p += math.log(mean) - math.log(k + 1)
        return max(0.0, 1.0 - total)
    p = size / (size + mean)
    log_p = size * math.log(p)
    total = 0.0
    for k in range(count):
        total += math.exp(log_p)
        log_p += math.log((k + size) / (k + 1) * (1 - p))
    return max(0.0, 1.0 - total)


def _trailing_nb(counts: list[int], t: int, count: int) -> float:
    window = counts[t - 12 : t]
    mean = sum(window) / 12
    var = sum((c - mean) ** 2 for c in window) / 11
    size = mean * mean / (var - mean) if var > mean else None
    return _nb_tail(count, mean, size)


def _band(mean: float) -> str:
    for low, high in BANDS:
        if low <= mean < high:
            return f"{low:g}-{high:g}" if high != math.inf else f">={low:g}"
    return "?"


def evaluate(
    path: Path = DATA,
    threshold: float | None = None,
    baseline: bool = True,
    grouped: bool = True,
    smoothing: float | None = None,
) -> dict[str, Any]:
    """The figures of the method; `grouped`: with the category's and the district's leave-one-out factors (else each series alone).

    `threshold` and `smoothing` override the method's own (for tuning them).
    """
    series = load(path)
    result = _evaluate(series, threshold, baseline, grouped, smoothing)
    if grouped and baseline:  # the comparison: the same method with every series alone (no group factor)
        alone = _evaluate(series, None, False, False, None)
        result["each_series_alone"] = {
            key: alone[key] for key in ("recall_x2", "recall_x3", "false_alarm_rate", "threshold", "smoothing")
        }
    return result


def _evaluate(
    series: dict[tuple[str, str], list[int]],
    threshold: float | None,
    baseline: bool,
    grouped: bool,
    smoothing: float | None,
) -> dict[str, Any]:
    groups = {key: (key[1] if grouped else None) for key in series}  # the group: the same category, other areas
    areas = {key: (key[0] if grouped else None) for key in series}  # the area: the same district, other categories
    season = MONTHLY_GROUPED if grouped else MONTHLY
    if smoothing is not None:
        season = replace(season, smoothing=smoothing)
    cut = threshold if threshold is not None else (GROUPED_THRESHOLD if grouped else THRESHOLD)
    scan: GroupScan[tuple[str, str]] = GroupScan(
        groups, season=season, grouped=season, threshold=cut, grouped_threshold=cut, areas=areas
    )
    length = max(len(counts) for counts in series.values())
    offsets = {key: length - len(counts) for key, counts in series.items()}  # every series ends with the data
    judged = {key for key, counts in series.items() if max(counts) >= MIN_BASELINE}
    periods = alarms = 0
    hits: dict[int, list[int]] = {2: [0, 0], 3: [0, 0]}
    banded: dict[str, dict[str, list[int]]] = {}
    used: set[tuple[str, str]] = set()
    nb_p: list[float] = []  # the trailing-mean NB p-value of every eligible period, as it is
    nb_injected: dict[int, list[float]] = {2: [], 3: []}
    # Scores (-inf where no threshold could flag) by the area's half of a fixed split, for the split figures
    scores: dict[str, list[float]] = {f"{half}{k}": [] for half in (0, 1) for k in (1, 2, 3)}
    for step in range(length):
        running = {key: float(counts[step - offsets[key]]) for key, counts in series.items() if step >= offsets[key]}
        factors = scan.factors(running)
        eligible: dict[tuple[str, str], float] = {}
        for key in running:
            if key not in judged:
                continue
            counts, t = series[key], step - offsets[key]
            mean = _eligible(counts, t)
            if mean is None:
                continue
            eligible[key] = mean
            used.add(key)
            periods += 1
            band = banded.setdefault(_band(mean), {"periods": [0], "alarms": [0], "x2": [0, 0], "x3": [0, 0]})
            band["periods"][0] += 1
            count = counts[t]
            scanner = scan.scanner(key)
            half = _half(key[0])
            scores[f"{half}1"].append(_score(scanner, count, factors[key]))
            if count >= 1:
                for k in (2, 3):
                    # exact: the series is left out of its own factor, so its injected count leaves the factor as is
                    scores[f"{half}{k}"].append(_score(scanner, k * count, factors[key]))
                    flagged = scanner.judge(k * count, factors[key]).flagged
                    hits[k][0] += flagged
                    hits[k][1] += 1
                    band[f"x{k}"][0] += flagged
                    band[f"x{k}"][1] += 1
                    if baseline:
                        nb_injected[k].append(_trailing_nb(counts, t, k * count))
            if baseline:
                nb_p.append(_trailing_nb(counts, t, count))
        points = {key: scan.scanner(key).push(count, factors[key]) for key, count in running.items()}
        for key, mean in eligible.items():
            if points[key].flagged:
                alarms += 1
                banded[_band(mean)]["alarms"][0] += 1
    result: dict[str, Any] = {
        "recall_x2": round(hits[2][0] / hits[2][1], 4),
        "recall_x3": round(hits[3][0] / hits[3][1], 4),
        "false_alarm_rate": round(alarms / periods, 4),
        "n_series": len(used),
        "n_periods": periods,
        "n_injected": hits[3][1],
        "threshold": cut,
        "smoothing": season.smoothing,
        "group": "category and area (leave-one-out)" if grouped else None,
        "split": _split(scores),
        "protocol": PROTOCOL,
        "by_baseline_band": {
            name: {
                "periods": band["periods"][0],
                "false_alarm_rate": round(band["alarms"][0] / band["periods"][0], 4),
                "recall_x2": round(band["x2"][0] / max(1, band["x2"][1]), 4),
                "recall_x3": round(band["x3"][0] / max(1, band["x3"][1]), 4),
            }
            for name, band in sorted(banded.items())
        },
    }
    if baseline:
        result["trailing_mean_nb"] = _baseline_figures(nb_p, nb_injected)
    return result


def _half(area: str) -> int:
    return zlib.crc32(area.encode()) % 2


def _score(scanner: Scanner, count: float, factor: float) -> float:
    """The period's score, or -inf when no threshold would flag it (too little history, too few counts)."""
    point = scanner.judge(count, factor)
    if len(scanner.clean) < scanner.season.warmup or count < scanner.min_count:
        return -math.inf
    return point.score


def _at(scores: dict[str, list[float]], half: int, cut: float) -> dict[str, float]:
    return {
        "false_alarm_rate": round(sum(s >= cut for s in scores[f"{half}1"]) / max(1, len(scores[f"{half}1"])), 4),
        "recall_x2": round(sum(s >= cut for s in scores[f"{half}2"]) / max(1, len(scores[f"{half}2"])), 4),
        "recall_x3": round(sum(s >= cut for s in scores[f"{half}3"]) / max(1, len(scores[f"{half}3"])), 4),
    }


def _split(scores: dict[str, list[float]]) -> dict[str, Any]:
    """Over-fitting check: the threshold holding <= 2 % false alarms on the areas of one half (CRC-32 of the area code
    even), applied to the other half's areas (odd), and the reverse."""
    figures: dict[str, Any] = {}
    for tune, test in ((0, 1), (1, 0)):
        null = sorted(scores[f"{tune}1"], reverse=True)
        allowed = int(0.02 * len(null))
        cut = math.nextafter(null[allowed], math.inf)  # the lowest threshold flagging at most `allowed`
        name = ("even", "odd")
        figures[f"tuned_on_{name[tune]}_tested_on_{name[test]}"] = {
            "threshold": round(cut, 3),
            "tuned_half": _at(scores, tune, cut),
            "tested_half": _at(scores, test, cut),
        }
    return figures


def _baseline_figures(p_values: list[float], injected: dict[int, list[float]]) -> dict[str, Any]:
    """The trailing-mean NB test at the largest p-value threshold keeping false alarms <= 2 %, and at 0.01."""
    ordered = sorted(p_values)
    allowed = int(0.02 * len(ordered))
    alpha = ordered[allowed - 1] if allowed else 0.0
    figures: dict[str, Any] = {}
    for name, cut in (("at_2pct", alpha), ("at_p_0.01", 0.01)):
        figures[name] = {
            "alpha": cut,
            "false_alarm_rate": round(sum(p <= cut for p in p_values) / len(p_values), 4),
            "recall_x2": round(sum(p <= cut for p in injected[2]) / len(injected[2]), 4),
            "recall_x3": round(sum(p <= cut for p in injected[3]) / len(injected[3]), 4),
        }
    return figures
