"""Public holidays in the table: one item per year under the directory's partition."""

from __future__ import annotations

import json
from collections.abc import Sequence

from chalicelib.models.holidays import Holiday, HolidaySeed, HolidayYear
from chalicelib.store import keys
from chalicelib.store.table import Put, SortCondition, Table, Write


def read_years(table: Table, first: int, last: int) -> list[HolidayYear]:
    """The stored years from `first` to `last` (inclusive), in one Query."""
    page = table.query(
        keys.DIRECTORY_PK,
        sort=SortCondition("between", keys.holiday_year_sk(first), keys.holiday_year_sk(last)),
        limit=last - first + 1,
    )
    return [
        HolidayYear(year=int(item["year"]), holidays=[Holiday.model_validate(h) for h in json.loads(item["holidays"])])
        for item in page.items
    ]


def write_year(table: Table, year: HolidayYear, also: Sequence[Write] = ()) -> None:
    """Replace a year's holidays (stored as JSON text: dates stay strings, Urdu stays intact), with `also`
    (its audit entry) in the same transaction."""
    item = {
        "PK": keys.DIRECTORY_PK,
        "SK": keys.holiday_year_sk(year.year),
        "year": year.year,
        "holidays": json.dumps([h.model_dump(mode="json") for h in year.holidays], ensure_ascii=False),
    }
    table.transact([Put(item, overwrite=True), *also])


def seed_missing_years(table: Table, seed: HolidaySeed) -> list[int]:
    """Write the seed's years that the table does not hold yet (an admin's edits are never overwritten)."""
    if not seed.years:
        return []
    held = {y.year for y in read_years(table, min(seed.years), max(seed.years))}
    written = []
    for year, holidays in sorted(seed.years.items()):
        if year not in held:
            write_year(table, HolidayYear(year=year, holidays=holidays))
            written.append(year)
    return written
