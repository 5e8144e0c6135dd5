"""Counters behind public statistics and feedback summaries: sharded ADD updates, read whole with BatchGetItem.

A counter is one (dimension, value) — the whole portal, a level, an organisation, an
office, a category, a district — for one day or one month. Writers add to a random shard
in the transaction of the change they count; readers sum every shard.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from chalicelib.store import keys
from chalicelib.store.table import Increment, Item, Put, Table

Groups = Mapping[str, str | None]


def daily(groups: Groups, day: str, counts: dict[str, int]) -> list[Increment]:
    """Add `counts` to the day's counter of each (dimension, value) that has a value."""
    return [Increment(keys.stat_key(dim, value, day), counts) for dim, value in groups.items() if value]


def monthly(groups: Groups, month: str, counts: dict[str, int]) -> list[Increment]:
    """Add `counts` to the month's counter of each (dimension, value) that has a value."""
    return [Increment(keys.stat_month_key(dim, value, month), counts) for dim, value in groups.items() if value]


def merged(increments: Sequence[Increment]) -> list[Increment]:
    """One increment per counter item: a transaction may not name an item twice (two counts can draw one shard)."""
    by_key: dict[tuple[str, str], dict[str, int]] = {}
    extras: dict[tuple[str, str], dict[str, Any]] = {}
    for inc in increments:
        counts = by_key.setdefault((inc.key["PK"], inc.key["SK"]), {})
        for name, amount in inc.counts.items():
            counts[name] = counts.get(name, 0) + amount
        extras.setdefault((inc.key["PK"], inc.key["SK"]), {}).update(inc.extra)
    return [Increment({"PK": pk, "SK": sk}, counts, extra=extras[(pk, sk)]) for (pk, sk), counts in by_key.items()]


def counted_once(what: str, sub: str, office_id: str, month: str) -> Put:
    """A marker put only if absent: written with a citizen's first `what` of an office in `month`, it fails every later one.

    It expires a month after `month` ends (TTL), when no counter of that month is written any more.
    """
    year, number = int(month[:4]), int(month[5:7])
    after_next = (year + (number + 1) // 12, (number + 1) % 12 + 1)  # the first day of the month after next
    expires_at = int(datetime(after_next[0], after_next[1], 1, tzinfo=UTC).timestamp())
    return Put({**keys.counted_once_key(what, sub, office_id, month), "expires_at": expires_at})


def keys_to_read(groups: int, *, days: int = 0, months: int = 0) -> int:
    """How many counter items an answer over `groups` × (`days` and `months`) reads (every shard)."""
    return groups * (days * keys.DAY_STAT_SHARDS + months * keys.STAT_SHARDS)


def _add(bucket: dict[str, int], item: Item) -> None:
    for name, count in item.items():
        if name not in ("PK", "SK") and isinstance(count, int | float):
            bucket[name] = bucket.get(name, 0) + int(count)


def read(
    table: Table, wanted: Sequence[tuple[str, str]], *, days: Sequence[str] = (), months: Sequence[str] = ()
) -> dict[tuple[str, str], dict[str, int]]:
    """The sums over `days` and whole `months` of every (dimension, value) in `wanted`, every shard read."""
    wanted_keys = [
        key
        for dim, value in wanted
        for key in (
            *(keys.stat_shard_key(dim, value, shard, day) for day in days for shard in range(keys.DAY_STAT_SHARDS)),
            *(key for month in months for key in keys.stat_month_keys(dim, value, month)),
        )
    ]
    sums: dict[tuple[str, str], dict[str, int]] = {w: {} for w in wanted}
    for item in table.get_many(wanted_keys):
        bucket = sums.get(keys.stat_group_of(item["PK"]))
        if bucket is not None:
            _add(bucket, item)
    return sums


def read_month(table: Table, dimension: str, value: str, month: str) -> dict[str, int]:
    """One month's counter of one (dimension, value), every shard summed (a GetItem per shard)."""
    totals: dict[str, int] = {}
    for key in keys.stat_month_keys(dimension, value, month):
        _add(totals, table.get(key) or {})
    return totals


# A (category, district) day counter is read for the spike job's whole baseline window, then expires.
PAIR_DAYS_KEPT = 120


def pair_daily(category_id: str, district_id: str, day: str, counts: dict[str, int]) -> Increment:
    """Add `counts` to the day's counter of one (category, district), in a random shard of that day's partition."""
    expires_at = int(datetime.fromisoformat(day).replace(tzinfo=UTC).timestamp()) + PAIR_DAYS_KEPT * 86400
    return Increment(keys.pair_day_key(day, category_id, district_id), counts, extra={"expires_at": expires_at})


def pairs_of_day(table: Table, day: str, name: str = "submitted") -> dict[tuple[str, str], int]:
    """Every (category, district) counted on `day` and its count: a paged Query of each of the day's shards."""
    found: dict[tuple[str, str], int] = {}
    for shard in range(keys.STAT_SHARDS):
        start = None
        while True:
            page = table.query(keys.pair_day_pk(day, shard), limit=1000, start_key=start)
            for item in page.items:
                pair = keys.pair_of(item["SK"])
                found[pair] = found.get(pair, 0) + int(item.get(name, 0))
            start = page.last_key
            if start is None:
                break
    return found
