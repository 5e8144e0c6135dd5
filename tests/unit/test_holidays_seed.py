"""infra/seed/holidays.json: the calendar `make run` and `make seed-aws` load, checked as a citizen would read it."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta
from pathlib import Path

import pytest

from chalicelib.models.holidays import Holiday, HolidaySeed

SEED = Path(__file__).resolve().parents[2] / "infra" / "seed" / "holidays.json"
RAW = SEED.read_text(encoding="utf-8")
YEARS = HolidaySeed.model_validate_json(RAW).years
URDU = re.compile(r"[\u0600-\u06ff]")
LATIN = re.compile(r"[A-Za-z]")

# Fixed by the Gregorian calendar: never tentative.
GAZETTED = {
    (2, 5): "Kashmir Solidarity Day",
    (3, 23): "Pakistan Day",
    (5, 1): "Labour Day",
    (5, 28): "Youm-e-Takbeer",
    (8, 14): "Independence Day",
    (11, 9): "Iqbal Day",
    (12, 25): "Quaid-e-Azam Day",
}
# Follow the moon: how many consecutive days each lasts.
ISLAMIC = {"Eid ul Fitr": 3, "Eid ul Adha": 3, "Ashura": 2, "Eid Milad un Nabi": 1}


def entries() -> list[tuple[int, Holiday]]:
    return [(year, h) for year, holidays in YEARS.items() for h in holidays]


def test_the_seed_parses_and_holds_2026_and_2027_each_date_inside_its_year_in_order() -> None:
    assert sorted(YEARS) == [2026, 2027]
    for year, holidays in YEARS.items():
        assert all(h.date.year == year for h in holidays), year
        assert [h.date for h in holidays] == sorted(h.date for h in holidays), year


def test_no_holiday_is_listed_twice() -> None:
    # Two holidays may share a day (Eid ul Adha and Youm-e-Takbeer on 28 May 2026), one may not repeat.
    listed = [(h.date, h.name) for _, h in entries()]
    assert len(listed) == len(set(listed))


def test_every_holiday_is_named_in_urdu_script() -> None:
    for _, h in entries():
        assert URDU.search(h.name_ur) and not LATIN.search(h.name_ur), h


@pytest.mark.parametrize("year", [2026, 2027])
def test_the_gazetted_days_fall_on_their_dates_and_are_not_tentative(year: int) -> None:
    fixed = {(h.date.month, h.date.day): h for h in YEARS[year] if not h.tentative}
    assert {day: h.name for day, h in fixed.items()} == GAZETTED


@pytest.mark.parametrize("year", [2026, 2027])
@pytest.mark.parametrize(("name", "days"), ISLAMIC.items())
def test_each_islamic_holiday_is_a_tentative_block_of_consecutive_days(year: int, name: str, days: int) -> None:
    block = [h for h in YEARS[year] if h.name.startswith(name)]
    assert len(block) == days and all(h.tentative for h in block), block
    first = block[0].date
    assert [h.date for h in block] == [first + timedelta(days=i) for i in range(days)]


def test_the_description_says_an_admin_corrects_the_tentative_dates() -> None:
    description = json.loads(RAW)["description"]
    assert "tentative" in description and "PUT /v1/admin/holidays/{year}" in description


def test_the_eids_are_about_a_lunar_year_apart() -> None:
    # A typo in a month would move an Eid by weeks; the Islamic year is 354 or 355 days.
    for name in ("Eid ul Fitr", "Eid ul Adha"):
        first, second = (min(h.date for h in YEARS[year] if h.name == name) for year in (2026, 2027))
        assert 353 <= (second - first).days <= 356, (name, first, second)
    # Anchored by the moon: the new moon ending Ramadan 1447 is on 19 March 2026, so Eid is the 20th or 21st.
    assert date(2026, 3, 20) <= min(h.date for h in YEARS[2026] if h.name == "Eid ul Fitr") <= date(2026, 3, 21)
