"""Time as the service writes and reads it: ISO 8601 in UTC with a `Z`, calendar months as `YYYY-MM`.

Every module that stores, parses or buckets a moment uses these, so a stored deadline, a
key's month and a query's range always agree on the format.
"""

from __future__ import annotations

from datetime import UTC, date, datetime


def iso(moment: datetime) -> str:
    """A moment as stored and shown: seconds precision, UTC written `Z`."""
    return moment.isoformat(timespec="seconds").replace("+00:00", "Z")


def parse_time(value: str) -> datetime:
    """A stored or sent ISO 8601 moment (`Z` or an offset); ValueError when it is not one."""
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def parse_time_or_utc(value: str) -> datetime:
    """Like `parse_time`, reading a moment without a zone as UTC."""
    moment = parse_time(value)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def parse_day(value: str) -> date:
    """`YYYY-MM-DD` (a longer ISO moment is cut to its date); ValueError when it is not one."""
    return date.fromisoformat(value[:10])


def month_of(moment: datetime | date) -> str:
    return f"{moment.year:04d}-{moment.month:02d}"


def parse_month(value: str) -> str | None:
    """`YYYY-MM` as typed, or None when it is not a calendar month."""
    if len(value) != 7 or value[4] != "-" or not value.replace("-", "", 1).isascii():
        return None
    year, month = value[:4], value[5:]
    if not (year.isdigit() and month.isdigit()) or not 1 <= int(month) <= 12:
        return None
    return value


def _next(year: int, month: int) -> tuple[int, int]:
    return (year, month + 1) if month < 12 else (year + 1, 1)


def months_between(start: datetime | date, end: datetime | date) -> list[str]:
    """Every `YYYY-MM` from `start`'s month to `end`'s, oldest first."""
    found, year, month = [], start.year, start.month
    while (year, month) <= (end.year, end.month):
        found.append(f"{year:04d}-{month:02d}")
        year, month = _next(year, month)
    return found


def months_back(moment: datetime | date, count: int) -> list[str]:
    """`moment`'s month and the `count` months before it, oldest first."""
    year, month = moment.year, moment.month - count
    while month < 1:
        year, month = year - 1, month + 12
    return months_between(date(year, month, 1), moment)
