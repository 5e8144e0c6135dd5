"""Public holidays: what an admin sends for a year, and what is stored and shown."""

from datetime import date
from typing import Annotated

from pydantic import Field

from chalicelib.models.base import Model
from chalicelib.models.common import StrictInput

Name = Annotated[str, Field(min_length=1, max_length=120)]


class Holiday(StrictInput):
    date: date
    name: Name
    name_ur: Name
    # Islamic holidays follow the moon: seeded from the expected date, corrected by an
    # admin once the government notifies them.
    tentative: bool = False


class HolidaysIn(StrictInput):
    holidays: Annotated[list[Holiday], Field(max_length=60)]


class HolidayYear(Model):
    year: int
    holidays: list[Holiday]


class HolidaySeed(Model):
    """infra/seed/holidays.json: the holidays of each year, by year."""

    description: str = ""
    years: dict[int, list[Holiday]]
