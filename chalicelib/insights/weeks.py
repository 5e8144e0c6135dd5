"""Weeks as the topics count them: ISO weeks (`YYYY-Www`, Monday to Sunday) in Pakistan time."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

from chalicelib.logic.workdays import PAKISTAN

_WEEK = re.compile(r"([0-9]{4})-W([0-9]{2})")


def label(moment: datetime) -> str:
    """The week a moment falls in, in Pakistan."""
    year, week, _day = moment.astimezone(PAKISTAN).isocalendar()
    return f"{year:04d}-W{week:02d}"


def parse(raw: str) -> str | None:
    """`YYYY-Www` as typed, if it names a week that exists (W53 only in years that have one)."""
    found = _WEEK.fullmatch(raw.strip())
    if not found:
        return None
    year, week = int(found.group(1)), int(found.group(2))
    if not 2000 <= year <= 2999 or week < 1:  # a week its neighbours and bounds can be computed for
        return None
    try:
        date.fromisocalendar(year, week, 1)
    except ValueError:
        return None
    return f"{year:04d}-W{week:02d}"


def monday(week: str) -> date:
    year, number = week.split("-W")
    return date.fromisocalendar(int(year), int(number), 1)


def bounds(week: str) -> tuple[datetime, datetime]:
    """The week's first moment and the next week's, in UTC (Monday 00:00 in Pakistan is Sunday 19:00 UTC)."""
    first = monday(week)
    start = datetime(first.year, first.month, first.day, tzinfo=PAKISTAN).astimezone(UTC)
    return start, start + timedelta(days=7)


def shifted(week: str, weeks: int) -> str:
    first = monday(week) + timedelta(weeks=weeks)
    year, number, _ = first.isocalendar()
    return f"{year:04d}-W{number:02d}"


def last_complete(now: datetime) -> str:
    """The latest week that has ended by `now`."""
    return shifted(label(now), -1)
