"""`make insights-spikes IN=<csv> OUT=<csv>`: score and flag every row of an operator's counts.

IN is a UTF-8 CSV with a header naming at least `series,period,count` (other columns ignored);
`period` is `YYYY-MM-DD` (a daily series: weekly seasonality) or `YYYY-MM` (monthly: yearly);
rows come in any order and a period without a row is 0. OUT has `series,period,score,flagged`
for every input row, in input order; `flagged` uses only that period and the ones before it.
An optional `group` column puts series in groups: the series of one group (of one kind of period)
are scored together, each against the same period of the others (`spikes.GroupScan`); without
the column, or with it empty, a series is alone and scored exactly as before. An optional `area`
column does the same across the other dimension (a series is a category in a district: `group`
the category, `area` the district): each series' expectation also follows the same period of its
area's other series (`spikes.GroupScan` `areas`, the square root of their leave-one-out factor).
A problem is one line on stderr and exit status 2.
"""

from __future__ import annotations

import csv
import re
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from chalicelib.insights.spikes import (
    DAILY,
    DAILY_GROUPED,
    GROUPED_THRESHOLD,
    MONTHLY,
    MONTHLY_GROUPED,
    THRESHOLD,
    GroupScan,
)

REQUIRED = ("series", "period", "count")
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_MONTH = re.compile(r"^\d{4}-\d{2}$")


class Problem(Exception):
    pass


def _period(text: str, row: int) -> tuple[str, int]:
    """('day' | 'month', an ordinal where consecutive periods differ by one)."""
    try:
        if _DAY.match(text):
            return "day", date.fromisoformat(text).toordinal()
        if _MONTH.match(text):
            year, month = int(text[:4]), int(text[5:])
            if 1 <= month <= 12:
                return "month", year * 12 + month - 1
    except ValueError:
        pass
    raise Problem(f"row {row}: period {text!r} is not YYYY-MM-DD or YYYY-MM")


def _count(text: str, row: int) -> float:
    try:
        value = float(text)
    except ValueError:
        raise Problem(f"row {row}: count {text!r} is not a number") from None
    if not value >= 0 or value == float("inf"):
        raise Problem(f"row {row}: count {text!r} must be a number at least 0")
    return value


def score_rows(rows: Sequence[dict[str, str]]) -> list[tuple[str, str, float, int]]:
    """(series, period, score, flagged) for every row, in the rows' order."""
    parsed: list[tuple[str, str, int, float]] = []
    kinds: dict[str, str] = {}
    groups: dict[str, str | None] = {}
    areas: dict[str, str | None] = {}
    for number, row in enumerate(rows, start=2):  # row 1 is the header
        series, period = (row.get("series") or "").strip(), (row.get("period") or "").strip()
        kind, ordinal = _period(period, number)
        if kinds.setdefault(series, kind) != kind:
            raise Problem(f"row {number}: series {series!r} mixes daily and monthly periods")
        group = (row.get("group") or "").strip() or None
        if groups.setdefault(series, group) != group:
            raise Problem(f"row {number}: series {series!r} is in two groups")
        area = (row.get("area") or "").strip() or None
        if areas.setdefault(series, area) != area:
            raise Problem(f"row {number}: series {series!r} is in two areas")
        parsed.append((series, period, ordinal, _count((row.get("count") or "").strip(), number)))
    totals: dict[str, dict[int, float]] = {}
    for series, _, ordinal, count in parsed:
        by_period = totals.setdefault(series, {})
        by_period[ordinal] = by_period.get(ordinal, 0.0) + count  # a period given twice counts its sum
    points: dict[tuple[str, int], tuple[float, bool]] = {}
    for kind in ("day", "month"):
        names = [series for series in totals if kinds[series] == kind]
        if not names:
            continue
        daily = kind == "day"
        scan: GroupScan[str] = GroupScan(
            {series: groups[series] for series in names},
            season=DAILY if daily else MONTHLY,
            grouped=DAILY_GROUPED if daily else MONTHLY_GROUPED,
            grouped_threshold=THRESHOLD if daily else GROUPED_THRESHOLD,  # the grouped threshold is measured monthly
            areas={series: areas[series] for series in names},
        )
        first = {series: min(totals[series]) for series in names}
        # A series runs from its first row to the last period of its kind in the file, missing periods 0: later rows
        # only ever add periods after every earlier one (no look-ahead)
        for ordinal in range(min(first.values()), max(max(totals[series]) for series in names) + 1):
            running = {series: totals[series].get(ordinal, 0.0) for series in names if first[series] <= ordinal}
            for series, point in scan.step(running).items():
                if ordinal in totals[series]:
                    points[(series, ordinal)] = (point.score, point.flagged)
    return [
        (series, period, round(points[(series, ordinal)][0], 4), int(points[(series, ordinal)][1]))
        for series, period, ordinal, _ in parsed
    ]


def run(source: Path, target: Path) -> int:
    if not source.is_file():
        raise Problem(f"{source}: no such file")
    with source.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        if not reader.fieldnames:
            raise Problem(f"{source}: the file is empty (a header with series,period,count is needed)")
        header = [name.strip() for name in reader.fieldnames]
        for name in REQUIRED:
            if name not in header:
                raise Problem(f"{source}: no column {name!r} in the header (needs series,period,count)")
        reader.fieldnames = header
        rows = list(reader)
    if not rows:
        raise Problem(f"{source}: no rows after the header")
    scored = score_rows(rows)
    with target.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(("series", "period", "score", "flagged"))
        writer.writerows(scored)
    return len(scored)


def main(argv: Sequence[str]) -> int:
    if len(argv) != 2:
        print("usage: make insights-spikes IN=<csv> OUT=<csv>", file=sys.stderr)
        return 2
    try:
        count = run(Path(argv[0]), Path(argv[1]))
    except Problem as problem:
        print(f"insights-spikes: {problem}", file=sys.stderr)
        return 2
    except UnicodeDecodeError:
        print(f"insights-spikes: {argv[0]}: not UTF-8 text", file=sys.stderr)
        return 2
    except OSError as error:
        print(f"insights-spikes: {error.strerror or error}", file=sys.stderr)
        return 2
    print(f"insights-spikes: {count} rows scored into {argv[1]}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
