"""Working-day arithmetic for information requests: weekends, holidays, Eid blocks, the year end, time zones."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from chalicelib.logic import workdays
from chalicelib.models.holidays import HolidaySeed
from chalicelib.store.holidays import read_years, seed_missing_years
from tests.fakes import make_services
from tests.memory_table import MemoryTable

SEED = Path(__file__).resolve().parents[2] / "infra" / "seed" / "holidays.json"
CALENDAR = workdays.calendar_of(
    h.date for hs in HolidaySeed.model_validate_json(SEED.read_text(encoding="utf-8")).years.values() for h in hs
)


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def due(received: datetime, count: int = 10) -> str:
    return CALENDAR.add_working_days(received, count).isoformat()


@pytest.mark.parametrize(
    ("received", "expected"),
    [
        # Friday 27 Nov 2026, 14:00 in Pakistan: Mon 30 Nov is day 1, Fri 11 Dec day 10
        (utc(2026, 11, 27, 9), "2026-12-11T18:59:59+00:00"),
        # Saturday and Sunday receipts count from Monday too: the same due day as the Friday's
        (utc(2026, 11, 28, 9), "2026-12-11T18:59:59+00:00"),
        (utc(2026, 11, 29, 9), "2026-12-11T18:59:59+00:00"),
        # Monday's receipt is due a working day later than Friday's
        (utc(2026, 11, 30, 9), "2026-12-14T18:59:59+00:00"),
        # 23:30 in Pakistan on a Friday is still Friday there
        (utc(2026, 11, 27, 18, 30), "2026-12-11T18:59:59+00:00"),
        # 19:30 UTC on Sunday is already Monday 00:30 in Pakistan
        (utc(2026, 11, 29, 19, 30), "2026-12-14T18:59:59+00:00"),
        # Received 24 Dec 2026: Quaid-e-Azam Day (Fri 25 Dec) and the weekend skipped, into 2027
        (utc(2026, 12, 24, 6), "2027-01-08T18:59:59+00:00"),
        # Received on a holiday (Pakistan Day, Mon 23 Mar 2026): counting starts the next day
        (utc(2026, 3, 23, 6), "2026-04-06T18:59:59+00:00"),
        # Across the Eid ul Fitr block (20–22 Mar 2026) and Pakistan Day
        (utc(2026, 3, 18, 6), "2026-04-03T18:59:59+00:00"),
    ],
)
def test_ten_working_days_after_the_day_of_receipt(received: datetime, expected: str) -> None:
    assert due(received) == expected


def test_an_extension_adds_ten_more_working_days_and_twice_the_limit_is_twenty() -> None:
    received = utc(2026, 11, 27, 9)
    assert due(received, 20) == "2026-12-28T18:59:59+00:00"  # 25 Dec is a holiday
    assert due(received, 0) == "2026-11-27T18:59:59+00:00"  # no working day added: the end of the day itself


def test_weekends_and_holidays_are_not_working_days() -> None:
    assert not CALENDAR.is_working_day(date(2026, 12, 26))  # Saturday
    assert not CALENDAR.is_working_day(date(2026, 8, 14))  # Independence Day
    assert not CALENDAR.is_working_day(date(2027, 5, 18))  # Eid ul Adha (expected)
    assert CALENDAR.is_working_day(date(2026, 12, 24))


def test_the_seed_has_both_years_each_with_urdu_names_and_dates_inside_their_year() -> None:
    seed = HolidaySeed.model_validate_json(SEED.read_text(encoding="utf-8"))
    assert sorted(seed.years) == [2026, 2027]
    for year, holidays in seed.years.items():
        assert len(holidays) >= 12
        assert all(h.date.year == year and h.name and h.name_ur for h in holidays)
        assert any(h.tentative for h in holidays) and any(not h.tentative for h in holidays)
    assert "tentative" in json.loads(SEED.read_text(encoding="utf-8"))["description"]


def test_the_calendar_comes_from_the_table_and_seeding_keeps_an_admins_edits() -> None:
    table = MemoryTable()
    services, _, _ = make_services(table)
    seed = HolidaySeed.model_validate_json(SEED.read_text(encoding="utf-8"))
    assert seed_missing_years(table, seed) == [2026, 2027]
    assert seed_missing_years(table, seed) == []
    assert [y.year for y in read_years(table, 2026, 2027)] == [2026, 2027]
    calendar = workdays.calendar_for(services, utc(2026, 12, 24, 6))
    assert date(2026, 12, 25) in calendar.holidays and date(2027, 3, 23) in calendar.holidays
