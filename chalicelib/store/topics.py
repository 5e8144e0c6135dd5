"""Emerging topics in the table: the complaints filed in a period, and one item per (organisation, week)."""

from __future__ import annotations

import heapq
import json
from collections.abc import Iterator, Sequence
from typing import Any

from chalicelib.logic.clock import months_between, parse_time
from chalicelib.store import keys
from chalicelib.store.table import Item, Key, Put, SortCondition, Table


def filed_between(
    table: Table, category_ids: Sequence[str], start_iso: str, end_iso: str, *, page_size: int = 200
) -> Iterator[Item]:
    """Every case of `category_ids` filed in [start_iso, end_iso): GSI4, one paged Query per partition.

    A case sits in one of four partitions of its category and month (private or published, open
    or closed: access pattern 6; a private one in shards); the sort key (`<created>#<id>`) bounds each
    Query to the period.
    """
    months = months_between(parse_time(start_iso), parse_time(end_iso))
    for category_id in category_ids:
        for month in months:
            for public in (False, True):
                for closed in (False, True):
                    # A partition's shards merged in filing order, as one partition reads
                    shards = keys.service_pks(category_id, month, public=public, closed=closed)
                    periods = [_period(table, pk, start_iso, end_iso, page_size) for pk in shards]
                    yield from heapq.merge(*periods, key=lambda item: str(item["GSI4SK"]))


def _period(table: Table, pk: str, start_iso: str, end_iso: str, page_size: int) -> Iterator[Item]:
    start: Key | None = None
    while True:
        page = table.query(
            pk, index="GSI4", sort=SortCondition("between", start_iso, end_iso), limit=page_size, start_key=start
        )
        yield from page.items
        if not page.last_key:
            break
        start = page.last_key


def put_topics(table: Table, organisation_id: str, week: str, computed_at: str, found: dict[str, Any]) -> None:
    """Store (or replace) an organisation's topics of a week; the themes as JSON text (floats kept as computed)."""
    item: Item = {
        **keys.topics_key(organisation_id, week),
        "organisation_id": organisation_id,
        "week": week,
        "computed_at": computed_at,
        "found": json.dumps(found, ensure_ascii=False, separators=(",", ":")),
    }
    table.transact([Put(item, overwrite=True)])


def get_topics(table: Table, organisation_id: str, week: str) -> tuple[str, dict[str, Any]] | None:
    """(computed_at, what was found) of an organisation's week, or None when it was never computed."""
    item = table.get(keys.topics_key(organisation_id, week))
    if item is None:
        return None
    return str(item["computed_at"]), json.loads(str(item["found"]))
