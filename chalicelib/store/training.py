"""Reads for retraining the category model: closed complaints of a category and month (GSI4, no Scan)."""

from __future__ import annotations

from collections.abc import Iterator

from chalicelib.models.complaints import Case
from chalicelib.store import keys
from chalicelib.store.table import Key, Table


def closed_cases(table: Table, category_id: str, month: str, *, page_size: int = 200) -> Iterator[Case]:
    """Every finished case filed in `month` (`YYYY-MM`) whose category is now `category_id`, newest first.

    GSI4 holds a case under its current category (the item is rewritten when a transfer corrects
    it), in a private (sharded) and a published partition; each is read, page by page (newest first within a shard).
    """
    for public in (False, True):
        for pk in keys.service_pks(category_id, month, public=public, closed=True):
            start: Key | None = None
            while True:
                page = table.query(pk, index="GSI4", newest_first=True, limit=page_size, start_key=start)
                for item in page.items:
                    yield Case.model_validate(item)
                if not page.last_key:
                    break
                start = page.last_key
