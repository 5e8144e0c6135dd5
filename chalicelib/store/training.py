"""Reads for retraining the category model: closed complaints of a category and month (GSI4, no Scan)."""

from __future__ import annotations

import heapq
from collections.abc import Iterator

from chalicelib.models.complaints import Case
from chalicelib.store import keys
from chalicelib.store.cases import listed_case
from chalicelib.store.table import Item, Key, Table


def closed_cases(table: Table, category_id: str, month: str, *, page_size: int = 200) -> Iterator[Case]:
    """Every finished case filed in `month` (`YYYY-MM`) whose category is now `category_id`, newest first.

    GSI4 holds a case under its current category (the item is rewritten when a transfer corrects
    it), in a private (sharded) and a published partition; each is read page by page, its shards merged newest first.
    """
    for public in (False, True):
        # A partition's shards merged newest first, as one partition reads
        shards = [
            _newest_first(table, pk, page_size)
            for pk in keys.service_pks(category_id, month, public=public, closed=True)
        ]
        for item in heapq.merge(*shards, key=lambda i: str(i["GSI4SK"]), reverse=True):
            yield listed_case(item)  # an archived case's stub has no description: the retraining skips it


def _newest_first(table: Table, pk: str, page_size: int) -> Iterator[Item]:
    start: Key | None = None
    while True:
        page = table.query(pk, index="GSI4", newest_first=True, limit=page_size, start_key=start)
        yield from page.items
        if not page.last_key:
            break
        start = page.last_key
