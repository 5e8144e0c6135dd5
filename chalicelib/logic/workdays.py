"""Working days for information requests: Monday to Friday in Pakistan, less public holidays.

An information request is due at the end of the 10th working day after the day it was
received (Right of Access to Information Act 2017). Days are Pakistan days: Pakistan
Standard Time is UTC+5 all year (no daylight saving), so a fixed offset is exact and
needs no tz database. The holidays come from the table (one item per year, edited by an
admin; seeded from infra/seed/holidays.json) and are cached per container for 5 minutes.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone

from chalicelib.logic.ports import Services
from chalicelib.store import holidays as holiday_store

PAKISTAN = timezone(timedelta(hours=5), "PKT")
_CACHE_SECONDS = 300
_MAX_SPAN_DAYS = 3660  # a loop guard: no count of working days runs past ten years


@dataclass(frozen=True)
class HolidayCalendar:
    holidays: frozenset[date]

    def is_working_day(self, day: date) -> bool:
        return day.weekday() < 5 and day not in self.holidays

    def add_working_days(self, received_at: datetime, count: int) -> datetime:
        """The end (23:59:59 Pakistan time, as UTC) of the `count`-th working day after the day of receipt.

        The day of receipt never counts, working day or not: a request received on a
        Friday evening or a Sunday is due at the end of the same working day.
        """
        day = received_at.astimezone(PAKISTAN).date()
        found = 0
        for _ in range(_MAX_SPAN_DAYS):
            if found == count:
                break
            day += timedelta(days=1)
            if self.is_working_day(day):
                found += 1
        end = datetime(day.year, day.month, day.day, 23, 59, 59, tzinfo=PAKISTAN)
        return end.astimezone(UTC)


def calendar_of(entries: Iterable[date]) -> HolidayCalendar:
    return HolidayCalendar(frozenset(entries))


_cached: dict[tuple[int, int, int], tuple[float, HolidayCalendar]] = {}


def calendar_for(services: Services, start: datetime) -> HolidayCalendar:
    """The holidays of `start`'s year and the next (a deadline can cross the year end), cached 5 minutes."""
    first = start.astimezone(PAKISTAN).year
    years = (id(services.table), first, first + 1)
    hit = _cached.get(years)
    if hit is not None and time.monotonic() - hit[0] < _CACHE_SECONDS:
        return hit[1]
    found = holiday_store.read_years(services.table, first, first + 1)
    calendar = calendar_of(h.date for year in found for h in year.holidays)
    _cached[years] = (time.monotonic(), calendar)
    return calendar


def forget_cache() -> None:
    """After an admin edits the holidays, this container sees them at once (others within 5 minutes)."""
    _cached.clear()
